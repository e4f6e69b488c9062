"""Outputs that appear complete or not at all, and replace nothing without consent.

Every output (a run folder, a GeoPackage, a shapefile's set of files, a synthetic scene) is
written into a staging folder that ``tempfile`` creates exclusively beside its final name, then
published under a lock on that name:

1. take ``.KEY.lock`` (``flock`` where the system has it: a killed holder releases it);
2. recover what an earlier, killed publish left (see below) and delete stale staging folders;
3. refuse if any final name exists and overwriting was not asked for (checked again here, at
   the last moment, so two runs that both started while the target was absent cannot both win);
4. in a transaction folder ``.KEY.old-*`` write a journal, move the old entries into it, mark
   the journal "install", move the new entries into place, mark it "done", delete the folder.

A kill at any step leaves the transaction folder; the next publish of the same name rolls it
back (before "done": the old entries return, partial new ones go) or finishes it (after).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputExistsError, SeaIceMapperError
from ..interrupts import interrupts_deferred

try:  # POSIX: a lock the kernel drops when its holder dies
    import fcntl
except ImportError:  # pragma: no cover - Windows falls back to an exclusive lock file
    fcntl = None  # type: ignore[assignment]

JOURNAL = "publish.json"
FAULT_ENV = "SEA_ICE_MAPPER_KILL_AT_STEP"  # tests: SIGKILL this process at publish step N
_steps_done = 0
RECOVERY_WAIT_S = 60.0  # recovery is renames: seconds at most, even on a network drive


class OutputBusyError(SeaIceMapperError, FileExistsError):
    """Another process is writing the same output right now."""


class OutputLockError(SeaIceMapperError, PermissionError):
    """The lock beside an output cannot be created."""


def _step() -> None:
    """A point between two operations of a publish; the fault-injection tests kill us here."""
    global _steps_done
    _steps_done += 1
    wanted = os.environ.get(FAULT_ENV, "")
    if wanted.isdigit() and int(wanted) == _steps_done:
        os.kill(os.getpid(), signal.SIGKILL)


def interrupted(dest: Path, key: str) -> bool:
    """Whether a publish of ``dest/KEY`` left entries behind (killed, or still running)."""
    prefix = f".{key}."
    with os.scandir(dest) as entries:  # one pass, string tests only: cheap in big folders
        return any(
            entry.name.startswith(prefix)
            and entry.name[len(prefix) :].startswith(("old-", "part-", "lock"))
            for entry in entries
        )


def refuse_existing(path: Path, overwrite: bool) -> None:
    """Refuse an existing ``path`` without ``overwrite``, after recovering what a killed
    publish of it left (so the answer is about the last complete output)."""
    path = Path(path)
    if path.parent.is_dir() and interrupted(path.parent, path.name):
        recover_output(path, wait_s=0)  # a run writing it now: busy, at once
    _refuse(path, overwrite)


def _refuse(path: Path, overwrite: bool) -> None:
    if os.path.lexists(path) and not overwrite:
        raise OutputExistsError(
            f"{path} already exists; pass overwrite (--overwrite, or tick 'Overwrite' in QGIS) "
            "to replace it, or choose another output folder."
        )


def _lock_path(dest: Path, key: str) -> Path:
    return dest / f".{key}.lock"


@contextmanager
def output_lock(dest: Path, key: str, wait_s: float = 0.0) -> Iterator[None]:
    """Hold ``dest/.KEY.lock``; a second holder gets ``OutputBusyError`` (at once, or after
    waiting ``wait_s`` seconds for the first to finish)."""
    path = _lock_path(dest, key)
    busy = OutputBusyError(
        f"{dest / key} is being written by another run right now (lock {path.name}); wait for "
        "it to finish, or choose another output. If no run is active, delete the lock file."
    )
    fd = -1
    deadline = time.monotonic() + wait_s
    try:  # an interrupt (Cancel's SIGTERM) at any moment leaves no lock file behind
        while fd < 0:
            with interrupts_deferred():  # from creating the file to knowing whether we hold it
                fd = _try_lock(path)
            if fd < 0:
                if time.monotonic() >= deadline:
                    raise busy
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{socket.gethostname()} {os.getpid()}\n".encode())
        yield
    finally:
        with interrupts_deferred():
            if fd >= 0:
                os.unlink(path)
                os.close(fd)


def _try_lock(path: Path) -> int:
    """The descriptor of ``path`` locked by us, or -1 while another process holds it."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    if fcntl is None:  # pragma: no cover
        try:
            return os.open(path, flags | os.O_EXCL, 0o644)
        except FileExistsError:
            return -1
    while True:
        fd = _open_lock(path, flags)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return -1
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder before us unlinked the file we locked: lock the new one


def _open_lock(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags, 0o644)
    except OSError as error:  # e.g. a symbolic link planted there (O_NOFOLLOW), no permission
        raise OutputLockError(
            f"Cannot create the lock file {path} ({error.strerror}); nothing was written. Check "
            "that the output folder is writable and that the lock file is not a link."
        ) from None


def _write_journal(folder: Path, record: dict) -> None:
    tmp = folder / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, folder / JOURNAL)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def recover(dest: Path, key: str) -> None:
    """Roll back or finish a publish of ``dest/KEY`` that was killed; drop stale staging.

    Call only while holding the lock for ``key``: then no live process owns these entries.
    """
    for transaction in sorted(dest.glob(f".{glob_escape(key)}.old-*")):
        try:
            record = json.loads((transaction / JOURNAL).read_text(encoding="utf-8"))
            names, phase = list(record["names"]), str(record["phase"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            names, phase = [], "none"  # killed before its journal: nothing was moved yet
            left = [e for e in os.listdir(transaction) if e != JOURNAL + ".tmp"]
            if left and not os.path.lexists(dest / key):  # 0.3.0's swap: the old run itself
                os.rename(transaction, dest / key)
                continue
        old = transaction / "old"
        if phase in ("backup", "install"):
            for name in names:
                target, saved = dest / name, old / name
                if phase == "install" and os.path.lexists(target):
                    _remove(target)  # a partial new entry: the publish did not finish
                if os.path.lexists(saved) and not os.path.lexists(target):
                    os.rename(saved, target)
        shutil.rmtree(transaction, ignore_errors=True)
    stem, suffix = os.path.splitext(key)
    stale = list(dest.glob(f".{glob_escape(key)}.part-*"))
    if suffix:  # 0.3.0 staged files as .STEM.part-PID.SUFFIX
        stale += dest.glob(f".{glob_escape(stem)}.part-[0-9]*{glob_escape(suffix)}")
    for entry in stale:
        _remove(entry)


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def publish(staging: Path, dest: Path, key: str, names: Sequence[str], overwrite: bool) -> None:
    """Move ``staging/NAME`` to ``dest/NAME`` for every name, as one unit (hold the lock).

    Names absent from ``staging`` are only removed from ``dest`` (with ``overwrite``), so a
    replaced shapefile keeps no stray part of its predecessor.
    """
    present = [name for name in names if os.path.lexists(dest / name)]
    if present and not overwrite:
        raise OutputExistsError(
            f"{dest / present[0]} appeared while this run was writing (another run finished "
            "first?); nothing was replaced. Pass overwrite (--overwrite) to replace it."
        )
    transaction = Path(tempfile.mkdtemp(prefix=f".{key}.old-", dir=dest))
    _step()
    _write_journal(transaction, {"names": list(names), "phase": "backup"})
    _step()
    (transaction / "old").mkdir()
    for name in present:
        os.rename(dest / name, transaction / "old" / name)
        _step()
    _write_journal(transaction, {"names": list(names), "phase": "install"})
    _step()
    for name in names:
        source = staging / name
        if os.path.lexists(source):
            os.rename(source, dest / name)
            _step()
    _write_journal(transaction, {"names": list(names), "phase": "done"})
    _step()
    shutil.rmtree(transaction)
    _step()


@contextmanager
def atomic_outputs(
    dest: Path, names: Sequence[str], key: str | None = None, overwrite: bool = False
) -> Iterator[Path]:
    """Yield an exclusive staging folder; its entries ``names`` appear in ``dest`` together,
    only on success, replacing existing ones only with ``overwrite``. The lock is held for the
    whole run, so a second writer of the same output stops at once with a clear message."""
    dest = Path(dest)
    key = key or names[0]
    if dest.is_dir() and interrupted(dest, key):
        recover_output(dest / key, wait_s=0)
    for name in names:
        refuse_existing(dest / name, overwrite)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputLockError(
            f"Cannot create the output folder {dest} ({error.strerror}); choose a writable place."
        ) from None
    with output_lock(dest, key):
        recover(dest, key)
        for name in names:  # recovery may have restored an entry the refusal did not see
            _refuse(dest / name, overwrite)
        _step()
        staging = None
        try:
            with interrupts_deferred():  # created and remembered as one step
                staging = Path(tempfile.mkdtemp(prefix=f".{key}.part-", dir=dest))
            yield staging
            try:
                publish(staging, dest, key, names, overwrite)
            except BaseException:
                recover(dest, key)  # roll back what this publish moved, then report
                raise
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def atomic_folder(path: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a folder to fill; it appears as ``path`` only complete (see the module doc)."""
    path = Path(path)
    with atomic_outputs(path.parent, [path.name], overwrite=overwrite) as staging:
        (staging / path.name).mkdir()
        yield staging / path.name


@contextmanager
def atomic_file(path: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a path (same name, in a private staging folder) that becomes ``path`` on success."""
    path = Path(path)
    with atomic_outputs(path.parent, [path.name], overwrite=overwrite) as staging:
        yield staging / path.name


SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qml", ".qix", ".sbn", ".sbx")


def shapefile_names(shp: Path) -> list[str]:
    """Every file a shapefile set may have: published, replaced and refused as one."""
    return [shp.stem + suffix for suffix in SHAPEFILE_PARTS]


def recover_output(path: Path, wait_s: float = RECOVERY_WAIT_S) -> None:
    """Roll back or finish an interrupted publish of ``path`` before reading it (e.g. a
    checkpoint whose replacement was killed between its renames)."""
    path = Path(path)
    if path.parent.is_dir() and interrupted(path.parent, path.name):
        # several readers may arrive at once (every rank of a distributed training): wait
        with output_lock(path.parent, path.name, wait_s=wait_s):
            recover(path.parent, path.name)
