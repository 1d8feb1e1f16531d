"""annual-report: warehouse → figures → a recorded draft → HR's approval → the committee's inbox.
Wiring only: every step is a task.

What HR approves is what is sent: the draft (its files and their sha256, the batch and the
guideline version) is recorded in a folder of this run before the run waits. HR approves it with
its conclusions and proposals (Finnish and Swedish) and the contact person; the run checks the
draft's hashes, renders the public report from the draft's own public document with HR's text
(the figures are never computed again), records those files too and sends them. A resumed run
starts from the top again; it finds its draft and computes nothing."""

from __future__ import annotations

from prefect import flow
from prefect.flow_runs import suspend_flow_run
from prefect.runtime import flow_run

from flows.hooks import alert_hr
from flows.params import AnnualReportParams, approval_form
from osaava.drafts import run_folder
from osaava.settings import current
from tasks.artifacts import approval_description, publish_decision, publish_report
from tasks.deliver import deliver
from tasks.drafts import (copy_draft, finalise_draft, open_draft, proposal_points, record_draft,
                          verify_draft)
from tasks.figures import check_batch, compute_figures, report_year
from tasks.notify import (draft_attachments, notify_hr, recipients_and_ledger, smtp_block_name,
                          ui_link)
from tasks.render import render_reports


def run_name() -> str:
    """``vuosiraportti-2025`` (``-luonnos`` for a dry run): what the run is, in the run list."""
    params = flow_run.parameters.get("params") or {}
    if hasattr(params, "model_dump"):
        params = params.model_dump()
    year = params.get("year") or "edellinen"
    return f"vuosiraportti-{year}" + ("-luonnos" if params.get("dry_run") else "")


@flow(name="annual-report", flow_run_name=run_name, persist_result=True, result_serializer="json",
      on_failure=[alert_hr], on_crashed=[alert_hr])
def annual_report(params: AnnualReportParams = AnnualReportParams()) -> dict:
    """The year's committee report: figures from the current batch, the bilingual report files
    recorded as a draft, then (unless a dry run) HR's approval in the UI and delivery of exactly
    that draft, once per recipient."""
    settings = current()
    year = report_year(params.year)
    folder = str(run_folder(settings.var_dir / "reports", year, flow_run.id or "local"))
    draft = open_draft(folder)
    if draft is None:
        info = check_batch(settings.warehouse_url, None)
        yf = compute_figures(settings.warehouse_url, info.id, year)
        paths = render_reports(yf, folder, tuple(params.languages))
        draft = record_draft(folder, year, info, yf.document, paths, str(flow_run.id or "local"))
        publish_report(f"annual-report-{year}", yf.document, paths)
    paths = draft.paths()
    result = {"year": year, "batch_id": draft.batch_id, "folder": draft.folder, "paths": paths,
              "report_id": draft.report_id}
    if params.out:
        result["copied_to"] = copy_draft(draft, params.out)
    if params.dry_run:
        return {**result, "status": "draft"}

    recipients, sent = recipients_and_ledger(params.recipient_group, draft.report_id,
                                             settings.warehouse_url)
    link = ui_link(flow_run.id)
    batch = f"{draft.batch_id} ({draft.batch_source})"
    notify_hr(f"approval-request-{flow_run.id}", "approval",
              {"year": year, "recipients_fi": recipients[0], "recipients_sv": recipients[1],
               "batch": batch, "link": link, "days": params.approval_days},
              attachments=draft_attachments(paths))
    points_fi, points_sv = proposal_points(draft)
    decision = suspend_flow_run(
        wait_for_input=approval_form(points_fi, points_sv).with_initial_data(
            description=approval_description(draft, recipients, sent, params.approval_days)),
        timeout=params.approval_days * 86400,
        key=f"approval-{year}",
    )
    publish_decision(f"annual-report-{year}", decision.approved, decision.comment)
    if not decision.approved:
        return {**result, "status": "rejected", "comment": decision.comment}
    verify_draft(draft)
    final = finalise_draft(draft, decision.conclusions_fi, decision.conclusions_sv, decision.contact)
    sent_now = deliver(final.paths(), draft.document(), params.recipient_group, settings.warehouse_url,
                       smtp_block_name(), params.resend)
    return {**result, "status": "sent",
            "deliveries": [{k: d[k] for k in ("recipient", "language", "status")} for d in sent_now]}
