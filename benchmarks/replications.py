"""Replications with 2 local processes against 1: the whole command, in turn, paired.

Runs ``smesim run SCENARIO --replications R --no-report --processes P`` for P = 1 and 2,
one after the other, ``--repeat`` times (pairs), each in a fresh interpreter, and prints
per pair the wall seconds, the CPU seconds (the command and its worker processes) and
the ratio 2-processes / 1-process of the pair's wall times, then the medians, with the
load average before and after each run (other work on the machine stretches wall
times). It checks that both wrote the same ``replications.csv``::

    python benchmarks/replications.py --replications 100 --repeat 3
    python benchmarks/replications.py --code /path/to/other/checkout   # the same, other code

``--code`` runs the command from another checkout of the project (its ``sim`` package
comes first on the path), for before/after figures of the same machine and moment.
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

ROOT = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def run_command(code: Path, args: list[str]) -> tuple[float, float]:
    """Run ``python -m cli ARGS`` from ``code``; return its wall and CPU seconds."""
    env = {k: v for k, v in os.environ.items() if k != "SMESIM_SCHEDULER"}
    env["PYTHONPATH"] = str(code)
    c0, t0 = _children_cpu(), time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=code, env=env, capture_output=True, text=True
    )
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if r.returncode != 0:
        raise SystemExit(f"smesim {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    """Run the pairs and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "shanghai_2024.yaml"))
    ap.add_argument("--replications", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout whose code is run")
    opts = ap.parse_args(argv)
    code = opts.code.resolve()
    scenario = str(Path(opts.scenario).resolve())
    print(f"{opts.replications} replications of {Path(scenario).name}, --no-report; code: {code}")
    print("\n| pair | processes | wall s | CPU s | load before / after | wall 2 / wall 1 |")
    print("| ---: | ---: | ---: | ---: | --- | ---: |")
    walls: dict[int, list[float]] = {1: [], 2: []}
    cpus: dict[int, list[float]] = {1: [], 2: []}
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(opts.repeat):
            for p in (1, 2):
                out = Path(tmp) / f"p{p}_{rep}"
                args = ["run", scenario, "-r", str(opts.replications), "--no-report"]
                before = os.getloadavg()[0]
                wall, cpu = run_command(code, [*args, "--processes", str(p), "--out", str(out)])
                after = os.getloadavg()[0]
                walls[p].append(wall)
                cpus[p].append(cpu)
                ratio = f"{wall / walls[1][-1]:.2f}" if p == 2 else ""
                if p == 2:
                    ratios.append(wall / walls[1][-1])
                print(
                    f"| {rep + 1} | {p} | {wall:.1f} | {cpu:.1f} | {before:.1f} / {after:.1f} "
                    f"| {ratio} |",
                    flush=True,
                )
        tables = {
            (Path(tmp) / f"p{p}_{rep}" / "tables" / "replications.csv").read_bytes()
            for p in (1, 2)
            for rep in range(opts.repeat)
        }
    print(
        f"\nmedians: 1 process {statistics.median(walls[1]):.1f} s wall, "
        f"{statistics.median(cpus[1]):.1f} s CPU; 2 processes {statistics.median(walls[2]):.1f} s "
        f"wall, {statistics.median(cpus[2]):.1f} s CPU; wall 2 / 1 (median of the pairs) "
        f"{statistics.median(ratios):.2f}"
    )
    print(f"identical replications.csv: {len(tables) == 1}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
