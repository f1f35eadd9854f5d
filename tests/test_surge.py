"""Needs that surge and fade: ``demand.surge`` (docs/model.md 7.1c)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import ScenarioError
from sim.model.demand import draw_needs, need_intensity
from sim.scenario.schema import Surge

from .conftest import small_scenario
from .hypothesis_profiles import examples

DAYS = 365  # the small scenario's horizon


@pytest.fixture(scope="module")
def plain():
    return small_scenario("demand.waiting_at_launch_share=0", "demand.monthly_weights=null")


def _with_surge(sc, **surge):
    demand = sc.demand.model_copy(update={"surge": Surge(**surge)})
    return sc.model_copy(update={"demand": demand})


def _expected(m: float, p: int, h: float, nfy: float, days: int) -> float:
    """The integral of the rate on the daily grid, summed in closed form per segment."""
    t = np.arange(days, dtype=float)
    rise = t <= p
    up = 1 + (m - 1) * (t / p if p > 0 else np.ones_like(t))
    down = 1 + (m - 1) * np.exp2(-(t - p) / h)
    return nfy / 365.0 * float(np.where(rise, up, down).sum())


@given(
    m=st.floats(0.0, 12.0),
    p=st.integers(0, 80),
    h=st.floats(0.5, 150.0),
)
@examples(60)
def test_surge_draws_the_integral_of_its_rate(plain, m, p, h):
    sc = _with_surge(plain, multiplier=m, peak_day=p, half_life_days=h)
    assert sc.horizon.days == DAYS
    lam = need_intensity(sc)
    nfy = sc.demand.needs_per_firm_year
    assert lam.sum() == pytest.approx(_expected(m, p, h, nfy, DAYS), rel=1e-9)
    n = 20_000
    firms = SimpleNamespace(n=n, revenue=np.ones(n))
    rng = np.random.default_rng(int(1000 * m + p))
    needs = draw_needs(sc, firms, rng=rng, rng_credit=np.random.default_rng(1))
    mean = lam.sum() * n
    assert abs(needs.firm.size - mean) <= 5 * np.sqrt(mean) + 1
    if needs.firm.size > 400:
        # and the days follow the rate: the mean day within sampling error
        t = np.arange(DAYS)
        mu = (t * lam).sum() / lam.sum()
        sd = np.sqrt(((t - mu) ** 2 * lam).sum() / lam.sum())
        assert abs(needs.day.mean() - mu) <= 5 * sd / np.sqrt(needs.firm.size) + 1e-9


def test_weekly_profile_holds_its_last_value_and_weights_multiply():
    sc = small_scenario("demand.surge={weekly: [3, 2, 1.5]}", "demand.monthly_weights=null")
    lam = need_intensity(sc)
    base = sc.demand.needs_per_firm_year / 365.0
    assert lam[:7] == pytest.approx(3 * base)
    assert lam[7:14] == pytest.approx(2 * base)
    assert lam[14:] == pytest.approx(1.5 * base)
    weighted = small_scenario(
        "demand.surge={weekly: [2]}", "demand.monthly_weights=[1,1,1,1,1,1,1,1,1,1,1,1]"
    )
    plain = small_scenario("demand.monthly_weights=[1,1,1,1,1,1,1,1,1,1,1,1]")
    from sim.model.demand import _day_probabilities

    p = _day_probabilities(plain)
    assert need_intensity(weighted) == pytest.approx(2 * base * p * plain.horizon.days)


def test_no_surge_changes_nothing_and_a_flat_surge_changes_only_the_draw_of_days():
    sc = small_scenario("demand.monthly_weights=null")
    assert need_intensity(sc) is None
    assert "surge" not in sc.model_dump(mode="json")["demand"]
    flat = small_scenario("demand.surge={weekly: [1]}", "demand.monthly_weights=null")
    assert need_intensity(flat) == pytest.approx(sc.demand.needs_per_firm_year / 365.0)


@pytest.mark.parametrize(
    ("surge", "field"),
    [
        ("{multiplier: 2, peak_day: 10}", "demand.surge.half_life_days"),
        ("{weekly: [1], multiplier: 2, peak_day: 1, half_life_days: 3}", "demand.surge.weekly"),
        ("{multiplier: 2, peak_day: 10, half_life_days: 0}", "demand.surge.half_life_days"),
    ],
)
def test_a_bad_surge_is_refused(surge, field):
    with pytest.raises(ScenarioError) as exc:
        small_scenario(f"demand.surge={surge}")
    assert exc.value.field == field
