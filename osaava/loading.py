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


def recollect_unchanged(found, db_url: str | None, var_dir: str | Path) -> dict | None:
    """The collect of an export that did not change (issue 15): ``found`` is what
    :func:`connectors.merge.unchanged_sources` gave (outcomes, the files' hashes) or ``None``.
    When the warehouse holds the loaded batch of exactly these files, that batch is collected
    again (no new batch, nothing parsed, validated or landed) and the collect's batch summary is
    returned, every source saying it did not change; otherwise ``None`` (read in full)."""
    if found is None:
        return None
    outcomes, per_source = found
    fp = landing.fingerprint(h for hashes in per_source for h in hashes)
    info = warehouse.recollect(warehouse.Warehouse.open(db_url).engine, fp)
    if info is None:
        return None
    for outcome, hashes in zip(outcomes, per_source):  # the rows each source's files gave then
        mine = set(hashes)
        outcome.rows = {f["entity"]: int(f["rows"]) for f in info.files if f.get("sha256") in mine}
    folder = Path(var_dir) / "quality" / info.fingerprint
    quality = {k: str(folder / f) for k, f in (("data_quality", "data-quality.html"),
                                                ("data_quality_json", "data-quality.json"))
               if (folder / f).is_file()}
    return {
        "batch_id": info.id, "status": info.status, "new": False, "rows_read": info.rows_read,
        "rows_loaded": info.rows_loaded, "rows_quarantined": info.rows_quarantined,
        "issues": [], "quality_report": quality, "sources": [o.to_dict() for o in outcomes],
        "changed": False, "unchanged": True,
    }
