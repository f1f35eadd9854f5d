"""Recovery: synthetic observations of a programme's uptake, generated at known lender
capacity and speed, are fitted by the calibration and the known values come back."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.analysis.calibration import calibrate
from sim.analysis.evaluation import evaluate_points, parse_range
from sim.analysis.targets import Targets

from .conftest import SCENARIOS

# the PBOC validation case, small: 600 simulated firms for its 10,000, 61 days; its 39
# lenders' 390 officers as 3 lenders of 130, so that each server of the review queue
# holds enough capacity for the sample (a sampled lender of small capacity serves in
# lumps of S / capacity days, which makes the objective a staircase)
CASE = SCENARIOS / "validation" / "pboc_2020.yaml"
SMALL_CASE = [
    "population.firms_n=600",
    "population.scale=16.667",
    "horizon.days=61",
    "banks.group.n=3",
    "banks.group.officers=130",
]
DAYS = (7, 14, 21, 28, 42, 60)

TRUTH = {"banks.group.reviews_per_officer_day": 1.2, "awareness.outreach_rate_day": 0.04}
RANGES = (
    "banks.group.reviews_per_officer_day=0.4:2.5",
    "awareness.outreach_rate_day=0.01:0.15",
)
# tolerance: 15 % of each range
TOLERANCE = {"banks.group.reviews_per_officer_day": 0.3, "awareness.outreach_rate_day": 0.02}


def _synthetic(sc: sim.Scenario) -> Targets:
    """Running totals at ``DAYS``: means of 6 replications (100-105) the fit never uses."""
    runs = evaluate_points(sc, [TRUTH], 6, series=True, first_replication=100, processes=1)

    def at(column: str, day: int) -> float:
        pairs = zip(runs["series_day"], runs[column], strict=True)
        return float(np.mean([np.interp(day, x, y) for x, y in pairs]))

    return Targets.model_validate(
        {
            "name": "synthetic uptake",
            "cumulative": [
                {
                    "of": "approved_n",
                    "points": [{"day": d, "value": at("series_approved_cum", d)} for d in DAYS],
                },
                {
                    "of": "disbursed_amount",
                    "points": [{"day": d, "value": at("series_disbursed_cum", d)} for d in DAYS],
                },
            ],
        }
    )


def test_calibration_recovers_lender_capacity_and_speed():
    """The fit finds the known capacity and speed of uptake within 15 % of each range.

    The observations are running totals of approved loans and amounts at six days,
    means of 6 replications the fit never sees; the fit uses 3 others (common random
    numbers), so both carry sampling noise of their own.
    """
    sc = sim.load_scenario(CASE, SMALL_CASE)
    targets = _synthetic(sc)
    params = [parse_range(r, sc, option="--fit") for r in RANGES]
    res = calibrate(
        sc, targets, params, replications=3, global_points=16, polish_evals=24, processes=1
    )
    for path, value in TRUTH.items():
        assert res.fitted[path] == pytest.approx(value, abs=TOLERANCE[path]), res.fitted
    assert res.objective < 0.01
