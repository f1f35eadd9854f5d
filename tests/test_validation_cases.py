"""The validation cases of docs/validation.md stay reproducible.

Each fitted case (``scenarios/validation/<case>_fitted.yaml``) is run on a smaller sample
(``population.scale`` larger: the dates do not depend on it) with 4 replications and a
fixed seed, and its error at every observation (``mean / observed - 1``) is compared
with the error docs/validation.md reports (20 replications at the case's own sample).
Tolerances: 5 percentage points on counts and on the PBOC amounts; 10 on KfW's day-10
count (13 simulated loans); 25 on KfW's amounts, whose band is wide because a few
hundred simulated large firms carry most of the amount. The findings the page states
are asserted too, so a model change that moves them fails here and the page is redone.
"""

from __future__ import annotations

import pytest

import sim
from sim.analysis.targets import load_targets
from sim.analysis.validation import predict

from .conftest import SCENARIOS

CASES = SCENARIOS / "validation"

#: errors of docs/validation.md: (flow, day) -> error of the simulated mean
PBOC_ERRORS = {
    ("disbursed_amount", 42): 0.003,
    ("disbursed_amount", 60): -0.094,
    ("approved_n", 42): 0.078,
    ("approved_n", 60): -0.026,
}
KFW_ERRORS = {
    ("approved_n", 10): -0.072,
    ("approved_n", 99): -0.007,
    ("approved_n", 141): -0.074,
    ("approved_n", 191): -0.091,
    ("disbursed_amount", 99): -0.029,
    ("disbursed_amount", 141): -0.099,
    ("disbursed_amount", 191): -0.077,
}


def _errors(case: str, sets: list[str]) -> dict[tuple[str, int], float]:
    sc = sim.load_scenario(CASES / f"{case}_fitted.yaml", sets)
    pr = predict(sc, load_targets(CASES / f"{case}_targets.yaml", sc), 4, processes=1)
    t = pr.table
    return {(k, int(d)): float(e) for k, d, e in zip(t["key"], t["day"], t["error"], strict=True)}


def test_pboc_case_fits_day_42_and_predicts_day_60():
    errors = _errors("pboc_2020", ["population.firms_n=1000", "population.scale=10"])
    assert errors.keys() == PBOC_ERRORS.keys()
    for key, documented in PBOC_ERRORS.items():
        assert errors[key] == pytest.approx(documented, abs=0.05), key
    # the page's findings: the held-out day 60 is met within the protocol's 10 % on firms
    # and within 15 % on the amount, which falls short (loans a little too small)
    assert abs(errors["approved_n", 60]) < 0.10
    assert -0.15 < errors["disbursed_amount", 60] < 0


def test_kfw_case_fits_days_10_and_99_and_falls_short_later():
    errors = _errors("kfw_2020", ["population.firms_n=15000", "population.scale=200"])
    assert errors.keys() == KFW_ERRORS.keys()
    for (flow, day), documented in KFW_ERRORS.items():
        tol = 0.25 if flow == "disbursed_amount" else (0.10 if day == 10 else 0.05)
        assert errors[flow, day] == pytest.approx(documented, abs=tol), (flow, day)
    # the page's finding: after the pent-up demand is served, requests keep coming in
    # faster than the model's later needs bring them: days 141 and 191 fall short
    assert errors["approved_n", 141] < -0.03 and errors["approved_n", 191] < -0.03
