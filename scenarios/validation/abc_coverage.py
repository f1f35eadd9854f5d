"""Coverage of the credible intervals of ``smesim calibrate --method abc`` on synthetic data.

Usage (from the repository root; about half an hour on one core)::

    python scenarios/validation/abc_coverage.py [--datasets 20] [--population 60]
        [--generations 4] [--processes 1]

A Bayesian calibration is honest when its 90 % credible intervals contain the true value
about 90 % of the time. This script checks it where the truth is known: for each data
set ``k`` it draws a true outreach rate from the prior (uniform on 0.005..0.05 a day), runs
the PBOC case (``pboc_2020.yaml``, at 500 simulated firms standing for 10,000) once with
it on a seed no calibration uses, takes that run's figures on days 42 and 60 (firms and
amount) as the observations, and fits them with ABC-SMC. It prints each data set's truth
and interval, the count of intervals that contain the truth, and writes the table to
``docs/validation_abc_coverage.csv`` (docs/validation.md, section 4).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.analysis.abc import calibrate_abc
from sim.analysis.evaluation import parse_range
from sim.analysis.targets import Targets, observations, simulated
from sim.experiments.tasks import Task, run_task
from sim.scenario import scenario_to_dict

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent.parent / "docs"
PATH = "awareness.outreach_rate_day"
LO, HI = 0.005, 0.05


def _targets(values: dict[tuple[str, int], float]) -> Targets:
    return Targets.model_validate(
        {
            "name": "synthetic",
            "description": "one run of pboc_2020 at a known outreach rate",
            "illustrative": True,
            "cumulative": [
                {"of": of, "points": [{"day": d, "value": values[of, d]} for d in (42, 60)]}
                for of in ("disbursed_amount", "approved_n")
            ],
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=int, default=20)
    ap.add_argument("--population", type=int, default=60)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--processes", type=int, default=1)
    args = ap.parse_args()
    sc = sim.load_scenario(
        HERE / "pboc_2020.yaml", ["population.firms_n=500", "population.scale=20"]
    )
    base = scenario_to_dict(sc)
    prm = parse_range(f"{PATH}={LO}:{HI}", sc)
    truths = np.random.default_rng(20201).uniform(LO, HI, size=args.datasets)
    template = observations(
        _targets(
            dict.fromkeys(
                [(of, d) for of in ("disbursed_amount", "approved_n") for d in (42, 60)], 1.0
            )
        )
    )
    rows = []
    for k, truth in enumerate(truths):
        t0 = time.perf_counter()
        run = run_task(
            Task(
                base,
                overrides={PATH: float(truth)},
                replication=10**6 + k,
                seed=sc.seed,
                series=True,
            )
        )
        sim_obs = simulated(pd.DataFrame([run]), template)[0]
        values = {
            (key, int(day)): float(v)
            for key, day, v in zip(template["key"], template["day"], sim_obs, strict=True)
        }
        res = calibrate_abc(
            sc,
            _targets(values),
            [prm],
            population_size=args.population,
            generations=args.generations,
            seed=k,
            processes=args.processes,
        )
        iv = res.intervals.iloc[0]
        rows.append(
            {
                "dataset": k,
                "truth": float(truth),
                "q05": iv["q05"],
                "median": iv["median"],
                "q95": iv["q95"],
                "covered": bool(iv["q05"] <= truth <= iv["q95"]),
                "epsilon_final": res.meta["epsilon_final"],
                "simulations": res.meta["simulations_n"],
                "seconds": time.perf_counter() - t0,
            }
        )
        r = rows[-1]
        print(
            f"{k:>3} truth {truth:.4f}  median {r['median']:.4f}  90 % {r['q05']:.4f} .. "
            f"{r['q95']:.4f}  {'in' if r['covered'] else 'OUT'}  ({r['seconds']:.0f} s)",
            flush=True,
        )
    df = pd.DataFrame(rows)
    df.to_csv(DOCS / "validation_abc_coverage.csv", index=False)
    width = (df["q95"] - df["q05"]).median()
    print(
        f"\n90 % intervals containing the truth: {int(df['covered'].sum())} of {len(df)}; "
        f"median width {width:.4f} a day (prior width {HI - LO:.3f})"
    )


if __name__ == "__main__":
    main()
