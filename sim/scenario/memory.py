"""Memory estimate of a run, from the size of its population, accounts and horizon.

Public names: :func:`estimate_memory_bytes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
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
        n * _BYTES_PER_FIRM + needs * _BYTES_PER_NEED,
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
