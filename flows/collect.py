"""collect: source → landing → warehouse. Wiring only."""

from __future__ import annotations

import os

from prefect import flow

from flows.hooks import alert_hr
from flows.params import CollectParams
from tasks.approvals import expire_approvals
from tasks.artifacts import publish_batch
from tasks.extract import read_export
from tasks.load import dq_attachment, load_batch
from tasks.notify import notify_hr
from tasks.validate import quality_report, validate_batch


@flow(name="collect", log_prints=False, on_failure=[alert_hr], on_crashed=[alert_hr])
def collect(params: CollectParams = CollectParams(), end_expired_approvals: bool = True) -> dict:
    """Read the HR export folder, validate it, land the raw files and load the batch. A refused
    batch is quarantined and HR gets the data-quality report."""
    res = read_export(params.input_dir)
    issues = validate_batch(res)
    var = os.environ.get("OSAAVA_VAR", "var")
    info = load_batch(res, issues, None, var)
    quality = quality_report(res, issues, os.path.join(var, "quality", info.fingerprint))
    batch = {
        "batch_id": info.id, "status": info.status, "new": info.new, "rows_read": info.rows_read,
        "rows_loaded": info.rows_loaded, "rows_quarantined": info.rows_quarantined,
        "issues": [i.to_dict() for i in issues], "quality_report": quality,
    }
    publish_batch(batch)
    if info.status != "loaded":
        notify_hr(f"refused-batch-{info.fingerprint}", "refused",
                  {"rows": info.rows_quarantined, "critical": info.issues_critical},
                  attachments=[dq_attachment(quality)])
    if end_expired_approvals:
        expire_approvals()
    return batch
