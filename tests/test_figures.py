"""Every figure of DOMAIN §5 against values worked out by hand from tests/small_city.py.

Year 2024 is a leap year: 366 days. Guideline: the Kauniainen example (6 h a day, side costs
21 %, budgets YH 60 000, SIV 180 000, YHD 40 000 → 280 000 in all).
"""

from __future__ import annotations

import pytest

from osaava.figures import add_months, compute
from osaava.guideline import guideline_for_year, load_codes

import pandas as pd

Y = 2024
D = 366


@pytest.fixture()
def fig(small_frames):
    # function scope (not module): each test computes, so that mutation testing (make mutate)
    # knows every test here reaches osaava.figures.compute
    return compute(small_frames, guideline_for_year(Y), load_codes(), Y)


@pytest.fixture()
def org(fig):
    return fig.organisation


@pytest.fixture()
def yh(fig):
    return fig.sectors["YH"]


@pytest.fixture()
def siv(fig):
    return fig.sectors["SIV"]


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-9)


def test_persons(org, yh, siv):
    # employed in 2024: 10001–10008 (10009 left 31.12.2023). Group sector = last period:
    # YH 10001, 10005, 10007; SIV 10002 (moved 1.7.), 10003, 10004, 10006, 10008.
    assert (org["persons_employed"], yh["persons_employed"], siv["persons_employed"]) == (8, 3, 5)
    # on 31.12.2024 everyone but 10007 (left 30.9.)
    assert (org["headcount_year_end"], yh["headcount_year_end"], siv["headcount_year_end"]) == (7, 2, 5)


def test_htv_leap_year_part_time_move_and_unpaid_leave(org, yh, siv):
    # YH: 10001 366 − 10 unpaid (1.–10.3.) = 356; 10002 1.1.–30.6. = 182 d × 60 % = 109.2;
    #     10005 366; 10007 1.1.–30.9. = 274.            → 1105.2 / 366
    # SIV: 10002 1.7.–31.12. = 184 d × 80 % = 147.2; 10003 1.8.–31.12. = 153;
    #      10004 366; 10006 366 − 5 unpaid (1.–5.1., the overlapping leave not twice) = 361;
    #      10008 1.3.–31.12. = 306 (partly paid leave does not reduce). → 1333.2 / 366
    assert yh["htv"] == approx(1105.2 / D)
    assert siv["htv"] == approx(1333.2 / D)
    assert org["htv"] == approx(2438.4 / D)


def test_training_time(org, yh, siv):
    # Non-cancelled 2024 hours of employed persons:
    # YH  T1 12 + T2 3 + T11 60 = 75 (T13 0 h; T5c cancelled)
    # SIV T3 12 + T4 10 + T5 30 + T7 2 + T7b 3 (interrupted, attended) + T9 6 + T12 6 = 69
    # (T15 cancelled; T10 of 10009 who was not employed; T14 is 2025)
    assert (org["training_hours"], yh["training_hours"], siv["training_hours"]) == (144, 75, 69)
    assert (org["training_days"], yh["training_days"], siv["training_days"]) == (24, 12.5, 11.5)
    assert org["training_days_per_htv"] == approx(24 / (2438.4 / D))
    assert yh["training_days_per_htv"] == approx(12.5 / (1105.2 / D))
    assert siv["training_days_per_htv"] == approx(11.5 / (1333.2 / D))
    # määrätty: YH T1 12 + T11 60 = 72; SIV T5 30 + T7 2 + T7b 3 + T9 6 + T12 6 = 47
    assert (org["working_time_training_hours"], yh["working_time_training_hours"],
            siv["working_time_training_hours"]) == (119, 72, 47)
    # paid share: määrätty 100 %, T3 paid leave with empty % → 100 %, T4 partly paid 50 %,
    # T2 own time 0 %: YH 72; SIV 47 + 12 + 10 × 0.5 = 64
    assert (org["paid_training_hours"], yh["paid_training_hours"],
            siv["paid_training_hours"]) == (136, 72, 64)


def test_costs(org, yh, siv):
    # direct = fee + travel + lodging + per diems − subsidy, cancelled included:
    # YH  T5c 500 (cancelled) + T11 1 500 = 2 000
    # SIV T3 800 + 120 = 920; T4 2 000 + 150 + 50 − 200 = 2 000; T5 3 500 + 100 + 400 − 500
    #     = 3 500; T12 300 → 6 720
    assert (org["direct_cost_eur"], yh["direct_cost_eur"], siv["direct_cost_eur"]) == (8720, 2000, 6720)
    # hourly pay (wage types 1000–1099 paid in 2024): 10001 (3000 + 3000 − 200) / (150 + 150 − 10)
    # = 20 (the 2023 line and the supplement are out); 10002 25; 10003 30; 10004 40; 10005 50;
    # 10006 35; 10007 28; 10008 hours empty → no pay data → SIV median of 25, 30, 35, 40 = 32.5.
    # indirect = paid hours × pay × 1.21:
    # YH  T1 12 × 20 + T11 60 × 20 = 1 440
    # SIV T3 12 × 25 + T4 5 × 30 + T5 30 × 40 + T7 2 × 35 + T7b 3 × 35 + T9 6 × 32.5 + T12 6 × 30
    #     = 300 + 150 + 1 200 + 70 + 105 + 195 + 180 = 2 200
    assert yh["indirect_cost_eur"] == approx(1440 * 1.21)
    assert siv["indirect_cost_eur"] == approx(2200 * 1.21)
    assert org["indirect_cost_eur"] == approx(3640 * 1.21)
    assert org["total_cost_eur"] == approx(8720 + 3640 * 1.21)
    assert yh["total_cost_eur"] == approx(2000 + 1440 * 1.21)
    assert org["direct_cost_per_htv_eur"] == approx(8720 / (2438.4 / D))
    assert siv["total_cost_per_htv_eur"] == approx((6720 + 2200 * 1.21) / (1333.2 / D))
    # budget use: YH 2 000 / 60 000; SIV 6 720 / 180 000; organisation 8 720 / 280 000
    assert yh["budget_use_pct"] == approx(2000 / 60000 * 100)
    assert siv["budget_use_pct"] == approx(6720 / 180000 * 100)
    assert org["budget_use_pct"] == approx(8720 / 280000 * 100)


def test_trained(org, yh, siv):
    # 10001, 10002, 10003, 10004, 10006, 10008; not 10005 (cancelled and 0 h) nor 10007
    assert (org["persons_trained"], yh["persons_trained"], siv["persons_trained"]) == (6, 1, 5)
    assert org["share_trained_pct"] == approx(6 / 8 * 100)
    assert yh["share_trained_pct"] == approx(1 / 3 * 100)
    assert siv["share_trained_pct"] == approx(100.0)


def test_discussions(org, yh, siv):
    # eligible: in service 31.12. and employment started by 30.6.2024: 10001, 10002 (the move on
    # 1.7. does not restart it), 10004, 10005, 10006, 10008 (1.3.); not 10003 (1.8.), not 10007.
    assert (org["discussions_eligible"], yh["discussions_eligible"], siv["discussions_eligible"]) == (6, 2, 4)
    # held (käyty, dated in 2024): 10001, 10002, 10006. Not 10003 (not eligible), 10004
    # (sovittu), 10005 (dated 20.1.2025), 10008 (a 2023 discussion), 10007 (not eligible).
    assert (org["discussions_held"], yh["discussions_held"], siv["discussions_held"]) == (3, 1, 2)
    assert org["discussion_coverage_pct"] == approx(50.0)
    assert yh["discussion_coverage_pct"] == approx(50.0)


def test_needs(org, yh, siv):
    # recorded (koulutus, from D1, D2, D6): N1, N2 (YH); N4, N5, N6, N7 (SIV). N3 is työssä
    # oppiminen; N8 belongs to D3 which is not counted.
    # fulfilled: N1 by T1 (TIED 10.4.2024 after 15.2.); N4 by T14 on 10.3.2025, exactly 12 months
    # after the discussion (both ends included). Not N5/N6 (trainings before the discussion),
    # not N7 (T15 cancelled), not N2 (no JOHT training).
    assert (org["needs_recorded"], yh["needs_recorded"], siv["needs_recorded"]) == (6, 2, 4)
    assert (org["needs_fulfilled"], yh["needs_fulfilled"], siv["needs_fulfilled"]) == (2, 1, 1)
    assert org["needs_fulfilment_pct"] == approx(2 / 6 * 100)


def test_supervisors(org, yh, siv):
    # 10004 in grace until 1.3.2025 (level 0); 10005 level 2 from 2019; 10006 level 1 only
    # interrupted → level 0, grace ended 1.6.2023 → not compliant.
    assert (org["supervisors"], org["supervisors_compliant"]) == (3, 2)
    assert (yh["supervisors"], yh["supervisors_compliant"]) == (1, 1)
    assert (siv["supervisors"], siv["supervisors_compliant"]) == (2, 1)
    assert org["supervisor_compliance_pct"] == approx(2 / 3 * 100)
    assert [org[f"supervisors_level_{i}"] for i in range(5)] == [2, 0, 1, 0, 0]


def test_applications(org, yh, siv):
    # required: external T3, T4, T5, T11, T12; internal over 4 h T1 (12 h), T9 (6 h).
    # Not: T2 online 3 h, T7 2 h, T7b 3 h, cancelled T5c/T15.
    # compliant: T1, T5 (3 500 € by a sector head), T9, T11 (exactly 1 500 € by a supervisor).
    # Not: T3 late, T4 2 000 € by a supervisor, T12 no approval.
    assert (org["applications_required"], org["applications_compliant"]) == (7, 4)
    assert (yh["applications_required"], yh["applications_compliant"]) == (2, 2)
    assert (siv["applications_required"], siv["applications_compliant"]) == (5, 2)
    assert org["application_compliance_pct"] == approx(4 / 7 * 100)


def test_sectors_add_up(fig):
    for key in ("persons_employed", "htv", "training_hours", "direct_cost_eur", "indirect_cost_eur",
                "persons_trained", "discussions_eligible", "needs_recorded", "supervisors"):
        assert sum(s[key] for s in fig.sectors.values()) == approx(fig.organisation[key])


def test_groups(fig):
    g = fig.groups
    # gender: N = 10001, 10003, 10004, 10006, 10007: 4 of 5 trained; days 12.5 + 16/6 + 5 + 5/6
    # + 0 = 21 → 4.2 per person. M = 10002, 10005: 1 of 2. X = 10008.
    assert g["gender"]["N"] == {"persons_employed": 5, "persons_trained": 4,
                                "share_trained_pct": approx(80.0), "training_days_per_person": approx(4.2)}
    assert g["gender"]["M"]["share_trained_pct"] == approx(50.0)
    assert g["gender"]["X"]["persons_employed"] == 1
    # age in 2024: 10002 28 and 10008 24 under 30; 10001 44, 10005 49, 10006 39, 10007 34;
    # 10003 54 and 10004 59 are 50 or over. 30–49: days (12.5 + 0 + 5/6 + 0) / 4.
    assert {k: v["persons_employed"] for k, v in g["age_band"].items()} == {
        "under_30": 2, "30_49": 4, "50_plus": 2}
    assert g["age_band"]["30_49"]["training_days_per_person"] == approx((12.5 + 5 / 6) / 4)
    # 10002 is part-time (80 % in the last period); 10003 is fixed-term
    assert g["working_time"]["part_time"]["persons_employed"] == 1
    assert g["employment_type"]["määräaikainen"]["persons_employed"] == 1
    assert g["sector"]["SIV"]["training_days_per_person"] == approx(11.5 / 5)
    # no dimension has two groups of at least 5 persons: no gap
    assert all(v is None for v in fig.equity_gap_pct_points.values())


def test_equity_gap_with_smaller_groups(small_frames):
    g = guideline_for_year(Y).model_copy(update={"suppression_min_persons": 2})
    fig = compute(small_frames, g, load_codes(), Y)
    gaps = fig.equity_gap_pct_points
    assert gaps["gender"] == approx(80.0 - 50.0)  # X (1 person) left out
    assert gaps["sector"] == approx(100.0 - 100 / 3)
    assert gaps["age_band"] == approx(100.0 - 50.0)
    assert gaps["employment_type"] is None  # määräaikainen has 1 person


def test_findings(fig):
    got = {(f["code"], f["sector"]): f["count"] for f in fig.findings}
    assert got == {
        ("application_late", "SIV"): 1,          # T3
        ("application_missing", "SIV"): 1,       # T12
        ("approver_below_limit", "SIV"): 1,      # T4
        ("commitment_missing", "SIV"): 1,        # T5 3 500 € without a commitment
        ("paid_days_over_cap", "YH"): 1,         # 10001: (12 + 60) / 6 = 12 days > 10
        ("pay_data_missing", "SIV"): 1,          # 10008
        ("repayment_case", "YH"): 1,             # 10007
        ("supervisor_level_missing", "SIV"): 1,  # 10006
        ("training_absence_mismatch", "SIV"): 1, # 10004: register 5 days, payroll 2
    }
    # 10003: register 3 days (T4 2 + T12 1), payroll 2 → differ by 1: no finding.
    # repayment: 3 600 € × days left (30.9.2024 → 30.11.2025 = 426) / commitment days
    # (30.11.2023 → 30.11.2025 = 731)
    rep = next(f for f in fig.findings if f["code"] == "repayment_case")
    assert rep["amount_eur"] == approx(round(3600 * 426 / 731, 2))
    detail = fig.findings_detail
    assert set(detail.loc[detail["code"] == "repayment_case", "person_id"]) == {"10007"}


def test_sector_names_from_the_organisation_file(fig):
    assert fig.sector_names == {"SIV": {"fi": "Sivistystoimi", "sv": "Bildningssektorn"},
                                "YH": {"fi": "Yleishallinto", "sv": "Allmänna förvaltningen"}}


def test_targets(fig):
    t = {x["key"]: x for x in fig.targets}
    assert t["training_days_per_htv"]["met"] is True
    assert t["discussion_coverage_pct"]["met"] is False
    assert t["share_trained_pct"]["met"] is True
    assert t["equity_gap_pct_points"]["met"] is None


def test_add_months_clips_to_month_end():
    s = pd.Series(pd.to_datetime(["2024-02-29", "2023-08-31", "2024-03-10"]))
    out = add_months(s, pd.Series([12, 6, 12]))
    assert list(out.dt.strftime("%Y-%m-%d")) == ["2025-02-28", "2024-02-29", "2025-03-10"]


def test_zero_denominator_is_null(small_frames):
    fig = compute(small_frames, guideline_for_year(Y), load_codes(), 1990)
    assert fig.organisation["persons_employed"] == 0
    assert fig.organisation["training_days_per_htv"] is None
    assert fig.organisation["share_trained_pct"] is None


def test_findings_detail_reasons(fig):
    """The HR-internal reasons, as HR reads them (dates d.m.yyyy, amounts and months spelled)."""
    d = fig.findings_detail.set_index("code")
    assert d.at["application_late", "reason"] == "approved 10.3.2024, training started 5.3.2024"
    assert d.at["approver_below_limit", "reason"] == "approver esihenkilö for 2000.00 €"
    assert d.at["commitment_missing", "reason"] == "commitment empty, 24 required"
    assert d.at["repayment_case", "reason"] == "employment ended 30.9.2024, commitment until 30.11.2025"
    assert d.at["paid_days_over_cap", "reason"] == "12.00 paid training days"
    assert d.at["supervisor_level_missing", "reason"] == "highest completed level 0, required 1"
    assert d.at["training_absence_mismatch", "reason"] == "register 5 days, payroll 2 days"
    assert list(fig.findings_detail["code"]) == sorted(fig.findings_detail["code"])
