"""Notifications to HR: an approval is waiting, a run failed, a batch was refused, an approval
expired. Each goes through the delivery ledger, so one event is mailed at most once per
recipient, and without an SMTP block it is only logged."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from osaava import warehouse
from osaava.delivery import Attachment
from osaava.notices import compose, send_notice, text_to_html
from osaava.recipients import load_recipients
from tasks.blocks import resolve_smtp, smtp_block_name

__all__ = ["compose", "draft_attachments", "notify_hr", "recipients_and_ledger", "send_to_hr",
           "smtp_block_name", "text_to_html", "ui_link"]


def ui_link(flow_run_id) -> str:
    """The run in the UI HR uses: Prefect 3.9 serves its current UI under ``/v2`` (a deep link
    without it opens the old one)."""
    from prefect.settings import PREFECT_UI_URL, get_current_settings

    base = (PREFECT_UI_URL.value() or "").rstrip("/")
    if not base:
        return f"flow run {flow_run_id}"
    if get_current_settings().server.ui.v2_enabled and not base.endswith("/v2"):
        base += "/v2"
    return f"{base}/runs/flow-run/{flow_run_id}"


def send_to_hr(event_id: str, subject: str, text: str, db_url: str | None,
               attachments: list[Attachment] = (), group: str = "hr", smtp=None, log=print) -> list[dict]:
    """Mail a notification to the HR group once; without an SMTP block it is only logged."""
    try:
        settings = resolve_smtp(smtp if smtp is not None else smtp_block_name())
    except Exception as e:  # no block configured (or unreadable): say so in the log only
        log(f"no SMTP block '{smtp_block_name()}' ({type(e).__name__}): notification not sent: {subject}")
        return []
    return send_notice(event_id, subject, text, db_url, settings, attachments, group, log)


@task(name="notify HR", persist_result=False, cache_policy=NO_CACHE, retries=1, retry_delay_seconds=30)
def notify_hr(event_id: str, kind: str, values: dict, db_url: str | None = None,
              attachments: list[Attachment] = ()) -> list[dict]:
    subject, text = compose(kind, **values)
    return send_to_hr(event_id, subject, text, db_url, list(attachments), log=get_run_logger().info)


@task(name="who receives the report", persist_result=False, cache_policy=NO_CACHE)
def recipients_and_ledger(group: str, report: str, db_url: str | None):
    """The recipients of the group in words, and what of this very report was sent already."""
    from osaava.approval import already_sent, recipients_text
    from osaava.delivery import ledger

    people = load_recipients().group(group)
    engine = warehouse.Warehouse.open(db_url).engine
    return recipients_text(group, people), already_sent(ledger(engine, report))


@task(name="draft PDFs for HR", persist_result=False, cache_policy=NO_CACHE)
def draft_attachments(paths: dict[str, str]) -> list[Attachment]:
    """The public PDFs of a draft, attached to HR's approval request."""
    from osaava.delivery import PDF_TYPE

    return [Attachment(Path(p).name, Path(p).read_bytes(), *PDF_TYPE)
            for k, p in sorted(paths.items()) if k.startswith("report_pdf")]
