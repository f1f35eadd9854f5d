"""Every ``--help`` page of the smesim command renders, whatever its help text holds."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import cli


def _command_paths(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of ``cmd`` and of every sub-command below it, depth first.

    Groups are told by their ``list_commands`` method rather than by class, as recent
    Typer releases carry their own copy of click's classes.
    """
    paths = [path]
    if hasattr(cmd, "list_commands"):
        ctx = cmd.context_class(cmd)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            assert sub is not None, name
            paths += _command_paths(sub, (*path, name))
    return paths


PATHS = _command_paths(typer.main.get_command(cli.app))


def test_the_walk_finds_every_command():
    names = {p[0] for p in PATHS if p}
    assert {"run", "validate", "design", "calibrate", "sensitivity", "compare"} <= names
    assert () in PATHS  # the top-level page too


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "smesim")
def test_help_renders(path):
    res = CliRunner().invoke(cli.app, [*path, "--help"])
    text = res.output
    assert res.exception is None, f"{res.exception!r}\n{text}"
    assert res.exit_code == 0, text
    assert "Traceback" not in text and "Error" not in text, text
    assert "Usage:" in text
    assert " ".join(path) in text.split("Usage:", 1)[1].splitlines()[0]
    # more than the usage line: the command's own description or its options
    assert "--help" in text and len(text.strip().splitlines()) > 2


def test_square_brackets_in_help_are_shown_as_written():
    # rich markup would swallow "[mean]" silently and fail on "[/ KEY]"
    res = CliRunner().invoke(cli.app, ["design", "--help"])
    assert res.exit_code == 0, res.output
    assert "[mean] KEY OP NUMBER" in res.output
    assert "max|min KEY [/ KEY]" in res.output
