"""Invariants of the model over randomly generated valid scenarios and seeds (Hypothesis).

Every run, whatever the scenario, must keep its books: every account balances to the
yuan, no level goes below zero, every refusal has one of the stated reasons, the loans
granted never exceed the pool (nor a lender's quota, nor the credit sub-quota), a firm's
outstanding guarantees never exceed the per-firm cap (nor its loans the per-firm limit),
relief never exceeds a zone's budget or a firm's yearly cap, and every application is
approved, refused or pending.

Scenarios vary the pool (size, lender quotas or one shared pool, credit sub-quota,
reallocation), the guarantee fund (capital, leverage, cap, coverage, or none), cost
relief (budget, rates, caps, explicit zone budgets, or none), zones (0 to 60, and
clusters), lenders (1 to 8 named, and a group), population (200 to 3,000 firms, scale),
horizon (30 to 400 days), behaviour and the seed. ``scarce`` scenarios shrink every
pool so that quotas, capacity and budgets run out and the refusal paths are exercised.

Examples per test under the ``ci`` profile: see the ``@examples(...)`` decorators (300
and 200, so that the whole suite stays under ten minutes on 2 cores; the ``thorough``
profile runs ten times as many); see tests/hypothesis_profiles.py for the profiles.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import event, given
from hypothesis import strategies as st

import sim
from sim.model.codes import OUTCOMES
from sim.model.engine import simulate
from sim.results import build_result
from sim.scenario import scenario_from_dict

from .conftest import HARD_CAPS
from .hypothesis_profiles import examples

# the baseline read as hard ceilings (every account hard, claims only): the checks below
# bound what is lent by what each account holds; guarantee modes and risk sharing are drawn
RAW = sim.load_scenario(HARD_CAPS).model_dump(mode="json")
TIERS = list(RAW["population"]["tiers"])
YUAN = 1.0  # books must balance to the yuan


def _x(u: np.random.Generator, lo: float, hi: float, *edges: float) -> float:
    """A number uniform in ``lo..hi``; one time in six one of the ``edges`` (0, 1...) instead."""
    if edges and u.random() < 1 / 6:
        return float(edges[u.integers(len(edges))])
    return float(u.uniform(lo, hi))


def _money(u: np.random.Generator, lo: float, hi: float) -> float:
    """A round amount, log-uniform between ``lo`` and ``hi``."""
    return float(round(10 ** u.uniform(math.log10(lo), math.log10(hi))))


def _weights(u: np.random.Generator, n: int, zero_ok: bool = False) -> list[float]:
    w = [_x(u, 0.05, 1.0, *([0.0] if zero_ok else [])) for _ in range(n)]
    if sum(w) <= 0:
        w = [1.0] * n
    total = sum(w)
    return [x / total for x in w]


def _tiers(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.sampled_from(TIERS), min_size=1, max_size=3, unique=True))


@st.composite
def scenarios(draw: st.DrawFn, scarce: bool = False) -> sim.Scenario:
    """A valid scenario: the baseline with most of its levers drawn at random.

    Amounts are drawn relative to the population (so pools can be ample or scarce at any
    size); ``scarce`` shrinks every pool, capacity and budget so that they run out.
    Hypothesis draws the structure (sizes, which measures, modes, counts, days); the
    continuous levers come from a generator it seeds, uniform over their ranges with
    their edge values now and then: Hypothesis's own floats crowd at the edges, where
    most measures do nothing.
    """
    u = np.random.default_rng(draw(st.integers(0, 2**64 - 1)))
    d: dict[str, Any] = copy.deepcopy(RAW)
    days = draw(st.integers(30, 400))
    d["horizon"] = {"days": days, "start_date": "2024-12-02"}
    pop = d["population"]
    pop["firms_n"] = draw(st.integers(200, 3000))
    pop["scale"] = draw(st.sampled_from([1.0, 1.0, 1.0, 2.5, 40.0]))
    pop["zones"] = {
        "zones_n": draw(st.sampled_from([0, 0, 1, 3, 12, 60])),
        "clusters_n": draw(st.sampled_from([0, 0, 2, 34])),
    }
    for t, w in zip(TIERS, _weights(u, len(TIERS)), strict=True):
        pop["tiers"][t]["share"] = w
        pop["tiers"][t]["collateral_ratio_mean"] = _x(u, 0.05, 0.6, 0.0, 1.0)
        pop["tiers"][t]["in_zone_share"] = _x(u, 0.2, 1.0, 0.0)
    n_zones = pop["zones"]["zones_n"] + pop["zones"]["clusters_n"]
    scale = pop["scale"]
    per_firm = pop["firms_n"] * scale  # the pools below are sized to the population

    d["demand"]["needs_per_firm_year"] = _x(u, 0.3, 3.0, 0.0)
    d["demand"]["waiting_at_launch_share"] = _x(u, 0.1, 0.9, 0.0, 1.0)
    d["demand"]["patience_days"] = draw(st.integers(0, 120))
    d["awareness"]["initial_share"] = _x(u, 0.2, 1.0, 0.0, 1.0)
    d["service_centres"]["centres_n"] = draw(st.integers(0, 20))
    b = d["behaviour"]
    b["apply_intercept"] = _x(u, -2.0, 3.0)
    b["max_attempts"] = draw(st.integers(1, 4))
    b["retry_probability"] = _x(u, 0.0, 1.0, 0.0, 1.0)
    b["retry_delay_days"] = draw(st.integers(0, 30))
    b["assisted_share"] = _x(u, 0.0, 1.0, 0.0, 1.0)

    # lenders: named ones, and perhaps a group of identical ones
    n_named = draw(st.integers(0, 8))
    group = draw(st.booleans()) or n_named == 0
    n_slots = n_named + int(group)
    market = _weights(u, n_slots)
    quota = _weights(u, n_slots, zero_ok=True)
    lenders = []
    for i in range(n_named):
        lenders.append(
            {
                "name": f"L{i}",
                "market_share": market[i],
                "quota_share": quota[i],
                "officers": draw(st.integers(1, 10)),
                "review_days": draw(st.integers(0, 30)),
                "max_expected_loss": _x(u, 0.001, 0.03),
                "lgd": _x(u, 0.2, 1.0, 0.0),
            }
        )
    d["banks"] = {"lenders": lenders, "appetite_noise_sd": _x(u, 0.0, 1.0, 0.0)}
    if group:
        d["banks"]["group"] = {
            "name": "grp",
            "n": draw(st.integers(1, 40)),
            "market_share": market[-1],
            "quota_share": quota[-1],
            "officers": draw(st.integers(1, 5)),
            "review_days": draw(st.integers(0, 30)),
        }

    # the loan pool
    lp = d["loan_pool"]
    lo, hi = (3e5, 3e6) if scarce else (3e6, 3e8)
    lp["total"] = _money(u, lo * per_firm, hi * per_firm)
    lp["quota_mode"] = draw(st.sampled_from(["bank_quotas", "shared_pool"]))
    lp["min_amount"] = _money(u, 1e4, 2e6)
    lp["max_per_firm"] = min(lp["total"], _money(u, lp["min_amount"], 3e8))
    lp["credit_sub_quota"] = draw(
        st.one_of(st.none(), st.just(round(_x(u, 0.0, 1.0, 0.0, 1.0) * lp["total"])))
    )
    lp["credit_loan_max_collateral"] = _x(u, 0.05, 0.5, 0.0, 1.0)
    lp["interest_subsidy_share"] = _x(u, 0.0, 1.0, 0.0)
    lp["eligible_tiers"] = _tiers(draw)
    lp["term_days"] = draw(st.integers(20, 400))
    lp["reallocation_day"] = draw(st.one_of(st.none(), st.integers(1, days - 1)))

    # the guarantee fund, or none
    if draw(st.integers(0, 4)) == 0:
        d.pop("guarantee")
    else:
        g = d["guarantee"]
        g["capital"] = 0.0 if draw(st.integers(0, 9)) == 0 else _money(
            u, (1e1 if scarce else 1e5) * per_firm, (1e4 if scarce else 3e7) * per_firm
        )  # fmt: skip
        g["leverage"] = _x(u, 1.0, 10.0, 0.0)
        capacity = g["capital"] * g["leverage"]
        # the per-firm cap: anywhere from binding on every loan to never binding
        cap = 0.0 if u.random() < 1 / 12 else min(capacity, _money(u, 1e5, 1e8))
        g["cap_per_firm"] = math.floor(cap)
        g["coverage"] = _x(u, 0.3, 1.0, 0.0, 1.0)
        g["max_pd_annual"] = _x(u, 0.01, 1.0, 0.0)
        g["eligible_tiers"] = _tiers(draw)
        g["mode"] = draw(st.sampled_from(["rescue", "bank_choice", "batch"]))
        g["batch_max_pd_annual"] = _x(u, 0.01, 1.0, 1.0)
        g["risk_sharing"] = draw(st.sampled_from(["first_loss", "proportional"]))

    # cost relief, or none
    if draw(st.integers(0, 4)) == 0:
        d.pop("cost_relief")
    else:
        c = d["cost_relief"]
        c["budget"] = (
            0.0 if n_zones == 0 else _money(u, 1e2 * per_firm, (1e4 if scarce else 1e6) * per_firm)
        )  # fmt: skip
        c["allocation"] = draw(st.sampled_from(["equal", "by_firms"]))
        c["subsidy_rates"] = {
            k: _x(u, 0.0, 1.0, 0.0, 1.0) for k in ("rent", "electricity", "water", "internet")
        }
        c["cap_per_firm_year"] = _money(u, 1.0, 5e6)
        c["claim_interval_days"] = draw(st.integers(1, 120))
        c["eligible_tiers"] = _tiers(draw)
        c["requires_awareness"] = draw(st.booleans())
        if n_zones and draw(st.booleans()):
            names = [f"zone_{i + 1:02d}" for i in range(pop["zones"]["zones_n"])] + [
                f"cluster_{i + 1:02d}" for i in range(pop["zones"]["clusters_n"])
            ]
            chosen = draw(st.lists(st.sampled_from(names), max_size=4, unique=True))
            shares = _weights(u, len(chosen) + 1)
            c["zone_budgets"] = {
                z: math.floor(c["budget"] * s) for z, s in zip(chosen, shares[:-1], strict=True)
            }

    # awards and funds keep the baseline's shape, within the horizon
    d["awards"]["round_days"] = draw(
        st.lists(st.integers(0, days - 1), max_size=3, unique=True).map(sorted)
    )
    d["awards"]["budget"] = _money(u, 1e3, 1e9)
    if draw(st.booleans()):
        d.pop("funds")
    d["seed"] = draw(st.integers(0, 2**32))
    return scenario_from_dict(d)


# --------------------------------------------------------------------------- the invariants


def _run(sc: sim.Scenario, seed: int) -> tuple[sim.RunResult, np.ndarray]:
    """Run; also return each application's end day (maturity or default), -1 if none."""
    model = simulate(sc, np.random.SeedSequence(seed))
    return build_result(model), model.apps.view()["end_day"].copy()


def check_books(res: sim.RunResult) -> None:
    """initial + released + in - out == remaining + drawn, to the yuan; no level below zero."""
    q = res.quotas
    lhs = q["initial"] + q["released"] + q["transferred_in"] - q["transferred_out"]
    rhs = q["remaining"] + q["drawn"]
    off = (lhs - rhs).abs()
    assert (off <= YUAN).all(), q.loc[off > YUAN, ["account", "initial", "drawn", "remaining"]]
    # a target may be drawn beyond its level (its overshoot); nothing else goes below zero
    capped = q["account_kind"] != "target" if "account_kind" in q else True
    below = (q["remaining"] < 0) & capped
    assert not below.any(), q.loc[below, ["account", "remaining"]]
    levels = res.levels.to_numpy()
    assert (levels >= 0).all(), "a daily level went below zero"
    assert levels.shape[0] == res.scenario.horizon.days
    exhausted = q["exhausted_on"].dropna()
    assert ((exhausted >= 0) & (exhausted < res.scenario.horizon.days)).all()


def check_outcomes(res: sim.RunResult) -> None:
    """Every application is approved, refused for a stated reason, or pending; counts add up."""
    apps, s = res.applications, res.summary_dict()
    out = apps["outcome"].astype(str)
    assert not apps["outcome"].isna().any()
    assert set(out) <= set(OUTCOMES)
    pending = out == "pending"
    assert apps.loc[pending, "decision_day"].isna().all()
    assert apps.loc[~pending, "decision_day"].notna().all()
    scale = res.scenario.population.scale
    parts = ["approved_n", "refused_credit_n", "refused_quota_n", "refused_guarantee_n"]
    parts += ["refused_firm_limit_n", "pending_n"]
    assert math.isclose(s["applications_n"], sum(s[k] for k in parts), rel_tol=1e-12)
    assert math.isclose(s["applications_n"], len(apps) * scale, rel_tol=1e-12)
    # an account refuses only once it is exhausted: the reason names a closed account
    q = res.quotas.set_index("account")
    day = apps["decision_day"]
    if res.scenario.loan_pool.quota_mode == "bank_quotas":
        acc = "quota:" + apps["bank"].astype(str)
        group = res.scenario.banks.group
        if group is not None:  # a group's lenders hold one quota between them
            acc = acc.where(acc.isin(q.index), f"quota:{group.name}")
    else:
        acc = pd.Series("loan_pool", index=apps.index)
    for reason, account in [
        ("refused_quota", acc),
        ("refused_credit_quota", pd.Series("credit_sub_quota", index=apps.index)),
        ("refused_guarantee", pd.Series("guarantee_capacity", index=apps.index)),
    ]:
        rows = out == reason
        if rows.any():
            closed = q.loc[account[rows], "exhausted_on"].to_numpy(dtype=float, na_value=np.nan)
            assert (closed <= day[rows].to_numpy(dtype=float)).all(), reason
    # the needs funnel accounts for every need
    assert math.isclose(res.needs.drop(columns="tier").to_numpy().sum(), s["needs_n"], rel_tol=1e-9)


def check_pool(res: sim.RunResult) -> None:
    """Loans granted never exceed the pool, a lender's quota or the credit sub-quota; the
    books of the loan accounts are exactly the loans in the applications table."""
    sc, apps, q = res.scenario, res.applications, res.quotas
    scale = sc.population.scale
    ok = apps["outcome"] == "approved"
    lent = apps.loc[ok, "amount"].sum() * scale
    pool = q[q["kind"].isin(["bank_quota", "loan_pool"])]
    assert lent <= sc.loan_pool.total + YUAN
    assert abs(pool["drawn"].sum() - lent) <= YUAN
    assert abs(res.summary_dict()["disbursed_amount"] - lent) <= YUAN
    if sc.loan_pool.quota_mode == "bank_quotas":
        account = "quota:" + apps.loc[ok, "bank"].astype(str)
        if sc.banks.group is not None:  # a group's lenders hold one quota between them
            account = account.where(account.isin(pool["account"]), f"quota:{sc.banks.group.name}")
        by_account = apps.loc[ok, "amount"].groupby(account).sum() * scale
        avail = (pool["initial"] + pool["transferred_in"] - pool["transferred_out"]).to_numpy()
        drawn = by_account.reindex(pool["account"], fill_value=0.0)
        assert (drawn.to_numpy() <= avail + YUAN).all()
    if sc.loan_pool.credit_sub_quota is not None:
        credit = apps.loc[ok & apps["credit_loan"], "amount"].sum() * scale
        assert credit <= sc.loan_pool.credit_sub_quota + YUAN
        sub = q.loc[q["kind"] == "credit_sub_quota", "drawn"].sum()
        assert abs(sub - credit) <= YUAN
    else:
        assert (q["kind"] != "credit_sub_quota").all()


def _outstanding_max(apps: pd.DataFrame, end: np.ndarray, column: str) -> pd.Series:
    """Per firm, the largest total of ``column`` outstanding right after a decision round.

    A loan decided on day d is outstanding from d until its end day e inclusive (it is
    released after that day's decisions); the largest total is reached just after some
    decision round, so checking at every decision day of the firm is enough.
    """
    ok = (apps["outcome"] == "approved").to_numpy() & (apps[column].to_numpy() > 0)
    if not ok.any():
        return pd.Series(dtype=float)
    firm = apps["firm"].to_numpy()[ok]
    start = apps["decision_day"].to_numpy(dtype=float, na_value=np.nan)[ok]
    stop = end[ok].astype(float)
    value = apps[column].to_numpy()[ok]
    out = {}
    for f in np.unique(firm):
        m = firm == f
        s, e, v = start[m], stop[m], value[m]
        live = (s[None, :] <= s[:, None]) & (e[None, :] >= s[:, None])
        out[f] = (live * v[None, :]).sum(axis=1).max()
    return pd.Series(out)


def check_firm_caps(res: sim.RunResult, end: np.ndarray) -> None:
    """A firm's outstanding guarantees never exceed the cap, nor its loans the limit."""
    sc, apps = res.scenario, res.applications
    assert (end[(apps["outcome"] == "approved").to_numpy()] >= 0).all()
    loans = _outstanding_max(apps, end, "amount")
    assert (loans <= sc.loan_pool.max_per_firm * (1 + 1e-9)).all(), loans.max()
    if sc.guarantee is None:
        assert (apps["guarantee"] == 0).all()
        return
    g = _outstanding_max(apps, end, "guarantee")
    assert (g <= sc.guarantee.cap_per_firm * (1 + 1e-9) + 1e-6).all(), g.max()
    ok = apps["outcome"] == "approved"
    cover = apps.loc[ok, "guarantee"] <= sc.guarantee.coverage * apps.loc[ok, "amount"] + 1e-6
    assert cover.all()
    cap = res.quotas.loc[res.quotas["kind"] == "guarantee_capacity", "drawn"].sum()
    assert abs(cap - apps.loc[ok, "guarantee"].sum() * sc.population.scale) <= YUAN


def check_relief(res: sim.RunResult) -> None:
    """Relief never exceeds a zone's budget nor, per firm, the yearly cap."""
    sc, s = res.scenario, res.summary_dict()
    zones = res.quotas[res.quotas["kind"] == "zone_budget"]
    paid = s["relief_paid_amount"]
    if sc.cost_relief is None or sc.cost_relief.budget == 0:
        assert paid == 0
        return
    assert (zones["drawn"] <= zones["initial"] + YUAN).all()
    assert zones["drawn"].sum() <= sc.cost_relief.budget + YUAN
    assert abs(zones["drawn"].sum() - paid) <= YUAN
    relief = res.savings[res.savings["category"].astype(str).str.startswith("relief_")]
    per_firm = relief.groupby("firm")["amount"].sum()
    assert abs(per_firm.sum() * sc.population.scale - paid) <= YUAN
    # claim rounds fall on days 0, k, 2k, ...: the yearly cap applies in each year they span
    rounds = range(0, sc.horizon.days, sc.cost_relief.claim_interval_days)
    years = len({d // 365 for d in rounds})
    assert (per_firm <= years * sc.cost_relief.cap_per_firm_year * (1 + 1e-9) + 1e-6).all()


def _record(res: sim.RunResult) -> None:
    """What the example exercised (shown by ``pytest --hypothesis-show-statistics``)."""
    q, out = res.quotas, set(res.applications["outcome"].astype(str))
    for kind in [
        "bank_quota",
        "loan_pool",
        "credit_sub_quota",
        "guarantee_capacity",
        "zone_budget",
    ]:
        rows = q[q["kind"] == kind]
        if len(rows):
            event(f"{kind} exhausted: {bool(rows['exhausted_on'].notna().any())}")
    for reason in OUTCOMES[1:-1]:
        event(f"{reason}: {reason in out}")
    event(f"transfers: {bool((q['transferred_in'] > 0).any())}")


def check_all(sc: sim.Scenario, seed: int) -> None:
    res, end = _run(sc, seed)
    _record(res)
    check_books(res)
    check_outcomes(res)
    check_pool(res)
    check_firm_caps(res, end)
    check_relief(res)


@examples(300)
@given(sc=scenarios(), seed=st.integers(0, 2**63 - 1))
def test_invariants_hold_for_any_valid_scenario(sc, seed):
    check_all(sc, seed)


@examples(200)
@given(sc=scenarios(scarce=True), seed=st.integers(0, 2**63 - 1))
def test_invariants_hold_when_every_pool_runs_out(sc, seed):
    check_all(sc, seed)
