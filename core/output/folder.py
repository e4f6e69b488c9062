"""A run folder that appears complete or not at all."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..scene.writer import OutputExistsError
from .contract import RUN_FILE  # noqa: F401 (re-exported; the contract owns the names)


def refuse_existing(path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise OutputExistsError(
            f"{path} already exists; pass overwrite (--overwrite, or tick 'Overwrite' in QGIS) "
            "to replace it, or choose another output folder."
        )


@contextmanager
def atomic_folder(path: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a hidden staging folder beside ``path``; it becomes ``path`` only on success.

    On any error or cancellation the staging folder is deleted and an existing ``path`` is
    left as it was. Replacing swaps folders by renames, so ``path`` is never half-written.
    """
    refuse_existing(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.part-{os.getpid()}")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
        if path.exists():
            os.replace(path, old)
        os.replace(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
