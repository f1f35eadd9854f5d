"""Experiment and analysis reports: outcome pages, warnings on thin estimates, words, zero axes."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import sim
from sim.analysis.design import describe, design
from sim.analysis.evaluation import parse_range
from sim.cli.analysis import _print_indices
from sim.cli.experiments import _print_comparison, _print_replications, _print_sweep
from sim.experiments.precision import (
    MIN_BAND_REPLICATIONS,
    MIN_MORRIS_TRAJECTORIES,
    MIN_PROBABILITY_REPLICATIONS,
    band_warning,
    morris_warning,
    probability_warning,
)
from sim.reporting.analysis_report import plot_morris_indices
from sim.reporting.design_report import plot_design_curve
from sim.reporting.experiment_pages import REFUSAL_KEYS, plot_band_bars, plot_zone_share
from sim.reporting.experiment_report import _pages, plot_fan, plot_sweep, write_experiment_report
from sim.reporting.i18n import short_label

from .conftest import BASELINE as BASELINE_FILE
from .conftest import small_scenario
from .test_design import tiny_pool

# zone budgets small enough to run out: a zone page is printed only when one does
TINY = ["population.firms_n=1500", "cost_relief.budget=300m"]


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return small_scenario(*TINY)


@pytest.fixture(scope="module")
def few(tiny):
    return sim.replicate(tiny, 3, processes=1)


@pytest.fixture(scope="module")
def enough(tiny):
    return sim.replicate(tiny, MIN_BAND_REPLICATIONS, processes=1)


@pytest.fixture(scope="module")
def swept(tiny):
    vary = {"guarantee.cap_per_firm": ["10m", "30m"]}
    return {
        r: sim.sweep(tiny, vary=vary, replications=r, processes=1)
        for r in (2, MIN_BAND_REPLICATIONS)
    }


def _axes_text(fig: Figure) -> str:
    parts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.texts]
    return "\n".join(parts)


def _draw(result, name: str) -> Figure:
    fig = Figure(figsize=(11.69, 8.27))
    dict(_pages(result))[name](fig)
    return fig


# ---------------------------------------------------------------- thresholds


def test_thresholds_warn_below_and_not_at_or_above():
    for fn, limit in [
        (band_warning, MIN_BAND_REPLICATIONS),
        (morris_warning, MIN_MORRIS_TRAJECTORIES),
        (probability_warning, MIN_PROBABILITY_REPLICATIONS),
    ]:
        assert "WARNING" in fn(limit - 1) and str(limit) in fn(limit - 1)
        assert fn(limit) is None and fn(limit + 5) is None


# ---------------------------------------------------------------- experiment report pages


def test_replication_report_has_savings_zone_and_refusal_pages(few, tmp_path):
    paths = write_experiment_report(few, tmp_path, dpi=30)
    names = {p.name for p in paths}
    assert {"savings.png", "zones.png", "refusals.png"} <= names


def test_comparison_and_sweep_reports_have_the_outcome_pages(tiny, swept):
    old = sim.with_overrides(tiny, {"guarantee.cap_per_firm": 1e7, "name": "cap_10m"})
    cx = sim.compare(tiny, [old], 2, processes=1)
    for result in (cx, swept[2]):
        names = [n for n, _ in _pages(result)]
        assert {"savings", "zones", "refusals"} <= set(names), names


@pytest.mark.parametrize("page", ["savings", "zones", "refusals", "uptake", "quotas"])
def test_band_warning_on_the_page_below_ten_replications_only(few, enough, page):
    assert "WARNING: band from only 3 replications" in _axes_text(_draw(few, page))
    assert "WARNING" not in _axes_text(_draw(enough, page))


def test_exhaustion_probability_warns_of_few_replications(few, enough):
    assert "WARNING: probability from only 3 replications" in _axes_text(_draw(few, "exhaustion"))
    assert "WARNING" not in _axes_text(_draw(enough, "exhaustion"))


def test_sweep_warning_below_ten_replications_only(swept):
    assert "WARNING: band from only 2 replications" in _axes_text(_draw(swept[2], "sweep_1"))
    assert "WARNING" not in _axes_text(_draw(swept[MIN_BAND_REPLICATIONS], "sweep_1"))


def test_refusal_bars_cover_every_reason_in_words(few):
    fig = Figure()
    ax = fig.subplots()
    bars = plot_band_bars(ax, few, REFUSAL_KEYS)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["credit", "quota exhausted", "guarantee capacity exhausted", "firm limit"]
    assert not any("_" in t for t in ticks)
    # the bars are the means over replications of every refusal reason
    heights = [b.get_height() for b in bars[0]]
    assert heights == pytest.approx([few.runs[k].mean() for k in REFUSAL_KEYS])
    assert ax.get_ylim()[0] == 0


def test_labels_are_words():
    assert short_label("refused_firm_limit_n") == "firm limit"
    assert short_label("refused_firm_limit") == "firm limit"
    assert short_label("relief_water") == "water"
    assert short_label("something_new") == "something new"
    assert short_label("refused_firm_limit_n", "zh") == "超出单户限额"


# ---------------------------------------------------------------- axes from zero


@pytest.mark.parametrize(
    "metric", ["approved_n", "guaranteed_amount", "fiscal_cost_amount", "savings_total_amount"]
)
def test_sweep_axes_start_at_zero(swept, metric):
    ax = Figure().subplots()
    plot_sweep(ax, swept[2], metric)
    assert ax.get_ylim()[0] == 0


@pytest.mark.parametrize("name", ["disbursed_cum", "pool_remaining", "zone_budgets_exhausted_n"])
def test_fan_amount_axes_start_at_zero(few, name):
    ax = Figure().subplots()
    plot_fan(ax, few, name)
    assert ax.get_ylim()[0] == 0


def test_zone_share_runs_from_zero_to_all_zones(few):
    ax = Figure().subplots()
    plot_zone_share(ax, few)
    assert ax.get_ylim() == (0, 100)


# ---------------------------------------------------------------- terminal


def test_terminal_band_warning_below_ten_replications_only(few, enough, swept, capsys):
    _print_replications(few)
    assert "WARNING: band from only 3 replications" in capsys.readouterr().out
    _print_replications(enough)
    assert "WARNING" not in capsys.readouterr().out
    _print_sweep(swept[2])
    assert "WARNING: band from only 2 replications" in capsys.readouterr().out
    _print_sweep(swept[MIN_BAND_REPLICATIONS])
    assert "WARNING" not in capsys.readouterr().out


def test_terminal_comparison_warning(tiny, capsys):
    old = sim.with_overrides(tiny, {"guarantee.cap_per_firm": 1e7, "name": "cap_10m"})
    _print_comparison(sim.compare(tiny, [old], 2, processes=1))
    assert "WARNING: band from only 2 replications" in capsys.readouterr().out


def _morris(trajectories: int) -> SimpleNamespace:
    indices = pd.DataFrame(
        {
            "output": ["approved_n"] * 2,
            "parameter": ["a.b", "c.d"],
            "mu_star": [1.0, 0.5],
            "mu_star_conf": [0.007, 0.1],
            "sigma": [0.2, 0.1],
        }
    )
    return SimpleNamespace(
        method="morris",
        outputs=["approved_n"],
        censored={},
        indices=indices,
        meta={"samples": trajectories, "levels": 4},
        scenario=SimpleNamespace(horizon=SimpleNamespace(days=365)),
    )


def test_morris_warning_in_terminal_and_figure(capsys):
    few, enough = _morris(2), _morris(MIN_MORRIS_TRAJECTORIES)
    _print_indices(few)
    assert "WARNING: Morris with only 2 trajectories" in capsys.readouterr().out
    _print_indices(enough)
    assert "WARNING" not in capsys.readouterr().out
    ax = Figure().subplots()
    plot_morris_indices(ax, few, "approved_n")
    assert "WARNING: Morris with only 2 trajectories" in ax.get_xlabel()
    assert ax.get_title() == "Approved applications"  # words, not the key
    ax = Figure().subplots()
    plot_morris_indices(ax, enough, "approved_n")
    assert "WARNING" not in ax.get_xlabel()


def test_design_probability_from_few_replications_is_flagged():
    sc = tiny_pool()
    big = parse_range("loan_pool.total=50bn:60bn", sc, option="--lever")
    res = design(sc, big, "P(pool_exhausted_day <= 119) <= 0.25", replications=2, processes=1)
    text = "\n".join(describe(res))
    assert "target met" in text and "WARNING: the probability rests on only 2" in text
    many = MIN_PROBABILITY_REPLICATIONS
    lots = dataclasses.replace(
        res,
        meta={**res.meta, "replications": many},
        check={**res.check, "replications": many},
    )
    assert "WARNING" not in "\n".join(describe(lots))
    # the fewer of the search's and the check's replications decides
    thin_check = dataclasses.replace(lots, check={**res.check, "replications": 5})
    assert "rests on only 5" in "\n".join(describe(thin_check))
    # and under the figure of the design report
    ax = Figure().subplots()
    plot_design_curve(ax, res)
    assert "WARNING: the probability rests on only 2" in ax.get_xlabel()
    ax = Figure().subplots()
    plot_design_curve(ax, lots)
    assert "WARNING" not in ax.get_xlabel()


# ---------------------------------------------------------------- pages that never break


def _visible_axes_problems(result) -> list[str]:
    """Pages of an experiment report with an empty visible axes or a tick in 1970."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    problems = []
    for stem, draw in _pages(result):
        fig = Figure(figsize=(11.69, 8.27))
        FigureCanvasAgg(fig)
        draw(fig)
        fig.canvas.draw()
        for ax in fig.axes:
            if not ax.axison:
                continue
            if not ax.has_data():
                problems.append(f"{stem}: empty axes {ax.get_title()!r}")
            # a curve at 0 on every day says nothing (a reference line across the axes,
            # as axhline draws it, is not a curve)
            curves = [ln for ln in ax.lines if len(ln.get_xdata()) > 2]
            if any(not np.asarray(ln.get_ydata(), dtype=float).any() for ln in curves):
                problems.append(f"{stem}: a flat 0 line on {ax.get_title()!r}")
            ticks = [t.get_text() for t in ax.get_xticklabels()]
            ticks.append(ax.xaxis.get_offset_text().get_text())
            if any("1970" in t for t in ticks):
                problems.append(f"{stem}: 1970 on {ax.get_title()!r}")
    return problems


def test_no_page_of_a_replication_comparison_or_sweep_is_empty_or_in_1970(tiny, few, swept):
    old = sim.with_overrides(tiny, {"guarantee.cap_per_firm": 1e7, "name": "cap_10m"})
    cx = sim.compare(tiny, [old], 2, processes=1)
    for result in (few, cx, swept[2]):
        assert _visible_axes_problems(result) == [], result.kind


def _nothing_ran_out(result):
    """``result`` as if no quota had run out or reached its target in any replication."""
    runs = result.runs.copy()
    days = [c for c in runs.columns if c.endswith(("_exhausted_day", "_reached_day"))]
    runs[days] = np.nan
    runs["zone_budgets_exhausted_n"] = 0
    series = result.series.copy()
    series["zone_budgets_exhausted_n"] = 0.0
    return dataclasses.replace(result, runs=runs, series=series)


def test_nothing_ran_out_no_exhaustion_page_and_no_zone_panel(few):
    assert sim.reporting.experiment_report.has_exhaustion(few)
    calm = _nothing_ran_out(few)
    assert not sim.reporting.experiment_report.has_exhaustion(calm)
    stems = [s for s, _ in _pages(calm)]
    assert "exhaustion" not in stems and "zones" not in stems
    quotas = _draw(calm, "quotas")
    assert sim.reporting.i18n.tr("series.zone_budgets_exhausted_n") not in _axes_text(quotas)
    assert _visible_axes_problems(calm) == []


def test_a_quota_that_never_ran_out_is_named_not_drawn_flat(few):
    prob = few.exhaustion_probability(0)
    quotas = [c for c in prob.columns if c not in ("day", "date")]
    never = [c for c in quotas if not prob[c].any()]
    rose = [c for c in quotas if prob[c].any()]
    assert never and rose, "the fixture should have both kinds"
    fig = _draw(few, "exhaustion")
    (ax,) = fig.axes
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == len(rose)
    for c in never:
        assert short_label(c) in _axes_text(fig)
        assert not any(x.startswith(short_label(c)) for x in legend)


def test_a_target_fan_says_what_is_left_to_the_target():
    base = small_scenario("population.firms_n=1500", "loan_pool.kind=target")
    result = sim.replicate(base, 2, processes=1)
    fig = _draw(result, "quotas")
    titles = [ax.get_title() for ax in fig.axes]
    pool = sim.reporting.i18n.tr("series.pool_remaining")
    assert any(t.startswith(pool + " to its target") for t in titles)
    target = sim.reporting.i18n.tr("series.target_line")
    ax = next(a for a in fig.axes if a.get_title().startswith(pool))
    assert [ln.get_label() for ln in ax.lines].count(target) == 1


def test_a_sweep_plots_the_outputs_asked_for_against_each_lever(swept):
    result = dataclasses.replace(swept[2], meta={**swept[2].meta})
    result.meta["outputs"] = ["uptake_rate", "approval_rate", "savings_gini"]
    fig = Figure(figsize=(11.69, 8.27))
    dict(_pages(result))["sweep_1"](fig)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 3
    assert titles[0] == sim.reporting.i18n.figure_label("uptake_rate")
    # more than six outputs: a second page for the lever
    result.meta["outputs"] = [
        "uptake_rate", "approval_rate", "savings_gini", "approved_n", "disbursed_amount",
        "savings_top10_share", "fiscal_cost_amount",
    ]  # fmt: skip
    stems = [s for s, _ in _pages(result)]
    assert "sweep_1" in stems and "sweep_1_2" in stems


def test_sweep_output_that_is_not_a_figure_exits_2_naming_the_nearest(tmp_path):
    from .test_cli import invoke

    out = tmp_path / "s"
    r = invoke(
        "sweep", str(BASELINE_FILE), "--vary", "guarantee.cap_per_firm=10m,30m",
        "--output", "uptake_rat", "-o", str(out),
    )  # fmt: skip
    assert r.returncode == 2
    assert "uptake_rat" in r.stderr + r.stdout and "uptake_rate" in r.stderr + r.stdout
    assert not out.exists()


def test_a_figure_zero_in_every_run_has_no_bar(few):
    runs = few.runs
    zero = [k for k in REFUSAL_KEYS if not runs[k].fillna(0).to_numpy().any()]
    some = [k for k in REFUSAL_KEYS if k not in zero]
    assert zero and some, "the fixture should refuse for some reasons only"
    (ax,) = _draw(few, "refusals").axes
    assert [t.get_text() for t in ax.get_xticklabels()] == [short_label(k) for k in some]
    # no refusal in any run: no refusal page
    calm = dataclasses.replace(few, runs=runs.assign(**dict.fromkeys(REFUSAL_KEYS, 0.0)))
    assert "refusals" not in [s for s, _ in _pages(calm)]


def test_the_compare_cover_says_what_each_variant_changes(tiny):
    old = sim.with_overrides(tiny, {"guarantee.cap_per_firm": 1e7, "name": "cap_10m"})
    cx = sim.compare(tiny, [old], 2, processes=1)
    assert cx.meta["changes"] == {"cap_10m": [["guarantee.cap_per_firm", 3e7, 1e7]]}
    text = _axes_text(_draw(cx, "cover"))
    assert "cap_10m sets: guarantee.cap_per_firm 10,000,000 (base 30,000,000)" in text
    import matplotlib

    from sim.reporting.fonts import report_rc

    fig = Figure(figsize=(11.69, 8.27))
    with matplotlib.rc_context(report_rc("zh")):
        dict(_pages(cx, "zh"))["cover"](fig)
    assert "cap_10m的设定：guarantee.cap_per_firm 为 10,000,000（基准 30,000,000）" in _axes_text(
        fig
    )
