"""Command ``new``: write a commented starter scenario for a programme of one's own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import UserError, app, check_lang, guard


@app.command()
def new(
    file: Annotated[Path, typer.Argument(help="The scenario file to write, e.g. my_city.yaml.")],
    like: Annotated[
        str | None,
        typer.Option(
            "--like",
            metavar="NAME_OR_PATH",
            help="Start from a shipped scenario (e.g. shanghai_2024) or a scenario file.",
        ),
    ] = None,
    blank: Annotated[
        bool,
        typer.Option(
            "--blank",
            help="Start from a neutral programme: one tier, one lender, a pool, a guarantee "
            "(the default).",
        ),
    ] = False,
    lang: Annotated[
        str | None, typer.Option("--lang", metavar="zh|en", help="Language of the comments.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write a starter scenario: every field with its meaning, unit and typical range.

    The file validates as written (smesim validate FILE) and runs (smesim run FILE).
    """

    def body() -> None:
        import os
        import tempfile

        from sim.scenario import load_scenario
        from sim.scenario.starter import starter_yaml
        from sim.texts import text

        check_lang(lang)
        if like is not None and blank:
            raise UserError("give --like NAME_OR_PATH or --blank, not both")
        if file.suffix not in (".yaml", ".yml"):
            raise UserError(f"expected a file name ending in .yaml, got '{file}'")
        if file.exists() and not force:
            raise UserError(f"'{file}' exists; nothing was written (--force overwrites it)")
        language = lang or "en"
        content = starter_yaml(file, like=like, lang=language)
        folder = file.parent if str(file.parent) else Path(".")
        if not folder.is_dir():
            raise UserError(f"no folder '{folder}' to write '{file.name}' in")
        fd, tmp = tempfile.mkstemp(prefix=f".{file.stem}.", suffix=".yaml", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(content)
            load_scenario(tmp, check_memory=False)  # it must validate as written
            os.replace(tmp, file)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        typer.echo(f"wrote {file}")
        typer.echo(text("msg.new.check", language, file=file))

    guard(body)
