"""Discovery: which combinations of uncertain assumptions lead to an outcome (PRIM, CART).

Public names: :class:`Condition`, :func:`parse_condition`, :class:`Boxes`,
:func:`find_boxes`, :func:`choose_box`, :class:`DiscoveryResult`, :func:`discover`,
:func:`require_extra`, :data:`OPERATORS`, :data:`MISSING_EXTRA`.

Scenario discovery (Bryant and Lempert 2010) runs the model over a Latin hypercube of
uncertain inputs, flags each run whose outcome meets a condition (a *case of interest*:
the pool runs out in year one, the credit target is missed by the end of 2025) and
describes the region of the inputs where those runs lie:

- **PRIM** (the patient rule induction method) peels a box, a range per input, from the
  whole input space, a few percent of the runs at a time, keeping the peel that raises
  the share of cases of interest most. Every box on the way (the *peeling trajectory*)
  has a **coverage** (the share of all cases of interest inside the box), a **density**
  (the share of the runs in the box that are cases of interest), a **mass** (the share of
  all runs in the box) and a number of restricted inputs. The trade-off between coverage
  and density is the analyst's to make: :func:`choose_box` picks the densest box whose
  coverage is at least ``min_coverage`` (default 0.8) or, given a density ``threshold``,
  the box of highest coverage among those at least that dense. Each restricted limit
  carries a quasi-p-value: the one-sided binomial probability that the density would be
  as high without that limit (below 0.05: the limit is not chance).
- **CART** (a classification tree) splits the runs on one input at a time; each leaf is a
  box with its coverage and density, the tree as a whole a set of rules.

Both come from EMA Workbench's analysis module (``ema_workbench.analysis.prim`` and
``.cart``, the latter a wrapper of scikit-learn's tree), installed with the ``discover``
extra (``pip install 'smesim[discover]'``) and imported only when an analysis runs.

The runs are a :func:`sim.experiments.designs.sweep` with ``ranges`` and ``samples``: the
same Latin hypercube, executors (local processes, Dask) and task store (resume) as
``smesim sweep``. Each run (point x replication) is one case; with ``R`` replications a
point's stochastic spread shows as cases of both kinds at the same inputs.
"""

from __future__ import annotations

import math
import re
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments import OPTIONAL_NUMERIC_KEYS
from ..scenario import Scenario
from ..scenario.messages import did_you_mean
from ..scenario.money import parse_figure, to_ascii
from .evaluation import NUMERIC_KEYS, AnalysisError, ParamRange, is_day_key, numeric_outputs

__all__ = [
    "MISSING_EXTRA",
    "OPERATORS",
    "Condition",
    "parse_condition",
    "Boxes",
    "find_boxes",
    "choose_box",
    "DiscoveryResult",
    "discover",
    "require_extra",
]

#: The comparison operators of a condition, longest first (``<=`` before ``<``).
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": np.less_equal,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    ">": np.greater,
}

#: What to install when the analysis libraries are missing.
MISSING_EXTRA = (
    "scenario discovery needs EMA Workbench and scikit-learn, which are not installed: "
    "pip install 'smesim[discover]'"
)

_EXPR = re.compile(r"^\s*([A-Za-z_]\w*)\s*(<=|>=|==|!=|<|>)\s*(\S.*?)\s*$")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")

#: PRIM's acceptance threshold: the lowest, so that the whole peeling trajectory is kept
#: (EMA Workbench replaces a final box below its threshold by the whole space); the
#: choice of a box on it is :func:`choose_box`'s.
_KEEP_TRAJECTORY = 1e-9


# --------------------------------------------------------------------------- condition


@dataclass(frozen=True)
class Condition:
    """A per-run predicate ``KEY OP VALUE`` over a numeric summary figure.

    Attributes
    ----------
    key
        A numeric summary key (:data:`sim.experiments.NUMERIC_KEYS` or an optional one).
    op
        One of :data:`OPERATORS`.
    value
        The value compared with, in the key's unit (money in currency units, a share as a
        fraction, a day as days since ``horizon.start_date``).
    text
        The condition as written.
    """

    key: str
    op: str
    value: float
    text: str

    def values(self, runs: pd.DataFrame) -> np.ndarray:
        """The figure of every run as compared: a day that never came is the horizon
        length, the first day after the horizon (:func:`sim.analysis.evaluation.numeric_outputs`)."""
        if self.key not in runs:
            raise AnalysisError(
                f"condition {self.text!r}: the runs hold no {self.key!r}; the scenario does "
                "not write it (an optional figure: a target's day needs that account to be a "
                "target)"
            )
        return numeric_outputs(runs, self.key)

    def flags(self, runs: pd.DataFrame) -> np.ndarray:
        """Whether each run meets the condition; an undefined figure (NaN) never does."""
        v = self.values(runs)
        with np.errstate(invalid="ignore"):
            out = np.asarray(OPERATORS[self.op](v, self.value), dtype=bool)
        return out & ~np.isnan(v)


def _condition_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys((*NUMERIC_KEYS, *OPTIONAL_NUMERIC_KEYS)))


def _threshold_value(key: str, value: str, scenario: Scenario, where: str) -> float:
    """The value of a condition in the key's unit: a date, an amount, a share, a number."""
    text = to_ascii(value).strip()
    if _DATE.match(text):
        if not is_day_key(key):
            raise AnalysisError(
                f"{where}: a date compares only with a day (a *_day key), not {key!r}"
            )
        try:
            y, m, d = (int(p) for p in text.split("-"))
            day = date(y, m, d)
        except ValueError as exc:
            raise AnalysisError(f"{where}: {value!r} is not a date ({exc})") from None
        return float((day - scenario.horizon.start_date).days)
    try:
        return parse_figure(text)
    except ValueError as exc:
        hint = "; a day may also be a date (2025-12-31)" if is_day_key(key) else ""
        raise AnalysisError(f"{where}: {exc}{hint}") from None


def parse_condition(text: str, scenario: Scenario, *, option: str = "condition") -> Condition:
    """Parse ``"KEY OP VALUE"`` against a scenario.

    Parameters
    ----------
    text
        For example ``"pool_exhausted_day < 365"``, ``"programme_new_amount < 100bn"``,
        ``"approval_rate < 60%"`` or ``"credit_sub_quota_target_reached_day > 2025-12-31"``.
        ``OP`` is one of ``< <= > >= == !=``; ``VALUE`` a number, an amount (``100bn``,
        ``1000亿``: :func:`sim.scenario.money.parse_money`), a percentage (``5%``) or, for a
        day key, a date (days since the scenario's ``horizon.start_date``).
    scenario
        The scenario whose runs the condition reads (its start date places dates).
    option
        What the condition is called in messages (the command line passes ``--where``).

    Returns
    -------
    Condition

    Raises
    ------
    AnalysisError
        If the text is not ``KEY OP VALUE``, the key is not a numeric summary figure (with
        the nearest key), or the value cannot be read.
    """
    where = f"{option} {text!r}"
    m = _EXPR.match(text or "")
    if not m:
        ops = " ".join(sorted(OPERATORS, key=len))
        raise AnalysisError(
            f"{where}: expected KEY OP VALUE with OP one of {ops}, e.g. "
            "'pool_exhausted_day < 365' or 'programme_new_amount < 100bn'"
        )
    key, op, value = m.groups()
    keys = _condition_keys()
    if key not in keys:
        raise AnalysisError(
            f"{where}: {key!r} is not a numeric summary figure{did_you_mean(key, keys)} "
            "(e.g. pool_exhausted_day, programme_new_amount, approval_rate)"
        )
    return Condition(key, op, _threshold_value(key, value, scenario, where), text.strip())


# --------------------------------------------------------------------------- boxes


def _ema() -> tuple[Any, Any]:
    """EMA Workbench's PRIM and CART modules, imported quietly (the package warns on
    import about parallel back ends discovery does not use)."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*ipyparallel not installed")
            warnings.filterwarnings("ignore", message=".*altair based interactive")
            from ema_workbench.analysis import cart, prim
    except ImportError as exc:
        raise AnalysisError(f"{MISSING_EXTRA} ({exc})") from None
    return prim, cart


def require_extra() -> None:
    """Check that the ``discover`` extra is installed (imports it once, quietly).

    Raises
    ------
    AnalysisError
        EMA Workbench or scikit-learn cannot be imported; the message names the extra.
    """
    _ema()


@dataclass
class Boxes:
    """PRIM's peeling trajectory, the chosen box and a CART tree over the same cases.

    Attributes
    ----------
    trajectory
        One row per box of PRIM's peeling and pasting trajectory: ``box``, ``coverage``,
        ``density``, ``mass``, ``restricted_n`` (restricted inputs), ``runs_n`` (runs in
        the box), ``cases_n`` (cases of interest in it), ``chosen``.
    chosen
        Index of the chosen box in ``trajectory`` (:func:`choose_box`).
    box
        One row per input: ``parameter``, ``lo`` and ``hi`` (the full range), ``box_lo``
        and ``box_hi`` (the chosen box's limits; the full bound where not restricted),
        ``restricted``, ``qp_lo`` and ``qp_hi`` (quasi-p-values of the lower and upper
        limit, NaN where that side is not restricted).
    leaves
        One row per leaf of the CART tree: ``leaf``, ``coverage``, ``density``, ``mass``,
        ``restricted_n``, ``cases_n``, ``runs_n`` and ``rule`` (its conditions joined by
        ``and``), densest first.
    tree_text
        The tree as indented rules (scikit-learn's ``export_text``).
    tree
        The fitted :class:`sklearn.tree.DecisionTreeClassifier` (for drawing).
    rule
        How the box was chosen: ``{"min_coverage": c}`` or ``{"threshold": d}``, and
        ``"met": False`` when no box reached the threshold.
    significant
        The chosen box without its limits whose quasi-p-value is above ``alpha`` (0.05):
        ``alpha``, ``dropped`` (the inputs freed), ``restricted`` (the inputs with a limit
        kept; a limit is kept or dropped on each side of its range) and the
        ``coverage``, ``density`` and ``mass`` of that box; equal to the chosen box's when
        every limit is significant.
    """

    trajectory: pd.DataFrame
    chosen: int
    box: pd.DataFrame
    leaves: pd.DataFrame
    tree_text: str
    tree: Any
    rule: dict[str, Any] = field(default_factory=dict)
    significant: dict[str, Any] = field(default_factory=dict)

    @property
    def stats(self) -> dict[str, float]:
        """Coverage, density, mass and restricted inputs of the chosen box."""
        row = self.trajectory.iloc[self.chosen]
        return {
            "coverage": float(row["coverage"]),
            "density": float(row["density"]),
            "mass": float(row["mass"]),
            "restricted_n": int(row["restricted_n"]),
        }

    @property
    def restricted(self) -> list[str]:
        """The inputs the chosen box restricts."""
        return self.box.loc[self.box["restricted"], "parameter"].tolist()


def choose_box(
    trajectory: pd.DataFrame, *, min_coverage: float = 0.8, threshold: float | None = None
) -> tuple[int, dict[str, Any]]:
    """The box to report from a peeling trajectory, and the rule that chose it.

    Without ``threshold``: the densest box whose coverage is at least ``min_coverage``.
    With ``threshold``: the box of highest coverage among those whose density is at least
    ``threshold``; if none is that dense, the rule without it. Ties go to fewer
    restricted inputs, then to the earlier box (the larger one).

    Parameters
    ----------
    trajectory
        ``coverage``, ``density`` and ``restricted_n`` of each box, in peeling order.
    min_coverage
        The coverage floor, in ``(0, 1]``.
    threshold
        A density the box must reach, in ``(0, 1]``.

    Returns
    -------
    tuple of (int, dict)
        The row index of the box and the rule (``min_coverage`` or ``threshold``, and
        ``met``).
    """
    t = trajectory.reset_index(drop=True)
    order = np.arange(len(t))
    if threshold is not None:
        ok = t["density"].to_numpy() >= threshold - 1e-12
        if ok.any():
            c = t.loc[ok]
            best = sorted(
                order[ok], key=lambda i: (-c.at[i, "coverage"], c.at[i, "restricted_n"], i)
            )[0]
            return int(best), {"threshold": threshold, "met": True}
    ok = t["coverage"].to_numpy() >= min_coverage - 1e-12
    ok[0] = True  # the whole space covers every case
    c = t.loc[ok]
    best = sorted(order[ok], key=lambda i: (-c.at[i, "density"], c.at[i, "restricted_n"], i))[0]
    rule: dict[str, Any] = {"min_coverage": min_coverage}
    if threshold is not None:
        rule |= {"threshold": threshold, "met": False}
    return int(best), rule


def _check_inputs(x: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=bool)
    if len(y) != len(x):
        raise AnalysisError(f"{len(x)} runs but {len(y)} flags")
    k = int(y.sum())
    if k == 0 or k == len(y):
        which = "no run meets" if k == 0 else "every run meets"
        raise AnalysisError(
            f"{which} the condition ({k} of {len(y)}): there is no region to find; change "
            "the condition or widen the ranges"
        )
    return y


def _prim(prim: Any, x: pd.DataFrame, y: np.ndarray, mass_min: float, peel_alpha: float) -> Any:
    p = prim.Prim(
        x,
        y.astype(int),
        threshold=_KEEP_TRAJECTORY,
        mass_min=mass_min,
        peel_alpha=peel_alpha,
        paste_alpha=peel_alpha,
    )
    return p.find_box()


def _trajectory(box: Any) -> pd.DataFrame:
    pt = box.peeling_trajectory
    return pd.DataFrame(
        {
            "box": np.arange(len(pt)),
            "coverage": pt["coverage"].to_numpy(dtype=float),
            "density": pt["density"].to_numpy(dtype=float),
            "mass": pt["mass"].to_numpy(dtype=float),
            "restricted_n": pt["res_dim"].to_numpy(dtype=int),
            "runs_n": pt["n"].to_numpy(dtype=int),
            "cases_n": pt["k"].to_numpy(dtype=int),
        }
    )


def _box_table(box: Any, i: int, ranges: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """The chosen box's limits against the full ranges, with quasi-p-values."""
    lims, init = box.box_lims[i], box.box_lims[0]
    qp = box.qp[i]
    rows = []
    for p, (lo, hi) in ranges.items():
        lo_cut = bool(lims.at[0, p] != init.at[0, p])
        hi_cut = bool(lims.at[1, p] != init.at[1, p])
        q = qp.get(p, [-1, -1])
        rows.append(
            {
                "parameter": p,
                "lo": float(lo),
                "hi": float(hi),
                "box_lo": float(lims.at[0, p]) if lo_cut else float(lo),
                "box_hi": float(lims.at[1, p]) if hi_cut else float(hi),
                "restricted": lo_cut or hi_cut,
                "qp_lo": float(q[0]) if lo_cut and q[0] >= 0 else math.nan,
                "qp_hi": float(q[1]) if hi_cut and q[1] >= 0 else math.nan,
            }
        )
    return pd.DataFrame(rows)


def _significant_box(
    x: pd.DataFrame, y: np.ndarray, box: pd.DataFrame, alpha: float = 0.05
) -> dict[str, Any]:
    """The chosen box with its limits of quasi-p above ``alpha`` removed, and its statistics.

    A limit whose removal would leave the density about as high (Bryant and Lempert's
    quasi-p-value above 0.05) may be chance: the box without it is the simpler one to
    report, and its coverage and density say what the simplification costs.
    """
    # each side on its own: a significant lower limit stays when the upper one goes
    sides = np.nan_to_num(box[["qp_lo", "qp_hi"]].to_numpy(dtype=float), nan=1.0) <= alpha
    keep = box["restricted"].to_numpy() & sides.any(axis=1)
    inside = np.ones(len(x), dtype=bool)
    for (_, r), (lo_kept, hi_kept) in zip(box.iterrows(), sides, strict=True):
        v = x[r["parameter"]].to_numpy(dtype=float)
        if lo_kept:
            inside &= v >= r["box_lo"]
        if hi_kept:
            inside &= v <= r["box_hi"]
    cases = int(y[inside].sum())
    return {
        "alpha": alpha,
        "dropped": box.loc[box["restricted"].to_numpy() & ~keep, "parameter"].tolist(),
        "restricted": box.loc[keep, "parameter"].tolist(),
        "coverage": cases / int(y.sum()),
        "density": cases / max(1, int(inside.sum())),
        "mass": float(inside.mean()),
    }


def _leaf_rule(tree: Any, names: Sequence[str], leaf: int) -> str:
    """The conditions of the path to a leaf, merged per input (``a > 0.3 and a <= 0.7``)."""
    t = tree.tree_
    parent = {int(c): (n, "<=") for n, c in enumerate(t.children_left) if c >= 0}
    parent |= {int(c): (n, ">") for n, c in enumerate(t.children_right) if c >= 0}
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    node = leaf
    while node in parent:
        n, side = parent[node]
        f, v = names[t.feature[n]], float(t.threshold[n])
        if side == "<=":
            hi[f] = min(hi.get(f, math.inf), v)
        else:
            lo[f] = max(lo.get(f, -math.inf), v)
        node = n
    parts = []
    for f in names:
        if f in lo:
            parts.append(f"{f} > {lo[f]:.4g}")
        if f in hi:
            parts.append(f"{f} <= {hi[f]:.4g}")
    return " and ".join(parts) or "(all runs)"


def _cart(
    cart: Any, x: pd.DataFrame, y: np.ndarray, mass_min: float, seed: int
) -> tuple[pd.DataFrame, str, Any]:
    from sklearn.tree import DecisionTreeClassifier, export_text

    c = cart.CART(x, y.astype(int), mass_min=mass_min)
    # EMA Workbench's build_tree with a fixed random_state: ties between equally good
    # splits then fall the same way on every run of the same command
    c.clf = DecisionTreeClassifier(
        min_samples_leaf=max(1, int(mass_min * len(x))), random_state=seed
    ).fit(x.to_numpy(dtype=float), y.astype(int))
    names = list(x.columns)
    leaves_ids = [n for n in range(c.clf.tree_.node_count) if c.clf.tree_.children_left[n] < 0]
    # c.boxes lists the leaves in node order, as leaves_ids
    rows = []
    for leaf, stats in zip(leaves_ids, c.stats, strict=True):
        inside = c.clf.apply(x.to_numpy(dtype=float)) == leaf
        rows.append(
            {
                "leaf": leaf,
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "mass": float(stats["mass"]),
                "restricted_n": int(stats["res dim"]),
                "cases_n": int(y[inside].sum()),
                "runs_n": int(inside.sum()),
                "rule": _leaf_rule(c.clf, names, leaf),
            }
        )
    leaves = pd.DataFrame(rows).sort_values(["density", "coverage"], ascending=False)
    text = export_text(c.clf, feature_names=names, class_names=["flag=0", "flag=1"], decimals=4)
    return leaves.reset_index(drop=True), text, c.clf


def _check_settings(
    min_coverage: float, threshold: float | None, mass_min: float, peel_alpha: float
) -> None:
    for name, v in (
        ("min_coverage", min_coverage),
        ("mass_min", mass_min),
        ("peel_alpha", peel_alpha),
    ):
        if not 0 < v <= 1:
            raise AnalysisError(f"{name} must be in (0, 1], got {v}")
    if threshold is not None and not 0 < threshold <= 1:
        raise AnalysisError(f"the density threshold must be in (0, 1], got {threshold}")


def find_boxes(
    x: pd.DataFrame,
    y: Sequence[bool] | np.ndarray,
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    min_coverage: float = 0.8,
    threshold: float | None = None,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    seed: int = 0,
) -> Boxes:
    """PRIM and CART on cases: the analysis layer of :func:`discover`, usable on any data.

    Parameters
    ----------
    x
        One row per case, one numeric column per input.
    y
        Whether each case is a case of interest.
    ranges
        ``{input: (lo, hi)}``: the full ranges the box is shown against (default the
        data's minimum and maximum).
    min_coverage, threshold
        The rule of :func:`choose_box`.
    mass_min
        The smallest share of cases a PRIM box or a CART leaf may hold.
    peel_alpha
        The share of the box's cases PRIM peels (and pastes) at a time.
    seed
        Random state of the tree (ties between equal splits).

    Returns
    -------
    Boxes

    Raises
    ------
    AnalysisError
        No case or every case is of interest, bad settings, or the ``discover`` extra is
        missing.
    """
    _check_settings(min_coverage, threshold, mass_min, peel_alpha)
    x = x.reset_index(drop=True).astype(float)
    yb = _check_inputs(x, np.asarray(y))
    full = (
        {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
        if ranges is None
        else {c: (float(ranges[c][0]), float(ranges[c][1])) for c in x.columns}
    )
    prim, cart = _ema()
    with warnings.catch_warnings():
        # EMA Workbench 2.5 calls pandas in ways pandas 3 deprecates: not the user's concern
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        pbox = _prim(prim, x, yb, mass_min, peel_alpha)
        trajectory = _trajectory(pbox)
        chosen, rule = choose_box(trajectory, min_coverage=min_coverage, threshold=threshold)
        trajectory["chosen"] = trajectory["box"] == chosen
        box = _box_table(pbox, chosen, full)
        leaves, text, tree = _cart(cart, x, yb, mass_min, seed)
    return Boxes(trajectory, chosen, box, leaves, text, tree, rule, _significant_box(x, yb, box))


# --------------------------------------------------------------------------- discovery


@dataclass
class DiscoveryResult:
    """A scenario discovery: the runs, their flags, PRIM's boxes and the CART tree.

    Attributes
    ----------
    scenario
        The scenario the inputs vary.
    condition
        The condition that makes a run a case of interest.
    params
        The varied inputs and their ranges.
    replications
        Runs per point.
    runs
        One row per run (point x replication): ``point``, ``replication``, the inputs,
        ``outcome`` (the condition's figure as compared: a day that never came is the
        horizon length) and ``flag``, then every summary key.
    boxes
        PRIM's trajectory and chosen box, and the CART tree (:class:`Boxes`).
    meta
        Sample, seed, counts, timings.
    """

    scenario: Scenario
    condition: Condition
    params: tuple[ParamRange, ...]
    replications: int
    runs: pd.DataFrame
    boxes: Boxes
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def trajectory(self) -> pd.DataFrame:
        """PRIM's peeling trajectory (:attr:`Boxes.trajectory`)."""
        return self.boxes.trajectory

    @property
    def box(self) -> pd.DataFrame:
        """The chosen box against the full ranges (:attr:`Boxes.box`)."""
        return self.boxes.box

    @property
    def leaves(self) -> pd.DataFrame:
        """The CART tree's leaves (:attr:`Boxes.leaves`)."""
        return self.boxes.leaves

    def to_dict(self) -> dict[str, Any]:
        """The discovery as plain data (``discovery.json``)."""
        return {
            "kind": "discover",
            "scenario": self.scenario.name,
            "condition": {
                "text": self.condition.text,
                "key": self.condition.key,
                "op": self.condition.op,
                "value": self.condition.value,
            },
            "params": [{"path": p.path, "lo": p.lo, "hi": p.hi} for p in self.params],
            "runs_n": len(self.runs),
            "cases_n": int(self.runs["flag"].sum()),
            "replications": self.replications,
            "rule": self.boxes.rule,
            "chosen_box": {
                "index": self.boxes.chosen,
                **self.boxes.stats,
                "limits": self.box.to_dict(orient="records"),
            },
            "significant_box": self.boxes.significant,
            "trajectory": self.trajectory.to_dict(orient="records"),
            "cart_leaves": self.leaves.to_dict(orient="records"),
            "meta": self.meta,
        }


def _runs_table(ex_runs: pd.DataFrame, params: Sequence[str], condition: Condition) -> pd.DataFrame:
    runs = ex_runs[[c for c in ex_runs.columns if not c.startswith("series_")]].copy()
    values = condition.values(runs)
    flags = condition.flags(runs)
    head = ["point", "replication", *params]
    rest = [c for c in runs.columns if c not in head]
    out = runs[head].copy()
    out["outcome"] = values
    out["flag"] = flags
    return pd.concat([out, runs[rest]], axis=1)


def discover(
    scenario: Scenario | str | Path,
    ranges: Mapping[str, tuple[Any, Any]] | Sequence[ParamRange],
    where: str | Condition,
    samples: int,
    *,
    replications: int = 1,
    seed: int | None = None,
    min_coverage: float = 0.8,
    threshold: float | None = None,
    mass_min: float = 0.05,
    processes: int | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> DiscoveryResult:
    """Run a Latin hypercube of the scenario and find where a condition holds (PRIM, CART).

    Parameters
    ----------
    scenario
        A validated scenario or the path of a scenario file.
    ranges
        ``{path: (lo, hi)}`` (bounds as the field reads them: ``"100bn"``, ``"50%"``) or
        :class:`~sim.analysis.evaluation.ParamRange` objects.
    where
        The condition of a case of interest, ``"KEY OP VALUE"`` (:func:`parse_condition`).
    samples
        Points of the Latin hypercube (seeded from ``seed``).
    replications
        Runs per point; every run is a case.
    seed
        Root seed of the runs and the sample (default the scenario's).
    min_coverage, threshold
        The rule that picks the box on PRIM's trajectory (:func:`choose_box`).
    mass_min
        The smallest share of runs a box or a leaf may hold.
    processes, scheduler, store, resume, progress
        As for :func:`sim.experiments.designs.sweep` (local processes or a Dask cluster;
        a task store to resume from).

    Returns
    -------
    DiscoveryResult

    Raises
    ------
    AnalysisError
        A bad condition or setting, no run (or every run) meeting the condition, or the
        ``discover`` extra missing.
    ScenarioError
        A path or bound invalid for the scenario (before any run).

    Examples
    --------
    >>> import sim
    >>> d = sim.discover(
    ...     "scenarios/shanghai_2024_hard_caps.yaml",
    ...     {"behaviour.apply_intercept": (-3, 0), "awareness.initial_share": (0.2, 0.8)},
    ...     "disbursed_amount < 70bn",
    ...     100,
    ... )  # doctest: +SKIP
    >>> d.box  # doctest: +SKIP
    """
    from ..experiments import sweep
    from ..scenario import load_scenario

    t0 = time.perf_counter()
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    cond = where if isinstance(where, Condition) else parse_condition(where, sc)
    if isinstance(ranges, Mapping):
        from .evaluation import parse_range

        params = tuple(parse_range(f"{p}={lo}:{hi}", sc) for p, (lo, hi) in ranges.items())
    else:
        params = tuple(ranges)
    _check_settings(min_coverage, threshold, mass_min, 0.05)
    if samples < 2:
        raise AnalysisError(f"a discovery needs a sample of at least 2 points, got {samples}")
    require_extra()  # a missing extra is said before the runs, not after
    ex = sweep(
        sc,
        ranges={p.path: (p.lo, p.hi) for p in params},
        samples=samples,
        replications=replications,
        seed=seed,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    t1 = time.perf_counter()
    paths = [p.path for p in params]
    runs = _runs_table(ex.runs, paths, cond)
    boxes = find_boxes(
        runs[paths],
        runs["flag"].to_numpy(),
        ranges={p.path: (p.lo, p.hi) for p in params},
        min_coverage=min_coverage,
        threshold=threshold,
        mass_min=mass_min,
        seed=ex.seed,
    )
    t2 = time.perf_counter()
    meta = {
        "samples": samples,
        "seed": ex.seed,
        "runs_n": len(runs),
        "cases_n": int(runs["flag"].sum()),
        "mass_min": mass_min,
        "horizon_days": sc.horizon.days,
        "start_date": sc.horizon.start_date.isoformat(),
        "timings_s": {"runs": t1 - t0, "analysis": t2 - t1},
    }
    return DiscoveryResult(sc, cond, params, ex.replications, runs, boxes, meta)
