"""From figures to report documents: figures.json (HR-internal) and the committee report (public).

Pure functions returning strings, bytes and dicts; writing files and sending mail are the task
layer's job. Texts live in ``osaava/locale/<lang>.yaml``; numbers and dates are formatted with
Babel. Everything public is made from the one output of :func:`suppress`.

The committee report comes in three forms made from the same template
(``templates/report.html.j2``) and the same tables (:mod:`osaava.report_tables`):

- the HTML mail body (:func:`render_mail_html`): CSS inlined, one column, charts referenced by
  file name (the mail builder turns them into CID parts);
- the PDF appendix (:func:`render_pdf`): WeasyPrint, A4, "Liite"/"Bilaga" header, page numbers;
- the XLSX workbook (:func:`render_xlsx`): a sheet per table, numbers as numbers.
"""

from __future__ import annotations

import base64
import copy
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
from osaava.figures import DIMENSIONS, PERSON_FIGURES, Figures
from osaava.guideline import Guideline
from osaava.report_tables import Cell, kind_of, tables  # noqa: F401 (kind_of re-exported)

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
# Public safety (DOMAIN §6)
#
# A cell is shown only when the group of persons it describes has at least `min_persons`
# persons. Figures come in families that describe the same group (the family's *base* count):
# e.g. training days, costs and the share trained of a sector describe the persons who trained
# there. A family is hidden in a scope (the organisation, a sector, a group) when its base is 1 …
# min−1, when its base is 0 but it still shows something (a cost without anyone trained), when
# its parent family is hidden, or — for the two compliance families, whose complement is a
# guideline finding — when the number of non-compliant is 1 … min−1.
#
# Secondary suppression: wherever a shown total equals the sum of parts (the organisation over
# its sectors, over the groups of a dimension, supervisors over their five levels, a finding's
# total over the sectors), one hidden part alone — or hidden parts summing to fewer than
# min_persons — would be recomputable; then one more part is hidden: the smallest whose base
# brings the hidden sum to at least min_persons, else the largest. Repeated until nothing
# changes.


@dataclass(frozen=True)
class Family:
    name: str
    base: str
    parent: str | None
    members: tuple[str, ...]
    complement_of: str | None = None  # hidden too when 0 < complement_of − base < min


FAMILIES: tuple[Family, ...] = (
    Family("staff", "persons_employed", None, ("persons_employed", "htv")),
    Family("headcount", "headcount_year_end", "staff", ("headcount_year_end",)),
    Family("trained", "persons_trained", "staff", (
        "persons_trained", "share_trained_pct", "training_hours", "training_days",
        "training_days_per_htv", "working_time_training_hours", "paid_training_hours",
        "direct_cost_eur", "indirect_cost_eur", "total_cost_eur", "direct_cost_per_htv_eur",
        "total_cost_per_htv_eur", "budget_use_pct")),
    Family("eligible", "discussions_eligible", "staff", ("discussions_eligible",)),
    Family("held", "discussions_held", "eligible", ("discussions_held", "discussion_coverage_pct")),
    Family("needs", "needs_recorded", "held", ("needs_recorded",)),
    Family("needs_fulfilled", "needs_fulfilled", "needs", ("needs_fulfilled", "needs_fulfilment_pct")),
    Family("supervisors", "supervisors", "staff", ("supervisors",)),
    Family("supervisors_compliant", "supervisors_compliant", "supervisors",
           ("supervisors_compliant", "supervisor_compliance_pct"), complement_of="supervisors"),
    *(Family(f"supervisors_level_{k}", f"supervisors_level_{k}", "supervisors",
             (f"supervisors_level_{k}",)) for k in range(5)),
    Family("applications", "applications_required", "trained", ("applications_required",)),
    Family("applications_compliant", "applications_compliant", "applications",
           ("applications_compliant", "application_compliance_pct"),
           complement_of="applications_required"),
)
GROUP_FAMILIES: tuple[Family, ...] = (
    Family("staff", "persons_employed", None, ("persons_employed",)),
    Family("trained", "persons_trained", "staff",
           ("persons_trained", "share_trained_pct", "training_days_per_person")),
)
LEVEL_FAMILIES = tuple(f"supervisors_level_{k}" for k in range(5))
PUBLIC_FIGURES = ("budget_eur",)  # the appropriation is a public decision, never hidden
assert {m for f in FAMILIES for m in f.members} | set(PUBLIC_FIGURES) == set(PERSON_FIGURES)


def _n(v) -> float:
    return 0.0 if v is None else float(v)


def _descendants(families: tuple[Family, ...], name: str) -> set[str]:
    out = {name}
    for f in families:  # parents come before children
        if f.parent in out:
            out.add(f.name)
    return out


def _primary(vals: dict, families: tuple[Family, ...], m: int) -> set[str]:
    hidden: set[str] = set()
    for f in families:
        base = _n(vals.get(f.base))
        small = 0 < base < m or (base == 0 and any(_n(vals.get(k)) != 0 for k in f.members))
        if f.complement_of is not None:
            rest = _n(vals.get(f.complement_of)) - base
            small = small or 0 < rest < m
        if small or (f.parent is not None and f.parent in hidden):
            hidden.add(f.name)
    return hidden


def _pick(shown: list[str], need: float, size) -> str:
    """The part to hide as well: the smallest that brings the hidden sum to `need`, else the
    largest."""
    order = sorted(shown, key=lambda k: (size(k), k))
    return next((k for k in order if size(k) >= need), order[-1])


def _protect(parts: dict[str, dict], hidden: dict[str, set[str]], total_hidden: set[str],
             families: tuple[Family, ...], m: int, levels: bool = False) -> None:
    """Secondary suppression over parts that add up to a shown total (in place)."""
    changed = True
    while changed:
        changed = False
        for f in families:
            if f.name in total_hidden or len(parts) < 2:
                continue
            hid = [k for k in parts if f.name in hidden[k]]
            if not hid:
                continue
            hidden_sum = sum(_n(parts[k].get(f.base)) for k in hid)
            if len(hid) > 1 and not 0 < hidden_sum < m:
                continue
            shown = [k for k in parts if f.name not in hidden[k]]
            if not shown:
                continue
            k = _pick(shown, m - hidden_sum, lambda k: _n(parts[k].get(f.base)))
            hidden[k] |= _descendants(families, f.name)
            changed = True
        if levels:  # supervisors = Σ levels 0–4, within each scope
            for k, vals in parts.items():
                if "supervisors" in hidden[k]:
                    continue
                hid = [lv for lv in LEVEL_FAMILIES if lv in hidden[k]]
                hidden_sum = sum(_n(vals.get(lv)) for lv in hid)
                if not hid or (len(hid) > 1 and not 0 < hidden_sum < m):
                    continue
                shown = [lv for lv in LEVEL_FAMILIES if lv not in hidden[k]]
                if shown:
                    hidden[k].add(_pick(shown, m - hidden_sum, lambda lv: _n(vals.get(lv))))
                    changed = True


def _blank(cells: dict, hidden_families: set[str], families: tuple[Family, ...], prefix: str,
           paths: list[str]) -> None:
    for f in families:
        if f.name in hidden_families:
            for key in f.members:
                if key in cells:
                    cells[key] = None
                    paths.append(prefix + key)


def _suppress_figures(block: dict, m: int, paths: list[str], prefix: str = "") -> dict[str, set[str]]:
    """Organisation + sectors of a figures block (this year or previous_year), in place."""
    org_hidden = _primary(block["organisation"], FAMILIES, m)
    secs = block.get("sectors", {})
    hidden = {s: _primary(v, FAMILIES, m) for s, v in secs.items()}
    org_parts = {"": block["organisation"]}
    org_h = {"": org_hidden}
    _protect(org_parts, org_h, set(), FAMILIES, m, levels=True)  # levels within the organisation
    _protect(secs, hidden, org_h[""], FAMILIES, m, levels=True)
    _blank(block["organisation"], org_h[""], FAMILIES, f"{prefix}organisation/", paths)
    for s, v in secs.items():
        _blank(v, hidden[s], FAMILIES, f"{prefix}sectors/{s}/", paths)
    hidden[""] = org_h[""]
    return hidden


def suppress(doc: dict, min_persons: int) -> dict:
    """The public copy of a figures document: the only input of every public output.

    Cells describing fewer than ``min_persons`` persons are ``None``, and so are the cells a
    shown total would let a reader recompute them from (see the rules above). ``hidden`` lists
    every suppressed cell as a path ("sectors/SIV/persons_trained", "groups/gender/X/…",
    "findings_summary/repayment_case/sectors/YH", "previous_year/organisation/…"), so renderers
    can tell a hidden cell ("..") from one without a value ("–"). Findings keep only their
    counts, as ``findings_summary`` {code: {severity, total, sectors}}. Input hashes, batch ids
    and euro amounts of findings are left out; the data sources keep their entity, file name
    and row count.
    """
    m = int(min_persons)
    src = copy.deepcopy(doc)
    paths: list[str] = []
    out: dict = {k: src[k] for k in ("year", "guideline", "code_version") if k in src}
    out["suppression_min_persons"] = m
    out["sources"] = [{"entity": i.get("entity"), "file": i.get("file"), "rows": i.get("rows")}
                      for i in src.get("inputs", [])]
    batch = src.get("batch") or {}
    out["batch"] = {k: batch[k] for k in ("status", "created_at", "rows_read", "rows_loaded",
                                          "rows_quarantined", "issues_critical", "issues_warning")
                    if k in batch}
    out["organisation"] = src["organisation"]
    out["sectors"] = src.get("sectors", {})
    out["sector_names"] = src.get("sector_names", {})
    sec_hidden = _suppress_figures(out, m, paths)

    # groups: each dimension's groups add up to the organisation's persons and trained
    org_gh = {f.name for f in GROUP_FAMILIES if f.name in sec_hidden[""]}
    out["groups"] = src.get("groups", {})
    for dim, groups in out["groups"].items():
        if dim == "sector":  # the same persons as the sector table: hide the same cells
            gh = {g: {f.name for f in GROUP_FAMILIES if f.name in sec_hidden.get(g, set())}
                  for g in groups}
        else:
            gh = {g: _primary(v, GROUP_FAMILIES, m) for g, v in groups.items()}
            _protect(groups, gh, org_gh, GROUP_FAMILIES, m)
        for g, v in groups.items():
            _blank(v, gh[g], GROUP_FAMILIES, f"groups/{dim}/{g}/", paths)
    out["equity_gap_pct_points"] = src.get("equity_gap_pct_points", {})

    # findings: counts by code and sector, the total over sectors
    summary: dict[str, dict] = {}
    sector_codes = list(out["sectors"])
    for f in src.get("findings", []):
        s = summary.setdefault(f["code"], {"severity": f["severity"], "total": 0,
                                           "sectors": {c: 0 for c in sector_codes}})
        s["sectors"][f["sector"]] = s["sectors"].get(f["sector"], 0) + int(f["count"])
        s["total"] += int(f["count"])
    for code in sorted(summary):
        s = summary[code]
        total_hidden = 0 < s["total"] < m
        cells = {k: {"count": v} for k, v in s["sectors"].items()}
        fam = (Family("count", "count", None, ("count",)),)
        fh = {k: ({"count"} if 0 < v < m or "staff" in sec_hidden.get(k, set()) else set())
              for k, v in s["sectors"].items()}
        _protect(cells, fh, {"count"} if total_hidden else set(), fam, m)
        for k in s["sectors"]:
            if fh[k]:
                s["sectors"][k] = None
                paths.append(f"findings_summary/{code}/sectors/{k}")
        if total_hidden:
            s["total"] = None
            paths.append(f"findings_summary/{code}/total")
    out["findings_summary"] = {code: summary[code] for code in sorted(summary)}

    # targets: the organisation's figure, hidden with it
    hidden_set = set(paths)
    out["targets"] = []
    for x in src.get("targets", []):
        x = dict(x)
        if f"organisation/{x['key']}" in hidden_set:
            x.update(value=None, met=None, hidden=True)
        out["targets"].append(x)

    if "previous_year" in src:
        prev = src["previous_year"]
        p = {k: prev[k] for k in ("year", "guideline", "organisation", "sectors",
                                  "equity_gap_pct_points") if k in prev}
        _suppress_figures(p, m, paths, prefix="previous_year/")
        out["previous_year"] = p
    out["hidden"] = sorted(set(paths))
    return out


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt(value, lang: str, kind: str = "num") -> str:
    if value is None:
        return MISSING_MARK
    loc = LOCALES[lang]
    if isinstance(value, bool):
        return str(value)
    if kind == "int" or isinstance(value, int):
        return format_decimal(value, format="#,##0", locale=loc)
    if kind == "eur":
        return format_decimal(round(value), format="#,##0", locale=loc)
    if kind in ("pct", "num1"):
        return format_decimal(value, format="#,##0.0", locale=loc)
    return format_decimal(value, format="#,##0.0#", locale=loc)


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
    """What the report says beyond the figures: the guideline applied and the report's date."""
    guideline: Guideline
    made_on: dt.date


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
    gap_lines = {dim: (t["equity_gap_line"].format(gap=fmt(gaps[dim], lang, "pct"),
                                                   target=fmt_number(g.targets.equity_gap_pct_points, lang))
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
    )


def render_mail_html(public: dict, lang: str, ctx: ReportContext, charts=None) -> str:
    """The HTML mail body: CSS inlined (mail clients drop style sheets), charts referenced by
    their file name (:func:`chart_file`) for the mail builder to turn into CID parts."""
    import css_inline

    html = render_report_html(public, lang, ctx, "mail", charts,
                              image_src=lambda c: chart_file(lang, c.name))
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(html)


def render_summary_html(public: dict, lang: str, guideline: Guideline,
                        made_on: dt.date | None = None, charts=None) -> str:
    """A self-contained web page of the report (charts embedded): for the intranet or the
    Prefect UI. Same content as the mail."""
    ctx = ReportContext(guideline, made_on or dt.date(public["year"] + 1, 1, 1))
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


NUMBER_FORMATS = {"int": "#,##0", "num": "#,##0.00", "num1": "#,##0.0", "eur": "#,##0",
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
    """The workbook: an info sheet, then one sheet per table. Values are the unrounded figures
    of the public document (the number format rounds them for display, as the report does); a
    suppressed cell holds the text "..", a cell without a value "–". Deterministic bytes."""
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
                    values.append(MISSING_MARK if c.value is None else c.value)
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
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


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
