"""The loan-pool loop written the straightforward way: one simpy process per firm.

This is the model a first simpy version would be: every firm is a Python object with
its own process that waits for its next financing need (Poisson arrivals), decides
whether to apply, queues for one of its bank's officers (a ``simpy.Resource``), waits
for the credit decision and draws the loan from the bank's quota (a
``simpy.Container``); refused for want of quota, it may retry at another bank.

It uses the baseline's parameters (population, demand, behaviour, lenders, rates, loan
pool) and covers *less* than :mod:`sim.model.engine` does: no awareness diffusion, service
centres, guarantees, loan book, cost relief, awards or funds. The comparison in
``benchmarks/compare.py`` therefore flatters this version.

Usage::

    python benchmarks/naive_simpy.py --firms 100000 --days 365
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


@dataclass
class Firm:
    """One firm and the attributes the loan decision needs."""

    index: int
    eligible: bool
    revenue: float
    employees: float
    pd_annual: float
    collateral_ratio: float
    main_bank: int


@dataclass
class Bank:
    """One lender: officers, review delay, appetite and its quota."""

    name: str
    officers: simpy.Resource
    review_time_days: float
    review_days: int
    max_expected_loss: float
    lgd: float
    quota: simpy.Container


class World:
    """Shared state of a run: parameters, banks, counters and the random generator."""

    def __init__(self, scenario: Any, env: simpy.Environment, rng: np.random.Generator):
        from sim.model.banks import build_lenders

        self.s = scenario
        self.env = env
        self.rng = rng
        lenders = build_lenders(scenario)
        pool = scenario.loan_pool
        self.banks = []
        for i, name in enumerate(lenders.names):
            quota = max(pool.total * lenders.quota_share[i] / scenario.population.scale, 1.0)
            group = scenario.banks.group
            spec = next((b for b in scenario.banks.lenders if b.name == name), group)
            self.banks.append(
                Bank(
                    name=name,
                    officers=simpy.Resource(env, capacity=spec.officers),
                    review_time_days=1.0 / spec.reviews_per_officer_day,
                    review_days=spec.review_days,
                    max_expected_loss=spec.max_expected_loss,
                    lgd=spec.lgd,
                    quota=simpy.Container(env, capacity=quota, init=quota),
                )
            )
        self.market_share = lenders.market_share / lenders.market_share.sum()
        self.needs = 0
        self.applications = 0
        self.approved = 0
        self.refused_credit = 0
        self.refused_quota = 0


def firm_life(env: simpy.Environment, firm: Firm, world: World) -> Generator[Any, Any, None]:
    """The process of one firm: needs arrive, the firm applies, banks decide."""
    s, rng = world.s, world.rng
    d, b, pool, rates = s.demand, s.behaviour, s.loan_pool, s.rates
    mean_gap = 365.0 / d.needs_per_firm_year if d.needs_per_firm_year > 0 else math.inf
    if rng.random() >= d.waiting_at_launch_share:
        yield env.timeout(rng.exponential(mean_gap))
    while True:
        world.needs += 1
        amount = (
            firm.revenue
            * d.amount_revenue_ratio_median
            * math.exp(d.amount_sigma * rng.standard_normal())
        )
        amount = min(amount, pool.max_per_firm)
        if firm.eligible and amount >= pool.min_amount:
            market = rates.lpr_1y + rates.market_spread_base
            market += rates.market_risk_premium_per_pd * firm.pd_annual
            programme = rates.lpr_1y + rates.programme_spread
            credit = firm.collateral_ratio < pool.credit_loan_max_collateral
            rate = max(market - programme, 0.0)
            if credit:
                rate += pool.interest_subsidy_share * programme
            benefit = amount * rate * pool.term_days / 365.0
            x = (
                b.apply_intercept
                + b.apply_benefit_slope * math.log((benefit + 1.0) / (b.application_cost + 1.0))
                + b.apply_size_slope * math.log(max(firm.employees, 1.0) / 50.0)
            )
            if rng.random() < 1.0 / (1.0 + math.exp(-x)):
                yield env.timeout(b.prep_days)
                yield env.process(apply(env, firm, amount, world))
        yield env.timeout(rng.exponential(mean_gap))


def apply(
    env: simpy.Environment, firm: Firm, amount: float, world: World
) -> Generator[Any, Any, None]:
    """One application and its retries at other banks after a refusal for quota."""
    s, rng = world.s, world.rng
    bank_index = firm.main_bank
    pd_term = 1.0 - (1.0 - firm.pd_annual) ** (s.loan_pool.term_days / 365.0)
    sd = s.banks.appetite_noise_sd
    for _ in range(s.behaviour.max_attempts):
        bank = world.banks[bank_index]
        with bank.officers.request() as req:
            yield req
            yield env.timeout(bank.review_time_days)
        yield env.timeout(bank.review_days)
        world.applications += 1
        appetite = bank.max_expected_loss * math.exp(sd * rng.standard_normal() - 0.5 * sd * sd)
        expected_loss = pd_term * bank.lgd * max(0.0, 1.0 - firm.collateral_ratio)
        if expected_loss > appetite:
            world.refused_credit += 1
            return
        if bank.quota.level >= amount:
            yield bank.quota.get(amount)
            world.approved += 1
            return
        world.refused_quota += 1
        if rng.random() >= s.behaviour.retry_probability:
            return
        bank_index = int(rng.choice(len(world.banks), p=world.market_share))
        yield env.timeout(s.behaviour.retry_delay_days)


def simulate_naive(firms: int, days: int, *, seed: int) -> dict[str, float]:
    """Build the firms and their processes, run ``days`` days and return counts.

    Parameters
    ----------
    firms
        Number of firms (each gets its own simpy process).
    days
        Horizon in days.
    seed
        Seed of the single random generator.

    Returns
    -------
    dict
        ``setup_s``, ``run_s``, ``cpu_s`` (set-up plus run), ``needs_n``, ``applications_n``, ``approved_n``,
        ``refused_credit_n``, ``refused_quota_n`` and ``events_n`` (simpy events
        scheduled).
    """
    from bench import BASELINE, scenario_overrides

    import sim
    from sim.model.banks import build_lenders
    from sim.model.population import make_population

    scenario = sim.load_scenario(BASELINE, scenario_overrides(firms, days))
    c0, t0 = time.process_time(), time.perf_counter()
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    world = World(scenario, env, rng)
    pop = make_population(scenario, build_lenders(scenario), rng=rng)
    eligible_tier = [t in scenario.loan_pool.eligible_tiers for t in pop.tier_names]
    cols = zip(
        pop.tier.tolist(),
        pop.revenue.tolist(),
        pop.employees.tolist(),
        pop.pd_annual.tolist(),
        pop.collateral_ratio.tolist(),
        pop.main_bank.tolist(),
        strict=True,
    )
    for i, (tier, rev, emp, pd_a, coll, bank) in enumerate(cols):
        firm = Firm(i, eligible_tier[tier], rev, emp, pd_a, coll, bank)
        env.process(firm_life(env, firm, world))
    t1 = time.perf_counter()
    env.run(until=days)
    c2, t2 = time.process_time(), time.perf_counter()
    return {
        "setup_s": t1 - t0,
        "run_s": t2 - t1,
        "cpu_s": c2 - c0,
        "needs_n": world.needs,
        "applications_n": world.applications,
        "approved_n": world.approved,
        "refused_credit_n": world.refused_credit,
        "refused_quota_n": world.refused_quota,
        # simpy numbers every scheduled event from one counter
        "events_n": next(env._eid),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the naive model once and print one JSON line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=100_000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--seed", type=int, default=20241202)
    args = p.parse_args(argv)
    out = simulate_naive(args.firms, args.days, seed=args.seed)
    print(json.dumps({"firms": args.firms, "days": args.days, **out}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
