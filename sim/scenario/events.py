"""Events: dated changes of a scenario during a run (docs/model.md 7.17).

Public names: :func:`event_states`, :data:`MUTABLE_PATHS`.

A scenario's ``events`` are applied in order of day (and of their place in the list on
one day), each to the scenario as the earlier ones left it, through the same path
checking as ``--set`` (:func:`~sim.scenario.overrides.apply_overrides`); each state is
validated as a whole scenario, so an event whose value the field refuses, or that breaks
a check across fields, is refused when the scenario is loaded, naming the event.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..errors import ScenarioError
from .money import shown_value
from .overrides import apply_overrides
from .schema import Scenario
from .setting import MUTABLE_PATHS

__all__ = ["EventState", "MUTABLE_PATHS", "event_states"]


class EventState(NamedTuple):
    """The scenario in force from ``day`` on, after the events of that day (``paths``)."""

    day: int
    paths: tuple[str, ...]
    scenario: Scenario


def event_states(scenario: Scenario, *, file: str | Path | None = None) -> list[EventState]:
    """The scenarios a run's events put in force, one per day that has events.

    Parameters
    ----------
    scenario
        A validated scenario (its events' days and paths already checked by the schema).
    file
        File name for error messages.

    Returns
    -------
    list of EventState
        In order of day; each state's scenario has no events of its own.

    Raises
    ------
    ScenarioError
        If an event's value cannot be set at its path, naming the event's index.
    """
    if not scenario.events:
        return []
    # imported here: loading imports this module to check a scenario's events
    from .loading import scenario_from_dict, scenario_to_dict

    data = scenario_to_dict(scenario)
    data.pop("events", None)
    days = [ev.day_in(scenario.horizon) for ev in scenario.events]
    order = sorted(range(len(days)), key=lambda i: (days[i], i))
    states: list[EventState] = []
    for i in order:
        ev = scenario.events[i]
        where = f"event {i} ({ev.path} = {shown_value(ev.value)} on day {days[i]})"
        try:
            data = apply_overrides(data, {ev.path: ev.value}, file=file)
            state = scenario_from_dict(data, file=file)
        except ScenarioError as exc:
            raise ScenarioError(
                f"{where}: {exc.message}", file=file, field=f"events.{i}.value"
            ) from None
        if states and states[-1].day == days[i]:
            states[-1] = EventState(days[i], (*states[-1].paths, ev.path), state)
        else:
            states.append(EventState(days[i], (ev.path,), state))
    return states
