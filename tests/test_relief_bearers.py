"""Cost relief booked by who bears it (``cost_relief.bearers``): the bearers' amounts add up
to all relief, only the public budgets' part is a fiscal cost, the claim reading of the
baseline's rent relief is kept as a variant, and the cover and terminal show both."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.model.engine import simulate
from sim.model.instruments.cost_relief import BEARERS, PUBLIC_BEARERS
from sim.results import build_result

from .conftest import BASELINE, SCENARIOS, SMALL, small_scenario

FAST = ["population.firms_n=1500", "horizon.days=200", "awards.round_days=[100]"]
#: rent and broadband cut, electricity and water claimed (both channels in one run)
MIXED = [
    "cost_relief.channels.rent=tariff_cut",
    "cost_relief.channels.internet=tariff_cut",
    "awareness.ceiling=0.5",
]
#: the bearers the baseline declares (the mechanism tests' scenario declares none)
DECLARED = "cost_relief.bearers={claim: city}"
BEARER_KEYS = [f"relief_{b}_amount" for b in BEARERS]


def _run(*extra: str, seed: int = 4) -> dict:
    m = simulate(small_scenario(*FAST, *MIXED, *extra), np.random.SeedSequence(seed))
    return build_result(m).summary_dict()


@pytest.fixture(scope="module")
def runs() -> dict[str, dict]:
    """The same run (same seed) with the relief borne by different bearers."""
    return {
        "default": _run(DECLARED),  # the baseline's bearers: claims the city's, rent cut
        "rent_districts": _run("cost_relief.bearers={claim: city, rent: districts}"),
        "claims_private": _run("cost_relief.bearers={claim: park_operators}"),
        "undeclared": _run("cost_relief.bearers=null"),
    }


def test_the_bearers_amounts_add_up_to_all_relief(runs):
    for s in runs.values():
        if "relief_total_amount" not in s:
            continue
        assert math.isclose(sum(s[k] for k in BEARER_KEYS), s["relief_total_amount"], rel_tol=1e-9)
        total = s["relief_claim_amount"] + s["relief_tariff_cut_amount"]
        assert math.isclose(s["relief_total_amount"], total, rel_tol=1e-12)
    s = runs["default"]
    # claims (electricity, water) are the city's; the rent cut the park operators';
    # the broadband cut the carriers'
    assert math.isclose(s["relief_city_amount"], s["relief_claim_amount"], rel_tol=1e-9)
    assert s["relief_park_operators_amount"] == s["relief_tariff_cut_landlords_amount"] > 0
    assert s["relief_carriers_amount"] == s["relief_tariff_cut_carriers_amount"] > 0
    assert s["relief_districts_amount"] == s["relief_utilities_amount"] == 0
    assert s["relief_rent_off_budget_amount"] == s["relief_park_operators_amount"]


def test_only_relief_borne_by_public_budgets_is_a_fiscal_cost(runs):
    base = runs["default"]
    same = ("relief_total_amount", "relief_claim_amount", "relief_tariff_cut_amount")
    for name in ("rent_districts", "claims_private"):
        for k in same:  # the firms get the same relief: only who bears it changes
            assert runs[name][k] == base[k], (name, k)
    public = lambda s: sum(s[f"relief_{b}_amount"] for b in PUBLIC_BEARERS)  # noqa: E731

    def rest(s: dict) -> float:  # the fiscal cost of the other measures
        return s["fiscal_cost_amount"] - public(s)

    # a rent cut borne by the districts is a fiscal cost, paid on the days of the cuts
    r = runs["rent_districts"]
    assert r["relief_districts_amount"] == base["relief_park_operators_amount"] > 0
    assert r["relief_park_operators_amount"] == r["relief_rent_off_budget_amount"] == 0
    assert r["fiscal_cost_amount"] == pytest.approx(
        base["fiscal_cost_amount"] + r["relief_districts_amount"], rel=1e-9
    )
    assert r["fiscal_cost_in_horizon_amount"] == pytest.approx(
        base["fiscal_cost_in_horizon_amount"] + r["relief_districts_amount"], rel=1e-9
    )
    # claims from zone budgets funded by the park operators are not
    c = runs["claims_private"]
    assert c["relief_city_amount"] == 0
    assert c["relief_park_operators_amount"] == pytest.approx(
        base["relief_claim_amount"] + base["relief_park_operators_amount"], rel=1e-9
    )
    assert c["fiscal_cost_amount"] == pytest.approx(
        base["fiscal_cost_amount"] - base["relief_claim_amount"], rel=1e-9
    )
    for s in (base, r, c):
        assert rest(s) == pytest.approx(rest(base), rel=1e-9, abs=1.0)


def test_without_bearers_claims_are_fiscal_and_there_is_no_key_by_bearer(runs):
    u, base = runs["undeclared"], runs["default"]
    assert not set(u) & {*BEARER_KEYS, "relief_total_amount", "relief_rent_off_budget_amount"}
    common = set(u) - {"scenario"}
    assert {k: u[k] for k in common} == {k: base[k] for k in common}


def _summary(path, *extra: str) -> dict:
    small = [*SMALL, "population.firms_n=1500"]
    return sim.run(sim.load_scenario(path, [*small, *extra]), seed=3).summary_dict()


def test_the_rent_claim_variant_is_the_baseline_before_relief_was_booked_by_bearer():
    """``shanghai_2024_rent_claim.yaml`` gives every figure of the baseline read as before:
    rent claimed from the zone budgets, no bearers declared; it adds the keys by bearer."""
    variant = _summary(SCENARIOS / "shanghai_2024_rent_claim.yaml")
    before = _summary(BASELINE, "cost_relief.channels.rent=claim", "cost_relief.bearers=null")
    assert variant["scenario"] == "shanghai_2024_rent_claim"
    assert set(before) <= set(variant)
    diff = {
        k: (before[k], variant[k]) for k in before if k != "scenario" and before[k] != variant[k]
    }
    assert not diff, diff
    assert variant["relief_claim_amount"] > 0
    assert variant["relief_park_operators_amount"] == variant["relief_rent_off_budget_amount"] == 0
    assert math.isclose(variant["relief_city_amount"], variant["relief_claim_amount"], rel_tol=1e-9)


def test_the_baseline_bears_its_rent_relief_outside_the_budgets():
    s = _summary(BASELINE)
    assert s["relief_claim_amount"] == 0  # every category is a cut: no zone budget is drawn
    assert s["relief_city_amount"] == s["relief_districts_amount"] == 0
    assert s["relief_park_operators_amount"] == s["relief_rent_off_budget_amount"] > 0
    assert s["relief_utilities_amount"] > 0 and s["relief_carriers_amount"] > 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cover_and_terminal_show_relief_by_bearer_and_the_fiscal_cost_as_read_both_ways(lang):
    from sim.cli.run import summary_lines
    from sim.reporting.formatting import format_money as fmt
    from sim.reporting.i18n import tr
    from sim.reporting.run_report import cover_rows

    r = sim.run(small_scenario(*FAST, DECLARED, "cost_relief.channels.rent=tariff_cut"), seed=2)
    s = r.summary_values
    rows = cover_rows(r, lang)
    labels = [label for label, _ in rows]
    # rent is cut by the park operators, the other categories claimed from city budgets
    for b in ("park_operators", "city"):
        assert tr(f"h.relief_{b}", lang) in labels
    assert tr("h.relief_utilities", lang) not in labels  # bore nothing: no row
    # right after the fiscal cost: the fiscal cost if rent relief were paid from budgets
    i = labels.index(tr("h.fiscal_rent_claimed", lang))
    assert labels[i - 1].startswith(tr("h.fiscal_of", lang, terms="")[:4])
    alt = s["fiscal_cost_amount"] + s["relief_park_operators_amount"]
    assert rows[i][1] == fmt(alt, s["currency"], lang)
    lines = "\n".join(summary_lines(s, r.scenario, lang))
    assert tr("h.relief_bearers", lang) in lines
    assert fmt(alt, s["currency"], lang) in lines
    # zone budgets are not drawn when nothing is claimed: their exhaustion is not shown
    assert tr("h.zones_exhausted", lang) in labels
    every_cut = [
        f"cost_relief.channels.{c}=tariff_cut" for c in ("electricity", "water", "internet")
    ]
    cut = sim.run(
        small_scenario(*FAST, DECLARED, "cost_relief.channels.rent=tariff_cut", *every_cut), seed=2
    )
    assert tr("h.zones_exhausted", lang) not in [label for label, _ in cover_rows(cut, lang)]


def test_the_relief_page_shows_who_bore_the_relief():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from sim.reporting.run_report import plot_relief_by_bearer

    every_cut = [f"cost_relief.channels.{c}=tariff_cut" for c in ("rent", "electricity", "water")]
    r = sim.run(
        small_scenario(*FAST, DECLARED, *every_cut, "cost_relief.channels.internet=tariff_cut")
    )
    assert r.summary_values["relief_paid_amount"] == 0
    fig = Figure()
    bars = plot_relief_by_bearer(fig.add_subplot(), r)
    assert len(bars) == len(BEARERS)
    widths = [b.get_width() for b in bars]
    assert sum(widths) * 1e9 == pytest.approx(r.summary_values["relief_total_amount"], rel=1e-9)
