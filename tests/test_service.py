"""osaava as a service, as HR uses it: a real Prefect server on 127.0.0.1, the deployments of
prefect.yaml, a process worker, a real SMTP server (aiosmtpd). One server for the whole module.

HR's clicks are API calls with the parameters the UI form would send; the approval is answered
with resume_flow_run(run_input=...), exactly what the form's "Resume" button posts.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
import requests

import small_city
from test_delivery import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["X-Envelope-To"]]


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield ctl.port, inbox
    ctl.stop()


RECIPIENTS = """\
sender: "Kauniaisten kaupunki <henkilosto@kauniainen.example>"
groups:
  committee:
    - {address: jaosto.fi@kauniainen.example, language: fi}
    - {address: sektion.sv@kauniainen.example, language: sv}
  hr:
    - {address: hr@kauniainen.example, language: fi}
  management:
    - {address: johto@kauniainen.example, language: fi}
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory, smtp):
    """Server, work pool, blocks, deployments and a worker, as `make serve` sets them up."""
    tmp = tmp_path_factory.mktemp("service")
    port, _ = smtp
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}/api"
    (tmp / "recipients.yaml").write_text(RECIPIENTS, encoding="utf-8")
    env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect"), "PREFECT_API_URL": api,
           "PREFECT_UI_API_URL": api, "PREFECT_UI_URL": f"http://127.0.0.1:{api_port}",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "5",
           "PREFECT_LOGGING_LEVEL": "INFO", "PREFECT_SERVER_API_HOST": "127.0.0.1",
           "OSAAVA_HOME": str(ROOT), "OSAAVA_ALLOWED_PATHS": str(tmp), "OSAAVA_DB_URL": f"sqlite:///{tmp / 'wh.db'}",
           "OSAAVA_VAR": str(tmp / "var"), "OSAAVA_RECIPIENTS": str(tmp / "recipients.yaml"),
           "OSAAVA_SMTP_HOST": "127.0.0.1", "OSAAVA_SMTP_PORT": str(port),
           "OSAAVA_SMTP_TYPE": "INSECURE", "PATH": f"{BIN}:{os.environ['PATH']}"}
    env.pop("PREFECT_PROFILE", None)
    logs = tmp / "logs"
    logs.mkdir()
    procs = []
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(api_port)], env=env, cwd=tmp,
                              stdout=open(logs / "server.log", "w"), stderr=subprocess.STDOUT)
    procs.append(server)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{api}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None, (logs / "server.log").read_text()
            time.sleep(1)
        else:
            pytest.fail("the Prefect server did not start:\n" + (logs / "server.log").read_text())

        def run(*cmd):
            out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
            assert out.returncode == 0, out.stdout + out.stderr
            return out.stdout

        run(str(BIN / "prefect"), "work-pool", "create", "osaava", "--type", "process")
        run(str(BIN / "osaava"), "setup-blocks")
        run(str(BIN / "prefect"), "--no-prompt", "deploy", "--all")
        worker = subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", "osaava"],
                                  env=env, cwd=ROOT, stdout=open(logs / "worker.log", "w"),
                                  stderr=subprocess.STDOUT)
        procs.append(worker)
        yield {"api": api, "env": env, "tmp": tmp, "logs": logs, "ui": env["PREFECT_UI_URL"]}
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def _client(service):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    class Ctx:
        def __enter__(self):
            self.t = temporary_settings({PREFECT_API_URL: service["api"]})
            self.t.__enter__()
            self.c = get_client(sync_client=True)
            return self.c.__enter__()

        def __exit__(self, *a):
            self.c.__exit__(*a)
            self.t.__exit__(*a)

    return Ctx()


def start(service, deployment: str, parameters: dict):
    with _client(service) as client:
        dep = client.read_deployment_by_name(deployment)
        return client.create_flow_run_from_deployment(dep.id, parameters=parameters).id


def wait_for(service, run_id, states: set[str], timeout: float = 300):
    deadline = time.monotonic() + timeout
    with _client(service) as client:
        while time.monotonic() < deadline:
            run = client.read_flow_run(run_id)
            if run.state and (run.state.type.value in states or run.state.name in states):
                return run
            if run.state and run.state.is_final() and run.state.type.value not in states:
                break
            time.sleep(1)
    logs = "\n".join(p.read_text()[-6000:] for p in service["logs"].iterdir())
    pytest.fail(f"run {run_id} is {run.state.type.value if run.state else None} "
                f"({run.state.message if run.state else ''}), not {states}\n{logs}")


def resume(service, run_id, approve: bool, comment: str) -> None:
    from prefect.flow_runs import resume_flow_run
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: service["api"]}):
        resume_flow_run(run_id, run_input={"approve": approve, "comment": comment})


def report_params(service, year=2024, **kw):
    return {"params": {"year": year, "out": str(service["tmp"] / "out"), **kw}}


@pytest.fixture(scope="module")
def collected(service):
    export = small_city.write(service["tmp"] / "export")
    run_id = start(service, "collect/collect", {"params": {"input_dir": str(export)}})
    run = wait_for(service, run_id, {"COMPLETED"})
    return run


def test_deployments_have_their_schedules(service):
    with _client(service) as client:
        deps = {d.name: d for d in client.read_deployments()}
    assert set(deps) >= {"collect", "follow-up", "annual-report"}
    crons = {n: [s.schedule.cron for s in d.schedules] for n, d in deps.items()}
    assert crons["collect"] == ["0 2 * * *"]
    assert crons["follow-up"] == ["0 7 5 * *"]
    assert crons["annual-report"] == ["0 6 15 1 *"]
    assert all(s.schedule.timezone == "Europe/Helsinki" for d in deps.values() for s in d.schedules)
    assert all(d.enforce_parameter_schema for d in deps.values())
    schema = deps["annual-report"].parameter_openapi_schema
    fields = json.dumps(schema)
    for name in ("year", "languages", "recipient_group", "dry_run", "resend"):
        assert name in fields


def test_approved_report_reaches_the_committee_once(service, smtp, collected):
    _, inbox = smtp
    run_id = start(service, "annual-report/annual-report", report_params(service))
    wait_for(service, run_id, {"PAUSED", "Suspended"})
    # HR was told that an approval waits, with the link to the run
    hr = inbox.to("hr@kauniainen.example")
    assert any("Hyväksyntä odottaa" in m["Subject"] for m in hr)
    assert str(run_id) in hr[-1].get_body(("plain",)).get_content()
    assert not inbox.to("jaosto.fi@kauniainen.example")  # nothing before approval
    resume(service, run_id, True, "Tarkistettu.")
    wait_for(service, run_id, {"COMPLETED"})
    fi, sv = inbox.to("jaosto.fi@kauniainen.example"), inbox.to("sektion.sv@kauniainen.example")
    assert len(fi) == 1 and len(sv) == 1
    assert fi[0]["Content-Language"] == "fi" and sv[0]["Content-Language"] == "sv"
    names = {p.get_filename() for p in fi[0].iter_attachments()}
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".xlsx") for n in names)

    # a second click on the same report: approved again, sends nothing new
    again = start(service, "annual-report/annual-report", report_params(service))
    wait_for(service, again, {"PAUSED", "Suspended"})
    resume(service, again, True, "Uudelleen.")
    wait_for(service, again, {"COMPLETED"})
    assert len(inbox.to("jaosto.fi@kauniainen.example")) == 1
    assert len(inbox.to("sektion.sv@kauniainen.example")) == 1


def test_rejected_report_sends_nothing(service, smtp, collected):
    _, inbox = smtp
    before = len(inbox.messages)
    run_id = start(service, "annual-report/annual-report",
                   report_params(service, recipient_group="management"))
    wait_for(service, run_id, {"PAUSED", "Suspended"})
    resume(service, run_id, False, "Luvut tarkistettava.")
    run = wait_for(service, run_id, {"COMPLETED"})
    assert not inbox.to("johto@kauniainen.example")
    new = inbox.messages[before:]
    assert all("hr@kauniainen.example" in m["X-Envelope-To"] for m in new)
    assert run.state.is_completed()


def test_refused_batch_mails_hr_not_the_committee(service, smtp, collected):
    _, inbox = smtp
    export = small_city.write(service["tmp"] / "bad-export")
    p = export / "henkilosto.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("10001;1;1.1.2020;", "10001;1;1.13.2020;"),
                 encoding="utf-8")
    committee_before = len(inbox.to("jaosto.fi@kauniainen.example"))
    run_id = start(service, "collect/collect", {"params": {"input_dir": str(export)}})
    wait_for(service, run_id, {"COMPLETED"})
    hr = [m for m in inbox.to("hr@kauniainen.example") if "hylättiin" in m["Subject"]]
    assert len(hr) == 1
    att = [a.get_filename() for a in hr[0].iter_attachments()]
    assert att == ["data-quality-hr-internal.html"]
    # the annual report on a refused latest batch fails, mails HR, and never the committee
    rid = start(service, "annual-report/annual-report", report_params(service))
    wait_for(service, rid, {"FAILED"})
    time.sleep(2)
    assert len(inbox.to("jaosto.fi@kauniainen.example")) == committee_before
    fail = [m for m in inbox.to("hr@kauniainen.example") if "epäonnistui" in m["Subject"]]
    assert fail and "check batch" in fail[-1].get_body(("plain",)).get_content()


def test_worker_runs_write_private_files(service, collected):
    """Issue 13: a flow run started by the worker sets umask 077: what it wrote (landing area,
    data-quality report, warehouse) is private to the service user."""
    written = [p for p in (service["tmp"] / "var").rglob("*")] + [service["tmp"] / "wh.db"]
    assert any(p.is_file() for p in written)
    for p in written:
        assert p.stat().st_mode & 0o077 == 0, (p, oct(p.stat().st_mode))


def test_run_with_a_path_outside_the_home_is_refused(service, collected):
    """Issue 13: anyone who can start a run chooses its parameters; a folder outside
    OSAAVA_HOME (and OSAAVA_ALLOWED_PATHS) is refused before the run does anything."""
    run_id = start(service, "annual-report/annual-report",
                   {"params": {"year": 2024, "out": "/etc/osaava-test", "dry_run": True}})
    run = wait_for(service, run_id, {"FAILED"})
    assert "outside the installation's home" in (run.state.message or ""), run.state.message
    assert not Path("/etc/osaava-test").exists()


def test_run_form_in_the_ui(service, tmp_path):
    """A real browser shows the deployment's run form with the parameter fields."""
    chromium = shutil.which("chromium")
    assert chromium, "chromium is missing: run scripts/ensure_system_packages.sh"
    with _client(service) as client:
        dep = client.read_deployment_by_name("annual-report/annual-report")
    url = f"{service['ui']}/deployments/deployment/{dep.id}/run"
    art = ROOT / "test-artifacts"
    art.mkdir(exist_ok=True)
    shot = art / "prefect-run-form.png"
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chrome'}", "--window-size=1280,2200",
         "--virtual-time-budget=20000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chrome2'}", "--window-size=1280,2200",
         "--virtual-time-budget=20000", f"--screenshot={shot}", url],
        capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    for label in ("Report year", "Recipients", "Dry run", "Resend"):
        assert label in dom.stdout, label
