"""Atomic netCDF writing in the ready-to-train layout (used by the synthetic generator)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import netCDF4

from ..errors import SeaIceMapperError


class OutputExistsError(SeaIceMapperError, FileExistsError):
    """An output file exists and overwriting was not asked for."""


@contextmanager
def atomic_path(path: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success."""
    if path.exists() and not overwrite:
        raise OutputExistsError(
            f"{path} already exists; pass overwrite (--overwrite) to replace it, or choose "
            "another name."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.part-{os.getpid()}{path.suffix}")  # GDAL reads suffixes
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def netcdf_for_writing(path: Path, overwrite: bool = False) -> Iterator[netCDF4.Dataset]:
    """An open netCDF4 dataset that appears at ``path`` only once fully written and closed."""
    with atomic_path(path, overwrite) as tmp:
        ds = netCDF4.Dataset(tmp, "w", format="NETCDF4")
        try:
            yield ds
        finally:
            ds.close()
