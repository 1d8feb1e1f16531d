"""collect: sources → landing → warehouse. Wiring only."""

from __future__ import annotations

from prefect import flow
from prefect.states import Failed

from flows.hooks import REFUSED, alert_hr
from flows.params import CollectParams
from osaava.approval import current_data as data_in_use
from osaava.settings import current
from tasks.approvals import expire_approvals
from tasks.artifacts import publish_batch
from tasks.extract import SourceFailed, commit_sources, merge_batch, plan_sources, source_task, unchanged_batch
from tasks.load import current_batch, dq_attachment, load_batch
from tasks.notify import notify_hr
from tasks.validate import quality_report, validate_batch


@flow(name="collect", flow_run_name="keruu", log_prints=False, on_failure=[alert_hr],
      on_crashed=[alert_hr])
def collect(params: CollectParams = CollectParams()) -> dict:
    """Pull every configured source (the sources file; without one, the export folder), validate
    the batch, land the raw files and load it. A source that cannot be read fails the run: no
    batch is loaded, the previous one stays current and HR is mailed. A refused batch is
    quarantined and HR gets the data-quality report. An export whose files hash as those of the
    last loaded batch is not read again: every source says "unchanged" and no batch is made."""
    settings = current()
    sources_file = params.sources_file or (str(settings.sources) if settings.sources else None)
    input_dir = str(settings.resolve(params.input_dir) if params.input_dir else settings.export_dir)
    plan = plan_sources(sources_file and str(settings.resolve(sources_file)), input_dir,
                        str(settings.var_dir))
    unchanged = unchanged_batch(plan, settings.warehouse_url, str(settings.var_dir))
    if unchanged is not None:
        publish_batch(unchanged)
        expire_approvals()
        return unchanged
    results, failures = [], []
    for s in plan.config.sources:
        state = source_task(plan, s.name)(plan, s.name, return_state=True)
        if state.is_completed():
            results.append(state.result())
        else:
            failures.append(str(state.result(raise_on_failure=False)))
    if failures:
        raise SourceFailed("; ".join(failures))
    res = merge_batch(plan, results)
    issues = validate_batch(res)
    var = str(settings.var_dir)
    info = load_batch(res, issues, settings.warehouse_url, var,
                      "files" if sources_file is None else "sources")
    if info.status == "loaded":
        commit_sources(res)
    quality = quality_report(res, issues, f"{var}/quality/{info.fingerprint}")
    batch = {
        "batch_id": info.id, "status": info.status, "new": info.new, "rows_read": info.rows_read,
        "rows_loaded": info.rows_loaded, "rows_quarantined": info.rows_quarantined,
        "issues": [i.to_dict() for i in issues], "quality_report": quality,
        "sources": [s.to_dict() for s in res.sources], "changed": res.changed,
    }
    publish_batch(batch)
    expire_approvals()
    if info.status != "loaded":
        in_use = data_in_use(current_batch(settings.warehouse_url))
        notify_hr(f"refused-batch-{info.fingerprint}", "refused",
                  {"rows": info.rows_quarantined, "critical": info.issues_critical,
                   "current_fi": in_use[0], "current_sv": in_use[1]},
                  attachments=[dq_attachment(quality)])
        return Failed(name=REFUSED, data=batch,
                      message=f"Aineisto hylättiin (kriittisiä virheitä: {info.issues_critical}). "
                              f"{in_use[0]} / Materialet avvisades (kritiska fel: "
                              f"{info.issues_critical}). {in_use[1]}")
    return batch
