"""The disclosure step's rules (osaava.disclosure) on small hand-made documents, every number
worked by hand. The audit of whole reports is in test_audit.py."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from osaava.disclosure import (RESIDUAL, disclose, disclose_follow_up, half_up, rounded)
from osaava.figures import PERSON_FIGURES

MIN = 5


def scope(n: int, trained: int, **kw) -> dict:
    v = {k: 0 for k in PERSON_FIGURES}
    v.update(persons_employed=n, headcount_year_end=n, persons_trained=trained, htv=n * 0.9)
    v.update(kw)
    return v


def group(n: int, k: int, days_per_person: float = 1.0) -> dict:
    return {"persons_employed": n, "persons_trained": k, "share_trained_pct": k / n * 100,
            "training_days_per_person": days_per_person}


def doc_with(groups: dict | None = None, **org) -> dict:
    return {"year": 2025, "organisation": scope(485, 331, **org), "sectors": {},
            "groups": groups or {}, "findings": [], "targets": [],
            "equity_gap_pct_points": {}}


# ---------------------------------------------------------------------------------------------
# Rounding


def test_half_up_everywhere():
    # half up, not to even: 0.5 → 1, 1.5 → 2, 2.5 → 3 (Python's round() gives 0, 2, 2)
    assert [half_up(x, 0) for x in (0.5, 1.5, 2.5, -0.5)] == [1, 2, 3, -1]
    # 2.675 is written 2.675 and rounded as a person reads it (its binary value is 2.67499…)
    assert half_up(2.675, 2) == 2.68 and half_up(68.25, 1) == 68.3
    assert rounded(718.25, "num1") == 718.3 and rounded(4404.400000000001, "eur") == 4404
    assert rounded(68.24742268041237, "pct") == 68.2 and rounded(None, "pct") is None


def test_public_numbers_are_rounded():
    pub = disclose(doc_with(share_trained_pct=331 / 485 * 100, htv=412.3456), MIN)
    # 331 / 485 × 100 = 68.247… → 68.2; 412.3456 htv → 412.35 (two decimals)
    assert pub["organisation"]["share_trained_pct"] == 68.2
    assert pub["organisation"]["htv"] == 412.35


# ---------------------------------------------------------------------------------------------
# Groups: folding into the residual


def test_a_small_gender_group_is_folded_with_the_smallest_other():
    """Issue 12's demo: women 354 (242 trained), men 129 (88), X 2 (1). X alone is under 5, so
    the residual takes the smallest other group too: "Muut (mies, muu)" = 129 + 2 = 131
    persons, 88 + 1 = 89 trained."""
    gender = {"N": group(354, 242, 1.7902542372881356), "M": group(129, 88, 1.7319121447028423),
              "X": group(2, 1, 0.4166666666666667)}
    pub = disclose(doc_with({"gender": gender}), MIN)
    rows = pub["groups"]["gender"]
    assert set(rows) == {"N", RESIDUAL} and sorted(pub["folded"]["gender"]) == ["M", "X"]
    r = rows[RESIDUAL]
    assert (r["persons_employed"], r["persons_trained"]) == (131, 89)
    # 89 / 131 × 100 = 67.938… → 67.9
    assert r["share_trained_pct"] == 67.9
    # days: 1.7319… × 129 = 223.4166… and 0.41666… × 2 = 0.8333…; (223.4166… + 0.8333…) / 131
    # = 224.25 / 131 = 1.7118… → 1.71
    assert r["training_days_per_person"] == 1.71
    # women 242 / 354 × 100 = 68.361… → 68.4; the gap, from the shown rows only (a group of at
    # least 5 persons is folded): 68.4 − 67.9 = 0.5, and the report says it is partial
    assert rows["N"]["share_trained_pct"] == 68.4
    assert pub["equity_gap_pct_points"]["gender"] == 0.5
    assert pub["equity_gap_partial"] == {"gender": True}


def test_small_groups_that_reach_the_threshold_together_keep_the_others():
    """Ages: under 30 has 3 persons, 30–49 has 2: together 5, so the residual is those two and
    50+ stays as it is."""
    ages = {"under_30": group(3, 1), "30_49": group(2, 2), "50_plus": group(480, 328)}
    pub = disclose(doc_with({"age_band": ages}), MIN)
    rows = pub["groups"]["age_band"]
    assert set(rows) == {"50_plus", RESIDUAL}
    # the residual has 3 + 2 = 5 persons, 1 + 2 = 3 trained: 3 trained < 5, so its share is
    # hidden; 50+ is then the only other row and its trained count would give the residual's
    # back (331 − 328 = 3): hidden too
    assert rows[RESIDUAL]["persons_employed"] == 5 and rows[RESIDUAL]["share_trained_pct"] is None
    assert rows["50_plus"]["share_trained_pct"] is None and rows["50_plus"]["persons_employed"] == 480
    assert pub["equity_gap_pct_points"]["age_band"] is None


def test_few_trained_in_a_large_group_hides_two_shares():
    """Under 30: 6 persons, 3 trained (issue 12). The share would tell 3 persons: hidden; and
    the smallest other trained count that brings the hidden sum to 5 too."""
    ages = {"under_30": group(6, 3), "30_49": group(268, 183), "50_plus": group(211, 145)}
    pub = disclose(doc_with({"age_band": ages}), MIN)
    rows = pub["groups"]["age_band"]
    assert RESIDUAL not in rows
    assert rows["under_30"]["share_trained_pct"] is None and rows["under_30"]["persons_employed"] == 6
    assert rows["50_plus"]["share_trained_pct"] is None  # 145 < 183: the smaller one
    # 183 / 268 × 100 = 68.283… → 68.3
    assert rows["30_49"]["share_trained_pct"] == 68.3
    # a group of at least 5 persons has a hidden share: the gap is from the shown ones only,
    # and there is one: none
    assert pub["equity_gap_pct_points"]["age_band"] is None


def test_figures_json_keeps_every_group():
    gender = {"N": group(354, 242), "M": group(129, 88), "X": group(2, 1)}
    doc = doc_with({"gender": gender})
    disclose(doc, MIN)
    assert set(doc["groups"]["gender"]) == {"N", "M", "X"}


# ---------------------------------------------------------------------------------------------
# Persons behind hours and events


def test_working_time_parts_are_hidden_by_their_persons():
    """100 training hours: 60 on working time (20 persons), 90 − 60 = 30 on paid leave (3
    persons), 100 − 90 = 10 unpaid (7 persons). Paid leave is hidden for its 3 persons, however
    many hours; unpaid as well, as the total minus the shown parts would give it back."""
    doc = doc_with(training_hours=100.0, working_time_training_hours=60.0, paid_training_hours=90.0)
    exp = {"organisation": {"persons_wt_ordered": 20, "persons_wt_paid_leave": 3,
                            "persons_wt_unpaid": 7}}
    pub = disclose(doc, MIN, exp)
    assert pub["working_time"] == {"total": 100.0, "ordered": 60.0, "paid_leave": None, "unpaid": None}
    assert {"working_time/paid_leave", "working_time/unpaid"} <= set(pub["hidden"])


def test_events_of_few_persons_are_hidden():
    """A sector's 12 applications made by 4 persons: hidden, though 12 ≥ 5."""
    doc = doc_with(applications_required=112, applications_compliant=100)
    doc["sectors"] = {"A": scope(200, 150, applications_required=12, applications_compliant=10),
                      "B": scope(285, 181, applications_required=100, applications_compliant=90)}
    exp = {"sectors": {"A": {"persons_applications": 4, "persons_cost": 150},
                       "B": {"persons_applications": 60, "persons_cost": 181}}}
    pub = disclose(doc, MIN, exp)
    assert pub["sectors"]["A"]["applications_required"] is None
    assert pub["sectors"]["B"]["applications_required"] is None  # 112 − B would give A back
    assert pub["organisation"]["applications_required"] == 112


def test_application_findings_add_up_to_the_non_compliant():
    """Issue 12: 337 required − 320 compliant = 17 = 10 late + 5 missing + 2 below the limit.
    The 2 are hidden; so is one more of the three (the smallest that reaches 5 − 2 = 3: the
    5 missing), or 17 − 10 − 5 would give them back."""
    doc = doc_with(applications_required=337, applications_compliant=320)
    doc["sectors"] = {"A": doc["organisation"]}
    doc["organisation"] = dict(doc["organisation"])
    doc["findings"] = [
        {"code": "application_late", "severity": "medium", "sector": "A", "count": 10},
        {"code": "application_missing", "severity": "high", "sector": "A", "count": 5},
        {"code": "approver_below_limit", "severity": "medium", "sector": "A", "count": 2}]
    exp = {"findings": {"application_late": {"A": 10, "total": 10},
                        "application_missing": {"A": 5, "total": 5},
                        "approver_below_limit": {"A": 2, "total": 2}}}
    pub = disclose(doc, MIN, exp)
    f = pub["findings_summary"]
    assert f["approver_below_limit"]["total"] is None
    assert f["application_missing"]["total"] is None
    assert f["application_late"]["total"] == 10


# ---------------------------------------------------------------------------------------------
# The follow-up


def test_follow_up_hides_a_sector_where_one_person_trained():
    """Sector A: 40 persons, 1 trained, 1 631 € and 5.17 days (issue 12). Hidden, and B too
    (the city's 9 631 € − B's would give A's back); C's 2 000 € of 10 persons stays."""
    secs = {"A": scope(40, 1, direct_cost_eur=1631.0, training_days=5.17),
            "B": scope(100, 20, direct_cost_eur=6000.0, training_days=30.0),
            "C": scope(120, 10, direct_cost_eur=2000.0, training_days=20.0)}
    org = scope(260, 31, direct_cost_eur=9631.0, training_days=55.17)
    summary = {"year": 2025, "as_of": "2025-10-31", "elapsed_pct": 83.56164383561644,
               "coverage_pace_pct": 75.2, "warnings": 1,
               "rows": [{"sector": s, "budget_eur": 1000.0, "direct_cost_eur": v["direct_cost_eur"],
                         "budget_use_pct": v["direct_cost_eur"] / 10, "training_days": v["training_days"],
                         "training_days_per_htv": 0.1, "discussion_coverage_pct": None,
                         "warnings": ["budget_over_90"] if s == "A" else []}
                        for s, v in [("organisation", org), *secs.items()]]}
    pub = disclose_follow_up(summary, org, secs, MIN)
    by = {r["sector"]: r for r in pub["rows"]}
    # B has 20 trained and C 10: C is the smaller that protects
    assert by["A"]["direct_cost_eur"] is None and by["C"]["direct_cost_eur"] is None
    assert by["B"]["direct_cost_eur"] == 6000 and by["organisation"]["direct_cost_eur"] == 9631
    assert by["A"]["warnings"] == [] and pub["warnings"] == 0  # a warning about a hidden figure
    # 83.5616… % of the year → 83.6
    assert pub["elapsed_pct"] == 83.6
    assert summary["rows"][1]["direct_cost_eur"] == 1631.0  # the input is not changed


# ---------------------------------------------------------------------------------------------
# Text from the data is inert


def test_a_sector_name_like_a_formula_is_text_in_the_workbook(small_frames):
    import openpyxl

    from osaava.figures import compute
    from osaava.guideline import guideline_for_year, load_codes
    from osaava.report import ReportContext, figures_document, render_xlsx

    g = guideline_for_year(2024)
    fig = compute(small_frames, g, load_codes(), 2024)
    doc = figures_document(fig, g, [])
    evil = {"YH": "=HYPERLINK(\"http://x\",\"y\")", "SIV": "@SUM(A1:A9)"}
    doc["sector_names"] = {s: {"fi": evil[s], "sv": "+" + evil[s]} for s in evil}
    pub = disclose(doc, MIN)
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(pub, "fi", ReportContext(g, dt.date(2025, 2, 3)))))
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in evil.values():
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate)
                    seen += 1
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert seen >= 10


def test_chart_labels_are_not_math():
    """A label with "$…$" is drawn as written: an unknown TeX command would make mathtext
    raise while drawing."""
    from osaava.report.charts import Bar, bar_chart

    png = bar_chart([Bar("$\\notacommand{x}$ palvelut", 2.0), Bar("Koko $kaupunki$", 3.0)],
                    "Otsikko $\\alpha$", lambda v: f"{v:.1f}")
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize("value, kind, text", [(2.0, "num", "2,0"), (718.25, "num1", "718,3"),
                                               (0.5, "eur", "1"), (68.25, "pct", "68,3")])
def test_the_report_writes_the_rounded_number(value, kind, text):
    from osaava.report import fmt

    assert fmt(value, "fi", kind) == text


def test_artifacts_show_the_public_numbers():
    """The Prefect artifact's figure summary is made from the public document: rounded, and
    ".." where the disclosure step hid a figure."""
    from tasks.artifacts import figures_markdown

    doc = doc_with(share_trained_pct=331 / 485 * 100, supervisors=40, supervisors_compliant=38,
                   supervisor_compliance_pct=95.0)
    doc["targets"] = [{"key": "share_trained_pct", "value": 331 / 485 * 100, "target": 70.0,
                       "comparison": ">=", "met": False}]
    doc["guideline"] = {"id": "kauniainen-koulutusohje", "version": "2024.1"}
    md = figures_markdown(disclose(doc, MIN))
    # 331 / 485 × 100 = 68.247… → "68,2"; 2 supervisors without the level: the share is hidden
    assert "| 68,2 |" in md and "68,24" not in md
    line = [x for x in md.splitlines() if x.startswith("| Esihenkilöiden johtamiskoulutus")][0]
    assert line.endswith("| .. |")
