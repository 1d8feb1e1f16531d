"""The flows through the `osaava` command, on one real (temporary) Prefect server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import small_city


@pytest.fixture(scope="module")
def prefect_api():
    """One temporary Prefect server for the module; the commands run against it."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture()
def run(tmp_path, prefect_api):
    """`osaava …` as a person runs it: a separate process, its output as they see it."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "COLUMNS": "200",
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    db = f"sqlite:///{tmp_path / 'wh.db'}"
    exe = Path(sys.executable).with_name("osaava")

    def go(*args):
        return subprocess.run([str(exe), *args, "--db", db, "--var", str(tmp_path / "var")],
                              capture_output=True, text=True, env=env, timeout=600)

    return go


def _figures(path):
    doc = json.loads((path / "hr-internal" / "figures.json").read_text(encoding="utf-8"))
    inputs = doc.pop("inputs")
    return doc, inputs


def test_same_figures_from_cp1252_bom_and_xlsx(tmp_path, run):
    docs = []
    for kind in ("cp1252", "utf-8-sig", "xlsx"):
        src = tmp_path / f"in-{kind}"
        if kind == "xlsx":
            small_city.write_xlsx(src)
        else:
            small_city.write(src, encoding=kind)
        out = tmp_path / f"out-{kind}"
        res = run("report", "--input", str(src), "--year", "2024", "--out", str(out))
        assert res.returncode == 0, (res.stdout + res.stderr)
        assert "figures.json" in (res.stdout + res.stderr) and "summary-fi.html" in (res.stdout + res.stderr)
        docs.append(_figures(out))
    assert docs[0][0] == docs[1][0] == docs[2][0]  # the figures are identical
    hashes = [sorted(i["sha256"] for i in d[1]) for d in docs]
    assert hashes[0] != hashes[1] != hashes[2]  # only the input hashes differ
    org = docs[0][0]["organisation"]
    assert org["persons_employed"] == 8 and org["direct_cost_eur"] == 8720
    assert docs[0][0]["guideline"]["version"] == "2024.1"


def test_rerun_is_byte_identical_and_loads_nothing_new(tmp_path, run):
    src = small_city.write(tmp_path / "in")
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("report", "--input", str(src), "--year", "2024", "--out", str(a)).returncode == 0
    res = run("report", "--input", str(src), "--year", "2024", "--out", str(b))
    assert res.returncode == 0
    assert (a / "hr-internal" / "figures.json").read_bytes() == (b / "hr-internal" / "figures.json").read_bytes()
    # the public files too: the same inputs give the same bytes
    for name in ("report-fi.xlsx", "report-sv.pdf", "summary-fi.html"):
        assert (a / "public" / name).read_bytes() == (b / "public" / name).read_bytes(), name


def test_refused_batch_makes_no_report(tmp_path, run):
    src = small_city.write(tmp_path / "in")
    p = src / "henkilosto.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("10001;1;1.1.2020;", "10001;1;1.13.2020;"),
                 encoding="utf-8")
    out = tmp_path / "out"
    res = run("report", "--input", str(src), "--year", "2024", "--out", str(out))
    assert res.returncode == 1
    assert "henkilosto.csv" in (res.stdout + res.stderr) and "row 2" in (res.stdout + res.stderr) and "Alkupvm" in (res.stdout + res.stderr)
    assert "Traceback" not in (res.stdout + res.stderr)
    assert not (out / "hr-internal" / "figures.json").exists() and not (out / "public").exists()


def test_year_without_guideline_is_a_clear_error(tmp_path, run):
    src = small_city.write(tmp_path / "in")
    res = run("report", "--input", str(src), "--year", "2010", "--out", str(tmp_path / "o"))
    assert res.returncode == 2
    assert "no guideline version is in force on 31.12.2010" in (res.stdout + res.stderr)


def test_henkilotunnus_is_never_stored_logged_or_shown(tmp_path, run):
    from test_connector_files import make_hetu

    hetu = make_hetu("241299", "-", "987")
    src = small_city.write(tmp_path / "in")
    p = src / "koulutukset.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(";Tiedonhallinta;", f";Tiedonhallinta {hetu};"),
                 encoding="utf-8")
    out = tmp_path / "out"
    res = run("report", "--input", str(src), "--year", "2024", "--out", str(out))
    assert res.returncode == 1
    assert "koulutukset.csv" in res.stdout and "Koulutuksen nimi" in res.stdout
    assert hetu not in res.stdout + res.stderr
    stored = [f for f in tmp_path.rglob("*") if f.is_file() and f != p and "in" not in f.parts]
    assert stored, "the quarantine record and the data-quality report are written"
    for f in stored:
        assert hetu.encode() not in f.read_bytes(), f
