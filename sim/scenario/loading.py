"""Loading: file -> ``extends:`` merge -> overrides -> validated :class:`Scenario`, and back to YAML.

Public names: :func:`load_scenario`, :func:`scenario_from_dict`, :func:`scenario_to_dict`,
:func:`scenario_to_yaml`, :func:`with_overrides`, :func:`values_from_defaults`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from ..errors import ScenarioError
from .extends import resolve
from .memory import check_memory as _check_memory
from .messages import from_validation_error
from .overrides import apply_overrides
from .plausibility import plausibility_warnings
from .schema import Scenario

# --------------------------------------------------------------------------- public


def load_scenario(
    path: str | Path,
    overrides: list[str] | dict[str, Any] | None = None,
    *,
    check_memory: bool = True,
) -> Scenario:
    """Load, merge, override and validate a scenario file, then check it fits this host.

    Parameters
    ----------
    path
        The YAML scenario file.
    overrides
        Overrides as ``path=value`` text, ``["loan_pool.total=200bn"]``, or a mapping.
    check_memory
        Also run the memory pre-flight (:func:`~sim.scenario.memory.check_memory`) for
        a run on this host; False to load a scenario meant for another host.

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    ScenarioError
        For any problem, naming the file and the field; also when a run of the scenario
        would not fit in this host's memory (unless ``check_memory`` is False).
    """
    path = Path(path)
    try:
        data, _ = resolve(path, ())
        data = apply_overrides(data, overrides, file=str(path))
        scenario = scenario_from_dict(data, file=path)
    except RecursionError:
        raise ScenarioError(
            "is nested too deeply (or extends: too many files); expected a scenario mapping",
            file=path,
        ) from None
    if check_memory:
        _check_memory(scenario, file=path)
    return scenario


def scenario_from_dict(data: dict[str, Any], *, file: str | Path | None = None) -> Scenario:
    """Validate a raw mapping into a :class:`Scenario` (errors name ``file`` and the field)."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _with_slips(from_validation_error(exc, file), data) from None
    if scenario.population.firms_file is not None:
        scenario = _with_firms_file(scenario, file)
    if scenario.events:
        from .events import event_states

        event_states(scenario, file=file)  # every event's value, checked as --set checks one
    return scenario


def _with_slips(error: ScenarioError, data: Any) -> ScenarioError:
    """The error with the values of ``data`` that look like a slip of units, which may
    be its cause (a horizon of 3 days leaves every later day outside it)."""
    field = error.field or ""
    slips = [s for s in plausibility_warnings(data) if not s.startswith(f"{field}=")]
    if not slips:
        return error
    if len(error.fields) <= 1:  # a one-problem message stays on one line
        notes = "".join(f"; likely slip: {s}" for s in slips)
    else:
        notes = "".join(f"\n  likely slip: {s}" for s in slips)
    return ScenarioError(
        error.message + notes, file=error.file, field=error.field, fields=error.fields
    )


def _with_firms_file(scenario: Scenario, file: str | Path | None) -> Scenario:
    """Check the scenario's firms file; set ``firms_n`` to its rows, its path absolute.

    The file is read and checked here, when the scenario is loaded, so that
    ``smesim validate`` reports its problems and a run refuses it before writing
    anything; the population reads the same (cached) table when the model is built.
    """
    # imported here: numpy and pandas load only once a scenario names a firms file
    from .firms_file import read_firms_file

    pop = scenario.population
    try:
        path = Path(pop.firms_file).resolve()
    except (OSError, ValueError) as exc:  # a NUL byte, a name too long for the system
        raise ScenarioError(
            f"expected the path of a table of firms; got {pop.firms_file!r} ({exc})",
            file=file,
            field="population.firms_file",
        ) from None
    table = read_firms_file(path, scenario)
    if pop.firms_n is not None and pop.firms_n != table.n:
        raise ScenarioError(
            f"expected no firms_n (null) or {table.n:,}, the number of firms in "
            f"population.firms_file ({path.name}); got {pop.firms_n:,} (a firms_n inherited "
            "through extends: counts too: set population.firms_n: null)",
            file=file,
            field="population.firms_n",
        )
    population = pop.model_copy(update={"firms_n": table.n, "firms_file": str(path)})
    return scenario.model_copy(update={"population": population})


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain, YAML-ready mapping of a scenario (dates as ISO text)."""
    return scenario.model_dump(mode="json")


def scenario_to_yaml(scenario: Scenario) -> str:
    """The resolved scenario as YAML text that loads back to an equal scenario."""
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


def with_overrides(scenario: Scenario, overrides: list[str] | dict[str, Any]) -> Scenario:
    """Return a copy of ``scenario`` with ``path=value`` overrides applied and validated."""
    data = apply_overrides(scenario_to_dict(scenario), overrides, file=f"<{scenario.name}>")
    return scenario_from_dict(data, file=f"<{scenario.name}>")


def values_from_defaults(
    path: str | Path, overrides: list[str] | dict[str, Any] | None = None
) -> dict[str, Any]:
    """The values of a scenario that no file wrote: its schema's defaults.

    Parameters
    ----------
    path
        The YAML scenario file.
    overrides
        Overrides as for :func:`load_scenario` (a value they set is written, not a default).

    Returns
    -------
    dict
        Dotted path -> value, for every value of the resolved scenario (as
        :func:`scenario_to_dict` writes it) that neither the file, a file it extends, nor
        an override gives.
    """
    path = Path(path)
    data, _ = resolve(path, ())
    data = apply_overrides(data, overrides, file=str(path))
    resolved = scenario_to_dict(load_scenario(path, overrides, check_memory=False))
    out: dict[str, Any] = {}
    _defaults_in(resolved, data, "", out)
    return out


def _defaults_in(resolved: Any, written: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(resolved, dict) and resolved and isinstance(written, dict):
        for key, value in resolved.items():
            here = f"{path}.{key}" if path else str(key)
            if key not in written and not (isinstance(value, dict) and value):
                out[here] = value
            else:  # a section left out: each of its values
                _defaults_in(value, written.get(key, {}), here, out)
    elif isinstance(resolved, list) and isinstance(written, list):
        for i, (value, raw) in enumerate(zip(resolved, written, strict=False)):
            _defaults_in(value, raw, f"{path}.{i}", out)
