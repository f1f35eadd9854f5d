"""Defaults that belong to no city: what a scenario does not declare, it does not have."""

from __future__ import annotations

import copy

import pytest
import yaml
from typer.testing import CliRunner

import sim
from cli import app
from sim.scenario import scenario_from_dict
from sim.scenario.loading import values_from_defaults
from sim.scenario.starter import BLANK

from .conftest import BASELINE


def _minimal() -> dict:
    """The blank programme without the sections a scenario may leave out."""
    data = copy.deepcopy(BLANK)
    del data["population"]["zones"], data["service_centres"]
    return data


def test_a_scenario_without_zones_or_centres_has_none():
    sc = scenario_from_dict(_minimal())
    assert (sc.population.zones.zones_n, sc.population.zones.clusters_n) == (0, 0)
    assert sc.service_centres.centres_n == 0
    assert sc.population.running_costs.rent_per_m2_day == 0
    assert sc.loan_pool.interest_subsidy_share == 0
    assert sc.rates.programme_spread == 0 and sc.rates.market_spread_base == 0
    assert sc.cost_relief is None and sc.awards is None and sc.funds is None
    res = sim.run(
        sc.model_copy(update={"population": sc.population.model_copy(update={"firms_n": 300})}),
        seed=1,
    )
    assert res.summary_dict()["zone_budgets_exhausted_n"] == 0
    assert not any(a.startswith(("zone_", "cluster_")) for a in res.quotas["account"])


@pytest.mark.parametrize(
    ("drop", "field"),
    [
        (("rates", "lpr_1y"), "rates.lpr_1y"),
        (("horizon", "start_date"), "horizon.start_date"),
        (("guarantee", "fee_rate"), "guarantee.fee_rate"),
        (("guarantee", "coverage"), "guarantee.coverage"),
        (("guarantee", "leverage"), "guarantee.leverage"),
        (("guarantee", "market_fee_rate"), "guarantee.market_fee_rate"),
    ],
)
def test_a_rate_or_term_has_no_hidden_default(drop, field):
    data = _minimal()
    del data[drop[0]][drop[1]]
    with pytest.raises(sim.ScenarioError) as err:
        scenario_from_dict(data)
    assert field in err.value.fields
    assert "required key is missing" in str(err.value)


def test_relief_needs_zones_and_prices(tmp_path):
    data = _minimal()
    data["cost_relief"] = {
        "budget": 1e8,
        "eligible_tiers": ["sme"],
        "subsidy_rates": {"rent": 0.3},
    }
    with pytest.raises(sim.ScenarioError) as err:
        scenario_from_dict(data)
    assert "a scenario has no zones unless it declares them" in str(err.value)
    data["population"]["zones"] = {"zones_n": 2}
    with pytest.raises(sim.ScenarioError) as err:
        scenario_from_dict(data)
    assert err.value.fields == ("population.running_costs.rent_per_m2_day",)
    data["population"]["running_costs"] = {"rent_per_m2_day": 1.2}
    assert scenario_from_dict(data).cost_relief.budget == 1e8


def test_show_defaults_lists_the_values_no_file_wrote(tmp_path):
    f = tmp_path / "mini.yaml"
    f.write_text(yaml.safe_dump({**_minimal(), "name": "mini"}), encoding="utf-8")
    found = values_from_defaults(f)
    assert found["demand.patience_days"] == 90
    assert found["population.zones.zones_n"] == 0 and found["service_centres.centres_n"] == 0
    assert "rates.lpr_1y" not in found and "loan_pool.total" not in found
    r = CliRunner().invoke(app, ["show", str(f), "--defaults"])
    assert r.exit_code == 0, r.output
    assert "#   demand.patience_days: 90" in r.output
    # the baseline writes its zones, prices and rates: none of them is a default
    base = values_from_defaults(BASELINE)
    assert not any(
        k.startswith(("population.zones", "population.running_costs", "rates.lpr")) for k in base
    )
