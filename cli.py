"""The ``smesim`` command: a shim over :mod:`sim.cli`, where the commands live."""

from sim.cli import app, main

__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
