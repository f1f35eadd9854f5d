"""Writing the tables: ``write_tables(fmt="xlsx")`` against CSV, on one run of a scenario.

Runs the scenario once, then writes its tables ``--repeat`` times in each format (in
turn: csv, xlsx, csv, xlsx, ...) and prints per format the median, min and max wall
seconds, the CPU seconds (median), the size of what was written and the cells of the
tables, with the load average before and after (other work on the machine stretches
wall times)::

    python benchmarks/workbook.py --repeat 5
    python benchmarks/workbook.py --code /path/to/other/checkout   # the same, other code

``--code`` runs it with another checkout's ``sim`` package first on the path (in a fresh
interpreter), for before/after figures of the same machine and moment.
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


def measure(scenario: str, repeat: int, formats: list[str]) -> None:
    """Run the scenario, write its tables in each format in turn; print the table."""
    import sim

    res = sim.run(sim.load_scenario(scenario))
    cells = sum(df.size for df in res.tables().values())
    wall: dict[str, list[float]] = {f: [] for f in formats}
    cpu: dict[str, list[float]] = {f: [] for f in formats}
    size = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            for fmt in formats:
                t, c = time.perf_counter(), time.process_time()
                paths = res.write_tables(Path(tmp) / f"{fmt}{i}", fmt=fmt)
                wall[fmt].append(time.perf_counter() - t)
                cpu[fmt].append(time.process_time() - c)
                size[fmt] = sum(p.stat().st_size for p in paths)
    print(f"code: {Path(sim.__file__).parents[1]}; {cells:,} cells in {len(res.tables())} tables")
    print("| format | wall s (median) | min | max | CPU s | MB written |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for fmt in formats:
        w = wall[fmt]
        print(
            f"| {fmt} | {statistics.median(w):.2f} | {min(w):.2f} | {max(w):.2f} "
            f"| {statistics.median(cpu[fmt]):.2f} | {size[fmt] / 1e6:.1f} |"
        )
    print(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")


def main(argv: list[str] | None = None) -> int:
    """Parse the options; measure here or in a fresh interpreter on other code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "shanghai_2024.yaml"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--formats", default="csv,xlsx", help="comma-separated, in turn")
    ap.add_argument("--code", type=Path, default=None, help="checkout whose code is run")
    opts = ap.parse_args(argv)
    formats = opts.formats.split(",")
    scenario = str(Path(opts.scenario).resolve())
    if opts.code is None:
        measure(scenario, opts.repeat, formats)
        return 0
    code = opts.code.resolve()
    script = (
        f"import sys; sys.path.insert(0, {str(code)!r}); sys.path.insert(1, {str(ROOT)!r}); "
        "from benchmarks.workbook import measure; "
        f"measure({scenario!r}, {opts.repeat}, {formats!r})"
    )
    env = {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.run([sys.executable, "-c", script], cwd=code, env=env).returncode


if __name__ == "__main__":
    raise SystemExit(main())
