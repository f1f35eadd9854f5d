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


# section 3 of docs/validation.md: the cases with the mechanisms of programmes that change
# while they run, each run exactly as the page's tables were made (its own sample, 20
# replications, the scenario's seed: a few seconds each), so the tables are reproduced to
# the rounding and any model change that moves them fails here
KFW_EVENTS_ERRORS = {
    ("approved_n", 10): -0.013,
    ("approved_n", 99): -0.055,
    ("approved_n", 141): -0.039,
    ("approved_n", 191): -0.004,
    ("disbursed_amount", 99): -0.106,
    ("disbursed_amount", 141): -0.169,
    ("disbursed_amount", 191): -0.083,
}
KFW_SURGE_ERRORS = {
    ("approved_n", 10): -0.014,
    ("approved_n", 99): 0.006,
    ("approved_n", 141): -0.001,
    ("approved_n", 191): 0.015,
    ("disbursed_amount", 99): -0.061,
    ("disbursed_amount", 141): -0.114,
    ("disbursed_amount", 191): -0.046,
}
PBOC_SIZE_ERRORS = {
    ("disbursed_amount", 42): 0.051,
    ("disbursed_amount", 60): -0.075,
    ("approved_n", 42): 0.015,
    ("approved_n", 60): -0.085,
}
PBOC_CALLS_ERRORS = {
    ("disbursed_amount", 42): 0.048,
    ("disbursed_amount", 60): 0.136,
    ("approved_n", 42): 0.007,
    ("approved_n", 60): 0.173,
}


def _check(errors: dict, documented: dict) -> None:
    # the page gives errors to one decimal of a percent
    assert errors.keys() == documented.keys()
    for key, doc in documented.items():
        assert errors[key] == pytest.approx(doc, abs=0.0006), key


@pytest.mark.parametrize(
    ("fitted", "documented"),
    [("kfw_2020_events", KFW_EVENTS_ERRORS), ("kfw_2020_surge", KFW_SURGE_ERRORS)],
)
def test_kfw_with_a_surge_predicts_the_later_requests_within_ten_percent(fitted, documented):
    errors = _errors_of(fitted, "kfw_2020")
    _check(errors, documented)
    # the page's finding: the later growth of requests is met (the held-out counts within
    # the protocol's 10 %), where the fit without a surge fell short (section 2)
    assert abs(errors["approved_n", 141]) < 0.10 and abs(errors["approved_n", 191]) < 0.10


def test_pboc_with_larger_firms_first_gets_the_average_loan_and_day_60():
    errors, avg = _errors_of("pboc_2020_size", "pboc_2020", average_loan=True)
    _check(errors, PBOC_SIZE_ERRORS)
    assert abs(errors["approved_n", 60]) < 0.10 and abs(errors["disbursed_amount", 60]) < 0.10
    # the average loan within 5 % of the observed 38.7 m yuan on both days (36.0 m without
    # the head start)
    for day in (42, 60):
        assert avg[day] == pytest.approx(182.1e9 / 4708 if day == 42 else 231.5e9 / 5995, rel=0.05)


def test_pboc_lists_called_at_a_steady_pace_overshoot_day_60():
    errors = _errors_of("pboc_2020_lists_calls", "pboc_2020")
    _check(errors, PBOC_CALLS_ERRORS)
    # the page's finding: calls at a constant pace keep lending going after day 42 as fast
    # as before, so day 60 is too high
    assert errors["approved_n", 60] > 0.10


def _errors_of(name: str, case: str, average_loan: bool = False, runs: int = 20):
    sc = sim.load_scenario(CASES / f"{name}_fitted.yaml")
    pr = predict(sc, load_targets(CASES / f"{case}_targets.yaml", sc), runs, processes=1)
    t = pr.table
    errors = {(k, int(d)): float(e) for k, d, e in zip(t["key"], t["day"], t["error"], strict=True)}
    if not average_loan:
        return errors
    m = t.set_index(["key", "day"])["mean"]
    return errors, {d: m["disbursed_amount", d] / m["approved_n", d] for d in (42, 60)}
