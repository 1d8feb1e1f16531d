"""The monthly follow-up for the management team: year-to-date budget use, training days and
goal-discussion coverage per sector, with warnings. Pure: figures and a date in, a dict out."""

from __future__ import annotations

import datetime as dt

from osaava.figures import Figures
from osaava.guideline import Guideline

BUDGET_WARNING_PCT = 90.0


def elapsed_share(year: int, as_of: dt.date) -> float:
    """Share of the year Y that has passed on ``as_of`` (0 before it starts, 1 after it ends)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def follow_up(fig: Figures, g: Guideline, as_of: dt.date, sectors: list[str] | None = None) -> dict:
    """Rows per sector (and the organisation) with two warnings: a sector has used more than 90 %
    of its training budget, or its discussion coverage is behind the pace needed to reach the
    target by the end of the year (target × share of the year passed)."""
    share = elapsed_share(fig.year, as_of)
    pace = g.targets.discussion_coverage_pct * share
    chosen = [s for s in fig.sectors if not sectors or s in sectors]
    rows = []
    for key, f in [("organisation", fig.organisation)] + [(s, fig.sectors[s]) for s in chosen]:
        budget_use = f["budget_use_pct"]
        coverage = f["discussion_coverage_pct"]
        warnings = []
        if budget_use is not None and budget_use > BUDGET_WARNING_PCT:
            warnings.append("budget_over_90")
        if coverage is not None and coverage < pace:
            warnings.append("coverage_behind_pace")
        rows.append({
            "sector": key,
            "budget_eur": f["budget_eur"],
            "direct_cost_eur": f["direct_cost_eur"],
            "budget_use_pct": budget_use,
            "training_days": f["training_days"],
            "training_days_per_htv": f["training_days_per_htv"],
            "discussion_coverage_pct": coverage,
            "warnings": warnings,
        })
    return {"year": fig.year, "as_of": as_of.isoformat(), "elapsed_pct": share * 100,
            "coverage_pace_pct": pace, "rows": rows,
            "warnings": sum(len(r["warnings"]) for r in rows)}
