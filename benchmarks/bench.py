"""Benchmark of the engine on the baseline's behaviour at a chosen size.

Runs ``scenarios/shanghai_2024.yaml`` with ``population.firms_n`` and ``horizon.days``
overridden (day-valued fields are moved inside the shorter horizon), writes no report,
and prints one JSON line::

    python benchmarks/bench.py --firms 1000000 --days 365
    python benchmarks/bench.py --firms 100000 --days 365 --engine naive
    python benchmarks/bench.py --firms 100000 --days 365 --set cost_relief=null
    python benchmarks/bench.py --firms 10000 --days 365 --load-only   # imports and loading only

``--no-tables`` leaves the result tables out. ``--load-only`` stops after loading the scenario: the base to subtract from a whole-process
measure such as an instruction count (``valgrind --tool=callgrind``), which the load of
other work on the machine does not disturb. Set-up and simulation are each one call of
``operator.call``, so a count of them alone needs no subtraction::

    PYTHONHASHSEED=0 setarch -R valgrind --tool=callgrind --toggle-collect=_operator_call \
        python benchmarks/bench.py --firms 10000 --days 365 --no-tables

Fields: ``firms``, ``days``, ``engine``, ``simulate_s`` (set-up plus simulation, no
tables), ``setup_s``, ``run_s``, ``tables_s`` (building the result tables, measured
separately), ``firm_days_per_s`` (``firms x days / simulate_s``), ``peak_rss_mb`` (the
process's peak resident set size, ``resource.getrusage(...).ru_maxrss``, including the
interpreter and imported libraries), ``applications_n`` and ``simpy_events_n``.
"""

from __future__ import annotations

import argparse
import json
import operator
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "shanghai_2024.yaml"
#: the scenario benchmarked (``--scenario``; the baseline by default)
SCENARIO = {"path": BASELINE}


def scenario_overrides(firms: int, days: int) -> list[str]:
    """``--set`` overrides that resize the baseline and keep its day-valued fields valid.

    Parameters
    ----------
    firms
        Number of simulated firms.
    days
        Horizon length in days.

    Returns
    -------
    list of str
        Overrides for :func:`sim.load_scenario`.
    """
    import yaml

    base = yaml.safe_load(Path(SCENARIO["path"]).read_text(encoding="utf-8"))
    rounds = [d for d in base["awards"]["round_days"] if d < days] or [days * 240 // 365]
    realloc = base["loan_pool"]["reallocation_day"]
    if realloc is not None and realloc >= days:
        realloc = max(days // 2, 1)
    return [
        f"population.firms_n={firms}",
        f"horizon.days={days}",
        f"awards.round_days=[{', '.join(str(d) for d in rounds)}]",
        f"loan_pool.reallocation_day={'null' if realloc is None else realloc}",
    ]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024.0 if sys.platform != "darwin" else kib / 2**20


def bench_smesim(
    firms: int, days: int, seed: int | None, extra: list[str] | None = None, tables: bool = True
) -> dict[str, float | int | str]:
    """Time set-up, simulation and (unless ``tables`` is false) table building of the engine."""
    import sim
    from sim.model.codes import Outcome
    from sim.model.engine import Model
    from sim.results import build_result

    scenario = sim.load_scenario(
        SCENARIO["path"], scenario_overrides(firms, days) + (extra or [])
    )
    seq = np.random.SeedSequence(scenario.seed if seed is None else seed)
    c0, t0 = time.process_time(), time.perf_counter()
    # set-up and simulation each run inside operator.call: an instruction count can be
    # limited to them (valgrind --tool=callgrind --toggle-collect=_operator_call)
    model = operator.call(Model, scenario, seq)
    t1 = time.perf_counter()
    operator.call(model.run)
    c2, t2 = time.process_time(), time.perf_counter()
    rss_sim = peak_rss_mb()
    approved = model.apps.view()["outcome"] == Outcome.APPROVED
    approved_n = int(approved.sum())
    if tables:
        approved_n = int(build_result(model).summary_values["approved_n"])
    t3 = time.perf_counter()
    return {
        "engine": "smesim",
        "setup_s": round(t1 - t0, 4),
        "run_s": round(t2 - t1, 4),
        "simulate_s": round(t2 - t0, 4),
        "simulate_cpu_s": round(c2 - c0, 4),
        "tables_s": round(t3 - t2, 4),
        "peak_rss_sim_mb": round(rss_sim, 1),
        "applications_n": int(model.apps.n),
        "approved_n": approved_n,
        "simpy_events_n": int(model.events_n),
    }


def bench_naive(
    firms: int, days: int, seed: int | None, extra: list[str] | None = None
) -> dict[str, float | int | str]:
    """Time the one-process-per-firm simpy model of the loan-pool loop (``extra`` unused)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from naive_simpy import simulate_naive

    out = simulate_naive(firms, days, seed=20241202 if seed is None else seed)
    return {
        "engine": "naive",
        "setup_s": round(out["setup_s"], 4),
        "run_s": round(out["run_s"], 4),
        "simulate_s": round(out["setup_s"] + out["run_s"], 4),
        "simulate_cpu_s": round(out["cpu_s"], 4),
        "tables_s": 0.0,
        "applications_n": int(out["applications_n"]),
        "approved_n": int(out["approved_n"]),
        "simpy_events_n": int(out["events_n"]),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run one benchmark and print one JSON line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=15_000, help="number of firms")
    p.add_argument("--days", type=int, default=365, help="horizon in days")
    p.add_argument("--seed", type=int, default=None, help="seed (default: the scenario's)")
    p.add_argument("--engine", choices=["smesim", "naive"], default="smesim")
    p.add_argument(
        "--scenario",
        type=Path,
        default=BASELINE,
        help="scenario file (default: the baseline; e.g. scenarios/shanghai_2024_applications.yaml)",
    )
    p.add_argument(
        "--set",
        dest="extra",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="extra scenario override for the smesim engine, e.g. cost_relief=null",
    )
    p.add_argument(
        "--no-tables", action="store_true", help="do not build the result tables (tables_s 0)"
    )
    p.add_argument(
        "--load-only",
        action="store_true",
        help="import and load the scenario, then stop (prints nothing)",
    )
    args = p.parse_args(argv)
    SCENARIO["path"] = args.scenario
    if args.load_only:
        import sim

        sim.load_scenario(
            SCENARIO["path"], scenario_overrides(args.firms, args.days) + args.extra
        )
        return 0
    if args.engine == "smesim":
        out = bench_smesim(args.firms, args.days, args.seed, args.extra, not args.no_tables)
    else:
        out = bench_naive(args.firms, args.days, args.seed, args.extra)
    sim_s = float(out["simulate_s"])
    line = {
        "firms": args.firms,
        "days": args.days,
        **out,
        "overrides": args.extra,
        "firm_days_per_s": round(args.firms * args.days / sim_s) if sim_s > 0 else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "memory_measure": "ru_maxrss",
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
