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

    with console.status(f"Generating {persons} persons…"):
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
    for i in issues[:limit]:
        colour = "red" if i.severity == "critical" else "yellow"
        console.print(f"[{colour}]{i.severity:8}[/] {escape(i.line())}", highlight=False, soft_wrap=True)
    if len(issues) > limit:
        console.print(f"… and {len(issues) - limit} more: see the data-quality report")


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

    with console.status("Validating…"):
        res, issues = _read_and_validate(input)
    refused = bool(critical(issues))
    _print_issues(issues)
    rows = sum(res.rows_read.values())
    if out is not None:
        from osaava.dq_report import write_quality_report

        for p in write_quality_report(res, issues, out).values():
            console.print(f"data-quality report: {p}", markup=False, highlight=False, soft_wrap=True)
    if refused:
        console.print(f"[bold red]REFUSED[/]: {len(critical(issues))} critical problem(s) in "
                      f"{rows} rows read; nothing would be loaded.", highlight=False)
        raise typer.Exit(1)
    warn = len(issues)
    console.print(f"[bold green]OK[/]: {rows} rows can be loaded"
                  + (f", with {warn} warning(s)." if warn else "."), highlight=False)


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

    if sources is not None and not sources.is_file():
        _fail(f"{sources}: the sources file does not exist", 2)
    if sources is None and (input_dir is None or not input_dir.is_dir()):
        _fail(f"{input_dir}: the export folder does not exist", 2)
    params = CollectParams(sources_file=str(sources.absolute()) if sources else None,
                           input_dir=str(input_dir.absolute()) if input_dir else None)
    with console.status("Collecting: read the sources, validate, land, load…"):
        state = collect(params=params, return_state=True)
    batch = state.result(raise_on_failure=False)
    if isinstance(batch, SourceFailed):
        _fail(f"{batch}. Nothing was loaded; the previous batch is still in use. Try again when "
              f"the source answers.", 1)
    if isinstance(batch, BaseException):
        raise batch
    _print_sources(batch)
    issues = [Issue(**i) for i in batch["issues"]]
    if batch["status"] != "loaded":
        _print_issues(issues)
        paths = _copy_quality(batch, out) if out else [Path(p) for p in batch["quality_report"].values()]
        for p in paths:
            console.print(f"data-quality report (HR-internal): {p}", markup=False, highlight=False, soft_wrap=True)
        _fail(f"the batch was refused by validation ({batch['rows_read']} rows read, 0 loaded, "
              f"{batch['rows_quarantined']} quarantined); no report was made. Fix the data and "
              f"run again.", 1)
    if issues:
        console.print(f"{len(issues)} warning(s) in the data: see data-quality.html"
                      + (f" in {out / 'hr-internal'}" if out else ""), markup=False, highlight=False,
                      soft_wrap=True)
    return batch


def _print_sources(batch: dict) -> None:
    if not batch.get("sources"):
        return
    table = Table(title=f"Batch {batch['batch_id']}: {batch['status']}"
                  + ("" if batch["new"] else " (already stored)"))
    for col, just in (("source", "left"), ("kind", "left"), ("rows", "right"), ("pages", "right"),
                      ("watermark", "left"), ("changed", "left")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for s in batch["sources"]:
        table.add_row(s["name"], s["kind"], str(sum(s["rows"].values())), str(s["pages"]),
                      s["watermark"] or "–", "yes" if s["changed"] else "no")
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
    with console.status(f"Annual report {year}: figures, report files…"):
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

    t = texts("fi")
    org = result["organisation"]
    table = Table(title=f"Koulutusohjeen toteutuminen {result['year']}", show_lines=False)
    table.add_column("Tunnusluku")
    table.add_column("Arvo", justify="right")
    for key in ("persons_employed", "htv", "training_days", "training_days_per_htv",
                "direct_cost_eur", "total_cost_eur", "budget_use_pct", "share_trained_pct",
                "discussion_coverage_pct", "supervisor_compliance_pct", "application_compliance_pct"):
        table.add_row(t["figures"][key], fmt(org[key], "fi", kind_of(key)))
    console.print(table)
    b = result["batch"]
    console.print(f"Rows read {b['rows_read']} = loaded {b['rows_loaded']} + quarantined "
                  f"{b['rows_quarantined']}", markup=False, highlight=False)
    for name, path in result["paths"].items():
        if not name.startswith("chart_"):
            who = "public" if Path(path).parent.name == "public" else "HR-internal"
            console.print(f"{name:14} {path}  ({who})", markup=False, highlight=False, soft_wrap=True)


def _one_of(sources: Path | None, input_dir: Path | None) -> None:
    if (sources is None) == (input_dir is None):
        raise typer.BadParameter("give either --sources FILE (the HR systems) or --input DIR (an "
                                 "export folder)")


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
            console.print(f"data-quality report (HR-internal): {p}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"Batch {batch['batch_id']}: {batch['status']}"
                  + (" (new)" if batch["new"] else " (already stored: nothing changed)")
                  + f". Rows read {batch['rows_read']} = loaded {batch['rows_loaded']} + quarantined "
                  f"{batch['rows_quarantined']}", highlight=False, soft_wrap=True)


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
    with console.status(f"Generating a synthetic municipality of {persons} persons…"):
        write_export(generate(persons, (year - 1, year), seed), export, encoding="cp1252")
    console.print(f"synthetic export: {export}", markup=False, highlight=False, soft_wrap=True)
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
            with console.status("Starting the learning record store…"):
                stack.enter_context(lrs)
                lrs.post(sy.statements(moved))
        else:
            console.print("(no test LRS in .venv-lrs: e-learning stays in the export; make test-tools "
                          "installs it)", markup=False, highlight=False)
        sy.write_files(export, folder / "export", None if moved is None else moved["_row"].tolist())
        cfg = folder / "sources.yaml"
        cfg.write_text(yaml.safe_dump(sy.sources_config(api, db_url, lrs if moved is not None else None,
                                                        moved), allow_unicode=True, sort_keys=False),
                       encoding="utf-8")
        console.print(f"sources file: {cfg}", markup=False, highlight=False, soft_wrap=True)
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
        err.print(f"[bold red]osaava: internal error[/] ({type(e).__name__}: {escape(mask_hetu(str(e))[:300])}). "
                  f"This is a fault of osaava, not of the data; the details are in {escape(str(log))}. "
                  "Please send that file to IT.", highlight=False, soft_wrap=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
