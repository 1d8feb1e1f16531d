"""Validate: the Great Expectations suites and the cross-table checks over a read batch."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.base import ReadResult
from osaava.dq_report import write_quality_report
from osaava.issues import Issue
from osaava.quality import validate_read

__all__ = ["quality_report", "validate_batch", "validate_read", "write_quality_report"]


@task(name="validate batch", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=1800)
def validate_batch(res: ReadResult) -> list[Issue]:
    return validate_read(res)


@task(name="write data-quality report", persist_result=False, cache_policy=NO_CACHE)
def quality_report(res: ReadResult, issues: list[Issue], folder: str) -> dict[str, str]:
    return write_quality_report(res, issues, folder)
