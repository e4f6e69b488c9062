"""ERA5 single-level fields from a Climate Data Store netCDF, on a scene's 2 km cells.

The new CDS (since September 2024) writes ``valid_time`` (seconds since 1970) as the time
coordinate, ``latitude`` descending and ``longitude`` either −180…180 or 0…360, with short
variable names (``u10``, ``v10``, ``t2m``, ``skt``, ``tcwv``, ``tclw``) and sometimes extra
``number``/``expver`` dimensions of length 1. As AI4Arctic did, the hour nearest to the
acquisition is taken and interpolated (here bilinearly) to the cell centres.

**Wind rotation**: AI4Arctic rotated u/v "to account for the Sentinel-1 flight direction" without
stating the convention. Here ``v10m_rotated`` is the component along the flight direction
(``platformHeading``, degrees clockwise from north) and ``u10m_rotated`` the component 90°
clockwise from it (towards the right-looking radar's range direction):
along = u·sin h + v·cos h, across = u·cos h − v·sin h. Unverified against a raw AI4Arctic file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import netCDF4
import numpy as np

from ..errors import SceneFormatError
from .files import open_ancillary

SHORT_NAMES = {"t2m": "t2m", "skt": "skt", "tcwv": "tcwv", "tclw": "tclw"}
WIND = ("u10", "v10")
MAX_HOURS_AWAY = 1.0  # ERA5 is hourly: a file whose nearest hour is farther lacks the time
MARGIN_DEG = 0.5


@dataclass(frozen=True)
class Era5Fields:
    """Physical fields on the 2 km grid (RTT names) and where they came from."""

    fields: dict[str, np.ndarray]
    time: datetime
    source: str


def _read_time(ds: netCDF4.Dataset, path: Path) -> np.ndarray:
    name = (
        "valid_time" if "valid_time" in ds.variables else "time" if "time" in ds.variables else ""
    )
    if not name:
        raise SceneFormatError(
            f"{path.name} has no 'valid_time' (or 'time') variable: not an ERA5 netCDF from the "
            "Climate Data Store. Download 'reanalysis-era5-single-levels' as netCDF."
        )
    var = ds.variables[name]
    times = netCDF4.num2date(
        var[:], var.units, getattr(var, "calendar", "standard"), only_use_cftime_datetimes=False
    )
    return np.array(
        [
            datetime(t.year, t.month, t.day, t.hour, t.minute, tzinfo=timezone.utc)
            for t in np.atleast_1d(np.asarray(times, dtype=object))
        ]
    )


def _field(ds: netCDF4.Dataset, name: str, index: int) -> np.ndarray:
    var = ds.variables[name]
    data = np.asarray(var[:], dtype=np.float64) if var.ndim <= 2 else None
    if data is None:
        time_axis = next(i for i, d in enumerate(var.dimensions) if d in ("valid_time", "time"))
        selection: list[int | slice] = [0] * var.ndim
        selection[time_axis] = index
        selection[-2:] = [slice(None), slice(None)]
        data = np.asarray(var[tuple(selection)], dtype=np.float64)
    return np.ma.filled(data, np.nan) if np.ma.isMaskedArray(data) else data


def _bilinear_regular(
    values: np.ndarray, lats: np.ndarray, lons: np.ndarray, lat: np.ndarray, lon: np.ndarray
) -> np.ndarray:
    """Bilinear interpolation on a regular lat/lon grid (either latitude order)."""
    if lats[0] > lats[-1]:
        lats, values = lats[::-1], values[::-1]
    fi = np.interp(lat, lats, np.arange(len(lats)))
    fj = np.interp(lon, lons, np.arange(len(lons)))
    i0 = np.clip(np.floor(fi).astype(int), 0, max(len(lats) - 2, 0))
    j0 = np.clip(np.floor(fj).astype(int), 0, max(len(lons) - 2, 0))
    ti, tj = fi - i0, fj - j0
    i1, j1 = np.minimum(i0 + 1, len(lats) - 1), np.minimum(j0 + 1, len(lons) - 1)
    return (
        values[i0, j0] * (1 - ti) * (1 - tj)
        + values[i1, j0] * ti * (1 - tj)
        + values[i0, j1] * (1 - ti) * tj
        + values[i1, j1] * ti * tj
    )


def read_era5(
    path: Path, when: datetime, lat: np.ndarray, lon: np.ndarray, heading: float
) -> Era5Fields:
    """ERA5 at the hour nearest ``when``, bilinear at (lat, lon) cell centres, winds rotated."""
    with open_ancillary(path, "ERA5") as ds:
        ds.set_auto_mask(True)
        missing = [n for n in (*WIND, *SHORT_NAMES) if n not in ds.variables and n != "skt"]
        if missing or "latitude" not in ds.variables or "longitude" not in ds.variables:
            raise SceneFormatError(
                f"{path.name} lacks {', '.join(missing) or 'latitude/longitude'}: request the "
                "ERA5 single-levels variables 10m_u_component_of_wind, 10m_v_component_of_wind, "
                "2m_temperature, total_column_water_vapour and total_column_cloud_liquid_water."
            )
        times = _read_time(ds, path)
        hours = np.array([abs((t - when).total_seconds()) / 3600 for t in times])
        index = int(np.argmin(hours))
        if hours[index] > MAX_HOURS_AWAY:
            raise SceneFormatError(
                f"{path.name} covers {times.min():%Y-%m-%d %H:%M} to {times.max():%Y-%m-%d %H:%M} "
                f"UTC; the scene was acquired at {when:%Y-%m-%d %H:%M} UTC. Download the hour "
                "nearest the acquisition."
            )
        lats = np.asarray(ds.variables["latitude"][:], float)
        lons = np.asarray(ds.variables["longitude"][:], float)
        query_lon = np.where(lon < lons.min(), lon + 360, lon) if lons.max() > 180 else lon
        if (
            lat.min() < lats.min() - MARGIN_DEG
            or lat.max() > lats.max() + MARGIN_DEG
            or query_lon.min() < lons.min() - MARGIN_DEG
            or query_lon.max() > lons.max() + MARGIN_DEG
        ):
            raise SceneFormatError(
                f"{path.name} covers latitude {lats.min():.1f}..{lats.max():.1f} and longitude "
                f"{lons.min():.1f}..{lons.max():.1f}; the scene needs "
                f"{lat.min():.1f}..{lat.max():.1f} and {lon.min():.1f}..{lon.max():.1f}. Request "
                f"an area (N/W/S/E) of {np.ceil(lat.max()) + 1:g}/{np.floor(lon.min()) - 1:g}/"
                f"{np.floor(lat.min()) - 1:g}/{np.ceil(lon.max()) + 1:g}."
            )
        at = {}
        for name in (*WIND, *SHORT_NAMES):
            if name in ds.variables:
                at[name] = _bilinear_regular(_field(ds, name, index), lats, lons, lat, query_lon)
    h = np.radians(heading)
    fields = {
        "u10m_rotated": at["u10"] * np.cos(h) - at["v10"] * np.sin(h),
        "v10m_rotated": at["u10"] * np.sin(h) + at["v10"] * np.cos(h),
        **{rtt: at[short] for short, rtt in SHORT_NAMES.items() if short in at},
    }
    return Era5Fields(
        {k: v.astype(np.float32) for k, v in fields.items()},
        times[index],
        f"{path.name} (ERA5, {times[index]:%Y-%m-%d %H:%M} UTC, nearest hour, bilinear)",
    )
