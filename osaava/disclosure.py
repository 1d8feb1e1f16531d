"""The one disclosure step (DOMAIN §6): the figures document → the public document.

Every public output — the committee mail, the PDF, the XLSX, the web summary, the charts, the
monthly follow-up and the Prefect artifacts — is made from what this module returns, and from
nothing else. Pure: dicts in, dicts out; no I/O, no clock, no Prefect.

The rules, in the order they are applied:

1. **Persons, not events.** Every published cell has the number of distinct persons behind it.
   Figures come in *families* that describe the same persons (training hours, days, euros and
   the share trained of a sector describe the persons who trained there). A family is hidden in
   a scope (the organisation or a sector) when its persons are 1 … min−1, when it has no persons
   but still shows something (a cost without anyone trained), when its parent family is hidden,
   or — for the compliance families, whose complement is a guideline finding — when the persons
   not complying are 1 … min−1. Event counts (applications, needs, findings) use the persons
   behind them from :func:`exposure` when it is given; without it the event count itself.
2. **Least loss.** A breakdown whose parts add up to a shown total (the organisation over its
   sectors, the groups of a dimension, supervisors over their levels, a finding over the
   sectors, the three application findings over the non-compliant applications) never leaves
   one hidden part alone, nor hidden parts adding up to fewer than min: one more part is hidden,
   the smallest that brings the hidden sum to min (else the largest). In the group tables
   (gender, age, employment type, working time) the groups under min are instead *folded* into a
   labelled residual row, "muut" / "övriga" (key :data:`RESIDUAL`), and when that residual is
   still under min the smallest other group is folded in too: the large groups stay visible.
   Sectors are not folded (budgets and costs are decided per sector); there a second sector is
   hidden.
3. **Derived figures follow their inputs.** A share, a per-htv ratio, a working-time part, an
   equity gap and a target's value and met / not met are hidden when a cell they are computed
   from is hidden. The equity gap is recomputed from the shown, rounded shares of the real
   groups of at least min persons; where such a group is folded or hidden the gap is marked
   ``partial`` (computed from the shown groups only, and the report says so).
4. **Published numbers are rounded numbers**, half up, to the precision they are shown with
   (:data:`DECIMALS`): a format stores what it shows, so every file gives the same number.

Issue 14 adds, by the same rules: the persons *without* training (persons employed − persons
trained, a published count): the trained count and share (family ``trained_count``) are hidden
when those persons are 1 … min−1, in the group tables too; met / not met of each target per
sector (``sector_targets``); the trend (``trend``: each past year's organisation and sectors
through the same suppression with that year's persons behind event cells, the report year's
column the report's own figures); and the training by competence area and form
(``training_breakdowns``): the groups of fewer than min persons folded, smallest first, into a
residual "muut" / "övriga" until its *distinct* persons reach min (a person can be in several
groups, so the figures document gives the distinct persons of each fold).

``figures.json`` (HR-internal) keeps every group as it is; this module never changes the
document it is given.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from osaava.figures import FINDINGS

RESIDUAL = "other"  # the folded residual group ("muut" / "övriga")
APPLICATION_FINDINGS = ("application_missing", "application_late", "approver_below_limit")
WORKING_TIME_PARTS = ("ordered", "paid_leave", "unpaid")
GROUP_DIMENSIONS_FOLDED = ("gender", "age_band", "employment_type", "working_time")

# ---------------------------------------------------------------------------------------------
# Rounding: one rule (half up) for every public number

DECIMALS = {"int": 0, "eur": 0, "pct": 1, "num1": 1, "num": 2}


def kind_of(key: str) -> str:
    """How a figure is shown: int | eur (whole euros) | pct (1 decimal) | num1 (1 decimal) |
    num (2 decimals at most)."""
    if key.endswith("_eur"):
        return "eur"
    if key.endswith(("_pct", "_pct_points")):
        return "pct"
    if key in ("training_hours", "training_days", "working_time_training_hours",
               "paid_training_hours", "hours", "days"):
        return "num1"
    if key in ("htv", "training_days_per_htv", "training_days_per_person"):
        return "num"
    return "int"


def half_up(value, places: int):
    """``value`` rounded half up to ``places`` decimals (2.25 → 2.3, 0.5 → 1, −0.5 → −1);
    None stays None. Whole numbers come back as int, others as float."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    # repr() of a float is the shortest decimal that reads back as the same float: 2.675 is
    # rounded as the 2.675 a person reads, not as its binary neighbour 2.67499…
    d = Decimal(repr(float(value)) if isinstance(value, float) else str(value))
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(q) if places == 0 else float(q)


def rounded(value, kind: str):
    """A published number: rounded half up to the precision of its kind."""
    if kind not in DECIMALS:
        return value
    return half_up(value, DECIMALS[kind])


# ---------------------------------------------------------------------------------------------
# Families of figures


@dataclass(frozen=True)
class Family:
    name: str
    base: str  # the count the family describes (persons, or events when persons= is set)
    parent: str | None
    members: tuple[str, ...]
    complement_of: str | None = None  # hidden too when 0 < complement_of − base < min
    persons: str | None = None  # exposure key: the persons behind an event count
    complement_persons: str | None = None  # exposure key: the persons not complying


FAMILIES: tuple[Family, ...] = (
    Family("staff", "persons_employed", None, ("persons_employed", "htv")),
    Family("headcount", "headcount_year_end", "staff", ("headcount_year_end",)),
    Family("trained", "persons_trained", "staff", (
        "training_hours", "training_days",
        "training_days_per_htv", "working_time_training_hours", "paid_training_hours",
        "direct_cost_eur", "indirect_cost_eur", "total_cost_eur", "direct_cost_per_htv_eur",
        "total_cost_per_htv_eur", "budget_use_pct"), persons="persons_cost"),
    # the count of the trained and their share: hidden with the training, and also when the
    # persons with no training (persons_employed − persons_trained, published in the report's
    # "no training" table) are 1 … min − 1 — else that small count is a subtraction away
    Family("trained_count", "persons_trained", "trained", ("persons_trained", "share_trained_pct"),
           complement_of="persons_employed"),
    Family("eligible", "discussions_eligible", "staff", ("discussions_eligible",)),
    Family("held", "discussions_held", "eligible", ("discussions_held", "discussion_coverage_pct")),
    Family("needs", "needs_recorded", "held", ("needs_recorded",), persons="persons_needs"),
    Family("needs_fulfilled", "needs_fulfilled", "needs", ("needs_fulfilled", "needs_fulfilment_pct"),
           persons="persons_needs_fulfilled"),
    Family("supervisors", "supervisors", "staff", ("supervisors",)),
    Family("supervisors_compliant", "supervisors_compliant", "supervisors",
           ("supervisors_compliant", "supervisor_compliance_pct"), complement_of="supervisors"),
    *(Family(f"supervisors_level_{k}", f"supervisors_level_{k}", "supervisors",
             (f"supervisors_level_{k}",)) for k in range(5)),
    Family("applications", "applications_required", "trained", ("applications_required",),
           persons="persons_applications"),
    Family("applications_compliant", "applications_compliant", "applications",
           ("applications_compliant", "application_compliance_pct"),
           complement_of="applications_required", persons="persons_applications_compliant",
           complement_persons="persons_applications_noncompliant"),
)
GROUP_FAMILIES: tuple[Family, ...] = (
    Family("staff", "persons_employed", None, ("persons_employed",)),
    Family("trained", "persons_trained", "staff",
           ("persons_trained", "share_trained_pct", "training_days_per_person")),
)
LEVEL_FAMILIES = tuple(f"supervisors_level_{k}" for k in range(5))
PUBLIC_FIGURES = ("budget_eur",)  # the appropriation is a public decision, never hidden


def _n(v) -> float:
    return 0.0 if v is None else float(v)


def _descendants(families: tuple[Family, ...], name: str) -> set[str]:
    out = {name}
    for f in families:  # parents come before children
        if f.parent in out:
            out.add(f.name)
    return out


def _persons(vals: dict, exp: dict | None, f: Family) -> float:
    """The persons behind a family's base in one scope (the base itself when unknown)."""
    if f.persons and exp and exp.get(f.persons) is not None:
        return float(exp[f.persons])
    return _n(vals.get(f.base))


def _primary(vals: dict, families: tuple[Family, ...], m: int, exp: dict | None = None) -> set[str]:
    hidden: set[str] = set()
    for f in families:
        base = _n(vals.get(f.base))
        persons = _persons(vals, exp, f)
        small = (0 < persons < m or 0 < base < m
                 or (base == 0 and any(_n(vals.get(k)) != 0 for k in f.members)))
        if f.complement_of is not None:
            rest = _n(vals.get(f.complement_of)) - base
            small = small or 0 < rest < m
            if f.complement_persons and exp and exp.get(f.complement_persons) is not None:
                small = small or 0 < exp[f.complement_persons] < m
        if small or (f.parent is not None and f.parent in hidden):
            hidden.add(f.name)
    return hidden


def _pick(shown: list[str], need: float, size) -> str:
    """The part to hide as well: the smallest that brings the hidden sum to `need`, else the
    largest."""
    order = sorted(shown, key=lambda k: (size(k), k))
    return next((k for k in order if size(k) >= need), order[-1])


def _forced(vals: dict, hidden_families: set[str], families: tuple[Family, ...], f: Family) -> bool:
    """A part whose count the reader knows anyway: its parent is shown and 0."""
    parent = next((p for p in families if p.name == f.parent), None)
    return (parent is not None and parent.name not in hidden_families
            and _n(vals.get(parent.base)) == 0)


def _roomy(shown: list[str], parts: dict[str, dict], hidden: dict[str, set[str]],
           families: tuple[Family, ...], f: Family, m: int) -> list[str]:
    """The parts that can protect a small hidden one: hiding a part only helps if it could be
    m−1 persons smaller or larger without leaving what the reader knows of it — its value at
    least m−1, and at least m−1 below its parent's shown count (fulfilled needs below the
    recorded needs). Falls back to every shown part when none can."""
    parent = next((p for p in families if p.name == f.parent), None)

    def room(k: str) -> float:
        if parent is None or parent.name in hidden[k]:
            return float("inf")
        return _n(parts[k].get(parent.base)) - _n(parts[k].get(f.base))

    good = [k for k in shown if _n(parts[k].get(f.base)) >= m - 1 and room(k) >= m - 1]
    return good or shown


def _protect(parts: dict[str, dict], hidden: dict[str, set[str]], total_hidden: set[str],
             families: tuple[Family, ...], m: int, levels: bool = False) -> bool:
    """Secondary suppression over parts that add up to a shown total (in place). Sizes are the
    published counts: what arithmetic on the published numbers gives back. Returns whether
    anything was hidden."""
    any_change = False
    changed = True
    while changed:
        changed = False
        for f in families:
            if f.name in total_hidden or len(parts) < 2:
                continue
            hid = [k for k in parts if f.name in hidden[k]]
            if not hid:
                continue
            shown = [k for k in parts if f.name not in hidden[k] and not _forced(parts[k], hidden[k],
                                                                               families, f)]
            if not shown:
                continue
            hidden_sum = sum(_n(parts[k].get(f.base)) for k in hid)
            if len(hid) == 1 or hidden_sum < m:  # a block of hidden zeros is known too
                k = _pick(_roomy(shown, parts, hidden, families, f, m), m - hidden_sum,
                          lambda k: _n(parts[k].get(f.base)))
                hidden[k] |= _descendants(families, f.name)
                changed = any_change = True
                continue
            parent = next((p for p in families if p.name == f.parent), None)
            if parent is not None:
                # the hidden parts that are not small must be able to give and take m−1
                # persons within what the reader knows of them (0 … their parent's count),
                # or a small one is still narrowed
                def room(k: str) -> float:
                    if parent.name in hidden[k]:
                        return float("inf")
                    return _n(parts[k].get(parent.base)) - _n(parts[k].get(f.base))

                big = [k for k in hid if not 0 < _n(parts[k].get(f.base)) < m]
                if len(big) < len(hid) and (sum(room(k) for k in big) < m - 1
                                            or sum(_n(parts[k].get(f.base)) for k in big) < m - 1):
                    k = max(shown, key=lambda k: (min(room(k), _n(parts[k].get(f.base))), k))
                    hidden[k] |= _descendants(families, f.name)
                    changed = any_change = True
                    continue
            if f.complement_of is not None:
                # the complement (supervisors without the level, applications not complying)
                # of the hidden parts is known too: total's complement − the shown parts'
                def rest(k: str) -> float:
                    return _n(parts[k].get(f.complement_of)) - _n(parts[k].get(f.base))

                rest_sum = sum(rest(k) for k in hid)
                # 0 too: "all the hidden ones comply" is as telling as "one does not"
                total = rest_sum + sum(_n(parts[k].get(f.base)) for k in hid)
                if rest_sum < m and total > 0:
                    k = _pick(shown, m - rest_sum, rest)
                    hidden[k] |= _descendants(families, f.name)
                    changed = any_change = True
        if levels:  # supervisors = Σ levels 0–4, within each scope
            for k, vals in parts.items():
                if "supervisors" in hidden[k]:
                    continue
                hid = [lv for lv in LEVEL_FAMILIES if lv in hidden[k]]
                hidden_sum = sum(_n(vals.get(lv)) for lv in hid)
                if not hid or (len(hid) > 1 and not hidden_sum < m):
                    continue
                shown = [lv for lv in LEVEL_FAMILIES if lv not in hidden[k]]
                if shown:
                    hidden[k].add(_pick(shown, m - hidden_sum, lambda lv: _n(vals.get(lv))))
                    changed = any_change = True
    return any_change


def _protect_level_block(org: dict, secs: dict[str, dict], org_hidden: set[str],
                         hidden: dict[str, set[str]], m: int) -> bool:
    """The sectors × levels table has totals both ways. For the block of sectors whose
    supervisors are hidden, a reader knows the block's supervisors (the city's minus the shown
    sectors') and, for each level the city shows, the block's count of it; the rest of the block
    (the levels the city hides) is their difference. When that rest is 1 … m−1, one more cell
    of a shown level is hidden in a shown sector (the smallest above 0), so that the block's
    count of that level is no longer known. Returns whether a cell was hidden."""
    if "supervisors" in org_hidden or len(secs) < 2:
        return False
    block = [s for s in secs if "supervisors" in hidden[s]]
    if not block:
        return False
    known = [lv for lv in LEVEL_FAMILIES if lv not in org_hidden
             and all(lv not in hidden[s] for s in secs if s not in block)]
    sup = sum(_n(secs[s].get("supervisors")) for s in block)
    rest = sup - sum(_n(secs[s].get(lv)) for s in block for lv in known)
    if not 0 < rest < m:
        return False
    cands = [(s, lv) for s in secs if s not in block for lv in known if _n(secs[s].get(lv)) > 0]
    if not cands:
        return False
    s, lv = min(cands, key=lambda c: (_n(secs[c[0]].get(c[1])), c))
    hidden[s].add(lv)
    return True


def _blank(cells: dict, hidden_families: set[str], families: tuple[Family, ...], prefix: str,
           paths: list[str]) -> None:
    for f in families:
        if f.name in hidden_families:
            for key in f.members:
                if key in cells:
                    cells[key] = None
                    paths.append(prefix + key)


def _suppress_figures(block: dict, m: int, paths: list[str], prefix: str = "",
                      exp: dict | None = None) -> dict[str, set[str]]:
    """Organisation + sectors of a figures block (this year or previous_year), in place.
    Returns the hidden families per scope ("" = the organisation)."""
    exp = exp or {}
    org_exp = exp.get("organisation")
    sec_exp = exp.get("sectors") or {}
    secs = block.get("sectors", {})
    org_h = {"": _primary(block["organisation"], FAMILIES, m, org_exp)}
    hidden = {s: _primary(v, FAMILIES, m, sec_exp.get(s)) for s, v in secs.items()}
    _protect({"": block["organisation"]}, org_h, set(), FAMILIES, m, levels=True)
    _protect(secs, hidden, org_h[""], FAMILIES, m, levels=True)
    while _protect_level_block(block["organisation"], secs, org_h[""], hidden, m):
        _protect(secs, hidden, org_h[""], FAMILIES, m, levels=True)
    # a family the organisation shows as 0 is 0 in every sector: hiding it there hides nothing
    # (and a reader would "recover" it anyway), so it is shown
    org = block["organisation"]
    for f in FAMILIES:
        if f.name in org_h[""] or _n(org.get(f.base)) != 0:
            continue
        if any(_n(org.get(k)) != 0 for k in f.members):
            continue
        for s, v in secs.items():
            if f.name in hidden[s] and all(_n(v.get(k)) == 0 for k in f.members):
                hidden[s] = hidden[s] - {f.name}
    _blank(block["organisation"], org_h[""], FAMILIES, f"{prefix}organisation/", paths)
    for s, v in secs.items():
        _blank(v, hidden[s], FAMILIES, f"{prefix}sectors/{s}/", paths)
    hidden[""] = org_h[""]
    return hidden


# ---------------------------------------------------------------------------------------------
# Group tables: fold the small groups into a residual


def _fold(groups: dict[str, dict], m: int) -> list[str]:
    """The groups to fold into the residual: every group of 1 … m−1 persons, and then the
    smallest others until the residual reaches m. Empty when no group is small."""
    small = [g for g, v in groups.items() if 0 < _n(v.get("persons_employed")) < m]
    if not small:
        return []
    fold = list(small)
    rest = sorted((g for g in groups if g not in fold and _n(groups[g].get("persons_employed")) > 0),
                  key=lambda g: (_n(groups[g].get("persons_employed")), g))
    while sum(_n(groups[g].get("persons_employed")) for g in fold) < m and rest:
        fold.append(rest.pop(0))
    return fold


def _group_rows(groups: dict[str, dict], m: int) -> tuple[dict[str, dict], list[str]]:
    """The rows a group table publishes: the groups not folded, then the residual."""
    fold = _fold(groups, m)
    rows = {g: dict(v) for g, v in groups.items() if g not in fold}
    if fold and not any(_n(v.get("persons_employed")) > 0 for v in rows.values()):
        return {}, fold  # everything folded: the residual would be the total row itself
    if fold:
        n = sum(_n(groups[g].get("persons_employed")) for g in fold)
        k = sum(_n(groups[g].get("persons_trained")) for g in fold)
        days = sum(_n(groups[g].get("training_days_per_person")) * _n(groups[g].get("persons_employed"))
                   for g in fold)
        rows[RESIDUAL] = {"persons_employed": int(n), "persons_trained": int(k),
                          "share_trained_pct": k / n * 100 if n else None,
                          "training_days_per_person": days / n if n else None,
                          "members": list(fold)}
    return rows, fold


# ---------------------------------------------------------------------------------------------
# Working time: the three parts of the training hours


def working_time_parts(org: dict) -> dict[str, float | None]:
    """Training hours by whose time they were: on working time (employer-ordered training), on
    paid leave (the paid part outside working time) and unpaid time. They add up to
    ``training_hours``; None when a figure is missing."""
    t, w, p = (org.get(k) for k in ("training_hours", "working_time_training_hours",
                                    "paid_training_hours"))
    if t is None or w is None or p is None:
        return {k: None for k in WORKING_TIME_PARTS}
    return {"ordered": float(w), "paid_leave": float(p) - float(w), "unpaid": float(t) - float(p)}


def _working_time(org: dict, org_hidden: bool, exp: dict | None, m: int) -> dict:
    parts = working_time_parts(org)
    persons = {k: (exp or {}).get(f"persons_wt_{k}") for k in WORKING_TIME_PARTS}
    out = {"total": {"hours": None if org_hidden else org.get("training_hours"),
                     "hidden": org_hidden}}
    hid = set()
    for k in WORKING_TIME_PARTS:
        h, n = parts[k], persons[k]
        if org_hidden:
            hid.add(k)
        elif h is not None and abs(h) > 1e-9 and (n is None or n < m):
            hid.add(k)  # a part of hours is hidden by its persons, whatever its hours
    # total − the shown parts gives back the hidden ones' hours together: one hidden part
    # alone, or hidden parts of fewer than m persons together, need one more
    while not org_hidden and hid and (len(hid) == 1 or sum(persons[k] or 0 for k in hid) < m):
        shown = [k for k in WORKING_TIME_PARTS if k not in hid]
        if not shown:
            break
        hid.add(min(shown, key=lambda k: ((persons[k] or 0), k)))
    for k in WORKING_TIME_PARTS:
        out[k] = {"hours": None if k in hid else parts[k], "hidden": k in hid}
    return out


# ---------------------------------------------------------------------------------------------
# Findings


def _findings(src: dict, sectors: list[str], sec_hidden: dict[str, set[str]], org: dict,
              exp: dict | None, m: int, paths: list[str]) -> dict:
    """Counts by code and sector and the total over sectors, hidden by the persons behind them;
    the three application findings also add up to the non-compliant applications of a scope,
    which the applications table shows."""
    fp = (exp or {}).get("findings") or {}
    summary: dict[str, dict] = {}
    findings = list(src.get("findings", []))
    for f in findings:
        s = summary.setdefault(f["code"], {"severity": f["severity"], "total": 0,
                                           "sectors": {c: 0 for c in sectors}})
        s["sectors"][f["sector"]] = s["sectors"].get(f["sector"], 0) + int(f["count"])
        s["total"] += int(f["count"])
    if any(code in summary for code in APPLICATION_FINDINGS):
        # the three add up to the non-compliant applications: each is listed, a 0 too, so
        # that one of them can be hidden to protect another
        for code in APPLICATION_FINDINGS:
            summary.setdefault(code, {"severity": FINDINGS[code][0], "total": 0,
                                      "sectors": {c: 0 for c in sectors}})

    def persons(code: str, scope: str) -> float:
        s = summary[code]
        count = s["total"] if scope == "" else s["sectors"].get(scope, 0)
        p = fp.get(code, {}).get(scope if scope else "total")
        return float(count if p is None else p)

    # hidden[code] = set of scopes ("" = the total)
    hidden: dict[str, set[str]] = {code: set() for code in summary}

    def forced(code: str) -> bool:
        """A code whose total is 0 (and shown): every sector's count is known to be 0."""
        return summary[code]["total"] == 0 and "" not in hidden[code]

    for code, s in summary.items():
        if forced(code):
            continue
        for sc, v in s["sectors"].items():
            # a sector whose persons are hidden shows no finding count, not even 0: a 0 says
            # something of its few persons too (and adds up with the others)
            fams = sec_hidden.get(sc, set())
            if (v and 0 < persons(code, sc) < m) or "staff" in fams:
                hidden[code].add(sc)
            elif code in APPLICATION_FINDINGS and {"applications", "applications_compliant"} & fams:
                hidden[code].add(sc)  # with the hidden non-compliant applications they add up to
        if s["total"] and 0 < persons(code, "") < m:
            hidden[code].add("")

    def count(code: str, scope: str) -> float:
        s = summary[code]
        return float(s["total"] if scope == "" else s["sectors"].get(scope, 0))

    changed = True
    while changed:
        changed = False
        for code, s in summary.items():
            scopes = list(s["sectors"])
            if forced(code):
                continue
            if "" in hidden[code]:
                # a hidden total: no sector cell may give it back
                for sc in scopes:
                    if sc not in hidden[code] and s["sectors"][sc]:
                        hidden[code].add(sc)
                        changed = True
                continue
            hid = [sc for sc in scopes if sc in hidden[code]]
            if not hid or len(scopes) < 2:
                continue
            hsum = sum(count(code, sc) for sc in hid)
            if len(hid) > 1 and not hsum < m:
                continue
            shown = [sc for sc in scopes if sc not in hidden[code]]
            if shown:
                hidden[code].add(_pick(shown, m - hsum, lambda sc: count(code, sc)))
                changed = True
        # required − compliant = Σ application findings, in every scope the table shows both
        codes = [c for c in APPLICATION_FINDINGS if c in summary]
        for scope in [""] + list(sectors):
            if scope == "":
                shows = org.get("applications_required") is not None and org.get(
                    "applications_compliant") is not None
            else:
                shows = not ({"applications", "applications_compliant"} & sec_hidden.get(scope, set()))
            if not shows or len(codes) < 1:
                continue
            hid = [c for c in codes if scope in hidden[c]]
            if not hid:
                continue
            hsum = sum(count(c, scope) for c in hid)
            if len(hid) > 1 and not hsum < m:
                continue
            # a shown 0 protects as well as any other (the reader no longer knows it is 0),
            # unless the code's total is 0
            shown = [c for c in codes if scope not in hidden[c] and not forced(c)]
            if not shown:
                continue
            hidden[_pick(shown, m - hsum, lambda c: count(c, scope))].add(scope)
            changed = True

    for code in sorted(summary):
        s = summary[code]
        for sc in s["sectors"]:
            if sc in hidden[code]:
                s["sectors"][sc] = None
                paths.append(f"findings_summary/{code}/sectors/{sc}")
        if "" in hidden[code]:
            s["total"] = None
            paths.append(f"findings_summary/{code}/total")
    return {code: summary[code] for code in sorted(summary)}


# ---------------------------------------------------------------------------------------------
# The public document


def _round_block(block: dict) -> None:
    for k, v in list(block.items()):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            block[k] = rounded(v, kind_of(k))


def _gap(rows: dict[str, dict], m: int, hidden_real: bool) -> tuple[float | None, bool]:
    """max − min of the shown, rounded shares of the groups of at least m persons. When a
    group of at least m persons is folded or hidden (``hidden_real``), the gap is computed from
    the shown rows only, the residual row included, and is marked partial."""
    shares = [v["share_trained_pct"] for g, v in rows.items()
              if (g != RESIDUAL or hidden_real) and v.get("share_trained_pct") is not None
              and _n(v.get("persons_employed")) >= m]
    if len(shares) < 2:
        return None, hidden_real
    return rounded(max(shares) - min(shares), "pct"), hidden_real


def disclose(doc: dict, min_persons: int, exposure: dict | None = None) -> dict:
    """The public copy of a figures document: the only input of every public output.

    ``exposure`` (from :func:`exposure`) gives the persons behind event cells; without it the
    event counts themselves decide. Cells describing fewer than ``min_persons`` persons are
    ``None``, and so are the cells a shown total would let a reader recompute them from.
    ``hidden`` lists every suppressed cell as a path ("sectors/SIV/persons_trained",
    "groups/gender/other/…", "findings_summary/repayment_case/sectors/YH",
    "previous_year/organisation/…", "working_time/unpaid"), so renderers can tell a hidden cell
    ("..") from one without a value ("–"). ``folded`` lists per dimension the groups folded into
    the residual. Findings keep only their counts. Input hashes, batch ids and euro amounts of
    findings are left out. Every number is rounded half up to the precision it is shown with.
    """
    m = int(min_persons)
    exposure = exposure or {}
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
    raw_org = dict(src["organisation"])
    out["organisation"] = src["organisation"]
    out["sectors"] = src.get("sectors", {})
    out["sector_names"] = src.get("sector_names", {})
    sec_hidden = _suppress_figures(out, m, paths, exp=exposure)

    # working time: parts of the organisation's training hours, hidden by their persons
    wt = _working_time(raw_org, "trained" in sec_hidden[""], exposure.get("organisation"), m)
    out["working_time"] = {k: v["hours"] for k, v in wt.items()}
    paths += [f"working_time/{k}" for k, v in wt.items() if v["hidden"]]

    # groups: each dimension's rows add up to the organisation's persons and trained
    def as_group(fams: set[str]) -> set[str]:
        """The group families hidden with a scope's families: the group tables show the
        trained's share, so they follow the trained count (and its complement)."""
        return {f.name for f in GROUP_FAMILIES if f.name in fams
                or (f.name == "trained" and "trained_count" in fams)}

    org_gh = as_group(sec_hidden[""])
    out["groups"] = {}
    out["folded"] = {}
    partial: dict[str, bool] = {}
    for dim, groups in src.get("groups", {}).items():
        if dim == "sector":  # the same persons as the sector table: hide the same cells
            rows = {g: dict(v) for g, v in groups.items()}
            gh = {g: as_group(sec_hidden.get(g, set())) for g in rows}
            fold: list[str] = []
        else:
            rows, fold = _group_rows(groups, m)
            gh = {g: _primary(v, GROUP_FAMILIES, m) for g, v in rows.items()}
            _protect(rows, gh, org_gh, GROUP_FAMILIES, m)
        for g, v in rows.items():
            _blank(v, gh[g], GROUP_FAMILIES, f"groups/{dim}/{g}/", paths)
            _round_block(v)
        out["groups"][dim] = rows
        if fold:
            out["folded"][dim] = fold
        big = [g for g, v in groups.items() if _n(v.get("persons_employed")) >= m]
        partial[dim] = any(g in fold or rows.get(g, {}).get("share_trained_pct") is None
                           for g in big)

    # equity gaps: from the shown, rounded shares only
    gaps: dict[str, float | None] = {}
    out["equity_gap_partial"] = {}
    for dim, rows in out["groups"].items():
        gaps[dim], part = _gap(rows, m, partial.get(dim, False))
        if gaps[dim] is not None and part:
            out["equity_gap_partial"][dim] = True
    out["equity_gap_pct_points"] = gaps

    out["findings_summary"] = _findings(src, list(out["sectors"]), sec_hidden, out["organisation"],
                                        exposure, m, paths)

    _round_block(out["organisation"])
    for v in out["sectors"].values():
        _round_block(v)
    out["working_time"] = {k: rounded(v, "num1") for k, v in out["working_time"].items()}

    # targets: the organisation's figure, hidden with it; the gap from the published gaps
    hidden_set = set(paths)
    out["targets"] = []
    for x in src.get("targets", []):
        x = dict(x)
        key = x["key"]
        if key == "equity_gap_pct_points":
            shown = [v for v in gaps.values() if v is not None]
            value = max(shown) if shown else None
            x["value"] = value
            x["met"] = None if value is None else (
                value >= x["target"] if x["comparison"] == ">=" else value <= x["target"])
            if value is not None and out["equity_gap_partial"]:
                x["partial"] = True
        elif f"organisation/{key}" in hidden_set:
            x.update(value=None, met=None, hidden=True)
        else:
            x["value"] = rounded(x["value"], kind_of(key))
        out["targets"].append(x)

    out["sector_targets"] = _sector_targets(src, out)
    _disclose_breakdowns(src, out, m, paths)
    trend = _disclose_trend(src, m, exposure.get("trend") or {}, paths,
                            {"organisation": out["organisation"],
                             "gap": next((x["value"] for x in out["targets"]
                                          if x["key"] == "equity_gap_pct_points"), None),
                             "gap_partial": bool(out["equity_gap_partial"])})
    if trend is not None:
        out["trend"] = trend

    if "previous_year" in src:
        prev = src["previous_year"]
        p = {k: prev[k] for k in ("year", "guideline", "organisation", "sectors") if k in prev}
        _suppress_figures(p, m, paths, prefix="previous_year/", exp=exposure.get("previous_year"))
        _round_block(p["organisation"])
        for v in p.get("sectors", {}).values():
            _round_block(v)
        # last year's groups are not published: its gaps are only the max − min of groups of
        # at least m persons, rounded like this year's
        p["equity_gap_pct_points"] = {d: rounded(v, "pct") for d, v in
                                      (prev.get("equity_gap_pct_points") or {}).items()}
        out["previous_year"] = p
    out["hidden"] = sorted(set(paths))
    return out


# ---------------------------------------------------------------------------------------------
# Where the training went: breakdowns by competence area and training form (osaava.breakdowns)


def _breakdown_rows(bd: dict, m: int, org_hidden: bool) -> tuple[dict[str, dict], list[str]]:
    """The rows a breakdown publishes: the groups of at least m persons, then the residual
    "muut" / "övriga" of the folded small ones (folded in the fixed order of the figures
    document, smallest first, until the residual's distinct persons reach m). When the
    city's training is hidden, or the residual would be every group, no row is published."""
    groups = bd.get("groups") or {}
    order = list(bd.get("fold_order") or sorted(groups, key=lambda g: (groups[g]["persons_trained"], g)))
    cum = list(bd.get("fold_persons") or [])
    if org_hidden:
        return {}, list(groups)
    small = [g for g in order if 0 < _n(groups[g].get("persons_trained")) < m
             or (_n(groups[g].get("persons_trained")) == 0 and _n(groups[g].get("training_days")) != 0)]
    if not small:
        fold: list[str] = []
    else:
        # every small group comes first in the order; then the next ones until the residual
        # reaches m distinct persons
        i = max(order.index(g) for g in small)
        while i < len(order) - 1 and (i >= len(cum) or cum[i] < m):
            i += 1
        fold = order[: i + 1]
    shown = [g for g in groups if g not in fold and _n(groups[g].get("persons_trained")) > 0]
    if fold and not shown:
        return {}, list(groups)  # the residual would be the city's total: the total row says it
    rows = {g: {"persons_trained": int(groups[g]["persons_trained"]),
                "training_days": rounded(groups[g]["training_days"], "num1")}
            for g in groups if g not in fold}
    if fold:
        n = cum[len(fold) - 1] if len(fold) - 1 < len(cum) else sum(
            _n(groups[g]["persons_trained"]) for g in fold)
        rows[RESIDUAL] = {"persons_trained": int(n),
                          "training_days": rounded(sum(_n(groups[g]["training_days"]) for g in fold),
                                                   "num1"),
                          "members": sorted(fold)}
    return rows, fold


def _disclose_breakdowns(src: dict, out: dict, m: int, paths: list[str]) -> None:
    org_hidden = out["organisation"].get("persons_trained") is None
    out["training_breakdowns"] = {}
    out["breakdowns_folded"] = {}
    for dim, bd in (src.get("training_breakdowns") or {}).items():
        rows, fold = _breakdown_rows(bd, m, org_hidden)
        out["training_breakdowns"][dim] = rows
        if fold:
            out["breakdowns_folded"][dim] = sorted(fold)
        if org_hidden:
            paths.append(f"training_breakdowns/{dim}")


# ---------------------------------------------------------------------------------------------
# The targets by sector, and the trend over the years


TREND_FIGURES = ("persons_employed", "htv", "persons_trained", "training_days",
                 "training_days_per_htv", "share_trained_pct", "discussion_coverage_pct",
                 "needs_fulfilment_pct", "supervisor_compliance_pct", "total_cost_eur")


def _met(value, target: float, comparison: str) -> bool | None:
    if value is None:
        return None
    return value >= target if comparison == ">=" else value <= target


def _sector_targets(src: dict, out: dict) -> dict[str, dict[str, bool | None]]:
    """Met / not met of each target per sector, from the unrounded figure like the city's
    (figures.targets); None where the sector's figure is hidden or has no value. The equity gap
    is a figure of the city only."""
    res: dict[str, dict] = {}
    for s, raw in (src.get("sectors") or {}).items():
        res[s] = {}
        for x in src.get("targets", []):
            key = x["key"]
            if key == "equity_gap_pct_points":
                continue
            shown = out["sectors"].get(s, {}).get(key)
            res[s][key] = None if shown is None else _met(raw.get(key), x["target"], x["comparison"])
    return res


def _disclose_trend(src: dict, m: int, exp: dict, paths: list[str], this_year: dict) -> dict | None:
    """Each year of the trend through the same suppression as this year (its organisation and
    sectors, with that year's persons behind event cells). The report year's column is this
    year's published figures exactly, its equity gap the published one; a past year's gap is
    the largest gap of the groups of at least m persons (as last year's is), so every year uses
    one definition of the target's value."""
    tr = src.get("trend")
    if not tr:
        return None
    out = {"years": [], "by_year": {}}
    for y in tr.get("years", []):
        k = str(y)
        raw = tr["by_year"][k]
        if int(y) == int(src["year"]):
            block = {"organisation": {f: this_year["organisation"].get(f) for f in TREND_FIGURES}}
            gap = this_year["gap"]
            partial = this_year["gap_partial"]
        else:
            full = {"organisation": copy.deepcopy(raw["organisation"]),
                    "sectors": copy.deepcopy(raw.get("sectors") or {})}
            sub: list[str] = []
            _suppress_figures(full, m, sub, prefix=f"trend/{k}/", exp=(exp or {}).get(k))
            _round_block(full["organisation"])
            block = {"organisation": {f: full["organisation"].get(f) for f in TREND_FIGURES}}
            paths += [p for p in sub if p.startswith(f"trend/{k}/organisation/")
                      and p.rsplit("/", 1)[1] in TREND_FIGURES]
            gaps = [v for v in (raw.get("equity_gap_pct_points") or {}).values() if v is not None]
            gap = rounded(max(gaps), "pct") if gaps else None
            partial = False
        targets = []
        for x in raw.get("targets", []):
            key = x["key"]
            value = gap if key == "equity_gap_pct_points" else block["organisation"].get(key)
            hidden = key != "equity_gap_pct_points" and f"trend/{k}/organisation/{key}" in paths
            if int(y) == int(src["year"]) and key != "equity_gap_pct_points":
                hidden = f"organisation/{key}" in paths
            met = None if value is None else (x["met"] if key != "equity_gap_pct_points"
                                              else _met(value, x["target"], x["comparison"]))
            targets.append({"key": key, "value": value, "target": x["target"],
                            "comparison": x["comparison"], "met": met, "hidden": hidden,
                            **({"partial": True} if key == "equity_gap_pct_points" and partial else {})})
        if int(y) == int(src["year"]):
            paths += [f"trend/{k}/organisation/{f}" for f in TREND_FIGURES
                      if f"organisation/{f}" in paths]
        out["years"].append(int(y))
        out["by_year"][k] = {"guideline": raw.get("guideline"), "organisation": block["organisation"],
                             "targets": targets}
    return out


# ---------------------------------------------------------------------------------------------
# The persons behind event cells


def exposure(frames: dict, fig, g) -> dict:
    """The persons behind the cells that count events or sum hours, per scope, for the figures
    ``fig`` of ``frames`` (the same selection rules as :mod:`osaava.figures`):

    - ``persons_cost``: persons with any participation of the year (cancelled included: a
      cancelled course's fee is a cost);
    - ``persons_wt_ordered`` / ``_paid_leave`` / ``_unpaid``: persons with hours in each
      working-time part;
    - ``persons_applications`` / ``_compliant`` / ``_noncompliant``: persons with
      participations that needed an application, complying or not;
    - ``persons_needs`` / ``persons_needs_fulfilled``: persons with training needs recorded in
      the discussions held, and with needs fulfilled;
    - ``findings``: {code: {sector: persons, "total": persons}} from the findings' person ids.
    """
    import pandas as pd

    from osaava.figures import Year, net_direct, paid_share, periods_with_sector, person_groups

    y = Year.of(fig.year)
    periods = periods_with_sector(frames)
    p_y = periods[(periods["start"] <= y.end) & (periods["end_eff"] >= y.start)]
    groups = person_groups(p_y, y, g)
    sector_of = groups["sector"]
    tr = frames["trainings"].copy()
    tr["start"] = pd.to_datetime(tr["start"])
    tr["hours"] = tr["hours"].astype("float64").fillna(0.0)
    t = tr[(tr["start"] >= y.start) & (tr["start"] <= y.end) & tr["person_id"].isin(groups.index)].copy()
    t["sector"] = t["person_id"].map(sector_of).astype("str")
    a = t[t["status"] != "peruttu"].copy()
    a["share"] = paid_share(a)
    a["direct"] = net_direct(a) if len(a) else pd.Series([], dtype="float64")
    from osaava.guideline import ROLES

    ext_required = g.application.external == "required"
    a["app_required"] = ((a["training_type"] == "ulkoinen") & ext_required) | (
        a["hours"] > g.application.internal_over_hours) & ((a["training_type"] != "ulkoinen") | (not ext_required))
    need_rank = a["direct"].map(g.lowest_role_rank_for) if len(a) else pd.Series([], dtype="int64")
    rank = a["approver"].map({r: i for i, r in enumerate(ROLES)}).astype("float64").fillna(-1)
    approved = pd.to_datetime(a["approved_on"])
    a["app_ok"] = approved.notna() & ~(approved > a["start"]) & ~(rank < need_rank)
    pos = a["hours"] > 0
    sets = {
        "persons_cost": t,
        "persons_wt_ordered": a[pos & (a["form"] == "määrätty")],
        "persons_wt_paid_leave": a[pos & (a["form"] != "määrätty") & (a["share"] > 0)],
        "persons_wt_unpaid": a[pos & (a["share"] < 1)],
        "persons_applications": a[a["app_required"]],
        "persons_applications_compliant": a[a["app_required"] & a["app_ok"]],
        "persons_applications_noncompliant": a[a["app_required"] & ~a["app_ok"]],
    }
    # needs of the discussions held in Y by eligible persons (osaava.figures, "needs")
    covering = p_y[(p_y["start"] <= y.end) & (p_y["end_eff"] >= y.end)]
    emps = periods.groupby(["person_id", "employment_no"])["start"].min().rename("emp_start")
    cur = covering[["person_id", "employment_no"]].drop_duplicates().join(
        emps, on=["person_id", "employment_no"])
    cut = y.end - pd.DateOffset(months=g.discussion_eligibility_months)
    eligible = set(cur.loc[cur["emp_start"] <= cut, "person_id"].unique())
    d = frames["discussions"]
    held_on = pd.to_datetime(d["held_on"])
    dq = d[(d["year"] == fig.year) & (d["status"] == "käyty") & (held_on >= y.start)
           & (held_on <= y.end) & d["person_id"].isin(eligible)]
    nd = frames["needs"]
    n = nd[(nd["delivery"] == "koulutus") & nd["discussion_id"].isin(dq["discussion_id"])].merge(
        dq[["discussion_id", "held_on", "person_id"]].rename(columns={"person_id": "d_person"}),
        on="discussion_id", how="left")
    n["person_id"] = n["person_id"].where(n["person_id"].map(sector_of).notna(), n["d_person"])
    n["sector"] = n["person_id"].map(sector_of).astype("str")
    if len(n):
        from osaava.figures import add_months

        n["held_on"] = pd.to_datetime(n["held_on"])
        n["window_end"] = add_months(n["held_on"], pd.Series(g.needs_window_months, index=n.index))
        cand = tr[(tr["status"] != "peruttu") & (tr["hours"] > 0)][["person_id", "competence_area", "start"]]
        mm = n[["need_id", "person_id", "competence_area", "held_on", "window_end"]].merge(
            cand, on=["person_id", "competence_area"])
        done = set(mm.loc[(mm["start"] >= mm["held_on"]) & (mm["start"] <= mm["window_end"]), "need_id"])
        fulfilled = n[n["need_id"].isin(done)]
    else:
        fulfilled = n
    sets["persons_needs"] = n
    sets["persons_needs_fulfilled"] = fulfilled
    org: dict = {}
    secs: dict[str, dict] = {s: {} for s in fig.sectors}
    for key, df in sets.items():
        org[key] = int(df["person_id"].nunique())
        by = df.groupby("sector")["person_id"].nunique().to_dict() if len(df) else {}
        for s in secs:
            secs[s][key] = int(by.get(s, 0))
    return {"organisation": org, "sectors": secs, "findings": findings_persons(fig)}


def findings_persons(fig) -> dict:
    """{code: {sector: persons, "total": persons}} from the HR-internal finding details."""
    d = getattr(fig, "findings_detail", None)
    out: dict[str, dict] = {}
    if d is None or not len(d):
        return out
    for code, part in d.groupby("code"):
        by = part.groupby("sector")["person_id"].nunique().to_dict()
        out[str(code)] = {str(k): int(v) for k, v in by.items()}
        out[str(code)]["total"] = int(part["person_id"].nunique())
    return out


# ---------------------------------------------------------------------------------------------
# The monthly follow-up


FOLLOW_UP_FAMILY = {"direct_cost_eur": "trained", "budget_use_pct": "trained",
                    "training_days": "trained", "training_days_per_htv": "trained",
                    "discussion_coverage_pct": "held"}
FOLLOW_UP_WARNING_OF = {"budget_over_90": "budget_use_pct",
                        "coverage_behind_pace": "discussion_coverage_pct"}


def disclose_follow_up(summary: dict, organisation: dict, sectors: dict[str, dict],
                       min_persons: int, exposure: dict | None = None) -> dict:
    """The follow-up mail's public copy: the same families and secondary suppression as the
    annual report, over the organisation and *all* its sectors (the chosen sectors' rows are a
    part of them), numbers rounded half up, and a warning dropped when the figure it is about
    is hidden."""
    m = int(min_persons)
    block = {"organisation": copy.deepcopy(organisation), "sectors": copy.deepcopy(sectors)}
    hidden = _suppress_figures(block, m, [], exp=exposure)
    out = copy.deepcopy(summary)
    out["suppression_min_persons"] = m
    out["hidden"] = []
    for r in out["rows"]:
        scope = "" if r["sector"] == "organisation" else r["sector"]
        fams = hidden.get(scope, {"staff"})
        for key, fam in FOLLOW_UP_FAMILY.items():
            if fam in fams or "staff" in fams:
                r[key] = None
                out["hidden"].append(f"{r['sector']}/{key}")
            else:
                r[key] = rounded(r[key], kind_of(key) if key != "training_days" else "num")
        r["budget_eur"] = rounded(r["budget_eur"], "eur")
        r["warnings"] = [w for w in r["warnings"] if r[FOLLOW_UP_WARNING_OF[w]] is not None]
    out["elapsed_pct"] = rounded(out["elapsed_pct"], "pct")
    out["coverage_pace_pct"] = rounded(out["coverage_pace_pct"], "pct")
    out["warnings"] = sum(len(r["warnings"]) for r in out["rows"])
    return out


__all__ = ["DECIMALS", "FAMILIES", "GROUP_FAMILIES", "RESIDUAL", "disclose", "disclose_follow_up",
           "exposure", "findings_persons", "half_up", "kind_of", "rounded", "working_time_parts"]
