"""Run pre-flight: the memory a run needs, from the size of its population, accounts and
horizon, against what this host has available.

Public names: :func:`estimate_memory_bytes`, :func:`check_memory`.

This is not part of validation: a scenario is valid or not whatever host reads it
(a Dask worker re-validates the scenarios it receives). :func:`check_memory` runs before
a run on the host that runs it (:func:`sim.run`) and when a scenario file is loaded
for a run (:func:`sim.load_scenario`, unless asked not to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ScenarioError

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from .schema import Scenario

# Bytes of working memory per simulated firm, per financing need, per account-day (the
# daily level history is held three times at its peak: snapshots, stacked, scaled) and
# per zone-day (awareness curves), plus the interpreter with its libraries; used to
# refuse scenarios this machine cannot hold before anything is allocated. Measured with
# tests/test_bad_input.py::test_memory_estimate_is_near_a_measured_run.
_BYTES_PER_FIRM = 420
_BYTES_PER_NEED = 260
_BYTES_PER_ACCOUNT_DAY = 24
_BYTES_PER_GROUP_DAY = 16
_BYTES_BASE = 160 * 2**20
#: Share of the available memory a run may be expected to use.
MEMORY_SHARE = 0.8
#: Largest scenario file read (a scenario is a few kilobytes).


def estimate_memory_bytes(scenario: Scenario) -> int:
    """Rough peak memory of a run, in bytes.

    From the population size, the expected number of financing needs, the number of
    accounts (whose levels are recorded every day) and of zones (whose awareness is
    tracked every day). Within about 20 % of the measured peak of a run on the
    scenarios this was checked on, on the high side.
    """
    per_firm, per_day = _memory_terms(scenario)
    return int(per_firm + per_day + _BYTES_BASE)


def _memory_terms(scenario: Scenario) -> tuple[float, float]:
    """Bytes that grow with the population and its needs, and bytes that grow with days."""
    n = scenario.population.firms_n
    days = scenario.horizon.days
    needs = n * (
        scenario.demand.waiting_at_launch_share + scenario.demand.needs_per_firm_year * days / 365.0
    )
    d = scenario.demand
    if d.renews:
        # renewals into the programme, at most one a maturity (upper bound: the highest
        # tier share), and the existing loans' own columns
        s = d.existing_loans_share
        top = max(s.values()) if isinstance(s, dict) else s
        maturities = days / max(scenario.loan_pool.term_days, 1) + 1
        needs += n * top * d.renewal_share * maturities
        n_firm_bytes = 48 * n
    else:
        n_firm_bytes = 0
    banks = scenario.banks
    lenders = len(banks.lenders) + (banks.group.n if banks.group is not None else 0)
    zones = scenario.population.zones.zones_n + scenario.population.zones.clusters_n
    accounts = (
        (lenders if scenario.loan_pool.quota_mode == "bank_quotas" else 1)
        + (scenario.loan_pool.credit_sub_quota is not None)
        + 2 * (scenario.guarantee is not None)
        + (zones if scenario.cost_relief is not None else 0)
        + (scenario.awards is not None)
        + (scenario.funds is not None)
    )
    return (
        n * _BYTES_PER_FIRM + n_firm_bytes + needs * _BYTES_PER_NEED,
        days * accounts * _BYTES_PER_ACCOUNT_DAY + days * (zones + 1) * _BYTES_PER_GROUP_DAY,
    )


def _available_memory_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_memory(scenario: Scenario, *, file: str | Path | None = None) -> None:
    """Refuse a scenario whose run would not fit in this host's available memory.

    Parameters
    ----------
    scenario
        The validated scenario.
    file
        The scenario file, named in the message.

    Raises
    ------
    ScenarioError
        When the estimate (:func:`estimate_memory_bytes`) exceeds :data:`MEMORY_SHARE`
        of the available memory; names the field that drives the estimate.
    """
    need = estimate_memory_bytes(scenario)
    avail = _available_memory_bytes()
    if avail is None or need <= MEMORY_SHARE * avail:
        return
    # name the field that drives the estimate: the population, or the horizon over
    # which every account and zone is recorded daily
    n = scenario.population.firms_n
    per_firm, _ = _memory_terms(scenario)
    field = "population.firms_n" if per_firm >= need / 2 else "horizon.days"
    raise ScenarioError(
        f"expected a scenario that fits in this machine's memory: a run needs "
        f"about {need / 2**30:.1f} GiB ({n:,} firms over {scenario.horizon.days:,} days); "
        f"{avail / 2**30:.1f} GiB is available and a run may use "
        f"{MEMORY_SHARE:.0%} of it ({MEMORY_SHARE * avail / 2**30:.1f} GiB). Use a "
        "smaller population (population.scale lets each firm stand for several) "
        "or a shorter horizon",
        file=file,
        field=field,
    )
