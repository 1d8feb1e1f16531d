"""The year's figures from a stored batch: which batch a report uses, and the figures of the
year with the previous year beside them (plain Python: the annual-report and follow-up tasks
call these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from osaava import warehouse
from osaava.figures import Figures, compute
from osaava.guideline import ConfigError, Guideline, guideline_for_year, load_codes
from osaava.report import figures_document

HELSINKI = ZoneInfo("Europe/Helsinki")


class BatchRefused(Exception):
    """The batch a report would use was refused by validation."""


@dataclass
class YearFigures:
    figures: Figures
    guideline: Guideline
    document: dict


def batch_for_report(db_url: str | None, batch_id: int | None) -> warehouse.BatchInfo:
    engine = warehouse.Warehouse.open(db_url).engine
    if batch_id is not None:
        info = warehouse.get_batch(engine, batch_id)
    else:
        info = warehouse.latest_batch(engine, status=None)
    if info is None:
        raise LookupError("the warehouse has no batch: run collect first")
    if info.status != warehouse.LOADED:
        raise BatchRefused(
            f"batch {info.id} ({info.source}) was refused by validation: fix the data, collect "
            f"again, then run the report (see the data-quality report)")
    return info


def year_figures(db_url: str | None, batch_id: int, year: int) -> YearFigures:
    """The figures of ``year`` from a batch, and of the year before when the batch covers it."""
    engine = warehouse.Warehouse.open(db_url).engine
    frames = warehouse.load_frames(engine, batch_id)
    info = warehouse.get_batch(engine, batch_id)
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
    return YearFigures(fig, g, doc)


def previous_year_in_helsinki(now: dt.datetime | None = None) -> int:
    """The year an annual report covers when none is given: the previous calendar year."""
    return (now or dt.datetime.now(HELSINKI)).astimezone(HELSINKI).year - 1
