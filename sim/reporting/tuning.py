"""Tuning: sliders for scenario levers in a notebook, the model re-run on every move.

Public names: :func:`tune`, :class:`Tuner`, :class:`Lever`.

A lever is a numeric scenario field and a range, written as for the analyses
(``guarantee.cap_per_firm=10m:50m``, parsed by :func:`sim.analysis.evaluation.parse_range`).
Every move of a slider gives the field a value written as ``--set`` writes it
(``guarantee.cap_per_firm=27.5m``); the tuner applies exactly that text to the scenario
and runs it with the same seed, so one setting differs from the next by the lever alone
(common random numbers), and the command line it shows reproduces the run.

ipywidgets is imported when a tuner is built, never by ``import sim``
(``pip install -e ".[notebook]"``).
"""

from __future__ import annotations

import io
import math
import os
import shlex
import threading
import time
from collections.abc import Callable, Sequence
from html import escape
from numbers import Integral
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..model.instruments import headlines
from ..results import RunResult, run
from ..scenario import (
    Scenario,
    ScenarioError,
    get_path,
    load_scenario,
    scenario_to_dict,
    with_overrides,
)
from .formatting import format_count, format_money
from .i18n import tr
from .levers import Lever
from .measure_rows import ACCOUNT_ROWS_BELOW, Formatter, fiscal_label
from .run_report import plot_disbursed, plot_pool_levels, plot_savings_by_category

__all__ = ["tune", "Tuner", "Lever"]

#: The three plots, each drawn by a report function on its own figure.
_PLOTS: tuple[Callable[[Axes, RunResult], Any], ...] = (
    plot_disbursed,
    plot_pool_levels,
    plot_savings_by_category,
)


class Tuner:
    """Sliders for scenario levers, the headline figures and three plots of the latest run.

    Build it with :func:`tune`; display it as the last expression of a notebook cell.
    A change of a slider schedules a run after ``debounce`` seconds of quiet (a background
    timer; moves in between are folded into one run), and runs never overlap. With
    ``debounce=0`` every change runs at once, in the caller's thread. :meth:`update` runs
    now, whatever the setting.

    Attributes
    ----------
    levers
        The levers, in the order given.
    sliders
        The slider of each lever, by path (set ``.value`` in the slider's unit).
    base
        The scenario the levers are applied to (with ``overrides`` applied).
    seed
        The seed of every run.
    result
        The latest successful run (None before the first).
    start_summary
        The summary of the first run (the scenario as loaded), which changes are shown
        against.
    error
        The message of the latest failed run, or None when it succeeded.
    runs_n
        Runs made so far.
    widget
        The ipywidgets box holding everything.
    """

    def __init__(
        self,
        scenario: Scenario | str | os.PathLike[str],
        levers: Sequence[str],
        *,
        seed: int | None = None,
        firms_n: int | None = None,
        overrides: Sequence[str] | None = None,
        debounce: float = 0.3,
    ) -> None:
        try:
            import ipywidgets as widgets
        except ImportError:  # pragma: no cover (ipywidgets is in the test extra)
            raise ImportError('sim.tune needs ipywidgets: pip install -e ".[notebook]"') from None
        if not levers:
            raise ValueError("give at least one lever, e.g. 'guarantee.cap_per_firm=10m:50m'")
        if debounce < 0:
            raise ValueError(f"debounce must be 0 or more seconds, got {debounce}")
        self._fixed = [str(o) for o in (overrides or [])]
        if isinstance(scenario, Scenario):
            self.base = with_overrides(scenario, self._fixed) if self._fixed else scenario
            self._file: str | None = None
        else:
            self.base = load_scenario(scenario, self._fixed)
            self._file = _shown_path(scenario)
        self.levers = [Lever.parse(t, self.base) for t in levers]
        paths = [lv.path for lv in self.levers]
        if len(set(paths)) < len(paths):
            raise ValueError(f"a field is given as a lever twice: {paths}")
        self.seed = int(self.base.seed if seed is None else seed)
        self._sample = self._sample_items(firms_n, paths)
        if self._sample:
            with_overrides(self.base, self._sample)  # a bad firms_n fails here, not later
        self.debounce = float(debounce)

        self.result: RunResult | None = None
        self.start_summary: dict[str, Any] | None = None
        self.error: str | None = None
        self.runs_n = 0
        self._run_lock = threading.RLock()
        self._state_lock = threading.Lock()
        self._pending = False
        self._timer: threading.Timer | None = None
        self._figures = [Figure(figsize=(6.4, 3.6)) for _ in _PLOTS]
        for fig in self._figures:
            FigureCanvasAgg(fig)

        cur = self.base.currency
        data = scenario_to_dict(self.base)
        self.sliders: dict[str, Any] = {}
        self._initial: dict[str, float | None] = {}
        for lv in self.levers:
            now = get_path(data, lv.path)
            lo, hi = lv.range.lo / lv.unit, lv.range.hi / lv.unit
            start = min(max((lo if now is None else float(now) / lv.unit), lo), hi)
            common = dict(
                min=lo,
                max=hi,
                step=lv.step,
                value=start,
                description=lv.label(cur),
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="640px"),
            )
            if lv.range.integer:
                slider = widgets.IntSlider(**{**common, "min": int(lo), "max": int(hi)})
            else:
                slider = widgets.FloatSlider(**common, readout_format=f".{lv.decimals}f")
            # a field outside its lever's range starts at the nearer bound: that is then
            # an override from the start (the runs and the command line use the bound)
            inside = now is not None and start == float(now) / lv.unit
            self._initial[lv.path] = slider.value if inside else None
            slider.observe(self._changed, names="value")
            self.sliders[lv.path] = slider

        self._title = widgets.HTML(f"<b>Tuning scenario {escape(self.base.name)}</b>")
        self._about = widgets.HTML(self._about_text())
        self._status = widgets.HTML()
        self._error = widgets.HTML()
        self._headline = widgets.HTML()
        self._images = [
            widgets.Image(format="png", layout=widgets.Layout(max_width="560px")) for _ in _PLOTS
        ]
        self._command = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self._title,
                *self.sliders.values(),
                self._about,
                self._status,
                self._error,
                self._headline,
                widgets.HBox(self._images, layout=widgets.Layout(flex_flow="row wrap")),
                self._command,
            ]
        )
        self.update()

    # ------------------------------------------------------------------ settings

    def _sample_items(self, firms_n: int | None, paths: list[str]) -> list[str]:
        pop = self.base.population
        if firms_n is None:
            return []
        if isinstance(firms_n, bool) or not isinstance(firms_n, Integral):
            raise ValueError(f"firms_n must be a whole number, got {firms_n!r}")
        if firms_n == pop.firms_n:
            return []
        if not 1 <= firms_n < pop.firms_n:
            raise ValueError(
                f"firms_n must be a whole number from 1 to the scenario's population.firms_n "
                f"({pop.firms_n:,}), got {firms_n!r}"
            )
        clash = {"population.firms_n", "population.scale"} & set(paths)
        if clash:
            raise ValueError(f"firms_n sets {', '.join(sorted(clash))}: it cannot be a lever too")
        scale = pop.scale * pop.firms_n / int(firms_n)
        self._sample_n, self._sample_scale = int(firms_n), scale
        return [f"population.firms_n={int(firms_n)}", f"population.scale={scale!r}"]

    @property
    def overrides(self) -> dict[str, str]:
        """The levers moved from the scenario's values, as ``{path: value text}`` (the
        ``--set`` values, in the order of the levers)."""
        return {
            lv.path: lv.text(self.sliders[lv.path].value)
            for lv in self.levers
            if self.sliders[lv.path].value != self._initial[lv.path]
        }

    def _set_items(self) -> list[str]:
        return [f"{p}={t}" for p, t in self.overrides.items()]

    def _line(self, items: list[str]) -> str:
        file = self._file if self._file is not None else f"{self.base.name}.yaml"
        parts = ["smesim", "run", shlex.quote(file)]
        for item in [*self._fixed, *items]:
            parts += ["--set", shlex.quote(item)]
        if self.seed != self.base.seed:
            parts += ["--seed", str(self.seed)]
        return " ".join(parts)

    @property
    def command(self) -> str:
        """The command line that runs the current setting on the scenario's population."""
        return self._line(self._set_items())

    @property
    def sample_command(self) -> str:
        """The command line that reproduces the tuner's latest setting exactly, with the
        smaller population of ``firms_n`` (the same as :attr:`command` without it)."""
        return self._line([*self._set_items(), *self._sample])

    @property
    def scenario(self) -> Scenario:
        """The scenario of the current setting, as the tuner runs it.

        Raises
        ------
        ScenarioError
            If the levers' values make an invalid scenario together.
        """
        items = [*self._set_items(), *self._sample]
        return with_overrides(self.base, items) if items else self.base

    @property
    def summary(self) -> dict[str, Any]:
        """Headline figures of the latest successful run (``RunResult.summary_values``)."""
        return {} if self.result is None else dict(self.result.summary_values)

    # ------------------------------------------------------------------ running

    def _changed(self, _change: Any = None) -> None:
        if self.debounce == 0:
            self.update()
            return
        with self._state_lock:
            self._pending = True
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.debounce, self._drain)
            self._timer.daemon = True
            self._timer.start()

    def _drain(self) -> None:
        with self._run_lock:
            while True:
                with self._state_lock:
                    if not self._pending:
                        return
                    self._pending = False
                self._run()

    def update(self) -> None:
        """Run the current setting now and show it (waits for a run under way to finish).

        A setting that makes an invalid scenario, or a run that fails, leaves the last good
        figures in place and shows the message in the widget (and in :attr:`error`).
        """
        with self._state_lock:
            self._pending = False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        with self._run_lock:
            self._run()

    def _run(self) -> None:
        with self._run_lock:
            self._status.value = "<i>running ...</i>"
            t0 = time.perf_counter()
            try:
                result = run(self.scenario, seed=self.seed)
            except ScenarioError as exc:
                # the field and what was wrong, without the scenario's pseudo file name
                self._fail(str(ScenarioError(exc.message, field=exc.field, fields=exc.fields)))
                return
            except Exception as exc:  # noqa: BLE001 (shown in the widget, kept in .error)
                self._fail(f"the run failed: {type(exc).__name__}: {exc}")
                return
            took = time.perf_counter() - t0
            try:
                pairs = zip(self._figures, _PLOTS, strict=True)
                images = [_png(fig, plot, result) for fig, plot in pairs]
            except Exception as exc:  # noqa: BLE001 (shown in the widget, kept in .error)
                self._fail(f"the plots could not be drawn: {type(exc).__name__}: {exc}")
                return
            self.runs_n += 1
            self.result = result
            if self.start_summary is None:
                self.start_summary = dict(result.summary_values)
            self.error = None
            self._error.value = ""
            self._headline.value = _headline_html(result, self.start_summary)
            for img, png in zip(self._images, images, strict=True):
                img.value = png
            self._command.value = self._command_html()
            self._status.value = f"run {self.runs_n} took {took:.1f} s"

    def _fail(self, message: str) -> None:
        self.error = message
        self._error.value = (
            '<div style="color:#b00020;border:1px solid #b00020;padding:4px">'
            f"<b>This setting cannot run:</b> {escape(message)}<br>"
            "The figures below are those of the last setting that ran.</div>"
        )
        self._status.value = ""
        self._command.value = self._command_html()

    def close(self) -> None:
        """Cancel a scheduled run and close the widgets."""
        with self._state_lock:
            self._pending = False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        boxes = [self.widget]
        while boxes:
            box = boxes.pop()
            boxes.extend(getattr(box, "children", ()))
            box.close()

    # ------------------------------------------------------------------ display

    def _about_text(self) -> str:
        pop = self.base.population
        seed_note = (
            f"Seed {self.seed}, fixed: every setting runs with the same random draws "
            "(common random numbers), so a change comes from the levers alone."
        )
        if not self._sample:
            size = f"Population: all {pop.firms_n:,} firms of the scenario" + (
                "."
                if pop.scale == 1
                else f", each standing for {pop.scale:g} real firms (population.scale), "
                f"{pop.firms_n * pop.scale:,.0f} in all."
            )
        else:
            n, scale = self._sample_n, self._sample_scale
            size = (
                f"Population: {n:,} simulated firms stand for the scenario's "
                f"{pop.firms_n * pop.scale:,.0f} (firms_n={n:,}, population.scale {scale:g}) "
                "for speed; counts and amounts are scaled up, and small quotas run out "
                "in coarser steps than with every firm."
            )
        return f"<small>{escape(seed_note)}<br>{escape(size)}</small>"

    def _command_html(self) -> str:
        lines = [f"Run this setting from the command line:<pre>{escape(self.command)}</pre>"]
        if self._sample:
            lines.append(
                "This exact run (with the smaller population):"
                f"<pre>{escape(self.sample_command)}</pre>"
            )
        if self._file is None:
            lines.append(
                f"<small>The scenario was given as an object: write it to "
                f"{escape(self.base.name)}.yaml first (sim.scenario_to_yaml).</small>"
            )
        return "".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def tune(
    scenario: Scenario | str | os.PathLike[str],
    levers: Sequence[str],
    *,
    seed: int | None = None,
    firms_n: int | None = None,
    overrides: Sequence[str] | None = None,
    debounce: float = 0.3,
) -> Tuner:
    """Sliders for scenario levers; the model re-runs on every move (in a notebook).

    Parameters
    ----------
    scenario
        A scenario file (its path goes into the command line shown) or a
        :class:`~sim.scenario.Scenario`.
    levers
        Fields and ranges, ``"path=lo:hi"`` as for ``smesim sensitivity --param``
        (``"loan_pool.total=200bn:600bn"``); amounts are shown in readable units.
    seed
        Seed of every run (default: the scenario's). Fixed, so settings are compared on
        the same random draws.
    firms_n
        Simulate this many firms, standing for the scenario's population
        (``population.scale`` raised to match), for faster runs; the display says so.
    overrides
        ``path=value`` settings applied before the levers (``["horizon.days=365"]``);
        they are part of the command line shown.
    debounce
        Seconds of quiet after a slider move before the model runs; 0 runs at once.

    Returns
    -------
    Tuner
        The tuner, already run once; display it as a cell's last expression.

    Raises
    ------
    ScenarioError
        If the scenario, an override or a lever is not valid.
    ValueError
        If ``firms_n`` is not a whole number below the population, or clashes with a lever.

    Examples
    --------
    >>> import sim
    >>> t = sim.tune(
    ...     "scenarios/shanghai_2024.yaml",
    ...     ["guarantee.cap_per_firm=10m:50m", "demand.rollover_share=0.8:1"],
    ...     firms_n=2000,
    ...     debounce=0,
    ... )
    >>> t.sliders["guarantee.cap_per_firm"].value = 40  # in millions; runs again
    >>> t.command
    'smesim run scenarios/shanghai_2024.yaml --set guarantee.cap_per_firm=40m'
    """
    return Tuner(
        scenario, levers, seed=seed, firms_n=firms_n, overrides=overrides, debounce=debounce
    )


# ---------------------------------------------------------------------- headline


def _png(fig: Figure, plot: Callable[[Axes, RunResult], Any], result: RunResult) -> bytes:
    """``plot`` of ``result`` drawn afresh on ``fig``, as PNG bytes."""
    fig.clear()
    plot(fig.add_subplot(), result)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    return buf.getvalue()


def _shown_path(path: str | os.PathLike[str]) -> str:
    """The scenario file as the command line should name it (relative when below here)."""
    p = Path(path)
    if p.is_absolute():
        try:
            return str(p.relative_to(Path.cwd()))
        except ValueError:
            return str(p)
    return str(p)


def _day(start: Any, d: Any, none: str = "not exhausted") -> str:
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return none
    return f"day {int(d)} ({pd.Timestamp(start) + pd.Timedelta(days=int(d)):%Y-%m-%d})"


def _change(now: Any, then: Any, kind: str, cur: str) -> str:
    """The change of a figure since the first run, in the figure's unit ('' when none)."""
    if now is None or then is None:
        return "=" if now == then else "changed"
    d = float(now) - float(then)
    if abs(d) < 1e-9:
        return "="
    sign = "+" if d > 0 else "-"
    if kind == "money":
        return f"{sign}{format_money(abs(d), cur)}"
    if kind == "share":
        return f"{sign}{100 * abs(d):.1f} pp"
    if kind == "day":
        return f"{sign}{abs(d):,.0f} days"
    return f"{sign}{abs(d):,.0f}"


def _pool_rows(result: RunResult, lang: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Rows of the pool and the lender quotas: "exhausted" for hard and revolving
    accounts, "reached" for targets (docs/model.md 7.7)."""
    s, lp = result.summary_values, result.scenario.loan_pool
    fmt = Formatter(lang, s["currency"], result.scenario.horizon.start_date)

    def day(key: str, none: str) -> str:
        return tr(none, lang) if s.get(key) is None else fmt.day(s[key])

    n = s["bank_quotas_n"]
    return [
        (
            tr("h.pool_target", lang),
            day("pool_target_reached_day", "not_reached"),
            [("pool_target_reached_day", "day")],
        )
        if lp.kind == "target"
        else (
            tr("h.pool_exhausted", lang),
            day("pool_exhausted_day", "not_exhausted"),
            [("pool_exhausted_day", "day")],
        ),
        (
            tr("h.quotas_target", lang),
            tr("of", lang, a=s.get("bank_quota_targets_reached_n", 0), b=n),
            [("bank_quota_targets_reached_n", "count")],
        )
        if lp.quota_kind == "target"
        else (
            tr("h.quotas_exhausted", lang),
            tr("of", lang, a=s["bank_quotas_exhausted_n"], b=n),
            [("bank_quotas_exhausted_n", "count")],
        ),
    ]


#: The unit of a change for each format of a headline row.
_CHANGE_KIND = {"amount": "money", "count": "count", "share": "share", "day": "day"}


def _measure_rows(
    result: RunResult, lang: str, **bounds: float
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The rows the measures declare for the tuner (:func:`sim.model.instruments.headlines`),
    each with the keys whose change is shown."""
    s, sc = result.summary_values, result.scenario
    fmt = Formatter(lang, s["currency"], sc.horizon.start_date)
    rows = []
    for h in headlines("tuner"):
        low, high = bounds.get("above", -math.inf), bounds.get("below", math.inf)
        if low <= h.order < high and h.shown(s, sc):
            keys = [(k, _CHANGE_KIND[f]) for k, f in zip(h.keys, h.formats, strict=True)]
            rows.append((tr(h.label, lang) if h.label else "", h.text(fmt, s, sc), keys))
    return rows


def _headline_html(result: RunResult, start: dict[str, Any]) -> str:
    """The headline table: figure, value now, change since the first run, in the
    scenario's language."""
    s = result.summary_values
    lang = result.scenario.language or "en"
    cur = s["currency"]
    n = lambda k: format_count(s[k])  # noqa: E731
    pct = lambda k: tr("na", lang) if s[k] is None else f"{100 * s[k]:.1f} %"  # noqa: E731
    m = lambda k: format_money(s[k], cur, lang)  # noqa: E731
    refused = ("refused_credit_n", "refused_quota_n", "refused_guarantee_n", "refused_firm_limit_n")
    rows: list[tuple[str, str, list[tuple[str, str]]]] = [
        (
            tr("h.borrowers", lang),
            f"{n('borrower_firms_n')} ({pct('uptake_rate')})",
            [("borrower_firms_n", "count"), ("uptake_rate", "share")],
        ),
        (
            tr("h.applications", lang),
            f"{n('applications_n')} / {n('approved_n')} / {n('pending_n')}",
            [("approved_n", "count")],
        ),
        (tr("h.approval_rate", lang), pct("approval_rate"), [("approval_rate", "share")]),
        (
            tr("h.refused", lang),
            " / ".join(n(k) for k in refused),
            [(k, "count") for k in refused],
        ),
        *_pool_rows(result, lang),
        *_measure_rows(result, lang, below=ACCOUNT_ROWS_BELOW),
        (
            tr("h.disbursed", lang),
            f"{m('disbursed_amount')} ({m('avg_loan_amount')})",
            [("disbursed_amount", "money")],
        ),
        *_measure_rows(result, lang, above=ACCOUNT_ROWS_BELOW),
        (tr("h.savings", lang), m("savings_total_amount"), [("savings_total_amount", "money")]),
        (
            fiscal_label(result.scenario, lang),
            m("fiscal_cost_amount"),
            [("fiscal_cost_amount", "money")],
        ),
    ]
    cells = []
    for label, value, keys in rows:
        # a key may be missing from one of the runs (the kinds' keys: sim.results.kinds)
        changes = [_change(s.get(k), start.get(k), kind, cur) for k, kind in keys]
        change = "" if all(c == "=" for c in changes) else " / ".join(changes)
        cells.append(
            f"<tr><td>{escape(label)}</td><td style='text-align:right'>{escape(value)}</td>"
            f"<td style='text-align:right;color:#555'>{escape(change)}</td></tr>"
        )
    return (
        "<table><tr><th style='text-align:left'>Headline figure</th><th>Value</th>"
        "<th>Change since the first run</th></tr>" + "".join(cells) + "</table>"
    )
