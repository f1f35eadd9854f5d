"""Write example_firms.csv: 1,000 synthetic firms drawn by the model from the baseline.

Run from the repository root::

    python scenarios/firms/make_example_firms.py

The firms are the baseline's synthetic population (scenarios/shanghai_2024.yaml) at
1,000 firms, so tiers, zones, sectors and banks are the baseline's. The file shows the
format of ``population.firms_file`` as a register would fill it: amounts rounded to
1,000 yuan, ages to a tenth of a year; ``pd`` for four firms in five and a ``rating``
for the others; ``collateral_ratio`` left empty for one firm in ten (drawn by the model
from the firm's tier). Nothing here is real data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sim
from sim.model.banks import build_lenders
from sim.model.population import make_population
from sim.scenario.firms_file import RATING_PD

HERE = Path(__file__).resolve().parent
BASELINE = HERE.parent / "shanghai_2024.yaml"
N = 1000
SEED = 20241202


def _rating(pd_annual: np.ndarray) -> np.ndarray:
    """The grade whose probability of default is nearest (on a log scale)."""
    grades = [g for g in RATING_PD if g not in ("CC", "C", "D")]
    logs = np.log([RATING_PD[g] for g in grades])
    nearest = np.abs(np.log(pd_annual)[:, None] - logs[None, :]).argmin(axis=1)
    return np.array(grades, dtype=object)[nearest]


def main() -> None:
    """Draw the firms and write ``example_firms.csv`` next to this script."""
    scenario = sim.load_scenario(BASELINE, [f"population.firms_n={N}"])
    lenders = build_lenders(scenario)
    rng = np.random.default_rng(SEED)
    firms = make_population(scenario, lenders, rng=rng)
    df = firms.to_frame(lenders)
    out = df.reset_index(drop=True)[["tier", "zone", "sector"]].astype(str)
    out.insert(0, "id", [f"SH{i + 1:05d}" for i in range(N)])
    out["revenue"] = (df["revenue"].to_numpy() / 1000).round().astype(np.int64) * 1000
    out["employees"] = df["employees"].to_numpy().astype(np.int64)
    out["age"] = df["age_years"].to_numpy().round(1).clip(0.1)
    out["main_bank"] = df["main_bank"].to_numpy()
    pd_annual = df["pd_annual"].to_numpy()
    has_pd = rng.random(N) < 0.8
    out["pd"] = np.where(has_pd, np.char.mod("%.4f", pd_annual), "")
    out["rating"] = np.where(has_pd, "", _rating(pd_annual))
    coll = np.char.mod("%.2f", df["collateral_ratio"].to_numpy())
    out["collateral_ratio"] = np.where(rng.random(N) < 0.9, coll, "")
    out.to_csv(HERE / "example_firms.csv", index=False)


if __name__ == "__main__":
    main()
