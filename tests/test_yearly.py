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
