"""AMSR2 brightness temperatures from a JAXA L1R swath file, on a scene's 2 km cells.

Format: GCOM-W AMSR2 Level 1R (G-Portal product ``GW1AM2_…_L1SGRTBR_…h5``), HDF5 read through
netCDF4. Datasets ``Brightness Temperature (resNN,FF.FGHz,P)`` (uint16, attribute ``SCALE
FACTOR``), positions ``Latitude/Longitude of Observation Point for 89A`` whose even samples are
the low-frequency observation points, ``Scan Time`` in seconds since 1993-01-01, and
``OverlapScans`` duplicated scans at each end of the granule (dropped).

AI4Arctic "resampled the AMSR2 swaths to every 2 km Sentinel-1 pixel" without stating the level
or kernel; here 18.7 GHz is read at its own footprint (``res23``), 36.5 GHz at ``res36``, and
each cell takes its nearest valid observation in polar stereographic x/y (observations lie
~10 km apart, so neighbouring cells share one, as in the ready-to-train files' blocky grids).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import netCDF4
import numpy as np
from rasterio.warp import transform as transform_points

from ..errors import SceneFormatError
from .files import open_ancillary

CHANNELS = {
    "btemp_18_7h": "Brightness Temperature (res23,18.7GHz,H)",
    "btemp_18_7v": "Brightness Temperature (res23,18.7GHz,V)",
    "btemp_36_5h": "Brightness Temperature (res36,36.5GHz,H)",
    "btemp_36_5v": "Brightness Temperature (res36,36.5GHz,V)",
}
LATITUDE = "Latitude of Observation Point for 89A"
LONGITUDE = "Longitude of Observation Point for 89A"
SCAN_TIME = "Scan Time"
EPOCH = datetime(1993, 1, 1, tzinfo=timezone.utc)
MAX_GAP_KM = 20.0  # a cell farther than this from any observation is not covered
MAX_HOURS_AWAY = 12.0
CHUNK = 2048


@dataclass(frozen=True)
class Amsr2Fields:
    fields: dict[str, np.ndarray]  # brightness temperatures (K) on the 2 km grid
    time: datetime
    source: str


def _scaled(var: netCDF4.Variable) -> np.ndarray:
    raw = np.asarray(var[:], dtype=np.float64)
    scale = (
        float(np.ravel(var.getncattr("SCALE FACTOR"))[0])
        if "SCALE FACTOR" in var.ncattrs()
        else 1.0
    )
    raw[(raw <= 0) | (raw >= 65534)] = np.nan  # no observation / fill
    return raw * scale


def read_amsr2(
    path: Path, when: datetime, lat: np.ndarray, lon: np.ndarray, crs: str
) -> Amsr2Fields:
    expected = "Expected an AMSR2 L1R granule (GW1AM2_…_L1SGRTBR_….h5) from JAXA G-Portal."
    with open_ancillary(path, "AMSR2", expected) as ds:
        ds.set_auto_mask(False)
        needed = [*CHANNELS.values(), LATITUDE, LONGITUDE, SCAN_TIME]
        missing = [name for name in needed if name not in ds.variables]
        if missing:
            raise SceneFormatError(
                f"{path.name} lacks {', '.join(missing)}: not an AMSR2 L1R granule. Download "
                "the L1R product (GW1AM2_…_L1SGRTBR_….h5) from JAXA G-Portal."
            )
        overlap = (
            int(np.ravel(ds.getncattr("OverlapScans"))[0]) if "OverlapScans" in ds.ncattrs() else 0
        )
        keep = slice(overlap, -overlap if overlap else None)
        tbs = {name: _scaled(ds.variables[var])[keep] for name, var in CHANNELS.items()}
        obs_lat = np.asarray(ds.variables[LATITUDE][:], float)[keep, ::2]
        obs_lon = np.asarray(ds.variables[LONGITUDE][:], float)[keep, ::2]
        scan_time = np.ravel(np.asarray(ds.variables[SCAN_TIME][:], float))[keep]
    shape = next(iter(tbs.values())).shape
    if obs_lat.shape != shape or len(scan_time) != shape[0]:
        raise SceneFormatError(
            f"{path.name}: positions {obs_lat.shape} and brightness temperatures {shape} do not "
            "match as in an L1R granule."
        )
    times = np.repeat(scan_time, shape[1])
    ok = np.isfinite(obs_lat.ravel()) & np.all([np.isfinite(t.ravel()) for t in tbs.values()], 0)
    ox, oy = (
        np.asarray(v)
        for v in transform_points(
            "EPSG:4326", crs, obs_lon.ravel()[ok].tolist(), obs_lat.ravel()[ok].tolist()
        )
    )
    cx, cy = (
        np.asarray(v)
        for v in transform_points("EPSG:4326", crs, lon.ravel().tolist(), lat.ravel().tolist())
    )
    near = (
        (ox > cx.min() - 50e3)
        & (ox < cx.max() + 50e3)
        & (oy > cy.min() - 50e3)
        & (oy < cy.max() + 50e3)
    )
    if not near.any():
        raise SceneFormatError(
            f"{path.name} has no observation within 50 km of the scene: pick the granule whose "
            "swath covers it (G-Portal search by time and area)."
        )
    ox, oy = ox[near], oy[near]
    index = np.empty(cx.size, np.intp)
    gap = np.empty(cx.size)
    for start in range(0, cx.size, CHUNK):
        part = slice(start, start + CHUNK)
        d2 = (cx[part, None] - ox[None]) ** 2 + (cy[part, None] - oy[None]) ** 2
        index[part] = np.argmin(d2, axis=1)
        gap[part] = np.sqrt(d2[np.arange(len(index[part])), index[part]])
    if gap.max() > MAX_GAP_KM * 1000:
        raise SceneFormatError(
            f"{path.name} covers only part of the scene (a cell lies {gap.max() / 1000:.0f} km "
            "from the nearest observation): pick the granule whose swath covers the whole scene."
        )
    chosen = np.flatnonzero(ok)[near][index]
    seconds = float(np.median(times[chosen]))
    acquired = EPOCH + timedelta(seconds=seconds)
    hours = abs((acquired - when).total_seconds()) / 3600
    if hours > MAX_HOURS_AWAY:
        raise SceneFormatError(
            f"{path.name} observed the scene at {acquired:%Y-%m-%d %H:%M} UTC, {hours:.0f} h from "
            f"the acquisition ({when:%Y-%m-%d %H:%M} UTC); pick the swath nearest in time."
        )
    fields = {
        name: tb.ravel()[chosen].reshape(lat.shape).astype(np.float32) for name, tb in tbs.items()
    }
    source = f"{path.name} (AMSR2 L1R, {acquired:%Y-%m-%d %H:%M} UTC, nearest observation)"
    return Amsr2Fields(fields, acquired, source)
