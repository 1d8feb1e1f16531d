"""Delivering the report by e-mail: MIME messages, SMTP with retries, and the delivery ledger.

At most once per report and recipient: before a message goes out the ledger (the warehouse's
``delivery`` table) is asked whether this report already went to this recipient; right after the
SMTP server accepted a message, the send is recorded in its own transaction. A run that crashes
between two recipients therefore resumes where it stopped, without duplicates or gaps. (The one
window left is between the server's "250" and the ledger's commit; a message re-sent from there
has the same Message-ID, which mail clients show once.)

Temporary SMTP trouble (4xx answers, refused or reset connections, time-outs) is retried with
exponential backoff, a bounded number of times (tenacity, the retry library of the connectors
too); a permanent answer (5xx) fails that recipient
with a message naming them and the server's answer. No Prefect here: the task layer
(``tasks/deliver.py``) turns a prefect-email block into :class:`SmtpSettings`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Literal

import sqlalchemy as sa
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from osaava.warehouse import delivery

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PDF_TYPE = ("application", "pdf")


class DeliveryError(Exception):
    """Sending failed; the message names the recipient(s) and the SMTP server's answer."""


class _SmtpTrouble(Exception):
    """One failed try at one recipient: the error, whether it is temporary, the server's answer
    and the stage (connect or send) it happened in."""

    def __init__(self, exc: BaseException, temporary: bool, answer: str, stage: str):
        super().__init__(answer)
        self.exc = exc
        self.temporary = temporary
        self.answer = answer
        self.stage = stage


# ---------------------------------------------------------------------------------------------
# SMTP connection


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server: the fields of a prefect-email ``EmailServerCredentials``
    block, plus a time-out (prefect-email's own ``get_server()`` has none, so a hung relay
    would hang the flow)."""
    host: str
    port: int
    security: Literal["ssl", "starttls", "plain"] = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    verify: bool = True
    timeout: float = 30.0

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context() if self.verify else ssl._create_unverified_context()
        if self.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                    context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                server.starttls(context=context)
        try:
            server.ehlo_or_helo_if_needed()
            if self.username:
                server.login(self.username, self.password or "")
        except BaseException:
            server.close()
            raise
        return server


def classify(exc: BaseException) -> tuple[bool, str]:
    """(temporary?, the server's answer or the connection problem) of a sending error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, msg = next(iter(exc.recipients.values()))
        return 400 <= code < 500, f"{code} {_text(msg)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return 400 <= code < 500, f"{code} {_text(exc.smtp_error)}"
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError,
                        socket.timeout)):
        return True, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError):  # e.g. no route to host: the relay may come back
        return True, f"{type(exc).__name__}: {exc}"
    return False, f"{type(exc).__name__}: {exc}"


def _text(msg) -> str:
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


def send_one(server: smtplib.SMTP, sender: str, recipient: str, msg: EmailMessage) -> str:
    """MAIL, RCPT, DATA on an open connection; returns the server's final answer ("250 …")."""
    server.ehlo_or_helo_if_needed()
    code, resp = server.mail(sender)
    if code != 250:
        server.rset()
        raise smtplib.SMTPSenderRefused(code, resp, sender)
    code, resp = server.rcpt(recipient)
    if code not in (250, 251):
        server.rset()
        raise smtplib.SMTPRecipientsRefused({recipient: (code, resp)})
    # CRLF line ends (smtplib sends bytes as they are); data() raises only when DATA itself
    # is refused, the answer to the message is checked here
    code, resp = server.data(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
    if code != 250:
        raise smtplib.SMTPDataError(code, resp)
    return f"{code} {_text(resp)}"[:500]


# ---------------------------------------------------------------------------------------------
# Messages


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")', re.IGNORECASE)


def message_id(report_id: str, recipient: str, sends: int, sender: str) -> str:
    """Deterministic per report, recipient and send: a repeat after a crash is recognisable."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "osaava.invalid"
    who = hashlib.sha256(recipient.lower().encode()).hexdigest()[:16]
    rid = re.sub(r"[^A-Za-z0-9.-]", "-", report_id)[:80]
    return f"<{rid}.{who}.{sends}@{domain}>"


def build_message(*, sender: str, recipient: str, subject: str, text: str, html: str,
                  images: dict[str, bytes], attachments: Iterable[Attachment], language: str,
                  msg_id: str, reply_to: str | None = None, date: str | None = None) -> EmailMessage:
    """multipart/mixed [multipart/alternative [text/plain, multipart/related [text/html,
    image/png…]], attachments…]. Every ``<img src="X">`` whose X is a key of ``images``
    becomes a CID reference to that image."""
    cids = {src: f"chart{i}.{msg_id.strip('<>')}" for i, src in enumerate(sorted(images), 1)}
    missing = [m.group(2) for m in _SRC.finditer(html)
               if m.group(2) not in images and not m.group(2).startswith(("cid:", "data:"))]
    if missing:
        raise DeliveryError(f"the report refers to images that were not given: {missing}")
    body = _SRC.sub(lambda m: m.group(1) + (f"cid:{cids[m.group(2)]}" if m.group(2) in cids
                                            else m.group(2)) + m.group(3), html)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = recipient
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = date or formatdate(localtime=True)
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(body, subtype="html", charset="utf-8", cte="quoted-printable")
    html_part = msg.get_payload()[1]
    for src in sorted(images):
        html_part.add_related(images[src], maintype="image", subtype="png",
                              cid=f"<{cids[src]}>", filename=src.rsplit("/", 1)[-1],
                              disposition="inline")
    for a in attachments:
        msg.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename)
    msg["Content-Language"] = language  # after the parts: making a multipart moves Content-*
    return msg


# ---------------------------------------------------------------------------------------------
# The ledger


def sent_before(engine: sa.Engine, report_id: str, recipient: str):
    """The ledger row of this report and recipient, or None."""
    with engine.connect() as conn:
        return conn.execute(sa.select(delivery).where(
            delivery.c.report_id == report_id,
            sa.func.lower(delivery.c.recipient) == recipient.lower())).first()


def record_sent(engine: sa.Engine, report_id: str, recipient: str, msg_id: str, *,
                language: str | None, group: str | None, smtp_reply: str,
                when: dt.datetime | None = None) -> None:
    """One send, in its own transaction: a new row, or the row of an earlier send counted up."""
    when = when or dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        row = conn.execute(sa.select(delivery.c.id, delivery.c.sends).where(
            delivery.c.report_id == report_id,
            sa.func.lower(delivery.c.recipient) == recipient.lower())).first()
        values = {"message_id": msg_id, "sent_at": when, "language": language,
                  "recipient_group": group, "smtp_reply": smtp_reply[:500]}
        if row is None:
            conn.execute(delivery.insert().values(report_id=report_id, recipient=recipient,
                                                  sends=1, **values))
        else:
            conn.execute(delivery.update().where(delivery.c.id == row.id)
                         .values(sends=row.sends + 1, **values))


def ledger(engine: sa.Engine, report_id: str | None = None) -> list[dict]:
    q = sa.select(delivery).order_by(delivery.c.id)
    if report_id is not None:
        q = q.where(delivery.c.report_id == report_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


# ---------------------------------------------------------------------------------------------
# Sending a report to a list of recipients


@dataclass(frozen=True)
class Outgoing:
    recipient: str
    language: str
    group: str | None
    build: Callable[[str], EmailMessage]  # Message-ID → the message


def send_all(engine: sa.Engine, report_id: str, sender: str, outgoing: list[Outgoing],
             connect: Callable[[], smtplib.SMTP], *, resend: bool = False, tries: int = 3,
             backoff_seconds: float = 2.0, sleep: Callable[[float], None] = time.sleep,
             log: Callable[[str], None] = lambda _m: None) -> list[dict]:
    """Send each outgoing message unless the ledger says it went already (or ``resend``).

    Returns one dict per recipient: recipient, language, status ("sent" | "skipped"),
    message_id, attempts, smtp_reply. Raises :class:`DeliveryError` when a recipient could not
    be reached: at once when the server cannot be reached or refuses the login, otherwise after
    trying everyone else (whose sends are recorded)."""
    if tries < 1:
        raise ValueError("tries must be at least 1")
    sender_addr = parseaddr(sender)[1]
    results: list[dict] = []
    failures: list[str] = []
    server: smtplib.SMTP | None = None

    def close() -> None:
        nonlocal server
        if server is not None:
            try:
                server.quit()
            except Exception:
                server.close()
            server = None

    try:
        for out in outgoing:
            before = sent_before(engine, report_id, out.recipient)
            if before is not None and not resend:
                results.append({"recipient": out.recipient, "language": out.language,
                                "status": "skipped", "message_id": before.message_id,
                                "attempts": 0, "smtp_reply": before.smtp_reply})
                log(f"{out.recipient}: already sent ({before.message_id}), skipped")
                continue
            sends = 0 if before is None else before.sends
            msg_id = message_id(report_id, out.recipient, sends, sender)
            msg = out.build(msg_id)

            tried = [0]

            def attempt(out: Outgoing = out, msg: EmailMessage = msg, tried: list[int] = tried) -> str:
                nonlocal server
                tried[0] += 1
                stage = "connect"
                try:
                    if server is None:
                        server = connect()
                    stage = "send"
                    return send_one(server, sender_addr, out.recipient, msg)
                except Exception as exc:  # noqa: BLE001 - classified here
                    temporary, answer = classify(exc)
                    close()
                    raise _SmtpTrouble(exc, temporary, answer, stage) from exc

            def before_sleep(state: RetryCallState, out: Outgoing = out) -> None:
                trouble = state.outcome.exception() if state.outcome else None
                log(f"{out.recipient}: temporary SMTP error ({getattr(trouble, 'answer', '')}); "
                    f"retry {state.attempt_number + 1}/{tries} in {state.upcoming_sleep:g} s")

            retrying = Retrying(
                retry=retry_if_exception(lambda e: isinstance(e, _SmtpTrouble) and e.temporary),
                stop=stop_after_attempt(tries),
                wait=wait_exponential(multiplier=backoff_seconds, min=0),
                sleep=sleep, before_sleep=before_sleep, reraise=True)
            try:
                reply = retrying(attempt)
            except _SmtpTrouble as t:
                what = (f"temporary error, gave up after {tries} tries" if t.temporary
                        else "permanent error")
                problem = (f"{out.recipient}: the report was not sent ({what}); the SMTP "
                           f"server answered: {t.answer}")
                if t.stage == "connect" and not isinstance(t.exc, smtplib.SMTPRecipientsRefused):
                    raise DeliveryError(problem + " (while connecting; nobody after this "
                                        "recipient was tried)") from t.exc
                failures.append(problem)
                log(problem)
                continue
            record_sent(engine, report_id, out.recipient, msg_id, language=out.language,
                        group=out.group, smtp_reply=reply)
            results.append({"recipient": out.recipient, "language": out.language,
                            "status": "sent", "message_id": msg_id,
                            "attempts": tried[0],
                            "smtp_reply": reply})
            log(f"{out.recipient}: sent ({reply})")
    finally:
        close()
    if failures:
        raise DeliveryError("; ".join(failures))
    return results
