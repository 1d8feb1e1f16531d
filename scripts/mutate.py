"""make mutate: mutation testing of osaava/figures.py with mutmut 3 ([tool.mutmut] in
pyproject.toml), on a seeded random sample of its mutants, and the score of that sample.

The whole file has about 2 600 mutants (most in ``compute`` and ``_findings``); each one that
survives runs all ~140 figure tests, so a full run takes hours on two shared cores. A seeded
sample gives a score within a few points in minutes: ``--sample 0`` runs them all. ``--limit``
stops mutmut after that many seconds; mutants not run then are reported, never counted.

Score = (killed + timeout) / (killed + timeout + survived + no tests), over the sample.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTMUT = str(Path(sys.executable).with_name("mutmut"))
CAUGHT = {"killed", "timeout"}
MISSED = {"survived", "no tests"}


def statuses() -> dict[str, str]:
    out = subprocess.run([MUTMUT, "results", "--all", "true"], capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        name, sep, status = line.strip().partition(": ")
        if sep:
            res[name] = status.strip()
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=150, help="mutants to run (0: all)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--limit", type=int, default=3600, help="seconds before mutmut is stopped")
    ap.add_argument("--children", type=int, default=2)
    args = ap.parse_args()

    names = statuses()
    if not names:  # generate the mutants (and the test map) by running one
        subprocess.run([MUTMUT, "run", "--max-children", "1", "osaava.figures.x__end__mutmut_1"],
                       stdout=subprocess.DEVNULL, check=False)
        names = statuses()
    every = sorted(names)
    chosen = every if args.sample <= 0 else sorted(random.Random(args.seed).sample(every, min(args.sample, len(every))))
    todo = [n for n in chosen if names[n] == "not checked"]
    if todo:
        try:
            subprocess.run([MUTMUT, "run", "--max-children", str(args.children), *todo],
                           stdout=subprocess.DEVNULL, timeout=args.limit, check=False)
        except subprocess.TimeoutExpired:
            print(f"mutmut stopped after {args.limit} s (make mutate again resumes)")
    names = statuses()
    got = Counter(names[n] for n in chosen)
    caught = sum(got[s] for s in CAUGHT)
    missed = sum(got[s] for s in MISSED)
    tested = caught + missed
    score = 100.0 * caught / tested if tested else 0.0
    print(f"mutation score of osaava/figures.py: {score:.1f} % — {caught} caught of {tested} tested "
          f"(sample of {len(chosen)} of {len(every)} mutants, seed {args.seed}); "
          + ", ".join(f"{k} {v}" for k, v in sorted(got.items())))
    for n in chosen:
        if names[n] in MISSED:
            print(f"  {names[n]}: {n}   (mutmut show {n})")


if __name__ == "__main__":
    main()
