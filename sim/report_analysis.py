"""Analysis reports: figures of sensitivity analyses, calibrations and policy designs.

Public names: :func:`plot_sobol_indices`, :func:`plot_morris_indices`,
:func:`write_sensitivity_report`, :func:`plot_series_fit`, :func:`plot_summary_fit`,
:func:`plot_fit_trace`, :func:`write_calibration_report`, :func:`plot_design_curve`,
:func:`write_design_report`.

As in :mod:`sim.report`, every ``plot_*`` function draws on the Axes it is given and
returns its artists; the ``write_*`` functions assemble pages into one PDF and one PNG
per page, with no pyplot state.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from .evaluation import DAY_KEYS

if TYPE_CHECKING:  # pragma: no cover
    from .sensitivity import SensitivityResult

__all__ = [
    "plot_sobol_indices",
    "plot_morris_indices",
    "write_sensitivity_report",
]

_PAGE = (11.69, 8.27)
Page = tuple[str, Callable[[Figure], None]]


def _write_pages(pages: list[Page], folder: str | Path, *, dpi: int = 110) -> list[Path]:
    """Draw each page into a new Figure; write ``report.pdf`` and ``figures/<stem>.png``."""
    folder = Path(folder)
    figdir = folder / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    pdf_path = folder / "report.pdf"
    written = [pdf_path]
    with PdfPages(pdf_path) as pdf:
        for stem, draw in pages:
            fig = Figure(figsize=_PAGE, layout="constrained")
            FigureCanvasAgg(fig)
            draw(fig)
            fig.savefig(figdir / f"{stem}.png", dpi=dpi)
            pdf.savefig(fig)
            written.append(figdir / f"{stem}.png")
    return written


def _text_page(
    fig: Figure, title: str, lines: list[str], table: pd.DataFrame | None = None
) -> None:
    fig.set_layout_engine("none")
    fig.text(0.05, 0.95, title, fontsize=16, weight="bold", va="top")
    wrapped = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, 130) or [""])
    fig.text(0.05, 0.89, "\n".join(wrapped), fontsize=9, va="top", family="monospace")
    if table is not None and len(table):
        top = max(0.1, 0.86 - 0.017 * len(wrapped))
        ax = fig.add_axes((0.05, 0.03, 0.9, top - 0.05))
        ax.set_axis_off()
        t = ax.table(
            cellText=table.astype(str).to_numpy().tolist(),
            colLabels=list(table.columns),
            loc="upper center",
            cellLoc="left",
        )
        t.auto_set_font_size(False)
        t.set_fontsize(8)
        t.auto_set_column_width(list(range(table.shape[1])))
        t.scale(1, 1.25)
        for (r, _c), cell in t.get_celld().items():
            if r == 0:
                cell.set_text_props(weight="bold")
                cell.set_facecolor("#e8e8e8")


def _param_label(path: str, width: int = 22) -> str:
    """A dotted path broken at its dots so that no line is much wider than ``width``."""
    lines: list[str] = []
    for part in path.split("."):
        if lines and len(lines[-1]) + len(part) + 1 <= width:
            lines[-1] += "." + part
        else:
            lines.append(part if not lines else "." + part)
    return "\n".join(lines)


def _output_label(key: str, horizon_days: int, censored: dict[str, float]) -> str:
    if key in DAY_KEYS:
        share = censored.get(key, 0.0)
        return (
            f"{key}  (not exhausted counts as the horizon, {horizon_days} days; "
            f"{100 * share:.0f} % of runs)"
        )
    return key


# ------------------------------------------------------------------ sensitivity


def plot_sobol_indices(ax: Axes, result: SensitivityResult, output: str) -> list[Artist]:
    """Bars of first-order (S1) and total (ST) Sobol indices of one output, with 95 % CIs.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A Sobol analysis.
    output
        One of ``result.outputs``.

    Returns
    -------
    list of Artist
        The bar containers.
    """
    df = result.indices[result.indices["output"] == output]
    x = np.arange(len(df))
    w = 0.38
    b1 = ax.bar(x - w / 2, df["S1"], w, yerr=df["S1_conf"], capsize=3, label="first order S1")
    b2 = ax.bar(x + w / 2, df["ST"], w, yerr=df["ST_conf"], capsize=3, label="total ST")
    ax.set_xticks(x, [_param_label(p) for p in df["parameter"]], fontsize=8)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title(_output_label(output, result.scenario.horizon.days, result.censored), fontsize=10)
    ax.legend(fontsize=8)
    return [b1, b2]


def plot_morris_indices(ax: Axes, result: SensitivityResult, output: str) -> list[Artist]:
    """Bars of Morris mu* (with its 95 % CI) and sigma of one output.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A Morris analysis.
    output
        One of ``result.outputs``.

    Returns
    -------
    list of Artist
        The bar containers.
    """
    df = result.indices[result.indices["output"] == output]
    x = np.arange(len(df))
    w = 0.38
    b1 = ax.bar(
        x - w / 2, df["mu_star"], w, yerr=df["mu_star_conf"], capsize=3, label="mu* (mean |effect|)"
    )
    b2 = ax.bar(x + w / 2, df["sigma"], w, label="sigma (non-linearity, interactions)")
    ax.set_xticks(x, [_param_label(p) for p in df["parameter"]], fontsize=8)
    ax.set_ylabel(f"effect on {output} of a step of {result.meta.get('levels', 4)}-level grid")
    ax.set_title(_output_label(output, result.scenario.horizon.days, result.censored), fontsize=10)
    ax.legend(fontsize=8)
    return [b1, b2]


def _fmt_bound(p: Any) -> str:
    def f(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 1e5 else f"{v:g}"

    return f"{f(p.lo)} .. {f(p.hi)}" + (" (integer)" if p.integer else "")


def write_sensitivity_report(
    result: SensitivityResult, folder: str | Path, *, dpi: int = 110
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/*.png`` of a sensitivity analysis.

    Parameters
    ----------
    result
        The analysis.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    sc = result.scenario
    m = result.meta
    sobol = result.method == "sobol"
    lines = [
        f"Scenario: {sc.name} ({sc.population.firms_n:,} simulated firms, {sc.horizon.days} days, "
        f"seed {sc.seed}).",
        f"Method: {'Sobol (Saltelli design, first-order and total indices)' if sobol else 'Morris (elementary effects)'}; "
        + (
            f"base sample N = {m['samples']}"
            if sobol
            else f"{m['samples']} trajectories on a {m['levels']}-level grid"
        )
        + f"; {m['points_n']} points x {result.replications} replication(s) = {m['runs_n']} runs"
        f" in {m['timings_s']['runs']:.0f} s.",
        "Each point is run with the same replications (common random numbers); the output is "
        "their mean. Intervals are 95 % bootstrap intervals "
        f"({m['bootstrap_resamples']} resamples of the design).",
        "A *_day output is the day an account ran out; when it lasted the whole horizon it "
        f"counts as the horizon length ({sc.horizon.days} days), a censored value.",
        "",
        "Parameters (uniform over their range):",
        *[f"  {p.path}: {_fmt_bound(p)}" for p in result.params],
        "",
        "Outputs: "
        + ", ".join(
            f"{k} ({100 * result.censored[k]:.0f} % of runs not exhausted)"
            if k in result.censored
            else k
            for k in result.outputs
        ),
    ]
    table = result.indices.copy()
    for c in table.columns[2:]:
        table[c] = table[c].map(lambda v: f"{v:.3g}")

    def cover(fig: Figure) -> None:
        _text_page(fig, f"Sensitivity of {sc.name}", lines, table)

    pages: list[Page] = [("cover", cover)]
    for key in result.outputs:

        def draw(fig: Figure, key: str = key) -> None:
            ax = fig.subplots()
            (plot_sobol_indices if sobol else plot_morris_indices)(ax, result, key)

        pages.append((f"{result.method}_{key}", draw))
    return _write_pages(pages, folder, dpi=dpi)
