"""The package's version (a leaf module: imports nothing).

The build reads it from here (``pyproject.toml``: ``[tool.setuptools.dynamic]``), so the
installed metadata and ``sim.__version__`` agree without reading the metadata at run time
(``importlib.metadata`` costs about 30 ms of every command's start).
"""

from __future__ import annotations

__version__: str = "0.1.0"
