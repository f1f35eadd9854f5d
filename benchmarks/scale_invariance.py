"""The same real population simulated from samples of different sizes.

Prints, for ``scenarios/example_national_pool.yaml`` (500,000 real firms) at scale
S = 5, 25 and 125, the mean (and standard deviation) over replications of the day the
pool runs out and of the approvals by days 10, 30 and 90 (real applications), as a
Markdown table for docs/model.md 7.5.

Usage: ``python benchmarks/scale_invariance.py [REPLICATIONS]`` (default 20).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import sim

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "example_national_pool.yaml"
REAL_FIRMS = 500_000


def main(reps: int = 20) -> None:
    print(
        "| sample firms | scale S | pool runs out (day) | approved by day 10 | by day 30 | by day 90 |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for scale in (5, 25, 125):
        n = REAL_FIRMS // scale
        sc = sim.load_scenario(SCENARIO, [f"population.firms_n={n}", f"population.scale={scale}"])
        rows = []
        for seed in range(reps):
            r = sim.run(sc, seed=seed)
            q = r.quotas.set_index("account")
            cum = r.timeseries["approved_n"].cumsum()
            rows.append(
                [q.loc["loan_pool", "exhausted_on"], cum.iloc[10], cum.iloc[30], cum.iloc[90]]
            )
        x = np.array(rows, dtype=float)
        m, sd = np.nanmean(x, axis=0), np.nanstd(x, axis=0, ddof=1)
        cells = [f"{a:,.1f} ± {b:,.1f}" for a, b in zip(m, sd, strict=True)]
        print(f"| {n:,} | {scale} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
