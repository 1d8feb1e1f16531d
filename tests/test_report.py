"""The committee report from the hand-worked fixture, in both languages: HTML mail, PDF
appendix, XLSX workbook and charts; Babel formats; no language mixing; byte-stable files."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
from pathlib import Path

import pytest

from osaava import report
from osaava.disclosure import exposure
from osaava.figures import compute
from osaava.guideline import guideline_for_year, load_codes
from osaava.report import (HIDDEN_MARK, fmt, fmt_date, label, column, figures_document,
                           suppress, texts)
from osaava.report.tables import tables, working_time_use
from osaava.report.xlsx import number_format
from tasks.figures import YearFigures
from tasks.render import write_reports

MADE_ON = dt.date(2025, 2, 3)
PDF_PAGES = 11  # the small city's appendix, measured (with the summary, breakdowns and two-part findings); A4, DejaVu Sans 10 pt


@pytest.fixture(scope="module")
def yf(small_frames) -> YearFigures:
    g = guideline_for_year(2024)
    fig = compute(small_frames, g, load_codes(), 2024)
    return YearFigures(fig, g, figures_document(fig, g, [{"entity": "employments",
                                                          "file": "henkilosto.csv", "rows": 10,
                                                          "sha256": "0" * 64}]),
                       exposure(small_frames, fig, g))


@pytest.fixture(scope="module")
def out(yf, tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("out")
    return folder / "public", write_reports(yf, str(folder), made_on=MADE_ON)


@pytest.fixture(scope="module")
def public(yf) -> dict:
    return suppress(yf.document, yf.guideline.suppression_min_persons, yf.exposure)


def html_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
    alts = " ".join(re.findall(r'alt="([^"]*)"', raw))
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", raw) + " " + alts)


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(str(path)).pages]


def xlsx_values(path: Path) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    vals = [ws.title for ws in wb.worksheets]
    for ws in wb.worksheets:
        vals += [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    return vals


# ---------------------------------------------------------------------------------------------


def test_babel_formats():
    for lang in ("fi", "sv"):
        assert fmt(1234.5, lang, "num") == "1\u00a0234,5"
        assert fmt(1234567, lang, "int") == "1\u00a0234\u00a0567"
        assert fmt(8719.6, lang, "eur") == "8\u00a0720"
        assert fmt(33.333333, lang, "pct") == "33,3"
        assert fmt(None, lang) == "–"
        assert fmt_date(dt.date(2025, 12, 31), lang) == "31.12.2025"
        assert fmt_date(dt.date(2025, 1, 5), lang) == "5.1.2025"


def test_outputs_are_written(out):
    folder, paths = out
    for lang in ("fi", "sv"):
        for name in (f"report-{lang}.html", f"report-{lang}.pdf", f"report-{lang}.xlsx",
                     f"summary-{lang}.html"):
            assert (folder / name).stat().st_size > 1000, name
        assert len([k for k in paths if k.startswith(f"chart_{lang}_")]) == 4
    assert {"figures", "findings"} <= set(paths)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_html_mail_is_a_cover_note(out, public, lang):
    """The mail body is a cover note: greeting, the targets in brief, HR's conclusions (a draft
    says they come with the approval), what the attachments hold — no charts, no tables."""
    folder, _paths = out
    raw = (folder / f"report-{lang}.html").read_text(encoding="utf-8")
    text = " ".join(html_text(folder / f"report-{lang}.html").split())
    t = texts(lang)
    assert f'<html lang="{lang}">' in raw
    assert "<style" not in raw and 'style="' in raw  # CSS inlined
    assert "<img" not in raw and "<table" not in raw and "data:image" not in raw
    assert t["title"].format(year=2024) in text
    # 1 of 4 met: the share trained (6 of 8) is hidden since 2 persons had no training
    assert t["cover"]["greeting"] in text and t["lead"].format(met=1, total=4) in text
    # every target in brief, with its status in words, value and target
    assert text.count(t["met"]) + text.count(t["not_met"]) + text.count(t["no_data"]) >= 4
    assert {"fi": "Koulutuspäivät / htv: 3,6", "sv": "Utbildningsdagar / årsverke: 3,6"}[lang] in text
    assert {"fi": "(vähintään 2,0)", "sv": "(minst 2,0)"}[lang] in text
    # no conclusions yet (a draft): it says they come with HR's approval
    assert t["sections"]["conclusions"] in text and t["cover"]["no_conclusions"] in text
    # what the attachments hold (the names the mail gives them in the title, as a tip)
    for k in ("pdf", "xlsx"):
        assert t["cover"][f"{k}_kind"] in text and t["cover"][k] in text
        assert f'title="{t["mail"][f"{k}_name"].format(year=2024)}"' in raw
    assert t["public_document"].format(n=5) in text


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_cover_note_with_conclusions_and_changes(yf, public, lang):
    """HR's conclusions line by line and the contact person; the hook for the largest changes."""
    ctx = report.ReportContext(yf.guideline, MADE_ON, "Eka kohta.\n\n<b>Toka</b> kohta.",
                               "Hanna HR, puh. 09 123")
    raw = report.render_mail_html(public, lang, ctx, summary_lines=["Muutos yksi.", "Muutos kaksi."])
    text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
    t = texts(lang)
    assert raw.count('class="conclusion"') == 2 and "&lt;b&gt;Toka" in raw  # escaped, not HTML
    assert t["cover"]["no_conclusions"] not in text
    assert f"{t['contact']}: Hanna HR, puh. 09 123." in text
    assert t["cover"]["changes"].format(year=2023) in text and "Muutos yksi." in text
    assert text.index(t["cover"]["changes"].format(year=2023)) < text.index(t["sections"]["conclusions"])
    assert t["cover"]["changes"].format(year=2023) not in report.render_mail_html(public, lang, ctx, summary_lines=[])
    # the plain-text part says the same
    plain = report.render_mail_text(public, lang, ctx, summary_lines=["Muutos yksi."])
    assert plain.startswith(t["title"].format(year=2024) + "\n")
    assert "- Muutos yksi." in plain and "Eka kohta." in plain and "<b>Toka</b> kohta." in plain
    assert f"{t['contact']}: Hanna HR, puh. 09 123." in plain
    assert t["mail"]["pdf_name"].format(year=2024) in plain and "\u00a0" not in plain
    # the full report (web page, PDF) shows HR's "- " points as a list too, escaped
    points = report.ReportContext(yf.guideline, MADE_ON, "- Eka kohta.\n- <b>Toka</b> kohta.\nEhdotus.", "")
    full = report.render_report_html(public, lang, points, "web")
    assert full.count('<li class="conclusion">') == 2 and '<p class="conclusion">Ehdotus.</p>' in full
    assert "&lt;b&gt;Toka" in full and "- Eka" not in full


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_web_summary_is_the_full_report(out, public, lang):
    folder, _paths = out
    raw = (folder / f"summary-{lang}.html").read_text(encoding="utf-8")
    text = html_text(folder / f"summary-{lang}.html")
    t = texts(lang)
    assert t["title"].format(year=2024) in text
    # the first section says target by target whether it was met, in plain words
    first = text[: text.index(t["sections"]["key_figures"])]
    assert first.count(t["met"]) >= 2 and t["not_met"] in first or t["no_data"] in first
    tr = {"fi": "Koulutuspäiviä oli 3,6 henkilötyövuotta kohden; tavoite on vähintään 2,0.",
          "sv": "Antalet utbildningsdagar var 3,6 per årsverke; målet är minst 2,0."}[lang]
    assert tr in text
    # 1 of 4: the share trained (6 of 8) is hidden since 2 persons had no training (issue 14)
    assert t["lead"].format(met=1, total=4) in text
    # sector names from the organisation file, in the report's language
    names = {"fi": ("Sivistystoimi", "Yleishallinto"), "sv": ("Bildningssektorn", "Allmänna förvaltningen")}
    assert all(n in text for n in names[lang])
    # every chart is embedded (vector) with alt text in the language
    srcs = re.findall(r'<img [^>]*src="([^"]+)"', raw)
    assert len(srcs) >= 4 and all(s.startswith("data:image/svg+xml;base64,") for s in srcs)
    alts = re.findall(r'alt="([^"]+)"', raw)
    assert len(alts) == len(srcs) and all(len(a) > 40 for a in alts)
    assert {"fi": "Pylväskaavio: Koulutuspäivät henkilötyövuotta kohden", "sv":
            "Stapeldiagram: Utbildningsdagar per årsverke"}[lang] in htmllib.unescape(alts[0])
    # formatted the language's way; euros whole
    assert "8\u00a0720" in text and "8720" not in text


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_pdf_appendix(out, lang):
    folder, _paths = out
    pages = pdf_pages(folder / f"report-{lang}.pdf")
    assert len(pages) == PDF_PAGES
    title = texts(lang)["title"].format(year=2024)
    appendix, page_word = texts(lang)["appendix"], texts(lang)["page"]
    assert title in pages[0]
    for i, p in enumerate(pages, 1):
        assert appendix in p, i  # "Liite"/"Bilaga" header on every page (@page rules)
        assert f"{page_word} {i} / {len(pages)}" in p
        assert "3.2.2025" in p  # the report's date, in the footer
    assert texts(lang)["met"] in pages[0]  # the targets are on the first page
    from pypdf import PdfReader

    meta = PdfReader(str(folder / f"report-{lang}.pdf")).metadata
    assert meta.title == title


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_xlsx_reads_back_with_the_figures(out, yf, public, lang):
    """A cell holds the number it shows: the published number, rounded half up to the
    precision of its number format (the same text the HTML and PDF show); suppressed cells hold
    ".."; headers in the workbook's language."""
    import openpyxl

    from osaava.report import fmt_cell

    folder, paths = out
    doc = json.loads(Path(paths["figures"]).read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(folder / f"report-{lang}.xlsx")
    t = texts(lang)
    assert [ws.title for ws in wb.worksheets[:2]] == [t["workbook"]["index"], t["sheets"]["info"]]
    n = 0
    for tb in tables(public):
        ws = wb[t["sheets"][tb.id]]
        head = [c.value for c in ws[1]]
        assert head == [column(k, lang, public) for k in tb.columns]
        for i, row in enumerate(tb.rows, start=2):
            got = [c for c in ws[i]]
            assert got[0].value == label(row.label, lang, public, report.ReportContext(yf.guideline, MADE_ON))
            for c, x in zip(row.cells, got[1:]):
                if c.hidden:
                    assert x.value == HIDDEN_MARK
                elif c.kind in report.NUMBER_FORMATS and c.value is not None:
                    assert isinstance(x.value, (int, float)) and x.value == c.value
                    assert x.number_format == number_format(c)
                    assert x.number_format.startswith(report.NUMBER_FORMATS[c.kind]) or c.signed
                    # what the cell holds, written the report's way, is what the HTML shows
                    v = x.value if c.kind in ("int", "eur") else float(x.value)  # 2.0 reads as 2
                    assert fmt(abs(v) if c.signed else v, lang, c.kind) == fmt_cell(c, lang).split(
                        "\u00a0✔")[0].split("\u00a0✘")[0].lstrip("+\u2212")
                    n += 1
    assert n > 30
    # the numbers of figures.json, rounded half up as the report shows them
    ws = wb[t["sheets"]["key_figures"]]
    rows = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2)}
    org = doc["organisation"]
    assert org["htv"] == 6.662295081967214 and rows[t["figures"]["htv"]] == 6.66
    assert rows[t["figures"]["total_cost_eur"]] == round(org["total_cost_eur"]) == 13124
    # 24.0 training days / 6.662295… htv = 3.6023… → 3.60, stored as 3.6
    assert org["training_days"] == 24.0 and rows[t["figures"]["training_days_per_htv"]] == 3.6
    ws = wb[t["sheets"]["costs_by_sector"]]
    total = [r for r in ws.iter_rows(min_row=2) if r[0].value == t["organisation"]][0]
    # direct 8 720 €; indirect 4 404.400000000001 € → 4 404 (stored as the whole euros shown)
    assert [total[1].value, total[2].value] == [8720, 4404]
    ws = wb[t["sheets"]["working_time"]]
    # 144 h = 119 h ordered (5 persons) + 17 h paid leave (2 persons) + 8 h unpaid (2 persons):
    # the last two are hidden, and as 2 + 2 < 5 persons are behind them together, the ordered
    # part too (144 − 119 = 25 h would be the hours of at most 4 persons)
    assert [r[1].value for r in ws.iter_rows(min_row=2, max_row=5)] == [HIDDEN_MARK, HIDDEN_MARK,
                                                                       HIDDEN_MARK, 144]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_xlsx_index_dates_wrapping_and_print_setup(out, public, lang):
    """The first sheet lists every sheet with a working link and what it holds; dates are date
    cells shown d.m.yyyy; long row labels wrap in a row tall enough; every sheet prints on A4,
    fitted to the width, landscape when wide, with its header row repeated, the title in the
    header and page numbers in the footer."""
    import openpyxl

    folder, _paths = out
    wb = openpyxl.load_workbook(folder / f"report-{lang}.xlsx")
    t = texts(lang)
    title = t["title"].format(year=2024)
    index = wb.worksheets[0]
    assert index.title == t["workbook"]["index"] and index["A2"].value == title
    assert [c.value for c in index[4]] == [t["workbook"]["sheet"], t["workbook"]["holds"]]
    listed = {}
    for row in index.iter_rows(min_row=5):
        link = row[0].hyperlink
        assert link is not None and link.location, row[0].value
        sheet, _, cell = link.location.rpartition("!")
        assert sheet.strip("'").replace("''", "'") == row[0].value and cell == "A1"
        assert row[1].value and len(row[1].value) >= 3
        listed[row[0].value] = row[1].value
    assert list(listed) == wb.sheetnames[1:]  # every other sheet, in order
    by_id = {tb.id: tb for tb in tables(public)}
    assert listed[t["sheets"]["costs_by_sector"]] == t["tables"]["costs_by_sector"]

    info = wb[t["sheets"]["info"]]
    dates = {r[0].value: r[1] for r in info.iter_rows() if r[0].value in (
        t["columns"]["made_on"], t["columns"]["data_date"])}
    assert [(c.value, c.number_format) for c in dates.values()] == [
        (dt.datetime(2025, 2, 3), "d.m.yyyy"), (dt.datetime(2024, 12, 31), "d.m.yyyy")]
    date_text = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
    for ws in wb.worksheets:
        assert not [c.coordinate for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and date_text.match(c.value)], ws.title
        ps = ws.page_setup
        assert int(ps.paperSize) == 9 and ws.sheet_properties.pageSetUpPr.fitToPage  # A4
        assert ps.fitToWidth == 1 and ps.fitToHeight == 0
        assert ws.oddHeader.left.text == title and "&P" in ws.oddFooter.right.text
        assert t["page"] in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        if ws.title in (index.title, info.title):
            continue
        tb = next(tb for tb in by_id.values() if t["sheets"][tb.id] == ws.title)
        assert ws.print_title_rows == "$1:$1"
        assert ps.orientation == ("landscape" if len(tb.columns) >= 5 else "portrait"), ws.title
        width = ws.column_dimensions["A"].width
        for row in ws.iter_rows(min_row=2, max_row=len(tb.rows) + 1):
            a = row[0]
            assert a.alignment.wrap_text, (ws.title, a.coordinate)
            if len(a.value) > width - 2:  # wraps: the row is tall enough for its lines
                lines = -(-len(a.value) // int(width - 2))
                assert (ws.row_dimensions[a.row].height or 0) >= 15 * lines, (ws.title, a.value)
    # a long label does wrap somewhere (the working-time parts)
    wt = wb[t["sheets"]["working_time"]]
    assert any((wt.row_dimensions[r].height or 0) > 15 for r in range(2, 5))


def test_no_language_mixing(out):
    """No Finnish-only text in the Swedish outputs and the other way round."""
    folder, _paths = out
    fi, sv = texts("fi"), texts("sv")

    def leaves(d) -> set[str]:
        if isinstance(d, dict):
            return set().union(*(leaves(v) for v in d.values())) if d else set()
        if isinstance(d, list):
            return set().union(*(leaves(v) for v in d)) if d else set()
        return {str(d)}

    def fragments(strings: set[str], other: set[str]) -> set[str]:
        out = set()
        for s in strings - other:
            for f in re.split(r"\{[^}]*\}|\n", s):
                f = f.strip(" .,;:()–-")
                if len(f) >= 9 and not any(f in o for o in other):
                    out.add(f)
        return out

    only = {"fi": fragments(leaves(fi), leaves(sv)) | {"Yleishallinto", "Sivistystoimi"},
            "sv": fragments(leaves(sv), leaves(fi)) | {"Allmänna förvaltningen", "Bildningssektorn"}}
    assert len(only["fi"]) > 100 and len(only["sv"]) > 100
    for lang, other in (("fi", "sv"), ("sv", "fi")):
        texts_out = {
            "html": html_text(folder / f"report-{lang}.html"),
            "summary": html_text(folder / f"summary-{lang}.html"),
            "pdf": " ".join(pdf_pages(folder / f"report-{lang}.pdf")),
            "xlsx": "\n".join(xlsx_values(folder / f"report-{lang}.xlsx")),
        }
        for kind, text in texts_out.items():
            text = re.sub(r"\s+", " ", text)
            leaked = sorted(f for f in only[other] if re.sub(r"\s+", " ", f) in text)
            assert not leaked, f"{lang} {kind} has {other} text: {leaked[:5]}"


def test_files_are_byte_identical_on_a_rerun(yf, out, tmp_path):
    folder, paths = out
    again = write_reports(yf, str(tmp_path), made_on=MADE_ON)
    for name, p in paths.items():
        assert Path(p).read_bytes() == Path(again[name]).read_bytes(), name


def test_working_time_parts_add_up(yf):
    org = yf.document["organisation"]
    parts = working_time_use(org)
    assert sum(parts.values()) == pytest.approx(org["training_hours"])
    assert parts["ordered"] == org["working_time_training_hours"]


def test_previous_year_is_shown_when_the_data_covers_it(yf, public):
    prev = {**yf.document, "previous_year": {
        "year": 2023, "guideline": None, "organisation": dict(yf.document["organisation"],
                                                              training_days_per_htv=1.5),
        "sectors": yf.document["sectors"], "equity_gap_pct_points": {}, "findings": []}}
    pub = suppress(prev, 5)
    ctx = report.ReportContext(yf.guideline, MADE_ON)
    html = report.render_report_html(pub, "fi", ctx, "web")
    assert "Edellinen vuosi (2023): 1,5" in html and "<th class=\"n\" scope=\"col\">2023</th>" in html
    html = report.render_report_html(public, "sv", ctx, "web")
    assert "Föregående år" not in html and "jämförelsesiffror saknas" in html


@pytest.mark.parametrize("lang, words", [("fi", "eivät ole keskenään vertailukelpoisia"),
                                         ("sv", "är inte jämförbara")])
def test_2022_2023_comparison_is_flagged(small_frames, lang, words):
    """DOMAIN §1: since 1.1.2023 social and health staff belong to the wellbeing services county;
    a 2023 report compared with 2022 says the years are not like for like."""
    g = guideline_for_year(2024).model_copy(update={"valid_from": dt.date(2020, 1, 1)})
    fig23 = compute(small_frames, g, load_codes(), 2023)
    fig22 = compute(small_frames, g, load_codes(), 2022)
    doc = figures_document(fig23, g, [], fig22, g)
    public = report.suppress(doc, g.suppression_min_persons)
    page = report.render_report_html(public, lang, report.ReportContext(g, dt.date(2024, 1, 15)))
    assert words in htmllib.unescape(page)
    doc24 = figures_document(compute(small_frames, g, load_codes(), 2024), g, [], fig23, g)
    page24 = report.render_report_html(report.suppress(doc24, 5), lang,
                                       report.ReportContext(g, dt.date(2025, 1, 15)))
    assert words not in htmllib.unescape(page24)


# ---------------------------------------------------------------------------------------------
# Charts: measured with matplotlib's own renderer (tests/chart_checks.py)


def _pct(v):
    return f"{fmt(v, 'fi', 'pct')}\u00a0%"


@pytest.mark.parametrize("values, target, kind", [
    ([69.8, 58.1, 75.3, 90.0, 100.0, 68.2], 70.0, "pct"),  # a label just left of the line
    ([94.0, 90.0, 81.0, 90.9], 90.0, "pct"),  # the target near the right edge ("tavoite 90,0 %")
    ([2.34, 1.74, 1.71, 2.09], 2.0, "num"),  # ticks 0,8 / 1,6 / 2,4 used to skip 2,0
    ([0.05, 1.98, 2.02, 12.0], 2.0, "num"),  # too short for a label inside; far past the line
    ([15.2, 3.0], 15.0, "num"),
    ([75.3, 58.1, 69.8, 68.2], 70.0, "pct-long"),  # long labels: a narrow axis (50 % and 70 %)
])
def test_chart_labels_stay_off_the_target_line_and_inside(values, target, kind):
    from chart_checks import problems

    from osaava.report.charts import Bar, bar_figure

    name = "Typ av anställningsförhållande {}" if kind.endswith("-long") else "Toimiala {}"
    kind = kind.removesuffix("-long")
    bars = [Bar(name.format(i), v, fill="#c4c4c4") for i, v in enumerate(values[:-1])]
    bars += [Bar("Koko kaupunki", values[-1]), Bar("Pieni", None, hidden=True)]
    vt = _pct if kind == "pct" else (lambda v: fmt(v, "fi", "num"))
    extra = {"x_max": 100.0, "ticks": [0, 50, 100],
             "tick_text": lambda v: f"{fmt(int(v), 'fi', 'int')}\u00a0%"} if kind == "pct" else {}
    fig = bar_figure(bars, "Koulutukseen osallistuneiden osuus, %", vt, target,
                     f"tavoite {vt(target)}", hidden_note=".. = pieni ryhmä, luku piilotettu",
                     **extra)
    assert problems(fig, target) == []


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_report_charts_are_readable_and_the_same_bytes_every_time(public, lang):
    from chart_checks import problems

    from osaava.report.html import render_chart_figures

    figs = render_chart_figures(public, lang)
    targets = {x["key"]: x["target"] for x in public["targets"]}
    keys = {"training_days_per_htv": "training_days_per_htv",
            "discussion_coverage_pct": "discussion_coverage_pct",
            "share_trained_by_group": "share_trained_pct"}
    for name, _title, _alt, fig in figs:
        assert problems(fig, targets.get(keys.get(name))) == [], name
    one, two = report.render_charts(public, lang), report.render_charts(public, lang)
    for a, b in zip(one, two):
        assert a.png == b.png and a.svg == b.svg, a.name
        assert a.svg.startswith(b"<?xml") and b"<dc:date>" not in a.svg and b"Matplotlib v" not in a.svg
        assert b"<text" not in a.svg  # glyphs as outlines: the PDF and a phone need no fonts


def test_hatching_only_where_it_tells_parts_apart(public):
    """One pattern in the charts: the direct part of the cost bars (the legend names it)."""
    from matplotlib.patches import Rectangle

    from osaava.report.html import render_chart_figures

    for name, _t, _a, fig in render_chart_figures(public, "fi"):
        hatches = {p.get_hatch() for p in fig.findobj(Rectangle) if p.get_hatch()}
        assert hatches == ({"////"} if name == "total_cost_per_htv_eur" else set()), name


def test_target_ticks():
    from osaava.report.charts import target_ticks

    assert target_ticks(2.0, 2.8) == [0, 1, 2]
    assert 2.0 in target_ticks(2.0, 3.1) and 90 in target_ticks(90.0, 120, [0, 50, 100])
    assert max(target_ticks(90.0, 125, [0, 50, 100])) <= 100  # a share's scale ends at 100 %
    assert target_ticks(70.0, 105, [0, 50, 100]) == [0, 50, 70, 100]
    assert target_ticks(None, 1100) == [0, 300, 600, 900]
