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
    met: bool | None = None  # a target's value: met / not met (shown as ✔ / ✘ next to it)
    signed: bool = False  # a change: shown with its sign (+1,8 / −0,9)


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
        # the same dimension as this year's largest gap: a gap is compared with itself
        return Cell(equity_gap_comparison(doc)["previous"], kind)
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
        ] + (list(target_change(doc, x["key"])) if _prev(doc) else [])))
    return Table("targets", ("figure", "value", "target", "comparison", "status")
                 + (("previous", "change") if _prev(doc) else ()), rows, web=False,
                 notes=["equity_gap_same_dimension"] if _prev(doc) else [])


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


# ---------------------------------------------------------------------------------------------
# Issue 14: targets by sector, the trend, where the training went


TARGET_KEYS = ("training_days_per_htv", "discussion_coverage_pct", "share_trained_pct",
               "equity_gap_pct_points")


def equity_gap_comparison(doc: dict) -> dict:
    """This year's largest gap between groups and last year's gap *of the same dimension*
    (not last year's largest, which may be of another dimension): {"dimension", "value",
    "previous", "change"}; values None where there is none. The change is left out (None)
    when this year's gap is computed from the shown groups only."""
    gaps = {d: v for d, v in (doc.get("equity_gap_pct_points") or {}).items() if v is not None}
    if not gaps:
        return {"dimension": None, "value": None, "previous": None, "change": None}
    dim = max(gaps, key=lambda d: (gaps[d], -list(gaps).index(d)))
    prev = ((doc.get("previous_year") or {}).get("equity_gap_pct_points") or {}).get(dim)
    partial = bool((doc.get("equity_gap_partial") or {}).get(dim))
    change = None if prev is None or partial else rounded(gaps[dim] - prev, "pct")
    return {"dimension": dim, "value": gaps[dim], "previous": prev, "change": change}


def target_change(doc: dict, key: str) -> tuple[Cell, Cell]:
    """(last year's value, the change) of a target on the same definition: the city's figure,
    or for the equity gap the same dimension's gap (:func:`equity_gap_comparison`)."""
    kind = kind_of(key)
    if not _prev(doc):
        return Cell(None, kind), Cell(None, kind)
    if key == "equity_gap_pct_points":
        c = equity_gap_comparison(doc)
        return Cell(c["previous"], kind), Cell(c["change"], kind, signed=True)
    x = next(t for t in doc["targets"] if t["key"] == key)
    now = Cell(None, kind, True) if x.get("hidden") else Cell(x["value"], kind)
    prev = cell(doc, f"previous_year/organisation/{key}", kind)
    ch = derived(kind, [now, prev], lambda a, b: a - b)
    return prev, Cell(ch.value, ch.kind, ch.hidden, signed=True)


def targets_by_sector_table(doc: dict) -> Table:
    """Each target's value with met / not met per sector and for the city, the target, and
    the city's value last year and its change on the same definition. Rows are the scopes,
    columns the targets (narrow enough for a phone)."""
    targets = {x["key"]: x for x in doc["targets"]}
    # the gap between groups is a figure of the city only: its card and the targets sheet
    # (with its change) show it
    keys = [k for k in TARGET_KEYS if k in targets and k != "equity_gap_pct_points"]
    st = doc.get("sector_targets") or {}
    rows = [Row(("target_row",), [Cell((targets[k]["comparison"], targets[k]["target"]),
                                     "target") for k in keys])]
    for s in sectors(doc):
        cells = []
        for k in keys:
            if k == "equity_gap_pct_points":
                cells.append(Cell(None, kind_of(k)))
                continue
            c = cell(doc, f"sectors/{s}/{k}", kind_of(k))
            cells.append(Cell(c.value, c.kind, c.hidden,
                              None if c.hidden or c.value is None else st.get(s, {}).get(k)))
        rows.append(Row(("sector", s), cells))
    org = []
    for k in keys:
        x = targets[k]
        hidden = bool(x.get("hidden"))
        org.append(Cell(None if hidden else x["value"], kind_of(k), hidden,
                        None if hidden or x["value"] is None else x["met"]))
    rows.append(Row(("org",), org, total=True))
    if _prev(doc):
        changes = [target_change(doc, k) for k in keys]
        rows.append(Row(("previous_year", doc["previous_year"]["year"]), [p for p, _c in changes]))
        rows.append(Row(("change",), [c for _p, c in changes]))
    notes = ["targets_by_sector"]
    return Table("targets_by_sector", ("scope", *(f"target:{k}" for k in keys)), rows, notes=notes)


def trend_table(doc: dict) -> Table | None:
    """The targets and key figures over the years of the trend (years as columns)."""
    tr = doc.get("trend")
    if not tr or len(tr.get("years") or ()) < 2:  # one year is no trend: the report itself
        return None
    from osaava.disclosure import TREND_FIGURES

    years = [str(y) for y in tr["years"]]
    rows = []
    for k in TARGET_KEYS:
        cells = []
        for y in years:
            x = next((t for t in tr["by_year"][y]["targets"] if t["key"] == k), None)
            if x is None:
                cells.append(Cell(None, kind_of(k)))
            else:
                cells.append(Cell(None if x.get("hidden") else x["value"], kind_of(k),
                                  bool(x.get("hidden")),
                                  None if x.get("hidden") or x["value"] is None else x["met"]))
        rows.append(Row(("figure", k), cells))
    for k in TREND_FIGURES:
        if k in TARGET_KEYS:
            continue
        rows.append(Row(("figure", k), [
            Cell(None, kind_of(k), True) if f"trend/{y}/organisation/{k}" in _hidden(doc)
            else Cell(rounded(tr["by_year"][y]["organisation"].get(k), kind_of(k)), kind_of(k))
            for y in years]))
    partial = any(x.get("partial") for y in years for x in tr["by_year"][y]["targets"])
    return Table("trend", ("figure", *(f"year:{y}" for y in years)), rows,
                 notes=["trend"] + (["trend_gap_partial"] if partial else []))


def breakdown_table(doc: dict, dim: str) -> Table | None:
    """Training days and persons trained by competence area or by training form; small groups
    folded into "muut" / "övriga"; the total row is the city's."""
    bd = (doc.get("training_breakdowns") or {})
    if dim not in bd:
        return None
    rows_in = bd[dim]
    hidden_all = f"training_breakdowns/{dim}" in _hidden(doc)
    order = [g for g in rows_in if g != RESIDUAL]
    if dim == "competence_area":
        order = sorted(order, key=lambda g: (-(rows_in[g].get("training_days") or 0), g))
    rows = []
    for g in order + ([RESIDUAL] if RESIDUAL in rows_in else []):
        v = rows_in[g]
        lab = (("bd_residual", dim, tuple(v.get("members") or ())) if g == RESIDUAL
               else ("bd_group", dim, g))
        rows.append(Row(lab, [Cell(v.get("persons_trained"), "int"),
                              Cell(rounded(v.get("training_days"), "num1"), "num1")]))
    pt = cell(doc, "organisation/persons_trained", "int")
    td = cell(doc, "organisation/training_days", "num1")
    rows.append(Row(("org",), [pt, td], total=True))
    notes = ["breakdown_overlap"] + (["breakdown_hidden"] if hidden_all else [])
    return Table(f"training_by_{'area' if dim == 'competence_area' else 'type'}",
                 (dim, "persons_trained", "training_days"), rows, notes=notes)


def no_training_table(doc: dict) -> Table:
    """Employees with no training at all: persons employed − persons trained, per sector and
    for the city. It describes persons, so it is hidden when they are 1 … min − 1; and since
    it is employed − trained, the disclosure step then hides the trained figures too (the
    trained family's complement, :data:`osaava.disclosure.FAMILIES`): here it is derived,
    hidden exactly when either count is. The intruder audit checks it with that relation."""
    rows = []
    for label, p in _scopes(doc):
        pe = cell(doc, p + "persons_employed", "int")
        pt = cell(doc, p + "persons_trained", "int")
        un = derived("int", [pe, pt], lambda e, t: e - t)
        share = derived("pct", [un, pe], lambda u, e: u / e * 100 if e else None)
        rows.append(Row(label, [pe, un, share], total=label == ("org",)))
    return Table("no_training", ("sector", "persons_employed", "persons_untrained",
                                 "share_untrained_pct"), rows)


def changes_table(doc: dict) -> Table | None:
    """The three largest changes from last year (the summary's sentences) as numbers."""
    from osaava.report.summary import changes

    if not _prev(doc):
        return None
    rows = [Row(("change_item", c["scope"], c["key"]),
                [Cell(c["previous"], kind_of(c["key"])), Cell(c["value"], kind_of(c["key"])),
                 Cell(c["change"], kind_of(c["key"]), signed=True)])
            for c in changes(doc)[:3]]
    return Table("largest_changes", ("change_item", "previous", "value", "change"), rows, web=False)


def tables(doc: dict) -> list[Table]:
    """Every table of the report, in the report's order."""
    extra = [t for t in (trend_table(doc), changes_table(doc)) if t is not None]
    where = [t for t in (breakdown_table(doc, "competence_area"),
                         breakdown_table(doc, "training_type")) if t is not None]
    out = [targets_table(doc), targets_by_sector_table(doc), *extra, key_figures_table(doc),
           working_time_table(doc), *where, no_training_table(doc),
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
