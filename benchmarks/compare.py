"""Side-by-side: the smesim engine against one simpy process per firm, same machine.

Runs ``bench.py --engine smesim`` and ``bench.py --engine naive`` alternately, each in a
fresh process, ``--repeat`` times, and prints one JSON line with the medians of the
simulation times (wall and CPU seconds) and their ratios::

    python benchmarks/compare.py --firms 100000 --days 365 --repeat 5
    python benchmarks/compare.py --firms 100000 --days 365 --repeat 5 --core
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "bench.py"
#: Overrides that leave smesim with the measures the naive model has: the loan pool only.
CORE_ONLY = ["guarantee=null", "cost_relief=null", "awards=null", "funds=null"]


def run_once(
    engine: str, firms: int, days: int, seed: int | None, extra: list[str] | None = None
) -> dict:
    """Run one benchmark in a fresh interpreter and return its JSON line."""
    cmd = [sys.executable, str(BENCH), "--firms", str(firms), "--days", str(days)]
    cmd += ["--engine", engine] + ([] if seed is None else ["--seed", str(seed)])
    for item in extra or []:
        cmd += ["--set", item]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run both engines and print one JSON line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=100_000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--repeat", type=int, default=5, help="runs of each engine")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument(
        "--core",
        action="store_true",
        help="run smesim with only the loan pool, as the naive model: no guarantee, "
        "cost relief, awards or funds",
    )
    args = p.parse_args(argv)
    extra = CORE_ONLY if args.core else []
    runs: dict[str, list[dict]] = {"smesim": [], "naive": []}
    for _ in range(args.repeat):
        for engine in runs:
            runs[engine].append(run_once(engine, args.firms, args.days, args.seed, extra))

    def med(engine: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in runs[engine])

    out = {"firms": args.firms, "days": args.days, "repeat": args.repeat, "smesim_overrides": extra}
    for engine in runs:
        out[f"{engine}_simulate_s"] = round(med(engine, "simulate_s"), 4)
        out[f"{engine}_simulate_cpu_s"] = round(med(engine, "simulate_cpu_s"), 4)
        out[f"{engine}_peak_rss_mb"] = round(med(engine, "peak_rss_mb"), 1)
        out[f"{engine}_applications_n"] = runs[engine][0]["applications_n"]
        out[f"{engine}_simpy_events_n"] = runs[engine][0]["simpy_events_n"]
    out["speedup_wall"] = round(out["naive_simulate_s"] / out["smesim_simulate_s"], 1)
    out["speedup_cpu"] = round(out["naive_simulate_cpu_s"] / out["smesim_simulate_cpu_s"], 1)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
