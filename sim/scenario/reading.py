"""Reading a scenario file: the safe YAML loader (duplicate keys refused) and its messages.

Public names: :data:`SYNTAX_HINT`, :func:`parse_yaml`, :func:`read_yaml`,
:class:`ScenarioLoader`.

Nothing in a scenario file is evaluated as code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ScenarioError
from .money import shown_value

MAX_FILE_BYTES = 16 * 2**20


class ScenarioLoader(yaml.SafeLoader):
    """Safe loader that also refuses duplicate keys."""


class _FastScenarioLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """:class:`ScenarioLoader` on libyaml's parser, when PyYAML was built with it (thirty
    times faster on a scenario file of a few hundred lines); the constructors are the
    same. A file it refuses is read again by :class:`ScenarioLoader`, whose messages say
    where and what in the words the documentation shows."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:  # a list or mapping used as a key
            raise yaml.constructor.ConstructorError(
                None, None, "expected a text key, found a list or mapping", key_node.start_mark
            ) from None
        if repeated:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {shown_value(key)} (expected each key once in a mapping)",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:  # e.g. 2024-02-30
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"{node.value!r} is not a valid date ({exc}); expected a date such as 2024-12-02",
            node.start_mark,
        ) from None


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError as exc:  # e.g. more digits than Python converts
        raise yaml.constructor.ConstructorError(
            None, None, f"{shown_value(node.value)} is not a usable number ({exc})", node.start_mark
        ) from None


for _loader in (ScenarioLoader, _FastScenarioLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


SYNTAX_HINT = " (expected YAML text: key: value lines indented with spaces)"


def parse_yaml(text: str) -> Any:
    """Parse YAML text safely: no tags that build Python objects, no duplicate keys.

    Raises
    ------
    ValueError
        With a message saying where and what, for anything that is not plain YAML data.
    """
    try:
        return yaml.load(text, Loader=_FastScenarioLoader)  # noqa: S506 - a safe loader
    except Exception:  # noqa: BLE001 - read again below, for the message
        pass
    try:
        return yaml.load(text, Loader=ScenarioLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "could not determine a constructor for the tag" in problem:
            problem += " (tags that build objects are not allowed; expected plain data)"
        elif "expected" not in problem and not isinstance(exc, yaml.constructor.ConstructorError):
            problem += SYNTAX_HINT
        raise ValueError(f"is not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise ValueError(
            "is not usable YAML: it is nested too deeply; expected a mapping of scenario "
            "sections a few levels deep"
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a value PyYAML cannot build
        raise ValueError(f"is not usable YAML: {exc}; expected plain YAML data") from None


def read_yaml(path: Path) -> dict[str, Any]:
    """A scenario file read as a mapping (bounded read; YAML errors as :class:`ScenarioError`)."""
    try:
        # a bounded read: a pipe is fine, /dev/zero or a huge file is refused, not read whole
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(
                f"is larger than {MAX_FILE_BYTES / 2**20:.0f} MiB; expected a YAML scenario "
                "file (a few kilobytes)",
                file=path,
            )
        text = raw.decode("utf-8")
    except FileNotFoundError:
        from ..outdir import windows_path_problem

        why = windows_path_problem(str(path))
        hint = f" (the path {why}; write paths with /)" if why else ""
        raise ScenarioError(
            f"file not found{hint}; expected a YAML scenario file", file=path
        ) from None
    except IsADirectoryError:
        raise ScenarioError("is a folder, expected a YAML scenario file", file=path) from None
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text, expected a YAML scenario file", file=path) from None
    except OSError as exc:
        raise ScenarioError(
            f"cannot be read ({exc.strerror}); expected a readable YAML scenario file", file=path
        ) from None
    try:
        data = parse_yaml(text)
    except ValueError as exc:
        raise ScenarioError(str(exc), file=path) from None
    if data is None:
        raise ScenarioError("is empty; expected a mapping of scenario sections", file=path)
    if not isinstance(data, dict):
        kind = {"list": "list", "str": "text", "int": "number", "float": "number"}.get(
            type(data).__name__, type(data).__name__
        )
        raise ScenarioError(
            f"holds a YAML {kind} ({shown_value(data)}); expected a mapping of scenario sections "
            "(name:, seed:, horizon:, ...)",
            file=path,
        )
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ScenarioError(
            f"expected text keys (section names) at the top level, got {shown_value(bad[0])}",
            file=path,
        )
    return data
