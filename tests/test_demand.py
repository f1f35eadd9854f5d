"""Demand that already exists: existing loans renewed into the programme, lists pushed to
banks, and the seasonality of new needs (docs/model.md 7.1, 7.2).

Each test compares the mechanism on against off (or against its stated rule), so it fails
without the mechanism.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.analysis.baseline import baseline_table
from sim.model.engine import Model
from sim.results.demand_figures import first_quarter_share

from .conftest import small_scenario
from .test_bad_input import _assert_refused, _doc, _scenario_file, _set

# a short horizon: renewals, lists and seasonality all show within 120 days
# (with the baseline's own existing loans and seasonality off: each test turns on its own)
SHORT = [
    "horizon.days=120",
    "awards.round_days=[100]",
    "loan_pool.reallocation_day=null",
    "demand.existing_loans_share=0",
    "demand.renewal_share=0",
    "demand.monthly_weights=null",
]
EXISTING = ["demand.existing_loans_share=0.5", "demand.renewal_share=0.8"]


def _model(*sets: str, seed: int = 3) -> Model:
    return Model(small_scenario(*SHORT, *sets), np.random.SeedSequence(seed))


def _approved_by(r: sim.RunResult, day: int) -> int:
    a = r.applications
    dd = a["decision_day"].to_numpy(dtype=float, na_value=np.inf)
    return int(((a["outcome"] == "approved").to_numpy() & (dd <= day)).sum())


# ------------------------------------------------------------------ existing loans, renewals


def test_renewals_raise_early_approvals():
    off = sim.run(small_scenario(*SHORT), seed=1)
    on = sim.run(small_scenario(*SHORT, *EXISTING), seed=1)
    s = on.summary_values
    assert s["renewals_approved_n"] > 100
    # renewals come on top of the same new needs (their draws are untouched)
    assert _approved_by(on, 60) >= _approved_by(off, 60) + 0.5 * s["renewals_approved_n"] * 60 / 120
    assert "renewals_n" not in off.summary_values
    assert not off.applications["renewal"].any()
    assert on.applications["renewal"].sum() >= s["renewals_n"]


def test_a_firm_unaware_of_the_measures_renews_and_becomes_aware_at_maturity():
    sets = [
        "awareness.initial_share=0",
        "awareness.outreach_rate_day=0",
        "awareness.peer_rate_day=0",
    ]
    off = _model(*sets)
    assert (off.aware_day >= off.days).all()  # nobody would learn of the measures
    m = _model(*sets, *EXISTING)
    ex = m.existing
    renewing = ex.renewal_firm
    assert renewing.size > 100
    # told by its bank at the first maturity, whether it renews then or later
    assert (m.aware_day[renewing] == ex.first_maturity[renewing]).all()
    assert (ex.renewal_day >= ex.first_maturity[renewing]).all()
    assert sim.run(small_scenario(*SHORT, *sets), seed=3).applications.empty
    r = sim.run(small_scenario(*SHORT, *sets, *EXISTING), seed=3)
    apps = r.applications
    assert (apps["outcome"] == "approved").sum() > 50
    assert apps["renewal"].sum() >= r.summary_values["renewals_n"] > 50
    # only firms their bank told apply: renewals, and new needs of those firms after
    assert r.firms.loc[apps["firm"], "existing_loan"].all()


def test_renewals_follow_the_share_and_the_loan_term():
    m = _model(
        "demand.existing_loans_share={little_giant: 0.8, srdi: 0.2}", "demand.renewal_share=1"
    )
    ex, f = m.existing, m.firms
    names = list(f.tier_names)
    lg, srdi, other = (f.tier == names.index(t) for t in ("little_giant", "srdi", "non_core"))
    assert abs(ex.holds[lg].mean() - 0.8) < 0.07
    assert abs(ex.holds[srdi].mean() - 0.2) < 0.03
    assert not ex.holds[other].any()  # a tier not named holds none
    # renewal_share 1: every eligible holder renews at its first maturity, uniform over
    # the 365-day term, so about 120/365 of them within the horizon
    eligible = lg | srdi
    assert (ex.renewal_day == ex.first_maturity[ex.renewal_firm]).all()
    assert np.unique(ex.renewal_firm).size == ex.renewal_firm.size
    assert eligible[ex.renewal_firm].all()
    assert abs(ex.renewal_firm.size / (ex.holds & eligible).sum() - 120 / 365) < 0.05


def test_every_maturity_within_the_horizon_may_renew():
    m = _model(
        "horizon.days=730", "demand.existing_loans_share=0.5", "demand.renewal_share=0.5", seed=4
    )
    ex = m.existing
    holders = (ex.holds & m.loan_eligible_tier[m.firms.tier]).sum()
    # two maturities each (365-day term), each renewed with probability 0.5
    assert abs(ex.renewal_firm.size / holders - 1.0) < 0.08
    assert ((ex.renewal_day - ex.first_maturity[ex.renewal_firm]) % 365 == 0).all()
    per_year = np.bincount(ex.renewal_day // 365, minlength=2)
    assert abs(per_year[1] / per_year[0] - 1) < 0.15  # as many renewals in year 2 as in 1


def test_loan_holding_counts_existing_and_programme_loans():
    r = sim.run(small_scenario(*SHORT, *EXISTING), seed=2)
    s = r.summary_values
    eligible = r.firms["tier"].isin(["little_giant", "srdi"])
    existing = r.firms.loc[eligible, "existing_loan"].mean()
    assert abs(s["existing_loan_share"] - existing) < 1e-12
    assert abs(existing - 0.5) < 0.03
    assert existing < s["loan_holding_share"] < existing + 0.3


# ------------------------------------------------------------------ lists pushed to banks


def test_list_push_makes_the_listed_aware_no_faster_than_the_banks_call():
    sets = [
        "awareness.initial_share=0.1",
        "awareness.list_pushes=[{day: 10, share: 0.5}]",
    ]
    base = _model(sets[0])
    unlimited = _model(*sets)
    # 50 real firms a day at scale 2: 25 simulated firms a day
    limited = _model(*sets, "awareness.list_contacts_per_day=50", "population.scale=2")
    eligible = base.loan_eligible_tier[base.firms.tier]
    unaware = eligible & (base.aware_day > 10)
    for m in (unlimited, limited):
        assert abs(m.listed.sum() / unaware.sum() - 0.5) < 0.05
        assert not m.listed[~unaware].any()
    assert (unlimited.aware_day[unlimited.listed] <= 10).all()
    listed = limited.listed
    called = limited.list_called[listed]
    for d in (10, 20, 40, 60):
        # no more than the capacity by day d, and the capacity is used
        assert (called <= d).sum() <= 25 * (d - 10 + 1)
    assert (called <= 40).sum() >= 25 * 30 - 1
    assert (limited.aware_day[listed] <= limited.list_called[listed]).all()
    # the aware share of the daily table rises above the curve's by the calls made
    assert limited.aware_share_daily[60] > base.aware_share_daily[60] + 0.1


def test_list_calls_do_not_depend_on_the_sample():
    # the same real capacity (40 firms a day) calling the same real population through
    # samples of scale 1 and 4: the real firms listed and the mean call day agree
    out = []
    for n, scale in ((3000, 1), (750, 4)):
        m = _model(
            f"population.firms_n={n}",
            f"population.scale={scale}",
            "awareness.initial_share=0",
            "awareness.list_pushes=[{day: 0, share: 1}]",
            "awareness.list_contacts_per_day=40",
        )
        called = m.list_called[m.listed]
        assert (called < m.days).all()  # about 2,200 firms at 40 a day: done by day 60
        out.append((m.listed.sum() * scale, called.mean()))
    (n1, mean1), (n4, mean4) = out
    assert abs(n4 / n1 - 1) < 0.1
    # real firms are called evenly over n / 40 days: the mean call day is about n / 80
    assert abs(mean1 - n1 / 80) < 1.5
    assert abs(mean4 - n4 / 80) < 1.5


# ------------------------------------------------------------------ seasonality of new needs


def test_monthly_weights_move_new_needs_into_the_weighted_months():
    year = [
        "horizon.days=365",
        "horizon.start_date=2025-01-01",
        "demand.waiting_at_launch_share=0",
        "population.firms_n=3000",
    ]
    weights = [0.3, 0.1, 0.2] + [0.4 / 9] * 9
    plain_ = _model(*year)
    seasonal = _model(*year, f"demand.monthly_weights={weights}")
    for m, want in ((plain_, 90 / 365), (seasonal, 0.6)):
        q1 = (m.needs.day < 90).mean()
        n = m.needs.day.size
        assert abs(q1 - want) < 4 * np.sqrt(want * (1 - want) / n), (q1, want)
    jan = (seasonal.needs.day < 31).mean()
    feb = ((seasonal.needs.day >= 31) & (seasonal.needs.day < 59)).mean()
    assert jan > 2.5 * feb
    assert plain_.needs.day.size == pytest.approx(seasonal.needs.day.size, rel=0.1)


def test_first_quarter_share_of_the_first_calendar_year():
    import datetime as dt

    import pandas as pd

    start = dt.date(2024, 12, 2)
    days = 400
    lent = np.zeros(days)
    jan1 = (dt.date(2025, 1, 1) - start).days
    lent[jan1] = 3.0  # Q1 2025
    lent[jan1 + 200] = 1.0  # later in 2025
    lent[5] = 100.0  # December 2024: not in the year
    ts = pd.DataFrame({"day": np.arange(days), "disbursed_amount": lent})
    assert first_quarter_share(ts, start) == pytest.approx(0.75)
    assert np.isnan(first_quarter_share(ts.iloc[:300], start))  # no whole calendar year


def test_baseline_first_quarter_share_is_near_half():
    # the calibrated baseline (FACTS.md 8: 52 % in Q1 2024), one replication at full size:
    # within 45-55 %
    r = sim.run(sim.load_scenario("scenarios/shanghai_2024.yaml"))
    table = baseline_table(r).set_index("target")
    q1 = table.loc["first_quarter_lending_share", "simulated"]
    assert 0.45 <= q1 <= 0.55, q1
    assert table.loc["srdi_loan_holder_share", "simulated"] > 0.469


# ------------------------------------------------------------------ bad input

BAD = {
    "thirteen_weights": (
        _set("demand.monthly_weights", [1] * 13),
        "demand.monthly_weights",
        ("expected 12 non-negative numbers", "got 13 numbers"),
    ),
    "negative_weight": (
        _set("demand.monthly_weights", [1, 1, -1] + [1] * 9),
        "demand.monthly_weights.2",
        ("expected a number >= 0, got -1",),
    ),
    "zero_weights": (
        _set("demand.monthly_weights", [0] * 12),
        "demand.monthly_weights",
        ("not all 0", "12 numbers summing to 0"),
    ),
    "push_day_outside_horizon": (
        _set("awareness.list_pushes", [{"day": 2000, "share": 0.3}]),
        "awareness.list_pushes.0.day",
        ("expected a day within the horizon 0..1094; got 2000",),
    ),
    "push_share_above_one": (
        _set("awareness.list_pushes", [{"day": 20, "share": 1.3}]),
        "awareness.list_pushes.0.share",
        ("expected a share between 0 and 1",),
    ),
    "existing_share_unknown_tier": (
        _set("demand.existing_loans_share", {"giants": 0.3}),
        "demand.existing_loans_share.giants",
        ("unknown tier 'giants'", "tiers not named hold no loan"),
    ),
    "existing_share_above_one": (
        _set("demand.existing_loans_share", 1.5),
        "demand.existing_loans_share",
        ("expected a number <= 1, got 1.5",),
    ),
    "contacts_zero": (
        _set("awareness.list_contacts_per_day", 0),
        "awareness.list_contacts_per_day",
        ("expected a number > 0",),
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_demand_input_names_the_field(tmp_path, case):
    edit, field, expect = BAD[case]
    stderr = _assert_refused(
        tmp_path, _scenario_file(tmp_path, _doc(edit)), field=field, expect=expect
    )
    assert stderr.count("field '") == 1, stderr  # one message, not one per reading
