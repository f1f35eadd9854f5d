"""Fuzzing the scenario loader: whatever the file holds, only ScenarioError comes out.

``sim.load_scenario`` reads user files; any exception other than
:class:`sim.ScenarioError` would reach the user as an internal error (exit 1) instead of
a message naming the file and the field (exit 2). Hypothesis writes documents to a file
and loads them: random nested mappings, lists and scalars; random text; the baseline
with random mutations (keys deleted, values of the wrong type, random strings, NaN,
huge numbers, unknown keys); the baseline's text with lines deleted, duplicated or
garbled; and random ``--set`` overrides.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim import ScenarioError

from .conftest import BASELINE
from .hypothesis_profiles import examples

RAW = yaml.safe_load(BASELINE.read_text())
TEXT = BASELINE.read_text()


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in a nested mapping/list."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(RAW)
KEYS = sorted({p[-1] for p in PATHS if isinstance(p[-1], str)})

# values that have broken loaders before: huge and non-finite numbers, odd money, paths
ODD = [
    10**400, -(10**400), 2**64, 2**63, -1, 0, 1e308, float("nan"), float("inf"), -float("inf"),
    "400bn", "-5m", "1e400", "nan", ".inf", "30x", "", "0", "2024-02-30", "1" + "0" * 400,
    "a\x00b", "x" * 5000, ".", "..", "/", "/dev/null", "/dev/zero", "reports", True,
    dt.date(1, 1, 1), dt.date(9999, 12, 31), [], {}, [[]], {"": None},
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(ODD),
    st.dates(min_value=dt.date(1, 1, 1)),
)
keys = st.one_of(st.sampled_from([*KEYS, "extends"]), st.text(max_size=12))
# raw YAML that a dumper never writes: invalid dates, complex keys, tags, aliases...
RAW_TOKENS = [
    "2024-02-30", "2024-13-01", "[1, 2", "{a: 1", "? [a, b]\n: 1", "!!python/name:os.system",
    "!!python/object/apply:os.system ['true']", ".nan", "-.inf", "1" + "0" * 400,
    "0x" + "f" * 300, "&a [*a]", "*nowhere", "'unterminated", "- x", "a: b: c", "<<: *x",
    "!!binary aGVsbG8=", "!!set {a, b}", "!!timestamp 2024-99-99", "|", ">-", "@", "`",
    "%YAML 1.1", "---\n---", "\t", "[" * 200 + "]" * 200, "1:2:3", "0o777", "~", "null",
]  # fmt: skip
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=40,
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "scenario.yaml"


def _load(path: Path, text: str, overrides: list[str] | None = None) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        sim.load_scenario(path, overrides)
    except ScenarioError as exc:
        msg = str(exc)
        assert msg.startswith(str(path)) or "override" in msg, msg
        assert "\n" not in msg or "problems:" in msg, msg


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@examples(150)
@given(doc=documents)
def test_random_documents(scratch, doc):
    _load(scratch, _dump(doc))


@examples(100)
@given(doc=st.dictionaries(st.sampled_from(list(RAW)), documents, max_size=8))
def test_random_sections(scratch, doc):
    """Top-level keys that exist, holding anything."""
    _load(scratch, _dump(doc))


@examples(100)
@given(text=st.text(max_size=300))
def test_random_text(scratch, text):
    _load(scratch, text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def _mutate(data: dict, data_draw: st.DataObject) -> dict:
    d = copy.deepcopy(data)
    for _ in range(data_draw.draw(st.integers(1, 4))):
        live = _paths(d)
        if not live:
            break
        path = data_draw.draw(st.sampled_from(live))
        *head, last = path
        node: Any = d
        try:
            for p in head:
                node = node[p]
        except (KeyError, IndexError, TypeError):
            continue
        how = data_draw.draw(st.sampled_from(["delete", "replace", "nest", "unknown", "text"]))
        if how == "delete":
            if isinstance(node, dict):
                node.pop(last, None)
            elif isinstance(node, list) and isinstance(last, int) and last < len(node):
                node.pop(last)
        elif how == "replace":
            node[last] = data_draw.draw(documents)
        elif how == "nest":
            node[last] = {data_draw.draw(keys): node[last]}
        elif how == "unknown" and isinstance(node, dict):
            node[data_draw.draw(keys)] = data_draw.draw(scalars)
        elif how == "text":
            node[last] = data_draw.draw(st.text(max_size=20))
    return d


@examples(200)
@given(data=st.data())
def test_mutations_of_the_baseline(scratch, data):
    _load(scratch, _dump(_mutate(RAW, data)))


@examples(100)
@given(data=st.data())
def test_garbled_baseline_text(scratch, data):
    """Lines deleted, duplicated, re-indented or overwritten with random characters."""
    lines = TEXT.splitlines()
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(
            st.sampled_from(["delete", "duplicate", "indent", "garble", "insert", "value"])
        )
        if how == "value" and ": " in lines[i]:
            # a key's value replaced by raw YAML
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {data.draw(st.sampled_from(RAW_TOKENS))}"
        elif how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "indent":
            lines[i] = " " * data.draw(st.integers(1, 5)) + lines[i]
        elif how == "garble":
            j = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:j] + data.draw(st.text(max_size=5)) + lines[i][j:]
        else:
            lines.insert(i, data.draw(st.text(max_size=40)))
        if not lines:
            break
    _load(scratch, "\n".join(lines) + "\n")


overrides = st.lists(
    st.one_of(
        st.builds(
            lambda p, v: ".".join(str(x) for x in p) + "=" + v,
            st.sampled_from(PATHS),
            st.one_of(st.text(max_size=20), st.sampled_from(RAW_TOKENS)),
        ),
        st.builds(
            lambda p, q, v: ".".join(str(x) for x in p) + "." + q + "=" + v,
            st.sampled_from(PATHS),
            st.sampled_from([*KEYS, "0", "x"]),
            st.sampled_from(RAW_TOKENS),
        ),
        st.text(max_size=40),
    ),
    max_size=4,
)  # fmt: skip


@examples(150)
@given(sets=overrides, data=st.data())
def test_random_overrides(scratch, sets, data):
    """Overrides on the baseline, or on a mutated baseline (a section may be a number)."""
    doc = _mutate(RAW, data) if data.draw(st.booleans()) else RAW
    _load(scratch, _dump(doc), sets)


def test_the_fuzzer_reaches_valid_scenarios_too(scratch):
    """Sanity: an unmutated baseline written by the fuzz helpers loads."""
    _load(scratch, _dump(RAW))
    assert math.isclose(sim.load_scenario(scratch).loan_pool.total, 400e9)
