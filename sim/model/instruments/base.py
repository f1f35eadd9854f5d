"""The instrument interface: what a measure of the programme declares and does in a run.

Public names: :class:`Instrument`, :class:`Process`, :class:`Account`, :class:`Headline`,
:class:`HeadlineFormat`, :class:`Slot`, :func:`place_slots`, :func:`first_exhausted_day`, :data:`HEADLINE_PLACES`,
:data:`DEFAULT_PLACES`, :data:`TOTALS_ROWS_FROM`, :func:`instrument_classes`,
:func:`instrument_registered`, :func:`unregister_instrument`, :func:`headlines`,
:func:`reported_accounts`, :func:`section_present`, :func:`fiscal_label_keys`,
:func:`measure_units`, :func:`simulated_count`.

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

It also declares what the rest of the program reads from it, so that no core module
names a measure:

- ``section_model``: the pydantic model of its scenario section, registered with
  :func:`sim.scenario.sections.register_section` (the section is then valid in a
  scenario with no other file changed);
- ``savings_categories`` (rows of the ``savings`` table, filled by
  :meth:`Instrument.savings_by_firm`) and ``fiscal_labels`` (text keys naming its fiscal
  terms in the fiscal cost's label);
- ``summary_slots`` (:class:`Slot`: keys of the summary every run writes, valued by
  :meth:`Instrument.slot_summary`, and of the experiments' headline figures, each at its
  place in the fixed layout);
- ``reported_accounts`` (:class:`Account`: the accounts the level plots and the experiments'
  exhaustion tables show) and ``headlines`` (:class:`Headline`: the rows of the report
  cover, the terminal summary, the workbook's headline and the tuner);
- ``texts`` (the labels, code words and column meanings it uses, by language, under
  keys of the text catalogue :mod:`sim.texts`: ``msg.*``, ``code.*``, ``column.*``;
  registered in the catalogue when the class is defined) and ``units`` (the unit of
  each of its summary keys and columns).

Subclasses register themselves (``__init_subclass__``); the engine builds every
registered measure in ``rank`` order, which is also the order in which accounts are
opened, processes are scheduled within a day and amounts are added up. The order of
additions is part of the results: a new measure takes a rank after the existing ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from ...scenario.sections import register_section, unregister_section
from ...texts import register_texts, unregister_texts

if TYPE_CHECKING:  # pragma: no cover
    from ...scenario import Scenario
    from ..banks import LenderTable
    from ..credit import Cover, CreditBatch
    from ..engine import Model
    from ..ledger import Ledger
    from ..population import Firms

__all__ = [
    "DEFAULT_PLACES",
    "HEADLINE_PLACES",
    "TOTALS_ROWS_FROM",
    "Account",
    "Headline",
    "HeadlineFormat",
    "Instrument",
    "Process",
    "instrument_classes",
    "fiscal_label_keys",
    "headlines",
    "instrument_registered",
    "registry_generation",
    "reported_accounts",
    "measure_units",
    "section_present",
    "simulated_count",
    "unregister_instrument",
]

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


#: Where a headline row may appear: the report cover, the terminal summary of ``smesim
#: run``, the headline sheet of the workbook, the tuner, and the report's answer page
#: (``answer``: a sentence of its own, in plain words, after the lending and the accounts).
HEADLINE_PLACES = frozenset({"cover", "terminal", "workbook", "tuner", "answer"})

#: Where a row declared without ``places`` appears (not on the answer page, whose
#: sentences a measure writes on purpose).
DEFAULT_PLACES = frozenset({"cover", "terminal", "workbook", "tuner"})

#: On the cover, a row with :attr:`Headline.order` at least this follows the totals (the
#: savings of firms and the fiscal cost) instead of preceding them: a row that reads
#: the totals another way.
TOTALS_ROWS_FROM = 10_000.0


class HeadlineFormat(Protocol):
    """How a headline value is written in one language (given to :attr:`Headline.value`).

    The reports implement it (:class:`sim.reporting.measure_rows.Formatter`).
    """

    def amount(self, value: Any) -> str:
        """An amount of money with its currency (``1.2 bn CNY``)."""

    def count(self, value: Any) -> str:
        """A count (``1,234``)."""

    def day(self, value: Any) -> str:
        """A day of the horizon with its date, or n/a when missing."""

    def share(self, value: Any) -> str:
        """A share as a percentage, or n/a when missing."""

    def text(self, key: str, /, **fields: object) -> str:
        """The text ``key`` in the language, with ``fields`` filled in."""

    def code(self, code: str) -> str:
        """A model code as words (``batch`` -> ``batch guarantees``)."""


@dataclass(frozen=True)
class Headline:
    """One headline row a measure declares.

    Attributes
    ----------
    label
        Text key of the row's label (``h.guaranteed``); None for a row printed as a
        sentence of its own (the terminal's lines).
    keys
        Summary keys shown: the first, then the others in parentheses.
    formats
        Format of each key: ``amount``, ``count``, ``day`` or ``share``.
    order
        Position among the measures' rows (the cover sorts them by it; a new measure
        may leave the default, after the existing ones). On the cover, a row from
        :data:`TOTALS_ROWS_FROM` on follows the savings and the fiscal cost.
    places
        Where the row appears (a subset of :data:`HEADLINE_PLACES`; default
        :data:`DEFAULT_PLACES`). A row for ``answer`` is a sentence (label None).
    when
        ``when(summary, scenario)``: whether the row is shown; by default, when the
        summary holds every key.
    value
        ``value(fmt, summary, scenario)``: the value text, for a row that is more than
        its keys (a sentence, a code); by default the keys in their formats.
    """

    label: str | None
    keys: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    order: float = 1000.0
    places: frozenset[str] = DEFAULT_PLACES
    when: Callable[[Mapping[str, Any], Scenario], bool] | None = None
    value: Callable[[HeadlineFormat, Mapping[str, Any], Scenario], str] | None = None

    def shown(self, summary: Mapping[str, Any], scenario: Scenario) -> bool:
        """Whether the row is shown for a run with ``summary`` of ``scenario``."""
        if self.when is not None:
            return bool(self.when(summary, scenario))
        return all(k in summary for k in self.keys)

    def text(self, fmt: HeadlineFormat, summary: Mapping[str, Any], scenario: Scenario) -> str:
        """The row's value written with ``fmt``."""
        if self.value is not None:
            return self.value(fmt, summary, scenario)
        shown = [getattr(fmt, f)(summary[k]) for k, f in zip(self.keys, self.formats, strict=True)]
        return shown[0] + (f" ({', '.join(shown[1:])})" if len(shown) > 1 else "")


@dataclass(frozen=True)
class Slot:
    """A key a measure places in a fixed layout of keys (the summary every run writes,
    the experiments' headline figures), after a key of the core.

    Attributes
    ----------
    key
        The measure's key.
    after
        The key of the core's layout it follows.
    order
        Order among the keys placed after the same key (then rank).
    layout
        ``summary`` (:data:`sim.results.SUMMARY_KEYS`, valued by
        :meth:`Instrument.slot_summary` in every run), ``kinds``
        (:data:`sim.results.kinds.KIND_SUMMARY_KEYS`, valued by
        :meth:`Instrument.kind_summary` when a scenario names a kind) or ``experiment``
        (:data:`sim.experiments.HEADLINE_KEYS`).
    """

    key: str
    after: str
    order: float = 0.0
    layout: str = "summary"


def place_slots(layout: str, core: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of ``core`` with the measures' :class:`Slot` keys of ``layout`` after
    their anchors.

    Raises
    ------
    ValueError
        When a slot follows a key that ``core`` does not have.
    """
    after: dict[str, list[tuple[float, int, str]]] = {}
    for cls in _REGISTRY:
        for slot in cls.summary_slots:
            if slot.layout == layout:
                after.setdefault(slot.after, []).append((slot.order, cls.rank, slot.key))
    missing = set(after) - set(core)
    if missing:
        raise ValueError(f"{layout} slots after keys the layout does not have: {sorted(missing)}")
    out: list[str] = []
    for key in core:
        out.append(key)
        out += [k for _, _, k in sorted(after.get(key, []))]
    return tuple(out)


def first_exhausted_day(ledger: Ledger, kind: str) -> int | None:
    """The first day an account of ``kind`` ran out, or None."""
    days = [
        int(d)
        for k, d in zip(ledger.kinds, ledger.exhausted_on.tolist(), strict=True)
        if k == kind and d >= 0
    ]
    return min(days) if days else None


@dataclass(frozen=True)
class Account:
    """An account of a measure that the level plots or the experiments' exhaustion
    tables show.

    Attributes
    ----------
    kind
        The account's role in the ledger (the ``kind`` column of the ``quotas`` table).
    label
        Its name in the exhaustion tables (``guarantee capacity``); None: not shown there.
    day_key
        The runs-table column (a summary key, or a key the experiments add from the
        ``quotas`` table when ``first_of_kind``) holding the day it first ran out.
    target_key
        The summary key of the day it was reached, when it may be a target.
    kind_key
        The summary key naming its kind (``hard``, ``target``, ``revolving``).
    plot
        Whether the report's level plot of the measures shows it.
    first_of_kind
        The day is the first on which any account of ``kind`` ran out, taken from the
        ``quotas`` table of each run (``day_key`` is then an extra column of the runs).
    present
        ``present(scenario)``: whether the scenario has the account; by default, when
        the measure's section is present.
    """

    kind: str
    label: str | None = None
    day_key: str | None = None
    target_key: str | None = None
    kind_key: str | None = None
    plot: bool = False
    first_of_kind: bool = False
    present: Callable[[Scenario], bool] | None = None


_REGISTRY: list[type[Instrument]] = []
# bumped whenever a measure is registered or forgotten (see registry_generation)
_GENERATION = [0]


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
    #: Pydantic model of :attr:`section` when the schema does not hold it: registered
    #: as a scenario section when the class is defined.
    section_model: ClassVar[Any] = None
    #: Categories of the ``savings`` table the measure fills (:meth:`savings_by_firm`).
    savings_categories: ClassVar[tuple[str, ...]] = ()
    #: Text keys naming the measure's fiscal terms in the label of the fiscal cost, each
    #: with the part it adds to (``paid`` or ``expected``), e.g.
    #: ``(("paid", "fiscal.subsidy"),)``.
    fiscal_labels: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: Keys the measure places in the fixed layouts (the summary every run writes, the
    #: experiments' headline figures): :class:`Slot`.
    summary_slots: ClassVar[tuple[Slot, ...]] = ()
    #: Accounts shown in the level plots and the exhaustion tables.
    reported_accounts: ClassVar[tuple[Account, ...]] = ()
    #: Rows of the cover, the terminal summary, the workbook's headline and the tuner.
    headlines: ClassVar[tuple[Headline, ...]] = ()
    #: Texts the measure uses, by language and catalogue key (:mod:`sim.texts`): labels
    #: (``msg.h.*``, ``msg.fiscal.*``), code words (``code.<savings category>``) and the
    #: meanings of its summary keys and columns (``column.<name>``).
    texts: ClassVar[dict[str, dict[str, str]]] = {}
    #: Unit of each summary key and column of the measure (``money``, ``count``, ``day``,
    #: ``share``, ``text``...: the units of :mod:`sim.results.columns`).
    units: ClassVar[dict[str, str]] = {}

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
            _GENERATION[0] += 1
            _REGISTRY.sort(key=lambda c: c.rank)
            if cls.section is not None and cls.section_model is not None:
                register_section(cls.section, cls.section_model, order=cls.rank)
            if cls.texts:
                register_texts(cls.texts, owner=_owner(cls))

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
        term of the awareness diffusion (docs/model.md 7.2).
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

    def scenario_changed(self, model: Model, day: int, paths: tuple[str, ...]) -> None:
        """Called when events change the scenario on ``day``, before the day's arrivals.

        ``self.scenario`` is already the scenario in force from ``day``; ``paths`` are
        the paths the day's events changed (``loan_pool.total``, ...; docs/model.md
        7.17). A measure that caches what these paths set, or keeps an account sized by
        one, brings it up to date here (:meth:`~sim.model.ledger.Ledger.resize`).
        """

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

    def quota_columns(self, model: Model, accounts: list[str]) -> dict[str, Any]:
        """Columns the measure adds to the ``quotas`` table: name -> one value per account
        of ``accounts`` (the table's rows, in order); none by default."""
        return {}

    @classmethod
    def names_a_kind(cls, scenario: Scenario) -> bool:
        """Whether ``scenario`` gives an account of the measure another kind than its
        default: the summary then has the keys on account kinds (``kinds`` slots)."""
        return False

    def kind_summary(self, model: Model) -> dict[str, Any]:
        """Values of the measure's ``kinds`` slots (its accounts' kinds, the days their
        targets were reached, overshoots), scaled like :meth:`summary`."""
        return {}

    def slot_summary(self, model: Model) -> dict[str, Any]:
        """Values of the measure's ``summary`` slots (:attr:`summary_slots`), in every run
        (active or not), scaled like :meth:`summary`."""
        return {}

    def savings_by_firm(self, model: Model) -> dict[str, np.ndarray]:
        """What each simulated firm gained through the measure: category of
        :attr:`savings_categories` -> amount per firm (a category left out is zero)."""
        return {}

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """The measure's fiscal cost: ``(paid, expected)`` amounts in simulated units.

        ``paid``: money paid out (subsidies, relief, awards, compensation); ``expected``:
        expected costs net of income (a guarantee fund's expected loss less its fees).
        The fiscal cost adds all measures' paid terms, then all expected terms.
        """
        return [], []


def _owner(cls: type[Instrument]) -> str:
    """Who registers a measure's texts in the catalogue: its module and class."""
    return f"{cls.__module__}.{cls.__qualname__}"


def registry_generation() -> int:
    """A number that changes whenever a measure is registered or forgotten: what is worked
    out from the registry may be kept while it stays the same."""
    return _GENERATION[0]


def instrument_classes() -> list[type[Instrument]]:
    """Every registered measure, in ``rank`` order (importing the package registers them)."""
    return list(_REGISTRY)


def unregister_instrument(cls: type[Instrument]) -> None:
    """Forget a registered measure and its section (nothing when it is not registered)."""
    if cls in _REGISTRY:
        _REGISTRY.remove(cls)
        _GENERATION[0] += 1
        if cls.section is not None and cls.section_model is not None:
            unregister_section(cls.section)
        unregister_texts(_owner(cls))


@contextmanager
def instrument_registered(cls: type[Instrument]) -> Iterator[type[Instrument]]:
    """Keep the measure ``cls`` (registered when it was defined) for a ``with`` block,
    then forget it: a measure defined in a test does not outlive the test."""
    try:
        yield cls
    finally:
        unregister_instrument(cls)


def headlines(place: str) -> list[Headline]:
    """The headline rows every registered measure declares for ``place`` (one of
    :data:`HEADLINE_PLACES`), in :attr:`Headline.order` (then rank: a stable sort).

    This is the headline registry the report cover and answer page, the terminal
    summary, the workbook and the tuner read.
    """
    if place not in HEADLINE_PLACES:
        raise ValueError(f"place: expected one of {sorted(HEADLINE_PLACES)}, got {place!r}")
    rows = [h for cls in _REGISTRY for h in cls.headlines if place in h.places]
    return sorted(rows, key=lambda h: h.order)


def reported_accounts() -> list[tuple[type[Instrument], Account]]:
    """Every registered measure's :attr:`~Instrument.reported_accounts`, in rank order."""
    return [(cls, acc) for cls in _REGISTRY for acc in cls.reported_accounts]


def section_present(cls: type[Instrument], scenario: Scenario) -> bool:
    """Whether ``scenario`` has the section of measure ``cls`` (always, for a measure
    without one)."""
    return cls.section is None or scenario.section(cls.section) is not None


def fiscal_label_keys(scenario: Scenario) -> list[str]:
    """Text keys of the fiscal terms of the measures ``scenario`` has: the paid terms in
    rank order, then the expected ones (the order in which the fiscal cost adds them)."""
    present = [cls for cls in _REGISTRY if section_present(cls, scenario)]
    return [
        key
        for part in ("paid", "expected")
        for cls in present
        for which, key in cls.fiscal_labels
        if which == part
    ]


def measure_units() -> dict[str, str]:
    """The units every registered measure declares for its summary keys and columns."""
    out: dict[str, str] = {}
    for cls in _REGISTRY:
        out.update(cls.units)
    return out


def simulated_count(real: int, scale: float, round_index: int) -> int:
    """Simulated firms a round of ``real`` firms selects in a sample of scale ``scale``.

    ``real / scale`` is rarely whole: the fraction is carried from round to round, so
    that the first ``k`` rounds select ``floor(k * real / scale)`` simulated firms in
    all (e.g. 40 a round at scale 15: 2, 3, 3, 2, 3, 3, ...).
    """
    per = real / scale
    return int(np.floor((round_index + 1) * per + 1e-9) - np.floor(round_index * per + 1e-9))
