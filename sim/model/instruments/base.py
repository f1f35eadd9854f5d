"""The instrument interface: what a measure of the programme declares and does in a run.

Public names: :class:`Instrument`, :class:`Process`, :func:`instrument_classes`,
:func:`simulated_count`.

A measure is one subclass of :class:`Instrument` in its own module of
:mod:`sim.model.instruments`. It

- names the scenario section it reads (``section``; the section may be absent);
- opens its accounts in the ledger when it is built, from
  ``(scenario, firms, lenders, ledger)``, the same arguments for every measure;
- registers its processes with the engine (:meth:`Instrument.processes`);
- contributes time-series columns and summary keys: ``columns`` are written every day of
  every run (the fixed layout of the ``timeseries`` table), ``extra_columns`` and
  ``summary_keys`` only when the measure is active, so a scenario without the measure's
  section gives the same tables as before the measure existed;
- places each of its ``columns`` in the daily table (``column_places``: after the
  day's lending, after the day's defaults, or last; see
  :func:`sim.model.daily.timeseries_columns`);
- may change the bank's credit rule (:meth:`Instrument.bank_loss_share`), offer cover
  to the day's credit decisions (:meth:`Instrument.offer_cover`,
  :meth:`Instrument.cover_settled`), react to loans booked and ended
  (:meth:`Instrument.loans_booked`, :meth:`Instrument.loans_ended`) and book what no
  step reads at the end of the run (:meth:`Instrument.loans_closed`);
- may reach out to firms and help them prepare applications
  (:meth:`Instrument.outreach_contacts_per_day`, :meth:`Instrument.assisted_ready_days`);
- books the savings it gives firms and its fiscal cost (:meth:`Instrument.savings_terms`,
  :meth:`Instrument.fiscal_terms`).

Subclasses register themselves (``__init_subclass__``); the engine builds every
registered measure in ``rank`` order, which is also the order in which accounts are
opened, processes are scheduled within a day and amounts are added up. The order of
additions is part of the results: a new measure takes a rank after the existing ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ...scenario import Scenario
    from ..banks import LenderTable
    from ..credit import Cover, CreditBatch
    from ..engine import Model
    from ..ledger import Ledger
    from ..population import Firms

__all__ = ["Instrument", "Process", "instrument_classes", "simulated_count"]

#: Offset within a day of the measures' processes (after loan decisions and the loan
#: book, before the daily record); a measure's processes run at ``MEASURES_OFFSET + k/100``.
MEASURES_OFFSET = 0.4


@dataclass(frozen=True)
class Process:
    """A step the engine calls at ``offset`` within each scheduled day.

    Attributes
    ----------
    offset
        Time within the day (0..1): fixes the order of processes on a day.
    step
        ``step(day)``, called once on each scheduled day.
    every
        Interval in days between calls (from day 0), when ``days`` is None.
    days
        Explicit days to run on, instead of ``every``.
    """

    offset: float
    step: Callable[[int], None]
    every: int = 1
    days: list[int] | None = None


_REGISTRY: list[type[Instrument]] = []


class Instrument:
    """Base class of a measure: declarations, hooks and what it books.

    Parameters
    ----------
    scenario
        The validated scenario.
    firms
        The population.
    lenders
        The lender table.
    ledger
        The ledger in which to open the measure's accounts (before it is frozen).

    Attributes
    ----------
    active
        Whether the measure runs in this scenario (its section is present and funded).
    """

    #: Scenario section the measure reads (``None``: none of its own).
    section: ClassVar[str | None] = None
    #: Order among measures: accounts, processes and sums follow it.
    rank: ClassVar[int]
    #: Time-series columns written in every run (zeros when inactive).
    columns: ClassVar[tuple[str, ...]] = ()
    #: Time-series columns added only when the measure is active.
    extra_columns: ClassVar[tuple[str, ...]] = ()
    #: Summary keys added only when the measure is active (see :meth:`summary`).
    summary_keys: ClassVar[tuple[str, ...]] = ()
    #: Time-series columns of money the measure pays firms on that day (their savings).
    savings_columns: ClassVar[tuple[str, ...]] = ()
    #: Time-series columns of money the measure pays out on that day (its fiscal cost).
    fiscal_columns: ClassVar[tuple[str, ...]] = ()

    #: Where each of :attr:`columns` goes in the daily table: ``"lending"`` (after the
    #: day's decisions and amounts lent, the default), ``"loan_book"`` (after the day's
    #: defaults) or ``"last"`` (after the engine's awareness and capacity columns).
    #: Within a place, columns follow the measures' rank.
    column_places: ClassVar[dict[str, str]] = {}

    active: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "rank" in cls.__dict__:
            _REGISTRY.append(cls)
            _REGISTRY.sort(key=lambda c: c.rank)

    def __init__(
        self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger
    ) -> None:
        self.scenario = scenario

    # ------------------------------------------------------------------ hooks
    def processes(self, model: Model) -> list[Process]:
        """Processes the engine schedules for this measure (none by default)."""
        return []

    def outreach_contacts_per_day(self) -> float:
        """Firms the measure's outreach contacts a day (simulated firms; 0: none).

        The engine adds up every measure's contacts (active or not) into the outreach
        term of the awareness diffusion (docs/model.md 2.2).
        """
        return 0.0

    def assisted_ready_days(self, count: int, day: int, never: int) -> list[int] | np.ndarray:
        """Days on which ``count`` applications prepared with the measure's help on
        ``day`` are ready (``never`` for one that is not ready within the horizon).

        Overridden by a measure that helps firms prepare applications; the engine calls
        it on the first active one that does (a share ``behaviour.assisted_share`` of
        applicants ask for help), and on none when no measure helps.
        """
        raise NotImplementedError

    def bank_loss_share(self, model: Model, firm: np.ndarray) -> np.ndarray | None:
        """Share of a bank's loss on a loan to each firm that the measure bears, or None.

        The bank's credit rule weighs its expected loss times ``1 - share``.
        """
        return None

    def offer_cover(self, model: Model, batch: CreditBatch) -> Cover | None:
        """Cover the measure offers to a batch of credit decisions, or None.

        The measure refers the decisions it takes, works out each one's cover and the
        bank's expected loss with it, and offers cover where the bank then approves
        (:class:`~sim.model.credit.Cover`: rows, amounts, the account drawn). The engine
        asks the first active measure (in rank order) that overrides this hook.
        """
        return None

    def cover_settled(self, model: Model, batch: CreditBatch, cover: np.ndarray) -> None:
        """Called after :meth:`offer_cover` with each decision's cover as settled (0
        where none, refused, or lent without cover because its account was full)."""

    def loans_booked(self, model: Model, day: int, app: np.ndarray) -> None:
        """Called with the applications approved on ``day`` (after they are booked)."""

    def loans_ended(self, model: Model, day: int, app: np.ndarray) -> None:
        """Called with the loans that matured or defaulted on ``day``."""

    def loans_closed(self, model: Model, app: np.ndarray) -> None:
        """Called once at the end of the run with every approved loan, to book in
        ``model.apps`` what no step read during the run (see :mod:`sim.model.closing`)."""

    # ------------------------------------------------------------------ books
    def summary(self, model: Model) -> dict[str, float]:
        """Values of :attr:`summary_keys` as reported: amounts and counts scaled by
        ``population.scale`` (``model.scale``) to the population the sample stands for."""
        return {}

    def savings_terms(self, model: Model) -> list[float]:
        """Amounts firms saved through the measure, in simulated units, in booking order."""
        return []

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """The measure's fiscal cost: ``(paid, expected)`` amounts in simulated units.

        ``paid``: money paid out (subsidies, relief, awards, compensation); ``expected``:
        expected costs net of income (a guarantee fund's expected loss less its fees).
        The fiscal cost adds all measures' paid terms, then all expected terms.
        """
        return [], []


def instrument_classes() -> list[type[Instrument]]:
    """Every registered measure, in ``rank`` order (importing the package registers them)."""
    return list(_REGISTRY)


def simulated_count(real: int, scale: float, round_index: int) -> int:
    """Simulated firms a round of ``real`` firms selects in a sample of scale ``scale``.

    ``real / scale`` is rarely whole: the fraction is carried from round to round, so
    that the first ``k`` rounds select ``floor(k * real / scale)`` simulated firms in
    all (e.g. 40 a round at scale 15: 2, 3, 3, 2, 3, 3, ...).
    """
    per = real / scale
    return int(np.floor((round_index + 1) * per + 1e-9) - np.floor(round_index * per + 1e-9))
