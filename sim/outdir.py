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

:func:`output_folder` puts these together: the one writer of every output folder,
used by the command line and by notebooks alike.

Public names: :func:`output_folder`, :class:`OutputBuild`, :class:`OutputError`,
:func:`owned_files`, :func:`check_replaceable`, :func:`check_target`, :class:`FolderLock`,
:func:`windows_path_problem`, :func:`folder_name`, :data:`FOLDER_NAME_MAX_BYTES`,
:data:`MANIFEST`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

__all__ = [
    "FOLDER_NAME_MAX_BYTES",
    "MANIFEST",
    "WRITER_MARK",
    "FolderLock",
    "OutputBuild",
    "OutputError",
    "check_replaceable",
    "check_target",
    "folder_name",
    "output_folder",
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


#: Names Windows keeps for devices, in any case and with any extension (``con.txt``).
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{d}{i}" for d in ("COM", "LPT") for i in [*"0123456789", "\u00b9", "\u00b2", "\u00b3"]]
)
#: Longest name, in UTF-8 bytes, that leaves room for the suffixes of the files and
#: folders named after it (``_calibration_table.csv``, ``.lock``, ``.tmp-...``) within the
#: 255 bytes most file systems allow.
FOLDER_NAME_MAX_BYTES = 200


def folder_name(name: str) -> str:
    """Check that ``name`` is safe as a folder name on every OS, and return its NFC form.

    A scenario's name is the name of its default output folder (``reports/<name>/``) and
    of folders and files derived from it (``reports/<name>_sweep/``). Accepted: letters
    and digits of any script (``上海专精特新_2025``), combining marks, ``_``, ``.`` and
    ``-``. So no path separator, no character Windows reserves (``<>:"/\\|?*``), no
    control or invisible formatting character and no space can occur.

    Parameters
    ----------
    name
        The name as written.

    Returns
    -------
    str
        The name in Unicode normal form C (so that a name typed on macOS and one typed
        on Windows give the same folder); ASCII names are returned unchanged.

    Raises
    ------
    ValueError
        If the name has another character, is only dots (``.``, ``..``), is a name
        Windows reserves for a device (``CON``, ``nul.txt``, ``COM1``), or is longer than
        :data:`FOLDER_NAME_MAX_BYTES` bytes in UTF-8.
    """
    nfc = unicodedata.normalize("NFC", name)
    bad = [c for c in nfc if not (c in "_.-" or unicodedata.category(c)[0] in "LMN")]
    if bad:
        shown = repr(bad[0]) if len(repr(nfc)) > 60 else repr(nfc)
        raise ValueError(
            f"expected letters, digits, '_', '.' and '-' only, got {shown} (it names the "
            f"output folder, so it may not hold {_char_name(bad[0])})"
        )
    if set(nfc) <= {"."}:
        raise ValueError(
            f"expected a name with a letter or digit (it names the output folder), got {nfc!r}"
        )
    if nfc.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        raise ValueError(
            f"expected a name that Windows does not reserve for a device (CON, PRN, AUX, "
            f"NUL, COM1, LPT1, ...; it names the output folder), got {nfc!r}"
        )
    size = len(nfc.encode("utf-8"))
    if size > FOLDER_NAME_MAX_BYTES:
        raise ValueError(
            f"expected a name of at most {FOLDER_NAME_MAX_BYTES} bytes in UTF-8 (it names "
            f"the output folder; a Chinese character takes 3), got one of {size} bytes"
        )
    return nfc


def _char_name(c: str) -> str:
    if c in "/\\":
        return "a path separator"
    if c.isspace():
        return "a space"
    if unicodedata.category(c)[0] == "C":
        return "a control or invisible character"
    return f"{c!r}"


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


def check_target(out: Path) -> None:
    """Raise :class:`OutputError` for an output path that must not be replaced whole.

    Refused: a Windows-style path on POSIX, a file in place of the folder or of one of
    its parents, and a folder that holds the current folder, the home folder, the root
    of the file system or a git repository.
    """
    why = windows_path_problem(str(out))
    if why:
        raise OutputError(f"output folder '{out}' {why}; write paths with / (e.g. reports/x)")
    if out.exists() and not out.is_dir():
        raise OutputError(f"output folder {out}: exists and is not a folder")
    parent = out.resolve().parent
    for folder in (parent, *parent.parents):
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(
                    f"output folder {out}: cannot be written ({folder} is a file, not a "
                    "folder); choose another folder"
                )
            break
    where = None
    if out.name in ("", ".", ".."):
        where = "is not a folder name of its own"
    else:
        real = out.resolve()
        cwd, home = Path.cwd().resolve(), Path.home().resolve()
        if real == real.parent:
            where = "is the root of the file system"
        elif real == cwd or real in cwd.parents:
            where = "holds the current folder"
        elif real == home or real in home.parents:
            where = "holds your home folder"
        elif (real / ".git").exists():
            where = "holds a git repository"
    if where:
        raise OutputError(
            f"output folder {out}: {where}, and a run replaces its output folder whole; "
            "expected a folder of its own, such as reports/<scenario name>"
        )


class OutputBuild:
    """An output folder being built: its temporary folder and the manifest written last.

    Attributes
    ----------
    tmp : Path
        Write the output's files here; it is moved to the output folder when complete.
    manifest : dict
        Fill it with the run's record (scenario, seed, command, timings ...); the writer
        adds ``written_by`` and ``files`` (every file of the folder) and writes it last.
    """

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.manifest: dict[str, Any] = {}


def _commit(tmp: Path, out: Path, critical: Callable[[], AbstractContextManager[Any]]) -> None:
    """Move a complete temporary folder into place, replacing any previous output whole.

    The moves are one critical section, so ``out`` is always either the previous output
    or the new one; the previous one is deleted only after the new one is in place.
    """
    old = None
    try:
        with critical():
            if out.exists():
                old = out.with_name(f".{out.name}.old-{os.getpid()}")
                os.replace(out, old)
            try:
                os.replace(tmp, out)
            except BaseException:
                if old is not None:
                    os.replace(old, out)  # put the previous output back
                    old = None
                raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def output_folder(
    out: Path | str,
    *,
    command: str = "",
    store: Path | None = None,
    critical: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> Iterator[OutputBuild]:
    """Build an output folder in a temporary folder and move it into place whole.

    The one writer of every smesim output folder. Before the body runs it checks the
    path (:func:`check_target`), takes the folder's lock (:class:`FolderLock`, held until
    the block ends) and proves the folder is smesim's own (:func:`check_replaceable`);
    it checks ownership again just before the move, since a file may have been added
    meanwhile. On any exception the temporary folder is deleted and the previous output
    is left as it was.

    Parameters
    ----------
    out : Path or str
        The output folder.
    command : str
        Recorded in the lock for a second writer's message.
    store : Path, optional
        An experiment's task store, deleted once the output is in place.
    critical : callable returning a context manager
        Wraps the creation of the temporary folder and the final moves (the command
        line holds Ctrl-C and SIGTERM there, so that nothing is left half-moved).

    Yields
    ------
    OutputBuild
        Write files into ``.tmp`` and the record into ``.manifest``.

    Raises
    ------
    OutputError
        The folder may not be written: not smesim's own, being written by another run,
        or not writable (the message names the folder and the reason).

    Examples
    --------
    >>> with output_folder("reports/my_run") as build:  # doctest: +SKIP
    ...     result.write_tables(build.tmp / "tables")
    ...     build.manifest["seed"] = 1
    """
    out = Path(out)
    check_target(out)
    lock = FolderLock(out, command)
    try:
        lock.acquire()
        check_replaceable(out)
    except OSError as exc:
        lock.release()
        raise OutputError(
            f"output folder {out}: cannot be written ({exc.strerror or exc}); choose another folder"
        ) from None
    except BaseException:
        lock.release()
        raise
    tmp: Path | None = None
    try:
        try:
            with critical():
                tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.resolve().parent))
                # mkdtemp makes a private folder; the output gets the user's usual permissions
                umask = os.umask(0o022)
                os.umask(umask)
                tmp.chmod(0o777 & ~umask)
        except OSError as exc:
            raise OutputError(
                f"output folder {out}: cannot be written ({exc.strerror or exc}); choose "
                "another folder"
            ) from None
        build = OutputBuild(tmp)
        yield build
        files = [p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()]
        manifest = {**build.manifest, "written_by": WRITER_MARK}
        manifest["files"] = sorted({*files, MANIFEST})
        from .jsonio import write_json

        write_json(tmp / MANIFEST, manifest)
        check_replaceable(out)
        _commit(tmp, out, critical)
        tmp = None
        if store is not None:
            shutil.rmtree(store, ignore_errors=True)
    finally:
        try:
            if tmp is not None:
                with critical():  # a second Ctrl-C does not cut the clean-up short
                    shutil.rmtree(tmp, ignore_errors=True)
        finally:
            lock.release()
