"""From figures to report documents: figures.json (HR-internal) and the summary page (public).

Pure functions returning strings and dicts; writing files is the task layer's job. Texts live in
``osaava/locale/<lang>.yaml``; numbers and dates are formatted with Babel.
"""

from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape

from osaava import __version__
from osaava.figures import DIMENSIONS, PERSON_FIGURES, Figures
from osaava.guideline import Guideline

LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}
# Figures that count or describe persons: hidden for a group of fewer than the minimum.
PERSON_COUNT = "persons_employed"
SUMMARY_FIGURES = (
    "persons_employed", "headcount_year_end", "htv", "training_days", "training_days_per_htv",
    "working_time_training_hours", "paid_training_hours", "direct_cost_eur", "indirect_cost_eur",
    "total_cost_eur", "total_cost_per_htv_eur", "budget_use_pct", "share_trained_pct",
    "discussion_coverage_pct", "needs_fulfilment_pct", "supervisor_compliance_pct",
    "application_compliance_pct",
)


def _pkg_dir(name: str) -> Path:
    return Path(str(resources.files("osaava") / name))


@lru_cache(maxsize=None)
def texts(lang: str) -> dict:
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


def suppress(doc: dict, min_persons: int) -> dict:
    """A copy of the figures for public outputs: every cell of a group or sector of fewer than
    ``min_persons`` persons is None, and so is a second, the smallest other, where a shown total
    would let a reader recompute the hidden one. Findings keep only their counts by sector, and a
    finding count below the minimum is hidden too."""
    out = copy.deepcopy(doc)
    out.pop("inputs", None)
    out.pop("batch", None)

    def hide_small(cells: dict[str, dict]) -> set[str]:
        small = {k for k, v in cells.items() if (v.get(PERSON_COUNT) or 0) < min_persons}
        if len(small) == 1 and len(cells) > 1:
            rest = sorted((k for k in cells if k not in small), key=lambda k: cells[k].get(PERSON_COUNT) or 0)
            small.add(rest[0])
        for k in small:
            cells[k] = {key: None for key in cells[k]}
            cells[k]["suppressed"] = True
        return small

    hide_small(out["sectors"])
    for dim in out["groups"]:
        hide_small(out["groups"][dim])
    findings = []
    for f in out["findings"]:
        f = {k: f[k] for k in ("code", "severity", "sector", "count")}
        if f["count"] < min_persons or (out["sectors"].get(f["sector"], {}).get("suppressed")):
            f["count"] = None
        findings.append(f)
    out["findings"] = findings
    if "previous_year" in out:
        hide_small(out["previous_year"]["sectors"])
        out["previous_year"].pop("findings", None)
    return out


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt(value, lang: str, kind: str = "num") -> str:
    if value is None:
        return "–"
    loc = LOCALES[lang]
    if isinstance(value, bool):
        return str(value)
    if kind == "int" or isinstance(value, int):
        return format_decimal(value, format="#,##0", locale=loc)
    if kind == "eur":
        return format_decimal(round(value), format="#,##0", locale=loc)
    if kind == "pct":
        return format_decimal(value, format="#,##0.0", locale=loc)
    return format_decimal(value, format="#,##0.0#", locale=loc)


def kind_of(key: str) -> str:
    if key.endswith("_eur"):
        return "eur"
    if key.endswith(("_pct", "_pct_points")):
        return "pct"
    if key in ("htv", "training_days", "training_days_per_htv", "training_hours",
               "working_time_training_hours", "paid_training_hours", "training_days_per_person"):
        return "num"
    return "int"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_pkg_dir("templates"))),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["kind_of"] = kind_of
    return env


def render_summary_html(public: dict, lang: str, guideline: Guideline) -> str:
    """The summary page: public, suppressed figures in the given language."""
    t = texts(lang)
    env = _env()
    env.globals["fmt"] = lambda v, k="num": fmt(v, lang, k)
    names = public.get("sector_names", {})
    return env.get_template("summary.html.j2").render(
        t=t,
        lang=lang,
        doc=public,
        figures=SUMMARY_FIGURES,
        all_figures=PERSON_FIGURES,
        dimensions=DIMENSIONS,
        sector_label=lambda s: names.get(s, {}).get(lang, s),
        title=t["title"].format(year=public["year"]),
        subtitle=t["subtitle"].format(year=public["year"], guideline_id=guideline.id,
                                      guideline_version=guideline.version),
        method=t["method"].format(guideline_version=guideline.version,
                                  day_hours=fmt(guideline.training_day_hours, lang),
                                  side_cost=fmt(guideline.side_cost_pct, lang)),
        suppressed_note=t["suppressed"].format(n=guideline.suppression_min_persons),
    )
