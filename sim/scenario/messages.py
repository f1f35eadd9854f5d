"""Messages: a pydantic validation error turned into one line per field, naming the field path
and what was expected (the range, the type, the allowed names).

Public names: :func:`is_money_field` (what the messages know of a field's kind),
:func:`annotation_at`, :func:`did_you_mean`, :func:`from_validation_error`,
:func:`is_share`, :func:`schema_child`, :func:`unwrap`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ValidationError,
)

from ..errors import ScenarioError, printable
from .money import AMOUNT_FORMS, SHARE_FORMS, parse_money, parse_share, shown_value
from .schema import CrossFieldErrors, Scenario, scenario_fields


def _loc_parts(loc: tuple[Any, ...]) -> list[str]:
    # pydantic adds markers such as '[key]' or a validator's name to some locations; drop them
    return [str(p) for p in loc if not (isinstance(p, str) and "[" in p)]


def _loc_to_path(loc: tuple[Any, ...]) -> str:
    return ".".join(_loc_parts(loc))


def annotation_at(parts: list[str]) -> tuple[Any, Any]:
    """The annotation and pydantic ``FieldInfo`` (if any) at a path of the scenario schema."""
    import typing

    ann: Any = Scenario
    info: Any = None
    for part in parts:
        base = unwrap(ann)
        origin = typing.get_origin(base)
        if base is Scenario and part not in base.model_fields:
            # a section a measure registers
            ann, info = scenario_fields().get(part), None
            if ann is None:
                return None, None
        elif isinstance(base, type) and issubclass(base, BaseModel):
            f = base.model_fields.get(part)
            if f is None:
                return None, None
            ann, info = f.annotation, f
        elif origin is dict:
            ann, info = typing.get_args(base)[1], None
        elif origin is list:
            ann, info = typing.get_args(base)[0], None
        else:
            return None, None
    return ann, info


def _metadata(ann: Any, info: Any) -> list[Any]:
    import typing

    out = list(getattr(info, "metadata", None) or [])
    if typing.get_origin(ann) is Annotated:
        for m in typing.get_args(ann)[1:]:
            out.extend(getattr(m, "metadata", None) or [m])
    return out


def _bounds(ann: Any, info: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for m in _metadata(ann, info):
        for k in ("ge", "gt", "le", "lt"):
            v = getattr(m, k, None)
            if isinstance(v, int | float):
                out[k] = v
    return out


def _is_money(ann: Any, info: Any) -> bool:
    return any(getattr(m, "func", None) is parse_money for m in _metadata(ann, info))


def is_share(ann: Any, info: Any) -> bool:
    """The field reads percentages (a share, rate or fraction)."""
    return any(getattr(m, "func", None) is parse_share for m in _metadata(ann, info))


def is_money_field(path: str) -> bool:
    """Whether the scenario field at dotted ``path`` holds an amount of money.

    Amount fields accept ``400bn``, ``30m``, ``100k`` (:func:`~sim.scenario.parse_money`).
    Entries of mappings and lists are reached through any key or index
    (``population.tiers.srdi.revenue_median``); a path that is not a field gives False.
    """
    import types
    import typing

    ann, info = annotation_at(path.split("."))
    if ann is None:
        return False
    options = [ann]
    if typing.get_origin(ann) in (typing.Union, types.UnionType):  # an optional amount
        options = [a for a in typing.get_args(ann) if a is not type(None)]
    return any(_is_money(a, info) for a in options)


def _num(x: float, money: bool) -> str:
    if float(x).is_integer() and (money or abs(x) >= 10_000):
        return f"{x:,.0f}"
    return f"{x:g}"


#: What a field of a plain type expects, in words.
_PLAIN_WORDS: dict[Any, str] = {
    bool: "true or false",
    int: "a whole number",
    date: "a date such as 2024-12-02",
    str: "text",
}


def _describe(ann: Any, info: Any) -> str:
    """What a field expects, in words (for messages)."""
    import typing

    base = unwrap(ann)
    b = _bounds(ann, info)
    if isinstance(base, type) and issubclass(base, BaseModel):
        req = [n for n, f in base.model_fields.items() if f.is_required()]
        return "a section (a mapping)" + (f" with at least {', '.join(req)}" if req else "")
    if typing.get_origin(base) is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(base))
    if typing.get_origin(base) is dict:
        return "a mapping of names to values"
    if typing.get_origin(base) is list:
        return "a list such as [a, b]"
    if base in _PLAIN_WORDS:
        return _PLAIN_WORDS[base]
    if base is float:
        if _is_money(ann, info):
            return f"an amount such as {AMOUNT_FORMS}"
        if b.get("ge") == 0 and b.get("le") == 1:
            return f"a share between 0 and 1 (0.3 means 30 %; {SHARE_FORMS})"
        if is_share(ann, info):
            return f"a number or a percentage ({SHARE_FORMS})"
        return "a number"
    return "a value"


def _range_text(b: dict[str, float], money: bool) -> str:
    lo = (
        f">= {_num(b['ge'], money)}"
        if "ge" in b
        else (f"> {_num(b['gt'], money)}" if "gt" in b else "")
    )
    hi = (
        f"<= {_num(b['le'], money)}"
        if "le" in b
        else (f"< {_num(b['lt'], money)}" if "lt" in b else "")
    )
    return " and ".join(x for x in (lo, hi) if x)


_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing_size": "a whole number of a usable size",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "date_type": "a date such as 2024-12-02",
    "date_parsing": "a date such as 2024-12-02",
    "date_from_datetime_parsing": "a date such as 2024-12-02",
    "date_from_datetime_inexact": "a date such as 2024-12-02 (a day, without a time)",
    "list_type": "a list such as [a, b]",
    "dict_type": "a mapping of names to values",
}


#: What a size or pattern error expected (``n``: the minimum length, ``max``: the maximum).
_SIZE_WORDS = {
    "too_short": "at least {n} entr{y}",
    "too_long": "at most {max} entries",
    "string_too_short": "non-empty text",
    "string_too_long": "at most {max} characters",
    "string_pattern_mismatch": "letters, digits, '_', '.' and '-' only",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the choice nearest ``word``, or ``""`` when none is near.

    The one hint of every message about an unknown name: a scenario key, an override's
    path, a summary key of an option.

    Examples
    --------
    >>> did_you_mean("cap_per_frim", ["cap_per_firm", "capital"])
    " (did you mean 'cap_per_firm'?)"
    >>> did_you_mean("zzz", ["cap_per_firm"])
    ''
    """
    import difflib

    near = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _unknown_key_text(parts: list[str]) -> str:
    """An unknown key: the known keys of its section, and the nearest as a hint."""
    parent, _ = annotation_at(parts[:-1])
    parent = unwrap(parent)
    names = (
        sorted(scenario_fields() if parent is Scenario else parent.model_fields)
        if isinstance(parent, type)
        else []
    )
    hint = did_you_mean(parts[-1] if parts else "", names)
    return f"unknown key{hint}; expected one of: {', '.join(names)}"


def _bound_text(ann: Any, info: Any, ctx: dict[str, Any], got: str) -> str:
    """A number out of its bounds: a share, an amount or a number, and the range."""
    money = _is_money(ann, info)
    b = _bounds(ann, info) or {k: v for k, v in ctx.items() if k in ("ge", "gt", "le", "lt")}
    if b.get("ge") == 0 and b.get("le") == 1 and not money:
        return f"expected a share between 0 and 1 (0.3 means 30 %), {got}{_percent_hint(ctx)}"
    what = "an amount" if money else ("a whole number" if unwrap(ann) is int else "a number")
    hint = _percent_hint(ctx) if 1 in (b.get("le"), b.get("lt")) and not money else ""
    return f"expected {what} {_range_text(b, money)}, {got}{hint}"


def _percent_hint(ctx: dict[str, Any]) -> str:
    """ "; did you mean 80 % (0.8)?" for a share written in percent without ``%``."""
    value = ctx.get("input")
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value <= 100:
        return f"; did you mean {value:g} % ({value / 100:g})?"
    return ""


def _explain(err: Any, parts: list[str]) -> str:
    """The message for one pydantic error: what was expected and what was found."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    ann, info = annotation_at(parts)
    got = f"got {shown_value(err['input'])}" if "input" in err else ""
    if kind == "extra_forbidden":
        return _unknown_key_text(parts)
    if kind == "missing":
        return f"required key is missing; expected {_describe(ann, info)}"
    if kind in ("model_type", "model_attributes_type"):
        return f"expected {_describe(ann, info)}, got {shown_value(err.get('input'))}"
    if kind in _TYPE_WORDS:
        want = _TYPE_WORDS[kind]
        if kind.startswith("float") and _is_money(ann, info):
            want = _describe(ann, info)
        return f"expected {want}, {got}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _bound_text(ann, info, {**ctx, "input": err.get("input")}, got)
    if kind == "literal_error":
        return f"expected {ctx.get('expected', 'one of the allowed values')}, {got}"
    if kind in _SIZE_WORDS:
        n = ctx.get("min_length", 1)
        want = _SIZE_WORDS[kind].format(n=n, y="y" if n == 1 else "ies", max=ctx.get("max_length"))
        return f"expected {want}, {got}"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if got and "got" not in msg:
        msg = f"{msg}; {got}"
    return msg


_MAX_LISTED = 20


def from_validation_error(
    exc: ValidationError, file: Path | str | None, prefix: str = ""
) -> ScenarioError:
    """A :class:`ScenarioError` naming every problem of ``exc`` by field path (``prefix``
    before each path), with what was expected and what was found."""
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        parts = _loc_parts(tuple(err["loc"]))
        ctx_err = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_err, CrossFieldErrors):
            # a model's own check: its paths are relative to the model
            for path, msg in ctx_err.errors:
                full = ".".join([*parts, path])
                problems.append((f"{prefix}.{full}" if prefix else full, msg))
            continue
        path = ".".join(parts)
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        problems.append((path, _explain(err, parts)))
    if len(problems) == 1:
        path, msg = problems[0]
        return ScenarioError(msg, file=file, field=path or None)
    lines = [f"field '{printable(p)}': {m}" if p else m for p, m in problems[:_MAX_LISTED]]
    if len(problems) > _MAX_LISTED:
        lines.append(f"... and {len(problems) - _MAX_LISTED} more")
    return ScenarioError(
        f"{len(problems)} problems:\n  - " + "\n  - ".join(lines),
        file=file,
        field=problems[0][0] or None,
        fields=[p for p, _ in problems],
    )


# --------------------------------------------------------------------------- overrides


def schema_child(model: Any, key: str) -> Any:
    """Return the annotation of ``key`` under ``model`` (a pydantic model class), or None."""
    fields = getattr(model, "model_fields", None)
    if fields is None or key not in fields:
        return None
    return fields[key].annotation


def unwrap(ann: Any) -> Any:
    """The type inside an annotation: ``Annotated`` and ``Optional`` taken off."""
    import types
    import typing

    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        return unwrap(args[0]) if len(args) == 1 else ann
    if origin is typing.Annotated:
        return unwrap(typing.get_args(ann)[0])
    return ann
