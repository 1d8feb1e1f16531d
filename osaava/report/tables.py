"""The committee report's tables, language-neutral: one structure for the HTML mail, the PDF
appendix and the XLSX workbook, so that all three show the same cells.

Pure functions of the *public* document of :func:`osaava.disclosure.disclose`: a cell that the
disclosure step hid stays hidden here (``Cell.hidden``), a value derived from a hidden cell is
hidden too, and every value is rounded half up to the precision it is shown with. Labels are *specs* (tuples such as ``("sector", "SIV")``) that the renderer turns
into words of its language; no text of any language is spelled here.

The few figures the report needs beyond ``osaava.figures`` are derived here from the document:

- :func:`working_time_use` — training hours split by whose time they were: on working time
  (employer-ordered training, ``working_time_training_hours``), on paid leave (the paid part
  outside working time, ``paid_training_hours − working_time_training_hours``) and unpaid time
  (own time, unpaid leave and the unpaid part of partly paid leave,
  ``training_hours − paid_training_hours``). The three add up to ``training_hours``.
- :func:`level_shares` — each supervisor-training level's share of supervisors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from osaava.disclosure import RESIDUAL, kind_of, rounded, working_time_parts
from osaava.figures import DIMENSIONS
from osaava.finding_codes import CATEGORIES, codes_of

LEVELS = range(5)
# Groups in their natural order (the guideline's age bands, then the export's code lists).
GROUP_ORDER = ("N", "M", "X", "under_30", "30_49", "50_plus", "vakinainen", "määräaikainen",
               "full_time", "part_time")


def ordered_groups(doc: dict, dim: str) -> list[str]:
    groups = list(doc["groups"].get(dim, {}))
    if dim == "sector":
        return [s for s in sectors(doc) if s in groups] + [g for g in groups if g not in sectors(doc)]
    rank = {g: i for i, g in enumerate(GROUP_ORDER)}
    rank[RESIDUAL] = len(rank) + 1  # the residual "muut" / "övriga" comes last
    return sorted(groups, key=lambda g: (rank.get(g, len(rank)), g))
WORKING_TIME_PARTS = ("ordered", "paid_leave", "unpaid")


@dataclass(frozen=True)
class Cell:
    value: object  # a number, a text key (kind "met"/"severity") or None (no value: "–")
    kind: str  # int | num (2 decimals at most) | num1 (1 decimal) | eur | pct | met | severity | text
    #            | unit, finding_text (value: a finding code; its unit's or its sentence's words)
    hidden: bool = False  # suppressed (DOMAIN §6): shown as ".."


@dataclass
class Row:
    label: tuple  # ("org",) ("sector", code) ("figure", key) ("group", dim, key) ("level", k)
    #               ("finding", code) ("part", name) ("dimension", dim) ("entity", entity, file)
    cells: list[Cell]
    total: bool = False  # the organisation's row of a table by sector or group


@dataclass
class Table:
    id: str  # names its heading, sheet and column texts in the locale files
    columns: tuple[str, ...]  # column keys (locale "columns"); the label column comes first
    rows: list[Row]
    web: bool = True  # also in the HTML mail and the PDF (every table is in the XLSX)
    notes: list[str] = field(default_factory=list)  # locale "notes" keys shown under it

    def has_hidden(self) -> bool:
        return any(c.hidden for r in self.rows for c in r.cells)


# ---------------------------------------------------------------------------------------------
# Reading cells of the public document


def _hidden(doc: dict) -> set[str]:
    return set(doc.get("hidden", ()))


def cell(doc: dict, path: str, kind: str) -> Cell:
    """The cell at ``path`` ("organisation/htv", "sectors/SIV/htv", "groups/gender/N/…",
    "previous_year/organisation/htv")."""
    hidden = path in _hidden(doc)
    node = doc
    for part in path.split("/"):
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            break
    return Cell(None if hidden else rounded(node, kind), kind, hidden)


def derived(kind: str, parts: list[Cell], fn) -> Cell:
    """A value computed from other cells: hidden when any of them is, None when any is None."""
    if any(p.hidden for p in parts):
        return Cell(None, kind, True)
    if any(p.value is None for p in parts):
        return Cell(None, kind)
    return Cell(rounded(fn(*(p.value for p in parts)), kind), kind)


def sectors(doc: dict) -> list[str]:
    return list(doc.get("sectors", {}))


def _scopes(doc: dict, prefix: str = "") -> list[tuple[tuple, str]]:
    """(label, path prefix) of each sector, then the organisation (the total row)."""
    out = [(("sector", s), f"{prefix}sectors/{s}/") for s in sectors(doc)]
    return out + [(("org",), f"{prefix}organisation/")]


def _by_sector(doc: dict, table_id: str, keys: tuple[str, ...], web: bool = True,
               notes: list[str] | None = None) -> Table:
    rows = [Row(label, [cell(doc, p + k, kind_of(k)) for k in keys], total=label == ("org",))
            for label, p in _scopes(doc)]
    return Table(table_id, ("sector", *keys), rows, web=web, notes=notes or [])


# ---------------------------------------------------------------------------------------------
# Derived figures (pure, from the document)


def working_time_use(org: dict) -> dict[str, float | None]:
    """Training hours by whose time they were (see the module docstring); None when a figure is
    missing."""
    return working_time_parts(org)


def level_shares(scope: dict) -> dict[int, float | None]:
    """Share (%) of supervisors whose highest completed level is each of 0–4."""
    n = scope.get("supervisors")
    return {k: (None if not n or scope.get(f"supervisors_level_{k}") is None
                else scope[f"supervisors_level_{k}"] / n * 100) for k in LEVELS}


def previous_value(doc: dict, key: str) -> Cell:
    kind = kind_of(key)
    prev = doc.get("previous_year")
    if not prev:
        return Cell(None, kind)
    if key == "equity_gap_pct_points":
        gaps = [v for v in (prev.get("equity_gap_pct_points") or {}).values() if v is not None]
        return Cell(max(gaps) if gaps else None, kind)
    return cell(doc, f"previous_year/organisation/{key}", kind)


# ---------------------------------------------------------------------------------------------
# The tables


KEY_FIGURES = ("persons_employed", "headcount_year_end", "htv", "training_days",
               "training_days_per_htv", "persons_trained", "share_trained_pct", "total_cost_eur",
               "total_cost_per_htv_eur")
COST_FIGURES = ("direct_cost_eur", "indirect_cost_eur", "total_cost_eur",
                "direct_cost_per_htv_eur", "total_cost_per_htv_eur")


def _prev(doc: dict) -> bool:
    return bool(doc.get("previous_year"))


def targets_table(doc: dict) -> Table:
    rows = []
    for x in doc["targets"]:
        kind = kind_of(x["key"])
        hidden = bool(x.get("hidden"))
        rows.append(Row(("figure", x["key"]), [
            Cell(None if hidden else x["value"], kind, hidden),
            Cell(x["target"], kind),
            Cell(x["comparison"], "text"),
            Cell(None if hidden else x["met"], "met", hidden),
        ] + ([previous_value(doc, x["key"])] if _prev(doc) else [])))
    return Table("targets", ("figure", "value", "target", "comparison", "status")
                 + (("previous",) if _prev(doc) else ()), rows, web=False)


def key_figures_table(doc: dict) -> Table:
    rows = [Row(("figure", k), [cell(doc, f"organisation/{k}", kind_of(k))]
                + ([previous_value(doc, k)] if _prev(doc) else [])) for k in KEY_FIGURES]
    return Table("key_figures", ("figure", "value") + (("previous",) if _prev(doc) else ()), rows)


def working_time_table(doc: dict) -> Table:
    """Hours by part as the disclosure step published them (each part hidden by the persons
    behind it); days and shares from the shown hours only."""
    wt = doc.get("working_time") or {}
    hidden = _hidden(doc)
    total = Cell(wt.get("total"), "num1", "working_time/total" in hidden)
    days = cell(doc, "organisation/training_days", "num1")
    per_day = (total.value / days.value) if total.value and days.value else None
    rows = []
    for name in (*WORKING_TIME_PARTS, "total"):
        h = total if name == "total" else Cell(wt.get(name), "num1", f"working_time/{name}" in hidden)
        d = days if name == "total" else derived("num1", [h], lambda v: v / per_day if per_day else 0.0)
        share = derived("pct", [h, total], lambda v, t: v / t * 100 if t else None)
        rows.append(Row(("part", name), [h, d, share], total=name == "total"))
    return Table("working_time", ("part", "hours", "days", "share"), rows)


def training_by_sector_table(doc: dict) -> Table:
    return _by_sector(doc, "training_by_sector", ("training_days", "htv", "training_days_per_htv"))


def costs_table(doc: dict) -> Table:
    rows = [Row(("figure", k), [cell(doc, f"organisation/{k}", "eur")]
                + ([previous_value(doc, k)] if _prev(doc) else [])) for k in COST_FIGURES]
    return Table("costs", ("figure", "value") + (("previous",) if _prev(doc) else ()), rows)


def costs_by_sector_table(doc: dict) -> Table:
    return _by_sector(doc, "costs_by_sector",
                      ("direct_cost_eur", "indirect_cost_eur", "total_cost_per_htv_eur"))


def budget_table(doc: dict) -> Table:
    return _by_sector(doc, "budget", ("budget_eur", "direct_cost_eur", "budget_use_pct"))


def discussions_table(doc: dict) -> Table:
    return _by_sector(doc, "discussions",
                      ("discussions_eligible", "discussions_held", "discussion_coverage_pct"))


def needs_table(doc: dict) -> Table:
    return _by_sector(doc, "needs", ("needs_recorded", "needs_fulfilled", "needs_fulfilment_pct"))


def supervisors_table(doc: dict) -> Table:
    return _by_sector(doc, "supervisors",
                      ("supervisors", "supervisors_compliant", "supervisor_compliance_pct"))


def supervisor_levels_table(doc: dict) -> Table:
    n = cell(doc, "organisation/supervisors", "int")
    rows = []
    for k in LEVELS:
        c = cell(doc, f"organisation/supervisors_level_{k}", "int")
        rows.append(Row(("level", k), [c, derived("pct", [c, n], lambda v, t: v / t * 100 if t else None)]))
    rows.append(Row(("org",), [n, Cell(100.0 if n.value else None, "pct", n.hidden)], total=True))
    return Table("supervisor_levels", ("level", "persons", "share"), rows)


def supervisor_levels_by_sector_table(doc: dict) -> Table:
    keys = tuple(f"supervisors_level_{k}" for k in LEVELS)
    return _by_sector(doc, "supervisor_levels_by_sector", ("supervisors", *keys), web=False)


def applications_table(doc: dict) -> Table:
    return _by_sector(doc, "applications", ("applications_required", "applications_compliant",
                                            "application_compliance_pct"))


def equity_table(doc: dict, dim: str) -> Table:
    rows = []
    for g in ordered_groups(doc, dim):
        p = f"groups/{dim}/{g}/"
        if g == RESIDUAL:
            label = ("residual", dim, tuple(doc["groups"][dim][g].get("members") or ()))
        else:
            label = ("sector", g) if dim == "sector" else ("group", dim, g)
        rows.append(Row(label, [cell(doc, p + k, kind_of(k)) for k in
                                ("persons_employed", "share_trained_pct", "training_days_per_person")]))
    pe = cell(doc, "organisation/persons_employed", "int")
    td = cell(doc, "organisation/training_days", "num1")
    rows.append(Row(("org",), [pe, cell(doc, "organisation/share_trained_pct", "pct"),
                               derived("num", [td, pe], lambda d, n: d / n if n else None)],
                    total=True))
    return Table(f"equity_{dim}", ("group", "persons", "share_trained_pct", "training_days_per_person"),
                 rows)


def equity_gaps_table(doc: dict) -> Table:
    target = next((x["target"] for x in doc["targets"] if x["key"] == "equity_gap_pct_points"), None)
    prev = (doc.get("previous_year") or {}).get("equity_gap_pct_points") or {}
    rows = [Row(("dimension", dim), [Cell((doc.get("equity_gap_pct_points") or {}).get(dim), "pct"),
                                     Cell(target, "pct")]
                + ([Cell(prev.get(dim), "pct")] if _prev(doc) else []))
            for dim in DIMENSIONS if dim in doc["groups"]]
    return Table("equity_gaps", ("dimension", "gap", "target") + (("previous",) if _prev(doc) else ()),
                 rows, web=False)


def _finding_codes(doc: dict, cat: str) -> list[str]:
    return codes_of(cat, doc.get("findings_summary", {}))


FINDING_TABLES = {"breach": ("findings", "findings_by_sector"),
                  "data_quality": ("findings_data", "findings_data_by_sector")}


def findings_table(doc: dict, cat: str = "breach") -> Table:
    """The findings of one category (guideline breaches or data-quality items): the count, what
    one count is (participations, persons, employments), the severity and one sentence on what
    the finding means and what the guideline expects."""
    rows = []
    summary = doc.get("findings_summary", {})
    for code in _finding_codes(doc, cat):
        rows.append(Row(("finding", code), [
            cell(doc, f"findings_summary/{code}/total", "int"),
            Cell(code, "unit"),
            Cell(summary[code]["severity"], "severity"),
            Cell(code, "finding_text"),
        ]))
    return Table(FINDING_TABLES[cat][0], ("finding", "count", "unit", "severity", "meaning"), rows)


def findings_by_sector_table(doc: dict, cat: str = "breach") -> Table:
    secs = sectors(doc)
    rows = []
    for code in _finding_codes(doc, cat):
        rows.append(Row(("finding", code),
                        [cell(doc, f"findings_summary/{code}/sectors/{s}", "int") for s in secs]
                        + [cell(doc, f"findings_summary/{code}/total", "int"), Cell(code, "unit")]))
    return Table(FINDING_TABLES[cat][1], ("finding", *(f"sector:{s}" for s in secs), "total", "unit"),
                 rows, web=False)


def sources_table(doc: dict) -> Table:
    rows = [Row(("entity", s["entity"], s.get("file", "")), [Cell(s.get("rows"), "int")])
            for s in doc.get("sources", [])]
    return Table("sources", ("source", "rows"), rows, web=False)


def tables(doc: dict) -> list[Table]:
    """Every table of the report, in the report's order."""
    out = [targets_table(doc), key_figures_table(doc), working_time_table(doc),
           training_by_sector_table(doc), costs_table(doc), costs_by_sector_table(doc),
           budget_table(doc), discussions_table(doc), needs_table(doc), supervisors_table(doc),
           supervisor_levels_table(doc), supervisor_levels_by_sector_table(doc),
           applications_table(doc)]
    out += [equity_table(doc, dim) for dim in DIMENSIONS if dim in doc["groups"]]
    out += [equity_gaps_table(doc)]
    for cat in CATEGORIES:
        out += [findings_table(doc, cat), findings_by_sector_table(doc, cat)]
    out += [sources_table(doc)]
    return out
