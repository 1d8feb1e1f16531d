"""Figures: the warehouse batch → the figures of a year (pure computation in osaava.figures)."""

from __future__ import annotations

from dataclasses import dataclass

from prefect import task
from prefect.cache_policies import NO_CACHE

from osaava import warehouse
from osaava.disclosure import exposure
from osaava.figures import Figures, compute
from osaava.guideline import ConfigError, Guideline, guideline_for_year, load_codes
from osaava.report import figures_document


class BatchRefused(Exception):
    """The batch a report would use was refused by validation."""


@dataclass
class YearFigures:
    figures: Figures
    guideline: Guideline
    document: dict
    exposure: dict | None = None  # persons behind event cells (osaava.disclosure.exposure)


def batch_for_report(db_url: str | None, batch_id: int | None) -> warehouse.BatchInfo:
    engine = warehouse.engine_for(db_url)
    try:
        warehouse.migrate(engine)
        if batch_id is not None:
            info = warehouse.get_batch(engine, batch_id)
        else:
            info = warehouse.latest_batch(engine, status=None)
    finally:
        engine.dispose()
    if info is None:
        raise LookupError("the warehouse has no batch: run collect first")
    if info.status != warehouse.LOADED:
        raise BatchRefused(
            f"batch {info.id} ({info.source}) was refused by validation: fix the data, collect "
            f"again, then run the report (see the data-quality report)")
    return info


def year_figures(db_url: str | None, batch_id: int, year: int) -> YearFigures:
    engine = warehouse.engine_for(db_url)
    try:
        frames = warehouse.load_frames(engine, batch_id)
        info = warehouse.get_batch(engine, batch_id)
    finally:
        engine.dispose()
    g = guideline_for_year(year)
    codes = load_codes()
    fig = compute(frames, g, codes, year)
    previous, pg = None, None
    try:
        pg = guideline_for_year(year - 1)
    except ConfigError:
        pg = None
    if pg is not None:
        prev = compute(frames, pg, codes, year - 1)
        if prev.organisation["persons_employed"]:
            previous = prev
    inputs = [{"entity": f["entity"], "file": f["name"], "rows": f["rows"], "sha256": f["sha256"]}
              for f in info.files]
    doc = figures_document(fig, g, inputs, previous, pg if previous else None)
    exp = exposure(frames, fig, g)
    if previous is not None:
        exp["previous_year"] = exposure(frames, previous, pg)
    return YearFigures(fig, g, doc, exp)


@task(name="check batch", persist_result=False, cache_policy=NO_CACHE)
def check_batch(db_url: str | None, batch_id: int | None) -> warehouse.BatchInfo:
    return batch_for_report(db_url, batch_id)


@task(name="compute figures", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=3600)
def compute_figures(db_url: str | None, batch_id: int, year: int) -> YearFigures:
    return year_figures(db_url, batch_id, year)


def previous_year_in_helsinki() -> int:
    import datetime as dt
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/Helsinki")).year - 1


@task(name="report year", persist_result=False, cache_policy=NO_CACHE)
def report_year() -> int:
    """The year an annual report covers when none is given: the previous calendar year."""
    return previous_year_in_helsinki()
