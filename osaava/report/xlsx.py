"""The committee report as an XLSX workbook: an index sheet (a link to every sheet and what it
holds), an info sheet, then a sheet per table of :mod:`osaava.report.tables`; numbers are the
rounded numbers the other formats show, dates are date cells. Every sheet is set up for print:
A4, fitted to the page width, landscape when wide, the header row repeated, the title and the
page number in the header and footer."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from osaava.disclosure import rounded
from osaava.report.i18n import (HIDDEN_MARK, MISSING_MARK, ReportContext, column, fmt_cell, fmt_date,
                                guideline_name, label, report_title, texts)
from osaava.report.tables import tables


# the same precision the HTML and PDF show; the cell holds the value rounded to it
NUMBER_FORMATS = {"int": "#,##0", "num": "#,##0.0#", "num1": "#,##0.0", "eur": "#,##0",
                  "pct": "0.0"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DATE_FORMAT = "d.m.yyyy"  # 31.12.2025, as the other formats write it (fi and sv alike)
LABEL_WIDTH = 44  # column A, in characters
WIDE = 5  # a sheet with this many columns or more prints landscape


def number_format(c) -> str:
    """A cell's number format: its kind's, with the sign of a change (+1,8 / −0,9) and a
    target's ✔ / ✘ after a value that meets it or not; the cell still holds the number."""
    f = NUMBER_FORMATS[c.kind]
    if getattr(c, "signed", False):
        f = f'+{f};\u2212{f};{f}'
    if getattr(c, "met", None) is not None:
        f = f'{f}\\ "{"✔" if c.met else "✘"}"'
    return f


def _sheet_title(text: str, used: set[str]) -> str:
    clean = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31].strip()
    name, i = clean, 2
    while name.lower() in used:
        name = f"{clean[:28]} {i}"
        i += 1
    used.add(name.lower())
    return name


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide."""
    import math

    return sum(max(1, math.ceil(len(part) / max(width - 2, 1))) for part in str(text).split("\n"))


def _wrap_rows(ws, widths: dict[int, float], first_row: int = 1) -> None:
    """Wrap the text cells of the given columns and make each row tall enough for its longest
    one (spreadsheets do not grow a row for wrapped text by themselves)."""
    from openpyxl.styles import Alignment

    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for c in row:
            if c.column in widths and isinstance(c.value, str):
                c.alignment = Alignment(wrap_text=True, vertical="top",
                                        horizontal=c.alignment.horizontal)
                lines = max(lines, _lines(c.value, widths[c.column]))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * lines + 2


def _print_setup(ws, title: str, footer: str, page: str, columns: int,
                 header_row: bool = True) -> None:
    """A4, fitted to the page width, landscape when wide, the first row repeated on every page,
    the title in the header, the city, date and page number in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if columns >= WIDE else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        ws.print_title_rows = "1:1"
    esc = lambda text: str(text).replace("&", "&&")  # noqa: E731 - "&" starts a header code
    ws.oddHeader.left.text = esc(title)
    ws.oddHeader.right.text = esc(ws.title)
    ws.oddFooter.left.text = esc(footer)
    ws.oddFooter.right.text = page  # "Sivu &P / &N": the page codes stay codes


def render_xlsx(public: dict, lang: str, ctx: ReportContext) -> bytes:
    """The workbook: an index sheet, an info sheet, then one sheet per table. Values are the
    published numbers of the public document, rounded half up to the precision their number
    format shows (what a cell holds is what it shows); a suppressed cell holds the text "..", a
    cell without a value "–"; dates are date cells shown d.m.yyyy. Every text is stored as text,
    never as a formula, whatever it starts with (``=``, ``+``, ``-``, ``@``, tab, CR).
    Deterministic bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    t = texts(lang)
    w = t["workbook"]
    title = report_title(public, lang)
    wb = Workbook()
    stamp = dt.datetime.combine(ctx.made_on, dt.time(0, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = t["city"]
    wb.properties.lastModifiedBy = t["city"]
    wb.properties.title = title
    wb.properties.language = lang
    bold = Font(bold=True)
    used: set[str] = set()
    footer = f"{t['city']} · {fmt_date(ctx.made_on, lang)}"

    index = wb.active
    index.title = _sheet_title(w["index"], used)
    info = wb.create_sheet(_sheet_title(t["sheets"]["info"], used))
    g = ctx.guideline
    lines = [
        (t["city"], None), (title, None),
        (t["columns"]["made_on"], ctx.made_on),
        (t["columns"]["data_date"], dt.date(public["year"], 12, 31)),
        (t["columns"]["guideline"], guideline_name(g, lang)),
        (t["columns"]["public"], t["public_document"].format(n=public["suppression_min_persons"])),
        (HIDDEN_MARK, t["notes"]["hidden"].format(n=public["suppression_min_persons"],
                                                  mark=HIDDEN_MARK)),
        (MISSING_MARK, t["notes"]["missing"]),
    ]
    for a, b in lines:
        info.append([a, b])
        if isinstance(b, dt.date):
            x = info.cell(row=info.max_row, column=2)
            x.number_format = DATE_FORMAT
            x.alignment = Alignment(horizontal="left")
    info["A2"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 70
    _wrap_rows(info, {1: 34, 2: 70}, first_row=3)
    _print_setup(info, title, footer, w["page"], 2, header_row=False)
    contents = [(info.title, w["info"])]

    for tb in tables(public):
        ws = wb.create_sheet(_sheet_title(t["sheets"][tb.id], used))
        contents.append((ws.title, t["tables"][tb.id]))
        head = [column(k, lang, public) for k in tb.columns]
        ws.append(head)
        for c in ws[1]:
            c.font = bold
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for r in tb.rows:
            values: list = [label(r.label, lang, public, ctx)]
            for c in r.cells:
                if c.hidden:
                    values.append(HIDDEN_MARK)
                elif c.kind in NUMBER_FORMATS:
                    values.append(MISSING_MARK if c.value is None else rounded(c.value, c.kind))
                else:
                    values.append(fmt_cell(c, lang, ctx))
            ws.append(values)
            row = ws.max_row
            for j, c in enumerate(r.cells, start=2):
                x = ws.cell(row=row, column=j)
                if c.kind in NUMBER_FORMATS and isinstance(x.value, (int, float)):
                    x.number_format = number_format(c)
                else:
                    x.alignment = Alignment(horizontal="right")
            if r.total:
                for x in ws[row]:
                    x.font = bold
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = LABEL_WIDTH
        for j in range(2, len(tb.columns) + 1):
            ws.column_dimensions[get_column_letter(j)].width = 18
        widths = {1: LABEL_WIDTH, **{j: 18 for j in range(2, len(tb.columns) + 1)}}
        wrap = {1: LABEL_WIDTH}
        for j, k in enumerate(tb.columns, start=1):
            if k == "meaning":  # a finding's sentence: wide and wrapped
                ws.column_dimensions[get_column_letter(j)].width = 80
                widths[j] = wrap[j] = 80
        _wrap_rows(ws, wrap, first_row=2)
        heads = max(_lines(h, widths[j]) for j, h in enumerate(head, start=1))
        if heads > 1:
            ws.row_dimensions[1].height = 15 * heads + 2
        if tb.has_hidden():
            ws.append([])
            ws.append([t["notes"]["hidden"].format(n=public["suppression_min_persons"],
                                                   mark=HIDDEN_MARK)])
            note = ws.cell(row=ws.max_row, column=1)
            ws.merge_cells(start_row=note.row, start_column=1, end_row=note.row,
                           end_column=max(len(tb.columns), 2))
            note.alignment = Alignment(wrap_text=True, vertical="top")
            span = LABEL_WIDTH + 18 * (max(len(tb.columns), 2) - 1)
            ws.row_dimensions[note.row].height = 15 * _lines(note.value, span) + 2
        _print_setup(ws, title, footer, w["page"], len(tb.columns))

    # the index: what each sheet holds, its name a link to it
    index.append([t["city"]])
    index.append([title])
    index["A2"].font = Font(bold=True, size=13)
    index.append([])
    index.append([w["sheet"], w["holds"]])
    for c in index[4]:
        c.font = bold
    for name, holds in contents:
        index.append([name, holds])
        x = index.cell(row=index.max_row, column=1)
        x.hyperlink = Hyperlink(ref=x.coordinate, location=f"'{name.replace(chr(39), chr(39) * 2)}'!A1",
                                display=name)
        x.style = "Hyperlink"
    index.column_dimensions["A"].width = 34
    index.column_dimensions["B"].width = 70
    _wrap_rows(index, {1: 34, 2: 70}, first_row=5)
    _print_setup(index, title, footer, w["page"], 2, header_row=False)
    index.print_title_rows = "4:4"
    for ws in wb.worksheets:
        _inert(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def _inert(ws) -> None:
    """Every text cell stored as a string: a sector or course name starting with "=" would
    otherwise be written as a formula (openpyxl's rule), and one starting with "+", "-", "@",
    a tab or CR is quoted so that no spreadsheet reads it as one either."""
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                c.data_type = "s"
                if c.value[:1] in ("=", "+", "-", "@", "\t", "\r") and c.value not in (MISSING_MARK,):
                    c.quotePrefix = True


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed member times, so equal workbooks are equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with now
                created = re.search(rb"<dcterms:created[^>]*>([^<]*)<", content)
                if created:
                    content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)",
                                     lambda m: m.group(1) + created.group(1) + m.group(2), content)
            dst.writestr(zi, content)
    return out.getvalue()
