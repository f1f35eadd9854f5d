"""``extends:``: a scenario file merged over the file it names, recursively; cycles refused.

Public names: :func:`resolve`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from .money import shown_value
from .reading import read_yaml


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _anchor_firms_file(data: dict[str, Any], path: Path) -> None:
    """Make ``population.firms_file`` absolute, from the folder of the file that names it."""
    pop = data.get("population")
    ff = pop.get("firms_file") if isinstance(pop, dict) else None
    if isinstance(ff, str) and ff.strip():
        try:
            pop["firms_file"] = str((path.parent / ff).resolve())
        except (OSError, ValueError):  # a NUL byte...: left for the schema to refuse
            pass


def resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Path]:
    """Read ``path`` and its ``extends:`` ancestors; return the merged raw mapping."""
    real = path.resolve()
    if real in chain:
        cycle = " -> ".join(str(p) for p in (*chain, real))
        field = "extends"
        if real == chain[-1]:
            raise ScenarioError(
                f"expected another scenario file; a scenario cannot extend itself ({cycle})",
                file=path,
                field=field,
            )
        raise ScenarioError(
            f"expected a chain of files without a cycle; this one forms a cycle: {cycle}",
            file=chain[-1],
            field=field,
        )
    data = read_yaml(path)
    _anchor_firms_file(data, path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, path
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(
            f"expected the path of another scenario file, got {shown_value(parent)}",
            file=path,
            field="extends",
        )
    try:
        parent_path = (path.parent / parent).resolve()
        found = parent_path.exists()
    except (OSError, ValueError) as exc:  # a NUL byte, a name too long for the system
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ScenarioError(
            f"expected the path of another scenario file, got {shown_value(parent)} ({reason})",
            file=path,
            field="extends",
        ) from None
    if not found:
        raise ScenarioError(
            f"expected the path of another scenario file; {parent_path} does not exist",
            file=path,
            field="extends",
        )
    base, _ = resolve(parent_path, (*chain, real))
    return _deep_merge(base, data), path
