"""Drafts: the report files HR approves, recorded with their hashes (osaava.drafts)."""

from __future__ import annotations

import shutil
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from osaava import drafts
from osaava.report import report_id


@task(name="find draft", persist_result=False, cache_policy=NO_CACHE)
def open_draft(folder: str) -> drafts.Draft | None:
    return drafts.load(folder)


@task(name="record draft", persist_result=False, cache_policy=NO_CACHE)
def record_draft(folder: str, year: int, batch, document: dict, paths: dict[str, str],
                 run: str) -> drafts.Draft:
    return drafts.record(folder, year=year, batch_id=batch.id, batch_source=batch.source,
                         guideline=document["guideline"], report_id=report_id(document), run=run,
                         paths=paths)


@task(name="check draft unchanged", persist_result=False, cache_policy=NO_CACHE)
def verify_draft(draft: drafts.Draft) -> None:
    drafts.verify(draft)


@task(name="copy report files", persist_result=False, cache_policy=NO_CACHE)
def copy_draft(draft: drafts.Draft, out: str) -> str:
    shutil.copytree(draft.folder, out, dirs_exist_ok=True)
    return str(Path(out).resolve())


@task(name="points for HR's conclusions", persist_result=False, cache_policy=NO_CACHE)
def proposal_points(draft: drafts.Draft) -> tuple[str, str]:
    """osaava's list of points for HR to consider, from the draft's public document."""
    import json

    from osaava.proposals import draft_text

    public = json.loads((Path(draft.folder) / draft.files["disclosure"]["path"]).read_text(encoding="utf-8"))
    return draft_text(public, "fi"), draft_text(public, "sv")


@task(name="add HR's conclusions", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=600)
def finalise_draft(draft: drafts.Draft, conclusions_fi: str, conclusions_sv: str,
                   contact: str) -> drafts.Draft:
    return drafts.finalise(draft, {"fi": conclusions_fi, "sv": conclusions_sv}, contact)
