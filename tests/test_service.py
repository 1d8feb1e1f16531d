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
           # a busy two-core machine: the server's SQLite waits for a lock instead of failing
           "PREFECT_SERVER_DATABASE_TIMEOUT": "60",
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


APPROVE, REJECT = "Hyväksy ja lähetä / Godkänn och skicka", "Hylkää / Avvisa"
CONCLUSIONS_FI = "Tavoitekeskustelut käydään kaikkien kanssa ensi vuonna."
CONCLUSIONS_SV = "Målsamtal förs med alla nästa år."
CONTACT = "Hanna Henkilöstö, puh. 09 505 6000"


def resume(service, run_id, approve: bool, comment: str) -> None:
    """HR's answer as the approval form posts it."""
    from prefect.flow_runs import resume_flow_run
    from prefect.settings import PREFECT_API_URL, temporary_settings

    answer = {"decision": APPROVE if approve else REJECT, "comment": comment}
    if approve:
        answer.update(conclusions_fi=CONCLUSIONS_FI, conclusions_sv=CONCLUSIONS_SV, contact=CONTACT)
    with temporary_settings({PREFECT_API_URL: service["api"]}):
        resume_flow_run(run_id, run_input=answer)


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
    assert "batch_id" not in fields and "end_expired_approvals" not in json.dumps(
        deps["collect"].parameter_openapi_schema)


def _draft(service, run_id) -> dict:
    [record] = (service["tmp"] / "var" / "reports" / "2024").glob(f"{run_id}/draft.json")
    return json.loads(record.read_text(encoding="utf-8"))


def _description(service, run_id) -> str:
    with _client(service) as client:
        run = client.read_flow_run(run_id)
        key = run.state.state_details.run_input_keyset["description"]
        value = client.read_flow_run_input(run_id, key)
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_what_hr_approved_is_what_the_committee_gets(service, smtp, collected):
    """An annual report waits; meanwhile the nightly collect loads a changed export. HR approves:
    the committee gets exactly the draft HR saw (same sha256), not figures of the new batch."""
    _, inbox = smtp
    run_id = start(service, "annual-report/annual-report", report_params(service))
    run = wait_for(service, run_id, {"PAUSED", "Suspended"})
    assert run.name == "vuosiraportti-2024"
    draft = _draft(service, run_id)
    # HR was told, with the PDFs HR approves attached, who receives them, and the run's link
    hr = [m for m in inbox.to("hr@kauniainen.example") if "Hyväksyntä odottaa" in m["Subject"]]
    assert len(hr) == 1
    pdfs = {a.get_filename(): a.get_content() for a in hr[0].iter_attachments()}
    assert sorted(pdfs) == ["report-fi.pdf", "report-sv.pdf"]
    assert {_sha(b) for b in pdfs.values()} == {f["sha256"] for n, f in draft["files"].items()
                                                if n.startswith("report_pdf")}
    text = hr[0].get_body(("plain",)).get_content()
    assert "2 vastaanottajaa (henkilöstöjaosto): jaosto.fi@kauniainen.example (suomeksi), " \
           "sektion.sv@kauniainen.example (ruotsiksi)" in text
    assert f"/v2/runs/flow-run/{run_id}" in text
    html_part = hr[0].get_body(("html",)).get_content()
    assert f'<a href="{service["ui"]}/v2/runs/flow-run/{run_id}">' in html_part
    desc = _description(service, run_id)
    assert draft["folder"] in desc and "jaosto.fi@kauniainen.example" in desc
    assert not inbox.to("jaosto.fi@kauniainen.example")  # nothing before approval

    # the nightly collect loads changed data while the report waits
    changed = small_city.write(service["tmp"] / "changed-export")
    t = changed / "koulutukset.csv"
    t.write_text(t.read_text(encoding="utf-8").replace(";12;", ";18;", 1), encoding="utf-8")
    cid = start(service, "collect/collect", {"params": {"input_dir": str(changed)}})
    wait_for(service, cid, {"COMPLETED"})
    assert _batches(service)[-1][0] != draft["batch_id"]

    resume(service, run_id, True, "Tarkistettu.")
    wait_for(service, run_id, {"COMPLETED"})
    fi, sv = inbox.to("jaosto.fi@kauniainen.example"), inbox.to("sektion.sv@kauniainen.example")
    assert len(fi) == 1 and len(sv) == 1
    assert fi[0]["Content-Language"] == "fi" and sv[0]["Content-Language"] == "sv"
    # what went out: the draft's public report with HR's conclusions, recorded with its hashes
    # (sent/draft.json); the figures and the workbooks are the draft's own
    final = json.loads((Path(draft["folder"]) / "sent" / "draft.json").read_text(encoding="utf-8"))
    assert final["files"]["figures"]["sha256"] == draft["files"]["figures"]["sha256"]
    for mail, lang in ((fi[0], "fi"), (sv[0], "sv")):
        got = {a.get_content_type(): _sha(a.get_content()) for a in mail.iter_attachments()}
        assert got["application/pdf"] == final["files"][f"report_pdf_{lang}"]["sha256"]
        xlsx = got[next(k for k in got if "sheet" in k)]
        assert xlsx == final["files"][f"report_xlsx_{lang}"]["sha256"] == draft["files"][f"report_xlsx_{lang}"]["sha256"]
        body = mail.get_body(("html",)).get_content()
        assert (CONCLUSIONS_FI if lang == "fi" else CONCLUSIONS_SV) in body and CONTACT in body
    # no second approval request for the run HR just approved
    assert len([m for m in inbox.to("hr@kauniainen.example") if "Hyväksyntä odottaa" in m["Subject"]
                and str(run_id) in m.get_body(("plain",)).get_content()]) == 1


def test_a_rerun_asks_hr_again_and_sends_nothing_twice(service, smtp, collected):
    """The same report again (the original export collected again is current again): HR is
    mailed for the new run, the form says who already got it and when, and approving sends
    nothing new."""
    _, inbox = smtp
    export = small_city.write(service["tmp"] / "export-again")
    cid = start(service, "collect/collect", {"params": {"input_dir": str(export)}})
    wait_for(service, cid, {"COMPLETED"})
    committee = len(inbox.to("jaosto.fi@kauniainen.example"))
    assert committee == 1, "runs after test_what_hr_approved_is_what_the_committee_gets"
    again = start(service, "annual-report/annual-report", report_params(service))
    wait_for(service, again, {"PAUSED", "Suspended"})
    asks = [m for m in inbox.to("hr@kauniainen.example") if "Hyväksyntä odottaa" in m["Subject"]
            and str(again) in m.get_body(("plain",)).get_content()]
    assert len(asks) == 1
    desc = _description(service, again)
    assert "Täsmälleen tämä raportti on jo lähetetty (2): jaosto.fi@kauniainen.example" in desc
    assert "Exakt denna rapport har redan skickats (2)" in desc
    resume(service, again, True, "Uudelleen.")
    wait_for(service, again, {"COMPLETED"})
    assert len(inbox.to("jaosto.fi@kauniainen.example")) == committee
    assert len(inbox.to("sektion.sv@kauniainen.example")) == 1


def test_a_rejection_needs_a_comment_and_a_year_must_have_ended(service, smtp, collected):
    import datetime as dt

    from prefect.flow_runs import resume_flow_run
    from prefect.settings import PREFECT_API_URL, temporary_settings

    run_id = start(service, "annual-report/annual-report", report_params(service, recipient_group="management"))
    wait_for(service, run_id, {"PAUSED", "Suspended"})
    with temporary_settings({PREFECT_API_URL: service["api"]}):
        for answer, why in (({"decision": REJECT, "comment": "  "}, "comment"),
                            ({"comment": "ok"}, "decision")):
            with pytest.raises(RuntimeError, match=f"Cannot resume this run: .*{why}"):
                resume_flow_run(run_id, run_input=answer)
    resume(service, run_id, False, "Luvut tarkistettava.")
    wait_for(service, run_id, {"COMPLETED"})

    _, inbox = smtp
    this_year = dt.date.today().year
    rid = start(service, "annual-report/annual-report", report_params(service, year=this_year))
    wait_for(service, rid, {"FAILED"})
    time.sleep(2)
    fail = [m for m in inbox.to("hr@kauniainen.example") if "epäonnistui" in m["Subject"]
            and str(rid) in m.get_body(("plain",)).get_content()]
    assert len(fail) == 1
    body = fail[0].get_body(("plain",)).get_content()
    assert f"Vuosi {this_year} ei ole vielä päättynyt" in body and f"Året {this_year} har inte tagit slut" in body
    assert "Flow run encountered" not in body and "Raporttia ei lähetetty kenellekään." in body
    far = start(service, "annual-report/annual-report", report_params(service, year=2031 if this_year > 2031 else 2001))
    wait_for(service, far, {"FAILED"})


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


def test_refused_batch_mails_hr_and_blocks_no_report(service, smtp, collected):
    """A refused export: the collect run ends Failed (not a green Completed) under the name
    "Hylätty / Avvisad", HR gets the data-quality report with the truth about the data in use,
    one mail only; the annual report still runs on the current good batch."""
    _, inbox = smtp
    export = small_city.write(service["tmp"] / "bad-export")
    p = export / "henkilosto.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("10001;1;1.1.2020;", "10001;1;1.13.2020;"),
                 encoding="utf-8")
    hr_before = len(inbox.to("hr@kauniainen.example"))
    run_id = start(service, "collect/collect", {"params": {"input_dir": str(export)}})
    run = wait_for(service, run_id, {"FAILED"})
    assert run.state.name == "Hylätty / Avvisad"
    time.sleep(2)
    hr = inbox.to("hr@kauniainen.example")[hr_before:]
    assert len(hr) == 1 and "hylättiin" in hr[0]["Subject"]
    att = [a.get_filename() for a in hr[0].iter_attachments()]
    assert att == ["data-quality-hr-internal.html"]
    body = hr[0].get_body(("plain",)).get_content()
    assert "kriittisiä virheitä: 1" in body
    assert "Raporteissa käytetään edelleen aiempaa hyväksyttyä aineistoa: erä" in body
    # the annual report is not blocked: it waits for HR on the current good batch
    rid = start(service, "annual-report/annual-report", report_params(service, dry_run=True))
    wait_for(service, rid, {"COMPLETED"})


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
    for label in ("Raporttivuosi / Rapportår", "Vastaanottajat / Mottagare", "Vain luonnos / Endast utkast",
                  "Lähetä uudelleen / Skicka igen"):
        assert label in dom.stdout, label


# ---------------------------------------------------------------------------------------------
# The nightly collect pulls from the HR systems (a sources file, as the deployment runs it)


@pytest.fixture(scope="module")
def systems(service, small_frames):
    """small_city split over its systems, as test_collect_sources does: goal discussions from a
    REST API (OAuth2, paging), employments, payroll and absences from PostgreSQL views, the
    e-learning from the LRS, the rest from files; the secrets in Prefect Secret blocks."""
    import uuid

    import sqlalchemy as sa
    import yaml

    from test_collect_sources import api_items, verkko_statements, write_config, write_files_source
    from test_connector_rest import SECRET, GoalsApi
    from test_connector_sql import load_vendor, require_postgres
    from test_connector_xapi import LRS_PASSWORD, RunningLRS

    tmp = service["tmp"] / "systems"
    tmp.mkdir()
    engine = require_postgres()
    schema = f"osaava_s_{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    lrs = None
    try:
        load_vendor(engine, small_frames, schema)
        lrs = RunningLRS(tmp / "lrs")
        lrs.post(verkko_statements(small_frames))
        with GoalsApi(api_items(small_frames)) as api:
            write_files_source(tmp / "export")
            cfg = write_config(tmp / "sources.yaml", api, lrs, schema, small_frames)
            doc = yaml.safe_load(cfg.read_text(encoding="utf-8"))
            blocks = {"goals": ("goals-client-secret", SECRET), "payroll": ("payroll-db-password", "trust"),
                      "elearning": ("lrs-password", LRS_PASSWORD)}
            for s in doc["sources"]:
                if s["name"] in blocks:
                    s["credentials"] = {"block": blocks[s["name"]][0]}
                    s["retries"] = 1
                    s["retry_delay_seconds"] = 0
            doc["sources"][1].update(max_tries=2, backoff_seconds=0.01)
            cfg.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
            from prefect.blocks.system import Secret
            from prefect.settings import PREFECT_API_URL, temporary_settings

            with temporary_settings({PREFECT_API_URL: service["api"]}):
                for name, value in blocks.values():
                    Secret(value=value).save(name, overwrite=True)
            yield {"cfg": cfg, "api": api, "tmp": tmp}
    finally:
        if lrs is not None:
            lrs.stop()
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _batches(service) -> list[tuple]:
    import sqlalchemy as sa

    engine = sa.create_engine(service["env"]["OSAAVA_DB_URL"])
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text("SELECT id, source, status FROM batch ORDER BY id"))]
    finally:
        engine.dispose()


def test_deployed_collect_pulls_the_hr_systems(service, systems, collected, small_frames):
    """The collect deployment with a sources file: REST + PostgreSQL + LRS + files load as one
    batch whose report has the figures of the export; a second night changes nothing."""
    before = _batches(service)
    run_id = start(service, "collect/collect", {"params": {"sources_file": str(systems["cfg"])}})
    wait_for(service, run_id, {"COMPLETED"})
    after = _batches(service)
    assert len(after) == len(before) + 1 and after[-1][1:] == ("sources", "loaded")
    with _client(service) as client:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        names = {t.name.rsplit("-", 1)[0] for t in client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))}
    assert {"read export (files)", "read goals (rest)", "read payroll (sql)",
            "read elearning (xapi)"} <= names

    # the annual report on that batch (now the current one): the figures of the export folder
    reports = {}
    for name in ("systems", "files"):
        if name == "files":  # the export folder's bytes collected again: that batch is current
            export = small_city.write(service["tmp"] / "export-for-systems")
            cid = start(service, "collect/collect", {"params": {"input_dir": str(export)}})
            wait_for(service, cid, {"COMPLETED"})
        out = service["tmp"] / f"out-{name}"
        rid = start(service, "annual-report/annual-report",
                    {"params": {"year": 2024, "out": str(out), "dry_run": True}})
        run = wait_for(service, rid, {"COMPLETED"})
        assert run.name == "vuosiraportti-2024-luonnos"
        doc = json.loads(next(out.rglob("figures.json")).read_text(encoding="utf-8"))
        reports[name] = {i["file"] for i in doc.pop("inputs")}, doc
    assert "goals-page-0001.json" in reports["systems"][0] and "henkilosto.csv" in reports["files"][0]
    from test_flows import _same

    assert _same(reports["systems"][1], reports["files"][1])

    # the next night, nothing changed: only changes are asked for, no new batch
    n = len(systems["api"].listing_params())
    again = start(service, "collect/collect", {"params": {"sources_file": str(systems["cfg"])}})
    wait_for(service, again, {"COMPLETED"})
    assert [b[0] for b in _batches(service)] == [b[0] for b in after]
    assert "updated_since" in systems["api"].listing_params()[n]


def test_a_source_down_loads_nothing_and_mails_hr_once(service, smtp, systems):
    """The REST API answers 500 past its retries: the run fails, no batch is stored, the
    watermark stays, and HR gets one mail naming the source with the run link."""
    _, inbox = smtp
    state_file = service["tmp"] / "var" / "sources" / "goals" / "state.json"
    state = state_file.read_text(encoding="utf-8") if state_file.exists() else None
    before = _batches(service)
    hr_before = len(inbox.to("hr@kauniainen.example"))
    api = systems["api"]
    n = api.listings
    api.always = "500"
    try:
        run_id = start(service, "collect/collect", {"params": {"sources_file": str(systems["cfg"])}})
        wait_for(service, run_id, {"FAILED"})
    finally:
        api.always = None
    time.sleep(2)
    assert _batches(service) == before
    assert (state_file.read_text(encoding="utf-8") if state_file.exists() else None) == state
    assert api.listings - n == 4  # 2 tries per request × (1 + 1 retry of the task)
    mails = inbox.to("hr@kauniainen.example")[hr_before:]
    assert len(mails) == 1, [m["Subject"] for m in mails]
    body = mails[0].get_body(("plain",)).get_content()
    assert "goals (rest)" in body and "HTTP 500" in body and str(run_id) in body
    assert "Lähdettä goals (rest) ei voitu lukea" in body and "Källan goals (rest) kunde inte läsas" in body
    assert "Mitään ei ladattu; raporteissa käytetään edelleen aiempaa hyväksyttyä aineistoa." in body


def test_hr_starts_and_approves_the_report_in_the_browser(service, smtp, collected):
    """As HR does it: Chromium (Playwright) opens the annual-report run form in the current UI,
    types the year, picks the recipients and submits; then opens the waiting run, chooses
    "Hyväksy ja lähetä" in the resume form and resumes. Screenshots go to test-artifacts/."""
    from playwright.sync_api import sync_playwright

    _, inbox = smtp
    art = ROOT / "test-artifacts"
    art.mkdir(exist_ok=True)
    import datetime as dt

    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterId, FlowRunFilter,
                                                FlowRunFilterExpectedStartTime)

    with _client(service) as client:
        dep = client.read_deployment_by_name("annual-report/annual-report")
    t0 = dt.datetime.now(dt.UTC)

    def started_from_the_form():  # the schedule's own runs lie months ahead
        with _client(service) as client:
            return client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])),
                flow_run_filter=FlowRunFilter(expected_start_time=FlowRunFilterExpectedStartTime(
                    after_=t0, before_=t0 + dt.timedelta(minutes=15))))
    hr_reports = len([m for m in inbox.to("hr@kauniainen.example") if "Koulutusohjeen" in m["Subject"]])
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=args)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.goto(f"{service['ui']}/v2/deployments/deployment/{dep.id}/run")
            page.wait_for_load_state("networkidle")
            page.get_by_text("Raporttivuosi / Rapportår").first.wait_for()
            page.locator("input[type=number]").first.fill("2024")
            page.get_by_role("button").filter(has_text="committee").first.click()
            page.get_by_role("option", name="hr", exact=True).click()
            page.get_by_role("listbox").wait_for(state="hidden")
            page.screenshot(path=str(art / "hr-1-run-form.png"), full_page=True)
            form_url = page.url
            page.get_by_role("button", name="Submit").click()
            deadline = time.monotonic() + 180
            while True:  # the UI leaves the form once the server has made the run
                new = started_from_the_form()
                if new or time.monotonic() > deadline:
                    break
                time.sleep(1)
            page.screenshot(path=str(art / "hr-1b-submitted.png"), full_page=True)
            if not new:
                pytest.fail(f"the form did not start a run (still on the form: {page.url == form_url}); "
                            f"the page says: {page.inner_text('body')[-1500:]}")
            assert len(new) == 1, "the form did not start a run"
            run_id = new[0].id
            assert new[0].parameters["params"]["recipient_group"] == "hr"
            wait_for(service, run_id, {"PAUSED", "Suspended"})
            page.goto(f"{service['ui']}/v2/runs/flow-run/{run_id}")
            page.wait_for_load_state("networkidle")
            page.get_by_role("button", name="Open menu").first.click()
            page.get_by_role("menuitem", name="Resume").click()
            dialog = page.get_by_role("dialog")
            dialog.get_by_text("Vastaanottajat / Mottagare").first.wait_for()
            page.screenshot(path=str(art / "hr-2-approval-form.png"), full_page=True)
            dialog.get_by_role("button", name="Select Päätös / Beslut").click()
            page.get_by_role("option", name="Hyväksy ja lähetä / Godkänn och skicka").click()
            page.get_by_role("listbox").wait_for(state="hidden")
            boxes = dialog.locator("textarea")  # the comment, the conclusions fi and sv, the contact
            assert "Koulutusmäärärahaa jäi käyttämättä" in boxes.nth(1).input_value()
            assert "Av utbildningsanslaget blev" in boxes.nth(2).input_value()
            boxes.nth(3).fill(CONTACT)
            page.screenshot(path=str(art / "hr-3-approved.png"), full_page=True)
            for _ in range(3):  # the test server's SQLite can answer 503 (locked) under load
                dialog.get_by_role("button", name="Resume").click()
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    with _client(service) as client:
                        paused = client.read_flow_run(run_id).state.is_paused()
                    if not paused:
                        break
                    time.sleep(1)
                if not paused or not dialog.is_visible():
                    break
            wait_for(service, run_id, {"COMPLETED"})
            page.reload()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(art / "hr-4-completed.png"), full_page=True)
        finally:
            browser.close()
    reports = [m for m in inbox.to("hr@kauniainen.example") if "Koulutusohjeen" in m["Subject"]]
    assert len(reports) == hr_reports + 1
    assert {a.get_filename().rsplit(".", 1)[-1] for a in reports[-1].iter_attachments()} == {"pdf", "xlsx"}


def test_the_follow_up_deployment_mails_only_disclosed_figures(service, smtp, collected):
    """The follow-up deployment as the schedule or HR starts it: the small city's sectors rest on
    fewer than 5 persons, so the mail shows `..` for them, and the files go to public/."""
    _, inbox = smtp
    out = service["tmp"] / "follow-up"
    before = len(inbox.to("hr@kauniainen.example"))
    rid = start(service, "follow-up/follow-up",
                {"params": {"year": 2024, "recipient_group": "hr", "out": str(out)}})
    wait_for(service, rid, {"COMPLETED"})
    mails = [m for m in inbox.to("hr@kauniainen.example")[before:] if "seuranta 2024" in m["Subject"]
             or "Uppföljning" in m["Subject"]]
    assert len(mails) == 1
    html = mails[0].get_body(("html",)).get_content()
    assert ".." in html
    assert sorted(p.name.rsplit("-", 1)[-1] for p in (out / "public").glob("follow-up-2024-*.html")) == \
        ["fi.html", "sv.html"]
