"""Validation of a batch: the Great Expectations suites and the checks GX cannot express.

Every batch is validated before it reaches the warehouse. Two kinds of checks:

- **GX suites**, one per entity, kept as reviewed JSON in ``expectations/<entity>.json``. They
  are generated from the canonical schema by :func:`build_suites` (a test keeps the committed
  files equal to it). Values that depend on configuration or on the date of the run (code
  mappings, competence areas, sectors with a budget, the latest plausible date) are GX suite
  parameters (``{"$PARAMETER": name}``) filled in by :func:`suite_parameters` at validation
  time, so a new guideline version or code mapping never makes the committed suites stale.
  Every expectation's ``meta`` holds ``severity``, ``check`` (the issue code), ``message`` and
  ``advice``; ``column`` names the column an issue points at when the expectation runs on a
  derived column, and ``derived`` says how that column is computed (see ``_DERIVED``).
- **Cross-table checks** in vectorised pandas: referential integrity from ``Entity.refs``,
  overlapping periods of one employment, a need whose person differs from its discussion's.

:func:`validate` returns :class:`~osaava.issues.Issue` objects naming file, source rows (as a
spreadsheet shows them: header = line 1), the Finnish column header, a count and masked
examples. Severity ``critical`` refuses the batch; ``warning`` loads it.

GX is imported inside functions: the import costs about 3 s.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from osaava.issues import Issue, mask_hetu
from osaava.schema import ENTITIES, ROW, Entity

MAX_ROWS_LISTED = 20
MAX_EXAMPLES = 3
SUITES_DIR = Path(__file__).resolve().parent.parent / "expectations"

EARLIEST_PLAUSIBLE_DATE = "1950-01-01"
FUTURE_YEARS = 2  # a date after 31.12. of (this year + FUTURE_YEARS) is implausible
TRAINING_HOURS_PER_DAY = 8
WORKING_AGE = (14, 80)  # age at the start of an employment period

# Columns checked against configuration: (entity, column) → (suite parameter, expectation type,
# issue code, message, advice). The parameter values come from suite_parameters(); a {name} in
# an advice text is filled in with the same values when the issue is made.
_CONFIG_CODES: dict[tuple[str, str], tuple[str, str, str, str, str]] = {
    ("payroll", "wage_type"): (
        "wage_type_regex", "expect_column_values_to_match_regex", "unmapped_wage_type",
        "the wage type is not in the code mapping, so its pay is not counted in any category",
        "Mapped wage types: {wage_types}. Add the wage type to the code mapping file or correct "
        "it in the export.",
    ),
    ("absences", "absence_code"): (
        "absence_codes", "expect_column_values_to_be_in_set", "unmapped_absence_code",
        "the absence code is not in the code mapping",
        "Mapped absence codes: {absence_codes}. Add the code to the code mapping file or correct "
        "it in the export.",
    ),
    ("trainings", "competence_area"): (
        "competence_areas", "expect_column_values_to_be_in_set", "unknown_competence_area",
        "the competence area is not one of the guideline's, so the training cannot fulfil a need",
        "Competence areas of the guideline: {competence_areas}.",
    ),
    ("needs", "competence_area"): (
        "competence_areas", "expect_column_values_to_be_in_set", "unknown_competence_area",
        "the competence area is not one of the guideline's, so the need can never be fulfilled",
        "Competence areas of the guideline: {competence_areas}.",
    ),
    ("organisation", "sector"): (
        "sectors", "expect_column_values_to_be_in_set", "sector_without_budget",
        "the sector has no training budget in the guideline; its budget use is not reported",
        "Sectors with a budget: {sectors}. Correct the sector code or add its budget to the "
        "guideline.",
    ),
}

# Range checks of the schema whose columns no figure uses: a warning, not a refusal.
_INFORMATIVE_RANGES = {("absences", "calendar_days"), ("absences", "hours")}

# end on or after start: entity → (start, end, severity)
_PERIODS: dict[str, tuple[str, str, str]] = {
    "employments": ("start", "end", "critical"),
    "absences": ("start", "end", "critical"),
    "trainings": ("start", "end", "critical"),
    "payroll": ("earning_start", "earning_end", "warning"),
}


def _days(df: pd.DataFrame) -> pd.Series:
    """Calendar days from start to end, both included; a missing end is one day."""
    days = (df["end"].fillna(df["start"]) - df["start"]).dt.days + 1
    return days.astype("float64").clip(lower=1)


# Derived columns added to the frame GX sees: entity → name → (what it is, how it is computed).
_DERIVED: dict[str, dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series]]]] = {
    "trainings": {
        "_max_plausible_hours": (
            f"{TRAINING_HOURS_PER_DAY} h × calendar days from Alkupvm to Loppupvm, both included",
            lambda df: _days(df) * TRAINING_HOURS_PER_DAY,
        ),
    },
    "absences": {
        "_max_plausible_hours": (
            "24 h × calendar days from Alkupvm to Loppupvm, both included",
            lambda df: _days(df) * 24,
        ),
    },
    "employments": {
        "_age_at_start": (
            "year of Alkupvm − Syntymävuosi",
            lambda df: (df["start"].dt.year - df["birth_year"]).astype("float64"),
        ),
    },
}


# ---------------------------------------------------------------------------------------------
# The suites


def _exp(type_: str, kwargs: dict, severity: str, check: str, message: str, advice: str,
         **extra: Any) -> dict:
    meta = {"severity": severity, "check": check, "message": message, "advice": advice}
    meta.update(extra)
    return {"type": type_, "kwargs": kwargs, "meta": meta}


def _range_text(lo: float | None, hi: float | None) -> str:
    f = lambda v: f"{v:g}"  # noqa: E731
    if lo is not None and hi is not None:
        return f"between {f(lo)} and {f(hi)}"
    return f"at least {f(lo)}" if lo is not None else f"at most {f(hi)}"


def _suite(entity: Entity) -> dict:
    e = entity.name
    cols = entity.loaded_columns
    h = {c.name: c.header for c in entity.columns}
    x: list[dict] = []
    x.append(_exp(
        "expect_table_columns_to_match_set",
        {"column_set": [c.name for c in cols], "exact_match": False},
        "critical", "missing_column", "a column of the export format is missing",
        "The header row must have these columns: " + "; ".join(entity.headers) + ".",
    ))
    x.append(_exp(
        "expect_table_row_count_to_be_between", {"min_value": 1},
        "warning", "no_rows", "the file has a header but no rows",
        "Check that the export covered the right period and organisation; an empty file is "
        "loaded as no data.",
    ))
    for c in cols:
        if c.required:
            x.append(_exp(
                "expect_column_values_to_not_be_null", {"column": c.name},
                "critical", "required", "a value is required but the cell is empty",
                "Fill in the value in the source system and export again.",
            ))
    if entity.key:
        kind = "expect_column_values_to_be_unique" if len(entity.key) == 1 else \
            "expect_compound_columns_to_be_unique"
        kw = {"column": entity.key[0]} if len(entity.key) == 1 else {"column_list": list(entity.key)}
        x.append(_exp(
            kind, kw, "critical", "duplicate_key",
            "the same " + " + ".join(h[k] for k in entity.key) + " appears on more than one row",
            "Keep one row per " + " + ".join(h[k] for k in entity.key) + "; remove or renumber "
            "the duplicates in the source system.",
        ))
    for c in cols:
        if c.codes:
            x.append(_exp(
                "expect_column_values_to_be_in_set", {"column": c.name, "value_set": list(c.codes)},
                "critical", "unknown_code", "unknown value",
                "Allowed values: " + ", ".join(c.codes) + ".",
            ))
        if (e, c.name) in _CONFIG_CODES:
            param, type_, check, message, advice = _CONFIG_CODES[(e, c.name)]
            key = "regex" if type_.endswith("match_regex") else "value_set"
            x.append(_exp(type_, {"column": c.name, key: {"$PARAMETER": param}}, "warning", check,
                          message, advice))
    for c in cols:
        if c.min is None and c.max is None:
            continue
        kw: dict[str, Any] = {"column": c.name}
        if c.min is not None:
            kw["min_value"] = c.min
        if c.max is not None:
            kw["max_value"] = c.max
        severity = "warning" if (e, c.name) in _INFORMATIVE_RANGES else "critical"
        negative = c.min == 0 and c.max is None
        x.append(_exp(
            "expect_column_values_to_be_between", kw, severity,
            "negative" if negative else "out_of_range",
            ("the value is negative" if negative else "the value must be " + _range_text(c.min, c.max)),
            "Correct the value in the source system and export again."
            + (" The figures use this column." if severity == "critical" else ""),
        ))
    for c in cols:
        if c.kind == "date":
            x.append(_exp(
                "expect_column_values_to_be_between",
                {"column": c.name, "min_value": EARLIEST_PLAUSIBLE_DATE + "T00:00:00",
                 "max_value": {"$PARAMETER": "latest_plausible_date"}},
                "warning", "implausible_date",
                f"the date is before 1.1.{EARLIEST_PLAUSIBLE_DATE[:4]} or more than {FUTURE_YEARS} "
                "years in the future",
                "Check the date; an ongoing period has an empty end date, not a far-future one.",
            ))
    if e in _PERIODS:
        start, end, severity = _PERIODS[e]
        x.append(_exp(
            "expect_column_pair_values_a_to_be_greater_than_b",
            {"column_A": end, "column_B": start, "or_equal": True,
             "ignore_row_if": "either_value_is_missing"},
            severity, "end_before_start", f"{h[end]} is before {h[start]}",
            f"Correct the dates: the range includes both ends, so {h[end]} must be on or after "
            f"{h[start]}.",
        ))
    if e == "trainings":
        x.append(_exp(
            "expect_column_values_to_not_be_null",
            {"column": "paid_pct",
             "row_condition": {"type": "comparison", "column": {"name": "form"}, "operator": "==",
                               "parameter": "osittain palkallinen vapaa"}},
            "critical", "paid_pct_required",
            f"{h['paid_pct']} is required for {h['form']} 'osittain palkallinen vapaa'",
            "Fill in the paid share of the leave (0–100) from the leave decision.",
        ))
        x.append(_exp(
            "expect_column_pair_values_a_to_be_greater_than_b",
            {"column_A": "_max_plausible_hours", "column_B": "hours", "or_equal": True,
             "ignore_row_if": "either_value_is_missing"},
            "warning", "implausible_training_hours",
            f"more than {TRAINING_HOURS_PER_DAY} training hours per calendar day of the training",
            "Check Tunnit (attended hours, not minutes) and the training's dates.",
            column="hours", derived={"_max_plausible_hours": _DERIVED[e]["_max_plausible_hours"][0]},
        ))
    if e == "absences":
        x.append(_exp(
            "expect_column_pair_values_a_to_be_greater_than_b",
            {"column_A": "_max_plausible_hours", "column_B": "hours", "or_equal": True,
             "ignore_row_if": "either_value_is_missing"},
            "warning", "implausible_absence_hours",
            "more than 24 absence hours per calendar day of the absence",
            "Check Tunnit and the absence's dates.",
            column="hours", derived={"_max_plausible_hours": _DERIVED[e]["_max_plausible_hours"][0]},
        ))
    if e == "employments":
        lo, hi = WORKING_AGE
        x.append(_exp(
            "expect_column_values_to_be_between",
            {"column": "_age_at_start", "min_value": lo, "max_value": hi},
            "warning", "implausible_birth_year",
            f"the person would be younger than {lo} or older than {hi} at the start of the period",
            "Check Syntymävuosi (four digits, e.g. 1980).",
            column="birth_year", derived={"_age_at_start": _DERIVED[e]["_age_at_start"][0]},
        ))
    return {"name": e, "expectations": x}


def build_suites() -> dict[str, dict]:
    """The GX suite of every entity, generated from the canonical schema."""
    return {name: _suite(entity) for name, entity in ENTITIES.items()}


def suite_json(suite: dict) -> str:
    return json.dumps(suite, ensure_ascii=False, indent=2) + "\n"


def write_suites(folder: Path = SUITES_DIR) -> list[Path]:
    """Write ``<entity>.json`` for every suite (run ``python -m osaava.quality``)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, suite in build_suites().items():
        p = folder / f"{name}.json"
        p.write_text(suite_json(suite), encoding="utf-8")
        out.append(p)
    return out


def load_suites(folder: Path | None = None) -> dict[str, dict]:
    """The committed suites; without an ``expectations/`` folder, the generated ones."""
    folder = Path(folder) if folder else SUITES_DIR
    if not folder.is_dir():
        return build_suites()
    return {name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
            for name in ENTITIES}


def _range_patterns(lo: int, hi: int) -> list[str]:
    """Regex alternatives matching exactly the integers lo..hi (no leading zeros)."""
    out: list[str] = []
    for width in range(len(str(lo)), len(str(hi)) + 1):
        a = max(lo, 10 ** (width - 1) if width > 1 else 0)
        b = min(hi, 10**width - 1)
        n = a
        while n <= b:
            k = 0
            while k < width - 1 and n % 10 ** (k + 1) == 0 and n + 10 ** (k + 1) - 1 <= b:
                k += 1
            out.append(str(n // 10**k) + "[0-9]" * k)
            n += 10**k
    return out


def ranges_regex(ranges: Iterable[tuple[int, int]]) -> str:
    """A regex matching the integers of inclusive ranges, leading zeros allowed."""
    parts = [p for lo, hi in ranges for p in _range_patterns(lo, hi)]
    return r"^\s*0*(?:" + "|".join(parts) + r")\s*$"


def suite_parameters(codes, guideline, today: dt.date | None = None) -> dict[str, Any]:
    """The values of the suites' ``$PARAMETER`` placeholders for this configuration and day."""
    today = today or dt.date.today()
    return {
        "latest_plausible_date": f"{today.year + FUTURE_YEARS}-12-31T00:00:00",
        "wage_type_regex": ranges_regex((r.from_, r.to) for r in codes.wage_types),
        "absence_codes": sorted(str(k).upper() for k in codes.absence_codes),
        "competence_areas": [str(a).upper() for a in guideline.competence_areas],
        "sectors": sorted(str(s).upper() for s in guideline.budgets),
    }


def _advice_values(params: Mapping[str, Any], codes) -> dict[str, str]:
    """The configured lists as HR reads them, for the {name} placeholders of advice texts."""
    out = {k: ", ".join(v) for k, v in params.items() if isinstance(v, list)}
    out["wage_types"] = ", ".join(f"{r.from_}–{r.to}" for r in codes.wage_types)
    return out


# ---------------------------------------------------------------------------------------------
# Running the suites


_GX_LOCK = threading.Lock()


class _Gx:
    """One ephemeral GX context per process, with a pandas data source and an asset per entity."""

    _instance: "_Gx | None" = None

    def __init__(self) -> None:
        import logging

        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        for name in ("great_expectations", "great_expectations.data_context.types.base"):
            logging.getLogger(name).setLevel(logging.WARNING)

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self.context.data_sources.add_pandas("osaava")
        self.batch_definitions = {
            name: source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
            for name in ENTITIES
        }
        self._suites: dict[str, tuple[str, list]] = {}

    @classmethod
    def get(cls) -> "_Gx":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def suite(self, suite: dict, chosen: Sequence[int] | None = None):
        """The GX ExpectationSuite of a suite dict, or of some of its expectations. The GX
        expectation objects are built once per suite content."""
        from great_expectations.core import ExpectationSuite
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        key = json.dumps(suite, sort_keys=True)
        hit = self._suites.get(suite["name"])
        if hit is None or hit[0] != key:
            expectations = [
                ExpectationConfiguration(
                    type=x["type"], kwargs=x["kwargs"], meta={**x["meta"], "index": i},
                    severity=x["meta"]["severity"],
                ).to_domain_obj()
                for i, x in enumerate(suite["expectations"])
            ]
            hit = (key, expectations)
            self._suites[suite["name"]] = hit
        chosen = range(len(hit[1])) if chosen is None else chosen
        return ExpectationSuite(name=suite["name"], expectations=[hit[1][i] for i in chosen])


_NS_MIN = pd.Timestamp.min.ceil("D")
_NS_MAX = pd.Timestamp.max.floor("D")


def _gx_frame(entity: Entity, df: pd.DataFrame) -> pd.DataFrame:
    """The frame GX sees: numpy dtypes (GX vectorises only those), derived columns, and the
    source row numbers as the index, so GX's unexpected index list *is* the row list."""
    out: dict[str, pd.Series] = {}
    for c in entity.loaded_columns:
        if c.name not in df.columns:
            continue
        s = df[c.name].reset_index(drop=True)
        if c.kind in ("int", "num", "eur"):
            s = s.astype("float64")
        elif c.kind == "date":
            s = s.clip(lower=_NS_MIN, upper=_NS_MAX).astype("datetime64[ns]")
        out[c.name] = s
    view = pd.DataFrame(out)
    view.index = df[ROW].to_numpy()
    for name, (_text, fn) in _DERIVED.get(entity.name, {}).items():
        try:
            view[name] = fn(view).to_numpy()
        except KeyError:  # a column is missing: that is reported by its own expectation
            pass
    return view


def _with_rows(df: pd.DataFrame) -> pd.DataFrame:
    if ROW in df.columns:
        return df
    df = df.copy()
    df[ROW] = np.arange(2, len(df) + 2, dtype=np.int64)
    return df


def _fmt(v: Any) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime, np.datetime64)):
        t = pd.Timestamp(v)
        return f"{t.day}.{t.month}.{t.year}"
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f).replace(".", ",")
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return str(v)


def _examples(df: pd.DataFrame, columns: Sequence[str], rows: Sequence[int]) -> list[str]:
    cols = [c for c in columns if c in df.columns]
    if not cols or not rows:
        return []
    pos = np.flatnonzero(np.isin(df[ROW].to_numpy(), np.asarray(rows)))[: len(rows)]
    out: list[str] = []
    for values in df[cols].iloc[pos].itertuples(index=False):
        shown = [_fmt(v) for v in values]
        if all(s is None for s in shown):
            continue
        text = mask_hetu(" / ".join(s if s is not None else "" for s in shown))
        if text not in out:
            out.append(text)
        if len(out) >= MAX_EXAMPLES:
            break
    return out


def _headers(entity: Entity, names: Sequence[str]) -> str | None:
    hs = []
    for n in names:
        try:
            hs.append(entity.column(n).header)
        except KeyError:
            continue
    return "; ".join(hs) or None


def _expectation_columns(x: dict) -> list[str]:
    kw, meta = x["kwargs"], x["meta"]
    if "column" in meta:
        return [meta["column"]]
    if "column" in kw:
        return [kw["column"]]
    if "column_list" in kw:
        return list(kw["column_list"])
    if "column_A" in kw:
        return [kw["column_A"], kw["column_B"]]
    return []


def _file(entity: Entity, df: pd.DataFrame) -> str:
    return df.attrs.get("file", entity.file + ".csv")


def _fill(text: str, values: Mapping[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


def _num(v: Any) -> str:
    """A limit in Finnish number format: 100, 0,5."""
    return f"{v:g}".replace(".", ",") if isinstance(v, (int, float)) else str(v)


def _gx_params(entity: Entity, x: dict, texts: Mapping[str, str]) -> dict:
    """The values the Finnish and Swedish texts of an expectation's issue name, from the
    expectation itself (no change to the committed suites)."""
    kw, meta, code = x["kwargs"], x["meta"], x["meta"]["check"]
    h = {c.name: c.header for c in entity.columns}
    p: dict[str, Any] = {}
    if code == "missing_column":
        p["headers"] = "; ".join(entity.headers)
    elif code == "duplicate_key":
        p["key"] = " + ".join(h[k] for k in (kw.get("column_list") or [kw.get("column")]))
    elif code == "unknown_code":
        p["values"] = ", ".join(kw.get("value_set") or [])
    elif code == "unknown_competence_area":
        p.update(texts)
        p["text"] = "unknown_competence_area_need" if entity.name == "needs" else code
    elif code in ("unmapped_wage_type", "unmapped_absence_code", "sector_without_budget"):
        p.update(texts)
    elif code == "out_of_range":
        lo, hi = kw.get("min_value"), kw.get("max_value")
        p.update({"min": _num(lo), "max": _num(hi)})
        p["text"] = "out_of_range" if lo is not None and hi is not None else (
            "out_of_range_min" if lo is not None else "out_of_range_max")
    elif code == "implausible_date":
        p.update({"earliest": f"1.1.{EARLIEST_PLAUSIBLE_DATE[:4]}", "years": FUTURE_YEARS})
    elif code == "end_before_start":
        p.update({"start": h[kw["column_B"]], "end": h[kw["column_A"]]})
    elif code == "implausible_training_hours":
        p["hours"] = TRAINING_HOURS_PER_DAY
    elif code == "implausible_birth_year":
        p.update({"lo": WORKING_AGE[0], "hi": WORKING_AGE[1]})
    return p


def _issue_from_result(entity: Entity, df: pd.DataFrame, x: dict, result: Any,
                       texts: Mapping[str, str]) -> Issue:
    meta = x["meta"]
    file = _file(entity, df)
    severity, code = meta["severity"], meta["check"]
    message, advice = _fill(meta["message"], texts), _fill(meta["advice"], texts)
    info = result.exception_info or {}
    raised = info.get("raised_exception") if "raised_exception" in info else any(
        isinstance(v, dict) and v.get("raised_exception") for v in info.values())
    if raised:
        return Issue("critical", "validation_error", file,
                     f"the check '{code}' could not be run", "Report this to IT with the run id.",
                     column=_headers(entity, _expectation_columns(x)), params={"check": code})
    res = result.result or {}
    params = _gx_params(entity, x, texts)
    if x["type"] == "expect_table_columns_to_match_set":
        missing = (res.get("details") or {}).get("mismatched", {}).get("missing") or []
        return Issue(severity, code, file, message, advice, column=_headers(entity, missing),
                     rows=[1], count=len(missing) or 1, params=params)
    if x["type"] == "expect_table_row_count_to_be_between":
        return Issue(severity, code, file, message, advice, count=0, params=params)
    columns = _expectation_columns(x)
    rows = [int(r) for r in (res.get("partial_unexpected_index_list") or [])][:MAX_ROWS_LISTED]
    count = int(res.get("unexpected_count") or len(rows) or 1)
    order = [c.name for c in entity.columns]
    shown = sorted((c for c in columns if c in order), key=order.index)
    return Issue(severity, code, file, message, advice, column=_headers(entity, shown), rows=rows,
                 count=count, examples=_examples(df, shown, rows), params=params)


def _run_suite(entity: Entity, df: pd.DataFrame, suite: dict, params: Mapping[str, Any],
               texts: Mapping[str, str]) -> list[Issue]:
    view = _gx_frame(entity, df)
    with _GX_LOCK:  # one GX context per process; tasks may run in threads
        gx = _Gx.get()
        batch = gx.batch_definitions[entity.name].get_batch(batch_parameters={"dataframe": view})
        # Pass or fail first (the cheapest result format); failing rows only for what failed.
        # The view's index is the source row number, so SUMMARY's partial unexpected index
        # list already is the rows to show: no COMPLETE, no per-row loop.
        first = batch.validate(gx.suite(suite), result_format="BOOLEAN_ONLY",
                               expectation_parameters=dict(params))
        failed = sorted(r.expectation_config.meta["index"] for r in first.results if not r.success)
        if not failed:
            return []
        result = batch.validate(
            gx.suite(suite, failed),
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": MAX_ROWS_LISTED},
            expectation_parameters=dict(params),
        )
    present = set(view.columns)
    issues = []
    for r in result.results:
        if r.success:
            continue
        x = suite["expectations"][r.expectation_config.meta["index"]]
        needed = [c for c in _expectation_columns(x) if c in {col.name for col in entity.columns}]
        if x["type"] != "expect_table_columns_to_match_set" and not set(needed) <= present:
            continue  # the missing column is the issue, reported once by the column-set check
        issues.append(_issue_from_result(entity, df, x, r, texts))
    return issues


# ---------------------------------------------------------------------------------------------
# Checks GX cannot express: across tables, across rows


_REF_CHECKS: dict[tuple[str, ...], tuple[str, str]] = {
    ("cost_centre",): ("unknown_cost_centre", "the cost centre is not in {target}"),
    ("person_id", "employment_no"): (
        "unknown_employment",
        "no employment with this Henkilönumero and Palvelussuhdenumero in {target}",
    ),
    ("person_id",): ("unknown_person", "the person has no employment in {target}"),
    ("discussion_id",): ("unknown_discussion",
                         "the goal discussion is not in {target} (an orphan row)"),
}


def _mask_issue(entity: Entity, df: pd.DataFrame, mask: pd.Series | np.ndarray, severity: str,
                code: str, columns: Sequence[str], message: str, advice: str,
                params: dict | None = None) -> Issue | None:
    mask = np.asarray(mask, dtype=bool)
    n = int(mask.sum())
    if not n:
        return None
    rows = [int(r) for r in df[ROW].to_numpy()[mask][:MAX_ROWS_LISTED]]
    return Issue(severity, code, _file(entity, df), message, advice,  # type: ignore[arg-type]
                 column=_headers(entity, columns), rows=rows, count=n,
                 examples=_examples(df, columns, rows), params=params or {})


def _key_in(keys: pd.DataFrame, target: pd.DataFrame) -> np.ndarray:
    """Whether each row's key is among the target's keys (same column names). The key columns
    are factorised together and combined into one integer: faster than a MultiIndex."""
    target = target.dropna()
    left = np.zeros(len(keys), dtype=np.int64)
    right = np.zeros(len(target), dtype=np.int64)
    for c in keys.columns:
        codes, uniques = pd.factorize(pd.concat([keys[c], target[c]], ignore_index=True))
        k = len(uniques) + 1
        left = left * k + codes[: len(keys)] + 1
        right = right * k + codes[len(keys):] + 1
    return np.isin(left, right)


def reference_issues(frames: Mapping[str, pd.DataFrame]) -> list[Issue]:
    """Every reference of ``Entity.refs`` points at an existing row (critical)."""
    issues = []
    for entity in ENTITIES.values():
        df = frames.get(entity.name)
        if df is None:
            continue
        for cols, target, tcols in entity.refs:
            tdf = frames.get(target)
            if tdf is None or not set(cols) <= set(df.columns) or not set(tcols) <= set(tdf.columns):
                continue  # the target was refused or a column is missing: reported elsewhere
            keys = df[list(cols)]
            present = keys.notna().all(axis=1).to_numpy()
            tkeys = tdf[list(tcols)].set_axis(list(cols), axis=1)
            missing = present & ~_key_in(keys, tkeys)
            code, message = _REF_CHECKS[tuple(tcols)]
            target_file = _file(ENTITIES[target], tdf)
            issue = _mask_issue(
                entity, df, missing, "critical", code, cols, message.format(target=target_file),
                f"Add the missing row to {target_file} or correct "
                + " + ".join(entity.column(c).header for c in cols) + " and export again.",
                {"target": target_file, "key": " + ".join(entity.column(c).header for c in cols)},
            )
            if issue:
                issues.append(issue)
    return issues


def overlap_issues(frames: Mapping[str, pd.DataFrame]) -> list[Issue]:
    """No two periods of one employment overlap (critical). Ranges include both ends; an
    empty end is ongoing. Rows with a duplicate key are left to the duplicate-key check."""
    entity = ENTITIES["employments"]
    df = frames.get("employments")
    need = ["person_id", "employment_no", "start", "end"]
    if df is None or not set(need) <= set(df.columns) or df.empty:
        return []
    group = ["person_id", "employment_no"]
    ok = df[group + ["start"]].notna().all(axis=1) & ~df.duplicated(list(entity.key), keep=False)
    d = df.loc[ok, need].sort_values(group + ["start"], kind="stable")
    end = d["end"].fillna(pd.Timestamp("9999-12-31")).astype("datetime64[s]")
    g = d.groupby(group, sort=False)
    prev_max_end = end.groupby([d[c] for c in group], sort=False).cummax().groupby(
        [d[c] for c in group], sort=False).shift(1)
    later = (d["start"] <= prev_max_end).fillna(False).to_numpy(dtype=bool)
    same_group_next = (g.cumcount(ascending=False) > 0).to_numpy()
    earlier = np.zeros_like(later)
    earlier[:-1] = later[1:] & same_group_next[:-1]
    hit = pd.Series(False, index=df.index)
    hit.loc[d.index[later | earlier]] = True
    issue = _mask_issue(
        entity, df, hit.to_numpy(), "critical", "overlapping_periods",
        ["person_id", "employment_no", "start", "end"],
        "periods of the same employment overlap (a day can belong to one period only)",
        "Correct Alkupvm/Loppupvm so that each period ends before the next one starts.",
    )
    return [issue] if issue else []


def need_person_issues(frames: Mapping[str, pd.DataFrame]) -> list[Issue]:
    """A need's person is its discussion's person (warning)."""
    needs, disc = frames.get("needs"), frames.get("discussions")
    cols = ["discussion_id", "person_id"]
    if needs is None or disc is None or not (set(cols) <= set(needs.columns) and set(cols) <= set(disc.columns)):
        return []
    m = needs[cols].merge(disc[cols].drop_duplicates("discussion_id"), on="discussion_id",
                          how="left", suffixes=("", "_discussion"))
    mismatch = (m["person_id"].notna() & m["person_id_discussion"].notna()
                & (m["person_id"] != m["person_id_discussion"])).to_numpy(dtype=bool)
    issue = _mask_issue(
        ENTITIES["needs"], needs, mismatch, "warning", "need_person_mismatch", cols,
        f"the need's Henkilönumero differs from the person of its goal discussion in "
        f"{_file(ENTITIES['discussions'], disc)}",
        "Correct Henkilönumero or Keskustelutunnus of the need.",
        {"target": _file(ENTITIES["discussions"], disc)},
    )
    return [issue] if issue else []


# ---------------------------------------------------------------------------------------------
# The front door


def validate(frames: Mapping[str, pd.DataFrame], codes, guideline, *,
             known: Sequence[Issue] = (), today: dt.date | None = None,
             suites: Mapping[str, dict] | None = None) -> list[Issue]:
    """Validate a batch: the GX suite of every entity present, then the cross-table checks.

    ``known`` are the issues the reader already raised: a "required" failure on a column it
    already flagged (an empty, unparseable or unknown value becomes an empty cell) is not
    repeated. ``today`` fixes the latest plausible date (31.12. of its year + 2).
    """
    suites = suites if suites is not None else load_suites()
    params = suite_parameters(codes, guideline, today)
    texts = _advice_values(params, codes)
    frames = {name: _with_rows(df) for name, df in frames.items() if df is not None}
    issues: list[Issue] = []
    for name, entity in ENTITIES.items():
        if name in frames:
            issues += _run_suite(entity, frames[name], suites[name], params, texts)
    issues += reference_issues(frames)
    issues += overlap_issues(frames)
    issues += need_person_issues(frames)
    flagged = {(i.file, i.column) for i in known if i.severity == "critical"}
    return [i for i in issues if not (i.code == "required" and (i.file, i.column) in flagged)]


def outcome(issues: Iterable[Issue]) -> str:
    """``refused`` with any critical issue, ``loaded with warnings`` with any warning, else
    ``loaded``."""
    severities = {i.severity for i in issues}
    if "critical" in severities:
        return "refused"
    return "loaded with warnings" if severities else "loaded"


def reconcile(rows_read: Mapping[str, int], refused: bool) -> dict:
    """Every row read is either loaded or quarantined: a refused batch is quarantined whole."""
    entities = {
        name: {"rows_read": int(n), "rows_loaded": 0 if refused else int(n),
               "rows_quarantined": int(n) if refused else 0}
        for name, n in rows_read.items()
    }
    total = {k: sum(e[k] for e in entities.values())
             for k in ("rows_read", "rows_loaded", "rows_quarantined")}
    return {**total, "entities": entities}


def validate_read(res) -> list[Issue]:
    """All issues of a read batch (a :class:`connectors.base.ReadResult`): the reading's own,
    then the suites' (only when it could be read)."""
    issues = list(res.issues)
    if res.refused:
        return issues
    from osaava.guideline import latest_guideline, load_codes

    issues.extend(validate(res.frames, load_codes(), latest_guideline()))
    return issues


if __name__ == "__main__":  # pragma: no cover
    for p in write_suites():
        print(p)
