"""Discovery reports: the pages of a scenario discovery (PRIM trade-off, the box, the tree).

Public names: :func:`plot_tradeoff`, :func:`plot_box_ranges`, :func:`plot_box_runs`,
:func:`plot_tree`, :func:`discovery_lines`, :func:`box_rows`, :func:`write_discovery_report`.

As in :mod:`sim.reporting.analysis_report`, every ``plot_*`` function draws on the Axes it
is given and returns its artists; :func:`write_discovery_report` assembles the pages into
one PDF and one PNG per page, with no pyplot state.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .analysis_report import Page, _param_label, _text_page, write_analysis_pages
from .formatting import format_lever
from .i18n import tr

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.discover import DiscoveryResult

__all__ = [
    "plot_tradeoff",
    "plot_box_ranges",
    "plot_box_runs",
    "plot_tree",
    "discovery_lines",
    "box_rows",
    "write_discovery_report",
]


def _pct(v: float) -> str:
    return f"{100 * v:.0f}"


def _qp(v: float) -> str:
    return "" if math.isnan(v) else f"{v:.2g}"


def box_rows(result: DiscoveryResult, lang: str = "en") -> pd.DataFrame:
    """The chosen box as a table in ``lang``: input, full range, box range, quasi-p-values.

    Restricted inputs come first; an unrestricted input shows its full range and a note.
    """
    b = result.box.sort_values("restricted", ascending=False, kind="stable")
    rows = []
    for _, r in b.iterrows():
        qp = " / ".join(x for x in (_qp(r["qp_lo"]), _qp(r["qp_hi"])) if x)
        rows.append(
            {
                tr("disc.col_parameter", lang): r["parameter"],
                tr("disc.col_full", lang): (
                    f"{format_lever(r['lo'], lang)} .. {format_lever(r['hi'], lang)}"
                ),
                tr("disc.col_box", lang): (
                    f"{format_lever(r['box_lo'], lang)} .. {format_lever(r['box_hi'], lang)}"
                    if r["restricted"]
                    else tr("disc.not_restricted", lang)
                ),
                tr("disc.col_qp", lang): qp,
            }
        )
    return pd.DataFrame(rows)


def _significant_line(sig: dict[str, Any], lang: str) -> str:
    if not sig.get("dropped"):
        return tr("disc.all_significant", lang, alpha=f"{sig.get('alpha', 0.05):g}")
    return tr(
        "disc.significant",
        lang,
        alpha=f"{sig['alpha']:g}",
        dropped=", ".join(sig["dropped"]),
        cov=_pct(sig["coverage"]),
        den=_pct(sig["density"]),
        mass=_pct(sig["mass"]),
    )


def discovery_lines(result: DiscoveryResult, lang: str = "en") -> list[str]:
    """The cover's text: scenario, condition, design, rule, chosen box and CART's best leaf."""
    sc, m, b = result.scenario, result.meta, result.boxes
    st = b.stats
    rule = b.rule
    if "threshold" in rule and rule.get("met"):
        rule_line = tr("disc.rule_threshold", lang, d=_pct(rule["threshold"]))
    elif "threshold" in rule:
        rule_line = tr(
            "disc.rule_unmet", lang, d=_pct(rule["threshold"]), c=_pct(rule["min_coverage"])
        )
    else:
        rule_line = tr("disc.rule_coverage", lang, c=_pct(rule["min_coverage"]))
    lines = [
        tr(
            "disc.scenario",
            lang,
            name=sc.name,
            n=f"{sc.population.firms_n:,}",
            scale=f"{sc.population.scale:g}",
            days=sc.horizon.days,
            start=sc.horizon.start_date.isoformat(),
            seed=m["seed"],
        ),
        tr(
            "disc.condition",
            lang,
            cond=result.condition.text,
            cases=m["cases_n"],
            runs=m["runs_n"],
            pct=_pct(m["cases_n"] / m["runs_n"]),
        ),
        tr("disc.day_note", lang, days=sc.horizon.days, start=sc.horizon.start_date.isoformat()),
        tr(
            "disc.design",
            lang,
            points=m["samples"],
            r=result.replications,
            runs=m["runs_n"],
            s=f"{m['timings_s']['runs']:.0f}",
        ),
        "",
        rule_line,
        tr(
            "disc.box_stats",
            lang,
            i=b.chosen,
            n=len(b.trajectory) - 1,
            cov=_pct(st["coverage"]),
            den=_pct(st["density"]),
            mass=_pct(st["mass"]),
            k=st["restricted_n"],
        ),
        _significant_line(b.significant, lang),
        tr("disc.qp_note", lang),
    ]
    if len(b.leaves):
        top = b.leaves.iloc[0]
        lines.append(
            tr(
                "disc.cart_line",
                lang,
                leaves=len(b.leaves),
                cov=_pct(top["coverage"]),
                den=_pct(top["density"]),
                rule=top["rule"],
            )
        )
    return lines


def plot_tradeoff(ax: Axes, result: DiscoveryResult, lang: str = "en") -> list[Artist]:
    """PRIM's peeling trajectory: density against coverage, coloured by restricted inputs.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A discovery.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of Artist
        The trajectory's points and the chosen box's marker.
    """
    t = result.trajectory
    k = t["restricted_n"].to_numpy()
    line = ax.plot(t["coverage"], t["density"], color="0.75", lw=0.8, zorder=1)
    sc = ax.scatter(
        t["coverage"],
        t["density"],
        c=k,
        cmap="viridis",
        vmin=0,
        vmax=max(1, int(k.max())),
        s=18,
        zorder=2,
    )
    cb = ax.figure.colorbar(sc, ax=ax)
    cb.set_label(tr("disc.restricted_n", lang))
    cb.set_ticks(range(0, max(1, int(k.max())) + 1))
    c = t.iloc[result.boxes.chosen]
    mark = ax.scatter(
        [c["coverage"]],
        [c["density"]],
        s=160,
        facecolors="none",
        edgecolors="red",
        linewidths=1.6,
        zorder=3,
        label=tr("disc.chosen", lang, i=result.boxes.chosen),
    )
    ax.set_xlabel(tr("disc.coverage", lang))
    ax.set_ylabel(tr("disc.density", lang))
    # the part of the unit square the trajectory uses
    ax.set_xlim(max(0.0, float(t["coverage"].min()) - 0.05), 1.02)
    ax.set_ylim(max(0.0, float(t["density"].min()) - 0.05), 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(tr("disc.tradeoff_title", lang), fontsize=11)
    return [*line, sc, mark]


def plot_box_ranges(ax: Axes, result: DiscoveryResult, lang: str = "en") -> list[Artist]:
    """The chosen box's range of every input against its full range (both scaled to 0-1).

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A discovery.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of Artist
        The bars.
    """
    b = result.box.sort_values("restricted", ascending=False, kind="stable").reset_index(drop=True)
    y = np.arange(len(b))[::-1]
    span = (b["hi"] - b["lo"]).to_numpy()
    lo = ((b["box_lo"] - b["lo"]) / span).to_numpy()
    hi = ((b["box_hi"] - b["lo"]) / span).to_numpy()
    full = ax.barh(y, 1.0, color="0.88", height=0.6, label=tr("disc.range_full", lang))
    colours = np.where(b["restricted"], "tab:red", "tab:blue")
    box = ax.barh(
        y,
        hi - lo,
        left=lo,
        color=colours,
        alpha=0.75,
        height=0.35,
        label=tr("disc.range_box", lang),
    )
    for yi, (_, r), a, z in zip(y, b.iterrows(), lo, hi, strict=True):
        # the limits the box sets, each with its quasi-p-value; the full range's ends below
        for cut, at, value, qp in (
            (r["box_lo"] != r["lo"], a, r["box_lo"], r["qp_lo"]),
            (r["box_hi"] != r["hi"], z, r["box_hi"], r["qp_hi"]),
        ):
            if r["restricted"] and cut:
                shown = format_lever(value, lang)
                if _qp(qp):
                    shown += f"  ({tr('disc.col_qp', lang)} {_qp(qp)})"
                ax.text(at, yi + 0.22, shown, ha="center", va="bottom", fontsize=7)
        ax.text(0.0, yi - 0.32, format_lever(r["lo"], lang), ha="left", va="top", fontsize=6)
        ax.text(1.0, yi - 0.32, format_lever(r["hi"], lang), ha="right", va="top", fontsize=6)
    ax.set_yticks(y, [_param_label(p, 26) for p in b["parameter"]], fontsize=8)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.8, len(b) - 0.2)
    ax.set_xlabel(tr("disc.range_axis", lang))
    ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)
    ax.set_title(tr("disc.ranges_title", lang), fontsize=11, loc="left")
    return [full, box]


def plot_box_runs(
    ax: Axes, result: DiscoveryResult, pair: tuple[str, str], lang: str = "en"
) -> list[Artist]:
    """The runs over two inputs, cases of interest apart, with the chosen box's limits.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A discovery.
    pair
        The two inputs (x, then y).
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of Artist
        The two point clouds and the box's outline.
    """
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import FuncFormatter

    px, py = pair
    runs = result.runs
    flag = runs["flag"].to_numpy(dtype=bool)
    other = ax.scatter(
        runs.loc[~flag, px], runs.loc[~flag, py], s=12, color="0.6", label=tr("disc.other", lang)
    )
    case = ax.scatter(
        runs.loc[flag, px], runs.loc[flag, py], s=14, color="tab:red", label=tr("disc.case", lang)
    )
    b = result.box.set_index("parameter")
    rect = Rectangle(
        (b.at[px, "box_lo"], b.at[py, "box_lo"]),
        b.at[px, "box_hi"] - b.at[px, "box_lo"],
        b.at[py, "box_hi"] - b.at[py, "box_lo"],
        fill=False,
        edgecolor="black",
        lw=1.4,
        label=tr("disc.chosen", lang, i=result.boxes.chosen),
    )
    ax.add_patch(rect)
    ax.set_xlim(b.at[px, "lo"], b.at[px, "hi"])
    ax.set_ylim(b.at[py, "lo"], b.at[py, "hi"])
    for axis, p in ((ax.xaxis, px), (ax.yaxis, py)):
        if max(abs(b.at[p, "lo"]), abs(b.at[p, "hi"])) >= 1e3:  # amounts: 100 bn, not 1e11
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_lever(v, lang)))
    ax.set_xlabel(px)
    ax.set_ylabel(py)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(tr("disc.runs_title", lang), fontsize=11)
    return [other, case, rect]


def plot_tree(ax: Axes, result: DiscoveryResult, lang: str = "en") -> list[Artist]:
    """The CART tree (scikit-learn's drawing), at most four levels deep.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A discovery.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of Artist
        The boxes and arrows of the drawing.
    """
    from sklearn.tree import plot_tree as sk_plot_tree

    artists = sk_plot_tree(
        result.boxes.tree,
        feature_names=[p.path for p in result.params],
        class_names=[tr("disc.class_other", lang), tr("disc.class_case", lang)],
        filled=True,
        impurity=False,
        proportion=False,
        max_depth=4,
        fontsize=6,
        ax=ax,
    )
    ax.set_title(tr("disc.tree_title", lang), fontsize=11)
    return list(artists)


def _pair(result: DiscoveryResult) -> tuple[str, str]:
    """Two inputs to show the runs over: the box's restricted ones first (lowest quasi-p)."""
    b = result.box.copy()
    b["qp"] = b[["qp_lo", "qp_hi"]].min(axis=1).fillna(2.0)
    order = b.sort_values(["restricted", "qp"], ascending=[False, True], kind="stable")
    names = order["parameter"].tolist()
    return names[0], names[1]


def write_discovery_report(
    result: DiscoveryResult, folder: str | Path, *, dpi: int = 110, lang: str = "en"
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/*.png`` of a scenario discovery.

    Pages: the cover (what was run, the rule, the chosen box's table), PRIM's trade-off
    curve, the box's ranges against the full ranges, the runs over two of the box's
    inputs, and the CART tree.

    Parameters
    ----------
    result
        The discovery.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    lang
        ``en`` or ``zh``: the language of every title, label and table header.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    sc = result.scenario
    lines = discovery_lines(result, lang)
    lines[5:5] = [
        tr("disc.params", lang),
        *[
            f"  {p.path}: {format_lever(p.lo, lang)} .. {format_lever(p.hi, lang)}"
            for p in result.params
        ],
        "",
    ]
    table = box_rows(result, lang)

    def cover(fig: Figure) -> None:
        _text_page(fig, tr("disc.title", lang, name=sc.name), lines, table, lang)

    def tradeoff(fig: Figure) -> None:
        plot_tradeoff(fig.subplots(), result, lang)

    def ranges(fig: Figure) -> None:
        plot_box_ranges(fig.subplots(), result, lang)

    pages: list[Page] = [("cover", cover), ("tradeoff", tradeoff), ("box", ranges)]
    if len(result.params) >= 2:

        def runs(fig: Figure) -> None:
            plot_box_runs(fig.subplots(), result, _pair(result), lang)

        pages.append(("runs", runs))

    def tree(fig: Figure) -> None:
        fig.set_layout_engine("none")
        plot_tree(fig.add_axes((0.02, 0.02, 0.96, 0.9)), result, lang)

    pages.append(("tree", tree))
    texts: tuple[Any, ...] = (sc.name, sc.description or "", result.condition.text)
    return write_analysis_pages(pages, folder, dpi=dpi, lang=lang, texts=texts)
