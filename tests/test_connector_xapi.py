"""The xAPI connector against a real learning record store: ralph-malph with its file backend.

ralph cannot share a virtual environment with Prefect (DESIGN), so it lives in ``.venv-lrs``,
made by ``scripts/lrs_venv.sh``; the test runs ``ralph auth`` and ``ralph runserver`` from there
as a separate process on a free port of 127.0.0.1, waits until it answers and stops it.
Without ``.venv-lrs`` the test fails and says to run the script.

``RunningLRS`` and ``statement`` are also used by test_collect_sources.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import requests

from connectors.xapi import duration_hours, read_xapi
from osaava.sources import XapiSource

ROOT = Path(__file__).resolve().parent.parent
LRS_VENV = Path(os.environ.get("OSAAVA_LRS_VENV", ROOT / ".venv-lrs"))
LRS_USER, LRS_PASSWORD = "osaava", "lrs-pass-for-tests"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
HEADERS = {"X-Experience-API-Version": "1.0.3"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningLRS:
    """``ralph runserver -b fs`` in its own venv, on 127.0.0.1, for one test module."""

    def __init__(self, folder: Path):
        ralph = LRS_VENV / "bin" / "ralph"
        if not ralph.exists():
            pytest.fail(f"the test LRS is not installed ({ralph} is missing): run "
                        f"scripts/lrs_venv.sh (make test does) and test again", pytrace=False)
        self.folder = folder
        (folder / "data").mkdir(parents=True, exist_ok=True)
        self.cwd = folder / "cwd"
        self.cwd.mkdir(exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.env.update(RALPH_RUNSERVER_BACKEND="fs", RALPH_AUTH_FILE=str(folder / "auth.json"),
                        RALPH_APP_DIR=str(folder / "app"), DO_NOT_TRACK="1")
        subprocess.run([str(ralph), "auth", "-u", LRS_USER, "-p", LRS_PASSWORD, "-s", "all",
                        "-M", "mailto:lrs@example.com", "-w"], env=self.env, check=True,
                       capture_output=True, timeout=60, cwd=self.cwd)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / "ralph.log", "wb")
        self.proc = subprocess.Popen(
            [str(ralph), "runserver", "-b", "fs", "--fs-default-directory-path", str(folder / "data"),
             "-h", "127.0.0.1", "-p", str(self.port)],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=self.cwd)  # its dev server's reloader watches the working directory
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                self.stop()
                pytest.fail("the test LRS stopped at start:\n" + self.log_tail(), pytrace=False)
            try:
                if requests.get(f"{self.url}/__heartbeat__", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail("the test LRS did not answer within 60 s:\n" + self.log_tail(), pytrace=False)
            time.sleep(0.1)

    def log_tail(self) -> str:
        return (self.folder / "ralph.log").read_text(errors="replace")[-2000:]

    def post(self, statements: list[dict]) -> None:
        """POST statements through the LRS's own API.

        ralph 5.1's file backend writes a POST with operation CREATE, which refuses to write
        when its file exists: a second POST fails with 500 "Statements bulk indexation failed".
        So the earlier statements are moved aside for the POST and put back in front of the new
        ones (the file is JSON lines, read in order)."""
        store = self.folder / "data" / "fs_lrs.jsonl"
        old = store.read_bytes() if store.exists() else b""
        if old:
            store.unlink()
        try:
            r = requests.post(f"{self.url}/xAPI/statements", json=statements, headers=HEADERS,
                              auth=(LRS_USER, LRS_PASSWORD), timeout=10)
        finally:
            new = store.read_bytes() if store.exists() else b""
            if old and not old.endswith(b"\n"):
                old += b"\n"
            store.write_bytes(old + new)
        assert r.status_code == 200, r.text

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the server and its children
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def statement(actor: dict, verb: str, activity: str, timestamp: str, duration: str | None = None,
              sid: str | None = None, name: str | None = None) -> dict:
    st = {
        "id": sid or str(uuid.uuid4()),
        "actor": {"objectType": "Agent", **actor},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity,
                   "definition": {"name": {"fi-FI": name or activity.rsplit("/", 1)[-1]}}},
        "timestamp": timestamp,
    }
    if duration is not None:
        st["result"] = {"completion": True, "duration": duration}
    return st


def account(name: str) -> dict:
    return {"account": {"name": name, "homePage": "https://oppiminen.example.com"}}


COURSE = "https://oppiminen.example.com/course/"


def xapi_source(url: str, **kw) -> XapiSource:
    return XapiSource.model_validate({
        "name": "elearning", "kind": "xapi", "location": f"{url}/xAPI", "username": LRS_USER,
        "credentials": {"env": "OSAAVA_TEST_LRS_PASSWORD"}, "page_size": 2,
        "watermark": "timestamp",  # ralph's file backend filters `since` by timestamp
        "account_name_pattern": r"^e(\d+)$",
        "actors": {"mailto:maija@kauniainen.example.com": "20002/2"},
        "activities": {f"{COURSE}tietosuoja": {"training_id": "K-TS", "competence_area": "TIED",
                                               "form": "oma aika"},
                       f"{COURSE}perehdytys": {"competence_area": "JOHT", "management_level": "1",
                                               "hours": 2.5}},
        "backoff_seconds": 0.01, "max_seconds": 60, **kw})


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    server = RunningLRS(tmp_path_factory.mktemp("lrs"))
    try:
        yield server
    finally:
        server.stop()


def test_iso_durations_in_hours():
    assert duration_hours("PT1H30M") == 1.5
    assert duration_hours("PT45M") == 0.75
    assert duration_hours("PT90S") == 0.025
    assert duration_hours("P1DT2H") == 26
    assert duration_hours("PT0S") == 0
    assert duration_hours("PT1,5H") == 1.5
    for bad in ("P1M", "P1Y", "PT", "P", "1:30", "", None, "PT1H30"):
        assert duration_hours(bad) is None, bad


def test_completed_statements_come_back_as_participations(lrs):
    ids = [str(uuid.uuid4()) for _ in range(6)]
    lrs.post([
        statement(account("e20001"), COMPLETED, f"{COURSE}tietosuoja", "2024-05-15T09:00:00+00:00",
                  "PT1H30M", ids[0]),
        # late in the evening UTC is the next day in Helsinki
        statement(account("e20001"), COMPLETED, f"{COURSE}perehdytys", "2024-06-30T22:30:00+00:00",
                  None, ids[1]),
        statement({"mbox": "mailto:maija@kauniainen.example.com"}, COMPLETED, f"{COURSE}excel-perusteet",
                  "2024-09-02T12:00:00+00:00", "PT45M", ids[2]),
        statement(account("e20001"), ATTEMPTED, f"{COURSE}tietosuoja", "2024-05-14T09:00:00+00:00",
                  "PT10M", ids[3]),
        statement(account("vieras"), COMPLETED, f"{COURSE}tietosuoja", "2024-05-16T09:00:00+00:00",
                  "PT1H", ids[4]),
        statement(account("e20003"), COMPLETED, f"{COURSE}tietosuoja", "2024-05-17T09:00:00+00:00",
                  "PT1H", ids[5]),
    ])
    lrs.post([{"id": str(uuid.uuid4()), "actor": {"objectType": "Agent", **account("e20003")},
               "verb": {"id": VOIDED}, "object": {"objectType": "StatementRef", "id": ids[5]},
               "timestamp": "2024-05-18T09:00:00+00:00"}])
    res = read_xapi(xapi_source(lrs.url), LRS_PASSWORD)
    assert not res.refused, [i.line() for i in res.issues]
    t = res.frames["trainings"].set_index("participation_id")
    mine = t.loc[[f"xapi-{i}" for i in ids[:3]]]
    assert len(t.index.intersection([f"xapi-{i}" for i in ids])) == 3   # attempted, unknown, voided: out
    a, b, c = (mine.loc[f"xapi-{i}"] for i in ids[:3])
    assert (a["person_id"], a["employment_no"], a["training_id"], a["hours"], a["form"],
            a["competence_area"]) == ("20001", 1, "K-TS", 1.5, "oma aika", "TIED")
    assert a["start"] == a["end"] == pd.Timestamp(2024, 5, 15)
    assert (b["start"], b["hours"], b["management_level"], b["training_id"]) == (
        pd.Timestamp(2024, 7, 1), 2.5, "1", "perehdytys")
    assert (c["person_id"], c["employment_no"], c["hours"], c["form"], c["training_id"]) == (
        "20002", 2, 0.75, "määrätty", "excel-perusteet")
    assert set(t["training_type"]) == {"verkko"} and set(t["status"]) == {"suoritettu"}
    warned = [i for i in res.issues if i.code == "xapi_actor_unmapped"]
    assert len(warned) == 1 and warned[0].severity == "warning" and "vieras" not in warned[0].line()
    # more than one page (page_size 2) followed through the LRS's `more` links
    assert len(res.raw) >= 2 and res.requests >= 4
    # the participation id is stable: reading again gives the same rows and bytes
    again = read_xapi(xapi_source(lrs.url), LRS_PASSWORD)
    assert [r.sha256 for r in again.raw] == [r.sha256 for r in res.raw]
    pd.testing.assert_frame_equal(again.frames["trainings"], res.frames["trainings"])


def test_incremental_since_fetches_only_new_statements(lrs):
    src = xapi_source(lrs.url)
    first = read_xapi(src, LRS_PASSWORD)
    n0 = len(first.frames["trainings"])
    new_id = str(uuid.uuid4())
    lrs.post([
        statement(account("e20005"), COMPLETED, f"{COURSE}tietosuoja", "2024-11-20T09:00:00+00:00",
                  "PT2H", new_id),
        statement(account("e20005"), ATTEMPTED, f"{COURSE}excel", "2024-11-21T09:00:00+00:00"),
    ])
    second = read_xapi(src, LRS_PASSWORD, since=first.watermark, previous_pages=first.pages)
    assert first.watermark is not None and second.watermark == "2024-11-21T09:00:00+00:00"
    fetched = [s["id"] for p in second.new_pages for s in json.loads(p)["statements"]]
    assert new_id in fetched and len(fetched) == 2            # only what came after `since`
    assert second.changed and len(second.frames["trainings"]) == n0 + 1
    assert f"xapi-{new_id}" in set(second.frames["trainings"]["participation_id"])
    third = read_xapi(src, LRS_PASSWORD, since=second.watermark, previous_pages=second.pages)
    assert not third.changed and third.new_pages == []
    assert [r.sha256 for r in third.raw] == [r.sha256 for r in second.raw]


def test_wrong_password_and_no_lrs_are_clear_errors(lrs):
    res = read_xapi(xapi_source(lrs.url), "not-the-password")
    (issue,) = res.issues
    assert issue.code == "source_failed" and "HTTP 401" in issue.message
    assert f"{lrs.url}/xAPI/statements" in issue.message and "not-the-password" not in issue.line()
    res = read_xapi(xapi_source(f"http://127.0.0.1:{_free_port()}", max_tries=2), LRS_PASSWORD)
    (issue,) = res.issues
    assert "no answer after 2 tries" in issue.message and "page 1 of" in issue.message


class FakeLrs:
    """A minimal statements endpoint on 127.0.0.1 for what ralph cannot be made to do: answer
    a given StatementResult, record the Authorization header of every request."""

    def __init__(self, result: dict | bytes):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.result = result
        self.seen: list[tuple[str, str | None]] = []  # (path, Authorization)
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                lrs.seen.append((self.path, self.headers.get("Authorization")))
                body = lrs.result if isinstance(lrs.result, bytes) else json.dumps(lrs.result).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeLrs":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_a_more_link_to_another_origin_is_refused_and_gets_no_password():
    page = {"statements": [statement(account(f"e2000{i}"), COMPLETED, f"{COURSE}tietosuoja",
                                     "2024-05-15T09:00:00+00:00", "PT1H") for i in range(2)]}
    with FakeLrs({"statements": []}) as other, FakeLrs(page) as lrs:
        page["more"] = f"{other.url}/xAPI/statements?cursor=2"
        res = read_xapi(xapi_source(lrs.url), LRS_PASSWORD)
    (issue,) = res.issues
    assert issue.code == "source_failed" and res.refused and not res.transient and not res.raw
    assert f"the more link leads to {other.url}/xAPI/statements?cursor=2" in issue.message
    assert "no credentials were sent" in issue.message
    assert other.seen == [] and len(lrs.seen) == 1 and lrs.seen[0][1].startswith("Basic ")


def test_the_first_page_is_scanned_even_when_nothing_on_it_is_new():
    """A first fetch with no relevant statement still keeps its first page: it is scanned too,
    in its parsed strings (the hyphen of the henkilötunnus written as a JSON escape)."""
    from test_connector_files import make_hetu

    hetu = make_hetu()
    st = statement(account("e20001"), ATTEMPTED, f"{COURSE}tietosuoja", "2024-05-14T09:00:00+00:00",
                   name=f"Kurssi {hetu}")
    body = json.dumps({"statements": [st]}).encode().replace(hetu.encode(),
                                                             hetu.replace("-", "\\u002d").encode())
    assert hetu.encode() not in body
    with FakeLrs(body) as lrs:
        res = read_xapi(xapi_source(lrs.url), LRS_PASSWORD)
    assert res.pages == [body] and res.new_pages == [body]   # the kept first page
    hits = [i for i in res.issues if i.code == "henkilotunnus"]
    assert res.refused and len(hits) == 1 and hetu not in hits[0].line()
