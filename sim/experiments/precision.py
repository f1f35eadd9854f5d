"""How many replications or trajectories an estimate needs before it is shown bare.

Public names: :data:`MIN_BAND_REPLICATIONS`, :data:`MIN_MORRIS_TRAJECTORIES`,
:data:`MIN_PROBABILITY_REPLICATIONS`, :func:`band_warning`, :func:`morris_warning`,
:func:`probability_warning`.

The thresholds live here, in one place, so the reports and the terminal give the same
caution. Each ``*_warning`` function returns the text of the caution, or ``None`` when
the estimate rests on enough draws.
"""

from __future__ import annotations

__all__ = [
    "MIN_BAND_REPLICATIONS",
    "MIN_MORRIS_TRAJECTORIES",
    "MIN_PROBABILITY_REPLICATIONS",
    "band_warning",
    "morris_warning",
    "probability_warning",
]

#: Fewest replications behind a 5-95 % band drawn without a warning.
MIN_BAND_REPLICATIONS = 10

#: Fewest Morris trajectories behind elementary effects shown without a warning.
MIN_MORRIS_TRAJECTORIES = 10

#: Fewest replications behind a probability that a design answer rests on.
MIN_PROBABILITY_REPLICATIONS = 20


def band_warning(replications: int, what: str = "band") -> str | None:
    """The caution for a 5-95 % band drawn from ``replications`` replications.

    Parameters
    ----------
    replications
        Replications behind the band.
    what
        What the replications estimate (``"band"``, ``"probability"``...).

    Returns
    -------
    str or None
        The warning text, or ``None`` from :data:`MIN_BAND_REPLICATIONS` on.
    """
    if replications >= MIN_BAND_REPLICATIONS:
        return None
    return (
        f"WARNING: {what} from only {replications} replication"
        f"{'' if replications == 1 else 's'} (fewer than {MIN_BAND_REPLICATIONS})"
    )


def morris_warning(trajectories: int) -> str | None:
    """The caution for Morris indices from ``trajectories`` trajectories.

    Parameters
    ----------
    trajectories
        Morris trajectories of the design.

    Returns
    -------
    str or None
        The warning text, or ``None`` from :data:`MIN_MORRIS_TRAJECTORIES` on.
    """
    if trajectories >= MIN_MORRIS_TRAJECTORIES:
        return None
    return (
        f"WARNING: Morris with only {trajectories} trajectories (fewer than "
        f"{MIN_MORRIS_TRAJECTORIES}): mu* and its confidence interval are rough; "
        "do not rank parameters on them"
    )


def probability_warning(replications: int) -> str | None:
    """The caution for a probability estimated from ``replications`` replications.

    Parameters
    ----------
    replications
        Replications behind the probability.

    Returns
    -------
    str or None
        The warning text, or ``None`` from :data:`MIN_PROBABILITY_REPLICATIONS` on.
    """
    if replications >= MIN_PROBABILITY_REPLICATIONS:
        return None
    return (
        f"WARNING: the probability rests on only {replications} replication"
        f"{'' if replications == 1 else 's'} (fewer than {MIN_PROBABILITY_REPLICATIONS}): "
        "the answer is uncertain; rerun with more replications"
    )
