"""Collect from real HR systems: REST + PostgreSQL + xAPI LRS + files give the figures of the export.

tests/small_city.py is split over the sources a city would have: goal discussions and needs
from the REST API (a local server), employments, payroll and absences from the payroll database
(PostgreSQL, a schema of its own), the e-learning ('verkko') trainings from a real LRS (ralph,
in .venv-lrs), the other trainings and the organisation from the export folder. The merged batch
must give the same figures as the export, pass validation, land and load like a folder, and a
second collect of unchanged data must fetch only what changed and store no new batch.

Also: the sources file's errors name the file, the key and the problem.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

import small_city
from connectors.files import read_folder
from connectors.merge import collect_sources
from osaava import warehouse
from osaava.figures import compute
from osaava.guideline import ConfigError, guideline_for_year, load_codes
from osaava.sources import load_sources, resolve_secret
from test_connector_rest import CLIENT_ID, SECRET, GoalsApi
from test_connector_sql import PG_URL, load_vendor, require_postgres, sql_source_dict
from test_connector_xapi import COMPLETED, LRS_PASSWORD, LRS_USER, RunningLRS, account, statement

Y = 2024
COURSE = "https://oppiminen.example.com/course/"
STATUS = {"käyty": "held", "sovittu": "planned", "ei käyty": "not_held"}
DELIVERY = {"koulutus": "training", "työssä oppiminen": "on_the_job", "muu": "other"}


def figures(frames) -> tuple[dict, dict]:
    f = compute(frames, guideline_for_year(Y), load_codes(), Y)
    return f.organisation, f.sectors


def iso(ts) -> str | None:
    return None if ts is None or ts != ts else ts.date().isoformat()


def api_items(frames) -> list[dict]:
    """small_city's discussions and needs in the API's default shape (docs/rest-api.md)."""
    needs = frames["needs"]
    items = []
    for n, d in enumerate(frames["discussions"].to_dict("records"), start=1):
        mine = needs[needs["discussion_id"] == d["discussion_id"]]
        items.append({
            "id": d["discussion_id"], "employee_number": d["person_id"],
            "supervisor_number": d["supervisor_id"], "year": int(d["year"]),
            "status": STATUS[d["status"]], "held_on": iso(d["held_on"]),
            "updated_at": f"2025-01-10T08:{n:02d}:00+00:00",
            "needs": [{"id": r["need_id"], "competence_area": r["competence_area"],
                       "priority": int(r["priority"]), "delivery": DELIVERY[r["delivery"]],
                       "target_date": iso(r["target_date"])} for r in mine.to_dict("records")],
        })
    return items


def verkko_statements(frames) -> list[dict]:
    """small_city's e-learning participations as xAPI completions."""
    t = frames["trainings"]
    out = []
    for r in t[t["training_type"] == "verkko"].to_dict("records"):
        hours = float(r["hours"])
        out.append(statement(account(f"e{r['person_id']}"), COMPLETED, f"{COURSE}{r['training_id']}",
                             f"{r['start'].date().isoformat()}T09:00:00+03:00",
                             f"PT{hours:g}H", str(uuid.uuid4())))
    return out


def write_files_source(folder: Path) -> Path:
    """The export folder of the files source: organisation and the non-e-learning trainings."""
    folder.mkdir(parents=True)
    for stem in ("organisaatio", "koulutukset"):
        lines = [line for line in small_city.FILES[stem] if ";verkko;" not in line]
        (folder / f"{stem}.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return folder


def write_config(path: Path, api: GoalsApi, lrs: RunningLRS, schema: str, frames) -> Path:
    verkko = frames["trainings"][frames["trainings"]["training_type"] == "verkko"]
    sql = sql_source_dict(PG_URL, schema)
    cfg = {
        "version": 1,
        "sources": [
            {"name": "export", "kind": "files", "location": "export",
             "entities": ["organisation", "trainings"]},
            {"name": "goals", "kind": "rest", "location": f"{api.url}/api/", "path": "discussions",
             "token_url": f"{api.url}/oauth/token", "client_id": CLIENT_ID, "page_size": 3,
             "credentials": {"env": "GOALS_CLIENT_SECRET"}, "backoff_seconds": 0.01,
             "max_seconds": 60},
            {**sql, "credentials": {"env": "PAYROLL_DB_PASSWORD"}},
            {"name": "elearning", "kind": "xapi", "location": f"{lrs.url}/xAPI", "username": LRS_USER,
             "credentials": {"env": "LRS_PASSWORD"}, "watermark": "timestamp", "page_size": 50,
             "account_name_pattern": r"^e(\d+)$", "max_seconds": 60,
             "activities": {f"{COURSE}{r['training_id']}": {
                 "training_id": r["training_id"], "competence_area": r["competence_area"],
                 "form": r["form"]} for r in verkko.to_dict("records")}},
        ],
    }
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


ENV = {"GOALS_CLIENT_SECRET": SECRET, "LRS_PASSWORD": LRS_PASSWORD,
       "PAYROLL_DB_PASSWORD": "unused-with-trust-auth"}


@pytest.fixture(scope="module")
def city(tmp_path_factory, small_frames):
    """Every source of the split small city, running; yields (config path, api, tmp)."""
    tmp = tmp_path_factory.mktemp("sources")
    engine = require_postgres()
    schema = f"osaava_c_{uuid.uuid4().hex[:10]}"
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
            yield cfg, api, tmp
    finally:
        if lrs is not None:
            lrs.stop()
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_sources_give_the_figures_of_the_export_and_load_once(city, small_frames):
    from osaava.loading import land_and_store as load_read
    from osaava.quality import validate_read

    cfg, api, tmp = city
    var = tmp / "var"
    db = f"sqlite:///{tmp / 'wh.db'}"
    res = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var, environ=ENV)
    assert not res.refused, [i.line() for i in res.issues]
    assert {s.name: s.entities for s in res.sources} == {
        "export": ("organisation", "trainings"), "goals": ("discussions", "needs"),
        "payroll": ("employments", "payroll", "absences"), "elearning": ("trainings",)}
    assert set(res.frames) == set(small_frames)
    t = res.frames["trainings"]
    assert len(t) == len(small_frames["trainings"]) and t["_row"].is_unique
    assert (t["training_type"] == "verkko").sum() == 2 and t.attrs["file"] == "koulutukset.csv + elearning:trainings"
    assert res.rows_read == {e: len(df) for e, df in small_frames.items()}
    assert figures(res.frames) == figures(small_frames)

    # the same path as an export folder: validate, land, load; the warehouse gives it back
    issues = validate_read(res)
    assert not [i for i in issues if i.severity == "critical"], [i.line() for i in issues]
    info = load_read(res, issues, db, str(var), source="sources")
    assert info.new and info.status == warehouse.LOADED
    engine = warehouse.engine_for(db)
    try:
        assert figures(warehouse.load_frames(engine, info.id)) == figures(small_frames)
    finally:
        engine.dispose()
    assert {f["name"] for f in info.files} >= {"organisaatio.csv", "koulutukset.csv", "goals-page-0001.json",
                                                "payroll-henkilosto.csv", "elearning-page-0001.json"}

    # again, nothing changed: only changes are asked for, and no new batch is stored
    n = len(api.listing_params())
    again = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var, environ=ENV)
    assert api.listing_params()[n]["updated_since"] == "2025-01-10T08:08:00+00:00"
    assert not again.changed and not any(s.changed for s in again.sources)
    assert {s.name: s.full for s in again.sources}["goals"] is False
    info2 = load_read(again, validate_read(again), db, str(var), source="sources")
    assert not info2.new and info2.id == info.id

    # one discussion is held after all: only it (and the one at the watermark) is fetched
    before = figures(res.frames)[0]
    with api.lock:
        d4 = next(i for i in api.items if i["id"] == "D4")
        d4.update(status="held", held_on="2024-11-15", updated_at="2025-02-01T12:00:00+00:00")
    n = len(api.listing_params())
    third = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var, environ=ENV)
    goals = next(s for s in third.sources if s.name == "goals")
    assert goals.changed and not goals.full and third.changed
    assert [s.name for s in third.sources if s.changed] == ["goals"]
    got = api.log[-1]
    assert got[1]["updated_since"] == "2025-01-10T08:08:00+00:00" and len(api.listing_params()) == n + 1
    after = figures(third.frames)[0]
    assert after["discussions_held"] == before["discussions_held"] + 1
    info3 = load_read(third, validate_read(third), db, str(var), source="sources")
    assert info3.new and info3.id != info.id


def test_a_failing_source_refuses_the_batch_and_keeps_its_state(city, tmp_path):
    cfg, api, _ = city
    var = tmp_path / "var"
    first = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var, environ=ENV)
    assert not first.refused
    api.always = "500"
    try:
        res = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var,
                              environ={**ENV}, sleep=lambda s: None)
    finally:
        api.always = None
    failed = [i for i in res.issues if i.code == "source_failed"]
    assert res.refused and len(failed) == 1 and failed[0].file.startswith("goals (")
    assert "HTTP 500" in failed[0].message
    assert [s.name for s in res.sources if s.failed] == ["goals"]
    state = json.loads((var / "sources" / "goals" / "state.json").read_text())
    assert state["watermark"] == first.sources[1].watermark

    # a henkilötunnus in the answer: refused, and the page never enters the stored page log
    from test_connector_files import make_hetu

    with api.lock:
        item = api.items[0]
        item.update(comment=make_hetu(), updated_at="2025-03-01T00:00:00+00:00")
    try:
        res = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var, environ=ENV)
    finally:
        with api.lock:
            del item["comment"]
    assert res.refused and [i.code for i in res.issues if i.severity == "critical"] == ["henkilotunnus"]
    after = json.loads((var / "sources" / "goals" / "state.json").read_text())
    assert after["pages"] == state["pages"] and after["watermark"] == state["watermark"]
    res = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var, environ=ENV)
    assert not res.refused and next(s for s in res.sources if s.name == "goals").changed


def test_missing_secret_is_a_config_error(city):
    cfg, _, _ = city
    with pytest.raises(ConfigError, match=r"sources.goals.credentials.env: the environment variable "
                                          r"GOALS_CLIENT_SECRET is not set"):
        collect_sources(cfg, environ={})


@pytest.mark.parametrize("change, message", [
    ("sources:\n  - {name: f, kind: files, location: ., entities: [organisation]}\n",
     "key sources: no source serves employments, payroll, absences, trainings, discussions, needs"),
    ("  - {name: export, kind: files, location: other}\n", "key sources: the name export is used twice"),
    ("  - {name: g, kind: rest, location: 'https://x/api', token_url: 'https://x/t', client_id: a, "
     "client_secret: hunter2, credentials: {env: X}}\n",
     "key sources.1.client_secret: secrets never go into the sources file"),
    ("  - {name: g, kind: rest, location: 'https://x/api', client_id: a, credentials: {env: X}}\n",
     "key sources.1.token_url (source 'g', kind rest): Field required"),
    ("  - {name: p, kind: sql, location: 'postgresql://u:pw@h/db', queries: {}}\n",
     "key sources.1.location (source 'p', kind sql): the URL holds a password"),
    ("  - {name: g, kind: rest, location: 'https://x/api', token_url: 'https://x/t', client_id: a, "
     "credentials: {env: X}, values: {discussions: {status: {held: done}}}}\n",
     "values.discussions.status: 'done' not allowed; allowed: käyty, sovittu, ei käyty"),
    ("  - {name: g, kind: rest, location: 'https://x/api', token_url: 'https://x/t', client_id: a, "
     "credentials: {env: X}, fields: {discussions: {id: discussion_nr}}}\n",
     "fields.discussions.id: 'discussion_nr' is not a column of discussions"),
    ("  - {name: x, kind: xapi, location: 'https://lrs/xAPI', username: u, credentials: {env: X}, "
     "entities: [discussions]}\n",
     "a xapi source cannot serve discussions"),
    ("  - {name: g, kind: rest, location: 'http://hr.example.fi/api', token_url: 'https://x/t', "
     "client_id: a, credentials: {env: X}}\n",
     "key sources.1.location (source 'g', kind rest): the API's location must be an https:// URL: "
     "plain http is allowed only to this machine (127.0.0.1, localhost, ::1)"),
    ("  - {name: g, kind: rest, location: 'https://x/api', token_url: 'http://login.example.fi/t', "
     "client_id: a, credentials: {env: X}}\n",
     "key sources.1.token_url (source 'g', kind rest): token_url must be an https:// URL"),
    ("  - {name: g, kind: rest, location: 'https://x/api?access_token=abc', token_url: 'https://x/t', "
     "client_id: a, credentials: {env: X}}\n",
     "the URL holds a secret-looking query parameter (access_token)"),
    ("  - {name: x, kind: xapi, location: 'http://lrs.example.fi/xAPI', username: u, "
     "credentials: {env: X}}\n",
     "key sources.1.location (source 'x', kind xapi): the LRS location must be an https:// URL"),
    ("  - {name: p, kind: sql, location: 'postgresql://u@h/db?sslpassword=abc', queries: {}}\n",
     "key sources.1.location (source 'p', kind sql): the URL holds a secret-looking query "
     "parameter (sslpassword)"),
    ("  - {name: g, kind: soap, location: x}\n",
     "key sources.1.kind (source 'g', kind soap): unknown kind 'soap'; kinds: files, rest, sql, xapi"),
    ("  - {name: g, location: x}\n", "key sources.1.kind (source 'g'): kind is missing"),
    ("  - {name: 'a b', kind: files, location: x}\n", "key sources.1.name (source 'a b', kind files)"),
])
def test_config_errors_name_file_key_and_problem(tmp_path, change, message):
    path = tmp_path / "sources.yaml"
    base = "sources:\n  - {name: export, kind: files, location: export}\n"
    path.write_text(change if change.startswith("sources:") else base + change, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_sources(path)
    assert str(e.value).startswith(str(path) + ": ")
    assert message in str(e.value)


def test_example_config_is_valid_and_secrets_come_from_env_or_block():
    cfg = load_sources(Path(__file__).parent.parent / "osaava" / "config" / "sources-example.yaml")
    served = cfg.served_by()
    assert served["trainings"] == ["export", "elearning"] and served["discussions"] == ["goals"]
    goals, payroll = cfg.source("goals"), cfg.source("payroll")
    assert resolve_secret(goals, environ={"OSAAVA_GOALS_CLIENT_SECRET": "x"}) == "x"
    assert resolve_secret(payroll, block_loader={"payroll-db-password": "pw"}.__getitem__) == "pw"
    with pytest.raises(ConfigError, match="can only be read inside a Prefect run"):
        resolve_secret(payroll)
    with pytest.raises(ConfigError, match="cannot be read"):
        resolve_secret(payroll, block_loader={}.__getitem__)


def test_files_source_alone_is_the_export(tmp_path, small_frames):
    """Every entity from a files source: the same frames as reading the folder."""
    small_city.write(tmp_path / "export")
    (tmp_path / "s.yaml").write_text(textwrap.dedent("""\
        sources:
          - {name: export, kind: files, location: export}
        """), encoding="utf-8")
    res = collect_sources(tmp_path / "s.yaml", var_dir=tmp_path / "var")
    plain = read_folder(tmp_path / "export")
    assert not res.issues and [r.sha256 for r in res.raw] == [r.sha256 for r in plain.raw]
    assert figures(res.frames) == figures(small_frames)


def test_a_henkilotunnus_behind_a_json_escape_is_stored_nowhere(city, tmp_path):
    """The API writes the hyphen of a henkilötunnus as ``\\u002d``: the parsed string holds the
    henkilötunnus, so the batch is refused and neither form lands in the state or anywhere
    under the var folder."""
    from test_connector_files import make_hetu

    cfg, api, _ = city
    var = tmp_path / "var"
    hetu = make_hetu("010203", "-", "456")
    escaped = hetu.replace("-", "\\u002d")
    page = api.page
    with api.lock:
        item = api.items[1]
        item["comment"] = f"asiakas {hetu}"
    api.page = lambda params: page(params).replace(hetu.encode(), escaped.encode())
    try:
        res = collect_sources(cfg, first_year=2019, last_year=Y, var_dir=var, environ=ENV)
    finally:
        api.page = page
        with api.lock:
            del item["comment"]
    assert res.refused and [i.code for i in res.issues if i.severity == "critical"] == ["henkilotunnus"]
    assert not (var / "sources" / "goals").exists() or not any(
        (var / "sources" / "goals").rglob("*.json*"))
    for f in (p for p in tmp_path.rglob("*") if p.is_file()):
        data = f.read_bytes()
        assert hetu.encode() not in data and escaped.encode() not in data, f
    assert hetu not in json.dumps([i.to_dict() for i in res.issues], ensure_ascii=False)
