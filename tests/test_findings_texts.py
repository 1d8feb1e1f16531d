"""Findings for people (issue 14, item 6): guideline breaches apart from data-quality items, a
unit on every count, one sentence in each language on what a finding means and what the
guideline expects; no technical guideline id in running text."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from osaava.figures import FINDINGS
from osaava.finding_codes import CATEGORIES, FINDING_CODES, UNITS, category, unit
from osaava.guideline import latest_guideline
from osaava.report import ReportContext, texts
from osaava.report.i18n import finding_text, finding_unit, guideline_name
from osaava.report.tables import findings_by_sector_table, findings_table, tables

LANGS = ("fi", "sv")


def test_every_finding_code_is_in_exactly_one_category_with_a_unit():
    assert set(FINDING_CODES) == set(FINDINGS)
    for code in FINDINGS:
        assert category(code) in CATEGORIES
        assert unit(code) in UNITS
    # the split: the two reconciliation items are data quality, the rest breaches
    assert {c for c in FINDINGS if category(c) == "data_quality"} == {
        "pay_data_missing", "training_absence_mismatch"}


def test_units_follow_what_figures_counts():
    # figures._findings: application, commitment and repayment rows are participations; the
    # paid-days total and the supervisor level are a person's; pay data and the absence
    # reconciliation are per employment (person + employment number)
    assert {c for c in FINDINGS if unit(c) == "persons"} == {"paid_days_over_cap",
                                                             "supervisor_level_missing"}
    assert {c for c in FINDINGS if unit(c) == "employments"} == {"pay_data_missing",
                                                                 "training_absence_mismatch"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_name_a_unit_and_one_sentence(lang):
    t = texts(lang)
    g = latest_guideline()
    for code in FINDINGS:
        assert t["findings"][code].strip()
        assert finding_unit(code, lang) in t["finding_units"].values()
        s = finding_text(code, lang, g)
        assert s and "{" not in s and s.endswith(".")
        assert s.count(". ") == 0, f"one sentence: {s}"
    for cat in CATEGORIES:
        assert t["finding_intro"][cat].strip()


def test_sentences_name_the_guidelines_values_in_the_languages_format():
    g = latest_guideline()
    assert "10 palkallista" in finding_text("paid_days_over_cap", "fi", g)
    assert "3\xa0000 €" in finding_text("commitment_missing", "fi", g) \
        or "3 000 €" in finding_text("commitment_missing", "fi", g)
    assert "24 månader" in finding_text("commitment_missing", "sv", g)


def _doc(findings: dict) -> dict:
    return {"sectors": {"YH": {}, "SIV": {}}, "hidden": [],
            "findings_summary": {code: {"severity": FINDINGS[code][0], "total": n,
                                        "sectors": {"YH": n, "SIV": 0}}
                                 for code, n in findings.items()}}


def test_the_tables_split_breaches_from_data_quality_and_carry_the_unit():
    doc = _doc({"application_missing": 7, "pay_data_missing": 12, "paid_days_over_cap": 6,
                "training_absence_mismatch": 30})
    br, dq = findings_table(doc, "breach"), findings_table(doc, "data_quality")
    assert [r.label[1] for r in br.rows] == ["application_missing", "paid_days_over_cap"]
    assert [r.label[1] for r in dq.rows] == ["pay_data_missing", "training_absence_mismatch"]
    assert br.columns == ("finding", "count", "unit", "severity", "meaning")
    assert [r.cells[0].value for r in dq.rows] == [12, 30]
    assert [r.cells[1].value for r in br.rows] == ["application_missing", "paid_days_over_cap"]
    bs = findings_by_sector_table(doc, "data_quality")
    assert bs.columns[-1] == "unit" and bs.id == "findings_data_by_sector"
    ids = [tb.id for tb in tables({**doc, "groups": {}, "targets": [], "organisation": {}})
           if tb.id.startswith("findings")]
    assert ids == ["findings", "findings_by_sector", "findings_data", "findings_data_by_sector"]
    for lang in LANGS:
        t = texts(lang)
        for i in ids:
            assert t["tables"][i] and t["sheets"][i] and len(t["sheets"][i]) <= 31


@pytest.mark.parametrize("lang", LANGS)
def test_guideline_in_words_not_its_id(lang):
    g = latest_guideline()
    words = guideline_name(g, lang)
    assert g.id not in words and g.version in words
    assert words.startswith({"fi": "Kauniaisten kaupungin koulutusohje",
                             "sv": "Grankulla stads utbildningsanvisning"}[lang])


def test_rendered_small_city_report_has_the_parts(tmp_path, small_frames):
    from osaava.disclosure import exposure
    from osaava.figures import compute
    from osaava.guideline import guideline_for_year, load_codes
    from osaava.report import figures_document
    from tasks.figures import YearFigures
    from tasks.render import write_reports
    from tests.test_report import html_text

    g = guideline_for_year(2024)
    fig = compute(small_frames, g, load_codes(), 2024)
    yf = YearFigures(fig, g, figures_document(fig, g, []), exposure(small_frames, fig, g))
    paths = write_reports(yf, str(tmp_path), made_on=dt.date(2025, 2, 3))
    for lang, heads in (("fi", ("Poikkeamat koulutusohjeesta", "Tietojen laatu")),
                        ("sv", ("Avvikelser från utbildningsanvisningen", "Datakvalitet"))):
        # the full report (the web summary; the mail is a cover note without findings)
        text = html_text(tmp_path / "public" / f"summary-{lang}.html")
        t = texts(lang)
        assert g.id not in text and g.id not in html_text(tmp_path / "public" / f"report-{lang}.html")
        codes = [f["code"] for f in fig.findings]
        for code in set(codes):
            assert t["findings"][code] in text
            assert finding_text(code, lang, g) in text
        if any(category(c) == "breach" for c in codes):
            assert heads[0] in text
        if any(category(c) == "data_quality" for c in codes):
            assert heads[1] in text
        for f in set(codes):
            assert re.search(re.escape(t["finding_units"][unit(f)]), text)
    assert paths
