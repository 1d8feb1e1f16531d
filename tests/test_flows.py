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
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "OSAAVA_HOME": str(tmp_path), "PREFECT_HOME": str(tmp_path / "prefect-home")}
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
    # issue 13: what the run wrote is private to its user, and the flow result is JSON
    written = [f for f in tmp_path.rglob("*") if "in" not in f.relative_to(tmp_path).parts]
    assert any(f.name == "figures.json" for f in written) and any(f.name == "wh.db" for f in written)
    for f in written:
        assert f.stat().st_mode & 0o077 == 0, (f, oct(f.stat().st_mode))
    results = [f for f in (tmp_path / "prefect-home").rglob("*") if f.is_file()
               and "storage" in f.parts]
    assert results, "the annual-report result is persisted"
    for f in results:
        data = f.read_bytes()
        assert not data.startswith(b"\x80") and b"pickle" not in data
        assert json.loads(data)["year"] == 2024  # the result itself, as JSON


def test_collect_of_an_unchanged_export_reads_nothing_and_makes_no_batch(tmp_path, run):
    """Issue 15: the second nightly collect hashes the files, finds the last loaded batch and
    stops: the same batch, every source 'no' under changed, nothing landed again."""
    src = small_city.write(tmp_path / "in")
    first = run("collect", "--input", str(src))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "(uusi)" in first.stdout  # the HR recipient of the example file reads Finnish
    landing = tmp_path / "var" / "landing"
    landed = sorted((p, p.stat().st_mtime_ns) for p in landing.rglob("*") if p.is_file())
    again = run("collect", "--input", str(src))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "(jo tallennettu: ei muutoksia)" in again.stdout
    assert "Erä 1: ladattu" in again.stdout
    assert "kyllä" not in again.stdout.split("muuttunut", 1)[1]
    assert sorted((p, p.stat().st_mtime_ns) for p in landing.rglob("*") if p.is_file()) == landed


def test_refused_batch_makes_no_report(tmp_path, run):
    src = small_city.write(tmp_path / "in")
    p = src / "henkilosto.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("10001;1;1.1.2020;", "10001;1;1.13.2020;"),
                 encoding="utf-8")
    out = tmp_path / "out"
    res = run("report", "--input", str(src), "--year", "2024", "--out", str(out))
    assert res.returncode == 1
    shown = res.stdout + res.stderr
    assert "henkilosto.csv, rivi 2, sarake Alkupvm: arvo ei ole kelvollinen päivämäärä" in shown, shown
    assert "Kirjoita päivämäärät muodossa p.k.vvvv" in shown
    assert "tarkistus hylkäsi erän" in shown
    assert "Traceback" not in (res.stdout + res.stderr)
    assert not (out / "hr-internal" / "figures.json").exists() and not (out / "public").exists()


def test_year_without_guideline_is_a_clear_error(tmp_path, run):
    src = small_city.write(tmp_path / "in")
    res = run("report", "--input", str(src), "--year", "2010", "--out", str(tmp_path / "o"))
    assert res.returncode == 2
    assert "no guideline version is in force on 31.12.2010" in (res.stdout + res.stderr)


def _plant_csv(src: Path, hetu: str, wrong: str) -> list[str]:
    """A henkilötunnus in a free-text column, one with a wrong check character in a row of the
    wrong width (the fields beyond the header's width were once dropped unscanned)."""
    p = src / "koulutukset.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(";Tiedonhallinta;", f";Tiedonhallinta {hetu};"),
                 encoding="utf-8")
    p = src / "poissaolot.csv"
    p.write_text(p.read_text(encoding="utf-8") + f"10001;1;SAI;;;;;palkallinen;;{wrong}\n",
                 encoding="utf-8")
    return ["koulutukset.csv", "Koulutuksen nimi", "poissaolot.csv"]


def _plant_xlsx(src: Path, hetu: str, wrong: str) -> list[str]:
    """A workbook named with a henkilötunnus, another in a cell comment and in the properties."""
    import openpyxl
    from openpyxl.comments import Comment

    path = small_city.write_xlsx(src)
    wb = openpyxl.load_workbook(path)
    wb["henkilosto"]["A2"].comment = Comment(f"tarkista {wrong}", "HR")
    wb.properties.subject = wrong
    wb.save(src / f"vienti-{hetu}.xlsx")
    path.unlink()
    return ["vienti-" + "█" * len(hetu) + ".xlsx"]


@pytest.mark.parametrize("plant", [_plant_csv, _plant_xlsx], ids=["csv", "xlsx"])
def test_henkilotunnus_is_never_stored_logged_or_shown(tmp_path, run, plant):
    """Every file the run wrote — outputs, landing, quarantine, warehouse, error log, the Prefect
    home (results, logs) and the Prefect server's database — is free of the planted values."""
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL
    from test_connector_files import make_hetu

    hetu = make_hetu("241299", "-", "987")
    wrong = make_hetu("050590", "-", "555")[:-1] + "Q"  # Q is never a check character
    src = tmp_path / "in"
    if plant is _plant_csv:
        small_city.write(src)
    expected = plant(src, hetu, wrong)
    out = tmp_path / "out"
    res = run("report", "--input", str(src), "--year", "2024", "--out", str(out))
    shown = res.stdout + res.stderr
    assert res.returncode == 1, shown
    assert "henkilötunnuksen muotoinen arvo" in shown and "Traceback" not in shown
    for text in expected:
        assert text in shown, text
    planted = [v.encode() for v in (hetu, wrong, hetu.lower(), wrong.lower())]
    assert not any(v.decode() in shown for v in planted)
    landed = [f for f in (tmp_path / "var" / "landing").rglob("*") if f.is_file()]
    assert landed and all(f.parent.name == "quarantine" for f in landed), landed
    stored = [f for f in tmp_path.rglob("*") if f.is_file() and "in" not in f.relative_to(tmp_path).parts]
    db = PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split("///", 1)[-1]
    stored += [Path(db + s) for s in ("", "-wal", "-journal") if Path(db + s).exists()]
    assert any(f.name.endswith(".json") and f.parent.name == "quarantine" for f in stored)
    for f in stored:
        data = f.read_bytes()
        for v in planted:
            assert v not in data, (f, v)


def test_demo_through_the_systems_gives_the_figures_of_the_file_demo(tmp_path, prefect_api):
    """`osaava demo --systems`: the synthetic municipality served by a local REST API (OAuth2),
    a SQLite payroll database with views and the LRS, collected through a sources file, gives
    exactly the figures of `osaava demo` on the export files."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "COLUMNS": "200", "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("OSAAVA_VAR", None)
    env.pop("OSAAVA_DB_URL", None)
    exe = Path(sys.executable).with_name("osaava")
    docs = {}
    for name, extra in (("files", []), ("systems", ["--systems"])):
        res = subprocess.run([str(exe), "demo", "--persons", "80", "--out", str(tmp_path / name), *extra],
                             capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
        assert res.returncode == 0, res.stdout + res.stderr
        docs[name] = _figures(tmp_path / name)
        if extra:
            out = res.stdout
            for source in ("export", "goals", "payroll", "elearning"):
                assert f"│ {source}" in out, out
    # the same figures; sums over rows in another order may differ in the last bits
    assert _same(docs["systems"][0], docs["files"][0])
    kinds = {i["file"].split("-page-")[0] for i in docs["systems"][1]}
    assert {"goals", "elearning"} <= kinds and "payroll-henkilosto.csv" in kinds


def _same(a, b, path="") -> bool:
    """Equal, floats to 1e-12 relative (the order of summation is not the same)."""
    import math

    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), (path, a.keys() ^ b.keys())
        return all(_same(a[k], b[k], f"{path}/{k}") for k in a)
    if isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), path
        return all(_same(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b)))
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9), (path, a, b)
        return True
    assert a == b, (path, a, b)
    return True


def test_two_commands_at_once_each_start_their_temporary_server(tmp_path):
    """Without PREFECT_API_URL each command starts Prefect's temporary server in the
    installation's own Prefect home (var/prefect) and waits for it long enough: two collects
    started together on one installation both succeed, and the batch is stored once."""
    export = small_city.write(tmp_path / "export")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "OSAAVA_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="200")
    exe = Path(sys.executable).with_name("osaava")
    procs = [subprocess.Popen([str(exe), "collect", "--input", str(export)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted("(uusi)" in o for o in outs) == [False, True], outs
    assert (tmp_path / "var" / "prefect").is_dir() and (tmp_path / "var" / "osaava.db").is_file()
