"""Incidence angle and latitude/longitude from the annotation's geolocation grid.

The grid is *not* evenly spaced (EW GRDM: lines 0, 500, …, 10500, 10707 and pixels 0, 525, …,
9975, 10486), so everything is interpolated at the points' own line/pixel positions. Treating
it as evenly spaced, as ready-to-train files may be, misplaces pixels by up to 11 km.

Latitude/longitude are resampled to the evenly spaced 21 × 21 grid of the ready-to-train
layout (first and last 80 m lines and samples included), interpolating in polar stereographic
x/y (EPSG:3413) rather than in degrees, so everything downstream (input channels, GCP warp,
map layers) uses the same code for both kinds of scene.
"""

from __future__ import annotations

import numpy as np
from rasterio.warp import transform as transform_points

from ..scene.schema import POLAR_STEREO_NORTH, TIE_POINTS
from .annotation import GeolocationGrid

POLAR_STEREO_SOUTH = "EPSG:3031"
BAND_ROWS = 512


def bilinear(
    grid_lines: np.ndarray,
    grid_pixels: np.ndarray,
    values: np.ndarray,
    lines: np.ndarray,
    pixels: np.ndarray,
    dtype: type = np.float64,
) -> np.ndarray:
    """Separable bilinear interpolation of a (lines × pixels) grid at ``lines`` × ``pixels``
    (outer product of the two position vectors), clamped at the grid's edges; computed in
    bands of rows so a full 80 m grid needs no full-size temporaries."""
    along: np.ndarray = np.stack([np.interp(pixels, grid_pixels, row) for row in values]).astype(
        dtype
    )
    k = np.clip(np.searchsorted(grid_lines, lines, side="right") - 1, 0, len(grid_lines) - 2)
    w = np.clip((lines - grid_lines[k]) / (grid_lines[k + 1] - grid_lines[k]), 0, 1)
    out: np.ndarray = np.empty((len(lines), len(pixels)), dtype)
    for top in range(0, len(lines), BAND_ROWS):
        rows = slice(top, top + BAND_ROWS)
        band = out[rows]
        np.multiply(along[k[rows]], (1 - w[rows, None]).astype(dtype), out=band)
        band += along[k[rows] + 1] * w[rows, None].astype(dtype)
    return out


def centres(n80: int) -> np.ndarray:
    """40 m image coordinates of the centres of ``n80`` 80 m pixels along one axis."""
    return 2 * np.arange(n80) + 0.5


def incidence_80m(grid: GeolocationGrid, shape80: tuple[int, int]) -> np.ndarray:
    return bilinear(
        grid.lines,
        grid.pixels,
        grid.incidence,
        centres(shape80[0]),
        centres(shape80[1]),
        np.float32,
    )


def polar_crs(grid: GeolocationGrid) -> str:
    """EPSG:3413 in the Arctic (AI4Arctic's domain), EPSG:3031 for an Antarctic scene."""
    return POLAR_STEREO_NORTH if np.mean(grid.latitude) >= 0 else POLAR_STEREO_SOUTH


def grid_xy(grid: GeolocationGrid) -> tuple[np.ndarray, np.ndarray]:
    crs = polar_crs(grid)
    xs, ys = transform_points(
        "EPSG:4326", crs, grid.longitude.ravel().tolist(), grid.latitude.ravel().tolist()
    )
    return np.reshape(xs, grid.latitude.shape), np.reshape(ys, grid.latitude.shape)


def even_latlon(
    grid: GeolocationGrid, shape80: tuple[int, int], n: int = TIE_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude on an evenly spaced n × n grid over the 80 m scene (axis 0 along
    lines), as the ready-to-train reader and ``core.scene.geolocation`` expect."""
    x, y = grid_xy(grid)
    crs = polar_crs(grid)
    rows = 2 * np.linspace(0, shape80[0] - 1, n) + 0.5
    cols = 2 * np.linspace(0, shape80[1] - 1, n) + 0.5
    xe = bilinear(grid.lines, grid.pixels, x, rows, cols)
    ye = bilinear(grid.lines, grid.pixels, y, rows, cols)
    lon, lat = transform_points(crs, "EPSG:4326", xe.ravel().tolist(), ye.ravel().tolist())
    return np.reshape(lat, xe.shape), np.reshape(lon, xe.shape)
