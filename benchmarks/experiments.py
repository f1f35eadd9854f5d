"""Benchmark of the experiment executors: 1 vs 2 local processes, and Dask's overhead.

Runs ``smesim run SCENARIO --replications R --no-report`` (tables, summary and manifest,
no PDF) with ``--processes 1``, ``--processes 2`` and ``--scheduler`` pointing at a Dask
cluster of 2 single-threaded worker processes started on this machine beforehand (its
start-up is not timed; connecting to it is). Every timing is the wall clock of the whole
command, Python start-up included; the script checks that all three wrote the same
``replications.csv``.

Usage::

    python benchmarks/experiments.py [--replications 40] [--repeat 1] [--report]
        [--scenario scenarios/shanghai_2024.yaml] [--json out.json]

Timings on a shared machine are noisy: repeat, and read the minimum.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _smesim(args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "SMESIM_SCHEDULER"}
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"smesim {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return elapsed


def main() -> None:
    """Run the benchmark and print (and optionally save) the timings."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="scenarios/shanghai_2024.yaml")
    ap.add_argument("--replications", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--report", action="store_true", help="also write the PDF/PNG report")
    ap.add_argument("--json", type=Path, help="write the timings to this file")
    opts = ap.parse_args()

    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    timings: dict[str, list[float]] = {"processes_1": [], "processes_2": [], "dask_2_workers": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            base = [opts.scenario, "--replications", str(opts.replications)]
            if not opts.report:
                base.append("--no-report")
            configs = {
                "processes_1": ["--processes", "1"],
                "processes_2": ["--processes", "2"],
                "dask_2_workers": ["--scheduler", cluster.scheduler_address],
            }
            for rep in range(opts.repeat):
                for name, extra in configs.items():
                    out = Path(tmp) / f"{name}_{rep}"
                    t = _smesim(["run", *base, *extra, "--out", str(out)])
                    timings[name].append(t)
                    print(f"{name:<16} run {rep + 1}: {t:6.1f} s", flush=True)
            csvs = {
                (Path(tmp) / f"{n}_0" / "tables" / "replications.csv").read_text() for n in configs
            }
            identical = len(csvs) == 1
    finally:
        cluster.close()

    best = {k: min(v) for k, v in timings.items()}
    print()
    print(f"{opts.replications} replications of {opts.scenario}, report: {opts.report}")
    for k, v in best.items():
        print(f"  {k:<16} {v:6.1f} s (best of {len(timings[k])})")
    print(f"  speed-up of 2 processes over 1:     {best['processes_1'] / best['processes_2']:.2f}x")
    print(
        f"  Dask (2 workers) vs 2 processes:    {best['dask_2_workers'] - best['processes_2']:+.1f} s "
        f"({100 * (best['dask_2_workers'] / best['processes_2'] - 1):+.0f} %)"
    )
    print(f"  identical replications.csv:        {identical}")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if opts.json:
        opts.json.write_text(
            json.dumps(
                {"timings_s": timings, "best_s": best, "identical": identical, **vars(opts)},
                indent=2,
                default=str,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
