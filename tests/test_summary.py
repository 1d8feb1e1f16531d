"""The summary that tells the truth at a glance (issue 14, item 1): the target × sector table,
each target's change from last year on the same definition, and the three largest changes in
words."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest

from osaava.disclosure import disclose, kind_of, rounded
from osaava.report.i18n import ReportContext, fmt_cell
from osaava.report.summary import changes, largest_changes
from osaava.report.tables import equity_gap_comparison, tables, targets_by_sector_table


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    from connectors.files import read_folder
    from osaava.synth import generate, write_export
    from osaava.yearly import figures_from_frames

    folder = tmp_path_factory.mktemp("summary-export")
    write_export(generate(600, (2024, 2025), 1), folder)
    yf = figures_from_frames(read_folder(folder).frames, 2025)
    return yf, disclose(yf.document, 5, yf.exposure)


def test_target_by_sector_table_matches_the_figures(synth):
    yf, pub = synth
    doc = yf.document
    tb = targets_by_sector_table(pub)
    assert tb.id == "targets_by_sector"
    keys = [c.split(":", 1)[1] for c in tb.columns[1:]]
    # the gap between groups is the city's only: in its card and the targets sheet
    assert keys == ["training_days_per_htv", "discussion_coverage_pct", "share_trained_pct"]
    rows = {r.label: r for r in tb.rows}
    targets = {x["key"]: x for x in doc["targets"]}
    assert [c.value for c in rows[("target_row",)].cells] == [
        (targets[k]["comparison"], targets[k]["target"]) for k in keys]
    for s, raw in doc["sectors"].items():
        for k, c in zip(keys, rows[("sector", s)].cells):
            if f"sectors/{s}/{k}" in pub["hidden"]:
                assert c.hidden and c.met is None
                continue
            assert c.value == rounded(raw[k], kind_of(k))
            # met from the unrounded figure, like the city's
            assert c.met == (raw[k] >= targets[k]["target"])
    city = rows[("org",)]
    assert city.total
    for k, c in zip(keys, city.cells):
        x = next(t for t in pub["targets"] if t["key"] == k)
        assert c.value == x["value"] and c.met == x["met"]
    # last year's row and the change: same definition (the gap of the same dimension)
    prev = rows[("previous_year", 2024)].cells
    change = rows[("change",)].cells
    for k, p, ch, now in zip(keys, prev, change, city.cells):
        assert p.value == pub["previous_year"]["organisation"][k]
        if ch.value is not None:
            assert ch.value == rounded(now.value - p.value, kind_of(k))
    # the targets sheet: last year and the change of every target, the gap of the same dimension
    from osaava.report.tables import targets_table

    gap = next(r for r in targets_table(pub).rows if r.label == ("figure", "equity_gap_pct_points"))
    comp = equity_gap_comparison(pub)
    assert gap.cells[-2].value == pub["previous_year"]["equity_gap_pct_points"][comp["dimension"]]
    assert gap.cells[-1].value == comp["change"]
    # the table is in every format: a sheet of the workbook, a table of the mail
    assert "targets_by_sector" in [t.id for t in tables(pub)] and tb.web
    assert fmt_cell(city.cells[0], "fi").endswith(("✔", "✘"))


def _gap_doc(gaps: dict, prev_gaps: dict, partial: dict | None = None) -> dict:
    return {"year": 2025, "suppression_min_persons": 5, "organisation": {}, "sectors": {},
            "groups": {}, "hidden": [], "equity_gap_pct_points": gaps,
            "equity_gap_partial": partial or {},
            "targets": [{"key": "equity_gap_pct_points", "value": max(v for v in gaps.values() if v is not None),
                         "target": 15.0, "comparison": "<=", "met": False}],
            "previous_year": {"year": 2024, "organisation": {}, "sectors": {},
                              "equity_gap_pct_points": prev_gaps}}


def test_the_equity_gap_is_compared_with_the_same_dimension():
    """Issue 14: 2025's sector gap (18.1) was compared with 2024's employment-type gap (20.0),
    so a gap that grew read as an improvement. Now: with 2024's sector gap (16.4)."""
    doc = _gap_doc({"sector": 18.1, "employment_type": 10.0, "gender": None},
                   {"sector": 16.4, "employment_type": 20.0})
    c = equity_gap_comparison(doc)
    assert c == {"dimension": "sector", "value": 18.1, "previous": 16.4, "change": 1.7}
    from osaava.report.html import target_sentences

    card = {k: (v.replace("\u00a0", " ") if isinstance(v, str) else v)
            for k, v in target_sentences(doc, "fi")[0].items()}
    assert card["previous"] == ("Edellinen vuosi (2024), sama ryhmittely (toimiala): 16,4 %-yks.; "
                                "muutos +1,7 %-yks. (huonompaan suuntaan)")
    sv = target_sentences(doc, "sv")[0]["previous"]
    assert "samma gruppering (sektor): 16,4" in sv and "i fel riktning" in sv
    # a gap computed from the shown groups only is not compared
    doc = _gap_doc({"sector": 18.1}, {"sector": 16.4}, {"sector": True})
    assert equity_gap_comparison(doc)["change"] is None


def _change_doc() -> dict:
    names = {"YH": {"fi": "Yleishallinto", "sv": "Allmänna förvaltningen"},
             "SIV": {"fi": "Sivistystoimi", "sv": "Bildningssektorn"}}
    return {"year": 2025, "sector_names": names, "hidden": [],
            "targets": [{"key": "training_days_per_htv", "target": 2.0}],
            "organisation": {"share_trained_pct": 68.2, "needs_fulfilment_pct": 66.6,
                             "training_days_per_htv": 2.09},
            "sectors": {"YH": {"share_trained_pct": 58.1, "needs_fulfilment_pct": None,
                               "training_days_per_htv": 1.74},
                        "SIV": {"share_trained_pct": 75.3, "needs_fulfilment_pct": 70.0,
                                "training_days_per_htv": 2.34}},
            "previous_year": {"year": 2024,
                              "organisation": {"share_trained_pct": 69.1, "needs_fulfilment_pct": 77.1,
                                               "training_days_per_htv": 1.95},
                              "sectors": {"YH": {"share_trained_pct": 72.6, "needs_fulfilment_pct": 80.0,
                                                 "training_days_per_htv": 1.74},
                                          "SIV": {"share_trained_pct": 75.0, "needs_fulfilment_pct": None,
                                                  "training_days_per_htv": 2.0}}}}


def test_the_three_largest_changes_in_words():
    doc = _change_doc()
    got = changes(doc)
    # points out of 100 for shares, share of the target for days per htv:
    # YH share −14.5 → 0.145; SIV days +0.34 → 0.17; city needs −10.5 → 0.105; ...
    assert [(c["scope"], c["key"], c["change"]) for c in got[:3]] == [
        ("SIV", "training_days_per_htv", 0.34), ("YH", "share_trained_pct", -14.5),
        ("org", "needs_fulfilment_pct", -10.5)]
    # a hidden or missing value on either side is never compared; no change is no sentence
    assert not any(c["scope"] == "YH" and c["key"] == "needs_fulfilment_pct" for c in got)
    assert not any(c["scope"] == "YH" and c["key"] == "training_days_per_htv" for c in got)
    fi = largest_changes(doc, "fi")
    assert fi[1] == "Yleishallinto: koulutukseen osallistuneiden osuus laski 72,6 % → 58,1 % (−14,5 %-yks.)."
    assert fi[2] == "Koko kaupunki: koulutustarpeiden toteutuminen laski 77,1 % → 66,6 % (−10,5 %-yks.)."
    assert fi[0] == "Sivistystoimi: koulutuspäivien määrä henkilötyövuotta kohden nousi 2,0 → 2,34 (+0,34)."
    sv = largest_changes(doc, "sv")
    assert sv[1] == ("Allmänna förvaltningen: andelen som deltog i utbildning sjönk 72,6 % → 58,1 % "
                     "(−14,5 procentenheter).")
    assert largest_changes({**doc, "previous_year": None}, "fi") == []


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_summary_comes_right_after_the_target_cards(synth, lang):
    from osaava.guideline import guideline_for_year
    from osaava.report import render_report_html, texts

    yf, pub = synth
    html = render_report_html(pub, lang, ReportContext(guideline_for_year(2025), dt.date(2026, 1, 15)), "web")
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.S)))
    t = texts(lang)
    cards, key_figures = text.index(t["sections"]["targets"]), text.index(t["sections"]["key_figures"])
    for line in largest_changes(pub, lang):
        assert cards < text.index(line) < key_figures
    assert cards < text.index(t["tables"]["targets_by_sector"]) < text.index(t["sections"]["trend"]) < key_figures
    assert len(largest_changes(pub, lang)) == 3
