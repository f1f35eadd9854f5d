"""Output folders: whose they are, and one writer at a time.

smesim replaces an output folder whole, so it must first prove that the folder is its
own: the folder is absent or empty, or it holds a smesim ``manifest.json`` whose
``files`` list names every file in it. A folder holding anything else (a user's
documents, a file added after the run) is refused, and nothing in it is touched.

A lock beside the folder (``.<name>.lock``, an OS lock taken with ``fcntl.flock``)
makes one writer at a time: it is held for the whole command, released on any exit,
and released by the operating system when its holder dies, so a crashed run never
leaves a stale lock. The lock file records who holds it (pid, host, start time,
command) so that a second writer can say which run it waited for.

Public names: :class:`OutputError`, :func:`owned_files`, :func:`check_replaceable`,
:class:`FolderLock`, :func:`windows_path_problem`, :data:`MANIFEST`.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST",
    "WRITER_MARK",
    "FolderLock",
    "OutputError",
    "check_replaceable",
    "owned_files",
    "windows_path_problem",
]

MANIFEST = "manifest.json"
#: value of the manifest's ``written_by`` key; a folder whose manifest carries it is smesim's
WRITER_MARK = "smesim"
# Manifests written before ``written_by`` existed name these files implicitly.
_LEGACY_IMPLICIT = {"manifest.json", "scenario.yaml", "summary.json"}


class OutputError(Exception):
    """An output folder or file that smesim may not write: not its own, or in use."""


def _files_below(folder: Path) -> list[str]:
    """Every file (not folder) below ``folder``, as sorted POSIX paths relative to it."""
    out = []
    for dirpath, _dirs, names in os.walk(folder):
        base = Path(dirpath).relative_to(folder)
        out.extend((base / n).as_posix() for n in names)
    return sorted(out)


def owned_files(folder: Path) -> set[str] | None:
    """Files of ``folder`` that its smesim manifest says smesim wrote.

    Returns
    -------
    set of str or None
        Paths relative to ``folder`` (``manifest.json`` included), or ``None`` when the
        folder holds no readable smesim manifest.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    files = {str(f) for f in manifest["files"]}
    if manifest.get("written_by") == WRITER_MARK:
        return files | {MANIFEST}
    if str(manifest.get("command", "")).startswith("smesim") and "version" in manifest:
        return files | _LEGACY_IMPLICIT  # a manifest of an earlier smesim version
    return None


def check_replaceable(out: Path) -> None:
    """Raise :class:`OutputError` unless replacing ``out`` whole deletes only smesim's files.

    Parameters
    ----------
    out : Path
        The output folder. Absent, empty, or holding only the files its smesim manifest
        lists: replaceable. Anything else is refused with the first foreign file named.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"output folder {out}: exists and is not a folder")
    present = _files_below(out)
    if not present:
        return
    owned = owned_files(out)
    if owned is None:
        raise OutputError(
            f"output folder {out}: holds files smesim did not write (first: {present[0]}) "
            "and no smesim manifest.json; a run replaces its output folder whole, so "
            "nothing was touched. Expected an empty or new folder, or one a previous "
            "smesim run wrote"
        )
    foreign = [f for f in present if f not in owned]
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise OutputError(
            f"output folder {out}: holds {foreign[0]}{more}, which smesim did not write "
            "(its manifest.json does not list it); a run replaces its output folder whole, "
            "so nothing was touched. Move that file away or choose another folder"
        )


_WINDOWS = re.compile(r"^[A-Za-z]:([\\/]|$)")


def windows_path_problem(text: str) -> str | None:
    """Say why ``text`` looks like a Windows path on a POSIX system, or return ``None``.

    A drive letter (``D:\\reports``) or a backslash would otherwise become part of a
    literal file name.
    """
    if os.name == "nt":
        return None
    if _WINDOWS.match(text):
        return "starts with a drive letter, which this system does not have"
    if "\\" in text:
        return "contains a backslash, which this system reads as part of a name"
    return None


class FolderLock:
    """An exclusive, non-blocking lock on an output folder (or file), held by one process.

    The lock is the file ``.<name>.lock`` beside ``target``. Use it as a context manager;
    :meth:`acquire` raises :class:`OutputError` naming the holder when another process
    holds it.

    Parameters
    ----------
    target : Path
        The folder (or file) to be written.
    command : str
        The command line recorded for other writers to read.
    """

    def __init__(self, target: Path, command: str = "") -> None:
        self.target = target
        self.path = target.parent / f".{target.name}.lock"
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        """Take the lock, or raise :class:`OutputError` if another process holds it."""
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(20):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._holder(fd)
                os.close(fd)
                raise OutputError(
                    f"output {self.target}: another smesim run is writing it ({holder}); "
                    "it was not touched. Wait for that run to end, or choose another "
                    "output"
                ) from None
            # the previous holder may have removed the file between our open and lock
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                info = {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
                    "command": self.command,
                }
                os.ftruncate(fd, 0)
                os.write(fd, (json.dumps(info) + "\n").encode())
                self._fd = fd
                return self
            os.close(fd)
        raise OutputError(f"output {self.target}: its lock file {self.path} keeps changing")

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            info: dict[str, Any] = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
        except (OSError, ValueError):
            info = {}
        if not info:
            return "pid unknown"
        return (
            f"pid {info.get('pid')} on {info.get('host')}, started {info.get('started')}: "
            f"{info.get('command') or 'command unknown'}"
        )

    def release(self) -> None:
        """Remove the lock file and release the lock (idempotent)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)  # closing releases the flock
            self._fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
