"""Overrides: ``path=value`` pairs (or a mapping) applied to a raw scenario mapping.

Public names: :func:`apply_overrides`, :func:`parse_value`, :func:`get_path`,
:func:`scenario_changes`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import (
    BaseModel,
)

from ..errors import ScenarioError
from .messages import annotation_at, did_you_mean, is_share, schema_child, unwrap
from .money import parse_money, parse_share, shown_value
from .reading import SYNTAX_HINT, parse_yaml
from .schema import Scenario, scenario_fields


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a raw scenario mapping (list items by index).

    Returns None when the path does not exist.
    """
    node = data
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return None
    return node


#: Fields that name or describe a scenario: not a change of what it simulates.
_NAMING = frozenset({"name", "description", "description_zh"})


def scenario_changes(base: Scenario, other: Scenario) -> list[tuple[str, Any, Any]]:
    """What ``other`` sets differently from ``base``: ``(path, base value, other value)``
    for each field that differs, in the scenario's order (a list that differs is one
    change; its name and descriptions are not changes).

    Parameters
    ----------
    base, other
        Two scenarios, e.g. the base and a variant of a comparison.

    Returns
    -------
    list of (str, object, object)
        Dotted paths as ``--set`` takes them, with plain values (dates as ISO text);
        ``None`` for a section or field one of them does not have.
    """
    out: list[tuple[str, Any, Any]] = []

    def walk(a: Any, b: Any, path: str) -> None:
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for key in [*a, *(k for k in b if k not in a)]:
                if not path and key in _NAMING:
                    continue
                walk(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
        elif a != b:
            out.append((path, a, b))

    walk(base.model_dump(mode="json"), other.model_dump(mode="json"), "")
    return out


def parse_value(path: str, value: Any) -> float:
    """The number a value stands for at a numeric field of the scenario (e.g. a range bound).

    A field holding a share, rate or fraction reads it with :func:`parse_share`
    (``30%``, ``0.3``); any other numeric field with :func:`parse_money` (``3000万``,
    ``30m``, ``2500000``). A path the schema does not know reads as an amount; the
    caller's check of the path names the fields.

    Parameters
    ----------
    path
        Dotted path of the field, as for ``--set`` (``guarantee.coverage``).
    value
        A number or the text of one.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the value is not of the field's form (the message says which forms are).
    """
    ann, info = annotation_at(path.split("."))
    if ann is not None and is_share(ann, info):
        return float(parse_share(value))
    return parse_money(value)


def _override_pairs(
    overrides: list[str] | dict[str, Any], file: str | None
) -> list[tuple[str, Any]]:
    """``(path, value)`` pairs of overrides, each ``path=value`` text parsed as YAML."""
    pairs: list[tuple[str, Any]] = []
    if isinstance(overrides, dict):
        pairs = list(overrides.items())
    else:
        for item in overrides:
            if "=" not in item:
                raise ScenarioError(
                    f"override: expected path.to.key=value, got {shown_value(item)}",
                    file=file,
                    field=item,
                )
            key, raw = item.split("=", 1)
            key = key.strip()
            try:
                value = parse_yaml(raw) if raw.strip() else None
            except ValueError as exc:
                reason = str(exc).split(": ", 1)[-1].replace(SYNTAX_HINT, "")
                if not any(k in reason for k in ("expected a date", "expected plain data")):
                    reason += "; expected a number, an amount such as 30m, true/false, text, "
                    reason += "a [list] or a {mapping}"
                raise ScenarioError(
                    f"override value {shown_value(raw)} cannot be parsed: {reason}",
                    file=file,
                    field=key,
                ) from None
            pairs.append((key, value))
    return pairs


def _path_step(
    ann: Any, node: Any, part: str, last: bool, where: str, key: str, file: str | None
) -> tuple[Any, Any]:
    """One step of an override's path: the child's annotation and its key in ``node``.

    ``ann`` is the annotation of ``node`` (a section, a mapping or a list); a step into
    anything else, or to a field, entry or index that does not exist, is refused.
    """
    import typing

    origin = typing.get_origin(ann)
    child_ann: Any
    container_key: Any
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        fields = scenario_fields() if ann is Scenario else None
        child_ann = schema_child(ann, part) if fields is None else fields.get(part)
        if child_ann is None:
            names = sorted(fields or ann.model_fields)
            raise ScenarioError(
                f"override: {part!r} is not a field of {where or 'a scenario'}"
                f"{did_you_mean(part, names)}; expected one of: {', '.join(names)}",
                file=file,
                field=key,
            )
        if not isinstance(node, dict):
            raise ScenarioError(
                f"override: {where} is {shown_value(node)} in the scenario, not a mapping, so "
                f"{part!r} cannot be set in it; expected {where} to be a mapping",
                file=file,
                field=key,
            )
        container_key = part
    elif origin is dict:
        child_ann = typing.get_args(ann)[1]
        if not isinstance(node, dict) or (part not in node and not last):
            known = sorted(str(k) for k in node) if isinstance(node, dict) else []
            raise ScenarioError(
                f"override: {where} has no entry {part!r}{did_you_mean(part, known)}; "
                f"expected one of {known}",
                file=file,
                field=key,
            )
        container_key = part
    elif origin is list:
        child_ann = typing.get_args(ann)[0]
        if not part.isdigit() or not isinstance(node, list) or int(part) >= len(node):
            size = len(node) if isinstance(node, list) else 0
            raise ScenarioError(
                f"override: expected an index below {size} into {where}, got {part!r}",
                file=file,
                field=key,
            )
        container_key = int(part)
    else:
        raise ScenarioError(
            f"override: {where} is a single value with no fields inside; expected a path "
            f"that ends at {where}",
            file=file,
            field=key,
        )
    return child_ann, container_key


def apply_overrides(
    data: dict[str, Any], overrides: list[str] | dict[str, Any] | None, *, file: str | None = None
) -> dict[str, Any]:
    """Apply ``path.to.key=value`` overrides to a raw scenario mapping.

    Every path is checked against the scenario schema (after the overrides before it,
    applied to a copy: the input is never changed). Values are
    parsed as YAML scalars (so ``30m`` stays a money string and ``0.5`` a number).

    Parameters
    ----------
    data
        Raw (unvalidated) scenario mapping, typically after ``extends:`` merging.
    overrides
        ``["a.b=1", ...]`` or ``{"a.b": 1, ...}``.
    file
        File name used in error messages.

    Returns
    -------
    dict
        A new mapping with the overrides applied.

    Raises
    ------
    ScenarioError
        If a path does not exist in the schema or a value cannot be parsed.
    """
    # one walk of a path through the raw mapping, with its own message for each way it can
    # go wrong, all checked before anything is changed
    if not overrides:
        return copy.deepcopy(data)
    pairs = _override_pairs(overrides, file)
    out = copy.deepcopy(data)
    for key, value in pairs:
        if not isinstance(key, str):
            raise ScenarioError(
                f"override: expected a dotted path such as loan_pool.total, got {shown_value(key)}",
                file=file,
            )
        parts = key.split(".")
        if not key or any(not p for p in parts):
            raise ScenarioError(
                f"override: expected a dotted path such as loan_pool.total, got {key!r}",
                file=file,
                field=key,
            )
        model: Any = Scenario
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            where = ".".join(parts[:i])
            ann = unwrap(model) if model is not None else None
            child_ann, container_key = _path_step(ann, node, part, last, where, key, file)
            if last:
                # applied at once: a later override may step into what an earlier one set
                # (``events=[...]`` then ``events.0.day=30``); an error leaves ``data`` as it was
                node[container_key] = value
            else:
                if isinstance(node, dict) and node.get(container_key) is None:
                    node[container_key] = {}
                node = node[container_key]
            model = child_ann
    return out
