"""Issue 13: hostile files and users cannot hurt. What the bad-input corpus (tests/bad_inputs.py)
cannot show as one export folder: timings, file modes, the command line, the JSON limits, the run
parameters and an authenticated Prefect server."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from bad_inputs import HETU, VALID, csv_text, headers, write_valid, write_xlsx
from connectors.files import Limits, read_folder

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# ---------------------------------------------------------------------------------------------
# Resources: each case finishes in seconds


def test_duplicate_header_check_is_linear(tmp_path):
    """100 000 columns took 263 s with the quadratic check."""
    folder = write_valid(tmp_path / "x")
    n = 100_000
    (folder / "organisaatio.csv").write_text(
        ";".join(headers("organisaatio") + ["Huom"] * n) + "\n", encoding="utf-8")
    t0 = time.monotonic()
    res = read_folder(folder, Limits(columns=n + 10))
    assert time.monotonic() - t0 < 10
    dup = [i for i in res.issues if i.code == "duplicate_column"]
    assert dup and dup[0].column == "huom"
    t0 = time.monotonic()
    res = read_folder(folder)  # the default limit refuses it before any header check
    assert time.monotonic() - t0 < 5
    [issue] = [i for i in res.issues if i.code == "too_many_columns"]
    assert issue.file == "organisaatio.csv" and issue.rows == [1]
    assert "500" in issue.line() and "columns" in issue.line()


def test_xlsx_rows_are_not_padded_to_the_dimension(tmp_path):
    """One cell at XFD1048576 would take about 35 minutes when rows are padded to the sheet's
    dimension; read sparsely it is one row of one value."""
    def far(wb):
        wb["koulutukset"]["XFD1048576"] = "x"

    write_xlsx(tmp_path / "x", edit=far)
    t0 = time.monotonic()
    res = read_folder(tmp_path / "x", Limits(columns=20_000))
    assert time.monotonic() - t0 < 10
    [issue] = [i for i in res.issues if i.code == "field_count"]
    assert issue.rows == [1048576]
    assert res.rows_read["trainings"] == len(VALID["koulutukset"]) + 1


@pytest.mark.parametrize("quoted", [False, True])
def test_wrong_width_rows_are_counted_once(tmp_path, quoted):
    folder = write_valid(tmp_path / "x")
    rows = [list(r) for r in VALID["koulutustarpeet"]]
    rows[1] = rows[1][:3]
    text = csv_text("koulutustarpeet", rows)
    if quoted:
        text = text.replace("N1;", '"N1";')
    (folder / "koulutustarpeet.csv").write_text(text, encoding="utf-8")
    res = read_folder(folder)
    assert res.rows_read["needs"] == len(VALID["koulutustarpeet"])
    [issue] = [i for i in res.issues if i.code == "field_count"]
    assert issue.rows == [3] and issue.count == 1


# ---------------------------------------------------------------------------------------------
# The workbook scan


@pytest.mark.parametrize("xml", [
    # a rich-text cell: the value split in runs
    "<sst><si><r><t>{a}</t></r><r><rPr><b/></rPr><t>{b}</t></r></si></sst>",
    # character references
    "<sst><si><t>{ref}</t></si></sst>",
    # an attribute (a hyperlink target, a sheet name)
    "<Relationships><Relationship Target='http://x/{a}{b}'/></Relationships>",
    # text after a child element (mixed content, as in legacy VML)
    "<xml><div><font>x</font>{a}{b}</div></xml>",
])
def test_workbook_parts_are_read_as_text(xml):
    from connectors.files import _part_has_hetu

    a, b = HETU[:6], HETU[6:]
    ref = "".join(f"&#{ord(c)};" for c in HETU)
    assert _part_has_hetu("xl/part.xml", xml.format(a=a, b=b, ref=ref).encode())
    assert not _part_has_hetu("xl/part.xml", xml.format(a="P001", b="", ref="P001").encode())


def test_a_broken_vml_part_is_still_scanned():
    from connectors.files import _part_has_hetu

    vml = f"<xml><v:shape><x:ClientData><br>{HETU}</x:ClientData></xml>".encode()
    assert _part_has_hetu("xl/drawings/vmlDrawing1.vml", vml)


def test_refused_batch_is_never_landed(tmp_path):
    from bad_inputs import _extra_fields
    from osaava.loading import land_and_store as load_read
    from osaava.quality import validate_read

    folder = tmp_path / "x"
    _extra_fields("koulutukset", 3, ["", HETU])(folder)
    res = read_folder(folder)
    issues = validate_read(res)
    info = load_read(res, issues, f"sqlite:///{tmp_path / 'wh.db'}", str(tmp_path / "var"))
    assert info.status != "loaded"
    landed = [p for p in (tmp_path / "var" / "landing").rglob("*") if p.is_file()]
    assert [p.parent.name for p in landed] == ["quarantine"]
    for p in [*landed, tmp_path / "wh.db"]:
        assert HETU.encode() not in p.read_bytes()


# ---------------------------------------------------------------------------------------------
# JSON from the REST API and the LRS


def test_deep_json_is_a_clear_error_not_recursion():
    from osaava import jsonlimits

    deep = "[" * 200_000 + "]" * 200_000
    t0 = time.monotonic()
    with pytest.raises(jsonlimits.JsonTooDeep, match="200000 levels deep"):
        jsonlimits.loads(deep)
    assert time.monotonic() - t0 < 5
    assert jsonlimits.json_depth('{"a": "[[[[", "b": [{"c": "\\"]]"}]}') == 3
    assert jsonlimits.loads('{"items": [{"id": 1}]}') == {"items": [{"id": 1}]}


@pytest.fixture()
def http_server():
    bodies: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = bodies[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    server.shutdown()
    server.server_close()


def test_rest_answers_are_bounded(http_server, monkeypatch):
    from connectors.rest import FetchError, Http
    from osaava import jsonlimits
    from osaava.sources import HttpOptions

    url, bodies = http_server
    bodies["/deep"] = b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    bodies["/big"] = b'{"items": [' + b",".join([b'{"id": 1}'] * 20_000) + b"]}"
    bodies["/ok"] = b'{"items": []}'
    http = Http(HttpOptions(max_tries=1), sleep=lambda s: None)
    with pytest.raises(FetchError, match="nests 100001 levels deep"):
        http.request("GET", f"{url}/deep", "page 1")
    monkeypatch.setattr(jsonlimits, "MAX_BODY_BYTES", 100_000)
    with pytest.raises(FetchError, match="larger than the limit"):
        http.request("GET", f"{url}/big", "page 1")
    assert http.request("GET", f"{url}/ok", "page 1")[2] == {"items": []}


# ---------------------------------------------------------------------------------------------
# Private files


def test_entry_points_set_a_private_umask(tmp_path):
    code = ("import os, flows; open('f', 'w').close(); os.mkdir('d'); "
            "from flows.cli import main; print(oct(os.umask(0o077)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0o77"
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o700


def test_sqlite_warehouse_is_0600_whatever_the_umask(tmp_path):
    from osaava import warehouse

    db = tmp_path / "wh.db"
    db.write_bytes(b"")
    db.chmod(0o644)
    old = os.umask(0o022)
    try:
        engine = warehouse.engine_for(f"sqlite:///{db}")
        warehouse.migrate(engine)
        engine.dispose()
        fresh = tmp_path / "new.db"
        warehouse.engine_for(f"sqlite:///{fresh}").dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_annual_report_result_is_json_not_pickle():
    from prefect.serializers import JSONSerializer

    from flows.annual_report import annual_report

    assert isinstance(annual_report.result_serializer, JSONSerializer) or \
        annual_report.result_serializer == "json"


# ---------------------------------------------------------------------------------------------
# Text from the data never reaches a markup interpreter


def test_rich_markup_in_a_header_is_printed_as_text(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    folder = write_valid(tmp_path / "x")
    rows = [r + ["x", "y"] for r in VALID["koulutukset"]]
    (folder / "koulutukset.csv").write_text(
        csv_text("koulutukset", rows, headers("koulutukset") + ["[/bogus]", "[bold]x[/bold]"]),
        encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", "--input", str(folder)])
    assert res.exit_code == 0, res.output
    assert "[/bogus]" in res.output and "[bold]x[/bold]" in res.output
    assert "Traceback" not in res.output


def test_crash_handler_survives_markup_in_the_message(tmp_path, monkeypatch):
    import flows.cli as cli

    def boom(**_kw):
        raise RuntimeError(f"[/bogus] {HETU}")

    monkeypatch.setattr(cli, "app", boom)
    monkeypatch.setenv("OSAAVA_VAR", str(tmp_path))
    with pytest.raises(SystemExit) as e:
        cli.main()
    assert e.value.code == 3
    log = (tmp_path / "osaava-error.log").read_text(encoding="utf-8")
    assert "[/bogus]" in log and HETU not in log


def test_chart_text_is_not_mathtext():
    import matplotlib

    from osaava.report.charts import RC

    assert RC["text.parse_math"] is False
    with matplotlib.rc_context(RC):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure()
        FigureCanvasAgg(fig)
        fig.suptitle(r"$\frac{1}{0}$ $\undefinedcommand$")
        fig.canvas.draw()  # would raise with math parsing on


# ---------------------------------------------------------------------------------------------
# Run parameters stay inside the installation's home


def test_paths_outside_the_home_are_refused(tmp_path, monkeypatch):
    from pydantic import ValidationError

    from flows.params import AnnualReportParams, CollectParams, FollowUpParams

    home = tmp_path / "home"
    (home / "out").mkdir(parents=True)
    (home / "escape").symlink_to("/etc")
    monkeypatch.setenv("OSAAVA_HOME", str(home))
    monkeypatch.delenv("OSAAVA_ALLOWED_PATHS", raising=False)
    monkeypatch.chdir(home)
    assert AnnualReportParams(out=str(home / "out")).out == str(home / "out")
    assert AnnualReportParams(out="out/2025").out == "out/2025"
    assert CollectParams(input_dir="var/export").input_dir == "var/export"
    for model, field, value in [(AnnualReportParams, "out", "/etc"),
                                (AnnualReportParams, "out", "../elsewhere"),
                                (AnnualReportParams, "out", "escape/cron.d"),
                                (CollectParams, "input_dir", "/root"),
                                (FollowUpParams, "out", str(tmp_path))]:
        with pytest.raises(ValidationError, match="outside the installation's home"):
            model(**{field: value})
    drop = tmp_path / "hr-drop"
    monkeypatch.setenv("OSAAVA_ALLOWED_PATHS", str(drop))
    assert CollectParams(input_dir=str(drop / "2025")).input_dir == str(drop / "2025")
    # the Prefect UI form sends JSON: the same validators run
    with pytest.raises(ValidationError):
        CollectParams.model_validate({"input_dir": "/etc"})


# ---------------------------------------------------------------------------------------------
# The Prefect server of the production set-up refuses unauthenticated requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unauthenticated_request_to_protected_prefect_server_is_refused(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"),
           "PREFECT_SERVER_API_AUTH_STRING": "osaava-admin:test-only-pass",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, cwd=tmp_path, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{api}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(1)
        else:
            pytest.fail("the Prefect server did not start:\n" + (tmp_path / "server.log").read_text())
        secrets = {"include_secrets": True}
        r = requests.post(f"{api}/block_documents/filter", json=secrets, timeout=30)
        assert r.status_code == 401
        r = requests.post(f"{api}/block_documents/filter", json=secrets, timeout=30,
                          auth=("osaava-admin", "wrong"))
        assert r.status_code == 401
        r = requests.post(f"{api}/deployments/filter", json={}, timeout=30)
        assert r.status_code == 401
        r = requests.post(f"{api}/block_documents/filter", json=secrets, timeout=30,
                          auth=("osaava-admin", "test-only-pass"))
        assert r.status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_command_output_in_finnish_and_swedish(tmp_path, monkeypatch):
    """The command speaks HR's language (issue 14): --lang, else OSAAVA_LANG, else the HR
    recipient's language; a bad input's line names file, row and column in that language."""
    from typer.testing import CliRunner

    from flows.cli import app

    folder = write_valid(tmp_path / "x")
    p = folder / "henkilosto.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(";")
    cells[2] = "31.2.2024"  # Alkupvm of the first row: no such date
    lines[1] = ";".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.delenv("OSAAVA_LANG", raising=False)
    expect = {
        "fi": ("henkilosto.csv, rivi 2, sarake Alkupvm: arvo ei ole kelvollinen päivämäärä",
               "Kirjoita päivämäärät muodossa p.k.vvvv", "kriittinen", "HYLÄTTY"),
        "sv": ("henkilosto.csv, rad 2, kolumn Alkupvm: värdet är inte ett giltigt datum",
               "Skriv datum i formen d.m.åååå", "kritiskt", "AVVISAT"),
    }
    for lang, words in expect.items():
        res = CliRunner().invoke(app, ["--lang", lang, "validate", "--input", str(folder)],
                                 env={"COLUMNS": "300"})
        assert res.exit_code == 1, res.output
        out = " ".join(res.output.split())
        for w in words:
            assert w in out, (lang, w, out)
        assert "row 2" not in out and "critical" not in out
    monkeypatch.setenv("OSAAVA_LANG", "sv")
    res = CliRunner().invoke(app, ["validate", "--input", str(folder)], env={"COLUMNS": "300"})
    assert "AVVISAT" in res.output
    res = CliRunner().invoke(app, ["--lang", "en", "validate", "--input", str(folder)])
    assert res.exit_code == 2
