"""Every figure of DOMAIN §5, as pure vectorised functions of the canonical frames.

No I/O, no clock, no Prefect: ``compute(frames, guideline, codes, year)`` returns a
:class:`Figures` object. Each figure follows DOMAIN §5 and its "precise readings" literally;
where the code had to choose, the choice is written next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from osaava.guideline import ROLES, CodeMapping, Guideline
from osaava.schema import (BY_TRAINING, CANCELLED, COMPLETED, EXTERNAL, HELD, ORDERED, PAID_LEAVE,
                           PARTLY_PAID_LEAVE, REGULAR_PAY, TRAINING_ABSENCE, UNPAID, YES)

FAR = pd.Timestamp(2262, 1, 1)

# Figure keys, in the order the reports show them.
PERSON_FIGURES = (
    "persons_employed",
    "headcount_year_end",
    "htv",
    "training_hours",
    "training_days",
    "training_days_per_htv",
    "working_time_training_hours",
    "paid_training_hours",
    "direct_cost_eur",
    "indirect_cost_eur",
    "total_cost_eur",
    "direct_cost_per_htv_eur",
    "total_cost_per_htv_eur",
    "budget_eur",
    "budget_use_pct",
    "persons_trained",
    "share_trained_pct",
    "discussions_eligible",
    "discussions_held",
    "discussion_coverage_pct",
    "needs_recorded",
    "needs_fulfilled",
    "needs_fulfilment_pct",
    "supervisors",
    "supervisors_compliant",
    "supervisor_compliance_pct",
    "supervisors_level_0",
    "supervisors_level_1",
    "supervisors_level_2",
    "supervisors_level_3",
    "supervisors_level_4",
    "applications_required",
    "applications_compliant",
    "application_compliance_pct",
)
# Figures that add up from the sectors to the organisation.
ADDITIVE = tuple(
    k
    for k in PERSON_FIGURES
    if not k.endswith(("_pct", "_per_htv", "_per_htv_eur"))
)

DIMENSIONS = ("sector", "gender", "age_band", "employment_type", "working_time")

FINDINGS = {
    # code: (severity, what it means)
    "application_missing": ("high", "training that needs an approved application has no approval"),
    "application_late": ("medium", "approval dated after the training started"),
    "approver_below_limit": ("medium", "approved by a role below the limit for its direct cost"),
    "paid_days_over_cap": ("medium", "paid training days of the year over the cap"),
    "commitment_missing": ("high", "commitment (sitoumus) missing where the guideline requires it"),
    "repayment_case": ("high", "employment ended inside a commitment period"),
    "supervisor_level_missing": ("medium", "supervisor without the required management-training level"),
    "pay_data_missing": ("low", "no regular pay lines: the sector median hourly pay was used"),
    "training_absence_mismatch": ("low", "training register and payroll training absences differ by more than one day"),
}


@dataclass
class Figures:
    year: int
    organisation: dict
    sectors: dict[str, dict]
    groups: dict[str, dict[str, dict]]
    equity_gap_pct_points: dict[str, float | None]
    findings: list[dict]
    findings_detail: pd.DataFrame
    targets: list[dict]
    sector_names: dict[str, dict[str, str]] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Small helpers


def ratio(num: float, den: float, scale: float = 1.0) -> float | None:
    """num / den × scale; None when the denominator is zero (DOMAIN: null / '–')."""
    if den is None or num is None or den == 0 or (isinstance(den, float) and math.isnan(den)):
        return None
    return float(num) / float(den) * scale


def add_months(dates: pd.Series, months) -> pd.Series:
    """Calendar months added; a day past the month's end is clipped (29.2. + 12 kk = 28.2.)."""
    dates = pd.to_datetime(dates)
    months = pd.Series(months, index=dates.index) if not isinstance(months, pd.Series) else months
    ok = dates.notna() & months.notna()
    y = dates.dt.year.where(ok, 2000).astype("int64")
    m = dates.dt.month.where(ok, 1).astype("int64")
    d = dates.dt.day.where(ok, 1).astype("int64")
    total = y * 12 + (m - 1) + months.where(ok, 0).astype("int64")
    ny, nm = total // 12, total % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": ny, "month": nm, "day": 1}))
    last_day = (first + pd.offsets.MonthEnd(0)).dt.day
    out = pd.to_datetime(pd.DataFrame({"year": ny, "month": nm, "day": np.minimum(d, last_day)}))
    return out.where(ok)


def _end(s: pd.Series) -> pd.Series:
    """An empty end date means ongoing."""
    return pd.to_datetime(s).fillna(FAR)


def expand_days(df: pd.DataFrame, start: str, end: str, keys: list[str]) -> pd.DataFrame:
    """One row per calendar day of each range (keys + 'day')."""
    if df.empty:
        return pd.DataFrame({**{k: df[k] for k in keys}, "day": pd.Series([], dtype="datetime64[s]")})
    s = pd.to_datetime(df[start]).to_numpy(dtype="datetime64[D]")
    e = pd.to_datetime(df[end]).to_numpy(dtype="datetime64[D]")
    n = (e - s).astype("int64") + 1
    n = np.where(n > 0, n, 0)
    idx = np.repeat(np.arange(len(df)), n)
    offs = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    out = df[keys].iloc[idx].reset_index(drop=True)
    out["day"] = (s[idx] + offs.astype("timedelta64[D]")).astype("datetime64[s]")
    return out


def _sum_by(values: pd.Series, keys: pd.Series) -> dict:
    return values.groupby(keys.to_numpy()).sum().to_dict() if len(values) else {}


def age_band(age: pd.Series, g: Guideline) -> pd.Series:
    out = pd.Series(g.age_bands[-1].key, index=age.index, dtype="str")
    for band in reversed(g.age_bands[:-1]):
        out = out.where(~(age <= band.max_age), band.key)
    return out


# ---------------------------------------------------------------------------------------------
# The building blocks: periods, persons, participations


@dataclass
class Year:
    year: int
    start: pd.Timestamp
    end: pd.Timestamp
    days: int

    @classmethod
    def of(cls, year: int) -> "Year":
        start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        return cls(year, start, end, (end - start).days + 1)


def periods_with_sector(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    emp = frames["employments"].copy()
    org = frames["organisation"][["cost_centre", "sector"]].drop_duplicates("cost_centre")
    emp = emp.merge(org, on="cost_centre", how="left")
    emp["sector"] = emp["sector"].fillna("?")
    emp["end_eff"] = _end(emp["end"])
    emp["start"] = pd.to_datetime(emp["start"])
    return emp


def last_periods(p: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The last period per key: latest start, then latest end (ongoing last), then highest
    employment number (DOMAIN §5, precise readings)."""
    return (
        p.sort_values(["start", "end_eff", "employment_no"], kind="mergesort")
        .drop_duplicates(by, keep="last")
    )


def person_groups(p_y: pd.DataFrame, y: Year, g: Guideline) -> pd.DataFrame:
    """Group attributes of each person employed in Y: those of their last period overlapping Y."""
    last = last_periods(p_y, ["person_id"]).set_index("person_id")
    out = pd.DataFrame(index=last.index)
    out["sector"] = last["sector"].astype("str")
    out["gender"] = last["gender"].astype("str")
    out["age_band"] = age_band((y.year - last["birth_year"]).astype("float64"), g)
    out["employment_type"] = last["employment_type"].astype("str")
    out["working_time"] = np.where(last["working_time_pct"].astype("float64") == 100, "full_time", "part_time")
    return out


def paid_share(t: pd.DataFrame) -> pd.Series:
    """Paid share of a participation (DOMAIN §5): määrätty 1; paid leave its % (100 when
    empty); partly paid leave its % (required: empty counts 0 here, validation refuses it);
    unpaid leave and own time 0."""
    pct = t["paid_pct"].astype("float64")
    form = t["form"]
    share = np.select(
        [form == ORDERED, form == PAID_LEAVE, form == PARTLY_PAID_LEAVE],
        [1.0, pct.fillna(100.0) / 100.0, pct.fillna(0.0) / 100.0],
        default=0.0,
    )
    return pd.Series(share, index=t.index, dtype="float64")


def net_direct(t: pd.DataFrame) -> pd.Series:
    return (t["fee"] + t["travel"] + t["lodging"] + t["per_diem"] - t["subsidy"]).astype("float64")


def _group_sums(keys: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values.groupby(keys).agg(lambda v: v.sum())`` without a pandas call per group (issue
    15: that was 80 % of compute): each group's values, in their order, are summed by the same
    numpy reduction that ``Series.sum`` uses (``np.add.reduce`` of a contiguous float64 array),
    so every sum is the same double. Index: the groups, sorted, as groupby gives them."""
    g = keys.groupby(list(keys.columns), sort=True)
    ids = g.ngroup().to_numpy()
    v = values.to_numpy(dtype="float64")
    keep = ids >= 0  # a row with a missing key is in no group
    ids, v = ids[keep], v[keep]
    order = np.argsort(ids, kind="stable")
    ids, v = ids[order], np.ascontiguousarray(v[order])
    cuts = np.flatnonzero(np.diff(ids)) + 1
    starts = np.concatenate([[0], cuts]) if len(ids) else np.array([], dtype="int64")
    ends = np.concatenate([cuts, [len(ids)]]) if len(ids) else np.array([], dtype="int64")
    sums = [np.add.reduce(v[s:e]) for s, e in zip(starts.tolist(), ends.tolist())]
    index = g.size().index
    return pd.Series(np.asarray(sums, dtype="float64"), index=index)


def hourly_pay(
    frames: dict[str, pd.DataFrame], codes: CodeMapping, y: Year, p_y: pd.DataFrame
) -> tuple[pd.Series, dict[str, float], float | None]:
    """Hourly pay per employment (person_id, employment_no) from regular-pay lines paid in Y,
    the sector medians and the organisation median."""
    pay = frames["payroll"]
    part = pay.attrs.get("payroll_slice")  # osaava.warehouse.SLICE: only some years' lines
    if part is not None and not part["years"][0] <= y.year <= part["years"][1]:
        raise ValueError(f"the payroll frame holds only the lines paid in {part['years'][0]}–"
                         f"{part['years'][1]}: read those of {y.year} too (warehouse.PayrollSlice)")
    wt = pay["wage_type"].astype("str")
    cats = {c: codes.wage_category(c) for c in wt.dropna().unique()}
    regular = wt.map(cats) == REGULAR_PAY
    pd_ = pd.to_datetime(pay["pay_date"])
    lines = pay[regular & (pd_ >= y.start) & (pd_ <= y.end)]
    if len(lines):
        keys = lines[["person_id", "employment_no"]]
        agg = lines.groupby(["person_id", "employment_no"]).agg(amount=("amount", "sum"))
        hours = _group_sums(keys, lines["hours"].astype("float64").fillna(0))
        agg["hours"] = hours.reindex(agg.index).astype(lines["hours"].dtype)
    else:
        agg = lines.groupby(["person_id", "employment_no"]).agg(
            amount=("amount", "sum"), hours=("hours", lambda h: h.astype("float64").fillna(0).sum())
        )
    agg = agg[agg["hours"] > 0]
    rate = (agg["amount"].astype("float64") / agg["hours"]).rename("hourly_pay")
    emp_sector = last_periods(p_y, ["person_id", "employment_no"]).set_index(
        ["person_id", "employment_no"])["sector"]
    in_y = rate[rate.index.isin(emp_sector.index)]
    med = in_y.groupby(emp_sector.reindex(in_y.index).to_numpy()).median().to_dict()
    org_med = float(in_y.median()) if len(in_y) else None
    return rate, {k: float(v) for k, v in med.items()}, org_med


def regular_wage_types(codes: CodeMapping, wage_types) -> tuple[str, ...]:
    """The wage types among ``wage_types`` whose lines make hourly pay (regular pay): what a
    reader of the warehouse needs of the payroll (osaava.warehouse.PayrollSlice)."""
    return tuple(w for w in wage_types if codes.wage_category(w) == REGULAR_PAY)


def period_htv(p_y: pd.DataFrame, absences: pd.DataFrame, y: Year) -> pd.DataFrame:
    """Person-years of each period overlapping Y (DOMAIN §5 htv): calendar days of the period
    inside Y, minus the distinct unpaid-absence days of its employment inside both, / days in Y
    × working-time % / 100."""
    p = p_y.copy()
    p["cs"] = p["start"].clip(lower=y.start)
    p["ce"] = p["end_eff"].clip(upper=y.end)
    p["days"] = (p["ce"] - p["cs"]).dt.days + 1
    unpaid = absences[absences["paid"] == UNPAID].copy()
    unpaid["s"] = pd.to_datetime(unpaid["start"]).clip(lower=y.start)
    unpaid["e"] = pd.to_datetime(unpaid["end"]).clip(upper=y.end)
    unpaid = unpaid[unpaid["s"] <= unpaid["e"]]
    udays = expand_days(unpaid, "s", "e", ["person_id", "employment_no"]).drop_duplicates()
    p["pidx"] = np.arange(len(p))
    p["unpaid"] = 0
    if len(udays):
        m = udays.merge(p[["person_id", "employment_no", "cs", "ce", "pidx"]],
                        on=["person_id", "employment_no"])
        m = m[(m["day"] >= m["cs"]) & (m["day"] <= m["ce"])]
        p["unpaid"] = p["pidx"].map(m.groupby("pidx").size()).fillna(0).astype("int64")
    p["htv"] = (p["days"] - p["unpaid"]) / y.days * p["working_time_pct"].astype("float64") / 100.0
    return p


# ---------------------------------------------------------------------------------------------
# The whole computation: one named step per group of figures (DOMAIN §5)


@dataclass
class Supervisors:
    """The supervisors on 31.12.Y (index: person_id): their sector, compliance and highest level."""
    sector: pd.Series
    compliant: pd.Series
    level: pd.Series


@dataclass
class _Run:
    """What the steps of :func:`compute` share. The steps fill the later fields in order:
    participations (``tr_all``, ``t``, ``a``), trained, discussions (``held``), supervisors."""
    y: Year
    g: Guideline
    codes: CodeMapping
    frames: dict[str, pd.DataFrame]
    periods: pd.DataFrame           # every employment period, with sector and effective end
    p_y: pd.DataFrame               # the periods overlapping Y
    covering: pd.DataFrame          # the periods covering 31.12.Y
    groups: pd.DataFrame            # persons employed in Y and their group attributes
    sectors: list[str]
    org: dict = field(default_factory=dict)           # figure -> organisation value
    by_sector: dict = field(default_factory=dict)     # sector -> figure -> value
    tr_all: pd.DataFrame | None = None  # every participation of any year, typed
    t: pd.DataFrame | None = None       # participations of Y of persons employed in Y
    a: pd.DataFrame | None = None       # the same without the cancelled ones
    trained: pd.Index | None = None
    held: pd.DataFrame | None = None    # the discussions counted in discussions_held
    sup: Supervisors | None = None

    @property
    def sector_of(self) -> pd.Series:
        return self.groups["sector"]

    def put(self, key: str, by_sector: dict, total: float | int) -> None:
        """A figure of the organisation and of every sector (0 where a sector has none)."""
        self.org[key] = total
        for s in self.sectors:
            self.by_sector[s][key] = by_sector.get(s, 0)

    def put_persons(self, key: str, persons: pd.Index) -> None:
        """A count of distinct persons, each in their group sector."""
        self.put(key, self.sector_of.reindex(persons).value_counts().to_dict(), int(len(persons)))


def _start(frames: dict[str, pd.DataFrame], g: Guideline, codes: CodeMapping, year: int) -> _Run:
    y = Year.of(year)
    periods = periods_with_sector(frames)
    p_y = periods[(periods["start"] <= y.end) & (periods["end_eff"] >= y.start)].copy()
    covering = p_y[(p_y["start"] <= y.end) & (p_y["end_eff"] >= y.end)]
    groups = person_groups(p_y, y, g)
    org = frames["organisation"]
    sectors = sorted(set(org["sector"].dropna().astype(str)) | set(p_y["sector"].astype(str)))
    return _Run(y, g, codes, frames, periods, p_y, covering, groups, sectors,
                by_sector={s: {} for s in sectors})


def _sector_names(org: pd.DataFrame, sectors: list[str]) -> dict[str, dict[str, str]]:
    names = org.drop_duplicates("sector").set_index("sector")

    def name(s: str, col: str) -> str:
        return str(names.at[s, col]) if s in names.index and pd.notna(names.at[s, col]) else s

    return {s: {"fi": name(s, "sector_name"), "sv": name(s, "sector_name_sv")} for s in sectors}


def _persons(r: _Run) -> None:
    r.put("persons_employed", r.groups.groupby("sector").size().to_dict(), int(len(r.groups)))
    r.put_persons("headcount_year_end", pd.Index(r.covering["person_id"].unique()))


def _htv(r: _Run) -> None:
    p = period_htv(r.p_y, r.frames["absences"], r.y)
    r.put("htv", p.groupby("sector")["htv"].sum().to_dict(), float(p["htv"].sum()))


def _participations(r: _Run) -> None:
    """The participations of Y (Alkupvm in Y) of persons employed in Y, cancelled ones apart."""
    y = r.y
    tr_all = r.frames["trainings"].copy()
    tr_all["start"] = pd.to_datetime(tr_all["start"])
    tr_all["hours"] = tr_all["hours"].astype("float64").fillna(0.0)
    t = tr_all[(tr_all["start"] >= y.start) & (tr_all["start"] <= y.end)
               & tr_all["person_id"].isin(r.groups.index)].copy()
    t["sector"] = t["person_id"].map(r.sector_of).astype("str")
    t["cancelled"] = t["status"] == CANCELLED
    t["share"] = paid_share(t)
    t["direct"] = net_direct(t)
    r.tr_all, r.t, r.a = tr_all, t, t[~t["cancelled"]].copy()


def participations_of_year(frames: dict[str, pd.DataFrame], g: Guideline, year: int) -> pd.DataFrame:
    """The non-cancelled participations of ``year`` (Alkupvm in Y) of persons employed in Y —
    the selection every training figure counts — typed, with each person's group sector."""
    r = _start(frames, g, None, year)
    _participations(r)
    return r.a


def _training_time(r: _Run) -> None:
    a, dh = r.a, r.g.training_day_hours
    r.put("training_hours", _sum_by(a["hours"], a["sector"]), float(a["hours"].sum()))
    r.put("training_days", {s: v / dh for s, v in _sum_by(a["hours"], a["sector"]).items()},
          float(a["hours"].sum()) / dh)
    wt = a[a["form"] == ORDERED]
    r.put("working_time_training_hours", _sum_by(wt["hours"], wt["sector"]), float(wt["hours"].sum()))
    a["paid_hours"] = a["hours"] * a["share"]
    r.put("paid_training_hours", _sum_by(a["paid_hours"], a["sector"]), float(a["paid_hours"].sum()))


def _costs(r: _Run) -> None:
    """Direct cost (cancelled included), indirect cost from the hourly pay of each
    participation's employment (the sector median where it has no pay data), total, budget."""
    t, a, g = r.t, r.a, r.g
    r.put("direct_cost_eur", _sum_by(t["direct"], t["sector"]), float(t["direct"].sum()))
    rate, med, org_med = hourly_pay(r.frames, r.codes, r.y, r.p_y)
    key = pd.MultiIndex.from_frame(a[["person_id", "employment_no"]])
    a["pay"] = rate.reindex(key).to_numpy() if len(a) else np.array([], dtype="float64")
    a["pay_missing"] = a["pay"].isna()
    emp_sector = last_periods(r.p_y, ["person_id", "employment_no"]).set_index(
        ["person_id", "employment_no"])["sector"]
    a["emp_sector"] = emp_sector.reindex(key).to_numpy() if len(a) else np.array([], dtype=object)
    a["emp_sector"] = a["emp_sector"].where(a["emp_sector"].notna(), a["sector"])
    fallback = a["emp_sector"].map(med).astype("float64").fillna(org_med if org_med is not None else 0.0)
    a["pay"] = a["pay"].astype("float64").fillna(fallback)
    a["indirect"] = a["paid_hours"] * a["pay"] * (1 + g.side_cost_pct / 100.0)
    r.put("indirect_cost_eur", _sum_by(a["indirect"], a["sector"]), float(a["indirect"].sum()))
    r.put("total_cost_eur",
          {s: r.by_sector[s]["direct_cost_eur"] + r.by_sector[s]["indirect_cost_eur"] for s in r.sectors},
          r.org["direct_cost_eur"] + r.org["indirect_cost_eur"])
    r.put("budget_eur", {s: float(g.budgets[s]) for s in r.sectors if s in g.budgets},
          float(sum(g.budgets.values())))


def _trained(r: _Run) -> None:
    r.trained = pd.Index(r.a.loc[r.a["hours"] > 0, "person_id"].unique())
    r.put_persons("persons_trained", r.trained)


def _discussions(r: _Run) -> None:
    """Eligible: a current employment (a period covering 31.12.) that started, as a whole, on
    or before the cut; held: an eligible person's discussion of Y, käyty, dated in Y."""
    y, g = r.y, r.g
    emps = r.periods.groupby(["person_id", "employment_no"])["start"].min().rename("emp_start")
    cur = r.covering[["person_id", "employment_no"]].drop_duplicates().join(
        emps, on=["person_id", "employment_no"])
    cut = y.end - pd.DateOffset(months=g.discussion_eligibility_months)
    eligible = pd.Index(cur.loc[cur["emp_start"] <= cut, "person_id"].unique())
    r.put_persons("discussions_eligible", eligible)
    d = r.frames["discussions"]
    held_on = pd.to_datetime(d["held_on"])
    r.held = d[(d["year"] == y.year) & (d["status"] == HELD) & (held_on >= y.start)
               & (held_on <= y.end) & d["person_id"].isin(eligible)].copy()
    r.put_persons("discussions_held", pd.Index(r.held["person_id"].unique()))


def _needs(r: _Run) -> None:
    """Needs (koulutus) of the discussions held; fulfilled by a non-cancelled participation of
    the same person and area with hours, starting from the discussion to the window's end."""
    dq, tr_all, g = r.held, r.tr_all, r.g
    nd = r.frames["needs"]
    n = nd[(nd["delivery"] == BY_TRAINING) & nd["discussion_id"].isin(dq["discussion_id"])].merge(
        dq[["discussion_id", "held_on", "person_id"]].rename(columns={"person_id": "d_person"}),
        on="discussion_id", how="left")
    n["sector"] = n["person_id"].map(r.sector_of).fillna(n["d_person"].map(r.sector_of)).astype("str")
    n["held_on"] = pd.to_datetime(n["held_on"])
    n["window_end"] = add_months(n["held_on"], pd.Series(g.needs_window_months, index=n.index))
    cand = tr_all[(tr_all["status"] != CANCELLED) & (tr_all["hours"] > 0)][
        ["person_id", "competence_area", "start"]]
    m = n[["need_id", "person_id", "competence_area", "held_on", "window_end"]].merge(
        cand, on=["person_id", "competence_area"])
    done = pd.Index(m.loc[(m["start"] >= m["held_on"]) & (m["start"] <= m["window_end"]), "need_id"].unique())
    n["fulfilled"] = n["need_id"].isin(done)
    r.put("needs_recorded", n.groupby("sector").size().to_dict(), int(len(n)))
    r.put("needs_fulfilled", _sum_by(n["fulfilled"].astype("int64"), n["sector"]), int(n["fulfilled"].sum()))


def _supervisors(r: _Run) -> None:
    """Supervisors on 31.12.Y: compliant with a completed level ≥ the required one (any year up
    to Y) or inside the grace period; the distribution of the highest completed level."""
    y, tr_all = r.y, r.tr_all
    req = r.g.supervisor_level_required
    sup_p = r.covering[r.covering["supervisor"] == YES].copy()
    sup_p["grace_end"] = add_months(sup_p["supervisor_since"], pd.Series(req.within_months, index=sup_p.index))
    sup = sup_p.groupby("person_id")["grace_end"].max()
    lv = tr_all[(tr_all["status"] == COMPLETED) & tr_all["management_level"].notna()
                & (tr_all["start"] <= y.end)]
    highest = lv.assign(level=lv["management_level"].astype("int64")).groupby("person_id")["level"].max()
    sup_level = highest.reindex(sup.index).fillna(0).astype("int64")
    in_grace = sup.notna() & (y.end < sup)
    compliant = (sup_level >= req.level) | in_grace
    sup_sector = r.sector_of.reindex(sup.index)
    r.sup = Supervisors(sup_sector, compliant, sup_level)
    r.put("supervisors", sup_sector.value_counts().to_dict(), int(len(sup)))
    r.put("supervisors_compliant", _sum_by(compliant.astype("int64"), sup_sector), int(compliant.sum()))
    for lvl in range(5):
        hit = (sup_level == lvl).astype("int64")
        r.put(f"supervisors_level_{lvl}", _sum_by(hit, sup_sector), int(hit.sum()))


def application_required(t: pd.DataFrame, g: Guideline) -> pd.Series:
    """Which participations need an approved application: an external one always when the
    guideline requires it (``application.external: required``), any other one — and an external
    one when the guideline makes it optional — when its hours are over the internal limit."""
    external = t["training_type"] == EXTERNAL
    over = t["hours"] > g.application.internal_over_hours
    if g.application.external == "required":
        return external | over
    return over


def _applications(r: _Run) -> None:
    """Compliant: approved on or before the start, by a role at or above the lowest role allowed
    for the participation's net direct cost."""
    a, g = r.a, r.g
    a["app_required"] = application_required(a, g)
    need_rank = a["direct"].map(g.lowest_role_rank_for) if len(a) else pd.Series([], dtype="int64")
    rank = a["approver"].map({role: i for i, role in enumerate(ROLES)}).astype("float64").fillna(-1)
    approved = pd.to_datetime(a["approved_on"])
    a["app_missing"] = approved.isna()
    a["app_late"] = approved.notna() & (approved > a["start"])
    a["app_below"] = approved.notna() & (rank < need_rank)
    a["app_ok"] = ~a["app_missing"] & ~a["app_late"] & ~a["app_below"]
    req = a[a["app_required"]]
    r.put("applications_required", req.groupby("sector").size().to_dict(), int(len(req)))
    r.put("applications_compliant", _sum_by(req["app_ok"].astype("int64"), req["sector"]),
          int(req["app_ok"].sum()))


def _ratios(r: _Run) -> tuple[dict, dict[str, dict]]:
    """The ratios of every sheet (None when the denominator is 0); the organisation's and the
    sectors' figures as plain Python values, in PERSON_FIGURES order."""
    for f in [r.org] + [r.by_sector[s] for s in r.sectors]:
        f["training_days_per_htv"] = ratio(f["training_days"], f["htv"])
        f["direct_cost_per_htv_eur"] = ratio(f["direct_cost_eur"], f["htv"])
        f["total_cost_per_htv_eur"] = ratio(f["total_cost_eur"], f["htv"])
        f["budget_use_pct"] = ratio(f["direct_cost_eur"], f.get("budget_eur") or 0, 100)
        f["share_trained_pct"] = ratio(f["persons_trained"], f["persons_employed"], 100)
        f["discussion_coverage_pct"] = ratio(f["discussions_held"], f["discussions_eligible"], 100)
        f["needs_fulfilment_pct"] = ratio(f["needs_fulfilled"], f["needs_recorded"], 100)
        f["supervisor_compliance_pct"] = ratio(f["supervisors_compliant"], f["supervisors"], 100)
        f["application_compliance_pct"] = ratio(f["applications_compliant"], f["applications_required"], 100)
    for s in r.sectors:
        if s not in r.g.budgets:
            r.by_sector[s]["budget_eur"] = None
    orgf = {k: _py(r.org[k]) for k in PERSON_FIGURES}
    per_sector = {s: {k: _py(r.by_sector[s][k]) for k in PERSON_FIGURES} for s in r.sectors}
    return orgf, per_sector


def _equity(r: _Run) -> tuple[dict[str, dict[str, dict]], dict[str, float | None]]:
    """Share trained and training days per person of each group of each dimension, and each
    dimension's gap between its groups of at least suppression_min_persons persons."""
    g, groups = r.g, r.groups
    pdays = (r.a.groupby("person_id")["hours"].sum() / g.training_day_hours).reindex(groups.index).fillna(0.0)
    gt = groups.assign(trained=groups.index.isin(r.trained), days=pdays.to_numpy())
    group_out: dict[str, dict[str, dict]] = {}
    gaps: dict[str, float | None] = {}
    for dim in DIMENSIONS:
        agg = gt.groupby(dim).agg(n=("trained", "size"), k=("trained", "sum"), days=("days", "sum"))
        group_out[dim] = {
            str(k): {
                "persons_employed": int(row.n),
                "persons_trained": int(row.k),
                "share_trained_pct": ratio(row.k, row.n, 100),
                "training_days_per_person": ratio(row.days, row.n),
            }
            for k, row in agg.sort_index().iterrows()
        }
        shown = [v["share_trained_pct"] for v in group_out[dim].values()
                 if v["persons_employed"] >= g.suppression_min_persons]
        gaps[dim] = float(max(shown) - min(shown)) if len(shown) >= 2 else None
    return group_out, gaps


def compute(frames: dict[str, pd.DataFrame], g: Guideline, codes: CodeMapping, year: int,
            sector_names: dict[str, dict[str, str]] | None = None) -> Figures:
    r = _start(frames, g, codes, year)
    if not sector_names:
        sector_names = _sector_names(frames["organisation"], r.sectors)
    _persons(r)
    _htv(r)
    _participations(r)
    _training_time(r)
    _costs(r)
    _trained(r)
    _discussions(r)
    _needs(r)
    _supervisors(r)
    _applications(r)
    orgf, per_sector = _ratios(r)
    group_out, gaps = _equity(r)
    detail = _findings(r)
    return Figures(
        year=year,
        organisation=orgf,
        sectors=per_sector,
        groups=group_out,
        equity_gap_pct_points=gaps,
        findings=_finding_counts(detail),
        findings_detail=detail,
        targets=targets(orgf, gaps, g),
        sector_names=sector_names,
    )


def _py(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    return v


def targets(orgf: dict, gaps: dict, g: Guideline) -> list[dict]:
    t = g.targets
    worst_gap = max((v for v in gaps.values() if v is not None), default=None)
    rows = [
        ("training_days_per_htv", orgf["training_days_per_htv"], t.training_days_per_htv, ">="),
        ("discussion_coverage_pct", orgf["discussion_coverage_pct"], t.discussion_coverage_pct, ">="),
        ("share_trained_pct", orgf["share_trained_pct"], t.share_trained_pct, ">="),
        ("equity_gap_pct_points", worst_gap, t.equity_gap_pct_points, "<="),
    ]
    out = []
    for key, value, target, cmp in rows:
        met = None if value is None else (value >= target if cmp == ">=" else value <= target)
        out.append({"key": key, "value": value, "target": target, "comparison": cmp, "met": met})
    return out


# ---------------------------------------------------------------------------------------------
# Findings: person-level guideline deviations (HR-internal), one function per code

DETAIL_COLUMNS = ["code", "severity", "sector", "person_id", "employment_no", "participation_id",
                  "reason", "amount_eur"]


def _detail(code: str, df: pd.DataFrame, reason, amount=0.0) -> pd.DataFrame | None:
    """The detail rows of one finding code (None when ``df`` has no rows). ``reason``: a text,
    or a function of df giving one text per row (called only when df has rows)."""
    if df.empty:
        return None
    if callable(reason):
        reason = reason(df)
    return pd.DataFrame({
        "code": code,
        "severity": FINDINGS[code][0],
        "sector": df["sector"].astype("str").to_numpy(),
        "person_id": df["person_id"].astype("str").to_numpy(),
        "employment_no": df["employment_no"].to_numpy() if "employment_no" in df else pd.NA,
        "participation_id": df["participation_id"].to_numpy() if "participation_id" in df else None,
        "reason": reason.to_numpy() if isinstance(reason, pd.Series) else reason,
        "amount_eur": amount.to_numpy() if isinstance(amount, pd.Series) else amount,
    })


def _dmy(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%-d.%-m.%Y")


def _required(r: _Run) -> pd.DataFrame:
    return r.a[r.a["app_required"]]


def application_missing(r: _Run) -> pd.DataFrame | None:
    req = _required(r)
    return _detail("application_missing", req[req["app_missing"]], "no approval date")


def application_late(r: _Run) -> pd.DataFrame | None:
    req = _required(r)
    return _detail("application_late", req[req["app_late"]], lambda d:
                   "approved " + _dmy(d["approved_on"]) + ", training started " + _dmy(d["start"]))


def approver_below_limit(r: _Run) -> pd.DataFrame | None:
    req = _required(r)
    return _detail("approver_below_limit", req[req["app_below"]], lambda d:
                   "approver " + d["approver"].fillna("(empty)").astype("str") + " for "
                   + d["direct"].map(lambda v: f"{v:.2f}").astype("str") + " €")


def paid_days_over_cap(r: _Run) -> pd.DataFrame | None:
    ppd = (r.a.groupby("person_id")["paid_hours"].sum() / r.g.training_day_hours)
    over = ppd[ppd > r.g.paid_days_cap]
    if not len(over):
        return None
    df = pd.DataFrame({"person_id": over.index, "sector": over.index.map(r.groups["sector"])})
    return _detail("paid_days_over_cap", df,
                   pd.Series([f"{v:.2f} paid training days" for v in over], index=df.index))


def commitment_missing(r: _Run) -> pd.DataFrame | None:
    a, g = r.a, r.g
    c = g.commitment
    needs_c = (a["direct"] >= c.min_direct_cost_eur) | (a["hours"] / g.training_day_hours >= c.min_training_days)
    cm = a["commitment_months"].astype("float64")
    miss = a[needs_c & (cm.isna() | (cm < c.months))]
    return _detail("commitment_missing", miss, lambda d: "commitment " + cm[d.index].map(
        lambda v: "empty" if pd.isna(v) else f"{int(v)} months").astype("str")
        + f", {c.months} required")


def repayment_case(r: _Run) -> pd.DataFrame | None:
    """An employment that ended in Y inside a commitment period of any year's training."""
    y, tr_all = r.y, r.tr_all
    ends = r.periods.groupby(["person_id", "employment_no"]).agg(
        emp_end=("end_eff", "max"), sector=("sector", "last"))
    ended = ends[(ends["emp_end"] >= y.start) & (ends["emp_end"] <= y.end)]
    com = tr_all[(tr_all["status"] != CANCELLED) & (tr_all["commitment_months"].astype("float64") > 0)].copy()
    if not (len(com) and len(ended)):
        return None
    com["c_start"] = pd.to_datetime(com["end"]).fillna(com["start"])
    com["c_end"] = add_months(com["c_start"], com["commitment_months"].astype("float64"))
    com = com.join(ended, on=["person_id", "employment_no"], how="inner")
    hit = com[(com["emp_end"] >= com["c_start"]) & (com["emp_end"] < com["c_end"])].copy()
    if not len(hit):
        return None
    left = (hit["c_end"] - hit["emp_end"]).dt.days
    total = (hit["c_end"] - hit["c_start"]).dt.days
    amount = net_direct(hit) * left / total
    hit["sector"] = hit["person_id"].map(r.groups["sector"]).fillna(hit["sector"])
    return _detail("repayment_case", hit, lambda d:
                   "employment ended " + _dmy(d["emp_end"]) + ", commitment until " + _dmy(d["c_end"]),
                   amount.round(2))


def supervisor_level_missing(r: _Run) -> pd.DataFrame | None:
    sup = r.sup
    bad_sup = sup.compliant[~sup.compliant].index
    if not len(bad_sup):
        return None
    df = pd.DataFrame({"person_id": bad_sup, "sector": sup.sector.reindex(bad_sup).to_numpy()})
    return _detail("supervisor_level_missing", df, pd.Series(
        [f"highest completed level {sup.level[p]}, required {r.g.supervisor_level_required.level}"
         for p in bad_sup], index=df.index))


def pay_data_missing(r: _Run) -> pd.DataFrame | None:
    nopay = r.a[r.a["pay_missing"]].drop_duplicates(["person_id", "employment_no"])
    return _detail("pay_data_missing", nopay, "no regular pay lines paid in the year")


def _distinct_days(df: pd.DataFrame) -> pd.Series:
    """Distinct calendar days in Y per employment covered by the ranges s–e of ``df``."""
    df = df[df["s"] <= df["e"]]
    days = expand_days(df, "s", "e", ["person_id", "employment_no"]).drop_duplicates()
    return days.groupby(["person_id", "employment_no"]).size()


def training_absence_mismatch(r: _Run) -> pd.DataFrame | None:
    """Training register vs payroll training absences, per employment, calendar days in Y."""
    y, a = r.y, r.a
    reg = a[a["form"].isin((ORDERED, PAID_LEAVE, PARTLY_PAID_LEAVE))].copy()
    reg["s"] = reg["start"].clip(lower=y.start)
    reg["e"] = pd.to_datetime(reg["end"]).fillna(reg["start"]).clip(upper=y.end)
    rcount = _distinct_days(reg)
    ab = r.frames["absences"]
    kou = ab[ab["absence_code"].map(r.codes.absence_codes) == TRAINING_ABSENCE].copy()
    kou["s"] = pd.to_datetime(kou["start"]).clip(lower=y.start)
    kou["e"] = pd.to_datetime(kou["end"]).clip(upper=y.end)
    kcount = _distinct_days(kou)
    both = pd.concat([rcount.rename("register"), kcount.rename("payroll")], axis=1).fillna(0)
    both = both[(both["register"] - both["payroll"]).abs() > 1]
    both = both[both.index.get_level_values(0).isin(r.groups.index)]
    if not len(both):
        return None
    df = both.reset_index().rename(columns={"level_0": "person_id", "level_1": "employment_no"})
    df["sector"] = df["person_id"].map(r.groups["sector"])
    return _detail("training_absence_mismatch", df, pd.Series(
        [f"register {int(x)} days, payroll {int(yv)} days" for x, yv in zip(df["register"], df["payroll"])],
        index=df.index))


# code -> the function giving its detail rows, in the order of FINDINGS
FINDING_RULES = {
    "application_missing": application_missing,
    "application_late": application_late,
    "approver_below_limit": approver_below_limit,
    "paid_days_over_cap": paid_days_over_cap,
    "commitment_missing": commitment_missing,
    "repayment_case": repayment_case,
    "supervisor_level_missing": supervisor_level_missing,
    "pay_data_missing": pay_data_missing,
    "training_absence_mismatch": training_absence_mismatch,
}
assert tuple(FINDING_RULES) == tuple(FINDINGS)


def _findings(r: _Run) -> pd.DataFrame:
    """Person-level guideline deviations (HR-internal), by code, sector and person."""
    parts = [p for rule in FINDING_RULES.values() if (p := rule(r)) is not None]
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in DETAIL_COLUMNS})
    out = pd.concat(parts, ignore_index=True)[DETAIL_COLUMNS]
    return out.sort_values(["code", "sector", "person_id"], kind="mergesort").reset_index(drop=True)


def _finding_counts(detail: pd.DataFrame) -> list[dict]:
    """The findings that leave HR: a count per code and sector (and the repayment amount)."""
    findings = []
    if len(detail):
        agg = detail.groupby(["code", "sector"], sort=True).agg(
            count=("code", "size"), amount_eur=("amount_eur", "sum"))
        for (code, sector), row in agg.iterrows():
            item = {"code": code, "severity": FINDINGS[code][0], "sector": sector, "count": int(row["count"])}
            if code == "repayment_case":
                item["amount_eur"] = float(row["amount_eur"])
            findings.append(item)
    return findings
