"""Notifications to HR: an approval is waiting, a run failed, a batch was refused, an approval
expired. Each goes through the delivery ledger, so one event is mailed at most once per
recipient, and without an SMTP block it is only logged."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from osaava import warehouse
from osaava.delivery import Attachment, Outgoing, build_message, send_all
from osaava.recipients import load_recipients

SMTP_BLOCK = "osaava-smtp"


def smtp_block_name() -> str:
    from osaava.settings import current

    return current().smtp_block


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


_URL = re.compile(r"https?://[^\s<>\"']+")


def text_to_html(text: str) -> str:
    """Plain text as a mail body: escaped, line breaks kept, links clickable."""
    escaped = html.escape(text)
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return ("<div style=\"font-family:sans-serif;white-space:pre-wrap;line-height:1.4\">"
            + linked + "</div>")


@lru_cache(maxsize=1)
def _texts() -> dict:
    path = Path(str(resources.files("osaava") / "locale" / "notify.yaml"))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def compose(kind: str, **values) -> tuple[str, str]:
    """Subject and text of a notification, Finnish first, then Swedish."""
    t = _texts()
    subject = t["fi"][f"{kind}_subject"].format(**values) + " / " + t["sv"][f"{kind}_subject"].format(**values)
    text = t["fi"][f"{kind}_text"].format(**values) + "\n\n—\n\n" + t["sv"][f"{kind}_text"].format(**values)
    return subject, text


def send_to_hr(event_id: str, subject: str, text: str, db_url: str | None,
               attachments: list[Attachment] = (), group: str = "hr", smtp=None, log=print) -> list[dict]:
    """Mail a notification to the HR group once (the ledger key is ``event_id``)."""
    from tasks.deliver import _settings

    if smtp is None:
        try:
            smtp = _settings(smtp_block_name())
        except Exception as e:  # no block configured (or unreadable): say so in the log only
            log(f"no SMTP block '{smtp_block_name()}' ({type(e).__name__}): notification not sent: {subject}")
            return []
    people = load_recipients()
    body = text_to_html(text)

    def make(address: str, lang: str):
        return lambda mid: build_message(
            sender=people.sender, recipient=address, subject=subject, text=text, html=body,
            images={}, attachments=list(attachments), language=lang, msg_id=mid,
            reply_to=people.reply_to)

    outgoing = [Outgoing(r.address, r.language, group, make(r.address, r.language))
                for r in people.group(group)]
    engine = warehouse.engine_for(db_url)
    try:
        warehouse.migrate(engine)
        return send_all(engine, event_id, people.sender, outgoing, _settings(smtp).connect, log=log)
    finally:
        engine.dispose()


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
