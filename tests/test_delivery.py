"""Delivery through a REAL SMTP server (aiosmtpd on 127.0.0.1) into the warehouse ledger.

The mails are parsed back: subject, language, recipients, the cover note (no images), the PDF attachment (opened
with pypdf) and the XLSX attachment (read with openpyxl). The ledger stops a second send;
resend=True sends again; a run killed half-way resumes without duplicates or gaps; a 4xx is
retried; a 5xx fails naming the recipient and the server's answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from osaava import warehouse
from osaava.delivery import DeliveryError, SmtpSettings, ledger
from osaava.figures import compute
from osaava.guideline import guideline_for_year, load_codes
from osaava.report import figures_document, report_id
from tasks.blocks import smtp_settings
from tasks.deliver import deliver_report
from tasks.figures import YearFigures
from tasks.render import write_reports

MADE_ON = dt.date(2025, 2, 3)
RECIPIENTS = """\
sender: "Kauniaisten kaupunki <henkilosto@kauniainen.example>"
reply_to: henkilosto@kauniainen.example
groups:
  committee:
    - {address: anna@jaosto.example, language: fi}
    - {address: bertil@jaosto.example, language: sv}
    - {address: carita@jaosto.example, language: fi}
  hr:
    - {address: hr@kauniainen.example, language: fi}
"""
COMMITTEE = ["anna@jaosto.example", "bertil@jaosto.example", "carita@jaosto.example"]


@pytest.fixture(scope="module")
def report(small_frames, tmp_path_factory):
    g = guideline_for_year(2024)
    fig = compute(small_frames, g, load_codes(), 2024)
    doc = figures_document(fig, g, [])
    out = tmp_path_factory.mktemp("report")
    paths = write_reports(YearFigures(fig, g, doc), str(out), made_on=MADE_ON)
    return paths, doc


@pytest.fixture()
def recipients(tmp_path) -> Path:
    p = tmp_path / "recipients.yaml"
    p.write_text(RECIPIENTS, encoding="utf-8")
    return p


@pytest.fixture()
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path}/wh.db"
    engine = warehouse.engine_for(url)
    warehouse.migrate(engine)
    engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every accepted message; answers can be scripted per DATA."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.data_answers: list[str] = []  # popped one per DATA before accepting
        self.refuse_rcpt: dict[str, str] = {}
        self.hold_on: int | None = None  # the n-th DATA (1-based) waits for `release`
        self.holding = threading.Event()
        self.release = threading.Event()
        self.datas = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.datas += 1
        if self.hold_on == self.datas:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 the client went away"
        if self.data_answers:
            return self.data_answers.pop(0)
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 queued"

    def parsed(self):
        return [(rcpt, email.message_from_bytes(raw, policy=policy.default))
                for rcpt, raw in self.messages]

    def to(self) -> list[str]:
        return [r for rcpt, _m in self.messages for r in rcpt]


@pytest.fixture()
def smtp():
    inbox = Inbox()
    port = free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    yield inbox, SmtpSettings(host="127.0.0.1", port=port, security="plain", timeout=10)
    inbox.release.set()
    ctl.stop()


def send(report, db, recipients, settings, **kw):
    paths, doc = report
    kw.setdefault("backoff_seconds", 0.01)
    return deliver_report(paths, doc, "committee", db, settings, recipients_file=recipients, **kw)


def test_mails_arrive_in_each_recipients_language(report, db, recipients, smtp):
    inbox, settings = smtp
    res = send(report, db, recipients, settings)
    assert [r["status"] for r in res] == ["sent"] * 3
    assert sorted(inbox.to()) == sorted(COMMITTEE)
    import openpyxl
    from pypdf import PdfReader

    for rcpt, msg in inbox.parsed():
        lang = "sv" if rcpt == ["bertil@jaosto.example"] else "fi"
        assert msg["To"] == rcpt[0] and msg["Content-Language"] == lang
        assert msg["From"].addresses[0].addr_spec == "henkilosto@kauniainen.example"
        assert msg["Subject"] == {
            "fi": "Koulutusohjeen toteutuminen 2024 – raportti henkilöstöjaostolle",
            "sv": "Hur utbildningsanvisningen genomfördes 2024 – rapport till personalsektionen",
        }[lang]
        html = msg.get_body(("html",)).get_content()
        # the body is a cover note: no charts or images (the PDF holds them), no file reference
        assert not [p for p in msg.walk() if p.get_content_maintype() == "image"]
        assert "<img" not in html and "charts/" not in html and "<table" not in html
        assert {"fi": "Hyvät henkilöstöjaoston jäsenet",
                "sv": "Bästa ledamöter i personalsektionen"}[lang] in html
        files = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
        assert len(files) == 2, files.keys()
        pdf_name = next(n for n in files if n.endswith(".pdf"))
        xlsx_name = next(n for n in files if n.endswith(".xlsx"))
        assert not any("hr-internal" in n or "quality" in n or n.endswith((".csv", ".json"))
                       for n in files)
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files[pdf_name])).pages)
        if lang == "fi":
            assert "Koulutusohjeen toteutuminen 2024" in html and "Liite" in text
            assert "Koulutusohjeen toteutuminen 2024" in text and "Bilaga" not in text
        else:
            assert "Hur utbildningsanvisningen genomfördes 2024" in html and "Bilaga" in text
            assert "Hur utbildningsanvisningen genomfördes 2024" in text and "Liite" not in text
        wb = openpyxl.load_workbook(io.BytesIO(files[xlsx_name]))
        first = wb.worksheets[0]
        assert first["A2"].value == ("Koulutusohjeen toteutuminen 2024" if lang == "fi"
                                     else "Hur utbildningsanvisningen genomfördes 2024")
        plain = msg.get_body(("plain",)).get_content()
        assert plain.startswith(first["A2"].value)
        # the plain-text part is the cover note too: greeting, targets, attachments
        assert {"fi": "Hyvät henkilöstöjaoston jäsenet", "sv": "Bästa ledamöter i personalsektionen"}[lang] in plain
        assert pdf_name in plain and xlsx_name in plain and "<" not in plain
    rows = ledger(warehouse.engine_for(db), report_id(report[1]))
    assert sorted(r["recipient"] for r in rows) == sorted(COMMITTEE)
    assert all(r["sends"] == 1 and r["smtp_reply"].startswith("250") for r in rows)
    assert {r["recipient"]: r["language"] for r in rows}["bertil@jaosto.example"] == "sv"


def test_ledger_prevents_a_second_send_and_resend_sends_again(report, db, recipients, smtp):
    inbox, settings = smtp
    send(report, db, recipients, settings)
    again = send(report, db, recipients, settings)
    assert [r["status"] for r in again] == ["skipped"] * 3
    assert len(inbox.messages) == 3
    forced = send(report, db, recipients, settings, resend=True)
    assert [r["status"] for r in forced] == ["sent"] * 3
    assert len(inbox.messages) == 6
    ids = [m["Message-ID"] for _r, m in inbox.parsed()]
    assert len(set(ids)) == 6  # a resend is a new message
    rows = ledger(warehouse.engine_for(db), report_id(report[1]))
    assert len(rows) == 3 and all(r["sends"] == 2 for r in rows)


def test_another_report_is_sent_again(report, db, recipients, smtp):
    inbox, settings = smtp
    paths, doc = report
    send(report, db, recipients, settings)
    changed = {**doc, "code_version": doc["code_version"] + "+1"}
    send((paths, changed), db, recipients, settings)
    assert len(inbox.messages) == 6
    assert report_id(changed) != report_id(doc) and report_id(doc).startswith("annual-2024-")


def test_temporary_error_is_retried(report, db, recipients, smtp):
    inbox, settings = smtp
    inbox.data_answers = ["451 4.3.0 Temporary local problem, try again", "421 4.7.0 Busy"]
    res = send(report, db, recipients, settings)
    assert [r["attempts"] for r in res] == [3, 1, 1]
    assert sorted(inbox.to()) == sorted(COMMITTEE)  # each exactly once


def test_temporary_error_gives_up_after_the_tries(report, db, recipients, smtp):
    inbox, settings = smtp
    inbox.data_answers = ["451 4.3.0 Try later"] * 3
    with pytest.raises(DeliveryError, match=r"anna@jaosto\.example.*gave up after 3 tries.*451 4\.3\.0 Try later"):
        send(report, db, recipients, settings)
    assert sorted(inbox.to()) == sorted(COMMITTEE[1:])  # the others still got theirs


def test_permanent_error_names_the_recipient_and_the_answer(report, db, recipients, smtp):
    inbox, settings = smtp
    inbox.refuse_rcpt["bertil@jaosto.example"] = "550 5.1.1 <bertil@jaosto.example>: mailbox unavailable"
    with pytest.raises(DeliveryError) as e:
        send(report, db, recipients, settings)
    assert "bertil@jaosto.example" in str(e.value) and "permanent" in str(e.value)
    assert "550 5.1.1 <bertil@jaosto.example>: mailbox unavailable" in str(e.value)
    assert sorted(inbox.to()) == ["anna@jaosto.example", "carita@jaosto.example"]
    # fixed: the next run sends only to the one that failed
    inbox.refuse_rcpt.clear()
    res = send(report, db, recipients, settings)
    assert [r["status"] for r in res] == ["skipped", "sent", "skipped"]
    assert sorted(inbox.to()) == sorted(COMMITTEE)


def test_unreachable_server_is_a_clear_error(report, db, recipients):
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), security="plain", timeout=2)
    with pytest.raises(DeliveryError, match=r"anna@jaosto\.example.*ConnectionRefusedError"):
        send(report, db, recipients, settings, tries=2)
    assert ledger(warehouse.engine_for(db)) == []


CHILD = """
import json, sys
from osaava.delivery import SmtpSettings
from tasks.deliver import deliver_report
a = json.loads(sys.argv[1])
deliver_report(a["paths"], json.load(open(a["doc"], encoding="utf-8")), "committee", a["db"],
               SmtpSettings(host="127.0.0.1", port=a["port"], security="plain", timeout=30),
               recipients_file=a["recipients"], backoff_seconds=0.01)
"""


def test_a_run_killed_between_recipients_resumes_without_duplicates_or_gaps(
        report, db, recipients, smtp):
    inbox, settings = smtp
    paths, doc = report
    inbox.hold_on = 2  # the second message keeps the sending process waiting …
    args = json.dumps({"paths": paths, "doc": paths["figures"], "db": db, "port": settings.port,
                       "recipients": str(recipients)})
    child = subprocess.Popen([sys.executable, "-c", CHILD, args], cwd=Path(__file__).parents[1],
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    try:
        assert inbox.holding.wait(60), "the child never reached the second recipient"
        child.send_signal(signal.SIGKILL)  # … and dies there, like a crashed worker
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    inbox.release.set()
    assert inbox.to() == ["anna@jaosto.example"]
    assert [r["recipient"] for r in ledger(warehouse.engine_for(db))] == ["anna@jaosto.example"]
    inbox.hold_on = None
    res = send(report, db, recipients, settings)
    assert [r["status"] for r in res] == ["skipped", "sent", "sent"]
    assert sorted(inbox.to()) == sorted(COMMITTEE)  # nobody twice, nobody missing


def test_credentials_block_fields_become_smtp_settings():
    from prefect_email import EmailServerCredentials

    s = smtp_settings(EmailServerCredentials(smtp_server="relay.kauniainen.example",
                                             smtp_type="STARTTLS", username="osaava",
                                             password="x"))
    assert (s.host, s.port, s.security, s.username, s.password) == (
        "relay.kauniainen.example", 587, "starttls", "osaava", "x")
    s = smtp_settings(EmailServerCredentials(smtp_server="127.0.0.1", smtp_type="INSECURE",
                                             smtp_port=2525))
    assert (s.port, s.security, s.username) == (2525, "plain", None)
    assert smtp_settings(EmailServerCredentials(smtp_server="x.example")).security == "ssl"
    assert "x" not in repr(smtp_settings(EmailServerCredentials(smtp_server="h", password="x")))


def test_delivery_through_a_credentials_block(report, db, recipients, smtp):
    from prefect_email import EmailServerCredentials

    inbox, settings = smtp
    block = EmailServerCredentials(smtp_server="127.0.0.1", smtp_type="INSECURE",
                                   smtp_port=settings.port)
    paths, doc = report
    deliver_report(paths, doc, "hr", db, block, recipients_file=recipients)
    assert inbox.to() == ["hr@kauniainen.example"]


def test_recipient_configuration_errors_are_clear(tmp_path):
    from osaava.guideline import ConfigError
    from osaava.recipients import load_recipients

    p = tmp_path / "r.yaml"
    p.write_text("sender: osaava@kauniainen.example\ngroups:\n  committee:\n"
                 "    - {address: 'anna@', language: fi}\n    - {address: b@c.fi, language: en}\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_recipients(p)
    msg = str(e.value)
    assert str(p) in msg and "groups.committee.0.address" in msg and "not an e-mail address" in msg
    assert "groups.committee.1.language" in msg and "'fi' or 'sv'" in msg
    p.write_text("sender: osaava@kauniainen.example\ngroups:\n  board: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="groups.board"):
        load_recipients(p)
    assert [r.address for r in load_recipients().group("committee")]  # the shipped file is valid
    with pytest.raises(ConfigError, match="unknown recipient group 'council'"):
        load_recipients().group("council")
    time.sleep(0)
