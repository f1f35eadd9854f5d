"""Validation figure: observed figures of a real programme over the simulated fan.

Public names: :func:`plot_prediction`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..analysis.validation import Prediction, series_band
from .i18n import MESSAGES, tr

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes


def plot_prediction(ax: Axes, prediction: Prediction, flow: str, lang: str = "en") -> list[Artist]:
    """Draw the simulated mean and 5-95 % band of a running total with the observations.

    Observations the fit used (``role: fit``) are filled circles; held-out ones
    (``role: predict``) are open squares. A posterior-predictive prediction (``predict``
    with ``posterior``) also draws the point fit's band, hatched.

    Parameters
    ----------
    ax
        The Axes to draw on.
    prediction
        The output of :func:`sim.analysis.validation.predict`.
    flow
        A flow of the targets file (``approved_n``, ``disbursed_amount``...).
    lang
        ``en`` or ``zh``: words and amounts (bn or 亿元).

    Returns
    -------
    list of matplotlib.artist.Artist
    """
    band = series_band(prediction.runs, flow)
    amount = flow.endswith("_amount")
    div = (1e8 if lang == "zh" else 1e9) if amount else 1.0
    (line,) = ax.plot(band["day"], band["mean"] / div, lw=1.8, label=tr("pred.sim_mean", lang))
    fill = ax.fill_between(
        band["day"],
        band["p05"] / div,
        band["p95"] / div,
        color=line.get_color(),
        alpha=0.25,
        lw=0,
        label=tr("pred.sim_band", lang),
    )
    artists: list[Artist] = [line, fill]
    if prediction.point_runs is not None:
        # the point fit's band beside the posterior-predictive one
        pb = series_band(prediction.point_runs, flow)
        artists.append(
            ax.fill_between(
                pb["day"],
                pb["p05"] / div,
                pb["p95"] / div,
                facecolor="none",
                edgecolor="C1",
                hatch="///",
                lw=0.8,
                label=tr("pred.point_band", lang),
            )
        )
    t = prediction.table
    t = t[(t["kind"] == "cumulative") & (t["key"] == flow)]
    for role, marker, face, text in (
        ("fit", "o", "black", tr("pred.fitted", lang)),
        ("predict", "s", "white", tr("pred.held", lang)),
    ):
        rows = t[t["role"] == role]
        if len(rows):
            artists.append(
                ax.scatter(
                    rows["day"],
                    np.asarray(rows["observed"], dtype=float) / div,
                    marker=marker,
                    facecolors=face,
                    edgecolors="black",
                    zorder=3,
                    label=text,
                )
            )
    cur = prediction.scenario.currency
    ax.set_ylabel(tr("unit.bn", lang, cur=cur) if amount else tr("x.count", lang))
    ax.set_xlabel(
        tr("cal.day_axis", lang, start=prediction.scenario.horizon.start_date.isoformat())
    )
    key = f"pred.flow_{flow}"
    ax.set_title(tr(key, lang) if key in MESSAGES["en"] else flow)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    return artists
