"""The monthly follow-up's warnings, on the hand-worked fixture (2024, 366 days)."""

from __future__ import annotations

import datetime as dt

import pytest

from osaava.figures import compute
from osaava.follow_up import elapsed_share, follow_up
from osaava.guideline import guideline_for_year, load_codes


def test_elapsed_share():
    assert elapsed_share(2024, dt.date(2023, 12, 31)) == 0.0
    assert elapsed_share(2024, dt.date(2024, 6, 30)) == pytest.approx(182 / 366)
    assert elapsed_share(2024, dt.date(2025, 1, 5)) == 1.0


def test_warnings(small_frames):
    g = guideline_for_year(2024)
    g = g.model_copy(update={"budgets": {"YH": 2000.0, "SIV": 180000.0}})
    fig = compute(small_frames, g, load_codes(), 2024)
    # 30.6.: pace 90 % × 182/366 = 44.75 %; coverage is 50 % everywhere → no coverage warning.
    # YH used 2 000 of 2 000 € = 100 % > 90 % → budget warning; SIV 6 720 / 180 000 = 3.7 %.
    mid = {r["sector"]: r for r in follow_up(fig, g, dt.date(2024, 6, 30))["rows"]}
    assert mid["YH"]["warnings"] == ["budget_over_90"]
    assert mid["SIV"]["warnings"] == []
    assert mid["organisation"]["budget_use_pct"] == pytest.approx(8720 / 182000 * 100)
    # 31.12.: pace 90 % → 50 % is behind in both sectors
    end = follow_up(fig, g, dt.date(2024, 12, 31), sectors=["SIV"])
    assert [r["sector"] for r in end["rows"]] == ["organisation", "SIV"]
    assert end["rows"][1]["warnings"] == ["coverage_behind_pace"]
    assert end["coverage_pace_pct"] == pytest.approx(90.0)


def test_follow_up_files_are_public_and_suppressed(small_frames, tmp_path, monkeypatch):
    """The follow-up flow's files: written to OUT/public/, made from the disclosed summary.
    YH has 3 persons (2 trained): its euros and days are hidden, and SIV's too, since the
    city's 8 720 € − SIV's 6 720 € would give YH's 2 000 € back."""
    import types

    import tasks.follow_up as tf

    fake = types.SimpleNamespace(dispose=lambda: None)
    monkeypatch.setattr(tf.warehouse, "engine_for", lambda url: fake)
    monkeypatch.setattr(tf.warehouse, "migrate", lambda engine: None)
    monkeypatch.setattr(tf.warehouse, "latest_batch", lambda engine: types.SimpleNamespace(id=1))
    monkeypatch.setattr(tf.warehouse, "load_frames", lambda engine, batch_id: small_frames)
    made = tf.follow_up_files(2024, [], str(tmp_path), as_of=dt.date(2024, 12, 31))
    for lang, p in made["paths"].items():
        assert p.startswith(str(tmp_path / "public")), p
    html = open(made["paths"]["fi"], encoding="utf-8").read()
    assert "8\u00a0720" in html  # the city: 8 persons, 6 trained
    assert "6\u00a0720" not in html and "2\u00a0000" not in html and ".. = piilotettu" in html
    rows = {r["sector"]: r for r in made["summary"]["rows"]}
    assert rows["YH"]["direct_cost_eur"] is None and rows["SIV"]["direct_cost_eur"] is None
