"""Load: land the raw bytes, then store the batch in the warehouse (or quarantine it)."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.base import ReadResult
from osaava import warehouse
from osaava.issues import Issue
from osaava.loading import land_and_store


@task(name="land and load batch", persist_result=False, cache_policy=NO_CACHE, retries=2,
      retry_delay_seconds=5, timeout_seconds=3600)
def load_batch(res: ReadResult, issues: list[Issue], db_url: str | None, var_dir: str,
               source: str = "files") -> warehouse.BatchInfo:
    return land_and_store(res, issues, db_url, var_dir, source)


def dq_attachment(paths: dict[str, str]):
    """The written HR-internal data-quality report as a mail attachment."""
    from osaava.delivery import Attachment

    return Attachment("data-quality-hr-internal.html", Path(paths["data_quality"]).read_bytes(),
                      "text", "html")


@task(name="current batch", persist_result=False, cache_policy=NO_CACHE)
def current_batch(db_url: str | None) -> warehouse.BatchInfo | None:
    """The batch reports use now: the latest collected one that passed."""
    return warehouse.latest_batch(warehouse.Warehouse.open(db_url).engine)
