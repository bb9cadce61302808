"""Wall time of short ``provenance`` commands (start-up and shut-down), before vs after.

    python bench/startup_bench.py --before /tmp/old [--also NAME=PATH ...] [--rounds 20]

``--before`` is another checkout of provenance (``git archive main | tar -x -C /tmp/old``),
``--also`` more of them (an intermediate commit); this checkout is "after". All run with this
interpreter and ``PYTHONPATH`` set to their tree, alternating (the order turned every round),
so all see the same machine load. The commands: ``--help``, ``check --help`` and
``check --all`` on an empty database (one per tree, made and migrated before timing). Prints
the median and lowest wall time of each and the ratio of the medians to "before".
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "--help": ["--help"],
    "check --help": ["check", "--help"],
    "check --all (empty db)": ["--db", "{db}", "check", "--all"],
}


def run(tree: Path, args: list[str], db: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    argv = [sys.executable, "-m", "provenance", *(a.format(db=db) for a in args)]
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, cwd=tree)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--also", action="append", default=[], metavar="NAME=PATH",
                        help="another checkout, timed in the same rounds")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    trees = {"before": args.before.resolve()}
    for also in args.also:
        name, _, path = also.partition("=")
        trees[name] = Path(path).resolve()
    trees["after"] = ROOT
    with tempfile.TemporaryDirectory() as scratch:
        dbs = {name: Path(scratch) / f"{name}.db" for name in trees}
        for name, tree in trees.items():  # create and migrate, untimed (and warm the caches)
            run(tree, ["--db", str(dbs[name]), "status"], dbs[name])
        times: dict[tuple[str, str], list[float]] = {}
        for round_ in range(args.rounds):
            for label, command in COMMANDS.items():
                names = list(trees)
                shift = round_ % len(names)
                order = names[shift:] + names[:shift]
                for name in order:
                    elapsed = run(trees[name], command, dbs[name])
                    times.setdefault((label, name), []).append(elapsed)
    print(f"{args.rounds} rounds, alternating; wall ms: median (lowest), × before's median")
    print("| command | " + " | ".join(trees) + " |\n|---|" + "---|" * len(trees))
    for label in COMMANDS:
        base = statistics.median(times[(label, "before")])
        cells = [f"{1000 * statistics.median(ts):.0f} ({1000 * min(ts):.0f}), "
                 f"{statistics.median(ts) / base:.2f}×"
                 for ts in (times[(label, name)] for name in trees)]
        print(f"| `{label}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
