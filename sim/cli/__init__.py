"""The ``smesim`` command line: a package over the library, one module per command group.

``run`` (:mod:`.run`: run, validate, show), experiments (:mod:`.experiments`: run
--replications, compare, sweep) and analyses (:mod:`.analysis`: sensitivity, calibrate,
calibration-table, design), validation (:mod:`.validation`: predict), the starter
(:mod:`.starter`: new) and discovery (:mod:`.discover`: discover) register their
commands on the one Typer app of
:mod:`._app`, which also maps the library's exceptions to exit codes. The top-level
``cli.py`` is a shim that calls :func:`main`.

Public names: :data:`app`, :func:`main`.
"""

from . import (  # noqa: F401  (they register their commands)
    analysis,
    discover,
    experiments,
    run,
    starter,
    validation,
)
from ._app import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USER, UserError, app, main

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USER",
    "UserError",
    "app",
    "main",
]
