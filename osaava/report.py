"""From figures to report documents: figures.json (HR-internal) and the committee report (public).

Pure functions returning strings, bytes and dicts; writing files and sending mail are the task
layer's job. Texts live in ``osaava/locale/<lang>.yaml``; numbers and dates are formatted with
Babel. Everything public is made from the one output of the disclosure step
(:func:`osaava.disclosure.disclose`; :func:`suppress` is its old name here).

The committee report comes in three forms made from the same template
(``templates/report.html.j2``) and the same tables (:mod:`osaava.report_tables`):

- the HTML mail body (:func:`render_mail_html`): CSS inlined, one column, charts referenced by
  file name (the mail builder turns them into CID parts);
- the PDF appendix (:func:`render_pdf`): WeasyPrint, A4, "Liite"/"Bilaga" header, page numbers;
- the XLSX workbook (:func:`render_xlsx`): a sheet per table, numbers as the rounded numbers
  the other two show.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from osaava import __version__
from osaava.disclosure import (FAMILIES, GROUP_FAMILIES, PUBLIC_FIGURES, RESIDUAL, disclose,  # noqa: F401
                               half_up, kind_of, rounded)
from osaava.figures import DIMENSIONS, PERSON_FIGURES, Figures

assert {m for f in FAMILIES for m in f.members} | set(PUBLIC_FIGURES) == set(PERSON_FIGURES)
from osaava.guideline import Guideline
from osaava.report_tables import Cell, tables

LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}
LANGS = tuple(LOCALES)
HIDDEN_MARK = ".."  # a suppressed cell (Statistics Finland's mark for confidential data)
MISSING_MARK = "–"  # no value: the denominator is zero (DOMAIN §5)


def _pkg_dir(name: str) -> Path:
    return Path(str(resources.files("osaava") / name))


@lru_cache(maxsize=None)
def texts(lang: str) -> dict:
    if lang not in LOCALES:
        raise ValueError(f"unknown report language {lang!r}: use one of {', '.join(LOCALES)}")
    path = _pkg_dir("locale") / f"{lang}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _clean(v):
    """JSON-safe: numpy scalars to Python, NaN to null."""
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def figures_document(fig: Figures, g: Guideline, inputs: list[dict], previous: Figures | None = None,
                     previous_guideline: Guideline | None = None, batch: dict | None = None) -> dict:
    """The figures.json document of DOMAIN §7 (HR-internal, unsuppressed, unrounded)."""
    doc = {
        "year": fig.year,
        "guideline": {"id": g.id, "version": g.version, "approved_by": g.approved_by,
                      "approved_on": g.approved_on.isoformat()},
        "code_version": __version__,
        "inputs": inputs,
        "organisation": fig.organisation,
        "sectors": fig.sectors,
        "groups": fig.groups,
        "equity_gap_pct_points": fig.equity_gap_pct_points,
        "findings": fig.findings,
        "targets": fig.targets,
        "sector_names": fig.sector_names,
    }
    if batch:
        doc["batch"] = batch
    if previous is not None:
        doc["previous_year"] = {
            "year": previous.year,
            "guideline": {"id": previous_guideline.id, "version": previous_guideline.version}
            if previous_guideline else None,
            "organisation": previous.organisation,
            "sectors": previous.sectors,
            "equity_gap_pct_points": previous.equity_gap_pct_points,
            "findings": previous.findings,
        }
    return _clean(doc)


def dumps(doc: dict) -> str:
    """Byte-stable JSON: same figures, same bytes."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Public safety (DOMAIN §6): one step, osaava.disclosure


def suppress(doc: dict, min_persons: int, exposure: dict | None = None) -> dict:
    """The public copy of a figures document (:func:`osaava.disclosure.disclose`)."""
    return disclose(doc, min_persons, exposure)


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt(value, lang: str, kind: str = "num") -> str:
    if value is None:
        return MISSING_MARK
    loc = LOCALES[lang]
    if isinstance(value, bool):
        return str(value)
    # the published number, rounded half up (DOMAIN §6): Babel only writes it out
    if kind == "int" or isinstance(value, int):
        return format_decimal(half_up(value, 0), format="#,##0", locale=loc)
    if kind == "eur":
        return format_decimal(half_up(value, 0), format="#,##0", locale=loc)
    if kind in ("pct", "num1"):
        return format_decimal(half_up(value, 1), format="#,##0.0", locale=loc)
    return format_decimal(half_up(value, 2), format="#,##0.0#", locale=loc)


def fmt_number(value: float, lang: str) -> str:
    """A parameter in running text: 15 rather than 15,0, 2,5 as such."""
    return fmt(int(value) if float(value).is_integer() else value, lang, "num")


def fmt_date(day: dt.date, lang: str) -> str:
    """31.12.2025 in both languages (Babel's short form for fi_FI and sv_FI, four-digit year)."""
    return format_date(day, format="d.M.y", locale=LOCALES[lang])


def fmt_cell(c: Cell, lang: str) -> str:
    t = texts(lang)
    if c.hidden:
        return HIDDEN_MARK
    if c.kind == "met":
        return t["no_data"] if c.value is None else (t["met"] if c.value else t["not_met"])
    if c.kind == "severity":
        return t["severities"].get(c.value, str(c.value))
    if c.kind == "text":
        if c.value is None:
            return ""
        return t["comparisons"].get(str(c.value), str(c.value))
    return fmt(c.value, lang, c.kind)


@dataclass(frozen=True)
class ReportContext:
    """What the report says beyond the figures: the guideline applied, the report's date and,
    once HR has approved it, HR's conclusions and proposals and the contact person (HR's own
    text, in this language; osaava never writes conclusions)."""
    guideline: Guideline
    made_on: dt.date
    conclusions: str = ""
    contact: str = ""


def label(spec: tuple, lang: str, doc: dict, ctx: ReportContext | None = None) -> str:
    """Words for a row label spec of :mod:`osaava.report_tables`."""
    t = texts(lang)
    kind = spec[0]
    if kind == "org":
        return t["organisation"]
    if kind == "sector":
        return doc.get("sector_names", {}).get(spec[1], {}).get(lang, spec[1])
    if kind == "figure":
        return t["figures"][spec[1]]
    if kind == "group":
        return t["group_names"].get(spec[2], spec[2])
    if kind == "residual":  # the folded small groups of a dimension, named
        from osaava.report_tables import GROUP_ORDER

        rank = {g: i for i, g in enumerate(GROUP_ORDER)}
        names = [label(("sector", g) if spec[1] == "sector" else ("group", spec[1], g), lang, doc)
                 for g in sorted(spec[2], key=lambda g: (rank.get(g, len(rank)), g))]
        return t["residual"].format(members=", ".join(n.lower() for n in names))
    if kind == "level":
        k = spec[1]
        if k == 0:
            return t["level_none"]
        name = ctx.guideline.management_levels[k].model_dump()[lang] if ctx else ""
        return t["level_name"].format(level=k, name=name)
    if kind == "finding":
        return t["findings"][spec[1]]
    if kind == "part":
        return t["working_time_parts"][spec[1]]
    if kind == "dimension":
        return t["dimensions"][spec[1]]
    if kind == "entity":
        return f"{t['entities'].get(spec[1], spec[1])} ({spec[2]})" if spec[2] else spec[1]
    raise ValueError(f"unknown label {spec!r}")


def column(key: str, lang: str, doc: dict) -> str:
    t = texts(lang)
    if key.startswith("sector:"):
        return label(("sector", key.split(":", 1)[1]), lang, doc)
    if key == "value" and "year" in doc:
        return str(doc["year"])
    if key == "previous" and doc.get("previous_year"):
        return str(doc["previous_year"]["year"])
    return t["columns"].get(key) or t["figures"].get(key) or t["dimensions"].get(key) or key


def target_sentences(doc: dict, lang: str) -> list[dict]:
    """The first page: each target in plain words, with its figure, target and previous year."""
    t = texts(lang)
    prev = doc.get("previous_year")
    out = []
    for x in doc["targets"]:
        key, kind = x["key"], kind_of(x["key"])
        value = HIDDEN_MARK if x.get("hidden") else fmt(x["value"], lang, kind)
        if key == "equity_gap_pct_points" and x["value"] is not None:
            gaps = doc.get("equity_gap_pct_points") or {}
            worst = max((d for d in gaps if gaps[d] is not None), key=lambda d: gaps[d])
            detail = t["target_text"]["equity_gap_dimension"].format(dimension=t["dimensions"][worst].lower())
        else:
            detail = ""
        words = t["target_text"][key]
        if x["value"] is None or x.get("hidden"):
            sentence = t["target_text"]["no_value"].format(figure=t["figures"][key])
        else:
            sentence = words.format(value=value, target=fmt(x["target"], lang, kind)) + detail
            if x.get("partial"):
                sentence += " " + t["equity_gap_partial"]
        p = None
        if prev:
            from osaava.report_tables import previous_value

            pc = previous_value(doc, key)
            p = t["target_text"]["previous"].format(year=prev["year"], value=fmt_cell(pc, lang))
        status = "nodata" if x["met"] is None else ("met" if x["met"] else "not_met")
        unit = t["target_units"][key] if value != HIDDEN_MARK else ""
        out.append({
            "key": key, "figure": t["target_names"][key], "value": value + unit,
            "target": f"{t['comparisons'][x['comparison']]} {fmt(x['target'], lang, kind)}",
            "status": status, "status_text": {"met": t["met"], "not_met": t["not_met"],
                                              "nodata": t["no_data"]}[status],
            "sentence": sentence, "previous": p,
        })
    return out


def disclosure_notes(public: dict, lang: str) -> list[str]:
    """The method section's plain words on what the disclosure step hid and why (DOMAIN §6)."""
    t = texts(lang)["disclosure"]
    n = public["suppression_min_persons"]
    hidden = public.get("hidden", [])
    out = [t["rule"].format(n=n, mark=HIDDEN_MARK)]
    for dim, members in (public.get("folded") or {}).items():
        key = "folded" if public.get("groups", {}).get(dim) else "folded_all"
        out.append(t[key].format(dimension=texts(lang)["dimensions"][dim].lower(), n=n,
                                 residual=label(("residual", dim, tuple(members)), lang, public)))
    secs = [s for s in public.get("sectors", {})
            if any(p.startswith(f"sectors/{s}/") for p in hidden)]
    if secs:
        out.append(t["sectors"].format(n=n, sectors=", ".join(
            label(("sector", s), lang, public) for s in secs)))
    parts = [texts(lang)["working_time_parts"][k].split(" (")[0].lower()
             for k in ("ordered", "paid_leave", "unpaid") if f"working_time/{k}" in hidden]
    if parts:
        out.append(t["working_time"].format(n=n, parts=", ".join(parts)))
    if any(p.startswith("findings_summary/") for p in hidden):
        out.append(t["findings"].format(n=n))
    if any(p.startswith("groups/") for p in hidden):
        out.append(t["groups"].format(n=n))
    partial = public.get("equity_gap_partial") or {}
    if partial:
        out.append(t["gap_partial"].format(dimensions=", ".join(
            texts(lang)["dimensions"][d].lower() for d in partial)))
    out.append(t["rounding"])
    return out


# ---------------------------------------------------------------------------------------------
# HTML (mail, web page) and PDF


def _css_string(text) -> Markup:
    """A CSS string literal (for @page content), not HTML-escaped: it sits inside <style>."""
    s = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return Markup(f'"{s}"')


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_pkg_dir("templates"))),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True, undefined=StrictUndefined)
    env.filters["css_string"] = _css_string
    return env


def chart_file(lang: str, name: str) -> str:
    """The file name of a chart, relative to the report files (the mail's CID source)."""
    return f"charts/report-{lang}-{name}.png"


def render_charts(public: dict, lang: str):
    from osaava.charts import charts

    return charts(public, texts(lang), lambda spec: label(spec, lang, public),
                  lambda v, k: fmt(v, lang, k))


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _title(public: dict, lang: str) -> str:
    return texts(lang)["title"].format(year=public["year"])


def render_report_html(public: dict, lang: str, ctx: ReportContext, medium: str = "mail",
                       charts=None, image_src=None) -> str:
    """The report as HTML. ``medium``: "mail" (inline-ready CSS, one column), "web" (the same
    with a style sheet) or "pdf" (print CSS with @page rules). ``image_src(chart)`` gives an
    image's ``src``; by default a data: URI."""
    t = texts(lang)
    g = ctx.guideline
    charts = render_charts(public, lang) if charts is None else charts
    image_src = image_src or (lambda c: _data_uri(c.png))
    all_tables = {tb.id: tb for tb in tables(public)}
    year = public["year"]
    batch = public.get("batch") or {}
    targets = target_sentences(public, lang)
    n_met = sum(1 for x in targets if x["status"] == "met")
    params = {"n": public["suppression_min_persons"],
              "gap": fmt_number(g.targets.equity_gap_pct_points, lang),
              "months": g.discussion_eligibility_months, "window": g.needs_window_months,
              "level": g.supervisor_level_required.level,
              "within": g.supervisor_level_required.within_months,
              "internal_hours": fmt_number(g.application.internal_over_hours, lang)}
    gaps = public.get("equity_gap_pct_points") or {}
    partial = public.get("equity_gap_partial") or {}
    gap_lines = {dim: (t["equity_gap_line"].format(gap=fmt(gaps[dim], lang, "pct"),
                                                   target=fmt_number(g.targets.equity_gap_pct_points, lang))
                       + (" " + t["equity_gap_partial"] if partial.get(dim) else "")
                       if gaps.get(dim) is not None else t["equity_gap_none"].format(**params))
                 for dim in gaps}
    return _env().get_template("report.html.j2").render(
        t=t, lang=lang, medium=medium, doc=public, year=year,
        title=_title(public, lang),
        made_on=fmt_date(ctx.made_on, lang),
        data_date=fmt_date(dt.date(year, 12, 31), lang),
        targets=targets,
        lead=t["lead"].format(met=n_met, total=len(targets)),
        intro={k: v.format(**params) for k, v in t["intro"].items()},
        public_note=t["public_document"].format(n=public["suppression_min_persons"]),
        tables=all_tables,
        gap_lines=gap_lines,
        charts={c.name: c for c in charts},
        image_src=image_src,
        cell=lambda c: fmt_cell(c, lang),
        label=lambda spec: label(spec, lang, public, ctx),
        column=lambda key: column(key, lang, public),
        hidden_mark=HIDDEN_MARK,
        hidden_note=t["notes"]["hidden"].format(n=public["suppression_min_persons"],
                                                mark=HIDDEN_MARK),
        disclosure_notes=disclosure_notes(public, lang),
        guideline=g,
        made_iso=ctx.made_on.isoformat(),
        guideline_text=t["method_text"]["guideline"].format(
            id=g.id, version=g.version, approved_by=t["approved_by"].get(g.approved_by, g.approved_by),
            approved_on=fmt_date(g.approved_on, lang)),
        definitions=[d.format(day_hours=fmt_number(g.training_day_hours, lang),
                              side_cost=fmt_number(g.side_cost_pct, lang), **params)
                     for d in t["method_text"]["definitions"]],
        validation_text=(t["method_text"]["validation"].format(
            warnings=fmt(batch["issues_warning"], lang, "int"),
            quarantined=fmt(batch.get("rows_quarantined", 0), lang, "int"))
            if "issues_warning" in batch else t["method_text"]["validation_plain"]),
        previous_note=(t["method_text"]["previous"].format(year=public["previous_year"]["year"])
                       if public.get("previous_year") else t["method_text"]["no_previous"])
        + (" " + t["method_text"]["wellbeing_county"]
           if public.get("previous_year") and public["previous_year"]["year"] <= 2022 < public["year"]
           else ""),
        code_version=public.get("code_version", ""),
        conclusions=[line.strip() for line in ctx.conclusions.splitlines() if line.strip()],
        contact=ctx.contact.strip(),
    )


def render_mail_html(public: dict, lang: str, ctx: ReportContext, charts=None) -> str:
    """The HTML mail body: CSS inlined (mail clients drop style sheets), charts referenced by
    their file name (:func:`chart_file`) for the mail builder to turn into CID parts."""
    import css_inline

    html = render_report_html(public, lang, ctx, "mail", charts,
                              image_src=lambda c: chart_file(lang, c.name))
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(html)


def render_summary_html(public: dict, lang: str, guideline: Guideline,
                        made_on: dt.date | None = None, charts=None, conclusions: str = "",
                        contact: str = "") -> str:
    """A self-contained web page of the report (charts embedded): for the intranet or the
    Prefect UI. Same content as the mail."""
    ctx = ReportContext(guideline, made_on or dt.date(public["year"] + 1, 1, 1), conclusions, contact)
    return render_report_html(public, lang, ctx, "web", charts)


def render_pdf(public: dict, lang: str, ctx: ReportContext, charts=None) -> bytes:
    """The PDF committee appendix (A4): WeasyPrint from the same template, tagged for screen
    readers, dated by ``ctx.made_on`` only (the same input gives the same bytes)."""
    import weasyprint

    html = render_report_html(public, lang, ctx, "pdf", charts)
    return weasyprint.HTML(string=html, base_url=str(_pkg_dir("templates"))).write_pdf(
        pdf_tags=True, pdf_identifier=f"osaava-{public['year']}-{lang}".encode())


# ---------------------------------------------------------------------------------------------
# XLSX


# the same precision the HTML and PDF show; the cell holds the value rounded to it
NUMBER_FORMATS = {"int": "#,##0", "num": "#,##0.0#", "num1": "#,##0.0", "eur": "#,##0",
                  "pct": "0.0"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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
    wb.properties.title = _title(public, lang)
    wb.properties.language = lang
    bold = Font(bold=True)
    used: set[str] = set()

    info = wb.active
    info.title = _sheet_title(t["sheets"]["info"], used)
    g = ctx.guideline
    lines = [
        (t["city"], None), (_title(public, lang), None),
        (t["columns"]["made_on"], fmt_date(ctx.made_on, lang)),
        (t["columns"]["data_date"], fmt_date(dt.date(public["year"], 12, 31), lang)),
        (t["columns"]["guideline"], f"{g.id} {g.version}"),
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
                    values.append(fmt_cell(c, lang))
            ws.append(values)
            row = ws.max_row
            for j, c in enumerate(r.cells, start=2):
                x = ws.cell(row=row, column=j)
                if c.kind in NUMBER_FORMATS and isinstance(x.value, (int, float)):
                    x.number_format = NUMBER_FORMATS[c.kind]
                else:
                    x.alignment = Alignment(horizontal="right")
            if r.total:
                for x in ws[row]:
                    x.font = bold
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = 44
        for j in range(2, len(tb.columns) + 1):
            ws.column_dimensions[get_column_letter(j)].width = 18
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


def report_id(doc: dict) -> str:
    """The identity of a report for the delivery ledger: the year and the sha256 of its
    figures.json (the same figures are the same report)."""
    import hashlib

    return f"annual-{doc['year']}-{hashlib.sha256(dumps(doc).encode('utf-8')).hexdigest()}"


__all__ = ["LANGS", "LOCALES", "ReportContext", "dumps", "figures_document", "fmt", "fmt_date",
           "kind_of", "render_mail_html", "render_pdf", "render_report_html",
           "render_summary_html", "render_xlsx", "report_id", "suppress", "texts"]
_ = DIMENSIONS
