"""Daily: the columns of the run's daily table, the engine's and those the measures declare.

Public names: :data:`CORE_COLUMNS`, :func:`timeseries_columns`.

The engine writes its own columns (needs, applications and decisions counted, amounts
lent, defaults, the awareness share, review capacity); each measure declares its own
(:attr:`~sim.model.instruments.base.Instrument.columns`) and where each goes
(:attr:`~sim.model.instruments.base.Instrument.column_places`), so the table keeps one
order whatever the measures are, and the engine names none of them.
"""

from __future__ import annotations

from .instruments import Instrument, instrument_classes

__all__ = ["CORE_COLUMNS", "timeseries_columns"]

#: The engine's own daily columns, by place in the table: a measure's ``columns`` go
#: after those of their place (``Instrument.column_places``), in rank order.
CORE_COLUMNS: dict[str, tuple[str, ...]] = {
    "lending": (
        "needs_due",
        "declined_n",
        "applications_n",
        "approved_n",
        "refused_credit_n",
        "refused_quota_n",
        "refused_guarantee_n",
        "disbursed_amount",
    ),
    "loan_book": ("defaults_n",),
    "last": ("aware_share", "review_capacity_n"),
}


def timeseries_columns(
    instruments: list[Instrument] | list[type[Instrument]] | None = None,
) -> tuple[str, ...]:
    """The daily columns of every run, in table order.

    Each place of :data:`CORE_COLUMNS` holds the engine's columns, then the measures'
    ``columns`` placed there (:attr:`~sim.model.instruments.base.Instrument.column_places`),
    in rank order; a measure's ``extra_columns`` (only when active) follow the table.

    Parameters
    ----------
    instruments
        The run's measures, or measure classes (default: every registered class).
    """
    measures = instruments if instruments is not None else instrument_classes()
    out: list[str] = []
    for place, core in CORE_COLUMNS.items():
        out += core
        out += [
            c for m in measures for c in m.columns if m.column_places.get(c, "lending") == place
        ]
    return tuple(out)
