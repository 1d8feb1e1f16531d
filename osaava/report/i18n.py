"""One locale loader and one formatter for every output (report, mails, artifacts, HR-internal
files, the command line): texts from ``osaava/locale/<lang>.yaml`` (and the notification texts
from ``notify.yaml``), numbers and dates with Babel in fi_FI / sv_FI, the published number
rounded half up (DOMAIN §6), and the words for a table's row and column specs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

from osaava.disclosure import half_up
from osaava.guideline import Guideline
from osaava.report.tables import GROUP_ORDER, Cell

LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}
LANGS = tuple(LOCALES)
HIDDEN_MARK = ".."  # a suppressed cell (Statistics Finland's mark for confidential data)
MISSING_MARK = "–"  # no value: the denominator is zero (DOMAIN §5)


def pkg_dir(name: str) -> Path:
    return Path(str(resources.files("osaava") / name))


@lru_cache(maxsize=None)
def load_locale(name: str) -> dict:
    """A locale file of ``osaava/locale`` (``fi``, ``sv`` or ``notify``), parsed once."""
    return yaml.safe_load((pkg_dir("locale") / f"{name}.yaml").read_text(encoding="utf-8"))


def texts(lang: str) -> dict:
    if lang not in LOCALES:
        raise ValueError(f"unknown report language {lang!r}: use one of {', '.join(LOCALES)}")
    return load_locale(lang)


def report_title(public: dict, lang: str) -> str:
    return texts(lang)["title"].format(year=public["year"])


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


def fmt_cell(c: Cell, lang: str, ctx: "ReportContext | None" = None) -> str:
    t = texts(lang)
    if c.kind == "unit":
        return finding_unit(c.value, lang)
    if c.kind == "finding_text":
        return finding_text(c.value, lang, ctx.guideline if ctx else None)
    if c.hidden:
        return HIDDEN_MARK
    if c.kind == "target":  # (comparison, target): "≥ 2,0"
        cmp, target = c.value
        return f"{t['comparison_signs'][cmp]}\u00a0{fmt(target, lang, 'num')}"
    if c.met is not None and c.value is not None:
        return f"{fmt(c.value, lang, c.kind)}\u00a0{t['status_icons']['met' if c.met else 'not_met']}"
    if c.signed and isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
        sign = "+" if c.value > 0 else ("\u2212" if c.value < 0 else "")
        return sign + fmt(abs(c.value), lang, c.kind)
    if c.kind == "met":
        return t["no_data"] if c.value is None else (t["met"] if c.value else t["not_met"])
    if c.kind == "severity":
        return t["severities"].get(c.value, str(c.value))
    if c.kind == "text":
        if c.value is None:
            return ""
        return t["comparisons"].get(str(c.value), str(c.value))
    return fmt(c.value, lang, c.kind)


def finding_unit(code: str, lang: str) -> str:
    """What one count of a finding is, in words ("osallistumiset", "personer", …)."""
    from osaava.finding_codes import FINDING_CODES

    t = texts(lang)
    unit = FINDING_CODES.get(code, ("", "participations"))[1]
    return t["finding_units"][unit]


def finding_text(code: str, lang: str, guideline: Guideline | None = None) -> str:
    """One sentence on what a finding means and what the guideline expects, with the
    guideline's own values (the example values without a guideline)."""
    from osaava.finding_codes import text_params

    t = texts(lang)
    text = t["finding_texts"].get(code, "")
    if guideline is None:
        from osaava.guideline import latest_guideline

        guideline = latest_guideline()
    p = {k: fmt_number(v, lang) for k, v in text_params(guideline).items()}
    return text.format(**p)


def guideline_name(g: Guideline, lang: str) -> str:
    """The guideline in words: its name (from its file, else the city's training guideline) and
    version, never its technical id: "Kauniaisten kaupungin koulutusohje, versio 2024.1"."""
    t = texts(lang)
    name = getattr(g, "name", None)
    name = (name.model_dump().get(lang) if name is not None else None) or t["guideline_name"]
    return t["guideline_in_words"].format(name=name, version=g.version)


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
    """Words for a row label spec of :mod:`osaava.report.tables`."""
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
        rank = {g: i for i, g in enumerate(GROUP_ORDER)}
        names = [label(("sector", g) if spec[1] == "sector" else ("group", spec[1], g), lang, doc)
                 for g in sorted(spec[2], key=lambda g: (rank.get(g, len(rank)), g))]
        return t["residual"].format(members=", ".join(n.lower() for n in names))
    if kind == "target_row":
        return t["target"]
    if kind == "previous_year":
        return t["previous_year_row"].format(year=spec[1])
    if kind == "change":
        return t["columns"]["change"]
    if kind == "bd_group":
        names = t["competence_areas"] if spec[1] == "competence_area" else t["training_types"]
        return names.get(spec[2], spec[2])
    if kind == "bd_residual":
        names = t["competence_areas"] if spec[1] == "competence_area" else t["training_types"]
        return t["residual"].format(members=", ".join(
            names.get(g, g).lower() for g in sorted(spec[2], key=lambda g: names.get(g, g))))
    if kind == "change_item":
        scope = label(("org",) if spec[1] == "org" else ("sector", spec[1]), lang, doc)
        return f"{scope}: {t['summary']['change_figures'][spec[2]]}"
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
        name = t["entities"].get(spec[1], spec[1])
        return f"{name} ({spec[2]})" if spec[2] else name
    raise ValueError(f"unknown label {spec!r}")


def column(key: str, lang: str, doc: dict) -> str:
    t = texts(lang)
    if key.startswith("sector:"):
        return label(("sector", key.split(":", 1)[1]), lang, doc)
    if key == "value" and "year" in doc:
        return str(doc["year"])
    if key == "previous" and doc.get("previous_year"):
        return str(doc["previous_year"]["year"])
    if key.startswith("year:"):
        return key.split(":", 1)[1]
    if key.startswith("target:"):
        return t["target_short"][key.split(":", 1)[1]]
    return t["columns"].get(key) or t["figures"].get(key) or t["dimensions"].get(key) or key


