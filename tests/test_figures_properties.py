"""Invariants of the figures under hypothesis: random small municipalities, built as canonical
frames (the shape the connector gives)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osaava.figures import ADDITIVE, Year, compute, period_htv, periods_with_sector
from osaava.guideline import guideline_for_year, load_codes
from osaava.schema import ENTITIES, ROW, pandas_dtype

YEAR = 2024
G = guideline_for_year(YEAR)
CODES = load_codes()
BASE = dt.date(2022, 1, 1)
SECTORS = {"1100": "YH", "2100": "SIV", "3100": "YHD"}


def frame(entity: str, rows: list[dict]) -> pd.DataFrame:
    ent = ENTITIES[entity]
    data = {}
    for c in ent.loaded_columns:
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


def day(n: int) -> dt.date:
    return BASE + dt.timedelta(days=n)


@st.composite
def municipality(draw):
    n = draw(st.integers(1, 12))
    emp, pay, ab, tr, disc, needs = [], [], [], [], [], []
    for i in range(n):
        pid = str(10001 + i)
        # one employment of 1–3 consecutive periods, maybe ongoing
        start = draw(st.integers(0, 1200))
        nper = draw(st.integers(1, 3))
        s = start
        for k in range(nper):
            length = draw(st.integers(1, 500))
            last = k == nper - 1
            ongoing = last and draw(st.booleans())
            e = None if ongoing else s + length - 1
            emp.append(dict(person_id=pid, employment_no=1, start=day(s), end=day(e) if e is not None else None,
                            cost_centre=draw(st.sampled_from(sorted(SECTORS))),
                            employment_type=draw(st.sampled_from(["vakinainen", "määräaikainen"])),
                            working_time_form="yleistyöaika",
                            working_time_pct=float(draw(st.sampled_from([40, 60, 80, 100]))),
                            supervisor=draw(st.sampled_from(["K", "E"])),
                            supervisor_since=day(draw(st.integers(0, 1200))) if draw(st.booleans()) else None,
                            gender=draw(st.sampled_from(["N", "M", "X"])),
                            birth_year=draw(st.integers(1960, 2004))))
            if e is None:
                break
            s = e + 1
        for _ in range(draw(st.integers(0, 2))):
            a = draw(st.integers(0, 1200))
            ab.append(dict(person_id=pid, employment_no=1, absence_code=draw(st.sampled_from(["MUU", "KOU", "SAI"])),
                           start=day(a), end=day(a + draw(st.integers(0, 60))),
                           paid=draw(st.sampled_from(["palkaton", "palkallinen", "osittain"]))))
        if draw(st.booleans()):
            pay.append(dict(person_id=pid, employment_no=1, pay_date=day(draw(st.integers(700, 1100))),
                            wage_type="1001", hours=float(draw(st.integers(1, 160))),
                            amount=float(draw(st.integers(100, 6000)))))
        for j in range(draw(st.integers(0, 3))):
            t0 = draw(st.integers(600, 1200))
            form = draw(st.sampled_from(["määrätty", "palkallinen vapaa", "osittain palkallinen vapaa",
                                         "palkaton vapaa", "oma aika"]))
            tr.append(dict(participation_id=f"P{i}-{j}", person_id=pid, employment_no=1,
                           training_type=draw(st.sampled_from(["sisäinen", "ulkoinen", "verkko"])),
                           competence_area=draw(st.sampled_from(["AMM", "JOHT", "TIED"])),
                           management_level=draw(st.sampled_from([None, "1", "2", "3", "4"])),
                           start=day(t0), end=day(t0 + draw(st.integers(0, 4))),
                           hours=float(draw(st.integers(0, 40))), form=form,
                           paid_pct=50.0 if form == "osittain palkallinen vapaa" else None,
                           fee=float(draw(st.integers(0, 4000))), travel=float(draw(st.integers(0, 300))),
                           subsidy=float(draw(st.integers(0, 100))),
                           approved_on=day(t0 - draw(st.integers(-5, 30))) if draw(st.booleans()) else None,
                           approver=draw(st.sampled_from([None, "esihenkilö", "toimialajohtaja", "henkilöstöjohtaja"])),
                           commitment_months=draw(st.sampled_from([None, 12, 24])),
                           status=draw(st.sampled_from(["suoritettu", "keskeytetty", "peruttu"]))))
        if draw(st.booleans()):
            did = f"D{i}"
            disc.append(dict(discussion_id=did, person_id=pid, year=YEAR,
                             status=draw(st.sampled_from(["käyty", "sovittu", "ei käyty"])),
                             held_on=day(draw(st.integers(730, 1095)))))
            for k in range(draw(st.integers(0, 2))):
                needs.append(dict(need_id=f"N{i}-{k}", discussion_id=did, person_id=pid,
                                  competence_area=draw(st.sampled_from(["AMM", "JOHT", "TIED"])),
                                  delivery="koulutus"))
    org = [dict(cost_centre=c, sector=s, sector_name=s, sector_name_sv=s) for c, s in SECTORS.items()]
    return {
        "organisation": frame("organisation", org),
        "employments": frame("employments", emp),
        "payroll": frame("payroll", pay),
        "absences": frame("absences", ab),
        "trainings": frame("trainings", tr),
        "discussions": frame("discussions", disc),
        "needs": frame("needs", needs),
    }


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(municipality())
def test_no_employment_exceeds_one_htv(frames):
    y = Year.of(YEAR)
    p = periods_with_sector(frames)
    p_y = p[(p["start"] <= y.end) & (p["end_eff"] >= y.start)]
    per_emp = period_htv(p_y, frames["absences"], y).groupby(["person_id", "employment_no"])["htv"].sum()
    assert (per_emp <= 1.0 + 1e-12).all() and (per_emp >= 0).all()


@SETTINGS
@given(municipality())
def test_sectors_add_up_to_the_organisation(frames):
    f = compute(frames, G, CODES, YEAR)
    for key in ADDITIVE:
        if key == "budget_eur":
            continue
        total = sum(s[key] or 0 for s in f.sectors.values())
        assert total == pytest.approx(f.organisation[key], abs=1e-6), key


@SETTINGS
@given(municipality(), st.randoms(use_true_random=False))
def test_row_order_never_changes_a_figure(frames, rnd):
    a = compute(frames, G, CODES, YEAR)
    shuffled = {k: v.sample(frac=1.0, random_state=rnd.randint(0, 2**31)) for k, v in frames.items()}
    b = compute(shuffled, G, CODES, YEAR)
    assert a.organisation == pytest.approx(b.organisation)
    for s in a.sectors:
        assert a.sectors[s] == pytest.approx(b.sectors[s])
    assert a.groups == b.groups or _close(a.groups, b.groups)
    assert a.findings == b.findings


def _close(x, y) -> bool:
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_close(x[k], y[k]) for k in x)
    if x is None or y is None:
        return x is y
    return x == pytest.approx(y)


@SETTINGS
@given(municipality())
def test_percentages_stay_between_0_and_100(frames):
    f = compute(frames, G, CODES, YEAR)
    for figs in [f.organisation, *f.sectors.values()]:
        for k, v in figs.items():
            if k.endswith("_pct") and k != "budget_use_pct" and v is not None:
                assert 0 <= v <= 100, (k, v)
    for dim in f.groups.values():
        for g in dim.values():
            assert g["share_trained_pct"] is None or 0 <= g["share_trained_pct"] <= 100
    for gap in f.equity_gap_pct_points.values():
        assert gap is None or 0 <= gap <= 100


@SETTINGS
@given(municipality())
def test_without_trainings_costs_and_hours_are_zero_and_htv_unchanged(frames):
    a = compute(frames, G, CODES, YEAR)
    empty = dict(frames, trainings=frames["trainings"].iloc[0:0])
    b = compute(empty, G, CODES, YEAR)
    for k in ("training_hours", "training_days", "working_time_training_hours", "paid_training_hours",
              "direct_cost_eur", "indirect_cost_eur", "total_cost_eur", "persons_trained"):
        assert b.organisation[k] == 0
    assert b.organisation["htv"] == pytest.approx(a.organisation["htv"])
    assert b.organisation["persons_employed"] == a.organisation["persons_employed"]
