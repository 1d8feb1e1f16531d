"""The synthetic municipality served through the real protocols on this machine
(``osaava demo --systems``): what an HR department's systems look like to osaava.

- the goal-discussion REST API (docs/rest-api.md) with the OAuth2 client-credentials grant,
  paging by next links and ``updated_since``, on 127.0.0.1;
- the payroll database: employments, payroll lines and absences in a SQLite file with reporting
  views (the SQL connector takes any SQLAlchemy URL, PostgreSQL in production);
- the e-learning completions in an xAPI learning record store (ralph, from its own virtual
  environment ``.venv-lrs``, when it is installed): the completed, cost-free online courses that
  need no application; every other training stays in the training register's export;
- the organisation and the other trainings as export files.

Everything is built from the canonical frames of the synthetic export, so collecting through
these systems gives the same figures as reading the export folder. The servers here are the
outermost boundary of a demonstration: real sockets and real protocols, synthetic data.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import sqlalchemy as sa

from osaava.schema import ENTITIES, ROW

API_CLIENT_ID = "osaava"
LRS_USER = "osaava"
STATUS = {"käyty": "held", "sovittu": "planned", "ei käyty": "not_held"}
DELIVERY = {"koulutus": "training", "työssä oppiminen": "on_the_job", "muu": "other"}
SQL_ENTITIES = ("employments", "payroll", "absences")
VIEWS = {"employments": "v_palvelussuhde_jaksot", "payroll": "v_palkkarivit", "absences": "v_poissaolot"}
COURSE = "https://oppiminen.example.fi/kurssi/"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def _iso(v) -> str | None:
    return None if v is None or v is pd.NaT or v != v else pd.Timestamp(v).date().isoformat()


def _plain(v):
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v


# ---------------------------------------------------------------------------------------------
# The goal-discussion REST API


def api_items(frames: dict[str, pd.DataFrame]) -> list[dict]:
    """Discussions with their needs in the API's default shape."""
    needs = frames["needs"].groupby("discussion_id", sort=False)
    by_disc = {k: g for k, g in needs}
    items = []
    stamp = dt.datetime(2026, 1, 2, 6, 0, tzinfo=dt.UTC)
    for n, d in enumerate(frames["discussions"].to_dict("records")):
        mine = by_disc.get(d["discussion_id"])
        items.append({
            "id": d["discussion_id"], "employee_number": d["person_id"],
            "supervisor_number": _plain(d["supervisor_id"]), "year": int(d["year"]),
            "status": STATUS[d["status"]], "held_on": _iso(d["held_on"]),
            "updated_at": (stamp + dt.timedelta(seconds=n)).isoformat(),
            "needs": [] if mine is None else [
                {"id": r["need_id"], "competence_area": r["competence_area"],
                 "priority": _plain(r["priority"]), "delivery": DELIVERY[r["delivery"]],
                 "target_date": _iso(r["target_date"])} for r in mine.to_dict("records")],
        })
    return items


class GoalsApi:
    """``POST /oauth/token`` (client credentials, HTTP basic) and ``GET /api/discussions``
    (``limit``, ``offset``, ``updated_since``; a ``next`` link while pages are full)."""

    def __init__(self, items: list[dict], client_secret: str):
        self.items = items
        self.secret = client_secret
        self.tokens: set[str] = set()
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, status: int, doc: dict) -> None:
                body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                good = "Basic " + base64.b64encode(f"{API_CLIENT_ID}:{api.secret}".encode()).decode()
                if urlsplit(self.path).path != "/oauth/token" or self.headers.get("Authorization") != good \
                        or form.get("grant_type") != ["client_credentials"]:
                    return self._send(401, {"error": "invalid_client"})
                token = secrets.token_urlsafe(16)
                with api.lock:
                    api.tokens.add(token)
                self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path != "/api/discussions":
                    return self._send(404, {"error": "not found"})
                auth = self.headers.get("Authorization", "")
                with api.lock:
                    ok = auth.startswith("Bearer ") and auth[7:] in api.tokens
                if not ok:
                    return self._send(401, {"error": "invalid_token"})
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                self._send(200, api.page(params))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def page(self, params: dict) -> dict:
        limit = max(1, min(int(params.get("limit", 200)), 1000))
        offset = max(0, int(params.get("offset", 0)))
        items = self.items
        since = params.get("updated_since")
        if since:
            t = dt.datetime.fromisoformat(since)
            items = [i for i in items if dt.datetime.fromisoformat(i["updated_at"]) >= t]
        chunk = items[offset:offset + limit]
        more = offset + limit < len(items)
        nxt = None
        if more:
            q = {"limit": limit, "offset": offset + limit, **({"updated_since": since} if since else {})}
            nxt = "/api/discussions?" + "&".join(f"{k}={v}" for k, v in q.items()).replace("+", "%2B")
        return {"items": chunk, "total": len(items), "next": nxt}

    def __enter__(self) -> "GoalsApi":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------------------------------
# The payroll database


def write_payroll_db(frames: dict[str, pd.DataFrame], path: Path) -> str:
    """Employments, payroll lines and absences as tables with reporting views in a SQLite file;
    returns its SQLAlchemy URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for entity in SQL_ENTITIES:
                df = frames[entity].drop(columns=ROW).copy()
                for col in ENTITIES[entity].loaded_columns:
                    if col.kind == "date":
                        df[col.name] = [_plain(v) for v in df[col.name]]
                df = df.astype(object).where(df.notna(), None)
                df.to_sql(f"t_{entity}", conn, index=False)
                conn.execute(sa.text(f"CREATE VIEW {VIEWS[entity]} AS SELECT * FROM t_{entity}"))
    finally:
        engine.dispose()
    return url


# ---------------------------------------------------------------------------------------------
# The learning record store


def elearning_rows(trainings: pd.DataFrame) -> pd.Series:
    """The participations an LRS would hold: completed online courses with no costs, no
    application or approval, no management level or commitment, on one day, and whose course
    has one competence area, form and paid share."""
    t = trainings
    costs = t[["fee", "travel", "lodging", "per_diem", "subsidy"]].fillna(0).abs().sum(axis=1)
    plain = ((t["training_type"] == "verkko") & (t["status"] == "suoritettu") & (costs == 0)
             & t["applied_on"].isna() & t["approved_on"].isna() & t["approver"].isna()
             & t["management_level"].isna() & t["commitment_months"].isna()
             & (t["start"] == t["end"]) & (t["hours"] > 0))
    keys = t[plain].groupby("training_id")[["competence_area", "form", "paid_pct"]].nunique(dropna=False)
    one = keys[(keys <= 1).all(axis=1)].index
    return plain & t["training_id"].isin(one)


def statements(trainings: pd.DataFrame) -> list[dict]:
    out = []
    for r in trainings.to_dict("records"):
        out.append({
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"osaava-demo/{r['participation_id']}")),
            "actor": {"objectType": "Agent",
                      "account": {"name": f"p{r['person_id']}_{r['employment_no']}",
                                  "homePage": "https://oppiminen.example.fi"}},
            "verb": {"id": COMPLETED, "display": {"fi-FI": "suoritti"}},
            "object": {"objectType": "Activity", "id": f"{COURSE}{r['training_id']}"},
            "result": {"completion": True, "duration": f"PT{float(r['hours']):g}H"},
            "timestamp": f"{pd.Timestamp(r['start']).date().isoformat()}T10:00:00+00:00",
        })
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lrs:
    """ralph's LRS (file backend) from ``<venv>/bin/ralph`` on 127.0.0.1, as its own process."""

    def __init__(self, venv: Path, folder: Path, password: str):
        self.ralph = venv / "bin" / "ralph"
        self.folder = folder
        self.password = password
        self.proc: subprocess.Popen | None = None
        self.url = ""

    @property
    def available(self) -> bool:
        return self.ralph.exists()

    def __enter__(self) -> "Lrs":
        import requests

        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        store = self.folder / "data" / "fs_lrs.jsonl"
        store.unlink(missing_ok=True)
        cwd = self.folder / "cwd"
        cwd.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env.update(RALPH_RUNSERVER_BACKEND="fs", RALPH_AUTH_FILE=str(self.folder / "auth.json"),
                   RALPH_APP_DIR=str(self.folder / "app"), DO_NOT_TRACK="1")
        (self.folder / "auth.json").unlink(missing_ok=True)
        subprocess.run([str(self.ralph), "auth", "-u", LRS_USER, "-p", self.password, "-s", "all",
                        "-M", "mailto:lrs@example.fi", "-w"], env=env, check=True,
                       capture_output=True, timeout=120, cwd=cwd)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(self.folder / "ralph.log", "wb")
        self.proc = subprocess.Popen(
            [str(self.ralph), "runserver", "-b", "fs", "--fs-default-directory-path",
             str(self.folder / "data"), "-h", "127.0.0.1", "-p", str(port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("the demo LRS stopped at start; see " + str(self.folder / "ralph.log"))
            try:
                if requests.get(f"{self.url}/__heartbeat__", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the demo LRS did not answer within 120 s")
            time.sleep(0.2)
        return self

    def post(self, statements: list[dict]) -> None:
        """One POST of every statement (ralph's file backend takes one bulk write)."""
        import requests

        r = requests.post(f"{self.url}/xAPI/statements", json=statements, timeout=120,
                          auth=(LRS_USER, self.password),
                          headers={"X-Experience-API-Version": "1.0.3"})
        if r.status_code != 200:
            raise RuntimeError(f"the demo LRS refused the statements (HTTP {r.status_code})")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        if getattr(self, "log", None):
            self.log.close()


# ---------------------------------------------------------------------------------------------
# The sources file


def write_files(export: Path, folder: Path, moved_rows: list[int] | None) -> None:
    """The export files the systems do not serve: the organisation and the trainings, byte for
    byte from the export, less the lines (``_row``, header = 1) the LRS serves."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem in ("organisaatio", "koulutukset"):
        (folder / f"{stem}.csv").unlink(missing_ok=True)
    (folder / "organisaatio.csv").write_bytes((export / "organisaatio.csv").read_bytes())
    data = (export / "koulutukset.csv").read_bytes()
    if moved_rows:
        drop = {r - 1 for r in moved_rows}  # 0-based line numbers
        data = b"\r\n".join(line for i, line in enumerate(data.split(b"\r\n")) if i not in drop)
    (folder / "koulutukset.csv").write_bytes(data)


def sources_config(api: GoalsApi, db_url: str, lrs: Lrs | None, lrs_rows: pd.DataFrame | None) -> dict:
    sql_fields = {e: {c.name: c.name for c in ENTITIES[e].loaded_columns} for e in SQL_ENTITIES}
    cfg: dict = {"version": 1, "sources": [
        {"name": "export", "kind": "files", "location": "export",
         "entities": ["organisation", "trainings"]},
        {"name": "goals", "kind": "rest", "location": f"{api.url}/api/", "path": "discussions",
         "token_url": f"{api.url}/oauth/token", "client_id": API_CLIENT_ID, "page_size": 200,
         "credentials": {"block": "osaava-demo-goals"}, "retries": 0},
        {"name": "payroll", "kind": "sql", "location": db_url, "entities": list(SQL_ENTITIES),
         "years_back": 10, "retries": 0,
         "queries": {
             "employments": {"view": VIEWS["employments"]},
             "payroll": {"view": VIEWS["payroll"]},
             "absences": {"view": VIEWS["absences"]}},
         "fields": sql_fields},
    ]}
    if lrs is not None and lrs_rows is not None:
        acts = {}
        for r in lrs_rows.drop_duplicates("training_id").to_dict("records"):
            act = {"training_id": r["training_id"], "competence_area": r["competence_area"],
                   "form": r["form"]}
            if r["paid_pct"] == r["paid_pct"] and r["paid_pct"] is not None:
                act["paid_pct"] = float(r["paid_pct"])
            acts[f"{COURSE}{r['training_id']}"] = act
        actors = {f"p{p}_{e}": f"{p}/{e}" for p, e in
                  lrs_rows[["person_id", "employment_no"]].drop_duplicates().itertuples(index=False)}
        cfg["sources"].append({
            "name": "elearning", "kind": "xapi", "location": f"{lrs.url}/xAPI", "username": LRS_USER,
            "credentials": {"block": "osaava-demo-lrs"}, "watermark": "timestamp", "page_size": 500,
            "retries": 0, "actors": actors, "activities": acts})
    return cfg
