"""The `osaava` command line: the front door that starts the flows.

    osaava synth    --persons 600 --years 2024,2025 --seed 1 --out DIR [--encoding cp1252] [--xlsx]
    osaava validate --input DIR [--out DIR]
    osaava report   --input DIR --year 2025 --out OUT
    osaava demo

A user's mistake ends with one clear message and a non-zero exit code, never a traceback.
Exit codes: 0 done; 1 the data was refused (see the data-quality report); 2 wrong usage or
configuration.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import contextmanager
from pathlib import Path

for _k, _v in {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
}.items():
    os.environ.setdefault(_k, _v)

import logging  # noqa: E402

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402
from rich.table import Table  # noqa: E402

logging.getLogger("great_expectations").setLevel(logging.WARNING)

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="osaava: follow the training guideline from HR data to the committee.")
console = Console(stderr=False)
err = Console(stderr=True)


_LANG: list[str] = []  # the language of the command's output, chosen once per command


def _lang() -> str:
    """``--lang``, else OSAAVA_LANG, else the HR recipient's language in the recipients file,
    else Finnish."""
    if not _LANG:
        env = os.environ.get("OSAAVA_LANG", "").strip().lower()
        if env in ("fi", "sv"):
            _LANG.append(env)
        else:
            from osaava.recipients import hr_language

            _LANG.append(hr_language())
    return _LANG[0]


def _t() -> dict:
    """The command's texts in its language (osaava/locale/<lang>.yaml, ``cli``)."""
    from osaava.report.i18n import texts

    return texts(_lang())["cli"]


@app.callback()
def _main(lang: str | None = typer.Option(
        None, "--lang", help="language of the output: fi or sv (default: OSAAVA_LANG, else the HR "
                             "recipient's language in the recipients file, else fi)")) -> None:
    """osaava: follow the training guideline from HR data to the committee."""
    _LANG.clear()
    if lang is not None:
        if lang not in ("fi", "sv"):
            raise typer.BadParameter("use fi or sv", param_hint="--lang")
        _LANG.append(lang)


def _fail(message: str, code: int) -> None:
    err.print(f"[bold red]osaava:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _years(text: str) -> tuple[int, ...]:
    try:
        years = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
    except ValueError:
        raise typer.BadParameter("give years as numbers separated by commas, e.g. 2024,2025") from None
    if not years or any(y < 1990 or y > 2100 for y in years):
        raise typer.BadParameter("give years between 1990 and 2100, e.g. 2024,2025")
    return years


@app.command()
def synth(
    persons: int = typer.Option(600, min=1, help="number of persons"),
    years: str = typer.Option("2024,2025", help="years, comma-separated"),
    seed: int = typer.Option(1, help="random seed: the same seed gives the same files"),
    out: Path = typer.Option(..., help="folder to write the export into"),
    encoding: str = typer.Option("utf-8-sig", help="cp1252, utf-8-sig or utf-8"),
    xlsx: bool = typer.Option(False, help="write one XLSX workbook instead of CSV files"),
    payroll_lines_per_month: float | None = typer.Option(
        None, min=0, help="payroll lines per paid person-month (about 2 without it; a real payroll "
                          "has about 11: extra supplements that no figure counts)"),
) -> None:
    """Write a synthetic municipality as a generic Finnish HR export."""
    if encoding not in ("cp1252", "utf-8-sig", "utf-8"):
        raise typer.BadParameter("encoding must be cp1252, utf-8-sig or utf-8")
    from osaava.synth import generate, write_export

    with console.status(_t()["generating"].format(persons=persons)):
        frames = generate(persons, _years(years), seed, payroll_lines_per_month=payroll_lines_per_month)
        paths = write_export(frames, out, encoding=encoding, xlsx=xlsx)
    for p in paths:
        console.print(str(p), markup=False, highlight=False, soft_wrap=True)


def _read_and_validate(input_dir: Path):
    from connectors.files import read_folder
    from osaava.quality import validate_read

    res = read_folder(input_dir)
    return res, validate_read(res)


def _print_issues(issues, limit: int = 40) -> None:
    from osaava.report.i18n import texts

    lang = _lang()
    sev = texts(lang)["dq_report"]["severities"]
    width = max(len(v) for v in sev.values())
    for i in issues[:limit]:
        colour = "red" if i.severity == "critical" else "yellow"
        word = sev.get(i.severity, i.severity)
        console.print(f"[{colour}]{escape(word):{width}}[/] {escape(i.line(lang=lang))}", highlight=False,
                      soft_wrap=True)
    if len(issues) > limit:
        console.print(_t()["more_issues"].format(n=len(issues) - limit), markup=False, highlight=False)


def _copy_quality(batch: dict, out: Path) -> list[Path]:
    """The collect run's data-quality report (written beside the landing area) into
    OUT/hr-internal/ (it never leaves HR)."""
    import shutil

    from tasks.render import INTERNAL_DIR

    out = out / INTERNAL_DIR
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for src in batch.get("quality_report", {}).values():
        src = Path(src)
        if src.name == "index.html":
            shutil.copytree(src.parent, out / src.parent.name, dirs_exist_ok=True)
            copied.append(out / src.parent.name / src.name)
        else:
            copied.append(Path(shutil.copy2(src, out / src.name)))
    return copied


@app.command()
def validate(
    input: Path = typer.Option(..., "--input", help="the export folder"),
    out: Path | None = typer.Option(None, help="where to write the data-quality report"),
) -> None:
    """Validate an export folder: exit 0 when it can be loaded, 1 when it is refused."""
    from osaava.issues import critical

    t = _t()
    with console.status(t["validating"]):
        res, issues = _read_and_validate(input)
    refused = bool(critical(issues))
    _print_issues(issues)
    rows = sum(res.rows_read.values())
    if out is not None:
        from osaava.dq_report import write_quality_report

        for p in write_quality_report(res, issues, out, _lang()).values():
            console.print(t["dq_report"].format(path=p), markup=False, highlight=False, soft_wrap=True)
    if refused:
        console.print(f"[bold red]{t['refused']}[/]: "
                      + escape(t["refused_text"].format(critical=len(critical(issues)), rows=rows)),
                      highlight=False)
        raise typer.Exit(1)
    warn = len(issues)
    console.print(f"[bold green]{t['ok']}[/]: "
                  + escape(t["ok_warnings"].format(rows=rows, n=warn) if warn
                           else t["ok_text"].format(rows=rows)), highlight=False)


def _settings(db_url: str | None, var_dir: Path | None):
    from osaava.settings import Settings

    given = {"db_url": db_url, "var": var_dir.absolute() if var_dir is not None else None}
    return Settings(**{k: v for k, v in given.items() if v is not None})


@contextmanager
def _service(settings):
    """The flows of one command run with ``settings``. Without PREFECT_API_URL, Prefect's temporary
    server keeps its database in the installation's own Prefect home (under the var folder) and
    may take minutes to start on a busy machine; with it, that server is used."""
    from prefect.settings import (PREFECT_API_URL, PREFECT_HOME,
                                  PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings)

    from osaava.settings import use

    with use(settings):
        if PREFECT_API_URL.value():
            yield
            return
        home = settings.prefect_home_dir
        home.mkdir(parents=True, exist_ok=True)
        with temporary_settings({PREFECT_HOME: str(home),
                                 PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 600}):
            yield


def _collect(settings, sources: Path | None, input_dir: Path | None, out: Path | None) -> dict:
    """The collect flow on a sources file or an export folder; exits 1 when the batch was refused
    or a source could not be read."""
    from flows.collect import collect
    from flows.params import CollectParams
    from osaava.issues import Issue
    from tasks.extract import SourceFailed

    t = _t()
    if sources is not None and not sources.is_file():
        _fail(t["no_sources_file"].format(path=sources), 2)
    if sources is None and (input_dir is None or not input_dir.is_dir()):
        _fail(t["no_folder"].format(path=input_dir), 2)
    params = CollectParams(sources_file=str(sources.absolute()) if sources else None,
                           input_dir=str(input_dir.absolute()) if input_dir else None)
    with console.status(t["collecting"]):
        state = collect(params=params, return_state=True)
    batch = state.result(raise_on_failure=False)
    if isinstance(batch, SourceFailed):
        _fail(t["source_failed"].format(reason=batch), 1)
    if isinstance(batch, BaseException):
        raise batch
    _print_sources(batch)
    issues = [Issue(**i) for i in batch["issues"]]
    if batch["status"] != "loaded":
        _print_issues(issues)
        paths = _copy_quality(batch, out) if out else [Path(p) for p in batch["quality_report"].values()]
        for p in paths:
            console.print(t["dq_report_internal"].format(path=p), markup=False, highlight=False,
                          soft_wrap=True)
        _fail(t["batch_refused"].format(read=batch["rows_read"],
                                        quarantined=batch["rows_quarantined"]), 1)
    if issues:
        console.print(t["warnings_seen"].format(n=len(issues))
                      + (t["warnings_in"].format(folder=out / "hr-internal") if out else ""),
                      markup=False, highlight=False, soft_wrap=True)
    return batch


def _print_sources(batch: dict) -> None:
    if not batch.get("sources"):
        return
    t = _t()
    table = Table(title=escape(t["batch"].format(id=batch["batch_id"],
                                                 status=t["statuses"].get(batch["status"], batch["status"]))
                               + ("" if batch["new"] else t["batch_stored"])))
    for col, just in (("source", "left"), ("kind", "left"), ("rows", "right"), ("pages", "right"),
                      ("watermark", "left"), ("changed", "left")):
        table.add_column(t["source_columns"][col], justify=just)  # type: ignore[arg-type]
    for s in batch["sources"]:
        table.add_row(escape(s["name"]), t["kinds"].get(s["kind"], s["kind"]), str(sum(s["rows"].values())), str(s["pages"]),
                      escape(s["watermark"] or "–"), t["yes"] if s["changed"] else t["no"])
    console.print(table)


def _run(input_dir: Path | None, year: int, out: Path, db_url: str | None, var_dir: Path | None,
         sources: Path | None = None) -> dict:
    from osaava.guideline import ConfigError, guideline_for_year

    try:
        guideline_for_year(year)
    except ConfigError as e:
        _fail(str(e), 2)
    settings = _settings(db_url, var_dir)
    with _service(settings):
        return _report_in_service(settings, sources, input_dir, year, out)


def _report_in_service(settings, sources: Path | None, input_dir: Path | None, year: int,
                       out: Path) -> dict:
    from flows.annual_report import annual_report
    from flows.params import AnnualReportParams
    from tasks.figures import BatchRefused

    from tasks.figures import YearNotReportable

    batch = _collect(settings, sources, input_dir, out)
    with console.status(_t()["annual"].format(year=year)):
        try:
            result = annual_report(params=AnnualReportParams(year=year, out=str(out.absolute()),
                                                             dry_run=True))
        except (BatchRefused, YearNotReportable) as e:
            _fail(str(e), 1)
    draft = Path(result["folder"])
    result["paths"] = {k: str(out / Path(p).relative_to(draft)) for k, p in result["paths"].items()}
    import json

    result["organisation"] = json.loads(Path(result["paths"]["figures"]).read_text(
        encoding="utf-8"))["organisation"]
    dq = _copy_quality(batch, out)
    if dq:
        result["paths"]["data_quality"] = str(dq[0])
    result["batch"] = batch
    return result


def _summary(result: dict) -> None:
    from osaava.report import fmt, kind_of, texts

    lang = _lang()
    t = texts(lang)
    c = t["cli"]
    org = result["organisation"]
    table = Table(title=t["title"].format(year=result["year"]), show_lines=False)
    table.add_column(t["columns"]["figure"])
    table.add_column(t["columns"]["value"], justify="right")
    for key in ("persons_employed", "htv", "training_days", "training_days_per_htv",
                "direct_cost_eur", "total_cost_eur", "budget_use_pct", "share_trained_pct",
                "discussion_coverage_pct", "supervisor_compliance_pct", "application_compliance_pct"):
        table.add_row(t["figures"][key], fmt(org[key], lang, kind_of(key)))
    console.print(table)
    b = result["batch"]
    console.print(c["rows_line"].format(read=b["rows_read"], loaded=b["rows_loaded"],
                                        quarantined=b["rows_quarantined"]), markup=False,
                  highlight=False)
    for name, path in result["paths"].items():
        if not name.startswith("chart_"):
            who = c["public"] if Path(path).parent.name == "public" else c["internal"]
            console.print(f"{name:14} {path}  ({who})", markup=False, highlight=False, soft_wrap=True)


def _one_of(sources: Path | None, input_dir: Path | None) -> None:
    if (sources is None) == (input_dir is None):
        raise typer.BadParameter(_t()["either"])


@app.command()
def collect(
    sources: Path | None = typer.Option(None, "--sources", help="the sources file (YAML): which HR systems to pull"),
    input: Path | None = typer.Option(None, "--input", help="an export folder instead of a sources file"),
    out: Path | None = typer.Option(None, help="where to copy the data-quality report"),
    db: str | None = typer.Option(None, help="warehouse SQLAlchemy URL (default: sqlite <var>/osaava.db; env OSAAVA_DB_URL)"),
    var: Path | None = typer.Option(None, help="folder for the landing area and state (default: var; env OSAAVA_VAR)"),
) -> None:
    """Pull every configured source (or an export folder), validate, land and load the batch."""
    _one_of(sources, input)
    settings = _settings(db, var)
    with _service(settings):
        batch = _collect(settings, sources, input, out)
    if out is not None:
        for p in _copy_quality(batch, out):
            console.print(_t()["dq_report_internal"].format(path=p), markup=False, highlight=False,
                          soft_wrap=True)
    t = _t()
    console.print(t["batch"].format(id=batch["batch_id"],
                                    status=t["statuses"].get(batch["status"], batch["status"]))
                  + (t["batch_new"] if batch["new"] else t["batch_unchanged"])
                  + ". " + t["rows_line"].format(read=batch["rows_read"], loaded=batch["rows_loaded"],
                                                 quarantined=batch["rows_quarantined"]),
                  markup=False, highlight=False, soft_wrap=True)


@app.command()
def report(
    input: Path | None = typer.Option(None, "--input", help="the export folder"),
    sources: Path | None = typer.Option(None, "--sources", help="the sources file (YAML) instead of an export folder"),
    year: int = typer.Option(..., min=1990, max=2100, help="the report year"),
    out: Path = typer.Option(Path("out"), help="where to write the report files"),
    db: str | None = typer.Option(None, help="warehouse SQLAlchemy URL (default: sqlite <var>/osaava.db; env OSAAVA_DB_URL)"),
    var: Path | None = typer.Option(None, help="folder for the landing area and state (default: var; env OSAAVA_VAR)"),
) -> None:
    """Collect (a sources file or an export folder) and write the year's report."""
    _one_of(sources, input)
    result = _run(input, year, out, db, var, sources)
    _summary(result)


@app.command()
def demo(
    persons: int = typer.Option(600, min=10, help="size of the synthetic municipality"),
    out: Path = typer.Option(Path("out/demo"), help="where to write the report files"),
    seed: int = typer.Option(1, help="random seed"),
    systems: bool = typer.Option(False, "--systems", help="serve the municipality through the real "
                                 "protocols (REST API with OAuth2, payroll database, xAPI LRS) and "
                                 "collect through a sources file"),
) -> None:
    """Generate the synthetic municipality and run collect + annual report on it, on a temporary
    local Prefect server, for the last complete year."""
    from osaava.synth import generate, write_export

    year = dt.date.today().year - 1
    export = Path("var/demo-export")
    with console.status(_t()["generating_municipality"].format(persons=persons)):
        write_export(generate(persons, (year - 1, year), seed), export, encoding="cp1252")
    console.print(_t()["synthetic_export"].format(path=export), markup=False, highlight=False,
                  soft_wrap=True)
    if systems:
        result = _demo_systems(export, year, out)
    else:
        result = _run(export, year, out, None, None)
    _summary(result)


def _demo_systems(export: Path, year: int, out: Path) -> dict:
    """The synthetic export served by local systems and collected through a sources file."""
    import secrets as _secrets
    from contextlib import ExitStack

    import yaml

    from connectors.files import read_folder
    from osaava import synth_systems as sy

    frames = read_folder(export).frames
    folder = Path("var/demo-systems").absolute()
    folder.mkdir(parents=True, exist_ok=True)
    goals_secret, lrs_password = _secrets.token_urlsafe(24), _secrets.token_urlsafe(24)
    settings = _settings(None, None)
    with ExitStack() as stack:
        api = stack.enter_context(sy.GoalsApi(sy.api_items(frames), goals_secret))
        db_url = sy.write_payroll_db(frames, folder / "payroll.db")
        venvs = [Path(".venv-lrs").absolute(), Path(__file__).resolve().parents[1] / ".venv-lrs"]
        lrs = sy.Lrs(next((v for v in venvs if v.exists()), venvs[0]), folder / "lrs", lrs_password)
        moved = None
        if lrs.available:
            mask = sy.elearning_rows(frames["trainings"])
            moved = frames["trainings"][mask]
            with console.status(_t()["lrs_start"]):
                stack.enter_context(lrs)
                lrs.post(sy.statements(moved))
        else:
            console.print(_t()["no_lrs"], markup=False, highlight=False)
        sy.write_files(export, folder / "export", None if moved is None else moved["_row"].tolist())
        cfg = folder / "sources.yaml"
        cfg.write_text(yaml.safe_dump(sy.sources_config(api, db_url, lrs if moved is not None else None,
                                                        moved), allow_unicode=True, sort_keys=False),
                       encoding="utf-8")
        console.print(_t()["sources_file"].format(path=cfg), markup=False, highlight=False,
                      soft_wrap=True)
        with _service(settings):
            from prefect.blocks.system import Secret

            Secret(value=goals_secret).save("osaava-demo-goals", overwrite=True)
            Secret(value=lrs_password).save("osaava-demo-lrs", overwrite=True)
            return _report_in_service(settings, cfg, None, year, out)


@app.command("setup-blocks")
def setup_blocks(
    smtp_block: str = typer.Option("osaava-smtp", help="name of the EmailServerCredentials block"),
) -> None:
    """Create the Prefect blocks from environment variables: the SMTP relay
    (OSAAVA_SMTP_HOST, OSAAVA_SMTP_PORT, OSAAVA_SMTP_TYPE = SSL | STARTTLS | INSECURE,
    OSAAVA_SMTP_USERNAME, OSAAVA_SMTP_PASSWORD) and one Secret block per OSAAVA_SECRET_<NAME>
    (named osaava-<name>). Values are never printed."""
    from prefect.blocks.system import Secret
    from prefect_email import EmailServerCredentials

    host = os.environ.get("OSAAVA_SMTP_HOST")
    if not host:
        _fail("OSAAVA_SMTP_HOST is not set: give the SMTP relay's host name (and OSAAVA_SMTP_PORT, "
              "OSAAVA_SMTP_TYPE, OSAAVA_SMTP_USERNAME, OSAAVA_SMTP_PASSWORD as needed)", 2)
    smtp_type = os.environ.get("OSAAVA_SMTP_TYPE", "STARTTLS").upper()
    if smtp_type not in ("SSL", "STARTTLS", "INSECURE"):
        _fail("OSAAVA_SMTP_TYPE must be SSL, STARTTLS or INSECURE", 2)
    port = os.environ.get("OSAAVA_SMTP_PORT")
    EmailServerCredentials(
        smtp_server=host,
        smtp_type=smtp_type,
        smtp_port=int(port) if port else None,
        username=os.environ.get("OSAAVA_SMTP_USERNAME") or None,
        password=os.environ.get("OSAAVA_SMTP_PASSWORD", ""),
    ).save(smtp_block, overwrite=True)
    console.print(f"block {smtp_block}: EmailServerCredentials for {host} ({smtp_type})", markup=False, highlight=False)
    for key, value in sorted(os.environ.items()):
        if key.startswith("OSAAVA_SECRET_") and value:
            name = "osaava-" + key.removeprefix("OSAAVA_SECRET_").lower().replace("_", "-")
            Secret(value=value).save(name, overwrite=True)
            console.print(f"block {name}: Secret (value not shown)", markup=False, highlight=False)


def main() -> None:
    from osaava.guideline import ConfigError
    from osaava.privacy import private_umask

    private_umask()  # (flows/__init__ did so already) what osaava writes is private to its user

    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        err.print("interrupted")
        sys.exit(130)
    except ConfigError as e:
        err.print(f"[bold red]osaava:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except Exception as e:  # a bug, not the user's doing: a short message, the details in a file
        import traceback

        from osaava.issues import mask_hetu

        from osaava.settings import current

        log = current().var_dir / "osaava-error.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(mask_hetu(traceback.format_exc()), encoding="utf-8")
        error = f"{type(e).__name__}: {mask_hetu(str(e))[:300]}"
        try:
            text = _t()["internal_error"].format(error=error, log=log)
        except Exception:  # the texts themselves may be what failed
            text = (f"internal error ({error}). This is a fault of osaava, not of the data; the "
                    f"details are in {log}. Please send that file to IT.")
        err.print(f"[bold red]osaava:[/] {escape(text)}", highlight=False, soft_wrap=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
