"""Time of the run report: importing the plotting code and writing every page.

Runs the baseline (or ``--scenario``) once, then writes its report ``--repeat`` times
into a temporary folder and prints one JSON line with the median seconds (wall and
CPU of this process and its children)::

    python benchmarks/report.py --repeat 5
    python benchmarks/report.py --repeat 5 --processes 1      # one process
    python benchmarks/report.py --firms 100000 --days 365
    python benchmarks/report.py --lang zh

For an instruction count, ``--count-once`` draws once more inside ``operator.call`` after
the timed drawings, so that callgrind can count that drawing alone::

    PYTHONHASHSEED=0 setarch -R valgrind --tool=callgrind --toggle-collect=_operator_call \
        python benchmarks/report.py --firms 3000 --repeat 1 --processes 1 --count-once

Fields: ``simulate_s`` (``sim.run``), ``import_s`` (``import sim.reporting.run_report``: matplotlib),
``report_s`` and ``report_cpu_s`` (median of ``write_report``), ``report_first_s`` (the
first ``write_report``, fonts and caches cold, as in ``smesim run``), ``pages_n`` and
``processes`` (as asked; ``null``: ``write_report``'s own choice), ``lang``.
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import BASELINE, scenario_overrides  # noqa: E402


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, time the report and print one JSON line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", type=Path, default=BASELINE)
    p.add_argument("--firms", type=int, default=None)
    p.add_argument("--days", type=int, default=None)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument(
        "--processes", type=int, default=None, help="1 or 2 (default: as write_report decides)"
    )
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument(
        "--count-once",
        action="store_true",
        help="then draw once more inside operator.call (for callgrind's --toggle-collect)",
    )
    args = p.parse_args(argv)
    import sim

    overrides = []
    if args.firms is not None or args.days is not None:
        sc0 = sim.load_scenario(args.scenario)
        overrides = scenario_overrides(
            args.firms or sc0.population.firms_n, args.days or sc0.horizon.days
        )
    sc = sim.load_scenario(args.scenario, overrides)
    t0 = time.perf_counter()
    result = sim.run(sc)
    t1 = time.perf_counter()
    from sim.reporting.run_report import write_report

    t2 = time.perf_counter()
    walls: list[float] = []
    cpus: list[float] = []
    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            c, w = _cpu(), time.perf_counter()
            files = write_report(
                result, Path(tmp) / f"r{i}", lang=args.lang, processes=args.processes
            )
            walls.append(time.perf_counter() - w)
            cpus.append(_cpu() - c)
            pages = len(files) - 1
        if args.count_once:
            operator.call(
                write_report,
                result,
                Path(tmp) / "counted",
                lang=args.lang,
                processes=args.processes,
            )
    out = {
        "scenario": sc.name,
        "firms": sc.population.firms_n,
        "days": sc.horizon.days,
        "simulate_s": round(t1 - t0, 4),
        "import_s": round(t2 - t1, 4),
        "report_first_s": round(walls[0], 4),
        "report_s": round(statistics.median(walls), 4),
        "report_cpu_s": round(statistics.median(cpus), 4),
        "pages_n": pages,
        "repeat": args.repeat,
        "processes": args.processes,
        "lang": args.lang,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
