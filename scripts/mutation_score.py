"""make mutate: print the mutation score of the last (possibly partial) mutmut run.

Reads mutmut's own CI/CD summary (``mutmut export-cicd-stats``). Score = killed (and timed out)
/ mutants tested; mutants not yet run are reported separately, never counted as killed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> None:
    exe = Path(sys.executable).with_name("mutmut")
    subprocess.run([str(exe), "export-cicd-stats"], check=True, stdout=subprocess.DEVNULL)
    stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
    killed, timeout = int(stats.get("killed", 0)), int(stats.get("timeout", 0))
    survived = int(stats.get("survived", 0))
    tested = killed + timeout + survived
    not_run = int(stats.get("total", 0)) - tested - int(stats.get("skipped", 0))
    score = 100.0 * (killed + timeout) / tested if tested else 0.0
    print(f"mutation score of osaava/figures.py: {score:.1f} % "
          f"({killed + timeout} killed of {tested} tested; {survived} survived; {not_run} not run)")
    print("survivors: `.venv/bin/mutmut results`, one in detail: `.venv/bin/mutmut show NAME`")


if __name__ == "__main__":
    main()
