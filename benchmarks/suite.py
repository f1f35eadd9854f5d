"""The benchmark matrix: every size of interest, repeated, as a Markdown table.

Each run is ``bench.py`` in a fresh interpreter; the table gives the median over
``--repeat`` runs of the simulation's wall seconds (set-up plus simulation), its CPU
seconds, the table-building seconds, firm-days per second and the peak resident set
size. Then the engine against one simpy process per firm; the fixed cost at small sizes
(CPU seconds per firm at 1,000 to 1,000,000 firms over a year, against the largest); and
``smesim run`` of the baseline end to end, with and without report (the manifest's
timings, and the whole process from outside)::

    python benchmarks/suite.py --repeat 5
    python benchmarks/suite.py --repeat 3 --sizes 100000x365,1000000x365
    python benchmarks/suite.py --repeat 5 --only small    # or: --only cli
    python benchmarks/suite.py --repeat 5 --only small --against /tmp/old   # paired A/B

``--against DIR`` (a checkout of other code, e.g. ``git worktree add /tmp/old HEAD~3``)
runs the small sizes with that code and this code in turn, run by run, and adds the
other code's CPU seconds and the ratio of each pair (this / other, median).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
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
SMALL_FIRMS = (1_000, 10_000, 100_000, 1_000_000)


def cli_run_timings(scenario: Path, extra: list[str]) -> dict[str, float]:
    """Run ``smesim run`` once into a temporary folder; return the manifest's timings.

    ``process`` is the wall time of the whole command as seen from outside (interpreter
    start-up and imports included), ``process_cpu`` its CPU time (children included).
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "cli", "run", str(scenario), "--out", str(out), *extra]
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
        timings = json.loads((out / "manifest.json").read_text())["timings_s"]
        return {**timings, "process": wall, "process_cpu": cpu}


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def small_sizes(
    repeat: int,
    sizes: tuple[int, ...] = SMALL_FIRMS,
    days: int = 365,
    against: Path | None = None,
) -> None:
    """Print the fixed cost at small sizes: CPU seconds per firm against the largest size.

    With ``against`` (the root of another checkout), each run of this code is paired
    with a run of that code, in turn, and the table adds that code's CPU seconds and
    the median ratio of the pairs.
    """
    keys = ("simulate_s", "simulate_cpu_s", "setup_s", "run_s")
    rows, other, ratio = {}, {}, {}
    for n in sizes:
        runs, old = [], []
        for i in range(repeat):
            if against is not None and i % 2:
                old.append(run_bench_of(against, n, days))
            runs.append(run_once("smesim", n, days, None))
            if against is not None and not i % 2:
                old.append(run_bench_of(against, n, days))
        rows[n] = medians(runs, keys)
        if against is not None:
            other[n] = medians(old, keys)
            ratio[n] = statistics.median(
                a["simulate_cpu_s"] / b["simulate_cpu_s"] for a, b in zip(runs, old, strict=True)
            )
    big = max(sizes)
    per_big = rows[big]["simulate_cpu_s"] / big
    extra = " | other CPU s | this / other (pairs) |" if against is not None else " |"
    print(
        f"\n| firms x {days} days | simulate s | CPU s | set-up s | run s | CPU us per firm "
        f"| per firm / at {big:,}{extra}"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: | ---: |" * bool(other)))
    for n, m in rows.items():
        per = m["simulate_cpu_s"] / n
        cells = f" {other[n]['simulate_cpu_s']:.3f} | {ratio[n]:.2f} |" if other else ""
        print(
            f"| {n:,} | {m['simulate_s']:.3f} | {m['simulate_cpu_s']:.3f} | {m['setup_s']:.3f} "
            f"| {m['run_s']:.3f} | {per * 1e6:.2f} | {per / per_big:.1f} |{cells}"
        )


def run_bench_of(root: Path, firms: int, days: int) -> dict:
    """Run ``bench.py`` of another checkout at ``root`` (its own ``sim``) and return its line."""
    cmd = [sys.executable, str(root / "benchmarks" / "bench.py")]
    cmd += ["--firms", str(firms), "--days", str(days)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=root, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


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
    p.add_argument("--no-small", action="store_true", help="skip the small-size rows")
    p.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="DIR",
        help="small sizes only: pair each run with one of the checkout at DIR (before/after)",
    )
    p.add_argument(
        "--small-sizes",
        default=",".join(str(n) for n in SMALL_FIRMS),
        help="firms of the small-size rows, comma-separated (the largest is the reference)",
    )
    p.add_argument(
        "--only",
        choices=("matrix", "small", "cli"),
        default=None,
        help="run one part: the size matrix with the naive model, the small sizes, or smesim run",
    )
    args = p.parse_args(argv)
    small = tuple(int(n) for n in args.small_sizes.split(","))
    if args.only == "small":
        small_sizes(args.repeat, small, against=args.against)
        return 0
    if args.only == "cli":
        cli_rows(args.repeat)
        return 0
    if args.only == "matrix":
        args.no_small = args.no_cli = True
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
    if not args.no_small:
        small_sizes(args.repeat, small, against=args.against)
    if not args.no_cli:
        cli_rows(args.repeat)
    return 0


def cli_rows(repeat: int) -> None:
    """Print ``smesim run`` of the baseline end to end: the manifest's timings and the process."""
    scenario = ROOT / "scenarios" / "shanghai_2024.yaml"
    parts = ("load", "setup", "simulate", "tables", "write_tables", "report", "total")
    print(
        "\n| `smesim run scenarios/shanghai_2024.yaml` | "
        + " | ".join(parts)
        + " | report / simulate | process | process CPU |"
    )
    print("| --- |" + " ---: |" * (len(parts) + 3))
    for label, extra in (
        ("CSV tables and report", []),
        ("Parquet tables and report", ["--format", "parquet"]),
        ("CSV tables, `--no-report`", ["--no-report"]),
    ):
        runs = [cli_run_timings(scenario, extra) for _ in range(repeat)]
        t = medians(runs, (*parts, "process", "process_cpu"))
        ratio = statistics.median(r["report"] / r["simulate"] for r in runs)
        print(
            f"| {label} | "
            + " | ".join(f"{t[k]:.2f}" for k in parts)
            + f" | {ratio:.1f} | {t['process']:.2f} | {t['process_cpu']:.2f} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
