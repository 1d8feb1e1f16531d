"""Validate: the Great Expectations suites and the cross-table checks over a read batch."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.files import ReadResult
from osaava.guideline import latest_guideline, load_codes
from osaava.issues import Issue


def validate_read(res: ReadResult) -> list[Issue]:
    """All issues of a batch: the reading's own, then the suites' (only when it could be read)."""
    issues = list(res.issues)
    if res.refused:
        return issues
    from osaava.quality import validate

    issues.extend(validate(res.frames, load_codes(), latest_guideline()))
    return issues


@task(name="validate batch", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=1800)
def validate_batch(res: ReadResult) -> list[Issue]:
    return validate_read(res)
