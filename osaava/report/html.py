"""The committee report as HTML (mail body, web page) and PDF, from the tables of
:mod:`osaava.report.tables`:

- the HTML mail body (:func:`render_mail_html`, ``templates/cover.html.j2``): a cover note for a
  phone — the targets in brief, HR's conclusions, the contact person and the attachments; CSS
  inlined, no charts;
- the web summary (:func:`render_summary_html`) and the PDF appendix (:func:`render_pdf`), the
  full report from ``templates/report.html.j2``; the PDF on A4 with a "Liite"/"Bilaga" header,
  page numbers and vector (SVG) charts.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from osaava.disclosure import kind_of
from osaava.guideline import Guideline
from osaava.report.i18n import (HIDDEN_MARK, ReportContext, column, fmt, fmt_cell, fmt_date,
                                fmt_number, guideline_name, label, pkg_dir, report_title, texts)
from osaava.report.summary import largest_changes
from osaava.report.tables import (FINDING_TABLES, equity_gap_comparison, previous_value,
                                  target_change, tables)


def finding_sections(all_tables: dict) -> list[dict]:
    """The findings section's two parts, guideline breaches first, then data-quality items:
    {"category", "table"} for each category that has findings."""
    return [{"category": cat, "table": all_tables[ids[0]]} for cat, ids in FINDING_TABLES.items()
            if ids[0] in all_tables and all_tables[ids[0]].rows]


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
            pc, change = target_change(doc, key)
            unit = t["target_units"][key] if not pc.hidden and pc.value is not None else ""
            if key == "equity_gap_pct_points" and x["value"] is not None:
                dim = equity_gap_comparison(doc)["dimension"]
                p = t["target_text"]["previous_gap"].format(
                    year=prev["year"], value=fmt_cell(pc, lang) + unit,
                    dimension=t["dimensions"][dim].lower())
            else:
                p = t["target_text"]["previous"].format(year=prev["year"],
                                                        value=fmt_cell(pc, lang) + unit)
            if change.value is not None and not change.hidden:
                word = t["target_text"]["better" if _better(x, change.value) else "worse"] \
                    if change.value else t["target_text"]["same"]
                sign = "+" if change.value > 0 else ("−" if change.value < 0 else "±")
                p += t["target_text"]["change"].format(
                    change=sign + fmt(abs(change.value), lang, kind)
                    + t["summary"]["change_units"].get(kind, ""),
                    direction=word)
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


def _better(x: dict, change: float) -> bool:
    """Whether a change moves the figure the way its target wants."""
    return change > 0 if x["comparison"] == ">=" else change < 0


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
    names = {"competence_area": "competence_areas", "training_type": "training_types"}
    for dim, members in (public.get("breakdowns_folded") or {}).items():
        words = texts(lang)[names[dim]]
        out.append(t["folded_breakdown"].format(n=n, residual=texts(lang)["residual"].format(
            members=", ".join(words.get(g, g).lower() for g in sorted(members, key=lambda g: words.get(g, g))))))
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
    env = Environment(loader=FileSystemLoader(str(pkg_dir("templates"))),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True, undefined=StrictUndefined)
    env.filters["css_string"] = _css_string
    return env


def chart_file(lang: str, name: str) -> str:
    """The file name of a chart, relative to the report files (the mail's CID source)."""
    return f"charts/report-{lang}-{name}.png"


def render_charts(public: dict, lang: str):
    from osaava.report.charts import charts

    return charts(public, texts(lang), lambda spec: label(spec, lang, public),
                  lambda v, k: fmt(v, lang, k))


def render_chart_figures(public: dict, lang: str):
    """The charts of :func:`render_charts` as laid-out matplotlib figures (name, title, alt,
    figure), for measuring them."""
    from osaava.report.charts import chart_figures

    return chart_figures(public, texts(lang), lambda spec: label(spec, lang, public),
                         lambda v, k: fmt(v, lang, k))


def _data_uri(chart) -> str:
    """The chart as a data: URI — vector (SVG) when the chart has it, else its PNG."""
    if getattr(chart, "svg", b""):
        return "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode("ascii")
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def chart_aspect(chart) -> float:
    """Height / width of a chart (from its PNG header)."""
    import struct

    w, h = struct.unpack(">II", chart.png[16:24])
    return h / w


def render_report_html(public: dict, lang: str, ctx: ReportContext, medium: str = "mail",
                       charts=None, image_src=None) -> str:
    """The report as HTML. ``medium``: "mail" (inline-ready CSS, one column), "web" (the same
    with a style sheet) or "pdf" (print CSS with @page rules). ``image_src(chart)`` gives an
    image's ``src``; by default a data: URI."""
    t = texts(lang)
    g = ctx.guideline
    charts = render_charts(public, lang) if charts is None else charts
    image_src = image_src or _data_uri
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
        title=report_title(public, lang),
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
        chart_aspect=chart_aspect,
        cell=lambda c: fmt_cell(c, lang, ctx),
        finding_sections=finding_sections(all_tables),
        label=lambda spec: label(spec, lang, public, ctx),
        column=lambda key: column(key, lang, public),
        hidden_mark=HIDDEN_MARK,
        hidden_note=t["notes"]["hidden"].format(n=public["suppression_min_persons"],
                                                mark=HIDDEN_MARK),
        disclosure_notes=disclosure_notes(public, lang),
        guideline=g,
        made_iso=ctx.made_on.isoformat(),
        guideline_text=t["method_text"]["guideline"].format(
            guideline=guideline_name(g, lang), approved_by=t["approved_by"].get(g.approved_by, g.approved_by),
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
        changes=largest_changes(public, lang),
        min_persons=public["suppression_min_persons"],
        previous_year=(public.get("previous_year") or {}).get("year", ""),
        conclusions=conclusion_groups(ctx.conclusions),  # HR's "- " lines as a list, as in the mail
        contact=ctx.contact.strip(),
    )


_POINT = re.compile(r"^\s*[-–•*]\s+")


def conclusion_groups(text: str) -> list[dict]:
    """HR's conclusions as they wrote them, line by line: runs of lines that start with "- "
    (or "–", "•", "*") become a list of points, other lines paragraphs."""
    groups: list[dict] = []
    for line in (x.strip() for x in text.splitlines()):
        if not line:
            continue
        point = bool(_POINT.match(line))
        if point:
            line = _POINT.sub("", line)
        if groups and groups[-1]["points"] == point and point:
            groups[-1]["lines"].append(line)
        else:
            groups.append({"points": point, "lines": [line]})
    return groups


def change_lines(public: dict, lang: str) -> list[str]:
    """The cover note's "largest changes from last year": the three largest changes as
    sentences in ``lang`` (:func:`osaava.report.summary.largest_changes`), made from the public
    document only; none without a previous year. The mail (HTML and text) shows them under the
    targets."""
    return largest_changes(public, lang)


def cover_context(public: dict, lang: str, ctx: ReportContext,
                  summary_lines: list[str] | None = None) -> dict:
    """What the cover note says: the targets in brief, the largest changes (``summary_lines``,
    by default :func:`change_lines`), HR's conclusions, the contact person and the attachments'
    names (the names the mail gives them)."""
    if summary_lines is None:
        summary_lines = change_lines(public, lang)
    t = texts(lang)
    year = public["year"]
    prev = public.get("previous_year")
    targets = [dict(x, target=x["target"] + t["target_units"][x["key"]],
                    previous=t["cover"]["previous"].format(
                        year=prev["year"], value=fmt_cell(previous_value(public, x["key"]), lang))
                    if prev and x["previous"] else None)
               for x in target_sentences(public, lang)]
    n_met = sum(1 for x in targets if x["status"] == "met")
    return dict(
        t=t, lang=lang, year=year, title=report_title(public, lang),
        made_on=fmt_date(ctx.made_on, lang), targets=targets,
        lead=t["lead"].format(met=n_met, total=len(targets)),
        summary_lines=list(summary_lines or ()),
        changes_heading=t["cover"]["changes"].format(year=prev["year"] if prev else year - 1),
        conclusions=conclusion_groups(ctx.conclusions),
        contact=ctx.contact.strip(),
        pdf_name=t["mail"]["pdf_name"].format(year=year),
        xlsx_name=t["mail"]["xlsx_name"].format(year=year),
        public_note=t["public_document"].format(n=public["suppression_min_persons"]),
    )


def render_mail_html(public: dict, lang: str, ctx: ReportContext, charts=None,
                     summary_lines: list[str] | None = None) -> str:
    """The HTML mail body: a cover note (``templates/cover.html.j2``) that fits one or two phone
    screens — greeting, the targets in brief, HR's conclusions and proposals, the contact person
    and what the attachments hold. CSS inlined (mail clients drop style sheets); no charts and
    no tables (the PDF attachment holds the full report, the XLSX every table).
    ``summary_lines``: sentences on the largest changes from last year, shown under the targets
    (default: :func:`change_lines`). ``charts`` is accepted for callers of the full report and
    not used."""
    import css_inline

    html = _env().get_template("cover.html.j2").render(
        **cover_context(public, lang, ctx, summary_lines))
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(html)


def render_mail_text(public: dict, lang: str, ctx: ReportContext,
                     summary_lines: list[str] | None = None) -> str:
    """The mail's plain-text part: the cover note of :func:`render_mail_html` as text (for
    mail clients and screen readers that show no HTML), the title on the first line."""
    c = cover_context(public, lang, ctx, summary_lines)
    t = c["t"]
    out = [c["title"], f"{t['city']} · {c['made_on']}", "", t["cover"]["greeting"], "",
           t["cover"]["intro"].format(year=c["year"]), "", c["lead"]]
    for x in c["targets"]:
        detail = x["status_text"] + (f" ({x['target']})" if x["status"] != "nodata" else "") + "."
        if x["previous"]:
            detail += f" {x['previous']}."
        out.append(f"{t['status_icons'][x['status']]} {x['figure']}: {x['value']} – {detail}")
    if c["summary_lines"]:
        out += ["", c["changes_heading"], *(f"- {line}" for line in c["summary_lines"])]
    out += ["", t["sections"]["conclusions"]]
    if c["conclusions"]:
        for group in c["conclusions"]:
            out += [f"- {line}" if group["points"] else line for line in group["lines"]]
    else:
        out.append(t["cover"]["no_conclusions"])
    if c["contact"]:
        out += ["", f"{t['contact']}: {c['contact']}."]
    out += ["", t["cover"]["attachments"],
            f"- {t['cover']['pdf_kind']} ({c['pdf_name']}): {t['cover']['pdf']}",
            f"- {t['cover']['xlsx_kind']} ({c['xlsx_name']}): {t['cover']['xlsx']}",
            "", c["public_note"]]
    return "\n".join(out).replace("\u00a0", " ") + "\n"


def render_summary_html(public: dict, lang: str, guideline: Guideline,
                        made_on: dt.date | None = None, charts=None, conclusions: str = "",
                        contact: str = "") -> str:
    """A self-contained web page of the report (charts embedded): for the intranet or the
    Prefect UI: the full report, charts as SVG."""
    ctx = ReportContext(guideline, made_on or dt.date(public["year"] + 1, 1, 1), conclusions, contact)
    return render_report_html(public, lang, ctx, "web", charts)


def render_pdf(public: dict, lang: str, ctx: ReportContext, charts=None) -> bytes:
    """The PDF committee appendix (A4): WeasyPrint from the same template, tagged for screen
    readers, dated by ``ctx.made_on`` only (the same input gives the same bytes)."""
    import weasyprint

    html = render_report_html(public, lang, ctx, "pdf", charts)
    return weasyprint.HTML(string=html, base_url=str(pkg_dir("templates"))).write_pdf(
        pdf_tags=True, pdf_identifier=f"osaava-{public['year']}-{lang}".encode())
