"""Extract: every configured source → one batch of canonical frames + raw bytes.

Each source is read by a task of its own, named after it (``read goals (rest)``), with its
secret from a Prefect Secret block (or the environment variable the sources file names), a
timeout, and retries for transient faults only (a 5xx, a timeout, no connection). Raw HR rows
are never persisted as results."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.base import ReadResult
from connectors.files import read_folder
from connectors.merge import (CollectPlan, MergedRead, SourceResult, merge_sources, plan_collect, read_source,
                              unchanged_sources)
from osaava.guideline import ConfigError
from osaava.issues import mask_hetu
from osaava.loading import recollect_unchanged
from osaava.sources import resolve_secret


class SourceFailed(Exception):
    """A source could not be read; the message names it and says why, in plain words."""


class SourceUnavailable(SourceFailed):
    """A source failed in a way that trying again later may cure."""


def _load_secret_block(name: str) -> str:
    from prefect.blocks.system import Secret

    return Secret.load(name).get()


def _retry_transient(task, task_run, state) -> bool:
    """Retry a source's read only when it failed transiently."""
    return isinstance(state.data, SourceUnavailable)


def _cannot(name: str, kind: str) -> str:
    return (f"Lähdettä {name} ({kind}) ei voitu lukea / Källan {name} ({kind}) kunde inte läsas")


def read_one(plan: CollectPlan, name: str) -> SourceResult:
    """Read one source; raise :class:`SourceFailed` / :class:`SourceUnavailable` when it fails."""
    source = plan.source(name)
    try:
        secret = resolve_secret(source, plan.config_path, _load_secret_block)
    except ConfigError as e:
        raise SourceFailed(f"{_cannot(name, source.kind)}: {e}") from None
    result = read_source(plan, name, secret)
    if result.outcome.failed:
        why = "; ".join(mask_hetu(i.message) for i in result.read.issues
                        if i.code == "source_failed" and i.severity == "critical")
        cls = SourceUnavailable if result.read.transient else SourceFailed
        raise cls(f"{_cannot(name, source.kind)} ({result.outcome.origin}): {why}")
    return result


@task(name="read sources file", persist_result=False, cache_policy=NO_CACHE)
def plan_sources(sources_file: str | None, input_dir: str, var_dir: str) -> CollectPlan:
    return plan_collect(sources_file, var_dir=var_dir, input_dir=input_dir)


@task(name="unchanged export?", persist_result=False, cache_policy=NO_CACHE)
def unchanged_batch(plan: CollectPlan, db_url: str | None, var_dir: str) -> dict | None:
    """Hash the sources' files and compare them with the last loaded batch: the batch summary
    when nothing changed (the collect stops there), else ``None``."""
    return recollect_unchanged(unchanged_sources(plan), db_url, var_dir)


@task(name="read source", persist_result=False, cache_policy=NO_CACHE,
      retry_condition_fn=_retry_transient)
def read_source_task(plan: CollectPlan, name: str) -> SourceResult:
    return read_one(plan, name)


def source_task(plan: CollectPlan, name: str):
    """The read task of one source, named after it, with its retries and timeout."""
    s = plan.source(name)
    return read_source_task.with_options(
        name=f"read {name} ({s.kind})", retries=s.retries, retry_delay_seconds=s.retry_delay_seconds,
        timeout_seconds=s.timeout_seconds)


@task(name="merge sources", persist_result=False, cache_policy=NO_CACHE)
def merge_batch(plan: CollectPlan, results: list[SourceResult]) -> MergedRead:
    return merge_sources(plan, results)


@task(name="save source state", persist_result=False, cache_policy=NO_CACHE)
def commit_sources(merged: MergedRead) -> None:
    """Move the watermarks and page logs on: only once the batch is stored."""
    merged.commit()


@task(name="read export folder", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=1800)
def read_export(folder: str) -> ReadResult:
    return read_folder(folder)
