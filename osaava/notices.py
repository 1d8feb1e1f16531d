"""HR's notifications in plain Finnish and Swedish: an approval waits, a run failed, a batch was
refused, an approval expired. One event is mailed at most once per recipient (the delivery
ledger's key is the event id). Plain Python: the tasks resolve the SMTP block and call these."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence


from osaava import warehouse
from osaava.delivery import Attachment, Outgoing, SmtpSettings, build_message, send_all
from osaava.recipients import load_recipients
from osaava.report.i18n import load_locale

_URL = re.compile(r"https?://[^\s<>\"']+")


def texts() -> dict:
    return load_locale("notify")


def compose(kind: str, **values) -> tuple[str, str]:
    """Subject and text of a notification, Finnish first, then Swedish."""
    t = texts()
    subject = t["fi"][f"{kind}_subject"].format(**values) + " / " + t["sv"][f"{kind}_subject"].format(**values)
    text = t["fi"][f"{kind}_text"].format(**values) + "\n\n—\n\n" + t["sv"][f"{kind}_text"].format(**values)
    return subject, text


def text_to_html(text: str) -> str:
    """Plain text as a mail body: escaped, line breaks kept, links clickable."""
    escaped = html.escape(text)
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return ('<div style="font-family:sans-serif;white-space:pre-wrap;line-height:1.4">'
            + linked + "</div>")


def send_notice(event_id: str, subject: str, text: str, db_url: str | None, smtp: SmtpSettings,
                attachments: Sequence[Attachment] = (), group: str = "hr",
                log: Callable[[str], None] = print) -> list[dict]:
    """Mail a notification to a recipient group once (the ledger key is ``event_id``)."""
    people = load_recipients()
    body = text_to_html(text)

    def make(address: str, lang: str):
        return lambda mid: build_message(
            sender=people.sender, recipient=address, subject=subject, text=text, html=body,
            images={}, attachments=list(attachments), language=lang, msg_id=mid,
            reply_to=people.reply_to)

    outgoing = [Outgoing(r.address, r.language, group, make(r.address, r.language))
                for r in people.group(group)]
    engine = warehouse.Warehouse.open(db_url).engine
    return send_all(engine, event_id, people.sender, outgoing, smtp.connect, log=log)
