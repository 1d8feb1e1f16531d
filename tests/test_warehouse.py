"""Landing area and warehouse, on SQLite and on PostgreSQL.

PostgreSQL is not optional: the tests fail (not skip) when no server answers at
``$OSAAVA_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each
test gets a fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from connectors.base import RawFile, sha256
from connectors.files import read_folder
from test_connector_files import make_hetu

HETU = make_hetu("131052", "-", "308")  # built in code: no henkilötunnus in the repository
from osaava import landing, warehouse
from osaava.issues import Issue
from osaava.schema import ENTITIES

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_HELP = (
    "PostgreSQL does not answer at {url} ({error}). Start the local server with\n"
    "    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
    "or point OSAAVA_TEST_PG_URL at a PostgreSQL database the tests may create schemas in."
)

# One tiny export: data rows in the order of each entity's headers (DOMAIN §4). The blank line
# in the payroll file makes the source rows skip a number; empty cells exercise NULLs.
ROWS = {
    "organisation": [
        "1100;Hallinto;YH;Yleishallinto;Allmän förvaltning",
        "2100;Koulut;SIV;Sivistystoimi;",
    ],
    "employments": [
        "E001;1;1.1.2020;;1100;Sihteeri;vakinainen;toimistotyöaika;100;E;;N;1980",
        "E002;1;1.3.2021;31.12.2024;2100;Opettaja;määräaikainen;opetustyö;80,5;K;1.3.2021;M;1975",
    ],
    "payroll": [
        "E001;1;15.1.2024;1.1.2024;31.1.2024;1000;Peruspalkka;1100;150;3 200,50",
        "",
        "E001;1;15.1.2024;;;1200;Ylityö;;;-45,10",
        "E002;1;2024-02-15;1.2.2024;29.2.2024;4000;Kulukorvaus;2100;;",
    ],
    "absences": [
        "E001;1;SAI;5.2.2024;7.2.2024;3;22,5;palkallinen",
        "E002;1;kou;1.3.2024;1.3.2024;;;osittain",
    ],
    "trainings": [
        "P1;K10;E001;1;Excel-perusteet;Opisto;sisäinen;DIGI;;10.4.2024;10.4.2024;7,5;määrätty;100;"
        "250;;;;;1.3.2024;5.3.2024;esihenkilö;;suoritettu",
        "P2;;E002;1;Johtamisen polku;Yliopisto;ulkoinen;JOHT;2;1.9.2024;;40;palkallinen vapaa;50;"
        "1 200;80,40;300;;100;;;toimialajohtaja;12;keskeytetty",
    ],
    "discussions": [
        "T1;E001;E002;2024;käyty;12.2.2024",
        "T2;E002;;2024;ei käyty;",
    ],
    "needs": [
        "N1;T1;E001;DIGI;1;koulutus;31.12.2024",
        "N2;T1;E001;KIELI;;työssä oppiminen;",
    ],
}


def write_export(folder: Path, change: str = "") -> Path:
    """Write the tiny export; ``change`` is appended to the organisation file (other bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, entity in ENTITIES.items():
        lines = [";".join(entity.headers), *ROWS[name]]
        if name == "organisation" and change:
            lines.append(change)
        (folder / f"{entity.file}.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return folder


@pytest.fixture
def export(tmp_path):
    res = read_folder(write_export(tmp_path / "export"))
    assert not res.issues, [i.line() for i in res.issues]
    return res


def store(engine, res, **kw):
    args = dict(source="files", raw_files=res.raw, frames=res.frames, rows_read=res.rows_read,
                issues=res.issues, refused=res.refused)
    args.update(kw)
    return warehouse.store_batch(engine, **args)


# ---------------------------------------------------------------------------------------------
# Engines


def _pg_engine():
    import os

    url = os.environ.get("OSAAVA_TEST_PG_URL", PG_URL)
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    error = None
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as e:
        error = str(e.orig).strip().splitlines()[0]
    if error:
        pytest.fail(PG_HELP.format(url=url, error=error), pytrace=False)
    schema = f"osaava_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    engine = warehouse.engine_for(f"{url}{sep}options=-csearch_path%3D{schema}")

    def drop():
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

    return engine, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng, drop = warehouse.engine_for(f"sqlite:///{tmp_path / 'wh.db'}"), None
    else:
        eng, drop = _pg_engine()
    warehouse.migrate(eng)
    yield eng
    eng.dispose()
    if drop:
        drop()


def counts(engine) -> dict[str, int]:
    tables = {"batch": warehouse.batch, "batch_issue": warehouse.batch_issue,
              **{t.name: t for t in warehouse.TABLES.values()}}
    with engine.connect() as conn:
        return {n: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for n, t in tables.items()}


# ---------------------------------------------------------------------------------------------
# Schema


def test_migrated_schema_matches_metadata(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                 warehouse.metadata)
    assert diffs == []


def test_migrate_twice_is_harmless(engine):
    warehouse.migrate(engine)
    assert set(sa.inspect(engine).get_table_names()) >= {"batch", "batch_issue", "delivery",
                                                        *(f"wh_{e}" for e in ENTITIES)}


def test_tables_follow_the_schema():
    for name, entity in ENTITIES.items():
        cols = [c.name for c in warehouse.TABLES[name].columns]
        assert cols == ["batch_id", "source_row", *(c.name for c in entity.loaded_columns)]
        assert not any(c.kind == "text" and c.name in cols for c in entity.columns)


def test_engine_for_defaults_to_sqlite_under_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OSAAVA_DB_URL", raising=False)
    eng = warehouse.engine_for()
    assert eng.dialect.name == "sqlite" and Path(eng.url.database) == tmp_path / "var" / "osaava.db"
    assert (tmp_path / "var").is_dir()
    monkeypatch.setenv("OSAAVA_DB_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert Path(warehouse.engine_for().url.database) == tmp_path / "other.db"


# ---------------------------------------------------------------------------------------------
# Storing and reading batches


def test_roundtrip_gives_equal_frames(engine, export, monkeypatch):
    monkeypatch.setattr(warehouse, "CHUNK", 1)  # several executemany calls per table
    info = store(engine, export)
    assert info.new and info.status == "loaded"
    assert info.rows_read == info.rows_loaded == sum(export.rows_read.values()) == 15
    assert info.rows_quarantined == 0
    assert info.created_at.tzinfo is not None
    assert info.fingerprint == landing.fingerprint(rf.sha256 for rf in export.raw)
    assert sorted(f["sha256"] for f in info.files) == sorted(rf.sha256 for rf in export.raw)
    assert {f["entity"]: f["rows"] for f in info.files} == export.rows_read

    back = warehouse.load_frames(engine)
    assert back.keys() == export.frames.keys()
    for name, df in export.frames.items():
        pd.testing.assert_frame_equal(back[name], df, check_exact=True, obj=name)
    assert back["payroll"]["_row"].tolist() == [2, 4, 5]  # the blank line 3 is skipped
    pd.testing.assert_frame_equal(warehouse.load_frames(engine, info.id)["trainings"],
                                  export.frames["trainings"])


def test_payroll_slice_is_the_same_lines_as_filtering_the_whole_frame(engine, export):
    # issue 15: a report reads only the regular-pay lines of its year and the year before; the
    # database selects them, and they are exactly the rows (values, dtypes, order) that
    # filtering the full payroll frame gives, so the figures sum the same values in the same order.
    from osaava.figures import regular_wage_types
    from osaava.guideline import load_codes

    info = store(engine, export)
    assert warehouse.payroll_wage_types(engine, info.id) == ["1000", "1200", "4000"]
    assert warehouse.payroll_years(engine, info.id) == [2024]
    regular = regular_wage_types(load_codes(), warehouse.payroll_wage_types(engine, info.id))
    assert regular == ("1000",)
    full = warehouse.load_frames(engine, info.id)["payroll"]
    for years, types, want in [((2023, 2024), regular, [2]), ((2024, 2024), ("1000", "4000"), [2, 5]),
                               ((2025, 2026), regular, []), ((2023, 2024), (), [])]:
        got = warehouse.load_frames(engine, info.id, payroll=warehouse.PayrollSlice(years, types))
        expect = full[full["wage_type"].isin(types) & (full["pay_date"].dt.year >= years[0])
                      & (full["pay_date"].dt.year <= years[1])].reset_index(drop=True)
        assert got["payroll"]["_row"].tolist() == want
        pd.testing.assert_frame_equal(got["payroll"], expect, check_exact=True)
        for name, df in export.frames.items():  # every other entity whole
            if name != "payroll":
                pd.testing.assert_frame_equal(got[name], df, check_exact=True, obj=name)
        # the slice says what it is: the years of the whole payroll for the coverage check,
        # and the figures refuse a year whose lines it does not hold
        assert got["payroll"].attrs[warehouse.SLICE]["paid_in"] == [2024]
        from osaava.yearly import covered_years

        assert covered_years(got) == covered_years(export.frames) == [2024]
    from osaava.figures import compute
    from osaava.guideline import guideline_for_year

    part = warehouse.load_frames(engine, info.id, payroll=warehouse.PayrollSlice((2025, 2026), regular))
    with pytest.raises(ValueError, match="only the lines paid in 2025–2026"):
        compute(part, guideline_for_year(2024), load_codes(), 2024)


def test_same_batch_twice_changes_nothing(engine, export):
    first = store(engine, export)
    before = counts(engine)
    again = store(engine, export)
    assert (again.id, again.new, again.created_at) == (first.id, False, first.created_at)
    assert counts(engine) == before
    assert before["batch"] == 1 and before["wh_payroll"] == 3


def test_racing_store_of_the_same_bytes_returns_the_winner(engine, export, monkeypatch):
    first = store(engine, export)
    real, calls = warehouse._find, []

    def blind_once(conn, fp, status):  # the other run's batch is not visible yet
        calls.append(fp)
        return None if len(calls) == 1 else real(conn, fp, status)

    monkeypatch.setattr(warehouse, "_find", blind_once)
    before = counts(engine)
    again = store(engine, export)
    assert (again.id, again.new) == (first.id, False) and len(calls) == 2
    assert counts(engine) == before


def test_refused_batch_keeps_no_rows(engine, export, tmp_path):
    good = store(engine, export)
    bad = read_folder(write_export(tmp_path / "bad", change="3100;Nimi;XX;Toimiala;Sektor"))
    hetu = Issue("critical", "henkilotunnus", "henkilosto.csv", "a henkilötunnus was found",
                 "Remove it.", column="Nimike", rows=[2], examples=[HETU])
    refused = store(engine, bad, issues=[*bad.issues, hetu], refused=True)
    assert refused.new and refused.id != good.id and refused.status == "refused"
    assert refused.rows_loaded == 0
    assert refused.rows_quarantined == refused.rows_read == sum(bad.rows_read.values()) == 16
    assert refused.issues_critical == 1

    c = counts(engine)
    assert c["batch"] == 2 and c["batch_issue"] == 1
    assert sum(c[f"wh_{e}"] for e in ENTITIES) == good.rows_loaded
    with engine.connect() as conn:
        for t in warehouse.TABLES.values():
            assert conn.execute(sa.select(sa.func.count()).select_from(t)
                                .where(t.c.batch_id == refused.id)).scalar_one() == 0
        stored = conn.execute(sa.select(warehouse.batch_issue)).one()._asdict()
    assert HETU not in json.dumps(stored, default=str)  # examples are never stored
    assert stored["rows"] == [2] and stored["column"] == "Nimike"

    assert warehouse.latest_batch(engine).id == good.id
    assert warehouse.latest_batch(engine, status="refused").id == refused.id
    assert warehouse.latest_batch(engine, status=None).id == refused.id
    assert warehouse.latest_batch(engine, source="rest") is None
    with pytest.raises(LookupError):
        warehouse.load_frames(engine, refused.id)
    assert [i.code for i in warehouse.batch_issues(engine, refused.id)] == ["henkilotunnus"]
    # the same refused bytes again: nothing new
    assert store(engine, bad, issues=[hetu], refused=True).new is False
    assert counts(engine) == c


def test_collecting_good_files_again_makes_them_current(engine, export, tmp_path):
    """good A, then another good B, then a refused batch, then A's bytes again: the current
    (latest collected) loaded batch is A, and a report never picks the refused one."""
    a = store(engine, export)
    other = read_folder(write_export(tmp_path / "b", change="3999;Uusi;YH;Yleishallinto;Allmän förvaltning"))
    b = store(engine, other)
    assert b.new and warehouse.latest_batch(engine).id == b.id
    bad = read_folder(write_export(tmp_path / "bad", change="3100;Nimi;XX;Toimiala;Sektor"))
    refused = store(engine, bad, refused=True)
    assert warehouse.latest_batch(engine).id == b.id  # a refused batch blocks nothing
    assert warehouse.latest_batch(engine, status=None).id == refused.id
    again = store(engine, export)
    assert (again.id, again.new) == (a.id, False)
    assert warehouse.latest_batch(engine).id == a.id
    assert warehouse.latest_batch(engine, status=None).id == a.id


def test_failure_half_way_leaves_nothing(engine, export, monkeypatch):
    calls = []
    real = warehouse._insert_chunk

    def flaky(conn, table, rows):
        calls.append(table.name)
        if len(calls) == 4:
            raise RuntimeError("disk full")
        real(conn, table, rows)

    monkeypatch.setattr(warehouse, "CHUNK", 1)
    monkeypatch.setattr(warehouse, "_insert_chunk", flaky)
    warning = Issue("warning", "extra_column", "palkkarivit.csv", "extra", "Remove it.")
    with pytest.raises(RuntimeError, match="disk full"):
        store(engine, export, issues=[warning])
    assert len(calls) == 4
    assert set(counts(engine).values()) == {0}
    assert warehouse.latest_batch(engine, status=None) is None
    with pytest.raises(LookupError):
        warehouse.load_frames(engine)

    monkeypatch.setattr(warehouse, "_insert_chunk", real)  # and a retry then works
    assert store(engine, export, issues=[warning]).new


def test_reconciliation_read_equals_loaded_plus_quarantined(engine, export):
    frames = dict(export.frames)
    frames["payroll"] = frames["payroll"].iloc[:1]  # two payroll rows quarantined
    del frames["needs"]  # and both needs
    info = store(engine, export, frames=frames)
    assert info.rows_read == 15 and info.rows_loaded == 11 and info.rows_quarantined == 4
    assert info.rows_read == info.rows_loaded + info.rows_quarantined
    back = warehouse.load_frames(engine)
    assert len(back["payroll"]) == 1 and len(back["needs"]) == 0
    assert back["needs"].dtypes.equals(export.frames["needs"].dtypes)

    too_many = dict(export.frames, payroll=pd.concat([export.frames["payroll"]] * 2))
    with pytest.raises(ValueError, match="payroll"):
        store(engine, export, frames=too_many)


# ---------------------------------------------------------------------------------------------
# Landing


def test_landing_keeps_bytes_by_hash_and_is_idempotent(tmp_path, export):
    root = tmp_path / "landing"
    paths = landing.land(export.raw, root=root)
    assert [p.name for p in paths] == [rf.sha256 for rf in export.raw]
    for p, rf in zip(paths, export.raw):
        assert p.parent == root / "files"
        assert p.read_bytes() == rf.data and sha256(p.read_bytes()) == p.name
        meta = json.loads(p.with_name(p.name + ".json").read_text(encoding="utf-8"))
        assert meta["name"] == rf.name and meta["entity"] == rf.entity
        assert meta["sha256"] == rf.sha256 and meta["bytes"] == len(rf.data) and meta["landed_at"]

    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (root / "files").iterdir()}
    assert landing.land(export.raw, root=root) == paths
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (root / "files").iterdir()}
    assert after == before  # nothing rewritten, no temp files left behind
    assert len(before) == 2 * len(export.raw)


def test_landing_refuses_wrong_hash_and_odd_source(tmp_path):
    with pytest.raises(ValueError, match="hash"):
        landing.land([RawFile("payroll", "x.csv", b"abc", "0" * 64)], root=tmp_path)
    assert not any((tmp_path / "files").iterdir())
    with pytest.raises(ValueError, match="source"):
        landing.land([], root=tmp_path, source="../etc")


def test_quarantine_writes_validation_by_fingerprint(tmp_path, export):
    hashes = [rf.sha256 for rf in export.raw]
    issue = Issue("critical", "henkilotunnus", "henkilosto.csv", "found", "Remove it.",
                  rows=[2], examples=[HETU])
    path = landing.quarantine(tmp_path, "files", reversed(hashes),
                              {"success": False, "issues": [issue], "rows": {"payroll": 3}})
    assert path == tmp_path / "files" / "quarantine" / f"{landing.fingerprint(hashes)}.json"
    text = path.read_text(encoding="utf-8")
    assert HETU not in text
    doc = json.loads(text)
    assert doc["files"] == sorted(hashes)
    assert doc["validation"]["issues"][0]["code"] == "henkilotunnus"
    with pytest.raises(TypeError):
        landing.quarantine(tmp_path, "files", hashes, {"rows": export.frames["payroll"]})
