"""The model documentation keeps up with the code, and the baseline names its sources.

Two checks:

- the walk of every field of :class:`sim.scenario.Scenario` (recursively, ``*`` standing
  for any entry of a mapping or list of sections) sees nested fields; the parameter table
  of ``docs/model.md`` that must hold a row for each is generated and checked in
  ``tests/test_parameter_table.py``;
- every line of ``scenarios/shanghai_2024.yaml`` that sets a number (an amount, a share,
  a count, a date, or a list or mapping holding one) carries a source marker in its own
  comment ([seed], [F x.y], [A], [C]); a line without a comment of its own may instead
  be explained by the nearest enclosing key or list item that has a comment (inline or
  on the comment lines just below it), and that comment must carry a marker.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing

import pytest
import yaml
from pydantic import BaseModel

from sim.scenario import Scenario, parse_figure

from .conftest import BASELINE

# run settings, not figures about the programme: they need no source
NOT_FIGURES = {"seed", "population.scale"}

MARKER = re.compile(r"\[(?:seed\b|A\]|C\]|F\s*\d)")
KEY_LINE = re.compile(
    r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w]*)\s*:(?:\s+|$)(?P<rest>.*)$"
)
ITEM_LINE = re.compile(r"^(?P<indent>\s*)-\s+(?P<rest>.*)$")
BLOCK_SCALAR = re.compile(r"^[>|][+-]?\d*$")


# --------------------------------------------------------------------------- schema


def unwrap(ann: typing.Any) -> typing.Any:
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        return unwrap(args[0]) if len(args) == 1 else ann
    if origin is typing.Annotated:
        return unwrap(typing.get_args(ann)[0])
    return ann


def _is_section(ann: typing.Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def scenario_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Dotted paths of every field: leaves, and mappings or lists (sections are walked)."""
    paths: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = unwrap(info.annotation)
        if _is_section(ann):
            paths.extend(scenario_paths(ann, f"{path}."))
            continue
        paths.append(path)
        if typing.get_origin(ann) in (dict, list):
            item = unwrap(typing.get_args(ann)[-1])
            if _is_section(item):
                paths.extend(scenario_paths(item, f"{path}.*."))
    return paths


def test_schema_walk_sees_nested_fields():
    paths = scenario_paths()
    for p in (
        "seed",
        "horizon.days",
        "population.tiers",
        "population.tiers.*.share",
        "population.running_costs.rent_per_m2_day",
        "banks.lenders.*.officers",
        "banks.group.n",
        "cost_relief.subsidy_rates.rent",
        "awards.levels.*.amount",
        "funds.eligible_tiers",
    ):
        assert p in paths
    assert len(paths) == len(set(paths))


# --------------------------------------------------------------------------- sources


def _split_comment(line: str) -> tuple[str, str | None]:
    """Split a YAML line into its content and its comment (``None`` when it has none)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " \t:[{,"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), None


def _is_number(value: typing.Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float | dt.date):
        return True
    if isinstance(value, str):
        try:
            parse_figure(value)
        except ValueError:
            return False
        return True
    if isinstance(value, dict):
        return any(_is_number(v) for v in value.values())
    if isinstance(value, list):
        return any(_is_number(v) for v in value)
    return False


def _value_is_number(text: str) -> bool:
    if not text:
        return False
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return _is_number(value)


def unsourced_numbers(text: str) -> list[tuple[int, str]]:
    """Lines of a scenario file that set a number without a source marker.

    Returns ``(line number, line)`` pairs; an empty list means every number is sourced.
    """
    # stack of enclosing nodes: (indent, path part, comments)
    stack: list[tuple[int, str, list[str]]] = []
    bad: list[tuple[int, str]] = []
    block_indent: int | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        if block_indent is not None:
            if indent > block_indent:
                continue  # inside a block scalar (e.g. a folded description)
            block_indent = None
        content, comment = _split_comment(raw)
        if not content.strip():
            # a comment line explains the innermost node it is indented under
            for node_indent, _, notes in reversed(stack):
                if node_indent < indent:
                    notes.append(comment or "")
                    break
            continue
        m = KEY_LINE.match(content)
        item = ITEM_LINE.match(content) if m is None else None
        if m is None and item is None:
            continue
        while stack and stack[-1][0] >= indent:
            # a list at the same indent as its key stays under it
            if (m and m.group("dash") or item) and stack[-1][0] == indent and stack[-1][1] != "*":
                break
            stack.pop()
        if m is not None:
            key, value = m.group("key"), m.group("rest").strip()
            if m.group("dash"):
                stack.append((indent, "*", [comment] if comment else []))
                indent += len(m.group("dash"))
            if BLOCK_SCALAR.match(value):
                block_indent = indent
                value = ""
        else:
            key, value = "*", item.group("rest").strip()
        path = ".".join([p for _, p, _ in stack if p != "*"] + [key])
        own = [comment] if comment else []
        if _value_is_number(value) and path not in NOT_FIGURES:
            if own:
                ok = bool(MARKER.search(own[0]))
            else:
                ok = False
                for _, _, notes in reversed(stack):
                    if notes:
                        ok = any(MARKER.search(n) for n in notes)
                        break
            if not ok:
                bad.append((lineno, raw))
        if not value or key == "*":
            stack.append((indent, key, own))
    return bad


def test_every_baseline_number_names_its_source():
    text = BASELINE.read_text(encoding="utf-8")
    bad = unsourced_numbers(text)
    assert not bad, "numbers without a source marker ([seed], [F x.y], [A], [C]):\n" + "\n".join(
        f"  line {n}: {line.strip()}" for n, line in bad
    )


def test_source_check_reads_the_whole_baseline():
    # the check must see the numbers it is meant to check, not skip them
    text = BASELINE.read_text(encoding="utf-8")
    numeric = [
        line
        for line in text.splitlines()
        if (m := KEY_LINE.match(_split_comment(line)[0]))
        and _value_is_number(m.group("rest").strip())
    ]
    assert len(numeric) >= 80


@pytest.mark.parametrize(
    ("after", "line", "caught"),
    [
        ("  days: 1095", "  extra_days: 30", True),
        ("  days: 1095", "  extra_days: 30              # a reason but no source", True),
        ("  days: 1095", "  extra_days: 30              # [A]", False),
        ("  days: 1095", "  extra_amount: 5bn           # [F 1.2] fund", False),
        ("    manufacturing: 0.6", "    robotics: 0.05", False),  # sectors line has [A]
        ("  lenders:", "    - {name: X, market_share: 0.1, officers: 2}", False),  # banks: notes
        ("    n: 20", "    officers_extra: 3", False),  # group: has [A]
        ("  levels:", "    - {from_tier: a, to_tier: b, amount: 1m, per_round_max: 5}", True),
        ("    manufacturing: 0.6", "    robotics: 0.05   # no source here", True),
        ("  budget: 500m", "  new_date: 2025-01-01", True),
        ("  quota_mode: bank_quotas", "  note: text only", False),
    ],
)
def test_source_check_catches_unsourced_numbers(after, line, caught):
    text = BASELINE.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith(after))
    lines.insert(at + 1, line)
    bad = unsourced_numbers("\n".join(lines))
    assert any(raw == line for _, raw in bad) is caught
