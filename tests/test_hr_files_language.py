"""HR's own files in HR's language (issue 14, item 7): the findings list and the data-quality
report in Finnish or Swedish, from the recipients file's HR recipient; Finnish number formats,
';' separator, Excel-friendly encoding; no henkilötunnus, no names."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from osaava.disclosure import exposure
from osaava.figures import FINDINGS, compute
from osaava.guideline import guideline_for_year, load_codes
from osaava.recipients import Recipients, hr_language
from osaava.report import figures_document
from osaava.report.hr_findings import _REASONS, findings_csv, reason_text
from tasks.figures import YearFigures
from tasks.render import write_reports


@pytest.fixture(scope="module")
def yf(small_frames) -> YearFigures:
    g = guideline_for_year(2024)
    fig = compute(small_frames, g, load_codes(), 2024)
    return YearFigures(fig, g, figures_document(fig, g, []), exposure(small_frames, fig, g))


def _rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    return list(csv.reader(io.StringIO("\n".join(lines[1:])), delimiter=";"))


def test_findings_csv_in_finnish_hand_worked(yf):
    text = findings_csv(yf.figures.findings_detail, "fi", yf.document["sector_names"])
    assert text.splitlines()[0] == "# VAIN HENKILÖSTÖHALLINNON KÄYTTÖÖN"
    rows = _rows(text)
    assert rows[0] == ["Havainto", "Luokka", "Vakavuus", "Toimiala", "Henkilönumero",
                       "Palvelussuhdenumero", "Osallistumistunnus", "Peruste",
                       "Takaisinmaksu, €", "Havaintokoodi"]
    by = {r[-1]: r for r in rows[1:]}
    assert set(by) == {f["code"] for f in yf.figures.findings}
    # breaches first, then the data-quality items
    cats = [r[1] for r in rows[1:]]
    assert cats == sorted(cats, key=lambda c: c != "Poikkeama koulutusohjeesta")
    # T4: 2 000 + 150 + 50 − 200 (subsidy) = 2 000,00 € net direct cost, approved by a supervisor
    assert by["approver_below_limit"][4:8] == [
        "10003", "1", "T4", "hyväksyjä esihenkilö, välittömät kustannukset 2\xa0000,00 €"]
    assert by["approver_below_limit"][3] == "Sivistystoimi"
    # T8: 3 000 + 400 + 200 = 3 600 €, commitment 30.11.2023–30.11.2025 (731 days), employment
    # ended 30.9.2024 with 426 days left: 3 600 × 426 / 731 = 2 097,948… → 2097,95
    assert by["repayment_case"][7] == "palvelussuhde päättyi 30.9.2024, sitoumus voimassa 30.11.2025 asti"
    assert by["repayment_case"][8] == "2097,95"
    # 10001: T1 12 h + T11 60 h employer-ordered = 72 h paid / 6 h = 12 days (cap 10)
    assert by["paid_days_over_cap"][7] == "12 palkallista koulutuspäivää vuoden aikana"
    assert by["paid_days_over_cap"][5:7] == ["", ""]
    assert by["application_late"][7] == "hyväksytty 10.3.2024, koulutus alkoi 5.3.2024"
    assert by["commitment_missing"][7] == "sitoumus puuttuu, vaaditaan 24 kk"
    assert by["pay_data_missing"][1] == "Tietojen laatu"
    assert by["training_absence_mismatch"][7] == \
        "koulutusrekisterissä 5 päivää, palkanlaskennan poissaoloissa 2 päivää"
    assert all("." not in r[8] for r in rows[1:])  # no decimal point anywhere in the amounts


def test_findings_csv_in_swedish(yf):
    text = findings_csv(yf.figures.findings_detail, "sv", yf.document["sector_names"])
    assert text.splitlines()[0] == "# ENDAST FÖR PERSONALFÖRVALTNINGENS BRUK"
    rows = _rows(text)
    assert rows[0][4] == "Personalnummer (Henkilönumero)"
    by = {r[-1]: r for r in rows[1:]}
    assert by["approver_below_limit"][7] == "godkännare chef, direkta kostnader 2\xa0000,00 €"
    assert by["approver_below_limit"][3] == "Bildningssektorn"
    assert by["repayment_case"][7] == \
        "anställningsförhållandet upphörde 30.9.2024, förbindelsen gäller till 30.11.2025"
    assert by["repayment_case"][8] == "2097,95"
    assert by["pay_data_missing"][1] == "Datakvalitet"


def test_every_reason_shape_is_translated():
    """figures' English reason of every code is read back (a change there shows here)."""
    samples = {
        "application_missing": "no approval date",
        "application_late": "approved 10.3.2024, training started 5.3.2024",
        "approver_below_limit": "approver (empty) for 1941.95 €",
        "paid_days_over_cap": "12.50 paid training days",
        "commitment_missing": "commitment 12 months, 24 required",
        "repayment_case": "employment ended 30.9.2024, commitment until 30.11.2025",
        "supervisor_level_missing": "highest completed level 0, required 1",
        "pay_data_missing": "no regular pay lines paid in the year",
        "training_absence_mismatch": "register 5 days, payroll 2 days",
    }
    assert set(samples) == set(FINDINGS) == set(_REASONS)
    for code, reason in samples.items():
        for lang in ("fi", "sv"):
            out = reason_text(code, reason, lang)
            assert out != reason and "{" not in out, (code, lang, out)
    assert reason_text("approver_below_limit", samples["approver_below_limit"], "fi") == \
        "hyväksyjä (hyväksyjä puuttuu), välittömät kustannukset 1\xa0941,95 €"
    assert reason_text("paid_days_over_cap", samples["paid_days_over_cap"], "sv") == \
        "12,5 avlönade utbildningsdagar under året"
    assert reason_text("commitment_missing", samples["commitment_missing"], "fi") == \
        "sitoumus 12 kk, vaaditaan 24 kk"


def _recipients(hr_lang: str) -> Recipients:
    return Recipients.model_validate({
        "sender": "osaava <osaava@kauniainen.fi>",
        "groups": {"committee": [{"address": "a@kauniainen.fi", "language": "fi"}],
                   "hr": [{"address": "hr@kauniainen.fi", "language": hr_lang}]}})


def test_hr_language_from_the_recipients_file():
    assert hr_language(_recipients("sv")) == "sv"
    assert hr_language(_recipients("fi")) == "fi"
    no_hr = Recipients.model_validate({"sender": "osaava@kauniainen.fi", "groups": {
        "committee": [{"address": "a@kauniainen.fi", "language": "sv"}]}})
    assert hr_language(no_hr) == "fi"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_written_csv_is_excel_friendly(yf, tmp_path, lang):
    paths = write_reports(yf, str(tmp_path), langs=("fi",), made_on=dt.date(2025, 2, 3),
                          hr_lang=lang)
    data = Path(paths["findings"]).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as UTF-8
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1].count(";") == 9
    first = {"fi": "VAIN HENKILÖSTÖHALLINNON", "sv": "ENDAST FÖR PERSONALFÖRVALTNINGENS"}[lang]
    assert text.splitlines()[0].startswith("# " + first)
