"""Task store: finished rows kept as Parquet beside a manifest holding the experiment's hash,
so an interrupted experiment resumes losing at most the tasks that were in flight.

Public names: :func:`experiment_hash`, :class:`Store`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import ExperimentError
from ..jsonio import dumps
from ..results import is_missing
from .tasks import Task

# --------------------------------------------------------------------------- store


class Store:
    """One small Parquet file per finished task, and a manifest naming the experiment."""

    def __init__(self, folder: Path, definition: str, n_tasks: int):
        self.folder = folder
        self.tasks_dir = folder / "tasks"
        self.definition = definition
        self.n_tasks = n_tasks

    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def open(self, resume: bool) -> dict[str, dict[str, Any]]:
        """Prepare the folder; return the rows already stored (by task id) when resuming."""
        done: dict[str, dict[str, Any]] = {}
        if self.manifest_path.exists():
            try:
                stored = json.loads(self.manifest_path.read_text())
            except (OSError, ValueError):
                stored = {}
            finished = sorted(self.tasks_dir.glob("*.parquet")) if self.tasks_dir.is_dir() else []
            if not resume:
                if finished:
                    raise ExperimentError(
                        f"task store {self.folder} already holds {len(finished)} finished tasks "
                        "of an earlier experiment; resume it (--resume / resume=True) or delete "
                        "the folder to start afresh"
                    )
            elif finished and stored.get("definition") != self.definition:
                raise ExperimentError(
                    f"task store {self.folder} belongs to a different experiment (its manifest's "
                    "definition differs: another scenario, overrides, seed, replications, "
                    "levers or smesim version); delete the folder or choose another output"
                )
            elif finished:
                for path in finished:
                    try:
                        rec = pd.read_parquet(path).to_dict("records")[0]
                    except Exception:  # noqa: BLE001 - a torn file is simply run again
                        path.unlink(missing_ok=True)
                        continue
                    done[path.stem] = {k: _from_parquet(v) for k, v in rec.items()}
        try:
            self.tasks_dir.mkdir(parents=True, exist_ok=True)
            manifest = {
                "definition": self.definition,
                "tasks_n": self.n_tasks,
                "version": __version__,
                "format": "one Parquet file per finished task: tasks/<task id>.parquet",
            }
            _atomic_write(self.manifest_path, dumps(manifest) + "\n")
        except OSError as exc:
            raise ExperimentError(
                f"task store {self.folder}: cannot be written ({exc.strerror or exc})"
            ) from None
        for stale in self.tasks_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        return done

    def save(self, task_id: str, row: dict[str, Any]) -> None:
        path = self.tasks_dir / f"{task_id}.parquet"
        tmp = self.tasks_dir / f".{task_id}.tmp"
        _write_row(row, tmp)
        os.replace(tmp, path)


def _write_row(row: dict[str, Any], path: Path) -> None:
    """One row as a one-row Parquet file, read back by ``pd.read_parquet`` as pandas wrote it.

    The parent process saves every finished task while the workers run, so this is built
    with pyarrow directly (a column per key, uncompressed, no statistics): a few times
    cheaper than ``DataFrame.to_parquet`` and the same values on reading. A row pyarrow
    cannot type by itself (mixed types in a key) goes through pandas.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pa.table({k: pa.array([v]) for k, v in row.items()})
    except (pa.ArrowException, TypeError, ValueError):
        pd.DataFrame([row]).to_parquet(path, index=False)
        return
    pq.write_table(table, path, compression="none", write_statistics=False, use_dictionary=False)


def _from_parquet(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.astype(np.int64) if v.dtype.kind in "iu" else v.astype(float)
    return None if is_missing(v) else v


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def experiment_hash(tasks: Sequence[Task]) -> str:
    """Hash of an experiment's definition: its tasks (in order) and the smesim version."""
    h = hashlib.sha256(__version__.encode())
    for t in tasks:
        h.update(t.id.encode())
    return h.hexdigest()
