"""Land and store a batch: the raw bytes into the landing area, the rows (or, for a refused
batch, only its issues and a quarantine record) into the warehouse, in one transaction."""

from __future__ import annotations

from pathlib import Path

from osaava import landing, warehouse
from osaava.issues import Issue, critical


def land_and_store(res, issues: list[Issue], db_url: str | None, var_dir: str | Path,
                   source: str = "files") -> warehouse.BatchInfo:
    """Land every raw file unchanged (unless it holds a henkilötunnus), then store the batch in one
    transaction: its rows when it passed, only its issues when it was refused (and a quarantine
    record beside the landing). ``res`` is a :class:`connectors.base.ReadResult`."""
    root = Path(var_dir) / "landing"
    refused = bool(critical(issues))
    # A refused file is never landed raw (issue 13): it may hold a henkilötunnus that no scan
    # could see (an encoding that is neither, a broken workbook). The quarantine record keeps
    # only the files' hashes and the masked issues.
    if not refused:
        landing.land(res.raw, root=root, source=source)
    engine = warehouse.Warehouse.open(db_url).engine
    info = warehouse.store_batch(engine, source, res.raw, None if refused else res.frames,
                                 res.rows_read, issues, refused)
    if refused:
        landing.quarantine(root, source, [r.sha256 for r in res.raw],
                           {"batch_id": info.id, "issues": [i.to_dict() for i in issues]})
    return info
