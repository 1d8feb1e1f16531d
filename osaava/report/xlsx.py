"""The committee report as an XLSX workbook: an info sheet, then a sheet per table of
:mod:`osaava.report.tables`; numbers are the rounded numbers the other formats show."""

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


def render_xlsx(public: dict, lang: str, ctx: ReportContext) -> bytes:
    """The workbook: an info sheet, then one sheet per table. Values are the published numbers
    of the public document, rounded half up to the precision their number format shows (what
    a cell holds is what it shows); a suppressed cell holds the text "..", a cell without a
    value "–". Every text is stored as text, never as a formula, whatever it starts with
    (``=``, ``+``, ``-``, ``@``, tab, CR). Deterministic bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    t = texts(lang)
    wb = Workbook()
    stamp = dt.datetime.combine(ctx.made_on, dt.time(0, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = t["city"]
    wb.properties.lastModifiedBy = t["city"]
    wb.properties.title = report_title(public, lang)
    wb.properties.language = lang
    bold = Font(bold=True)
    used: set[str] = set()

    info = wb.active
    info.title = _sheet_title(t["sheets"]["info"], used)
    g = ctx.guideline
    lines = [
        (t["city"], None), (report_title(public, lang), None),
        (t["columns"]["made_on"], fmt_date(ctx.made_on, lang)),
        (t["columns"]["data_date"], fmt_date(dt.date(public["year"], 12, 31), lang)),
        (t["columns"]["guideline"], guideline_name(g, lang)),
        (t["columns"]["public"], t["public_document"].format(n=public["suppression_min_persons"])),
        (HIDDEN_MARK, t["notes"]["hidden"].format(n=public["suppression_min_persons"],
                                                  mark=HIDDEN_MARK)),
        (MISSING_MARK, t["notes"]["missing"]),
    ]
    for a, b in lines:
        info.append([a, b])
    info["A2"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 70

    for tb in tables(public):
        ws = wb.create_sheet(_sheet_title(t["sheets"][tb.id], used))
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
        ws.column_dimensions["A"].width = 44
        for j in range(2, len(tb.columns) + 1):
            ws.column_dimensions[get_column_letter(j)].width = 18
        for j, k in enumerate(tb.columns, start=1):
            if k == "meaning":  # a finding's sentence: wide and wrapped
                ws.column_dimensions[get_column_letter(j)].width = 80
                for x in ws[get_column_letter(j)][1:]:
                    x.alignment = Alignment(wrap_text=True, vertical="top")
        if tb.has_hidden():
            ws.append([])
            ws.append([t["notes"]["hidden"].format(n=public["suppression_min_persons"],
                                                   mark=HIDDEN_MARK)])
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
