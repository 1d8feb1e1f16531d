"""Extract: a source → canonical frames + raw bytes. Raw HR rows are never persisted as results."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.base import ReadResult
from connectors.files import read_folder


@task(name="read export folder", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=1800)
def read_export(folder: str) -> ReadResult:
    return read_folder(folder)
