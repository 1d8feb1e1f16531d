"""The payroll database connector against the real PostgreSQL and against SQLite.

tests/small_city.py's employments, payroll lines and absences are loaded into tables shaped
like a payroll system's (Finnish-ish column names, its own codes), read back through views and
a query by connectors/sql.py, and must give the same frames and THE SAME FIGURES as the file
export. PostgreSQL runs in a schema of its own, created and dropped here; when no server
answers the test fails and says how to start one (it never skips).

``payroll_db`` and ``sql_source_dict`` are also used by test_collect_sources.py.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pandas as pd
import pytest
import sqlalchemy as sa

import small_city
from connectors.files import read_folder
from connectors.sql import read_sql
from osaava.figures import compute
from osaava.guideline import guideline_for_year, load_codes
from osaava.schema import ENTITIES, ROW
from osaava.sources import SqlSource

PG_URL = os.environ.get("OSAAVA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# vendor table, view, vendor column → canonical column (and the vendor's own codes)
VENDOR = {
    "employments": ("ps_jakso", "v_palvelussuhde_jaksot", {
        "HENKILONRO": "person_id", "PS_NRO": "employment_no", "ALKU_PVM": "start",
        "LOPPU_PVM": "end", "KUSTPAIKKA": "cost_centre", "NIMIKE": "title", "PS_LAJI": "employment_type",
        "TYOAIKAMUOTO": "working_time_form", "TYOAIKA_PROS": "working_time_pct",
        "ESIMIES": "supervisor", "ESIMIES_ALKAEN": "supervisor_since", "SUKUPUOLI": "gender",
        "SYNT_VUOSI": "birth_year"}),
    "payroll": ("palkkarivi", "v_palkkarivit", {
        "HENKILONRO": "person_id", "PS_NRO": "employment_no", "MAKSUPVM": "pay_date",
        "ANSIO_ALKU": "earning_start", "ANSIO_LOPPU": "earning_end", "PALKKALAJI": "wage_type",
        "PALKKALAJI_NIMI": "wage_type_name", "KUSTPAIKKA": "cost_centre", "TUNNIT": "hours",
        "SUMMA": "amount"}),
    "absences": ("poissaolo", "v_poissaolot", {
        "HENKILONRO": "person_id", "PS_NRO": "employment_no", "POISSAOLOKOODI": "absence_code",
        "ALKU_PVM": "start", "LOPPU_PVM": "end", "KALENTERIPAIVAT": "calendar_days",
        "TUNNIT": "hours", "PALKALLISUUS": "paid"}),
}
CODES = {
    ("employments", "employment_type"): {"V": "vakinainen", "M": "määräaikainen"},
    ("employments", "supervisor"): {1: "K", 0: "E"},
    ("absences", "paid"): {"P": "palkallinen", "O": "osittain", "T": "palkaton"},
}
SQL_TYPES = {"str": sa.String(40), "code": sa.String(40), "int": sa.Integer(), "num": sa.Numeric(9, 2),
             "eur": sa.Numeric(12, 2), "date": sa.Date(), "text": sa.String(200)}
SQL_ENTITIES = tuple(VENDOR)


def require_postgres() -> sa.Engine:
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as e:  # any failure to connect means the same to the person running tests
        engine.dispose()
        pytest.fail(
            f"PostgreSQL does not answer at {PG_URL} ({type(e).__name__}). Start it, e.g. on "
            f"Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start "
            f"(trust auth on 127.0.0.1, a database 'test'), or set OSAAVA_TEST_PG_URL.",
            pytrace=False)
    return engine


def vendor_rows(entity: str, df: pd.DataFrame) -> list[dict]:
    """The canonical frame as the payroll system's rows (its column names and codes)."""
    _, _, mapping = VENDOR[entity]
    out = []
    for rec in df.drop(columns=ROW).to_dict("records"):
        row = {}
        for vendor, canon in mapping.items():
            v = rec.get(canon)
            if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
                v = None
            elif isinstance(v, pd.Timestamp):
                v = v.date()
            if (entity, canon) in CODES and v is not None:
                v = {c: k for k, c in CODES[(entity, canon)].items()}[v]
            if canon in ("title", "wage_type_name"):
                v = "Tehtävä" if canon == "title" else "Palkka"
            row[vendor] = v
        out.append(row)
    return out


def load_vendor(engine: sa.Engine, frames: dict, schema: str | None) -> None:
    """Base tables with the vendor's names and types, and the views the connector reads."""
    md = sa.MetaData(schema=schema)
    tables = {}
    for entity, (table, _, mapping) in VENDOR.items():
        cols = []
        for vendor, canon in mapping.items():
            col = ENTITIES[entity].column(canon)
            typ = sa.Integer() if (entity, canon) == ("employments", "supervisor") else SQL_TYPES[col.kind]
            cols.append(sa.Column(vendor.lower(), typ))
        tables[entity] = sa.Table(table, md, *cols)
    md.create_all(engine)
    q = f"{schema}." if schema else ""
    with engine.begin() as conn:
        for entity, (table, view, mapping) in VENDOR.items():
            rows = vendor_rows(entity, frames[entity])
            conn.execute(tables[entity].insert(), [{k.lower(): v for k, v in r.items()} for r in rows])
            conn.execute(sa.text(f"CREATE VIEW {q}{view} AS SELECT * FROM {q}{table}"))


def sql_source_dict(url: str, schema: str | None, **kw) -> dict:
    q = f"{schema}." if schema else ""
    return {
        "name": "payroll", "kind": "sql", "location": url, "entities": list(SQL_ENTITIES),
        "chunk_rows": 4,
        "queries": {
            # the query keeps every period of an employment that overlaps the years
            "employments": {"query": (
                f"SELECT j.* FROM {q}v_palvelussuhde_jaksot j WHERE EXISTS ("
                f"SELECT 1 FROM {q}v_palvelussuhde_jaksot k WHERE k.henkilonro = j.henkilonro "
                f"AND k.ps_nro = j.ps_nro AND k.alku_pvm <= :end "
                f"AND (k.loppu_pvm IS NULL OR k.loppu_pvm >= :start)) "
                f"ORDER BY j.henkilonro, j.ps_nro, j.alku_pvm")},
            "payroll": {"view": f"{q}v_palkkarivit", "period_columns": ["MAKSUPVM"]},
            "absences": {"view": f"{q}v_poissaolot", "period_columns": ["ALKU_PVM", "LOPPU_PVM"]},
        },
        "fields": {e: m for e, (_, _, m) in VENDOR.items()},
        "values": {"employments": {"employment_type": {"V": "vakinainen", "M": "määräaikainen"},
                                   "supervisor": {"1": "K", "0": "E"}},
                   "absences": {"paid": {"P": "palkallinen", "O": "osittain", "T": "palkaton"}}},
        **kw,
    }


@pytest.fixture(params=["postgresql", "sqlite"])
def payroll_db(request, tmp_path, small_frames):
    """(URL, schema) of a database holding small_city's payroll data in vendor tables."""
    if request.param == "postgresql":
        engine = require_postgres()
        schema = f"osaava_t_{uuid.uuid4().hex[:10]}"
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        try:
            load_vendor(engine, small_frames, schema)
            yield PG_URL, schema
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'payroll.db'}"
        engine = sa.create_engine(url)
        load_vendor(engine, small_frames, None)
        engine.dispose()
        yield url, None


def sorted_frame(df: pd.DataFrame, entity: str) -> pd.DataFrame:
    cols = [c.name for c in ENTITIES[entity].loaded_columns]
    return df.drop(columns=ROW).sort_values(cols, na_position="first").reset_index(drop=True)


def figures(frames):
    f = compute(frames, guideline_for_year(2024), load_codes(), 2024)
    return f.organisation, f.sectors


@pytest.mark.parametrize("years", [(2019, 2024), (2024, 2024)])
def test_same_frames_and_same_figures_as_the_file_export(payroll_db, small_frames, years):
    url, schema = payroll_db
    src = SqlSource.model_validate(sql_source_dict(url, schema))
    start, end = dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)
    res = read_sql(src, None, start=start, end=end)
    assert not res.issues, [i.line() for i in res.issues]
    assert set(res.frames) == set(SQL_ENTITIES)
    if years[0] == 2019:  # the whole history: exactly the file's frames, dtypes included
        for e in SQL_ENTITIES:
            pd.testing.assert_frame_equal(sorted_frame(res.frames[e], e), sorted_frame(small_frames[e], e),
                                          obj=e)
    else:  # 2024 only: 10009 (left 31.12.2023) and the 2023 pay line are not read
        assert "10009" not in set(res.frames["employments"]["person_id"])
        assert res.frames["payroll"]["pay_date"].min() >= pd.Timestamp(2024, 1, 1)
        # an absence overlapping the start of the year is kept whole
        assert pd.Timestamp(2023, 12, 20) in set(res.frames["absences"]["start"])
    assert res.rows_read == {e: len(res.frames[e]) for e in SQL_ENTITIES}
    mixed = {**small_frames, **res.frames}
    assert figures(mixed) == figures(small_frames)


def test_raw_is_the_generic_export_csv(payroll_db, small_frames, tmp_path):
    url, schema = payroll_db
    src = SqlSource.model_validate(sql_source_dict(url, schema))
    res = read_sql(src, None, start=dt.date(2019, 1, 1), end=dt.date(2024, 12, 31))
    folder = small_city.write(tmp_path / "export")
    for raw in res.raw:
        assert raw.name == f"payroll-{ENTITIES[raw.entity].file}.csv"
        (folder / f"{ENTITIES[raw.entity].file}.csv").write_bytes(raw.data)
    again = read_folder(folder)
    assert not again.issues, [i.line() for i in again.issues]
    for e in SQL_ENTITIES:
        # the same rows; the row numbers of messages are the lines of that CSV
        pd.testing.assert_frame_equal(again.frames[e], res.frames[e], check_like=False, obj=e)
    first = res.raw[0].data.decode("utf-8").splitlines()
    assert first[0] == ";".join(ENTITIES["employments"].headers)
    # read again: the same bytes (ORDER BY), so the same batch fingerprint
    res2 = read_sql(src, None, start=dt.date(2019, 1, 1), end=dt.date(2024, 12, 31))
    assert [r.sha256 for r in res2.raw] == [r.sha256 for r in res.raw]


def test_problems_are_issues_naming_source_entity_and_vendor_field(payroll_db):
    url, schema = payroll_db
    q = f"{schema}." if schema else ""
    eng = sa.create_engine(url)
    with eng.begin() as conn:  # a code the mapping does not know
        conn.execute(sa.text(f"UPDATE {q}ps_jakso SET ps_laji = 'X' WHERE henkilonro = '10003'"))
    eng.dispose()
    d = sql_source_dict(url, schema)
    res = read_sql(SqlSource.model_validate(d), None, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    (issue,) = res.issues
    assert issue.code == "unknown_code" and issue.file == "payroll:henkilosto"
    assert issue.column == "Palvelussuhteen laji (field PS_LAJI)" and issue.examples == ["X"]
    assert len(issue.rows) == 1 and issue.rows[0] >= 2   # a line of the CSV written

    d["queries"]["payroll"] = {"query": f"SELECT * FROM {q}no_such_view"}
    res = read_sql(SqlSource.model_validate(d), None, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    bad = [i for i in res.issues if i.code == "source_failed"]
    assert len(bad) == 1 and bad[0].file == "payroll:palkkarivit" and "the query failed" in bad[0].message
    assert res.refused and not res.frames

    d = sql_source_dict(url, schema)
    d["fields"]["absences"] = {**d["fields"]["absences"], "PUUTTUU": "hours"}
    del d["fields"]["absences"]["TUNNIT"]
    res = read_sql(SqlSource.model_validate(d), None, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    missing = [i for i in res.issues if i.code == "missing_column"]
    assert [(i.file, i.column) for i in missing] == [("payroll:poissaolot", "PUUTTUU")]
    assert "ALKU_PVM" in missing[0].advice.upper() and res.refused


def test_unreachable_database_is_one_clear_issue_without_the_password():
    url = "postgresql+psycopg://osaava@127.0.0.1:1/palkat"   # nothing listens on port 1
    src = SqlSource.model_validate(sql_source_dict(url, None, connect_timeout=2))
    res = read_sql(src, "pw-never-shown", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    (issue,) = res.issues
    assert issue.code == "source_failed" and "does not answer" in issue.message
    assert "pw-never-shown" not in issue.line() and "127.0.0.1:1" in issue.file


def test_a_henkilotunnus_in_any_read_column_refuses_without_showing_it(payroll_db):
    from test_connector_files import make_hetu

    url, schema = payroll_db
    q = f"{schema}." if schema else ""
    hetu = make_hetu()
    eng = sa.create_engine(url)
    with eng.begin() as conn:  # in a free-text column that is scanned but never loaded
        conn.execute(sa.text(f"UPDATE {q}ps_jakso SET nimike = :t WHERE henkilonro = '10004'"),
                     {"t": f"Rehtori {hetu}"})
    eng.dispose()
    res = read_sql(SqlSource.model_validate(sql_source_dict(url, schema)), None,
                   start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    (issue,) = res.issues
    assert issue.code == "henkilotunnus" and issue.column == "Nimike" and res.refused
    assert hetu not in issue.line() and "title" not in set(res.frames["employments"].columns)


@pytest.mark.parametrize("query", ["password=hunter2", "sslmode=require&sslpassword=hunter2",
                                   "PASSWORD=hunter2", "passwd=hunter2", "pwd=hunter2",
                                   "client_secret=hunter2", "token=hunter2"])
def test_a_url_with_a_secret_looking_parameter_is_refused_without_showing_it(tmp_path, query):
    from osaava.guideline import ConfigError
    from osaava.sources import load_sources

    url = f"postgresql+psycopg://osaava@db.example.fi:5432/palkat?{query}"
    (tmp_path / "s.yaml").write_text(
        "sources:\n  - {name: export, kind: files, location: export}\n"
        f"  - {{name: payroll, kind: sql, location: '{url}', entities: [payroll], "
        "credentials: {env: X}, queries: {payroll: {view: v}}, fields: {payroll: {A: person_id}}}\n",
        encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_sources(tmp_path / "s.yaml")
    text = str(e.value)
    assert "key sources.1.location (source 'payroll', kind sql): the URL holds a secret-looking " \
           "query parameter" in text
    assert query.split("=")[-2].rsplit("&", 1)[-1] in text and "hunter2" not in text
    assert "name the environment variable or Prefect block" in text


def test_urls_are_shown_without_credentials():
    from connectors.base import safe_url
    from connectors.sql import SqlConnector, _db_reason, where

    assert safe_url("postgresql+psycopg://hr:pw1@db.example.fi:5432/palkat?sslmode=require&"
                    "sslpassword=pw2") == ("postgresql+psycopg://hr:***@db.example.fi:5432/palkat?"
                                           "sslmode=require&sslpassword=***")
    assert safe_url("https://api.example.fi/d?cursor=2&access_token=t0k&x=1") == \
        "https://api.example.fi/d?cursor=2&access_token=***&x=1"
    assert safe_url("sqlite:////var/lib/palkat.db") == "sqlite:////var/lib/palkat.db"
    assert safe_url("export/folder") == "export/folder"
    src = SqlSource.model_validate(sql_source_dict("postgresql+psycopg://hr@db.example.fi/palkat", None))
    assert where(src) == "payroll (postgresql+psycopg://hr@db.example.fi/palkat)"
    assert SqlConnector().origin(src) == "postgresql+psycopg://hr@db.example.fi/palkat"
    # a driver that quotes its connection string, or the password itself, shows neither
    err = Exception('connection to "postgresql://hr:pw-never@db/palkat" failed: password "pw-never"\nmore')
    reason = _db_reason(err, "pw-never")
    assert "pw-never" not in reason and "postgresql://hr:***@db/palkat" in reason
