"""Atomic netCDF writing in the ready-to-train layout (used by the synthetic generator)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import netCDF4

from ..errors import OutputExistsError
from ..output.folder import atomic_file

__all__ = ["OutputExistsError", "atomic_path", "netcdf_for_writing"]


@contextmanager
def atomic_path(path: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a path (same name, in a private staging folder) that becomes ``path`` only on
    success; an existing ``path`` is replaced only with ``overwrite`` (see output.folder)."""
    with atomic_file(Path(path), overwrite) as tmp:
        yield tmp


@contextmanager
def netcdf_for_writing(path: Path, overwrite: bool = False) -> Iterator[netCDF4.Dataset]:
    """An open netCDF4 dataset that appears at ``path`` only once fully written and closed."""
    with atomic_path(path, overwrite) as tmp:
        ds = netCDF4.Dataset(tmp, "w", format="NETCDF4")
        try:
            yield ds
        finally:
            ds.close()
