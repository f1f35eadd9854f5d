"""Baseline table: the published figures the Shanghai baseline is compared with, each with
its source in ``FACTS.md``, beside a run's (or several runs') simulated figures.

Public names: :class:`BaselineTarget`, :data:`BASELINE_TARGETS`, :func:`baseline_table`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..results import RunResult
from ..results.demand_figures import first_quarter_share, loan_holding_share

# --------------------------------------------------------------------------- baseline


@dataclass(frozen=True)
class BaselineTarget:
    """A published figure the baseline should land near.

    Attributes
    ----------
    name
        What is compared.
    figure
        The published figure as text.
    lo, hi
        The band counted as "near" (``None`` = open on that side).
    unit
        ``"share"``, ``"amount"`` or ``"rate"`` (for display).
    source
        Where the figure comes from (``FACTS.md`` section and its primary source).
    note
        How the simulated figure is computed and how comparable it is.
    """

    name: str
    figure: str
    lo: float | None
    hi: float | None
    unit: str
    source: str
    note: str


#: The calibration targets of the Shanghai baseline, with their sources (FACTS.md).
BASELINE_TARGETS = (
    BaselineTarget(
        "approval_rate_specialised",
        "73 % of SRDI SME loan applications approved (end-2025)",
        0.70,
        0.76,
        "share",
        "FACTS.md 3: PBOC via gmteight https://gmteight.com/flash/detail/1203156 (M)",
        "approved / decided applications of core-tech firms over the horizon",
    ),
    BaselineTarget(
        "tech_sme_loan_share",
        "47-50 % of tech SMEs hold a bank loan (46.9 % end-2024, 50.2 % end-2025)",
        0.47,
        0.50,
        "share",
        "FACTS.md 3: PBOC via gscn.com.cn 2025-02-18 and People's Daily 2026-01-28 (H)",
        "core-tech firms holding a bank loan on the reference day (2025-12-31, or the last "
        "day): a loan held at launch (demand.existing_loans_share, rolled over) or a "
        "programme loan outstanding",
    ),
    BaselineTarget(
        "first_quarter_lending_share",
        "about half of a year's new loans are made in January-March (2024: 9.46 of 18.09 tn "
        "yuan, 52 %)",
        0.45,
        0.55,
        "share",
        "FACTS.md 8 and VALIDATION.md stylised facts: PBOC 2024 financial statistics (H)",
        "programme loans disbursed in January-March of the first calendar year within the "
        "horizon / disbursed in that year (n/a without a whole calendar year)",
    ),
    BaselineTarget(
        "loan_balance_per_borrower",
        "about 12.5 m yuan of loans per borrowing tech SME (3.27 tn / 262,500, end-2024)",
        11.0e6,
        14.0e6,
        "amount",
        "FACTS.md 3: derived from PBOC figures (M)",
        "programme loans outstanding on the reference day / core-tech firms holding one",
    ),
    BaselineTarget(
        "avg_guaranteed_loan",
        "average guaranteed loan 2.61 m yuan; 91 % of loans <= 5 m (2019)",
        2.0e6,
        5.0e6,
        "amount",
        "FACTS.md 1.2: Shanghai CPPCC inspection report 2019-10 (M)",
        "mean amount of approved loans with a guarantee (summary avg_guaranteed_loan_amount)",
    ),
    BaselineTarget(
        "guarantee_fee",
        "average guarantee fee 0.65 %/yr (2019); national cap 1 %",
        0.005,
        0.01,
        "rate",
        "FACTS.md 1.2 and 2.1: Shanghai CPPCC 2019; MoF fee cap (M/H)",
        "an input of the scenario (guarantee.fee_rate), shown for completeness",
    ),
    BaselineTarget(
        "guarantee_claim_rate",
        "claims about 1.8 %/yr of guaranteed amounts (NFGF 1.84 % in 2024); "
        "Shanghai tolerates up to 5 %",
        0.015,
        0.05,
        "rate",
        "FACTS.md 2.1 (NFGF 2024, H) and 1.2 (SME Promotion Regulations Art. 28, H)",
        "claims paid / guarantee-years of exposure within the horizon",
    ),
    BaselineTarget(
        "guaranteed_volume",
        "municipal SRDI guarantee plan: over 20 bn yuan of guarantees",
        20e9,
        None,
        "amount",
        "FACTS.md 1.1: Shanghai SRDI special guarantee plan (H)",
        "amount guaranteed over the horizon (summary guaranteed_amount)",
    ),
)


def _reference_day(result: RunResult) -> int:
    sc = result.scenario
    ref = (date(2025, 12, 31) - sc.horizon.start_date).days
    return int(ref) if 0 <= ref < sc.horizon.days else sc.horizon.days - 1


def _baseline_values(result: RunResult) -> dict[str, float]:
    sc = result.scenario
    s = result.summary_values
    core = [name for name, t in sc.population.tiers.items() if t.core_tech]
    apps = result.applications
    decided = apps[apps["outcome"] != "pending"]
    core_decided = decided[decided["tier"].isin(core)]
    approved = apps[apps["outcome"] == "approved"]
    day = _reference_day(result)
    term = sc.loan_pool.term_days
    dd = approved["decision_day"].astype("float").to_numpy()
    live = approved[(dd <= day) & (dd + term > day)]
    firms = result.firms
    core_firms = firms.index[firms["tier"].isin(core)]
    live_core = live[live["firm"].isin(core_firms)]
    holding = loan_holding_share(firms, apps, day, core)
    borrowers = live_core["firm"].nunique()
    horizon = sc.horizon.days
    g = approved["guarantee"].to_numpy(float)
    exposure_years = (np.minimum(dd + term, horizon) - dd) / 365.0
    guarantee_years = float(np.sum(g * exposure_years))
    claims = float(approved["claim"].sum())
    return {
        "approval_rate_specialised": (
            float((core_decided["outcome"] == "approved").mean()) if len(core_decided) else math.nan
        ),
        "tech_sme_loan_share": holding,
        "first_quarter_lending_share": first_quarter_share(
            result.timeseries, sc.horizon.start_date
        ),
        "loan_balance_per_borrower": (
            float(live_core["amount"].sum() / borrowers) if borrowers else math.nan
        ),
        "avg_guaranteed_loan": (
            math.nan
            if s["avg_guaranteed_loan_amount"] is None
            else float(s["avg_guaranteed_loan_amount"])
        ),
        "guarantee_fee": sc.guarantee.fee_rate if sc.guarantee is not None else math.nan,
        "guarantee_claim_rate": claims / guarantee_years if guarantee_years > 0 else math.nan,
        "guaranteed_volume": float(s["guaranteed_amount"]),
    }


def baseline_table(result: RunResult | Sequence[RunResult]) -> pd.DataFrame:
    """The baseline's simulated figures beside the published targets.

    Parameters
    ----------
    result
        One run, or several replications (the table then shows their mean and range).

    Returns
    -------
    pandas.DataFrame
        One row per :data:`BASELINE_TARGETS` entry: ``target, published, lo, hi,
        simulated, sim_min, sim_max, status ("within", "below", "above", "n/a"),
        off_by`` (relative distance to the nearest end of the band, 0 within),
        ``reference_day, note, source``.
    """
    results = [result] if isinstance(result, RunResult) else list(result)
    if not results:
        raise ValueError("baseline_table needs at least one run")
    values = [_baseline_values(r) for r in results]
    rows = []
    for t in BASELINE_TARGETS:
        v = np.array([x[t.name] for x in values], dtype=float)
        ok = v[~np.isnan(v)]
        mean = float(ok.mean()) if ok.size else math.nan
        if math.isnan(mean):
            status, off = "n/a", math.nan
        elif t.lo is not None and mean < t.lo:
            status, off = "below", (t.lo - mean) / abs(t.lo)
        elif t.hi is not None and mean > t.hi:
            status, off = "above", (mean - t.hi) / abs(t.hi)
        else:
            status, off = "within", 0.0
        rows.append(
            {
                "target": t.name,
                "published": t.figure,
                "lo": t.lo,
                "hi": t.hi,
                "unit": t.unit,
                "simulated": mean,
                "sim_min": float(ok.min()) if ok.size else math.nan,
                "sim_max": float(ok.max()) if ok.size else math.nan,
                "status": status,
                "off_by": off,
                "reference_day": _reference_day(results[0]),
                "note": t.note,
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)
