"""The benchmark matrix: every size of interest, repeated, as a Markdown table.

Each run is ``bench.py`` in a fresh interpreter; the table gives the median over
``--repeat`` runs of the simulation's wall seconds (set-up plus simulation), its CPU
seconds, the table-building seconds, firm-days per second and the peak resident set
size. The last rows compare the engine with one simpy process per firm::

    python benchmarks/suite.py --repeat 5
    python benchmarks/suite.py --repeat 3 --sizes 100000x365,1000000x365
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from compare import CORE_ONLY, run_once

ROOT = Path(__file__).resolve().parents[1]
SIZES = (
    "11000x365",
    "11000x1095",
    "100000x365",
    "141000x365",
    "141000x1095",
    "1000000x365",
    "1410000x365",
    "1410000x1095",
)


def cli_run_timings(scenario: Path, extra: list[str]) -> dict[str, float]:
    """Run ``smesim run`` once into a temporary folder; return the manifest's timings."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "cli", "run", str(scenario), "--out", str(out), *extra]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        return json.loads((out / "manifest.json").read_text())["timings_s"]


def medians(runs: list[dict], keys: tuple[str, ...]) -> dict[str, float]:
    """Median of each key over the runs."""
    return {k: statistics.median(float(r[k]) for r in runs) for k in keys}


def main(argv: list[str] | None = None) -> int:
    """Run the matrix and print the Markdown table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--sizes", default=",".join(SIZES), help="FIRMSxDAYS,...")
    p.add_argument("--naive-firms", type=int, default=100_000)
    p.add_argument("--naive-days", type=int, default=365)
    p.add_argument("--no-cli", action="store_true", help="skip the end-to-end smesim run rows")
    args = p.parse_args(argv)
    keys = ("simulate_s", "simulate_cpu_s", "tables_s", "peak_rss_mb")
    print(f"runs per row: {args.repeat} (medians); script: {Path(__file__).name}\n")
    print("| command | firms | days | simulate s | CPU s | tables s | firm-days/s | peak MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes.split(","):
        firms, days = (int(x) for x in size.lower().split("x"))
        m = medians([run_once("smesim", firms, days, None) for _ in range(args.repeat)], keys)
        print(
            f"| `bench.py --firms {firms} --days {days}` | {firms:,} | {days:,} "
            f"| {m['simulate_s']:.2f} | {m['simulate_cpu_s']:.2f} | {m['tables_s']:.2f} "
            f"| {firms * days / m['simulate_s']:,.0f} | {m['peak_rss_mb']:.0f} |"
        )
    n, d = args.naive_firms, args.naive_days
    rows = {}
    for label, engine, extra in (
        ("smesim, baseline", "smesim", []),
        ("smesim, loan pool only", "smesim", CORE_ONLY),
        ("naive simpy", "naive", []),
    ):
        rows[label] = medians(
            [run_once(engine, n, d, None, extra) for _ in range(args.repeat)], keys
        )
    naive = rows["naive simpy"]
    print(
        f"\n| engine ({n:,} firms x {d} days) | simulate s | CPU s | peak MB | naive / this (wall) | naive / this (CPU) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, m in rows.items():
        print(
            f"| {label} | {m['simulate_s']:.2f} | {m['simulate_cpu_s']:.2f} | {m['peak_rss_mb']:.0f} "
            f"| {naive['simulate_s'] / m['simulate_s']:.1f} "
            f"| {naive['simulate_cpu_s'] / m['simulate_cpu_s']:.1f} |"
        )
    if args.no_cli:
        return 0
    scenario = ROOT / "scenarios" / "shanghai_2024.yaml"
    parts = ("load", "setup", "simulate", "tables", "write_tables", "report", "total")
    print("\n| `smesim run scenarios/shanghai_2024.yaml` | " + " | ".join(parts) + " |")
    print("| --- |" + " ---: |" * len(parts))
    for label, extra in (
        ("CSV tables and report", []),
        ("Parquet tables and report", ["--format", "parquet"]),
        ("CSV tables, --no-report", ["--no-report"]),
    ):
        t = medians([cli_run_timings(scenario, extra) for _ in range(args.repeat)], parts)
        print(f"| {label} | " + " | ".join(f"{t[k]:.2f}" for k in parts) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
