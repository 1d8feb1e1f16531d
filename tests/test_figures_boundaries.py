"""Hand-worked tests at every boundary DOMAIN §5 names (issue 15: the mutation guard).

Each test builds a tiny municipality as canonical frames (no files, no henkilötunnus: person
ids are plain employee numbers 20001…), computes the figures of 2025 (not a leap year: 365 days)
and checks one boundary from both sides, with the arithmetic written next to it. They exist
so that a mutant of osaava/figures.py (`<` for `<=`, a cut moved by a day, a state or a filter
dropped, a sort key reordered) fails at least one test; `make mutate` measures that.

Guideline: the Kauniainen example — 6 h a day, side costs 21 %, applications for external
training and internal over 4 h, approval limits ≤ 1 500 € supervisor / ≤ 5 000 € sector head,
paid-days cap 10, commitment at ≥ 3 000 € or ≥ 10 days for 24 months, supervisor level 1
within 12 months, discussions from 6 months of service, needs window 12 months, groups shown
from 5 persons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from osaava.figures import compute
from osaava.guideline import guideline_for_year, load_codes
from osaava.schema import ENTITIES, ROW, pandas_dtype

Y = 2025
D = 365
G = guideline_for_year(Y)
CODES = load_codes()
SECTOR_OF_CC = {"1100": "YH", "2100": "SIV"}


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# A tiny municipality as canonical frames (the shape connectors/files.py gives)


def _frame(entity: str, rows: list[dict]) -> pd.DataFrame:
    data = {}
    for c in ENTITIES[entity].loaded_columns:
        vals = [r.get(c.name) for r in rows]
        if c.kind == "date":
            data[c.name] = pd.Series(pd.to_datetime(vals), dtype="datetime64[s]")
        elif c.kind == "eur":
            data[c.name] = pd.Series([v or 0.0 for v in vals], dtype="float64")
        else:
            data[c.name] = pd.Series(vals, dtype=pandas_dtype(c.kind))
    df = pd.DataFrame(data)
    df[ROW] = np.arange(2, len(df) + 2, dtype="int64")
    return df


def emp(pid: str, start: str = "2020-01-01", end: str | None = None, cc: str = "1100", no: int = 1,
        pct: float = 100.0, sup: str = "E", since: str | None = None, gender: str = "N",
        born: int = 1980, kind: str = "vakinainen") -> dict:
    return dict(person_id=pid, employment_no=no, start=start, end=end, cost_centre=cc,
                employment_type=kind, working_time_form="yleistyöaika", working_time_pct=pct,
                supervisor=sup, supervisor_since=since, gender=gender, birth_year=born)


_n = iter(range(1, 10**6))


def tr(pid: str, start: str, hours: float = 2.0, *, no: int = 1, end: str | None = None,
       type_: str = "sisäinen", area: str = "AMM", level: str | None = None,
       form: str = "määrätty", paid_pct: float | None = None, fee: float = 0.0,
       subsidy: float = 0.0, approved_on: str | None = None, approver: str | None = None,
       commitment: int | None = None, status: str = "suoritettu") -> dict:
    i = next(_n)
    return dict(participation_id=f"P{i}", training_id=f"K{i}", person_id=pid, employment_no=no,
                training_type=type_, competence_area=area, management_level=level, start=start,
                end=end or start, hours=hours, form=form, paid_pct=paid_pct, fee=fee, subsidy=subsidy,
                approved_on=approved_on, approver=approver, commitment_months=commitment,
                status=status)


def pay(pid: str, pay_date: str, hours: float | None, amount: float, wage_type: str = "1001",
        no: int = 1) -> dict:
    return dict(person_id=pid, employment_no=no, pay_date=pay_date, wage_type=wage_type,
                cost_centre="1100", hours=hours, amount=amount)


def absence(pid: str, start: str, end: str, paid: str = "palkaton", code: str = "MUU",
            no: int = 1) -> dict:
    return dict(person_id=pid, employment_no=no, absence_code=code, start=start, end=end, paid=paid)


def disc(pid: str, held_on: str | None, status: str = "käyty", year: int = Y, did: str | None = None) -> dict:
    return dict(discussion_id=did or f"D{pid}", person_id=pid, supervisor_id="20000", year=year,
                status=status, held_on=held_on)


def need(pid: str, did: str, area: str = "AMM", delivery: str = "koulutus", nid: str | None = None) -> dict:
    return dict(need_id=nid or f"N{next(_n)}", discussion_id=did, person_id=pid,
                competence_area=area, priority="1", delivery=delivery)


def city(employments, trainings=(), payroll=(), absences=(), discussions=(), needs=()) -> dict:
    org = [dict(cost_centre=c, sector=s, sector_name=s, sector_name_sv=s) for c, s in SECTOR_OF_CC.items()]
    return {
        "organisation": _frame("organisation", org),
        "employments": _frame("employments", list(employments)),
        "payroll": _frame("payroll", list(payroll)),
        "absences": _frame("absences", list(absences)),
        "trainings": _frame("trainings", list(trainings)),
        "discussions": _frame("discussions", list(discussions)),
        "needs": _frame("needs", list(needs)),
    }


def figures(g=G, **kw):
    return compute(city(**kw), g, CODES, Y)


def found(f, code: str) -> int:
    return sum(x["count"] for x in f.findings if x["code"] == code)


# ---------------------------------------------------------------------------------------------
# Persons employed and in service on 31.12.


@pytest.mark.parametrize("start,end,employed,year_end", [
    ("2020-01-01", "2024-12-31", 0, 0),   # ended the day before Y
    ("2020-01-01", "2025-01-01", 1, 0),   # one day in Y
    ("2025-12-31", None, 1, 1),           # started on the last day of Y
    ("2026-01-01", None, 0, 0),           # starts the day after Y
    ("2020-01-01", "2025-12-30", 1, 0),   # left the day before 31.12.
    ("2020-01-01", "2025-12-31", 1, 1),   # left on 31.12.: still in service that day
])
def test_employed_and_year_end_headcount_include_both_ends(start, end, employed, year_end):
    f = figures(employments=[emp("20001", start, end)])
    assert f.organisation["persons_employed"] == employed
    assert f.organisation["headcount_year_end"] == year_end


def test_htv_counts_both_ends_and_distinct_unpaid_days_only():
    # 20001 full 2025 at 100 %: 365 days; unpaid 30.12.2024–2.1.2025 → 2 days in Y, an overlapping
    #   unpaid 2.1.–3.1. adds only 3.1. → 3 days; paid and partly paid leave deduct nothing.
    #   (365 − 3) / 365 = 362 / 365
    # 20002 from 31.12.2025 at 50 %: 1 day × 0.5 = 0.5 / 365
    # 20003 1.1.–1.1.2025 at 100 %: 1 / 365; an unpaid absence of their other employment no 2
    #   (1.1.) does not touch employment 1. Employment 2 runs 1.1.–1.1. too: 1 − 1 = 0.
    f = figures(
        employments=[emp("20001"), emp("20002", "2025-12-31", pct=50.0),
                     emp("20003", "2025-01-01", "2025-01-01"),
                     emp("20003", "2025-01-01", "2025-01-01", no=2)],
        absences=[absence("20001", "2024-12-30", "2025-01-02"),
                  absence("20001", "2025-01-02", "2025-01-03"),
                  absence("20001", "2025-03-01", "2025-03-31", paid="palkallinen", code="SAI"),
                  absence("20001", "2025-05-01", "2025-05-31", paid="osittain", code="PER"),
                  absence("20003", "2025-01-01", "2025-01-01", no=2)])
    assert f.organisation["htv"] == approx((362 + 0.5 + 1 + 0) / D)


def test_htv_is_split_by_period_but_persons_follow_the_last_period():
    # one employment: YH 1.1.–30.6. at 100 % (181 days), SIV 1.7.– at 60 % (184 × 0.6 = 110.4)
    f = figures(employments=[emp("20001", "2020-01-01", "2025-06-30", cc="1100"),
                             emp("20001", "2025-07-01", None, cc="2100", pct=60.0)])
    assert f.sectors["YH"]["htv"] == approx(181 / D)
    assert f.sectors["SIV"]["htv"] == approx(110.4 / D)
    assert (f.sectors["YH"]["persons_employed"], f.sectors["SIV"]["persons_employed"]) == (0, 1)
    assert f.groups["working_time"] == {"part_time": {
        "persons_employed": 1, "persons_trained": 0, "share_trained_pct": 0.0,
        "training_days_per_person": 0.0}}


# ---------------------------------------------------------------------------------------------
# The last period: latest Alkupvm, then latest Loppupvm (ongoing latest), then highest number


def _sector_of_one(employments) -> str:
    f = figures(employments=employments)
    got = [s for s, v in f.sectors.items() if v["persons_employed"] == 1]
    assert f.organisation["persons_employed"] == 1 and len(got) == 1
    return got[0]


def test_last_period_latest_start_wins_over_later_end_and_higher_number():
    # employment 2 (YH) started earlier but is ongoing; employment 1 (SIV) started later and ends
    # 30.11.: the latest Alkupvm decides → SIV. (Ordering by end or by number first gives YH.)
    assert _sector_of_one([emp("20001", "2025-02-01", "2025-11-30", cc="2100", no=1),
                           emp("20001", "2025-01-01", None, cc="1100", no=2)]) == "SIV"


def test_last_period_same_start_ongoing_wins_over_a_dated_end():
    # same Alkupvm; employment 1 (SIV) ongoing, employment 2 (YH) ends 31.12.2026: the ongoing one
    # is the latest end → SIV. (Ordering by number before end gives YH.)
    assert _sector_of_one([emp("20001", "2025-01-01", None, cc="2100", no=1),
                           emp("20001", "2025-01-01", "2026-12-31", cc="1100", no=2)]) == "SIV"


def test_last_period_same_start_later_end_wins():
    # same Alkupvm; employment 1 (SIV) ends 31.12.2026, employment 2 (YH) ends 30.12.2026 → SIV
    assert _sector_of_one([emp("20001", "2025-01-01", "2026-12-31", cc="2100", no=1),
                           emp("20001", "2025-01-01", "2026-12-30", cc="1100", no=2)]) == "SIV"


def test_last_period_full_tie_highest_employment_number_wins_whatever_the_row_order():
    # same Alkupvm and Loppupvm; number 2 (SIV) is the first row, number 1 (YH) the second:
    # the highest number decides → SIV (the file order must not).
    assert _sector_of_one([emp("20001", "2025-01-01", None, cc="2100", no=2),
                           emp("20001", "2025-01-01", None, cc="1100", no=1)]) == "SIV"


def test_group_attributes_come_from_the_last_period():
    # 20001 was part-time N born 1996 (age 29, under 30) in an earlier period of the same year,
    # then full-time M born 1995 (age 30) in the last period: the last period decides.
    f = figures(employments=[
        emp("20001", "2020-01-01", "2025-03-31", pct=50.0, gender="N", born=1996, kind="määräaikainen"),
        emp("20001", "2025-04-01", None, no=2, pct=100.0, gender="M", born=1995)])
    assert set(f.groups["gender"]) == {"M"}
    assert set(f.groups["age_band"]) == {"30_49"}
    assert set(f.groups["working_time"]) == {"full_time"}
    assert set(f.groups["employment_type"]) == {"vakinainen"}


@pytest.mark.parametrize("born,band", [(1996, "under_30"), (1995, "30_49"), (1976, "30_49"),
                                       (1975, "50_plus")])
def test_age_bands_at_their_ends(born, band):
    # age = 2025 − Syntymävuosi: 29 → under_30, 30 → 30_49, 49 → 30_49, 50 → 50_plus
    f = figures(employments=[emp("20001", born=born)])
    assert set(f.groups["age_band"]) == {band}


# ---------------------------------------------------------------------------------------------
# Participations of Y: by Alkupvm; peruttu out of time and trained, in costs; keskeytetty in


def test_participation_belongs_to_the_year_of_its_start_both_ends_included():
    # 31.12.2024–2.1.2025 (started in 2024): out; 1.1.2025: in (1 h); 31.12.2025–2.1.2026: in (2 h);
    # 1.1.2026: out. Hours 1 + 2 = 3; direct 100 + 200 = 300.
    f = figures(employments=[emp("20001")], trainings=[
        tr("20001", "2024-12-31", 4.0, end="2025-01-02", fee=400.0),
        tr("20001", "2025-01-01", 1.0, fee=100.0),
        tr("20001", "2025-12-31", 2.0, end="2026-01-02", fee=200.0),
        tr("20001", "2026-01-01", 8.0, fee=800.0)])
    assert f.organisation["training_hours"] == 3.0
    assert f.organisation["direct_cost_eur"] == 300.0


def test_cancelled_counts_for_costs_only_interrupted_counts_fully():
    # 20001: keskeytetty 3 h (attended) → trained, 3 h, 0.5 days;
    # 20002: peruttu 6 h with a 500 € fee and 100 € travel → not trained, 0 h, but 600 € direct;
    #        its paid share never reaches indirect cost.
    # 20003: suoritettu 0 h (a webinar nobody attended) → not trained.
    f = figures(employments=[emp("20001"), emp("20002"), emp("20003")],
                payroll=[pay(p, "2025-05-15", 100.0, 2000.0) for p in ("20001", "20002", "20003")],
                trainings=[tr("20001", "2025-03-01", 3.0, status="keskeytetty"),
                           tr("20002", "2025-03-01", 6.0, fee=500.0, status="peruttu") | {"travel": 100.0},
                           tr("20003", "2025-03-01", 0.0)])
    o = f.organisation
    assert (o["persons_trained"], o["training_hours"], o["training_days"]) == (1, 3.0, 0.5)
    assert o["working_time_training_hours"] == 3.0 and o["paid_training_hours"] == 3.0
    assert o["direct_cost_eur"] == 600.0
    # indirect: 3 h × 20 €/h × 1.21 = 72.6 (the cancelled 6 h add nothing)
    assert o["indirect_cost_eur"] == approx(3 * 20 * 1.21)
    assert o["share_trained_pct"] == approx(100 / 3)


def test_trained_from_any_hours_above_zero_per_sector():
    # YH: 20001 trains 0.5 h (trained), 20002 0 h (not); SIV: 20003 not at all → YH 1 of 2, SIV 0 of 1
    f = figures(employments=[emp("20001"), emp("20002"), emp("20003", cc="2100")],
                trainings=[tr("20001", "2025-03-01", 0.5), tr("20002", "2025-03-01", 0.0)])
    assert (f.organisation["persons_trained"], f.sectors["YH"]["persons_trained"],
            f.sectors["SIV"]["persons_trained"]) == (1, 1, 0)
    assert f.sectors["YH"]["share_trained_pct"] == approx(50.0)


def test_training_of_a_person_not_employed_in_the_year_counts_nowhere():
    # 20002 left 31.12.2024; their 2025 training (5 h, 100 €) counts for no figure.
    f = figures(employments=[emp("20001"), emp("20002", "2020-01-01", "2024-12-31")],
                trainings=[tr("20002", "2025-02-01", 5.0, fee=100.0, type_="ulkoinen")])
    o = f.organisation
    assert (o["training_hours"], o["direct_cost_eur"], o["persons_trained"],
            o["applications_required"]) == (0.0, 0.0, 0, 0)


def test_paid_share_of_each_form():
    # 10 h each: määrätty with a stray 30 % → 10; palkallinen vapaa empty % → 10;
    # palkallinen vapaa 40 % → 4; osittain palkallinen vapaa 50 % → 5; palkaton vapaa 0; oma aika 0.
    # paid = 29 h; working-time (määrätty) = 10 h; all hours = 60.
    f = figures(employments=[emp("20001")], trainings=[
        tr("20001", "2025-02-01", 10.0, form="määrätty", paid_pct=30.0),
        tr("20001", "2025-02-02", 10.0, form="palkallinen vapaa"),
        tr("20001", "2025-02-03", 10.0, form="palkallinen vapaa", paid_pct=40.0),
        tr("20001", "2025-02-04", 10.0, form="osittain palkallinen vapaa", paid_pct=50.0),
        tr("20001", "2025-02-05", 10.0, form="palkaton vapaa", paid_pct=100.0),
        tr("20001", "2025-02-06", 10.0, form="oma aika", paid_pct=100.0)])
    o = f.organisation
    assert (o["training_hours"], o["working_time_training_hours"], o["paid_training_hours"]) == (60.0, 10.0, 29.0)


def test_direct_cost_is_net_of_subsidy_and_sums_every_item():
    # 100 fee + 20 travel + 30 lodging + 40 per diems − 15 subsidy = 175
    t = tr("20001", "2025-02-01", 1.0, fee=100.0, subsidy=15.0) | {"travel": 20.0, "lodging": 30.0,
                                                                     "per_diem": 40.0}
    f = figures(employments=[emp("20001")], trainings=[t])
    assert f.organisation["direct_cost_eur"] == 175.0
    # budget use of YH: 175 / 60 000 × 100; the organisation's against 60 000 + 180 000 + 40 000
    assert f.sectors["YH"]["budget_use_pct"] == approx(175 / 60000 * 100)
    assert f.organisation["budget_use_pct"] == approx(175 / 280000 * 100)


# ---------------------------------------------------------------------------------------------
# Hourly pay: wage types 1000–1099 paid in Y; Σ Tunnit ≤ 0 is no pay data; sector median


def _indirect_of_one(payroll) -> tuple[float, int]:
    # 20001 has a 6 h määrätty training; a second employee 20002 in the same sector earns 30 €/h
    # so that a missing rate falls back to that median.
    f = figures(employments=[emp("20001"), emp("20002")],
                payroll=list(payroll) + [pay("20002", "2025-06-15", 100.0, 3000.0)],
                trainings=[tr("20001", "2025-03-01", 6.0)])
    return f.sectors["YH"]["indirect_cost_eur"], found(f, "pay_data_missing")


@pytest.mark.parametrize("lines,rate,missing", [
    # paid 31.12.2025: in → 2 000 / 100 = 20 €/h
    ([pay("20001", "2025-12-31", 100.0, 2000.0)], 20.0, 0),
    # paid 1.1.2025: in
    ([pay("20001", "2025-01-01", 100.0, 2000.0)], 20.0, 0),
    # paid 31.12.2024 or 1.1.2026: out → no pay data → the YH median 30 €/h
    ([pay("20001", "2024-12-31", 100.0, 2000.0)], 30.0, 1),
    ([pay("20001", "2026-01-01", 100.0, 2000.0)], 30.0, 1),
    # wage type 1099 is regular pay, 1100 a supplement, 999 nothing
    ([pay("20001", "2025-06-15", 100.0, 2000.0, "1099")], 20.0, 0),
    ([pay("20001", "2025-06-15", 100.0, 2000.0, "1100")], 30.0, 1),
    ([pay("20001", "2025-06-15", 100.0, 2000.0, "999")], 30.0, 1),
    # a negative correction is included: (2 000 − 400) / (100 − 20) = 20
    ([pay("20001", "2025-05-15", 100.0, 2000.0), pay("20001", "2025-06-15", -20.0, -400.0)], 20.0, 0),
    # empty Tunnit counts 0: 2 000 / (100 + 0) = 20, the 500 € still in the sum → 25
    ([pay("20001", "2025-05-15", 100.0, 2000.0), pay("20001", "2025-06-15", None, 500.0)], 25.0, 0),
    # Σ Tunnit = 0 → no pay data
    ([pay("20001", "2025-05-15", 10.0, 200.0), pay("20001", "2025-06-15", -10.0, -100.0)], 30.0, 1),
    # Σ Tunnit < 0 → no pay data
    ([pay("20001", "2025-06-15", -10.0, -100.0)], 30.0, 1),
])
def test_hourly_pay_boundaries(lines, rate, missing):
    indirect, n_missing = _indirect_of_one(lines)
    assert indirect == approx(6 * rate * 1.21)
    assert n_missing == missing


def test_sector_median_is_the_mean_of_the_middle_two_and_falls_back_to_the_organisation():
    # YH rates 10, 20, 40, 100, 1 000 (an odd count) → median 40: 20009 (YH, no pay) uses 40.
    # 20010 is in SIV, where nobody has pay data: the organisation's median, the same five → 40
    # (not 0).
    rates = {"20001": 10.0, "20002": 20.0, "20003": 40.0, "20004": 100.0, "20011": 1000.0}
    f = figures(employments=[emp(p) for p in rates] + [emp("20009"), emp("20010", cc="2100")],
                payroll=[pay(p, "2025-06-15", 10.0, r * 10) for p, r in rates.items()],
                trainings=[tr("20009", "2025-03-01", 6.0), tr("20010", "2025-03-01", 6.0)])
    assert f.sectors["YH"]["indirect_cost_eur"] == approx(6 * 40 * 1.21)
    assert f.sectors["SIV"]["indirect_cost_eur"] == approx(6 * 40 * 1.21)
    # an even count: drop 20011 → YH 10, 20, 40, 100 → (20 + 40) / 2 = 30
    del rates["20011"]
    f = figures(employments=[emp(p) for p in rates] + [emp("20009")],
                payroll=[pay(p, "2025-06-15", 10.0, r * 10) for p, r in rates.items()],
                trainings=[tr("20009", "2025-03-01", 6.0)])
    assert f.sectors["YH"]["indirect_cost_eur"] == approx(6 * 30 * 1.21)


def test_sector_median_uses_the_sector_of_each_employments_last_period():
    # SIV: 20001 at 10 €/h; YH: 20002 at 50 €/h. 20003's employment moved YH → SIV on 1.7.: its
    # pay data is missing, the median of SIV (its last period) is used: 6 h × 10 × 1.21.
    f = figures(employments=[emp("20001", cc="2100"), emp("20002", cc="1100"),
                             emp("20003", "2020-01-01", "2025-06-30", cc="1100"),
                             emp("20003", "2025-07-01", None, cc="2100")],
                payroll=[pay("20001", "2025-06-15", 10.0, 100.0), pay("20002", "2025-06-15", 10.0, 500.0)],
                trainings=[tr("20003", "2025-03-01", 6.0)])
    assert f.sectors["SIV"]["indirect_cost_eur"] == approx(6 * 10 * 1.21)


def test_fallback_pay_uses_the_employments_sector_not_the_persons():
    # SIV median 10 €/h (20001), YH median 50 €/h (20002); organisation median 30.
    # 20003: employment 1 in YH since 2020 (no pay lines), employment 2 in SIV from 1.6.2025 →
    #   the person's sector is SIV (latest start), but a training on employment 1 is paid at the
    #   YH median: 6 h × 50 × 1.21, counted in SIV.
    # 20004: employment 1 in SIV; a training recorded on employment 2, which ended in 2024 (no
    #   period in Y): the person's sector SIV median 10 → 6 h × 10 × 1.21.
    f = figures(employments=[emp("20001", cc="2100"), emp("20002", cc="1100"),
                             emp("20003", cc="1100", no=1), emp("20003", "2025-06-01", cc="2100", no=2),
                             emp("20004", "2025-01-01", cc="2100", no=1),
                             emp("20004", "2020-01-01", "2024-12-31", cc="1100", no=2)],
                payroll=[pay("20001", "2025-06-15", 10.0, 100.0), pay("20002", "2025-06-15", 10.0, 500.0)],
                trainings=[tr("20003", "2025-03-01", 6.0, no=1), tr("20004", "2025-03-01", 6.0, no=2)])
    assert f.sectors["SIV"]["indirect_cost_eur"] == approx((6 * 50 + 6 * 10) * 1.21)
    assert found(f, "pay_data_missing") == 2


# ---------------------------------------------------------------------------------------------
# Goal discussions: eligibility cut 30.6.; held = käyty, dated in Y, of year Y


@pytest.mark.parametrize("start,eligible", [
    ("2025-06-29", 1),
    ("2025-06-30", 1),   # exactly 6 calendar months before 31.12.: eligible (≤, not <)
    ("2025-07-01", 0),   # a cut on 1.7. would let this one in
    ("2025-12-31", 0),
])
def test_discussion_eligibility_cut_is_30_6(start, eligible):
    f = figures(employments=[emp("20001", start)], discussions=[disc("20001", "2025-12-01")])
    assert f.organisation["discussions_eligible"] == eligible
    assert f.organisation["discussions_held"] == eligible


def test_eligibility_uses_the_start_of_the_whole_employment_and_only_current_employments():
    # 20001: one employment 1.1.2020– moved to SIV on 1.7.2025 → its start is 1.1.2020: eligible.
    # 20002: employment 1 ended 30.12.2025 (not current), employment 2 from 1.9.2025 → not eligible.
    # 20003: employment 1 from 2020 ongoing and employment 2 from 1.9.2025 → eligible (any).
    f = figures(employments=[emp("20001", "2020-01-01", "2025-06-30"),
                             emp("20001", "2025-07-01", None, cc="2100"),
                             emp("20002", "2020-01-01", "2025-12-30"),
                             emp("20002", "2025-09-01", None, no=2),
                             emp("20003", "2020-01-01"), emp("20003", "2025-09-01", no=2)])
    assert f.organisation["discussions_eligible"] == 2
    assert (f.sectors["SIV"]["discussions_eligible"], f.sectors["YH"]["discussions_eligible"]) == (1, 1)


@pytest.mark.parametrize("status,held_on,year,held", [
    ("käyty", "2025-01-01", Y, 1),
    ("käyty", "2025-12-31", Y, 1),
    ("käyty", "2024-12-31", Y, 0),      # dated before Y
    ("käyty", "2026-01-01", Y, 0),      # dated after Y
    ("käyty", None, Y, 0),              # no date
    ("sovittu", "2025-05-15", Y, 0),    # planned, even with a date: not held
    ("ei käyty", "2025-05-15", Y, 0),
    ("käyty", "2025-01-15", Y - 1, 0),  # last year's discussion, held late
])
def test_discussion_held_only_when_kayty_and_dated_in_the_year(status, held_on, year, held):
    f = figures(employments=[emp("20001")], discussions=[disc("20001", held_on, status, year)])
    assert f.organisation["discussions_eligible"] == 1
    assert f.organisation["discussions_held"] == held
    assert f.organisation["discussion_coverage_pct"] == approx(100.0 * held)


def test_discussion_of_a_person_not_eligible_is_not_held():
    # 20002 started 1.9.2025: their käyty discussion does not count; coverage 1 / 1.
    f = figures(employments=[emp("20001"), emp("20002", "2025-09-01")],
                discussions=[disc("20001", "2025-03-01"), disc("20002", "2025-11-01")])
    assert (f.organisation["discussions_eligible"], f.organisation["discussions_held"]) == (1, 1)


# ---------------------------------------------------------------------------------------------
# Needs: from discussions held; fulfilled by a non-cancelled participation with hours, same
# area, from the discussion date to the date + 12 months, both ends included


@pytest.mark.parametrize("training,fulfilled", [
    (dict(start="2025-03-10"), 1),                      # on the discussion day
    (dict(start="2025-03-09"), 0),                      # the day before
    (dict(start="2026-03-10"), 1),                      # the window's last day (in Y + 1)
    (dict(start="2026-03-11"), 0),                      # the day after the window
    (dict(start="2025-06-01", hours=0.0), 0),           # 0 hours does not fulfil
    (dict(start="2025-06-01", hours=0.5), 1),           # half an hour does
    (dict(start="2025-06-01", status="peruttu"), 0),    # cancelled does not fulfil
    (dict(start="2025-06-01", status="keskeytetty"), 1),  # interrupted, attended hours: fulfils
    (dict(start="2025-06-01", area="TIED"), 0),         # another competence area
    (dict(start="2025-06-01", no=2), 1),                # the same person's other employment
    (dict(start="2025-06-01", pid="20002"), 0),         # somebody else's training
])
def test_need_fulfilment_window_and_filters(training, fulfilled):
    t = dict(training)
    pid = t.pop("pid", "20001")
    start = t.pop("start")
    hours = t.pop("hours", 2.0)
    f = figures(employments=[emp("20001"), emp("20001", "2024-01-01", no=2), emp("20002")],
                discussions=[disc("20001", "2025-03-10", did="D1")],
                needs=[need("20001", "D1", "AMM")],
                trainings=[tr(pid, start, hours, **t)])
    assert f.organisation["needs_recorded"] == 1
    assert f.organisation["needs_fulfilled"] == fulfilled


def test_needs_recorded_only_for_koulutus_from_discussions_held():
    # D1 käyty 10.3.2025: N1 koulutus (recorded), N2 työssä oppiminen (not), N3 muu (not).
    # D2 sovittu: its koulutus need N4 is not recorded.  D3 käyty but of 2024: N5 not recorded.
    f = figures(employments=[emp("20001"), emp("20002"), emp("20003")],
                discussions=[disc("20001", "2025-03-10", did="D1"),
                             disc("20002", "2025-03-10", "sovittu", did="D2"),
                             disc("20003", "2025-01-10", year=2024, did="D3")],
                needs=[need("20001", "D1", nid="N1"), need("20001", "D1", delivery="työssä oppiminen"),
                       need("20001", "D1", delivery="muu"), need("20002", "D2"), need("20003", "D3")])
    assert f.organisation["needs_recorded"] == 1
    assert f.organisation["needs_fulfilled"] == 0
    assert f.organisation["needs_fulfilment_pct"] == 0.0


def test_one_training_fulfils_every_need_of_its_area():
    # two AMM needs and one TIED need from D1; one AMM training → 2 of 3 fulfilled
    f = figures(employments=[emp("20001")], discussions=[disc("20001", "2025-03-10", did="D1")],
                needs=[need("20001", "D1", "AMM"), need("20001", "D1", "AMM"), need("20001", "D1", "TIED")],
                trainings=[tr("20001", "2025-04-01", 2.0, area="AMM")])
    assert (f.organisation["needs_recorded"], f.organisation["needs_fulfilled"]) == (3, 2)
    assert f.organisation["needs_fulfilment_pct"] == approx(200 / 3)


# ---------------------------------------------------------------------------------------------
# Supervisors: K on 31.12.; level completed (suoritettu, Alkupvm ≤ 31.12.); grace 12 months


@pytest.mark.parametrize("since,compliant", [
    ("2025-01-01", 1),   # grace until 1.1.2026: 31.12.2025 < 1.1.2026 → inside
    ("2024-12-31", 0),   # grace until 31.12.2025: 31.12.2025 < 31.12.2025 is false → over
    (None, 0),           # no date: no grace
])
def test_supervisor_grace_period_ends(since, compliant):
    f = figures(employments=[emp("20001", sup="K", since=since)])
    assert f.organisation["supervisors"] == 1
    assert f.organisation["supervisors_compliant"] == compliant
    assert f.organisation["supervisors_level_0"] == 1
    assert found(f, "supervisor_level_missing") == 1 - compliant


@pytest.mark.parametrize("level,start,status,compliant,highest", [
    ("1", "2025-12-31", "suoritettu", 1, 1),   # completed on the last day of Y
    ("1", "2026-01-01", "suoritettu", 0, 0),   # starts after Y
    ("1", "2010-05-01", "suoritettu", 1, 1),   # any year, even before becoming supervisor
    ("1", "2025-05-01", "keskeytetty", 0, 0),  # interrupted does not complete a level
    ("1", "2025-05-01", "peruttu", 0, 0),
    ("2", "2025-05-01", "suoritettu", 1, 2),   # higher than required
    ("4", "2025-05-01", "suoritettu", 1, 4),
])
def test_supervisor_level_completed(level, start, status, compliant, highest):
    f = figures(employments=[emp("20001", sup="K", since="2020-01-01")],
                trainings=[tr("20001", start, 8.0, area="JOHT", level=level, status=status)])
    assert f.organisation["supervisors_compliant"] == compliant
    assert [f.organisation[f"supervisors_level_{i}"] for i in range(5)] == [
        1 if i == highest else 0 for i in range(5)]


def test_supervisor_is_who_is_k_on_31_12_and_highest_level_counts():
    # 20001 K until 30.6., then E: not a supervisor. 20002 E then K from 1.7. (since 1.7.2025:
    # in grace). 20003 K with levels 1 and 3 → highest 3. 20004 K left on 31.12.: still counts.
    f = figures(employments=[emp("20001", "2020-01-01", "2025-06-30", sup="K", since="2020-01-01"),
                             emp("20001", "2025-07-01", sup="E"),
                             emp("20002", "2020-01-01", "2025-06-30", sup="E"),
                             emp("20002", "2025-07-01", sup="K", since="2025-07-01"),
                             emp("20003", sup="K", since="2015-01-01"),
                             emp("20004", "2020-01-01", "2025-12-31", sup="K", since="2015-01-01")],
                trainings=[tr("20003", "2016-01-01", level="1", area="JOHT"),
                           tr("20003", "2018-01-01", level="3", area="JOHT")])
    o = f.organisation
    assert (o["supervisors"], o["supervisors_compliant"]) == (3, 2)
    assert [o[f"supervisors_level_{i}"] for i in range(5)] == [2, 0, 0, 1, 0]
    assert o["supervisor_compliance_pct"] == approx(200 / 3)


# ---------------------------------------------------------------------------------------------
# Applications: ulkoinen always, sisäinen/verkko over 4 h; approved on or before Alkupvm by a
# role at or above the limit for the net direct cost (limits include their end)


@pytest.mark.parametrize("type_,hours,status,required", [
    ("sisäinen", 4.0, "suoritettu", 0),    # exactly 4 h: not over
    ("sisäinen", 4.5, "suoritettu", 1),
    ("verkko", 4.0, "suoritettu", 0),
    ("verkko", 4.5, "suoritettu", 1),
    ("ulkoinen", 1.0, "suoritettu", 1),    # external: always
    ("ulkoinen", 0.0, "suoritettu", 1),
    ("ulkoinen", 8.0, "peruttu", 0),       # cancelled: never
    ("sisäinen", 8.0, "keskeytetty", 1),
])
def test_application_required(type_, hours, status, required):
    f = figures(employments=[emp("20001")],
                trainings=[tr("20001", "2025-03-01", hours, type_=type_, status=status)])
    assert f.organisation["applications_required"] == required
    assert f.organisation["applications_compliant"] == 0
    assert found(f, "application_missing") == required


OPTIONAL = G.model_copy(update={"application": G.application.model_copy(update={"external": "optional"})})


@pytest.mark.parametrize("g,type_,hours,required", [
    (G, "ulkoinen", 1.0, 1),          # required: every external one
    (G, "ulkoinen", 4.5, 1),
    (G, "sisäinen", 4.5, 1),
    (G, "sisäinen", 4.0, 0),
    (OPTIONAL, "ulkoinen", 1.0, 0),   # optional: an external one only like the others, over 4 h
    (OPTIONAL, "ulkoinen", 4.0, 0),
    (OPTIONAL, "ulkoinen", 4.5, 1),
    (OPTIONAL, "verkko", 4.5, 1),
    (OPTIONAL, "sisäinen", 4.0, 0),
])
def test_application_required_under_each_external_rule(g, type_, hours, required):
    # The rule used to be written `(type != ulkoinen) | ~ext_required` with a Python bool: ~True
    # is −2 and ~False −1, both truthy, so that guard was always true. The figures happened to
    # be right under both rules (under `required` every external one is caught by the first
    # term anyway), so no figure here fails with the old code; this pins both rules, in the
    # figures and in the persons behind the application cells (osaava.disclosure.exposure).
    from osaava.disclosure import exposure

    frames = city(employments=[emp("20001")],
                  trainings=[tr("20001", "2025-03-01", hours, type_=type_)])
    f = compute(frames, g, CODES, Y)
    assert f.organisation["applications_required"] == required
    assert found(f, "application_missing") == required
    assert exposure(frames, f, g)["organisation"]["persons_applications"] == required


@pytest.mark.parametrize("fee,subsidy,approver,ok", [
    (1500.0, 0.0, "esihenkilö", 1),          # exactly 1 500 €: a supervisor may approve
    (1500.01, 0.0, "esihenkilö", 0),
    (1700.0, 200.0, "esihenkilö", 1),        # net after Tuki: 1 500
    (1500.01, 0.0, "toimialajohtaja", 1),
    (5000.0, 0.0, "toimialajohtaja", 1),     # exactly 5 000 €: a sector head may approve
    (5000.01, 0.0, "toimialajohtaja", 0),
    (5000.01, 0.0, "henkilöstöjohtaja", 1),
    (0.0, 0.0, "henkilöstöjohtaja", 1),      # a higher role is always allowed
    (0.0, 0.0, None, 0),                     # an approval date without an approver
])
def test_approver_limits_include_their_end(fee, subsidy, approver, ok):
    f = figures(employments=[emp("20001")],
                trainings=[tr("20001", "2025-03-01", 6.0, type_="ulkoinen", fee=fee, subsidy=subsidy,
                              approved_on="2025-02-01", approver=approver, commitment=24)])
    assert f.organisation["applications_required"] == 1
    assert f.organisation["applications_compliant"] == ok
    assert found(f, "approver_below_limit") == 1 - ok


@pytest.mark.parametrize("approved_on,ok,late,missing", [
    ("2025-03-01", 1, 0, 0),   # on Alkupvm: in time
    ("2025-02-28", 1, 0, 0),
    ("2025-03-02", 0, 1, 0),   # the day after: late
    (None, 0, 0, 1),
])
def test_approval_on_or_before_the_start(approved_on, ok, late, missing):
    f = figures(employments=[emp("20001")],
                trainings=[tr("20001", "2025-03-01", 6.0, type_="ulkoinen", approved_on=approved_on,
                              approver="esihenkilö")])
    assert f.organisation["applications_compliant"] == ok
    assert (found(f, "application_late"), found(f, "application_missing")) == (late, missing)
    assert f.organisation["application_compliance_pct"] == approx(100.0 * ok)


# ---------------------------------------------------------------------------------------------
# Paid-days cap and commitment


@pytest.mark.parametrize("trainings,over", [
    ([tr("20001", "2025-03-01", 60.0)], 0),                 # 60 / 6 = 10 days = the cap: not over
    ([tr("20001", "2025-03-01", 60.5)], 1),                 # 10.08 days
    ([tr("20001", "2025-03-01", 30.0), tr("20001", "2025-04-01", 31.0)], 1),  # summed: 61 h
    # partly paid 100 h at 60 % = 60 paid hours → 10 days: not over; at 61 % → 61 h: over
    ([tr("20001", "2025-03-01", 100.0, form="osittain palkallinen vapaa", paid_pct=60.0)], 0),
    ([tr("20001", "2025-03-01", 100.0, form="osittain palkallinen vapaa", paid_pct=61.0)], 1),
    ([tr("20001", "2025-03-01", 100.0, form="oma aika")], 0),   # own time is not paid
    ([tr("20001", "2025-03-01", 100.0, status="peruttu")], 0),
])
def test_paid_days_cap(trainings, over):
    f = figures(employments=[emp("20001")], trainings=trainings)
    assert found(f, "paid_days_over_cap") == over


@pytest.mark.parametrize("fee,subsidy,hours,months,status,missing", [
    (3000.0, 0.0, 6.0, None, "suoritettu", 1),     # exactly 3 000 €: required (≥)
    (2999.99, 0.0, 6.0, None, "suoritettu", 0),
    (3200.0, 200.0, 6.0, None, "suoritettu", 1),   # net 3 000 after Tuki
    (0.0, 0.0, 60.0, None, "suoritettu", 1),       # exactly 10 days: required (≥)
    (0.0, 0.0, 59.9, None, "suoritettu", 0),
    (3000.0, 0.0, 6.0, 24, "suoritettu", 0),       # 24 months given: enough
    (3000.0, 0.0, 6.0, 23, "suoritettu", 1),       # fewer than 24: missing
    (3000.0, 0.0, 6.0, None, "peruttu", 0),        # cancelled: no commitment needed
    (3000.0, 0.0, 6.0, None, "keskeytetty", 1),
])
def test_commitment_required_at_its_limits(fee, subsidy, hours, months, status, missing):
    f = figures(employments=[emp("20001")],
                trainings=[tr("20001", "2025-03-01", hours, type_="ulkoinen", fee=fee, subsidy=subsidy,
                              approved_on="2025-02-01", approver="henkilöstöjohtaja", commitment=months,
                              status=status)])
    assert found(f, "commitment_missing") == missing


@pytest.mark.parametrize("emp_end,amount", [
    # commitment from Loppupvm 30.6.2024 for 12 months → until 30.6.2025 (365 days)
    ("2025-06-30", None),            # ended on the commitment's last day: not inside
    ("2025-06-29", 3650 * 1 / 365),  # one day left: 10.00 €
    ("2025-01-01", 3650 * 180 / 365),  # 1.1. → 30.6. = 180 days left
    ("2024-12-31", None),            # ended before Y: not a case of Y
])
def test_repayment_case_inside_the_commitment(emp_end, amount):
    f = figures(employments=[emp("20001", "2020-01-01", emp_end), emp("20002")],
                trainings=[tr("20001", "2024-06-01", 30.0, end="2024-06-30", type_="ulkoinen", fee=3650.0,
                              approved_on="2024-05-01", approver="toimialajohtaja", commitment=12)])
    cases = [x for x in f.findings if x["code"] == "repayment_case"]
    if amount is None:
        assert cases == []
    else:
        assert [c["count"] for c in cases] == [1]
        assert cases[0]["amount_eur"] == approx(round(amount, 2))


def test_repayment_ignores_cancelled_trainings_and_runs_from_the_start_without_an_end():
    # peruttu with a commitment: no case. A training without Loppupvm runs from Alkupvm:
    # 1.3.2025 + 12 months = 1.3.2026 (365 days); employment ended 31.12.2025 → 60 days left:
    # 730 × 60 / 365 = 120.00 €.
    f = figures(employments=[emp("20001", "2020-01-01", "2025-12-31")],
                trainings=[tr("20001", "2025-02-01", 6.0, fee=9999.0, commitment=12, status="peruttu"),
                           tr("20001", "2025-03-01", 6.0, fee=730.0, commitment=12) | {"end": None}])
    cases = [x for x in f.findings if x["code"] == "repayment_case"]
    assert [c["count"] for c in cases] == [1]
    assert cases[0]["amount_eur"] == approx(120.0)


# ---------------------------------------------------------------------------------------------
# Training register vs payroll training absences: more than one day apart


@pytest.mark.parametrize("register_end,finding", [
    ("2025-03-03", 0),   # register 3 days (1.–3.3.), payroll 2: one day apart, no finding
    ("2025-03-04", 1),   # register 4 days, payroll 2: two days apart
])
def test_training_absence_mismatch_over_one_day(register_end, finding):
    f = figures(employments=[emp("20001")],
                trainings=[tr("20001", "2025-03-01", 6.0, end=register_end)],
                absences=[absence("20001", "2025-03-01", "2025-03-02", paid="palkallinen", code="KOU")])
    assert found(f, "training_absence_mismatch") == finding


def test_training_absence_mismatch_counts_only_paid_forms_and_the_year():
    # own-time training 1.–10.3. is not an absence: register 0, payroll 0 → no finding.
    # A määrätty training 30.12.2024–3.1.2025 started in 2024: not a participation of 2025.
    f = figures(employments=[emp("20001")],
                trainings=[tr("20001", "2025-03-01", 6.0, end="2025-03-10", form="oma aika"),
                           tr("20001", "2024-12-30", 6.0, end="2025-01-03")])
    assert found(f, "training_absence_mismatch") == 0


# ---------------------------------------------------------------------------------------------
# Equity gap: groups of at least suppression_min_persons persons; null under two such groups


def _equity(n_women: int, trained_women: int, n_men: int, trained_men: int):
    emps, trs = [], []
    for i in range(n_women):
        emps.append(emp(f"2{i:04d}", gender="N"))
        if i < trained_women:
            trs.append(tr(f"2{i:04d}", "2025-03-01", 6.0))
    for i in range(n_men):
        emps.append(emp(f"3{i:04d}", gender="M"))
        if i < trained_men:
            trs.append(tr(f"3{i:04d}", "2025-03-01", 12.0))
    return figures(employments=emps, trainings=trs)


def test_equity_gap_between_groups_of_exactly_the_threshold():
    # N 5 persons, 5 trained (100 %); M 5 persons, 1 trained (20 %): gap 80 points
    f = _equity(5, 5, 5, 1)
    assert f.equity_gap_pct_points["gender"] == approx(80.0)
    assert f.groups["gender"]["M"]["training_days_per_person"] == approx(2 / 5)
    assert f.groups["gender"]["N"]["training_days_per_person"] == approx(1.0)
    t = {x["key"]: x for x in f.targets}
    assert t["equity_gap_pct_points"]["value"] == approx(80.0)
    assert t["equity_gap_pct_points"]["met"] is False


def test_equity_gap_null_when_a_group_is_under_the_threshold():
    # M has 4 persons (< 5): only N is shown → no gap
    f = _equity(5, 5, 4, 1)
    assert f.equity_gap_pct_points["gender"] is None


def test_targets_at_their_limits():
    # 2 persons, both eligible and held → coverage 100 %; one trained 6 h → 50 % share (< 70 %);
    # htv 2.0, training days 1 → 0.5 per htv (< 2.0).
    f = figures(employments=[emp("20001"), emp("20002")],
                discussions=[disc("20001", "2025-03-01"), disc("20002", "2025-03-01")],
                trainings=[tr("20001", "2025-03-01", 6.0)])
    t = {x["key"]: x for x in f.targets}
    assert t["discussion_coverage_pct"]["met"] is True
    assert t["share_trained_pct"]["met"] is False and t["share_trained_pct"]["value"] == approx(50.0)
    assert t["training_days_per_htv"]["value"] == approx(0.5)
    assert t["training_days_per_htv"]["met"] is False
    # exactly 2.0 training days per htv (24 h over 2 htv) meets the target (≥)
    f = figures(employments=[emp("20001"), emp("20002")],
                trainings=[tr("20001", "2025-03-01", 12.0), tr("20002", "2025-03-01", 12.0)])
    t = {x["key"]: x for x in f.targets}
    assert t["training_days_per_htv"]["value"] == approx(2.0)
    assert t["training_days_per_htv"]["met"] is True


# ---------------------------------------------------------------------------------------------
# Survivors of the issue-15b mutation sample (budgets per sector, the unknown sector, the first
# day of a commitment)


def test_budget_only_for_the_sectors_the_guideline_budgets():
    # YH has a budget in the guideline; ZZ (a cost centre the guideline has no budget for) has
    # none: budget_eur and budget_use_pct are null there, not 0 / a ratio. The organisation's
    # budget is the sum of the guideline's budgets.
    frames = city(employments=[emp("20001", cc="1100"), emp("20002", cc="9900")],
                  trainings=[tr("20001", "2025-03-01", fee=600.0), tr("20002", "2025-03-01", fee=100.0)])
    org = [dict(cost_centre=c, sector=s, sector_name=s, sector_name_sv=s)
           for c, s in {**SECTOR_OF_CC, "9900": "ZZ"}.items()]
    frames["organisation"] = _frame("organisation", org)
    f = compute(frames, G, CODES, Y)
    assert "ZZ" not in G.budgets and "YH" in G.budgets
    assert f.sectors["YH"]["budget_eur"] == float(G.budgets["YH"])
    assert f.sectors["YH"]["budget_use_pct"] == approx(600.0 / G.budgets["YH"] * 100)
    assert f.sectors["ZZ"]["budget_eur"] is None and f.sectors["ZZ"]["budget_use_pct"] is None
    assert f.sectors["ZZ"]["direct_cost_eur"] == 100.0
    assert f.organisation["budget_eur"] == float(sum(G.budgets.values()))
    assert f.organisation["budget_use_pct"] == approx(700.0 / sum(G.budgets.values()) * 100)


def test_a_cost_centre_outside_the_organisation_counts_in_sector_question_mark():
    f = figures(employments=[emp("20001", cc="7777"), emp("20002", cc="1100")])
    assert f.sectors["?"]["persons_employed"] == 1
    assert f.sectors["YH"]["persons_employed"] == 1


@pytest.mark.parametrize("emp_end,amount", [
    # training 1.3.–3.3.2025, commitment 12 months from Loppupvm 3.3.2025 → 3.3.2026 (365 days)
    ("2025-03-03", 1200.0),          # ended on the commitment's first day: inside, all days left
    ("2025-03-02", None),            # ended the day before it began: not a case
])
def test_repayment_case_from_the_first_day_of_the_commitment(emp_end, amount):
    f = figures(employments=[emp("20001", "2020-01-01", emp_end), emp("20002")],
                trainings=[tr("20001", "2025-03-01", 18.0, end="2025-03-03", type_="ulkoinen",
                              fee=1200.0, approved_on="2025-02-01", approver="esihenkilö",
                              commitment=12)])
    cases = [x for x in f.findings if x["code"] == "repayment_case"]
    if amount is None:
        assert cases == []
    else:
        assert [c["count"] for c in cases] == [1]
        assert cases[0]["amount_eur"] == approx(amount)
