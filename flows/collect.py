"""collect: source → landing → warehouse. Wiring only."""

from __future__ import annotations

from prefect import flow

from tasks.extract import read_export
from tasks.load import load_batch
from tasks.validate import validate_batch


@flow(name="collect", log_prints=False)
def collect(input_dir: str, db_url: str | None = None, var_dir: str = "var") -> dict:
    """Read an HR export folder, validate it, land the raw files and load the batch."""
    res = read_export(input_dir)
    issues = validate_batch(res)
    info = load_batch(res, issues, db_url, var_dir)
    return {
        "batch_id": info.id,
        "status": info.status,
        "new": info.new,
        "rows_read": info.rows_read,
        "rows_loaded": info.rows_loaded,
        "rows_quarantined": info.rows_quarantined,
        "issues": [i.to_dict() for i in issues],
    }
