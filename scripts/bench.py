"""make bench: time and peak memory of each stage on a 40 000-person synthetic municipality.

Each stage runs in its own process so that its peak memory is its own. Results are printed as a
table and written to var/bench/results.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

PERSONS = int(os.environ.get("OSAAVA_BENCH_PERSONS", "40000"))
ROOT = Path("var/bench")
EXPORT = ROOT / f"export-{PERSONS}"

STAGE = r'''
import json, resource, sys, time
stage, export, persons = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
if stage == "synth":
    from osaava.synth import generate, write_export
    from pathlib import Path
    write_export(generate(persons, (2024, 2025), 1), Path(export), encoding="cp1252")
else:
    from connectors.files import read_folder
    t = time.perf_counter(); res = read_folder(export); t_read = time.perf_counter() - t
    if stage == "read":
        pass
    elif stage == "validate":
        from osaava.guideline import latest_guideline, load_codes
        from osaava.quality import validate
        t0 = time.perf_counter()
        validate(res.frames, load_codes(), latest_guideline())
    elif stage == "figures":
        from osaava.figures import compute
        from osaava.guideline import guideline_for_year, load_codes
        g, c = guideline_for_year(2025), load_codes()
        t0 = time.perf_counter()
        compute(res.frames, g, c, 2025)
    elif stage == "load":
        import tempfile
        from osaava import warehouse
        db = tempfile.mktemp(suffix=".db")
        eng = warehouse.engine_for(f"sqlite:///{db}"); warehouse.migrate(eng)
        t0 = time.perf_counter()
        warehouse.store_batch(eng, "bench", res.raw, res.frames, res.rows_read, [], False)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"stage": stage, "seconds": round(time.perf_counter() - t0, 1), "peak_mb": round(rss)}))
'''


def stage(name: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STAGE, name, str(EXPORT), str(PERSONS)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report() -> dict:
    exe = Path(sys.executable).with_name("osaava")
    t0 = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-v", str(exe), "report", "--input", str(EXPORT), "--year",
                          "2025", "--out", str(ROOT / "out"), "--db", f"sqlite:///{ROOT / 'wh.db'}",
                          "--var", str(ROOT / "var")], capture_output=True, text=True)
    secs = time.perf_counter() - t0
    peak = next((int(line.split(":")[1]) // 1024 for line in out.stderr.splitlines()
                 if "Maximum resident set size" in line), None)
    if out.returncode != 0:
        raise SystemExit(out.stdout + out.stderr)
    return {"stage": "osaava report (all stages, temporary Prefect server)", "seconds": round(secs, 1),
            "peak_mb": peak}


def main() -> None:
    ROOT.mkdir(parents=True, exist_ok=True)
    results = [stage("synth")]
    for name in ("read", "validate", "load", "figures"):
        results.append(stage(name))
    if (ROOT / "wh.db").exists():
        (ROOT / "wh.db").unlink()
    results.append(report())
    print(f"{'stage':55} {'seconds':>8} {'peak MB':>8}   ({PERSONS} persons, years 2024–2025)")
    for r in results:
        print(f"{r['stage']:55} {r['seconds']:>8} {r['peak_mb']!s:>8}")
    (ROOT / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
