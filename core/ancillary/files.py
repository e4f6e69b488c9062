"""Opening an ancillary file (ERA5, AMSR2) with one clear message when it is absent or
unreadable."""

from __future__ import annotations

from pathlib import Path

import netCDF4

from ..errors import SceneFormatError


def open_ancillary(path: Path, kind: str, expected: str = "") -> netCDF4.Dataset:
    """``path`` opened with netCDF4 (netCDF or HDF5); ``kind`` names it in the messages,
    ``expected`` (a sentence) says what file was expected."""
    if not path.exists():
        raise SceneFormatError(f"{kind} file {str(path)!r} does not exist; check the path.")
    try:
        return netCDF4.Dataset(path)
    except OSError as error:
        raise SceneFormatError(
            f"{path.name} is not a readable netCDF/HDF5 file ({error}). {expected}".rstrip()
        ) from error
