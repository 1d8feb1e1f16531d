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


def render_follow_up_html(summary: dict, lang: str, texts: dict, sector_names: dict,
                          target_pct: float) -> str:
    """A small mail body, readable on a phone: one table, warnings in words. ``summary`` is the
    public copy (:func:`osaava.disclosure.disclose_follow_up`): a hidden cell shows "..".
    """
    from html import escape

    from osaava.report import fmt

    as_of = dt.date.fromisoformat(summary["as_of"])
    day = f"{as_of.day}.{as_of.month}.{as_of.year}"
    head = "".join(f"<th style='border:1px solid #999;padding:4px'>{escape(c)}</th>"
                   for c in texts["follow_up_cols"])
    rows = []
    hidden = set(summary.get("hidden", ()))

    def show(r: dict, key: str, kind: str) -> str:
        return ".." if f"{r['sector']}/{key}" in hidden else fmt(r[key], lang, kind)

    for r in summary["rows"]:
        name = texts["follow_up_org"] if r["sector"] == "organisation" else \
            sector_names.get(r["sector"], {}).get(lang, r["sector"])
        notes = "; ".join(texts[w] for w in r["warnings"]) or "–"
        cells = [escape(name), fmt(r["budget_eur"], lang, "eur"), show(r, "direct_cost_eur", "eur"),
                 show(r, "budget_use_pct", "pct"), show(r, "training_days", "num"),
                 show(r, "training_days_per_htv", "num"), show(r, "discussion_coverage_pct", "pct"),
                 escape(notes)]
        style = "font-weight:bold" if r["warnings"] else ""
        rows.append("<tr style='%s'>" % style + "".join(
            f"<td style='border:1px solid #999;padding:4px'>{c}</td>" for c in cells) + "</tr>")
    lead = texts["follow_up_lead"].format(as_of=day, elapsed=fmt(summary["elapsed_pct"], lang, "pct"),
                                          pace=fmt(summary["coverage_pace_pct"], lang, "pct"),
                                          target=fmt(target_pct, lang, "pct"))
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
            "<body style='font-family:Arial,sans-serif;max-width:640px;margin:0 auto;padding:8px'>"
            f"<h1 style='font-size:20px'>{escape(texts['follow_up_title'].format(year=summary['year']))}</h1>"
            f"<p>{escape(lead)}</p><div style='overflow-x:auto'>"
            f"<table style='border-collapse:collapse;font-size:14px'><tr>{head}</tr>{''.join(rows)}</table>"
            f"</div><p>{escape(texts['follow_up_none']) if not summary['warnings'] else ''}</p>"
            + (f"<p style='font-size:13px'>{escape(texts['follow_up_hidden'].format(n=summary['suppression_min_persons']))}</p>"
               if hidden else "")
            + "</body></html>")
