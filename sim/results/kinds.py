"""Account kinds in the summary: which kind each account of the loan pool and of the
measures is, when targets were reached and by how much they were overshot.

Public names: :data:`KIND_SUMMARY_KEYS`, :func:`kinds_named`, :func:`kind_summary`.

The keys are written when an account is of another kind than its default
(``loan_pool.kind``, ``loan_pool.bank_quota_kind``, ``loan_pool.credit_sub_quota_kind``:
hard; a measure's accounts: as the measure says, :meth:`Instrument.names_a_kind
<sim.model.instruments.Instrument.names_a_kind>`) or partial grants are on, so that a
scenario of today's kinds keeps its summary (the quotas table always has
``account_kind``). A measure places its keys among the pool's (:class:`Slot
<sim.model.instruments.Slot>`, layout ``kinds``) and values them
(:meth:`Instrument.kind_summary <sim.model.instruments.Instrument.kind_summary>`). The
``*_exhausted_day`` keys are only ever set for hard and revolving accounts, the
``*_target_reached_day`` keys only for targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model.instruments import instrument_classes, place_slots
from ..scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from ..model.engine import Model

__all__ = ["KIND_SUMMARY_KEYS", "kinds_named", "kind_summary"]

#: The pool's keys on account kinds, in order.
_CORE_KIND_KEYS = (
    "pool_kind",
    "bank_quota_kind",
    "credit_sub_quota_kind",
    "pool_target_reached_day",
    "pool_overshoot_amount",
    "bank_quota_targets_reached_n",
    "first_bank_quota_target_reached_day",
    "credit_sub_quota_target_reached_day",
    "credit_sub_quota_overshoot_amount",
    "partial_grants_n",
)


class _KindKeys(Sequence[str]):
    """The keys on account kinds, the measures' placed among the pool's when read."""

    def __getitem__(self, index: Any) -> Any:
        return place_slots("kinds", _CORE_KIND_KEYS)[index]

    def __len__(self) -> int:
        return len(place_slots("kinds", _CORE_KIND_KEYS))


#: Summary keys on account kinds, in order (written when :func:`kinds_named`).
KIND_SUMMARY_KEYS: Sequence[str] = _KindKeys()

_EPS = 1e-6


def kinds_named(scenario: Scenario) -> bool:
    """Whether an account of the scenario is of another kind than the default (hard
    pool, quotas and credit sub-quota; revolving guarantee capacity) or partial grants
    are on: then the summary has the keys of :data:`KIND_SUMMARY_KEYS`."""
    lp = scenario.loan_pool
    return (
        lp.kind != "hard"
        or lp.quota_kind != "hard"
        or lp.credit_sub_quota_kind != "hard"
        or lp.partial_grants
        or any(cls.names_a_kind(scenario) for cls in instrument_classes())
    )


def _day(value: int) -> int | None:
    return int(value) if value >= 0 else None


def kind_summary(model: Model) -> dict[str, Any]:
    """The values of :data:`KIND_SUMMARY_KEYS`, in order (amounts scaled to the population)."""
    s, ledger, pool, scale = model.scenario, model.ledger, model.pool, model.scale
    lp = s.loan_pool
    quotas = pool.quota_accounts if pool.per_bank else np.empty(0, dtype=np.int64)
    # the pool: its own account, or the sum of the lender quotas
    pool_day: int | None = None
    pool_over = 0.0
    if lp.kind == "target":
        if pool.pool_id >= 0:
            pool_day = _day(ledger.reached_on[pool.pool_id])
            pool_over = max(-ledger.level[pool.pool_id], 0.0)
        else:
            hist = ledger.history()[:, quotas].sum(axis=1)
            hit = (hist <= _EPS + 1e-9 * ledger.initial[quotas].sum()).nonzero()[0]
            pool_day = int(hit[0]) if hit.size else None
            pool_over = max(-ledger.level[quotas].sum(), 0.0)
    reached = ledger.reached_on[quotas] if lp.quota_kind == "target" else np.empty(0)
    reached = reached[reached >= 0]
    credit = pool.credit_id

    def target_day(account: int) -> int | None:
        return _day(ledger.reached_on[account]) if account >= 0 else None

    def overshoot(account: int) -> float:
        if account < 0 or not ledger.is_target[account]:
            return 0.0
        return max(-ledger.level[account], 0.0) * scale

    values = {
        "pool_kind": lp.kind,
        "bank_quota_kind": lp.quota_kind if pool.per_bank else None,
        "credit_sub_quota_kind": lp.credit_sub_quota_kind if credit >= 0 else None,
        "pool_target_reached_day": pool_day,
        "pool_overshoot_amount": float(pool_over) * scale,
        "bank_quota_targets_reached_n": int(reached.size),
        "first_bank_quota_target_reached_day": int(reached.min()) if reached.size else None,
        "credit_sub_quota_target_reached_day": target_day(credit),
        "credit_sub_quota_overshoot_amount": overshoot(credit),
        "partial_grants_n": float(model.partial_grants_n) * scale,
    }
    for inst in model.instruments:
        values.update(inst.kind_summary(model))
    return {k: values[k] for k in KIND_SUMMARY_KEYS}
