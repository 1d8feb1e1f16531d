"""annual-report: warehouse → figures → report files → HR's approval → the committee's inbox.
Wiring only: every step is a task."""

from __future__ import annotations

from prefect import flow
from prefect.flow_runs import suspend_flow_run
from prefect.runtime import flow_run

from flows.hooks import alert_hr
from flows.params import AnnualReportParams, Approval
from tasks.artifacts import approval_description, publish_decision, publish_report
from tasks.deliver import deliver
from tasks.figures import check_batch, compute_figures, report_year
from tasks.notify import notify_hr, smtp_block_name, ui_link
from tasks.render import render_reports


@flow(name="annual-report", persist_result=True, result_serializer="json",
      on_failure=[alert_hr], on_crashed=[alert_hr])
def annual_report(params: AnnualReportParams = AnnualReportParams()) -> dict:
    """The year's committee report: figures from the latest good batch, the bilingual report
    files, then (unless a dry run) HR's approval in the UI and delivery, once per recipient.
    The persisted result (aggregates, paths, delivery statuses) is JSON, never a pickle."""
    year = params.year or report_year()
    info = check_batch(None, params.batch_id)
    yf = compute_figures(None, info.id, year)
    paths = render_reports(yf, params.out, tuple(params.languages))
    key = f"annual-report-{year}"
    publish_report(key, yf.document, paths)
    result = {"year": year, "batch_id": info.id, "paths": paths,
              "organisation": yf.document["organisation"], "targets": yf.document["targets"]}
    if params.dry_run:
        return {**result, "status": "draft"}

    from osaava.report import report_id

    rid = report_id(yf.document)
    link = ui_link(flow_run.id)
    notify_hr(f"approval-request-{rid}", "approval",
              {"year": year, "group": params.recipient_group, "link": link,
               "files": ", ".join(p for k, p in paths.items() if k.startswith("report_pdf")),
               "days": params.approval_days})
    decision = suspend_flow_run(
        wait_for_input=Approval.with_initial_data(
            description=approval_description(yf.document, paths, params.recipient_group),
            approve=False),
        timeout=params.approval_days * 86400,
        key=f"approval-{year}",
    )
    publish_decision(key, decision.approve, decision.comment)
    if not decision.approve:
        return {**result, "status": "rejected", "comment": decision.comment}
    sent = deliver(paths, yf.document, params.recipient_group, None, smtp_block_name(), params.resend)
    return {**result, "status": "sent", "report_id": rid,
            "deliveries": [{k: d[k] for k in ("recipient", "language", "status")} for d in sent]}
