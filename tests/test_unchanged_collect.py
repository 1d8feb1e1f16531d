"""The nightly collect of an export that did not change (issue 15): the files are hashed
(streamed sha256) and compared with the state saved after the last loaded batch; when they match
and the warehouse holds that batch, nothing is parsed, validated or landed and no batch is made.
Anything in doubt (a changed byte, a link, a missing file, another warehouse) reads in full."""

from __future__ import annotations

import textwrap

import pytest

import small_city
from connectors import files as files_mod
from connectors.merge import merge_sources, plan_collect, read_source, unchanged_sources
from osaava import warehouse
from osaava.loading import land_and_store, recollect_unchanged


def _collect_in_full(plan, db_url, var):
    """The collect's full path without Prefect: read every source, store, save the states."""
    res = merge_sources(plan, [read_source(plan, s.name, None) for s in plan.config.sources])
    assert not res.issues, [i.line() for i in res.issues]
    info = land_and_store(res, [], db_url, var, "files")
    assert info.status == "loaded"
    res.commit()
    return res, info


@pytest.fixture
def loaded(tmp_path):
    export = small_city.write(tmp_path / "export")
    var = tmp_path / "var"
    db_url = f"sqlite:///{tmp_path / 'wh.db'}"
    warehouse.migrate(warehouse.engine_for(db_url))
    plan = plan_collect(None, var_dir=var, input_dir=export)
    assert unchanged_sources(plan) is None  # nothing saved yet: read in full
    res, info = _collect_in_full(plan, db_url, var)
    return export, var, db_url, plan, res, info


def test_unchanged_export_is_not_read_again_and_makes_no_batch(loaded, monkeypatch):
    export, var, db_url, plan, res, info = loaded
    before = warehouse.latest_batch(warehouse.Warehouse.open(db_url).engine)

    def no_parsing(*a, **k):
        raise AssertionError("an unchanged export must not be parsed")

    monkeypatch.setattr(files_mod, "read_folder", no_parsing)
    monkeypatch.setattr(files_mod, "_grid_from_csv", no_parsing)
    found = unchanged_sources(plan)
    assert found is not None
    outcomes, per_source = found
    # the same hashes as the raw files of the full read
    assert sorted(h for hs in per_source for h in hs) == sorted(r.sha256 for r in res.raw)
    batch = recollect_unchanged(found, db_url, var)
    assert batch["batch_id"] == info.id and batch["status"] == "loaded"
    assert batch["new"] is False and batch["changed"] is False and batch["unchanged"] is True
    assert [s["changed"] for s in batch["sources"]] == [False]
    assert batch["sources"][0]["rows"] == res.rows_read  # the rows its files gave when loaded
    assert batch["rows_loaded"] == info.rows_loaded
    engine = warehouse.Warehouse.open(db_url).engine
    with engine.connect() as conn:
        n = conn.execute(warehouse.sa.select(warehouse.sa.func.count()).select_from(warehouse.batch)).scalar_one()
    assert n == 1
    after = warehouse.latest_batch(engine)
    assert after.id == before.id


def test_a_changed_byte_reads_in_full(loaded):
    export, var, db_url, plan, res, info = loaded
    p = export / "koulutustarpeet.csv"
    p.write_bytes(p.read_bytes().replace(b"31.12.2024", b"30.12.2024", 1))
    assert unchanged_sources(plan) is None


def test_a_link_or_a_missing_file_reads_in_full(loaded):
    export, var, db_url, plan, res, info = loaded
    p = export / "poissaolot.csv"
    data = p.read_bytes()
    moved = export.parent / "elsewhere.csv"
    moved.write_bytes(data)
    p.unlink()
    assert unchanged_sources(plan) is None  # missing
    p.symlink_to(moved)
    assert unchanged_sources(plan) is None  # a link with the very same bytes: never followed
    p.unlink()
    p.write_bytes(data)
    assert unchanged_sources(plan) is not None


def test_another_warehouse_without_that_batch_reads_in_full(loaded, tmp_path):
    export, var, db_url, plan, res, info = loaded
    other = f"sqlite:///{tmp_path / 'other.db'}"
    warehouse.migrate(warehouse.engine_for(other))
    found = unchanged_sources(plan)
    assert found is not None and recollect_unchanged(found, other, var) is None


def test_a_files_source_serving_some_entities_hashes_only_those(tmp_path):
    small_city.write(tmp_path / "export")
    (tmp_path / "s.yaml").write_text(textwrap.dedent("""\
        sources:
          - {name: export, kind: files, location: export}
        """), encoding="utf-8")
    var = tmp_path / "var"
    db_url = f"sqlite:///{tmp_path / 'wh.db'}"
    warehouse.migrate(warehouse.engine_for(db_url))
    plan = plan_collect(tmp_path / "s.yaml", var_dir=var)
    res, info = _collect_in_full(plan, db_url, var)
    # a file the export does not serve is not part of the fingerprint: adding one changes nothing
    (tmp_path / "export" / "muistiinpanot.txt").write_text("x", encoding="utf-8")
    found = unchanged_sources(plan)
    assert found is not None and recollect_unchanged(found, db_url, var)["batch_id"] == info.id
