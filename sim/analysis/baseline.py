"""Baseline table: the published figures the Shanghai baseline is compared with, each with
its source in ``FACTS.md``, its band and its confidence, beside a run's (or several runs')
simulated figures.

Public names: :class:`BaselineTarget`, :data:`BASELINE_TARGETS`, :data:`ROLES`,
:data:`EARLIER_HEADERS`, :func:`grown_amount`, :func:`target_band`, :func:`baseline_table`.

Each row has a *role*:

``check``
    The model's figure is an outcome of the run: the row tests the model.
``input``
    The model's figure is set by a scenario input (``guarantee.fee_rate``; the share of
    firms holding a loan at launch, ``demand.existing_loans_share``), so the row is met,
    or missed, by construction: it is shown, not counted as a check.
``not_comparable``
    The published figure is of another clientele than the model's firms; the row shows
    the simulated figure and the reason, and no status.

The texts of a row (its published figure, how the model's figure is read, its source and
the reason for its role) live in the text catalogues under ``msg.ct.row.<name>.*``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .. import texts
from ..model.claim_rate import book_claim_rate
from ..results import RunResult
from ..results.demand_figures import first_quarter_share, loan_holding_share
from ..scenario import Scenario

__all__ = [
    "BaselineTarget",
    "BASELINE_TARGETS",
    "ROLES",
    "EARLIER_HEADERS",
    "grown_amount",
    "target_band",
    "baseline_table",
]

#: The roles a row may have (see the module's docstring).
ROLES = ("check", "input", "not_comparable")

#: The day of the PBOC's end-2025 loan-holding figures.
_END_2025 = date(2025, 12, 31)


@dataclass(frozen=True)
class BaselineTarget:
    """A published figure the baseline should land near.

    Attributes
    ----------
    name
        What is compared (its texts are ``msg.ct.row.<name>.published``, ``.note``,
        ``.source`` and, for a row that is not a check, ``.reason``).
    value
        The published figure (``None`` for a floor or a range without a central figure).
    lo, hi
        The band counted as "near" (``None`` = open on that side).
    unit
        ``"share"``, ``"amount"`` or ``"rate"`` (for display).
    confidence
        The source's confidence as FACTS.md grades it (``H``, ``M``, ``L``).
    role
        ``check``, ``input`` or ``not_comparable`` (:data:`ROLES`); a ``check`` row whose
        ``input_when`` holds for the scenario is shown as ``input``.
    grown_from
        For a stock observed before the scenario's start: ``(amount, as_of, growth)``, a
        stock carried to ``horizon.start_date`` at ``growth`` a year (:func:`grown_amount`);
        ``value`` is then that figure and the band ``value x (1 -+ band_share)``.
    band_share
        Half-width of the band of a grown stock, as a share of it.
    """

    name: str
    value: float | None
    lo: float | None
    hi: float | None
    unit: str
    confidence: str
    role: str = "check"
    grown_from: tuple[float, date, float] | None = None
    band_share: float = 0.0


#: The calibration targets of the Shanghai baseline (FACTS.md sections in their texts).
BASELINE_TARGETS = (
    BaselineTarget("srdi_loan_holder_share", 0.73, 0.70, 0.76, "share", "M"),
    BaselineTarget(
        "loan_stock_start",
        None,
        None,
        None,
        "amount",
        "M",
        grown_from=(303.9e9, date(2024, 3, 31), 0.45),
        band_share=0.15,
    ),
    BaselineTarget("first_quarter_lending_share", 0.52, 0.45, 0.55, "share", "H"),
    BaselineTarget(
        "loan_balance_per_borrower", 12.5e6, 11.0e6, 14.0e6, "amount", "M", "not_comparable"
    ),
    BaselineTarget("avg_guaranteed_loan", 2.61e6, 2.0e6, 5.0e6, "amount", "M", "not_comparable"),
    BaselineTarget("guarantee_fee", 0.0065, 0.005, 0.01, "rate", "M", "input"),
    BaselineTarget("guarantee_claim_rate", 0.0184, 0.015, 0.025, "rate", "H"),
    BaselineTarget("guaranteed_volume", 20e9, 20e9, None, "amount", "H"),
)


def grown_amount(amount: float, as_of: date, on: date, growth_annual: float) -> float:
    """A stock observed on ``as_of`` carried to ``on`` at ``growth_annual`` a year.

    ``amount x (1 + growth_annual) ** (days / 365)``, compounding over the days between
    the two dates (backwards when ``on`` is earlier).

    Examples
    --------
    >>> round(grown_amount(100.0, date(2024, 3, 31), date(2025, 3, 31), 0.45), 6)
    145.0
    """
    return amount * (1.0 + growth_annual) ** ((on - as_of).days / 365.0)


def target_band(
    target: BaselineTarget, scenario: Scenario
) -> tuple[float | None, float | None, float | None]:
    """The target's figure and band for ``scenario``: ``(value, lo, hi)``.

    A grown stock (``grown_from``) is carried to the scenario's ``horizon.start_date``.
    """
    if target.grown_from is None:
        return target.value, target.lo, target.hi
    amount, as_of, growth = target.grown_from
    v = grown_amount(amount, as_of, scenario.horizon.start_date, growth)
    return v, v * (1.0 - target.band_share), v * (1.0 + target.band_share)


def _reference_day(sc: Scenario) -> int:
    ref = (_END_2025 - sc.horizon.start_date).days
    return int(ref) if 0 <= ref < sc.horizon.days else sc.horizon.days - 1


def _core_tiers(sc: Scenario) -> list[str]:
    return [name for name, t in sc.population.tiers.items() if t.core_tech]


def _existing_share_text(sc: Scenario) -> str | None:
    """The launch shares of the core-tech tiers set by ``demand.existing_loans_share``,
    as text; ``None`` when none of them holds a loan at launch."""
    shares = {t: sc.demand.existing_share_of(t) for t in _core_tiers(sc)}
    if not any(v > 0 for v in shares.values()):
        return None
    if len(set(shares.values())) == 1:
        return f"{100 * next(iter(shares.values())):.1f} %"
    return ", ".join(f"{t} {100 * v:.1f} %" for t, v in shares.items())


def _role(t: BaselineTarget, sc: Scenario) -> str:
    if t.name == "srdi_loan_holder_share" and _existing_share_text(sc) is not None:
        return "input"
    return t.role


def _reason(t: BaselineTarget, role: str, sc: Scenario, lang: str) -> str:
    if role == "check":
        return ""
    fields = {}
    if t.name == "srdi_loan_holder_share":
        fields["share"] = _existing_share_text(sc)
    return texts.text(f"msg.ct.row.{t.name}.reason", lang, **fields)


def _row_day(name: str, sc: Scenario) -> int | None:
    """The day the model's figure is read (None: a flow or an input over the horizon)."""
    if name in ("srdi_loan_holder_share", "loan_balance_per_borrower"):
        return _reference_day(sc)
    if name == "loan_stock_start":
        return 0
    return None


def _baseline_values(result: RunResult) -> dict[str, float]:
    sc = result.scenario
    s = result.summary_values
    core = _core_tiers(sc)
    apps = result.applications
    approved = apps[apps["outcome"] == "approved"]
    day = _reference_day(sc)
    term = sc.loan_pool.term_days
    dd = approved["decision_day"].astype("float").to_numpy()
    live = approved[(dd <= day) & (dd + term > day)]
    firms = result.firms
    core_firms = firms.index[firms["tier"].isin(core)]
    live_core = live[live["firm"].isin(core_firms)]
    borrowers = live_core["firm"].nunique()
    rate = book_claim_rate(
        sc,
        approved["end_day"].to_numpy(dtype=float, na_value=np.nan),
        approved["guarantee"].to_numpy(float),
        approved["defaulted"].to_numpy(bool),
    )
    avg_g = s.get("avg_guaranteed_loan_amount")
    return {
        "srdi_loan_holder_share": loan_holding_share(firms, apps, day, core),
        # no existing loans in the scenario: no stock at launch
        "loan_stock_start": float(s.get("loan_stock_start_amount") or 0.0),
        "first_quarter_lending_share": first_quarter_share(
            result.timeseries, sc.horizon.start_date
        ),
        "loan_balance_per_borrower": (
            float(live_core["amount"].sum() / borrowers) if borrowers else math.nan
        ),
        "avg_guaranteed_loan": math.nan if avg_g is None else float(avg_g),
        "guarantee_fee": sc.guarantee.fee_rate if sc.guarantee is not None else math.nan,
        "guarantee_claim_rate": math.nan if rate is None else rate,
        "guaranteed_volume": float(s.get("guaranteed_amount") or 0.0),
    }


def baseline_table(result: RunResult | Sequence[RunResult], *, lang: str = "en") -> pd.DataFrame:
    """The baseline's simulated figures beside the published targets.

    Parameters
    ----------
    result
        One run, or several replications (the table then shows their mean and range).
    lang
        Language of the table's texts (``published``, ``reason``, ``note``, ``source``).

    Returns
    -------
    pandas.DataFrame
        One row per :data:`BASELINE_TARGETS` entry: ``target, published, value`` (the
        published figure; for a stock, carried to the start date), ``lo, hi, unit,
        simulated, sim_min, sim_max, status`` (``within``, ``below``, ``above``, ``n/a``,
        or ``not_comparable``), ``off_by`` (relative distance to the nearest end of the
        band, 0 within), ``role`` (:data:`ROLES`), ``reason`` (why an ``input`` or
        ``not_comparable`` row is not a check; empty for a check), ``confidence``,
        ``reference_day`` (the day a point-in-time figure is read; empty for flows over
        the horizon), ``note`` (how the model's figure is computed) and ``source``.
    """
    results = [result] if isinstance(result, RunResult) else list(result)
    if not results:
        raise ValueError("baseline_table needs at least one run")
    texts.check_lang(lang)
    sc = results[0].scenario
    values = [_baseline_values(r) for r in results]
    rows = []
    for t in BASELINE_TARGETS:
        v = np.array([x[t.name] for x in values], dtype=float)
        ok = v[~np.isnan(v)]
        mean = float(ok.mean()) if ok.size else math.nan
        value, lo, hi = target_band(t, sc)
        role = _role(t, sc)
        if role == "not_comparable":
            status, off = "not_comparable", math.nan
        elif math.isnan(mean):
            status, off = "n/a", math.nan
        elif lo is not None and mean < lo:
            status, off = "below", (lo - mean) / abs(lo)
        elif hi is not None and mean > hi:
            status, off = "above", (mean - hi) / abs(hi)
        else:
            status, off = "within", 0.0
        key = f"msg.ct.row.{t.name}"
        rows.append(
            {
                "target": t.name,
                "published": texts.text(f"{key}.published", lang),
                "value": value,
                "lo": lo,
                "hi": hi,
                "unit": t.unit,
                "simulated": mean,
                "sim_min": float(ok.min()) if ok.size else math.nan,
                "sim_max": float(ok.max()) if ok.size else math.nan,
                "status": status,
                "off_by": off,
                "role": role,
                "reason": _reason(t, role, sc, lang),
                "confidence": t.confidence,
                "reference_day": _row_day(t.name, sc),
                "note": texts.text(f"{key}.note", lang),
                "source": texts.text(f"{key}.source", lang),
            }
        )
    table = pd.DataFrame(rows)
    table["reference_day"] = table["reference_day"].astype("Int64")
    return table


#: First lines of the CSV files earlier versions of ``smesim calibration-table`` wrote
#: (such a file may be overwritten, as one of today's).
EARLIER_HEADERS = (
    ",".join(
        ("target", "published", "lo", "hi", "unit", "simulated", "sim_min", "sim_max")
        + ("status", "off_by", "reference_day", "note", "source")
    ),
)
