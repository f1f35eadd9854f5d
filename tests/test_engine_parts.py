"""The engine's parts and hooks: daily columns declared by measures, cover offered by a
measure the engine does not know, and a model composed of parts it calls."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from sim.model import engine as engine_module
from sim.model.arrivals import Arrivals
from sim.model.codes import Outcome
from sim.model.credit import Cover, CreditBatch
from sim.model.daily import timeseries_columns
from sim.model.engine import Model, simulate
from sim.model.instruments import Instrument, instrument_classes

from .conftest import small_scenario

ROOT = Path(__file__).resolve().parents[1]

#: The daily table's columns as the engine listed them before measures declared theirs.
LAYOUT = (
    "needs_due",
    "declined_n",
    "applications_n",
    "approved_n",
    "refused_credit_n",
    "refused_quota_n",
    "refused_guarantee_n",
    "disbursed_amount",
    "guaranteed_amount",
    "relief_paid_amount",
    "awards_paid_amount",
    "funds_invested_amount",
    "defaults_n",
    "claims_paid_amount",
    "aware_share",
    "review_capacity_n",
    "subsidy_paid_amount",
    "subsidy_unpaid_amount",
)


def test_daily_columns_declared_by_measures_keep_the_table_order():
    assert timeseries_columns() == LAYOUT


def test_the_engine_names_no_optional_measure():
    text = (ROOT / "sim" / "model" / "engine.py").read_text()
    for name in ("GuaranteeInstrument", "ServiceCentresInstrument", "self.guarantee", "gi."):
        assert name not in text, name
    # no mixins: the model is composed of parts it calls
    tree = ast.parse(text)
    model = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Model")
    assert model.bases == []


class _HalfCover(Instrument):
    """A throwaway measure: half of every loan the bank refuses on its own, from a budget.

    It has no ``rank`` in its class body, so it does not register itself; the test hands it
    to the engine.
    """

    columns = ("half_cover_amount",)
    column_places = {"half_cover_amount": "loan_book"}

    def __init__(self, scenario, firms, lenders, ledger):
        super().__init__(scenario, firms, lenders, ledger)
        self.active = True
        self.account = ledger.open(
            "half_cover", "half_cover", 1e9, refusal=int(Outcome.REFUSED_GUARANTEE)
        )
        self.batches_n = 0
        self.settled = 0.0

    def offer_cover(self, model: Model, batch: CreditBatch) -> Cover | None:
        rows = (~batch.ok0 & batch.pending).nonzero()[0]
        if rows.size == 0:
            return None
        # the bank's appetite with half the uncovered loss taken: it approves or not
        ok = batch.el0[rows] * 0.5 <= batch.appetite[rows]
        rows = rows[ok]
        return Cover(rows, 0.5 * batch.amount[rows], self.account)

    def cover_settled(self, model: Model, batch: CreditBatch, cover: np.ndarray) -> None:
        self.batches_n += 1
        self.settled += cover.sum()

    def loans_booked(self, model: Model, day: int, app: np.ndarray) -> None:
        model.ts["half_cover_amount"][day] += model.apps.cols["guarantee"][app].sum()


_HalfCover.rank = 99


def test_a_measure_the_engine_does_not_know_offers_cover(monkeypatch):
    scenario = small_scenario("guarantee=null", "population.firms_n=1500")
    without = simulate(scenario, np.random.SeedSequence(5))
    monkeypatch.setattr(
        engine_module, "instrument_classes", lambda: [*instrument_classes(), _HalfCover]
    )
    m = simulate(scenario, np.random.SeedSequence(5))
    cover = m.instrument(_HalfCover)
    a = m.apps.view()
    approved = a["outcome"] == Outcome.APPROVED
    covered = approved & (a["guarantee"] > 0)
    assert covered.sum() > 0
    np.testing.assert_allclose(a["guarantee"][covered], 0.5 * a["amount"][covered])
    # the cover drew on its account, and the additional loans are the covered ones
    assert m.ledger.drawn[cover.account] == pytest.approx(a["guarantee"][approved].sum())
    assert (a["additional"][approved] == covered[approved]).all()
    assert cover.settled == pytest.approx(a["guarantee"][approved].sum())
    assert cover.batches_n > 0
    # its daily column sits in its place, after the day's claims
    keys = list(m.ts)
    assert keys.index("half_cover_amount") == keys.index("claims_paid_amount") + 1
    assert m.ts["half_cover_amount"].sum() == pytest.approx(a["guarantee"][approved].sum())
    assert approved.sum() > (without.apps.view()["outcome"] == Outcome.APPROVED).sum()


def test_the_model_calls_its_parts(small):
    m = Model(small, np.random.SeedSequence(1))
    assert isinstance(m.arrivals, Arrivals)
    assert m.needs is m.arrivals.needs
    assert m.review.needs is m.needs and m.review.apps is m.apps
    np.testing.assert_array_equal(m.ts["review_capacity_n"], m.review.capacity.sum(axis=0))
