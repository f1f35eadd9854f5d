"""Design reports: the lever value meeting a target, as a page, a figure and text lines.

Public names: :func:`plot_design_curve`, :func:`write_design_report`, :func:`describe`.

:func:`describe` is :func:`sim.analysis.design.describe` in the catalogue's languages; the
English lines are the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis.design import optimum_spread
from ..analysis.evaluation import DAY_KEYS
from .analysis_report import mono, wrap, write_analysis_pages
from .axes import warning_note
from .formatting import lever_scale
from .i18n import probability_caution, tr

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.design import DesignResult

__all__ = ["describe", "plot_design_curve", "write_design_report"]


def _scale(result: DesignResult, lang: str) -> tuple[float, str]:
    top = max(abs(result.lever.lo), abs(result.lever.hi))
    if lang == "en":
        for div, suf in ((1e12, " (tn)"), (1e9, " (bn)"), (1e6, " (m)")):
            if top >= div:
                return div, suf
        return 1.0, ""
    return lever_scale(top, lang)


def plot_design_curve(ax: Axes, result: DesignResult, lang: str = "en") -> list[Artist]:
    """The target's figure against the lever, the answer, its interval and the check.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A design.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of Artist
        The evaluated points, the target line and the check.
    """
    t = result.target
    div, suf = _scale(result, lang)
    cur = result.curve
    out: list[Artist] = []
    for stage, df in cur.groupby("stage", sort=False):
        out.append(
            ax.plot(
                df["value"] / div,
                df["figure"],
                "o",
                ms=5,
                label=tr("des.evaluated", lang, stage=stage),
            )[0]
        )
    ax.plot(cur["value"] / div, cur["figure"], "-", lw=0.8, color="grey")
    if t.kind == "probability":
        out.append(
            ax.axhline(
                t.prob,
                color="red",
                lw=1,
                ls="--",
                label=tr("des.target", lang, op=t.prob_op, v=f"{t.prob:g}"),
            )
        )
        ax.set_ylabel(
            tr(
                "des.p_ylabel",
                lang,
                key=t.key,
                op=t.op,
                thr=t.threshold,
                r=result.meta["replications"],
            )
        )
    elif t.kind == "mean":
        thr = t.threshold_value(result.scenario)
        target = tr("des.target", lang, op=t.op, v=f"{thr:g}")
        out.append(ax.axhline(thr, color="red", lw=1, ls="--", label=target))
        ax.set_ylabel(tr("des.mean_ylabel", lang, key=t.key))
    else:
        ax.set_ylabel(
            f"{t.key}" + (tr("des.ratio", lang, den=t.denominator) if t.denominator else "")
        )
    if result.value is not None:
        ax.axvline(
            result.value / div,
            color="black",
            lw=1,
            label=tr("des.answer", lang, v=f"{result.value / div:.4g}{suf}"),
        )
        if result.interval is not None:
            lo, hi = result.interval
            ax.axvspan(lo / div, hi / div, color="black", alpha=0.1, label=tr("des.interval", lang))
        c = result.check
        if c:
            out.append(
                ax.errorbar(
                    [result.value / div],
                    [c["figure"]],
                    yerr=[[c["figure"] - c["low"]], [c["high"] - c["figure"]]],
                    fmt="s",
                    color="red",
                    capsize=4,
                    label=tr("des.check", lang, n=c["replications"]),
                )
            )
    ax.set_xlabel(f"{result.lever.path}{suf}")
    ax.set_title(f"{t.text}   [{tr(f'des.status_{result.status}', lang)}]", fontsize=10)
    ax.legend(fontsize=8)
    warning_note(ax, _caution(result, lang))
    return out


def _caution(result: DesignResult, lang: str) -> str | None:
    """:func:`sim.analysis.design.probability_caution` in ``lang``."""
    if result.target.kind != "probability":
        return None
    c = result.check
    n = min([result.meta["replications"], *([c["replications"]] if c else [])])
    return probability_caution(n, lang)


def write_design_report(
    result: DesignResult, folder: str | Path, *, dpi: int = 110, lang: str = "en"
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/*.png`` of a design question.

    Parameters
    ----------
    result
        The design.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    lang
        ``en`` or ``zh``: the language of every title, label and line.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    sc = result.scenario

    def page(fig: Figure) -> None:
        top, bottom = fig.subfigures(2, 1, height_ratios=[1, 2.2])
        title = tr("des.title", lang, name=sc.name)
        top.text(0.02, 0.95, title, fontsize=15, weight="bold", va="top")
        top.text(
            0.02,
            0.78,
            "\n".join(w for line in describe(result, lang) for w in wrap(line, lang, 150) or [""]),
            fontsize=8.5,
            va="top",
            **mono(lang),
        )
        plot_design_curve(bottom.subplots(), result, lang)

    texts = (sc.name, sc.description or "")
    return write_analysis_pages([("design", page)], folder, dpi=dpi, lang=lang, texts=texts)


def _fmt(v: float | None, lang: str) -> str:
    if v is None:
        return tr("na", lang)
    a = abs(v)
    if lang == "zh":
        steps: tuple[tuple[float, str], ...] = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
    else:
        steps = ((1e12, " tn"), (1e9, " bn"), (1e6, " m"))
    for div, suf in steps:
        if a >= div:
            return f"{v / div:.4g}{suf}"
    return f"{v:.4g}"


def describe(result: DesignResult, lang: str = "en") -> list[str]:
    """:func:`sim.analysis.design.describe` in ``lang``: the question, the answer, its
    uncertainty and the check, as lines of text for a terminal or a report page.

    Parameters
    ----------
    result
        A design.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of str
    """
    t, lev, m = result.target, result.lever, result.meta

    def f(v: float | None) -> str:
        return _fmt(v, lang)

    rng = tr("desc.rng", lang, path=lev.path, lo=f(lev.lo), hi=f(lev.hi))
    if t.kind == "optimum":
        what = (
            tr("desc.ratio", lang, key=t.key, den=t.denominator)
            if t.denominator
            else tr("desc.mean", lang, key=t.key)
        )
        sense = tr(f"desc.sense_{t.sense}", lang)
        question = tr("desc.q_optimum", lang, rng=rng, sense=sense, what=what)
    else:
        end = tr("desc.smallest" if result.seek == "min" else "desc.largest", lang)
        question = tr("desc.q_threshold", lang, end=end, rng=rng, text=t.text)
    lines = [
        tr("desc.question", lang, q=question),
        tr(
            "desc.scenario",
            lang,
            name=result.scenario.name,
            r=m["replications"],
            points=m["points_n"],
            runs=m["runs_n"],
            s=f"{m['timings_s']['total']:.0f}",
        ),
    ]
    if t.key in DAY_KEYS:
        lines.append(
            tr("desc.day", lang, key=t.key, days=result.scenario.horizon.days)
            + tr("desc.day_prob" if t.kind == "probability" else "desc.day_len", lang)
        )
    side = tr("desc.lower" if result.seek == "min" else "desc.upper", lang)
    status = tr(f"desc.status_{result.status}", lang, side=side)
    lines.append(tr("desc.answer", lang, v=f(result.value), status=status))
    if result.bracket is not None and t.kind != "optimum":
        a, b = result.bracket
        pct = f"{100 * (b - a) / (lev.hi - lev.lo):.2g}"
        lines.append(tr("desc.bracket", lang, a=f(a), b=f(b), pct=pct))
    if result.interval is not None:
        lo, hi = result.interval
        lines.append(tr("desc.interval", lang, lo=f(lo), hi=f(hi)))
    c = result.check
    if c:
        if t.kind == "probability":
            what = tr("desc.what_p", lang, v=f"{c['figure']:.3g}")
        else:
            kind = "desc.what_ratio" if t.denominator else "desc.what_mean"
            what = tr(kind, lang, v=f"{c['figure']:.4g}")
        verdict = (
            "" if c["meets"] is None else tr("desc.met" if c["meets"] else "desc.not_met", lang)
        )
        lines.append(
            tr(
                "desc.check",
                lang,
                v=f(c["value"]),
                n=c["replications"],
                a=c["first_replication"],
                b=c["first_replication"] + c["replications"] - 1,
                what=what,
                lo=f"{c['low']:.4g}",
                hi=f"{c['high']:.4g}",
                verdict=verdict,
                ins=f"{c['in_sample_figure']:.4g}",
            )
        )
        if t.kind == "optimum":
            spread, noise = optimum_spread(result)
            lines.append(
                tr("desc.spread", lang, spread=f"{100 * spread:.2g}", noise=f"{100 * noise:.2g}")
                + (tr("desc.hardly", lang) if spread < 2 * noise else "")
            )
    warning = _caution(result, lang)
    if warning:
        lines.append(warning + tr("desc.end", lang))
    return lines
