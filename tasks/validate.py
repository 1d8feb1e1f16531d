"""Validate: the Great Expectations suites and the cross-table checks over a read batch."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.base import ReadResult
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


def write_quality_report(res: ReadResult, issues: list[Issue], folder) -> dict[str, str]:
    """The HR-internal data-quality report (HTML, JSON). Returns name → path.

    GX Data Docs are not written (issue 13): Great Expectations renders data values into them
    unescaped and loads scripts from CDNs, so a value in an export could run script in HR's
    browser. This report lists every failed check with file, rows, column and masked examples,
    escaped by Jinja2's autoescape."""
    import json
    from pathlib import Path

    from osaava.dq_report import render_dq_report
    from osaava.issues import critical

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    inputs = [{"entity": r.entity, "file": r.name, "sha256": r.sha256} for r in res.raw]
    html, data = render_dq_report(issues, res.rows_read, inputs, bool(critical(issues)))
    paths = {"data_quality": folder / "data-quality.html", "data_quality_json": folder / "data-quality.json"}
    paths["data_quality"].write_text(html, encoding="utf-8")
    paths["data_quality_json"].write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return {k: str(v) for k, v in paths.items()}


@task(name="write data-quality report", persist_result=False, cache_policy=NO_CACHE)
def quality_report(res: ReadResult, issues: list[Issue], folder: str) -> dict[str, str]:
    return write_quality_report(res, issues, folder)
