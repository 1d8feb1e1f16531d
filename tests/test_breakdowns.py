"""Where the training went (issue 14, item 4): days and persons by competence area and by
training form, the persons without training, and their disclosure. Hand-worked on the small
city (tests/small_city.py), 2024."""

from __future__ import annotations

import pytest

from osaava.breakdowns import persons_untrained, training_breakdowns
from osaava.disclosure import RESIDUAL, disclose
from osaava.figures import compute
from osaava.guideline import guideline_for_year, load_codes


@pytest.fixture(scope="module")
def g():
    return guideline_for_year(2024)


@pytest.fixture(scope="module")
def bd(small_frames, g):
    return training_breakdowns(small_frames, g, 2024)


def test_competence_areas_by_hand(bd):
    # non-cancelled participations of 2024 of persons employed in 2024 (not T10 of 10009, not
    # the cancelled T5c and T15, not T8 of 2023 nor T14 of 2025), 6 h a day:
    # AMM  T3 12 h (10002) + T9 6 h (10008) + T11 60 h (10001) + T13 0 h (10005) = 78 h = 13 d;
    #      persons with hours > 0: 10001, 10002, 10008 (10005's webinar had 0 h)
    # JOHT T5 30 h (10004) + T7b 3 h interrupted (10006) = 33 h = 5.5 d, 2 persons
    # LAKI T4 10 h (10003) = 1.67 d; TEKN T12 6 h (10003) = 1 d
    # TIED T1 12 h + T2 3 h, both 10001 = 2.5 d, 1 person; TYHY T7 2 h (10006) = 0.33 d
    a = bd["competence_area"]["groups"]
    assert {k: v["persons_trained"] for k, v in a.items()} == {
        "AMM": 3, "JOHT": 2, "LAKI": 1, "TEKN": 1, "TIED": 1, "TYHY": 1}
    assert a["AMM"]["training_days"] == pytest.approx(13.0)
    assert a["JOHT"]["training_days"] == pytest.approx(5.5)
    assert a["LAKI"]["training_days"] == pytest.approx(10 / 6)
    assert a["TEKN"]["training_days"] == pytest.approx(1.0)
    assert a["TIED"]["training_days"] == pytest.approx(2.5)
    assert a["TYHY"]["training_days"] == pytest.approx(2 / 6)
    # folded smallest first; the residual's persons are distinct persons, not a sum:
    # LAKI {10003}, TEKN {10003} → 1, TIED → 2, TYHY → 3, JOHT → 4, AMM → 6
    assert bd["competence_area"]["fold_order"] == ["LAKI", "TEKN", "TIED", "TYHY", "JOHT", "AMM"]
    assert bd["competence_area"]["fold_persons"] == [1, 1, 2, 3, 4, 6]


def test_training_forms_by_hand(bd):
    # sisäinen T1 12 + T7 2 + T7b 3 + T9 6 = 23 h (10001, 10006, 10008)
    # ulkoinen T3 12 + T4 10 + T5 30 + T11 60 + T12 6 = 118 h (10001, 10002, 10003, 10004)
    # verkko   T2 3 + T13 0 = 3 h (10001 only: T13 has 0 hours)
    t = bd["training_type"]["groups"]
    assert list(t) == ["sisäinen", "ulkoinen", "verkko"]
    assert {k: v["persons_trained"] for k, v in t.items()} == {"sisäinen": 3, "ulkoinen": 4, "verkko": 1}
    assert t["sisäinen"]["training_days"] == pytest.approx(23 / 6)
    assert t["ulkoinen"]["training_days"] == pytest.approx(118 / 6)
    assert t["verkko"]["training_days"] == pytest.approx(0.5)
    assert bd["training_type"]["fold_persons"] == [1, 3, 6]


def test_days_add_up_to_the_city_and_persons_cover_the_trained(small_frames, g, bd):
    fig = compute(small_frames, g, load_codes(), 2024)
    for dim in bd:
        groups = bd[dim]["groups"].values()
        assert sum(v["training_days"] for v in groups) == pytest.approx(fig.organisation["training_days"])
        # a person can be in several groups: at least the trained, at most their sum
        assert bd[dim]["fold_persons"][-1] == fig.organisation["persons_trained"] == 6
    # no training: 8 employed − 6 trained = 2 (10005: only a 0-hour webinar and a cancelled
    # course; 10007: no training in 2024)
    assert persons_untrained(fig.organisation) == 2
    assert persons_untrained({"persons_employed": 8}) is None


def _doc(groups: dict, order: list[str], cum: list[int], trained: int = 40) -> dict:
    org = {"persons_employed": 60, "headcount_year_end": 55, "htv": 50.0,
           "persons_trained": trained, "training_hours": 600.0, "training_days": 100.0}
    return {"year": 2025, "organisation": org, "sectors": {}, "groups": {}, "targets": [],
            "findings": [], "training_breakdowns": {"competence_area": {
                "groups": groups, "fold_order": order, "fold_persons": cum}}}


def test_small_groups_are_folded_until_the_residual_has_enough_distinct_persons():
    groups = {"AMM": {"persons_trained": 30, "training_days": 60.0},
              "JOHT": {"persons_trained": 8, "training_days": 20.0},
              "LAKI": {"persons_trained": 2, "training_days": 12.0},
              "TIED": {"persons_trained": 1, "training_days": 8.0}}
    # TIED's person is also one of LAKI's: the two small ones are 2 distinct persons, so the
    # smallest large group (JOHT) is folded in too
    pub = disclose(_doc(groups, ["TIED", "LAKI", "JOHT", "AMM"], [1, 2, 10, 40]), 5)
    rows = pub["training_breakdowns"]["competence_area"]
    assert set(rows) == {"AMM", RESIDUAL}
    assert rows[RESIDUAL] == {"persons_trained": 10, "training_days": 40.0,
                              "members": ["JOHT", "LAKI", "TIED"]}
    assert pub["breakdowns_folded"]["competence_area"] == ["JOHT", "LAKI", "TIED"]
    # a residual that already reaches 5 distinct persons folds nothing more
    pub = disclose(_doc(groups, ["TIED", "LAKI", "JOHT", "AMM"], [1, 5, 13, 40]), 5)
    assert set(pub["training_breakdowns"]["competence_area"]) == {"AMM", "JOHT", RESIDUAL}
    # nothing small: every group is shown, rounded
    big = {k: dict(v, persons_trained=max(v["persons_trained"], 5)) for k, v in groups.items()}
    pub = disclose(_doc(big, ["LAKI", "TIED", "JOHT", "AMM"], [5, 9, 17, 40]), 5)
    assert set(pub["training_breakdowns"]["competence_area"]) == set(groups)


def test_no_breakdown_when_the_citys_trained_are_hidden(small_frames, g):
    """The small city: 2 of 8 had no training. The persons without training are published
    (employed − trained), so the city's trained count and share are hidden; the training days
    (6 persons behind them) stay. The breakdowns, whose total row is the trained count, show
    no group."""
    from osaava.yearly import figures_from_frames
    from osaava.report.tables import no_training_table

    yf = figures_from_frames(small_frames, 2024)
    pub = disclose(yf.document, 5, yf.exposure)
    org = pub["organisation"]
    assert org["persons_employed"] == 8 and org["persons_trained"] is None
    assert org["share_trained_pct"] is None and org["training_days"] == 24.0
    assert pub["training_breakdowns"] == {"competence_area": {}, "training_type": {}}
    assert "training_breakdowns/competence_area" in pub["hidden"]
    city = no_training_table(pub).rows[-1]
    assert city.total and [c.hidden for c in city.cells] == [False, True, True]
    assert city.cells[0].value == 8


def test_persons_without_training_hide_the_trained_count_when_small():
    """1–4 persons without training is a small cell: the trained count and share go with it
    (else employed − trained gives it back); with 5 or more they are shown."""
    base = {"persons_employed": 40, "headcount_year_end": 40, "htv": 35.0, "training_hours": 300.0,
            "training_days": 50.0}
    for trained, hidden in ((37, True), (35, False), (40, False)):
        doc = {"year": 2025, "organisation": dict(base, persons_trained=trained,
                                                  share_trained_pct=trained / 40 * 100),
               "sectors": {}, "groups": {}, "targets": [], "findings": []}
        pub = disclose(doc, 5)
        assert (pub["organisation"]["persons_trained"] is None) == hidden, trained
        assert (pub["organisation"]["share_trained_pct"] is None) == hidden
        assert pub["organisation"]["training_days"] == 50.0  # 37 persons behind the days
