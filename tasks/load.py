"""Load: land the raw bytes, then store the batch in the warehouse (or quarantine it)."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.base import ReadResult
from osaava import landing, warehouse
from osaava.issues import Issue, critical


def load_read(res: ReadResult, issues: list[Issue], db_url: str | None, var_dir: str,
              source: str = "files") -> warehouse.BatchInfo:
    """Land every raw file unchanged (unless it holds a henkilötunnus), then store the batch in one
    transaction: its rows when it passed, only its issues when it was refused (and a quarantine
    record beside the landing)."""
    root = Path(var_dir) / "landing"
    refused = bool(critical(issues))
    # A henkilötunnus is never stored (DOMAIN §4): such files are not landed; the quarantine
    # record keeps only their hashes and the masked issues.
    if not any(i.code == "henkilotunnus" for i in issues):
        landing.land(res.raw, root=root, source=source)
    engine = warehouse.engine_for(db_url)
    try:
        warehouse.migrate(engine)
        info = warehouse.store_batch(engine, source, res.raw, None if refused else res.frames,
                                     res.rows_read, issues, refused)
    finally:
        engine.dispose()
    if refused:
        landing.quarantine(root, source, [r.sha256 for r in res.raw],
                           {"batch_id": info.id, "issues": [i.to_dict() for i in issues]})
    return info


@task(name="land and load batch", persist_result=False, cache_policy=NO_CACHE, retries=2,
      retry_delay_seconds=5, timeout_seconds=3600)
def load_batch(res: ReadResult, issues: list[Issue], db_url: str | None, var_dir: str,
               source: str = "files") -> warehouse.BatchInfo:
    return load_read(res, issues, db_url, var_dir, source)



def dq_attachment(paths: dict[str, str]):
    """The written HR-internal data-quality report as a mail attachment."""
    from osaava.delivery import Attachment

    return Attachment("data-quality-hr-internal.html", Path(paths["data_quality"]).read_bytes(),
                      "text", "html")
