"""Where a scene's pixels are: the 21 × 21 tie-point grid interpolated to any pixel position.

Tie points are spread evenly over the scene, first and last lines and samples included (axis 0
along lines, as MMSeaIce reads them). Map coordinates are interpolated linearly in a polar
stereographic plane, not in latitude/longitude, so they stay smooth near the pole and across
the antimeridian.
"""

from __future__ import annotations

import numpy as np
from rasterio.warp import transform as transform_points

from .schema import POLAR_STEREO_NORTH


def tie_positions(shape: tuple[int, int], n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Full-grid (line, sample) positions of the rows and columns of an n × m tie grid."""
    return np.linspace(0, shape[0] - 1, n), np.linspace(0, shape[1] - 1, m)


def interpolate_tie_grid(
    grid: np.ndarray, shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Bilinear interpolation of a tie grid at full-grid positions ``rows`` × ``cols``."""
    tie_rows, tie_cols = tie_positions(shape, *grid.shape)
    along_cols = np.stack([np.interp(cols, tie_cols, line) for line in grid])
    return np.stack([np.interp(rows, tie_rows, column) for column in along_cols.T], 1)


def interpolate_longitude(
    lon: np.ndarray, shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """As ``interpolate_tie_grid``, unwrapping a grid that crosses the antimeridian."""
    crosses = np.ptp(lon) > 180
    unwrapped = np.where(lon < 0, lon + 360, lon) if crosses else lon
    values = interpolate_tie_grid(unwrapped, shape, rows, cols)
    return (values + 180) % 360 - 180 if crosses else values


def pixel_xy(
    lat: np.ndarray,
    lon: np.ndarray,
    shape: tuple[int, int],
    step: int = 1,
    crs: str = POLAR_STEREO_NORTH,
) -> tuple[np.ndarray, np.ndarray]:
    """Map coordinates in ``crs`` of every ``step``-th pixel of a scene of ``shape``."""
    xs, ys = transform_points("EPSG:4326", crs, lon.ravel().tolist(), lat.ravel().tolist())
    rows, cols = np.arange(0, shape[0], step), np.arange(0, shape[1], step)
    x = interpolate_tie_grid(np.reshape(xs, lat.shape), shape, rows, cols)
    y = interpolate_tie_grid(np.reshape(ys, lat.shape), shape, rows, cols)
    return x, y
