"""Public safety (DOMAIN §6): every public output goes through osaava.report.suppress.

The hand-worked small city is full of small groups (YH has 3 persons, 3 supervisors in all, one
person of gender X, …). No public file — HTML mail, web page, PDF text, XLSX cells, chart alt
texts — may show a cell describing fewer than 5 persons, a total that lets one be recomputed,
or any employee number (10001–10009); HR-internal files say so on their first line.
"""

from __future__ import annotations

import copy
import datetime as dt
import html as htmllib
import json
import re
from pathlib import Path

import pytest

from osaava.disclosure import exposure
from osaava.figures import compute
from osaava.guideline import guideline_for_year, load_codes
from osaava.report import (FAMILIES, GROUP_FAMILIES, HIDDEN_MARK, figures_document, fmt_cell,
                           suppress, texts)
from osaava.report.tables import kind_of, tables
from tasks.figures import YearFigures
from tasks.render import write_reports

MIN = 5
EMPLOYEE = re.compile(r"1000[1-9]")
HR_INTERNAL = {"figures.json", "findings-hr-internal.csv"}
COUNTS = [f.base for f in FAMILIES]  # person counts (and participation/need counts)


@pytest.fixture(scope="module")
def yf(small_frames) -> YearFigures:
    g = guideline_for_year(2024)
    assert g.suppression_min_persons == MIN
    fig = compute(small_frames, g, load_codes(), 2024)
    inputs = [{"entity": "employments", "file": "henkilosto.csv", "rows": 10, "sha256": "a" * 64}]
    return YearFigures(fig, g, figures_document(fig, g, inputs), exposure(small_frames, fig, g))


@pytest.fixture(scope="module")
def out(yf, tmp_path_factory):
    folder = tmp_path_factory.mktemp("public")
    return folder / "public", write_reports(yf, str(folder), made_on=dt.date(2025, 2, 3))


@pytest.fixture(scope="module")
def public(yf):
    return suppress(yf.document, MIN, yf.exposure)


def public_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in HR_INTERNAL)


def file_text(p: Path) -> str:
    if p.suffix == ".html":
        raw = p.read_text(encoding="utf-8")
        # embedded charts (the drawings of the PNG files, which are checked) are no text
        return htmllib.unescape(re.sub(r"data:image/(?:png|svg\+xml);base64,[A-Za-z0-9+/=]+", "", raw))
    if p.suffix == ".pdf":
        from pypdf import PdfReader

        r = PdfReader(str(p))
        return "\n".join(pg.extract_text() for pg in r.pages) + str(r.metadata)
    if p.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(p)
        vals = [ws.title for ws in wb.worksheets] + [str(wb.properties.__dict__)]
        for ws in wb.worksheets:
            vals += [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        return "\n".join(vals)
    if p.suffix == ".png":
        return p.read_bytes().decode("latin-1")  # PNG text chunks, if any
    if p.suffix == ".txt":  # the mail's plain-text part
        return p.read_text(encoding="utf-8")
    raise AssertionError(f"unexpected public file {p}")


# ---------------------------------------------------------------------------------------------
# The rules, on the document


def test_every_small_cell_is_hidden(yf, public):
    doc = yf.document
    hidden = set(public["hidden"])
    scopes = [("organisation", doc["organisation"])] + [
        (f"sectors/{s}", v) for s, v in doc["sectors"].items()]
    checked = 0
    for prefix, vals in scopes:
        for f in FAMILIES:
            n = vals[f.base]
            if 0 < n < MIN:
                for key in f.members:
                    assert f"{prefix}/{key}" in hidden, (prefix, key, n)
                    checked += 1
    for dim, groups in doc["groups"].items():
        for g, vals in groups.items():
            if dim != "sector" and 0 < vals["persons_employed"] < MIN:
                # a small group has no row of its own: it is folded into the residual
                assert g not in public["groups"][dim] and g in public["folded"][dim], (dim, g)
                checked += 1
                continue
            for f in GROUP_FAMILIES:
                if 0 < vals[f.base] < MIN and g in public["groups"][dim]:
                    assert all(f"groups/{dim}/{g}/{k}" in hidden for k in f.members), (dim, g)
                    checked += 1
    for code, s in public["findings_summary"].items():
        raw = {f["sector"]: f["count"] for f in doc["findings"] if f["code"] == code}
        for sector, n in raw.items():
            if 0 < n < MIN:
                assert s["sectors"][sector] is None
        if 0 < sum(raw.values()) < MIN:
            assert s["total"] is None
    assert checked > 50
    # and a hidden path holds no value
    for path in hidden:
        node = public
        for part in path.split("/"):
            node = node[part]
        assert node is None, path


def test_no_total_reveals_a_hidden_cell(yf, public):
    """Where the organisation's figure is shown, the hidden sectors (or groups) are never one
    alone, and together describe at least MIN persons."""
    doc, hidden = yf.document, set(public["hidden"])
    for f in FAMILIES:
        if f"organisation/{f.base}" in hidden:
            continue
        hid = [s for s in doc["sectors"] if f"sectors/{s}/{f.base}" in hidden]
        if hid:
            assert len(hid) >= 2 and sum(doc["sectors"][s][f.base] for s in hid) >= MIN, f.name
    for dim, rows in public["groups"].items():
        for f in GROUP_FAMILIES:
            hid = [g for g in rows if f"groups/{dim}/{g}/{f.base}" in hidden]
            if hid:
                raw = {g: doc["groups"][dim][g][f.base] for g in hid if g in doc["groups"][dim]}
                assert len(hid) >= 2 and sum(raw.values()) >= MIN, (dim, f.name)
    # the small city: YH (3 persons) hidden, so SIV too; gender X (1) and M (2) are folded,
    # and as they are 3 < 5 together, N (5) too: the residual would be the total, so the
    # gender table shows the total row only
    assert public["sectors"]["YH"]["persons_employed"] is None
    assert public["sectors"]["SIV"]["persons_employed"] is None
    assert public["groups"]["gender"] == {} and sorted(public["folded"]["gender"]) == ["M", "N", "X"]
    assert public["organisation"]["persons_employed"] == 8  # the organisation stays


def test_secondary_suppression_picks_enough_and_finding_totals():
    doc = {"year": 2025, "organisation": {}, "sectors": {}, "groups": {}, "targets": [],
           "findings": [{"code": "paid_days_over_cap", "severity": "medium", "sector": s, "count": n}
                        for s, n in (("A", 2), ("B", 40), ("C", 7))]
           + [{"code": "repayment_case", "severity": "high", "sector": "A", "count": 3}]}
    from osaava.figures import PERSON_FIGURES

    def scope(n, trained):
        v = {k: 0 for k in PERSON_FIGURES}
        v.update(persons_employed=n, persons_trained=trained, htv=n * 0.9)
        return v

    doc["sectors"] = {"A": scope(3, 1), "B": scope(100, 60), "C": scope(20, 10)}
    doc["organisation"] = scope(123, 71)
    pub = suppress(doc, MIN)
    h = set(pub["hidden"])
    # A (3 persons) hidden; the next smallest, C (20 ≥ 5 − 3), as well; B shown
    assert "sectors/A/persons_employed" in h and "sectors/C/persons_employed" in h
    assert "sectors/B/persons_employed" not in h and pub["sectors"]["B"]["htv"] == 90.0
    # finding counts: A's 2 hidden, so C's 7 too (the total 49 is shown); B's 40 shown
    s = pub["findings_summary"]["paid_days_over_cap"]
    assert s["sectors"] == {"A": None, "B": 40, "C": None} and s["total"] == 49
    assert pub["findings_summary"]["repayment_case"]["total"] is None  # 3 < 5
    assert "amount_eur" not in json.dumps(pub)


def test_compliance_is_hidden_when_few_are_non_compliant():
    from osaava.figures import PERSON_FIGURES

    v = {k: 0 for k in PERSON_FIGURES}
    v.update(persons_employed=300, persons_trained=200, supervisors=40, supervisors_compliant=38,
             supervisor_compliance_pct=95.0, supervisors_level_1=30, supervisors_level_2=8,
             supervisors_level_0=2)
    pub = suppress({"year": 2025, "organisation": v, "sectors": {}, "groups": {}, "findings": [],
                    "targets": []}, MIN)
    org = pub["organisation"]
    # 2 supervisors without the level is a finding count under 5: the share would reveal it
    assert org["supervisor_compliance_pct"] is None and org["supervisors_compliant"] is None
    # the level distribution: level 0 (2) hidden, and one more so that 40 − shown ≠ 2
    assert org["supervisors_level_0"] is None and org["supervisors_level_2"] is None
    assert org["supervisors_level_1"] == 30 and org["supervisors"] == 40


def test_inputs_and_batch_ids_do_not_leave(public):
    assert "inputs" not in public and "findings" not in public
    assert public["sources"] == [{"entity": "employments", "file": "henkilosto.csv", "rows": 10}]
    assert "a" * 64 not in json.dumps(public)


# ---------------------------------------------------------------------------------------------
# The files


def test_every_public_file_is_checked(out):
    folder, paths = out
    names = {p.name for p in public_files(folder)}
    for lang in ("fi", "sv"):
        assert {f"report-{lang}.html", f"report-{lang}.txt", f"report-{lang}.pdf",
                f"report-{lang}.xlsx", f"summary-{lang}.html"} <= names
        assert sum(n.startswith(f"report-{lang}-") and n.endswith(".png") for n in names) == 4
    assert set(paths) >= {"figures", "findings"}


def test_no_employee_numbers_names_or_causes_in_public_files(out):
    folder, _paths = out
    for p in public_files(folder):
        text = file_text(p)
        assert not EMPLOYEE.search(text), p.name
        for private in ("Sihteeri", "Rehtori", "Hallintojohtaja", "Kuntaliitto", "Tietosuojavastaava",
                        "henkilötunnus", "MUU", "SAI", "OPV", "PER", "KOU"):
            assert not re.search(rf"\b{private}\b", text), (p.name, private)
    # the HR-internal files do have them, and say that they are HR-internal on the first line
    csv = Path(_paths["findings"]).read_text(encoding="utf-8-sig")
    assert Path(_paths["findings"]).parent.name == "hr-internal"
    assert csv.splitlines()[0].startswith("# VAIN HENKILÖSTÖHALLINNON KÄYTTÖÖN") and "10001" in csv


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_html_and_pdf_show_exactly_the_public_cells(out, public, lang):
    """Each table of the web page and the PDF shows the public cells, '..' where hidden: no
    cell under the threshold gets into the text. (The mail is a cover note without tables; its
    target boxes are the public targets, '..' where hidden.)"""
    folder, _paths = out
    from osaava.report import ReportContext, label

    ctx = ReportContext(guideline_for_year(2024), dt.date(2025, 2, 3))
    mail = htmllib.unescape((folder / f"report-{lang}.html").read_text(encoding="utf-8"))
    assert "<table" not in mail
    boxes = re.findall(r'<div class="target ([a-z_]+)"', mail)
    assert boxes == ["nodata" if x["met"] is None else ("met" if x["met"] else "not_met")
                     for x in public["targets"]]
    for x in public["targets"]:
        if x.get("hidden"):
            name = re.escape(texts(lang)["target_names"][x["key"]])
            assert re.search(name + r':</span> <span class="v"[^>]*>\.\.</span>', mail), x["key"]
    for name in (f"summary-{lang}.html",):
        raw = htmllib.unescape((folder / name).read_text(encoding="utf-8"))
        rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", raw, flags=re.S)
        cells = [[re.sub(r"<[^>]+>", "", c).strip()
                  for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", r, flags=re.S)] for r in rows]
        shown = {tuple(c) for c in cells}
        n = 0
        for tb in tables(public):
            if not tb.web:
                continue
            for r in tb.rows:
                want = (label(r.label, lang, public, ctx), *(fmt_cell(c, lang) for c in r.cells))
                assert want in shown, (name, tb.id, want)
                n += 1
        assert n > 40
    pdf = file_text(folder / f"report-{lang}.pdf")
    assert pdf.count(HIDDEN_MARK) >= 20


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_xlsx_has_no_small_count(out, public, yf, lang):
    import openpyxl

    folder, _paths = out
    wb = openpyxl.load_workbook(folder / f"report-{lang}.xlsx")
    t = texts(lang)
    count_sheets = {t["sheets"][tb.id] for tb in tables(public)} - {t["sheets"]["sources"]}
    small = 0
    for ws in wb.worksheets:
        if ws.title not in count_sheets:
            continue
        for row in ws.iter_rows(min_row=2):
            for c in row[1:]:
                if c.number_format == "#,##0" and isinstance(c.value, (int, float)):
                    # a whole-number cell (person or participation count, or euros)
                    assert not 0 < c.value < MIN or c.value != int(c.value) or c.value >= 1000, (
                        ws.title, c.coordinate, c.value)
                if c.value == HIDDEN_MARK:
                    small += 1
    assert small > 20
    # the hidden cells of the document are hidden in the workbook too
    sheet = wb[t["sheets"]["costs_by_sector"]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in ("Yleishallinto", "Allmänna förvaltningen", "Sivistystoimi", "Bildningssektorn"):
            assert [c.value for c in row[1:]] == [HIDDEN_MARK] * 3


def test_chart_alt_texts_use_only_public_values(out, public):
    folder, _paths = out
    raw = htmllib.unescape((folder / "summary-fi.html").read_text(encoding="utf-8"))
    alts = re.findall(r'alt="([^"]+)"', raw)
    assert "Sivistystoimi .." in alts[0] and "Yleishallinto .." in alts[0]
    assert "Koko kaupunki 3,6" in alts[0]
    # every gender group is under 5 persons or folded with them: none has a bar of its own
    # the city's share trained (6 of 8) is hidden: 2 persons had no training, and the report
    # publishes the persons without training (issue 14), so 6 of 8 would give them back
    assert "Nainen" not in alts[3] and "Mies" not in alts[3] and "Koko kaupunki .." in alts[3]


def test_suppress_does_not_touch_the_document(yf):
    before = copy.deepcopy(yf.document)
    suppress(yf.document, MIN)
    assert yf.document == before
    assert kind_of("direct_cost_eur") == "eur"
