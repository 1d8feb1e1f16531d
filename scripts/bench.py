"""make bench: time and peak memory of each stage on a 40 000-person synthetic municipality.

Each stage runs in its own process so that its peak memory is its own. Results are printed as a
table (with the DuckDB ratio of the figures step) and written to var/bench/results.json.

Environment: OSAAVA_BENCH_PERSONS (40000), OSAAVA_BENCH_LINES (payroll lines per paid
person-month, 11 as a real payroll has), OSAAVA_BENCH_PG_URL (a PostgreSQL warehouse to load and
read back beside SQLite; skipped without it), OSAAVA_BENCH_SKIP_REPORT=1 (no end-to-end run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

PERSONS = int(os.environ.get("OSAAVA_BENCH_PERSONS", "40000"))
LINES = float(os.environ.get("OSAAVA_BENCH_LINES", "11"))
PG_URL = os.environ.get("OSAAVA_BENCH_PG_URL", "")
ROOT = Path("var/bench")
YEAR = 2025
EXPORT = ROOT / f"export-{PERSONS}-{LINES:g}-{YEAR}"

STAGE = r'''
import json, os, resource, sys, time
stage, export, persons, lines, root, year = sys.argv[1:7]
persons, lines, year = int(persons), float(lines), int(year)
extra = {}
t0 = time.perf_counter()


def read():
    from connectors.files import read_folder
    res = read_folder(export)
    assert not [i for i in res.issues if i.severity == "critical"], [i.line() for i in res.issues][:5]
    return res


if stage == "synth":
    from osaava.synth import generate, write_export
    from pathlib import Path
    frames = generate(persons, (year - 1, year), 1, payroll_lines_per_month=lines)
    # the payroll of the report year only, as in the issue's 40 000-person export (5.5 M lines)
    pay = frames["palkkarivit"]
    frames["palkkarivit"] = pay[pay["Maksupäivä"].str.endswith(f".{year}")]
    write_export(frames, Path(export), encoding="cp1252")
elif stage == "read":
    res = read()
    extra["rows"] = sum(res.rows_read.values())
    extra["payroll_rows"] = res.rows_read.get("payroll", 0)
elif stage == "validate":
    res = read()
    from osaava.guideline import latest_guideline, load_codes
    from osaava.quality import validate
    t0 = time.perf_counter()
    validate(res.frames, load_codes(), latest_guideline())
elif stage in ("load", "load-pg"):
    from osaava import warehouse
    res = read()
    url = sys.argv[7]
    eng = warehouse.engine_for(url)
    if stage == "load-pg":
        with eng.begin() as c:
            for t in reversed(warehouse.metadata.sorted_tables):
                c.exec_driver_sql(f'DROP TABLE IF EXISTS "{t.name}" CASCADE')
            c.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    warehouse.migrate(eng)
    t0 = time.perf_counter()
    warehouse.store_batch(eng, "bench", res.raw, res.frames, res.rows_read, [], False)
elif stage in ("readback", "readback-pg"):
    # what a report reads (osaava.yearly.year_figures): every entity, and of the payroll only
    # the regular-pay lines of the year and the year before, selected by the database
    from osaava import warehouse
    from osaava.figures import regular_wage_types
    from osaava.guideline import load_codes
    eng = warehouse.engine_for(sys.argv[7])
    info = warehouse.latest_batch(eng)
    pay = warehouse.PayrollSlice((year - 1, year), regular_wage_types(
        load_codes(), warehouse.payroll_wage_types(eng, info.id)))
    frames = warehouse.load_frames(eng, info.id, payroll=pay)
    extra["payroll_years"] = warehouse.payroll_years(eng, info.id)
    extra["payroll_rows"] = len(frames["payroll"])
elif stage in ("readback-all", "readback-all-pg"):
    from osaava import warehouse
    eng = warehouse.engine_for(sys.argv[7])
    frames = warehouse.load_frames(eng)
    extra["payroll_rows"] = len(frames["payroll"])
elif stage == "figures":
    # compute() on the frames a report gives it: read back from the SQLite stage warehouse
    from osaava import warehouse
    from osaava.figures import compute, regular_wage_types
    from osaava.guideline import guideline_for_year, load_codes
    g, c = guideline_for_year(year), load_codes()
    eng = warehouse.engine_for(sys.argv[7])
    info = warehouse.latest_batch(eng)
    pay = warehouse.PayrollSlice((year - 1, year), regular_wage_types(
        c, warehouse.payroll_wage_types(eng, info.id)))
    frames = warehouse.load_frames(eng, info.id, payroll=pay)
    t0 = time.perf_counter()
    f = compute(frames, g, c, year)
    o = f.organisation
    extra.update(htv=o["htv"], training_days=o["training_days"], direct_cost_eur=o["direct_cost_eur"])
elif stage == "duckdb":
    import duckdb
    sys.path.insert(0, "scripts")
    from bench_duckdb import headline
    extra.update(headline(duckdb, export, year))
elif stage == "unchanged":
    from connectors.merge import plan_collect, unchanged_sources
    from osaava.loading import recollect_unchanged
    plan = plan_collect(None, var_dir=f"{root}/var", input_dir=export)
    batch = recollect_unchanged(unchanged_sources(plan), sys.argv[7], f"{root}/var")
    extra["unchanged"] = bool(batch and batch.get("unchanged"))
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"stage": stage, "seconds": round(time.perf_counter() - t0, 2), "peak_mb": round(rss), **extra}))
'''

NAMES = {
    "synth": "synth: generate + write cp1252 CSV",
    "read": "read the export (connector)",
    "validate": "validate (GX suites + cross-table checks)",
    "load": "load into the SQLite warehouse (one transaction)",
    "readback": "read back from SQLite what a report reads (payroll: regular pay of Y-1..Y)",
    "readback-all": "read the whole batch back from SQLite (every payroll line)",
    "load-pg": "load into PostgreSQL (COPY, one transaction)",
    "readback-pg": "read back from PostgreSQL what a report reads",
    "readback-all-pg": "read the whole batch back from PostgreSQL",
    "figures": f"figures of {YEAR} (osaava.figures.compute)",
    "duckdb": "hand-written DuckDB query of the headline figures",
    "unchanged": "collect of the unchanged export (hash + compare)",
}


def stage(name: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STAGE, name, str(EXPORT), str(PERSONS), str(LINES),
                          str(ROOT), str(YEAR), *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{out.stdout}\n{out.stderr}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["stage"] = NAMES.get(name, name)
    return r


def osaava(*args: str, label: str) -> dict:
    exe = Path(sys.executable).with_name("osaava")
    t0 = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-v", str(exe), *args, "--db", f"sqlite:///{ROOT / 'wh.db'}",
                          "--var", str(ROOT / "var")], capture_output=True, text=True)
    secs = time.perf_counter() - t0
    peak = next((int(line.split(":")[1]) // 1024 for line in out.stderr.splitlines()
                 if "Maximum resident set size" in line), None)
    if out.returncode != 0:
        raise SystemExit(out.stdout + out.stderr)
    return {"stage": label, "seconds": round(secs, 1), "peak_mb": peak}


def main() -> None:
    ROOT.mkdir(parents=True, exist_ok=True)
    results = []
    if not (EXPORT / "palkkarivit.csv").exists():
        results.append(stage("synth"))
    results.append(stage("read"))
    results.append(stage("validate"))
    db = ROOT / "stage.db"
    db.unlink(missing_ok=True)
    results.append(stage("load", f"sqlite:///{db}"))
    results.append(stage("readback", f"sqlite:///{db}"))
    results.append(stage("readback-all", f"sqlite:///{db}"))
    if PG_URL:
        results.append(stage("load-pg", PG_URL))
        results.append(stage("readback-pg", PG_URL))
        results.append(stage("readback-all-pg", PG_URL))
    fig = stage("figures", f"sqlite:///{db}")
    duck = stage("duckdb")
    results += [fig, duck]
    if os.environ.get("OSAAVA_BENCH_SKIP_REPORT") != "1":
        for p in (ROOT / "wh.db", ROOT / "var"):
            if p.is_file():
                p.unlink()
            elif p.is_dir():
                import shutil
                shutil.rmtree(p)
        results.append(osaava("report", "--input", str(EXPORT), "--year", str(YEAR), "--out",
                              str(ROOT / "out"), label="osaava report end to end (temporary Prefect "
                              "server, collect, figures, fi/sv HTML, PDF, XLSX)"))
        results.append(stage("unchanged", f"sqlite:///{ROOT / 'wh.db'}"))
        results.append(osaava("collect", "--input", str(EXPORT),
                              label="osaava collect, export unchanged (with the temporary Prefect server)"))
    print(f"{'stage':75} {'seconds':>8} {'peak MB':>8}   ({PERSONS} persons, {LINES:g} payroll "
          f"lines per person-month, years {YEAR - 1}–{YEAR})")
    for r in results:
        print(f"{r['stage']:75} {r['seconds']:>8} {r['peak_mb']!s:>8}")
    read = next(r for r in results if r["stage"] == NAMES["read"])
    print(f"rows read: {read.get('rows')} (payroll {read.get('payroll_rows')}); payroll lines a "
          f"report reads back: {next(r for r in results if r['stage'] == NAMES['readback']).get('payroll_rows')}")
    print(f"figures {fig['seconds']} s / DuckDB {duck['seconds']} s = "
          f"{fig['seconds'] / max(duck['seconds'], 1e-9):.1f}× (goal ≤ 2×)")
    for k in ("htv", "training_days", "direct_cost_eur"):
        print(f"  {k}: figures {fig.get(k)!r}  DuckDB {duck.get(k)!r}")
    (ROOT / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
