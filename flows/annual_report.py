"""annual-report: warehouse → figures → report files. Wiring only."""

from __future__ import annotations

from prefect import flow

from tasks.figures import check_batch, compute_figures
from tasks.render import render_reports


@flow(name="annual-report", log_prints=False)
def annual_report(year: int, out: str = "out", db_url: str | None = None,
                  batch_id: int | None = None) -> dict:
    """Compute the figures of a year from the warehouse and write the report files."""
    info = check_batch(db_url, batch_id)
    yf = compute_figures(db_url, info.id, year)
    paths = render_reports(yf, out)
    return {"year": year, "batch_id": info.id, "paths": paths,
            "organisation": yf.document["organisation"], "targets": yf.document["targets"]}
