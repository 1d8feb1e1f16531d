"""Figures: the warehouse batch → the figures of a year (osaava.yearly, pure computation in
osaava.figures)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from osaava import warehouse
from osaava.yearly import (BatchRefused, YearFigures, YearNotReportable, batch_for_report, resolve_year,
                          year_figures)

__all__ = ["BatchRefused", "YearFigures", "YearNotReportable", "check_batch", "compute_figures",
           "report_year"]


@task(name="check batch", persist_result=False, cache_policy=NO_CACHE)
def check_batch(db_url: str | None, batch_id: int | None) -> warehouse.BatchInfo:
    return batch_for_report(db_url, batch_id)


@task(name="compute figures", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=3600)
def compute_figures(db_url: str | None, batch_id: int, year: int) -> YearFigures:
    return year_figures(db_url, batch_id, year)


@task(name="report year", persist_result=False, cache_policy=NO_CACHE)
def report_year(year: int | None) -> int:
    return resolve_year(year)
