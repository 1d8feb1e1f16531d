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
        [form == "määrätty", form == "palkallinen vapaa", form == "osittain palkallinen vapaa"],
        [1.0, pct.fillna(100.0) / 100.0, pct.fillna(0.0) / 100.0],
        default=0.0,
    )
    return pd.Series(share, index=t.index, dtype="float64")


def net_direct(t: pd.DataFrame) -> pd.Series:
    return (t["fee"] + t["travel"] + t["lodging"] + t["per_diem"] - t["subsidy"]).astype("float64")


def hourly_pay(
    frames: dict[str, pd.DataFrame], codes: CodeMapping, y: Year, p_y: pd.DataFrame
) -> tuple[pd.Series, dict[str, float], float | None]:
    """Hourly pay per employment (person_id, employment_no) from regular-pay lines paid in Y,
    the sector medians and the organisation median."""
    pay = frames["payroll"]
    wt = pay["wage_type"].astype("str")
    cats = {c: codes.wage_category(c) for c in wt.dropna().unique()}
    regular = wt.map(cats) == "regular_pay"
    pd_ = pd.to_datetime(pay["pay_date"])
    lines = pay[regular & (pd_ >= y.start) & (pd_ <= y.end)]
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


def period_htv(p_y: pd.DataFrame, absences: pd.DataFrame, y: Year) -> pd.DataFrame:
    """Person-years of each period overlapping Y (DOMAIN §5 htv): calendar days of the period
    inside Y, minus the distinct unpaid-absence days of its employment inside both, / days in Y
    × working-time % / 100."""
    p = p_y.copy()
    p["cs"] = p["start"].clip(lower=y.start)
    p["ce"] = p["end_eff"].clip(upper=y.end)
    p["days"] = (p["ce"] - p["cs"]).dt.days + 1
    unpaid = absences[absences["paid"] == "palkaton"].copy()
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
# The whole computation


def compute(frames: dict[str, pd.DataFrame], g: Guideline, codes: CodeMapping, year: int,
            sector_names: dict[str, dict[str, str]] | None = None) -> Figures:
    y = Year.of(year)
    periods = periods_with_sector(frames)
    p_y = periods[(periods["start"] <= y.end) & (periods["end_eff"] >= y.start)].copy()
    groups = person_groups(p_y, y, g)
    sector_of = groups["sector"]
    org = frames["organisation"]
    sectors = sorted(set(org["sector"].dropna().astype(str)) | set(p_y["sector"].astype(str)))
    if not sector_names:
        names = org.drop_duplicates("sector").set_index("sector")
        sector_names = {
            s: {"fi": str(names.at[s, "sector_name"]) if s in names.index and pd.notna(names.at[s, "sector_name"]) else s,
                "sv": str(names.at[s, "sector_name_sv"]) if s in names.index and pd.notna(names.at[s, "sector_name_sv"]) else s}
            for s in sectors
        }

    per_sector: dict[str, dict] = {s: {} for s in sectors}
    orgf: dict = {}

    def put(key: str, by_sector: dict, total: float | int) -> None:
        orgf[key] = total
        for s in sectors:
            per_sector[s][key] = by_sector.get(s, 0)

    # --- persons ------------------------------------------------------------------------------
    put("persons_employed", groups.groupby("sector").size().to_dict(), int(len(groups)))
    covering = p_y[(p_y["start"] <= y.end) & (p_y["end_eff"] >= y.end)]
    hc = pd.Index(covering["person_id"].unique())
    put("headcount_year_end", sector_of.reindex(hc).value_counts().to_dict(), int(len(hc)))

    # --- htv ----------------------------------------------------------------------------------
    p = period_htv(p_y, frames["absences"], y)
    put("htv", p.groupby("sector")["htv"].sum().to_dict(), float(p["htv"].sum()))

    # --- participations of Y -------------------------------------------------------------------
    tr_all = frames["trainings"].copy()
    tr_all["start"] = pd.to_datetime(tr_all["start"])
    tr_all["hours"] = tr_all["hours"].astype("float64").fillna(0.0)
    employed = groups.index
    t = tr_all[(tr_all["start"] >= y.start) & (tr_all["start"] <= y.end)
               & tr_all["person_id"].isin(employed)].copy()
    t["sector"] = t["person_id"].map(sector_of).astype("str")
    t["cancelled"] = t["status"] == "peruttu"
    t["share"] = paid_share(t)
    t["direct"] = net_direct(t)
    a = t[~t["cancelled"]].copy()

    put("training_hours", _sum_by(a["hours"], a["sector"]), float(a["hours"].sum()))
    dh = g.training_day_hours
    put("training_days", {s: v / dh for s, v in _sum_by(a["hours"], a["sector"]).items()},
        float(a["hours"].sum()) / dh)
    wt = a[a["form"] == "määrätty"]
    put("working_time_training_hours", _sum_by(wt["hours"], wt["sector"]), float(wt["hours"].sum()))
    a["paid_hours"] = a["hours"] * a["share"]
    put("paid_training_hours", _sum_by(a["paid_hours"], a["sector"]), float(a["paid_hours"].sum()))

    # --- costs --------------------------------------------------------------------------------
    put("direct_cost_eur", _sum_by(t["direct"], t["sector"]), float(t["direct"].sum()))
    rate, med, org_med = hourly_pay(frames, codes, y, p_y)
    key = pd.MultiIndex.from_frame(a[["person_id", "employment_no"]])
    a["pay"] = rate.reindex(key).to_numpy() if len(a) else np.array([], dtype="float64")
    a["pay_missing"] = a["pay"].isna()
    emp_sector = last_periods(p_y, ["person_id", "employment_no"]).set_index(
        ["person_id", "employment_no"])["sector"]
    a["emp_sector"] = emp_sector.reindex(key).to_numpy() if len(a) else np.array([], dtype=object)
    a["emp_sector"] = a["emp_sector"].where(a["emp_sector"].notna(), a["sector"])
    fallback = a["emp_sector"].map(med).astype("float64").fillna(org_med if org_med is not None else 0.0)
    a["pay"] = a["pay"].astype("float64").fillna(fallback)
    a["indirect"] = a["paid_hours"] * a["pay"] * (1 + g.side_cost_pct / 100.0)
    put("indirect_cost_eur", _sum_by(a["indirect"], a["sector"]), float(a["indirect"].sum()))
    put("total_cost_eur",
        {s: per_sector[s]["direct_cost_eur"] + per_sector[s]["indirect_cost_eur"] for s in sectors},
        orgf["direct_cost_eur"] + orgf["indirect_cost_eur"])
    put("budget_eur", {s: float(g.budgets[s]) for s in sectors if s in g.budgets},
        float(sum(g.budgets.values())))

    # --- trained ------------------------------------------------------------------------------
    trained = pd.Index(a.loc[a["hours"] > 0, "person_id"].unique())
    put("persons_trained", sector_of.reindex(trained).value_counts().to_dict(), int(len(trained)))

    # --- goal discussions -----------------------------------------------------------------------
    emps = periods.groupby(["person_id", "employment_no"])["start"].min().rename("emp_start")
    cur = covering[["person_id", "employment_no"]].drop_duplicates().join(
        emps, on=["person_id", "employment_no"])
    cut = y.end - pd.DateOffset(months=g.discussion_eligibility_months)
    eligible = pd.Index(cur.loc[cur["emp_start"] <= cut, "person_id"].unique())
    put("discussions_eligible", sector_of.reindex(eligible).value_counts().to_dict(), int(len(eligible)))
    d = frames["discussions"]
    held_on = pd.to_datetime(d["held_on"])
    dq = d[(d["year"] == year) & (d["status"] == "käyty") & (held_on >= y.start)
           & (held_on <= y.end) & d["person_id"].isin(eligible)].copy()
    held = pd.Index(dq["person_id"].unique())
    put("discussions_held", sector_of.reindex(held).value_counts().to_dict(), int(len(held)))

    # --- needs --------------------------------------------------------------------------------
    nd = frames["needs"]
    n = nd[(nd["delivery"] == "koulutus") & nd["discussion_id"].isin(dq["discussion_id"])].merge(
        dq[["discussion_id", "held_on", "person_id"]].rename(columns={"person_id": "d_person"}),
        on="discussion_id", how="left")
    n["sector"] = n["person_id"].map(sector_of).fillna(n["d_person"].map(sector_of)).astype("str")
    n["held_on"] = pd.to_datetime(n["held_on"])
    n["window_end"] = add_months(n["held_on"], pd.Series(g.needs_window_months, index=n.index))
    cand = tr_all[(tr_all["status"] != "peruttu") & (tr_all["hours"] > 0)][
        ["person_id", "competence_area", "start"]]
    m = n[["need_id", "person_id", "competence_area", "held_on", "window_end"]].merge(
        cand, on=["person_id", "competence_area"])
    done = pd.Index(m.loc[(m["start"] >= m["held_on"]) & (m["start"] <= m["window_end"]), "need_id"].unique())
    n["fulfilled"] = n["need_id"].isin(done)
    put("needs_recorded", n.groupby("sector").size().to_dict(), int(len(n)))
    put("needs_fulfilled", _sum_by(n["fulfilled"].astype("int64"), n["sector"]), int(n["fulfilled"].sum()))

    # --- supervisors ----------------------------------------------------------------------------
    req = g.supervisor_level_required
    sup_p = covering[covering["supervisor"] == "K"].copy()
    sup_p["grace_end"] = add_months(sup_p["supervisor_since"], pd.Series(req.within_months, index=sup_p.index))
    sup = sup_p.groupby("person_id")["grace_end"].max()
    lv = tr_all[(tr_all["status"] == "suoritettu") & tr_all["management_level"].notna()
                & (tr_all["start"] <= y.end)]
    highest = lv.assign(level=lv["management_level"].astype("int64")).groupby("person_id")["level"].max()
    sup_level = highest.reindex(sup.index).fillna(0).astype("int64")
    in_grace = sup.notna() & (y.end < sup)
    compliant = (sup_level >= req.level) | in_grace
    sup_sector = sector_of.reindex(sup.index)
    put("supervisors", sup_sector.value_counts().to_dict(), int(len(sup)))
    put("supervisors_compliant", _sum_by(compliant.astype("int64"), sup_sector), int(compliant.sum()))
    for lvl in range(5):
        hit = (sup_level == lvl).astype("int64")
        put(f"supervisors_level_{lvl}", _sum_by(hit, sup_sector), int(hit.sum()))

    # --- applications ---------------------------------------------------------------------------
    ext_required = g.application.external == "required"
    a["app_required"] = ((a["training_type"] == "ulkoinen") & ext_required) | (
        a["hours"] > g.application.internal_over_hours) & ((a["training_type"] != "ulkoinen") | ~ext_required)
    need_rank = a["direct"].map(g.lowest_role_rank_for) if len(a) else pd.Series([], dtype="int64")
    rank = a["approver"].map({r: i for i, r in enumerate(ROLES)}).astype("float64").fillna(-1)
    approved = pd.to_datetime(a["approved_on"])
    a["app_missing"] = approved.isna()
    a["app_late"] = approved.notna() & (approved > a["start"])
    a["app_below"] = approved.notna() & (rank < need_rank)
    a["app_ok"] = ~a["app_missing"] & ~a["app_late"] & ~a["app_below"]
    r = a[a["app_required"]]
    put("applications_required", r.groupby("sector").size().to_dict(), int(len(r)))
    put("applications_compliant", _sum_by(r["app_ok"].astype("int64"), r["sector"]), int(r["app_ok"].sum()))

    # --- ratios -------------------------------------------------------------------------------
    for f in [orgf] + [per_sector[s] for s in sectors]:
        f["training_days_per_htv"] = ratio(f["training_days"], f["htv"])
        f["direct_cost_per_htv_eur"] = ratio(f["direct_cost_eur"], f["htv"])
        f["total_cost_per_htv_eur"] = ratio(f["total_cost_eur"], f["htv"])
        f["budget_use_pct"] = ratio(f["direct_cost_eur"], f.get("budget_eur") or 0, 100)
        f["share_trained_pct"] = ratio(f["persons_trained"], f["persons_employed"], 100)
        f["discussion_coverage_pct"] = ratio(f["discussions_held"], f["discussions_eligible"], 100)
        f["needs_fulfilment_pct"] = ratio(f["needs_fulfilled"], f["needs_recorded"], 100)
        f["supervisor_compliance_pct"] = ratio(f["supervisors_compliant"], f["supervisors"], 100)
        f["application_compliance_pct"] = ratio(f["applications_compliant"], f["applications_required"], 100)
    for s in sectors:
        if s not in g.budgets:
            per_sector[s]["budget_eur"] = None
    orgf = {k: _py(orgf[k]) for k in PERSON_FIGURES}
    per_sector = {s: {k: _py(per_sector[s][k]) for k in PERSON_FIGURES} for s in sectors}

    # --- equity -------------------------------------------------------------------------------
    pdays = (a.groupby("person_id")["hours"].sum() / dh).reindex(groups.index).fillna(0.0)
    gt = groups.assign(trained=groups.index.isin(trained), days=pdays.to_numpy())
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

    # --- findings -----------------------------------------------------------------------------
    detail = _findings(frames, g, codes, y, periods, groups, a, sup_sector, compliant, sup_level,
                       tr_all)
    findings = []
    if len(detail):
        agg = detail.groupby(["code", "sector"], sort=True).agg(
            count=("code", "size"), amount_eur=("amount_eur", "sum"))
        for (code, sector), row in agg.iterrows():
            item = {"code": code, "severity": FINDINGS[code][0], "sector": sector, "count": int(row["count"])}
            if code == "repayment_case":
                item["amount_eur"] = float(row["amount_eur"])
            findings.append(item)

    return Figures(
        year=year,
        organisation=orgf,
        sectors=per_sector,
        groups=group_out,
        equity_gap_pct_points=gaps,
        findings=findings,
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


def _findings(frames, g: Guideline, codes: CodeMapping, y: Year, periods, groups, a, sup_sector,
              compliant, sup_level, tr_all) -> pd.DataFrame:
    """Person-level guideline deviations (HR-internal)."""
    cols = ["code", "severity", "sector", "person_id", "employment_no", "participation_id",
            "reason", "amount_eur"]
    parts: list[pd.DataFrame] = []

    def add(code: str, df: pd.DataFrame, reason, amount=0.0) -> None:
        """reason: a text, or a function of df giving one text per row (called only when df has rows)."""
        if df.empty:
            return
        if callable(reason):
            reason = reason(df)
        parts.append(pd.DataFrame({
            "code": code,
            "severity": FINDINGS[code][0],
            "sector": df["sector"].astype("str").to_numpy(),
            "person_id": df["person_id"].astype("str").to_numpy(),
            "employment_no": df["employment_no"].to_numpy() if "employment_no" in df else pd.NA,
            "participation_id": df["participation_id"].to_numpy() if "participation_id" in df else None,
            "reason": reason.to_numpy() if isinstance(reason, pd.Series) else reason,
            "amount_eur": amount.to_numpy() if isinstance(amount, pd.Series) else amount,
        }))

    r = a[a["app_required"]]
    add("application_missing", r[r["app_missing"]], "no approval date")
    late = r[r["app_late"]]
    add("application_late", late, lambda d: "approved " + d["approved_on"].dt.strftime("%-d.%-m.%Y")
        + ", training started " + d["start"].dt.strftime("%-d.%-m.%Y"))
    below = r[r["app_below"]]
    add("approver_below_limit", below, lambda d:
        "approver " + d["approver"].fillna("(empty)").astype("str") + " for "
        + d["direct"].map(lambda v: f"{v:.2f}").astype("str") + " €")

    ppd = (a.groupby("person_id")["paid_hours"].sum() / g.training_day_hours)
    over = ppd[ppd > g.paid_days_cap]
    if len(over):
        df = pd.DataFrame({"person_id": over.index, "sector": over.index.map(groups["sector"])})
        add("paid_days_over_cap", df,
            pd.Series([f"{v:.2f} paid training days" for v in over], index=df.index))

    c = g.commitment
    needs_c = (a["direct"] >= c.min_direct_cost_eur) | (a["hours"] / g.training_day_hours >= c.min_training_days)
    cm = a["commitment_months"].astype("float64")
    miss = a[needs_c & (cm.isna() | (cm < c.months))]
    add("commitment_missing", miss, lambda d: "commitment " + cm[d.index].map(
        lambda v: "empty" if pd.isna(v) else f"{int(v)} months").astype("str")
        + f", {c.months} required")

    # repayment: an employment that ended in Y inside a commitment period of any year's training
    ends = periods.groupby(["person_id", "employment_no"]).agg(
        emp_end=("end_eff", "max"), sector=("sector", "last"))
    ended = ends[(ends["emp_end"] >= y.start) & (ends["emp_end"] <= y.end)]
    com = tr_all[(tr_all["status"] != "peruttu") & (tr_all["commitment_months"].astype("float64") > 0)].copy()
    if len(com) and len(ended):
        com["c_start"] = pd.to_datetime(com["end"]).fillna(com["start"])
        com["c_end"] = add_months(com["c_start"], com["commitment_months"].astype("float64"))
        com = com.join(ended, on=["person_id", "employment_no"], how="inner")
        hit = com[(com["emp_end"] >= com["c_start"]) & (com["emp_end"] < com["c_end"])].copy()
        if len(hit):
            left = (hit["c_end"] - hit["emp_end"]).dt.days
            total = (hit["c_end"] - hit["c_start"]).dt.days
            amount = net_direct(hit) * left / total
            hit["sector"] = hit["person_id"].map(groups["sector"]).fillna(hit["sector"])
            add("repayment_case", hit, lambda d:
                "employment ended " + d["emp_end"].dt.strftime("%-d.%-m.%Y") + ", commitment until "
                + d["c_end"].dt.strftime("%-d.%-m.%Y"), amount.round(2))

    bad_sup = compliant[~compliant].index
    if len(bad_sup):
        df = pd.DataFrame({"person_id": bad_sup, "sector": sup_sector.reindex(bad_sup).to_numpy()})
        add("supervisor_level_missing", df, pd.Series(
            [f"highest completed level {sup_level[p]}, required {g.supervisor_level_required.level}"
             for p in bad_sup], index=df.index))

    nopay = a[a["pay_missing"]].drop_duplicates(["person_id", "employment_no"])
    add("pay_data_missing", nopay, "no regular pay lines paid in the year")

    # training register vs payroll training absences, per employment, calendar days in Y
    forms = ("määrätty", "palkallinen vapaa", "osittain palkallinen vapaa")
    reg = a[a["form"].isin(forms)].copy()
    reg["s"] = reg["start"].clip(lower=y.start)
    reg["e"] = pd.to_datetime(reg["end"]).fillna(reg["start"]).clip(upper=y.end)
    reg = reg[reg["s"] <= reg["e"]]
    rd = expand_days(reg, "s", "e", ["person_id", "employment_no"]).drop_duplicates()
    rcount = rd.groupby(["person_id", "employment_no"]).size()
    ab = frames["absences"]
    kou = ab[ab["absence_code"].map(codes.absence_codes) == "training"].copy()
    kou["s"] = pd.to_datetime(kou["start"]).clip(lower=y.start)
    kou["e"] = pd.to_datetime(kou["end"]).clip(upper=y.end)
    kou = kou[kou["s"] <= kou["e"]]
    kd = expand_days(kou, "s", "e", ["person_id", "employment_no"]).drop_duplicates()
    kcount = kd.groupby(["person_id", "employment_no"]).size()
    both = pd.concat([rcount.rename("register"), kcount.rename("payroll")], axis=1).fillna(0)
    both = both[(both["register"] - both["payroll"]).abs() > 1]
    both = both[both.index.get_level_values(0).isin(groups.index)]
    if len(both):
        df = both.reset_index().rename(columns={"level_0": "person_id", "level_1": "employment_no"})
        df["sector"] = df["person_id"].map(groups["sector"])
        add("training_absence_mismatch", df, pd.Series(
            [f"register {int(x)} days, payroll {int(yv)} days" for x, yv in zip(df["register"], df["payroll"])],
            index=df.index))

    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols})
    out = pd.concat(parts, ignore_index=True)[cols]
    return out.sort_values(["code", "sector", "person_id"], kind="mergesort").reset_index(drop=True)
