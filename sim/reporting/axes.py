"""Axes helpers shared by the reports: date axes and many thin lines as one collection.

Public names: :func:`date_axis`, :func:`line_collection`, and the colours
:data:`RGBA_RED_09`, :data:`RGBA_GREY_05`, :data:`RGBA_GREY_LIGHT`.
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

__all__ = [
    "RGBA_GREY_05",
    "RGBA_GREY_LIGHT",
    "RGBA_RED_09",
    "date_axis",
    "line_collection",
    "warning_note",
]


# colours of the many thin lines drawn as one collection: (r, g, b, alpha)
RGBA_RED_09 = (0xD6 / 255, 0x27 / 255, 0x28 / 255, 0.9)
RGBA_GREY_05 = (0x7F / 255, 0x7F / 255, 0x7F / 255, 0.5)
RGBA_GREY_LIGHT = (0x80 / 255, 0x80 / 255, 0x80 / 255, 0.5)  # matplotlib's "grey"


def line_collection(
    ax: Axes, dates: pd.DatetimeIndex, ys: np.ndarray, *, lw: Any, colours: Any
) -> LineCollection:
    """Draw each column of ``ys`` against ``dates`` as one LineCollection.

    One artist for tens of lines: the same picture as a ``plot`` call per line, drawn in
    the same order, without the cost of a Line2D (its own path, transform, clipping and
    style) for each. The x axis is set up for dates as ``plot`` would.
    """
    ax.xaxis.update_units(dates)
    x = np.asarray(ax.xaxis.convert_units(dates), dtype=float)
    segs = np.empty((ys.shape[1], len(x), 2))
    segs[:, :, 0] = x
    segs[:, :, 1] = ys.T
    coll = LineCollection(
        segs, linewidths=lw, colors=colours, capstyle="projecting", joinstyle="round"
    )
    ax.add_collection(coll, autolim=True)
    ax.autoscale_view()
    return coll


class _DateLocator(mdates.AutoDateLocator):
    """``AutoDateLocator`` that works the ticks of a view interval out once.

    Drawing a page asks for the ticks many times (layout, label positions, the draw
    itself, for the PNG and the PDF); each time the automatic locator builds a new
    ``rrule`` and iterates it.
    """

    _memo: tuple[tuple[float, float], Any] | None = None

    def __call__(self) -> Any:
        key = tuple(self.axis.get_view_interval())
        if self._memo is None or self._memo[0] != key:
            self._memo = (key, super().__call__())
        return self._memo[1]


class _DateFormatter(mdates.ConciseDateFormatter):
    """``ConciseDateFormatter`` that formats the same ticks once (see :class:`_DateLocator`)."""

    _memo: tuple[tuple[float, ...], list[str], str] | None = None

    def format_ticks(self, values: Any) -> list[str]:
        # the offset ("2025") is kept in ``_offset_string`` from matplotlib 3.11 on
        attr = "_offset_string" if "_offset_string" in vars(self) else "offset_string"
        key = tuple(values)
        if self._memo is None or self._memo[0] != key:
            labels = super().format_ticks(values)
            self._memo = (key, labels, getattr(self, attr))
        setattr(self, attr, self._memo[2])
        return list(self._memo[1])


def date_axis(ax: Axes, lang: str = "en") -> None:
    """Concise date ticks on the x axis; ``lang="zh"``: ``2025年``, ``03月``, ``15日``."""
    loc = _DateLocator(maxticks=8)
    ax.xaxis.set_major_locator(loc)
    if lang == "zh":
        fmt = _DateFormatter(
            loc,
            formats=["%Y年", "%m月", "%d日", "%H:%M", "%H:%M", "%S.%f"],
            offset_formats=["", "%Y年", "%Y年%m月", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"],
        )
    else:
        fmt = _DateFormatter(loc)
    ax.xaxis.set_major_formatter(fmt)


def event_lines(ax: Axes, scenario: Any, lang: str = "en") -> list[Any]:
    """Mark the days of the scenario's events (docs/model.md 7.17) on a time chart: a
    dotted vertical line at each event's date, labelled ``E1``, ``E2``, ... as on the
    cover. Nothing for a scenario without events."""
    from .i18n import tr

    artists: list[Any] = []
    start = pd.Timestamp(scenario.horizon.start_date)
    for i, ev in enumerate(scenario.events):
        when = start + pd.Timedelta(days=ev.day_in(scenario.horizon))
        artists.append(ax.axvline(when, color="#555555", ls=":", lw=1.0, zorder=1))
        artists.append(
            ax.text(
                when,
                0.98,
                tr("event.mark", lang, n=i + 1),
                transform=ax.get_xaxis_transform(),
                fontsize=7,
                color="#555555",
                ha="left",
                va="top",
            )
        )
    return artists


# ------------------------------------------------------------------------- plots


def warning_note(ax: Axes, text: str | None) -> None:
    """Write a caution in red under the figure of ``ax``, as (part of) its x label.

    Nothing when ``text`` is ``None``; written once however often it is asked for (as
    when several points are drawn on the same Axes). Under the figure, the caution hides
    no line and the page layout makes room for it.
    """
    if not text:
        return
    current = ax.get_xlabel()
    if text in current:
        return
    ax.set_xlabel(f"{current}\n{text}" if current else text)
    ax.xaxis.label.set_color("#b00000")
    ax.xaxis.label.set_fontsize(8)
