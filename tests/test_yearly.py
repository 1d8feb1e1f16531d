"""Which year an annual report may cover (osaava.yearly)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from osaava.yearly import YearNotReportable, check_covered, covered_years, resolve_year

NOW = dt.datetime(2026, 1, 15, 6, 0, tzinfo=dt.UTC)  # the schedule's 15 January


def test_zero_is_the_previous_year_and_a_year_must_have_ended():
    assert resolve_year(0, NOW) == 2025 and resolve_year(None, NOW) == 2025
    assert resolve_year(2024, NOW) == 2024
    with pytest.raises(YearNotReportable, match="Vuosi 2026 ei ole vielä päättynyt") as e:
        resolve_year(2026, NOW)
    assert "Året 2026 har inte tagit slut" in str(e.value)
    # 31.12.2025 23:30 UTC is already 2026 in Helsinki: 2025 has ended there
    assert resolve_year(0, dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)) == 2025


def test_a_year_the_data_does_not_cover_is_refused():
    frames = {"payroll": pd.DataFrame({"pay_date": pd.to_datetime(["2024-01-31", "2025-02-28"])}),
              "trainings": pd.DataFrame({"start": pd.to_datetime(["2023-05-02", None])})}
    assert covered_years(frames) == [2023, 2024, 2025]
    check_covered(frames, 2024, 7)
    with pytest.raises(YearNotReportable, match=r"erä 7\) ei kata vuotta 2031: .* vuosilta 2023–2025"):
        check_covered(frames, 2031, 7)


# ---------------------------------------------------------------------------------------------
# The trend (issue 14): up to five years from 2023 on, one definition across years


def test_trend_years_start_in_2023_and_hold_at_most_five():
    from osaava.yearly import trend_years

    def frames(years):
        return {"payroll": pd.DataFrame({"pay_date": pd.to_datetime([f"{y}-06-30" for y in years])}),
                "trainings": pd.DataFrame({"start": pd.to_datetime([])})}

    # 2022 and before are not comparable (DOMAIN §1): never in a trend
    assert trend_years(frames(range(2019, 2026)), 2025) == [2023, 2024, 2025]
    assert trend_years(frames(range(2023, 2031)), 2030) == [2026, 2027, 2028, 2029, 2030]
    # only the years the batch holds
    assert trend_years(frames([2024, 2026]), 2026) == [2024, 2026]


@pytest.fixture(scope="module")
def synth_frames(tmp_path_factory):
    from connectors.files import read_folder
    from osaava.synth import generate, write_export

    folder = tmp_path_factory.mktemp("trend-export")
    write_export(generate(200, (2023, 2024, 2025), 4), folder)
    return read_folder(folder).frames


def test_the_trend_uses_one_definition_across_years(synth_frames, monkeypatch):
    """Every year of the trend is osaava.figures.compute on the same batch with the guideline in
    force that year; the report year's column is the report's figures and the year before is
    the previous-year column. A year with no guideline in force is left out."""
    import osaava.yearly as yearly
    from osaava.figures import compute
    from osaava.guideline import guideline_for_year, load_codes

    yf = yearly.figures_from_frames(synth_frames, 2025)
    tr = yf.document["trend"]
    assert tr["years"] == [2024, 2025]  # no guideline is in force in 2023
    for y in (2024, 2025):
        want = compute(synth_frames, guideline_for_year(y), load_codes(), y)
        assert tr["by_year"][str(y)]["organisation"] == want.organisation
        assert tr["by_year"][str(y)]["targets"] == want.targets
        assert tr["by_year"][str(y)]["equity_gap_pct_points"] == want.equity_gap_pct_points
    assert tr["by_year"]["2025"]["organisation"] == yf.document["organisation"]
    assert tr["by_year"]["2024"]["organisation"] == yf.document["previous_year"]["organisation"]

    # with a guideline in force from 2020 on, 2023 joins, computed the same way
    older = guideline_for_year(2024).model_copy(update={"valid_from": dt.date(2020, 1, 1)})
    monkeypatch.setattr(yearly, "guideline_for_year", lambda y: older)
    tr, exp = yearly.trend(synth_frames, 2025)
    assert tr["years"] == [2023, 2024, 2025] and set(exp) == {"2023", "2024", "2025"}
    assert tr["by_year"]["2023"]["organisation"] == compute(synth_frames, older, load_codes(),
                                                            2023).organisation


def test_each_trend_year_is_suppressed_like_the_report(synth_frames):
    """The trend passes through the disclosure step: last year's column hides what the
    previous-year column hides and shows the same rounded numbers; this year's column is the
    report's; the gap of every year is the largest gap of the groups of at least 5 persons."""
    from osaava.disclosure import TREND_FIGURES, disclose
    from osaava.yearly import figures_from_frames

    yf = figures_from_frames(synth_frames, 2025)
    pub = disclose(yf.document, 5, yf.exposure)
    hidden = set(pub["hidden"])
    t = pub["trend"]
    for f in TREND_FIGURES:
        assert (f"trend/2024/organisation/{f}" in hidden) == (f"previous_year/organisation/{f}" in hidden)
        assert t["by_year"]["2024"]["organisation"][f] == pub["previous_year"]["organisation"].get(f)
        assert (f"trend/2025/organisation/{f}" in hidden) == (f"organisation/{f}" in hidden)
        assert t["by_year"]["2025"]["organisation"][f] == pub["organisation"].get(f)
    gap24 = next(x for x in t["by_year"]["2024"]["targets"] if x["key"] == "equity_gap_pct_points")
    assert gap24["value"] == max(v for v in pub["previous_year"]["equity_gap_pct_points"].values()
                                 if v is not None)
    gap25 = next(x for x in t["by_year"]["2025"]["targets"] if x["key"] == "equity_gap_pct_points")
    assert gap25["value"] == next(x["value"] for x in pub["targets"] if x["key"] == "equity_gap_pct_points")
    # a hidden figure hides the target's value and met / not met in that year
    for y, by in t["by_year"].items():
        for x in by["targets"]:
            if x.get("hidden"):
                assert x["value"] is None and x["met"] is None


def test_a_report_read_from_the_warehouse_has_its_whole_trend(tmp_path):
    """The report reads back only the payroll lines it needs (issue 15); the trend's years
    before last year need theirs too. A 2026 report of a batch holding 2024–2026 (no
    guideline is in force in 2023) shows three trend years, each equal to its own report's
    figures of that year."""
    from connectors.files import read_folder
    from osaava.loading import land_and_store
    from osaava.synth import generate, write_export
    from osaava.yearly import figures_from_frames, year_figures

    folder = tmp_path / "export"
    write_export(generate(120, (2024, 2025, 2026), 7), folder)
    res = read_folder(folder)
    db_url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    info = land_and_store(res, [], db_url, tmp_path / "var")
    yf = year_figures(db_url, info.id, 2026)
    assert yf.document["trend"]["years"] == [2024, 2025, 2026]
    whole = figures_from_frames(res.frames, 2026)
    assert yf.document["trend"] == whole.document["trend"]
    assert yf.document["trend"]["by_year"]["2024"]["organisation"]["htv"] > 0
