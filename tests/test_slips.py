"""A newcomer's slips, each caught: a warning naming the field, the value and the likely
slip (exit 0), or a refusal with the same (exit 2).

Each case is one ``--set`` on the baseline (or a small file that extends it), the exit
code expected and words the message must hold. docs/model.md 6.4 lists what is caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

from .conftest import BASELINE

WARN, REFUSED = 0, 2

#: (what was meant, --set, exit code, words of the message)
SLIPS: list[tuple[str, str, int, str]] = [
    ("a fee of 0.65 %", "guarantee.fee_rate=0.65", WARN, "did you mean 0.65 % (0.0065)?"),
    ("a cap of 30 m", "guarantee.cap_per_firm=30", WARN, "is 30 yuan"),
    ("coverage of 80 %", "guarantee.coverage=80", REFUSED, "did you mean 80 % (0.8)?"),
    (
        "an interest subsidy of 30 %",
        "loan_pool.interest_subsidy_share=30",
        REFUSED,
        "did you mean 30 % (0.3)?",
    ),
    ("a pool of 400 bn", "loan_pool.total=400", REFUSED, "did you mean 400m or 400bn?"),
    ("a pool of 400 bn", "loan_pool.total=-400bn", REFUSED, "expected an amount > 0"),
    ("a horizon of 3 years", "horizon.days=3", REFUSED, "did you mean 3 years (1095 days)?"),
    ("cap_per_firm", "guarantee.cap_per_frim=30m", REFUSED, "did you mean 'cap_per_firm'?"),
    ("the guarantee section", "gurantee.fee_rate=0.01", REFUSED, "did you mean 'guarantee'?"),
    ("an LPR of 3.1 %", "rates.lpr_1y=3.1", REFUSED, "did you mean 3.1 % (0.031)?"),
    ("an LPR of 3.1 %", "rates.lpr_1y=0.31", WARN, "rates.lpr_1y=0.31 is 31 % a year"),
    ("a market fee of 1.5 %", "guarantee.market_fee_rate=1.5", REFUSED, "did you mean 1.5 %"),
    ("a spread of 30 bp", "rates.programme_spread=30", WARN, "did you mean 30 basis points"),
    ("capital of 5 bn", "guarantee.capital=5", REFUSED, "did you mean 5m or 5bn?"),
    ("a loan limit of 50 m", "loan_pool.max_per_firm=50", REFUSED, "did you mean 50m"),
    ("a minimum loan of 100 k", "loan_pool.min_amount=100", WARN, "did you mean 100k or 100m?"),
    (
        "a median revenue of 60 m",
        "population.tiers.srdi.revenue_median=60",
        WARN,
        "population.tiers.srdi.revenue_median=60 is 60 yuan",
    ),
    (
        "a PD of 1.5 %",
        "population.tiers.srdi.pd_annual_median=1.5",
        REFUSED,
        "did you mean 1.5 % (0.015)?",
    ),
    (
        "a PD of 0.5 %",
        "population.tiers.srdi.pd_annual_median=0.5",
        WARN,
        "did you mean 0.5 % (0.005)?",
    ),
    (
        "growth of 12 %",
        "population.tiers.little_giant.growth_mean=12",
        WARN,
        "did you mean 12 % (0.12)?",
    ),
    (
        "a lender's appetite of 0.8 %",
        "banks.lenders.0.max_expected_loss=0.8",
        WARN,
        "banks.lenders.0.max_expected_loss=0.8 is 80 % a year",
    ),
    ("a market share of 15 %", "banks.group.market_share=15", REFUSED, "did you mean 15 % (0.15)?"),
    ("a loan term of 1 year", "loan_pool.term_days=1", WARN, "did you mean 1 year (365 days)?"),
    ("patience of 3 months", "demand.patience_days=3", WARN, "did you mean 3 months (90 days)?"),
    (
        "relief of 1 m a firm",
        "cost_relief.cap_per_firm_year=1",
        WARN,
        "cost_relief.cap_per_firm_year=1 is 1 yuan",
    ),
    ("an award of 100 k", "awards.levels.0.amount=100", WARN, "did you mean 100k or 100m?"),
    ("awareness of 40 %", "awareness.initial_share=40", REFUSED, "did you mean 40 % (0.4)?"),
    ("a cap of 3000 万", "guarantee.cap_per_firm=3000", WARN, "is 3,000 yuan"),
    (
        "a review time in days",
        "banks.lenders.0.review_days=300",
        WARN,
        "banks.lenders.0.review_days=300 is 300 days",
    ),
    ("a fund of 10 bn", "funds.total=10", WARN, "did you mean 10m or 10bn?"),
]


def _validate(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["validate", *args])
    return r.exit_code, r.output


@pytest.mark.parametrize(
    ("meant", "setting", "code", "words"), SLIPS, ids=[s[1].split("=")[0] for s in SLIPS]
)
def test_a_slip_is_caught_with_a_message_naming_it(meant, setting, code, words):
    got, out = _validate(str(BASELINE), "--set", setting)
    assert got == code, (meant, out)
    assert words in out, (meant, out)
    if code == WARN:
        assert "warning: " in out
        # and --strict refuses it
        assert _validate(str(BASELINE), "--set", setting, "--strict")[0] == REFUSED


def test_at_least_twenty_slips_are_caught():
    assert len(SLIPS) >= 20


def test_an_events_slip_is_checked_against_the_path_it_changes(tmp_path: Path):
    f = tmp_path / "events.yaml"
    f.write_text(
        f"extends: {BASELINE.resolve()}\n"
        "events:\n  - {day: 100, path: guarantee.cap_per_firm, value: 30}\n",
        encoding="utf-8",
    )
    code, out = _validate(str(f))
    assert code == WARN
    assert "events.0.value: guarantee.cap_per_firm=30 is 30 yuan" in out


def test_a_slip_written_in_a_file_is_named_under_the_errors_it_causes(tmp_path: Path):
    f = tmp_path / "short.yaml"
    f.write_text(f"extends: {BASELINE.resolve()}\nhorizon: {{days: 3}}\n", encoding="utf-8")
    code, out = _validate(str(f))
    assert code == REFUSED
    assert "likely slip: horizon.days=3 is 3 days" in out
