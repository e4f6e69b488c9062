"""Where a scene's pixels are: the 21 × 21 tie-point grid interpolated to any pixel stride.

Tie points are spread evenly over the scene, first and last lines and samples included (axis 0
along lines, as MMSeaIce reads them). Interpolation is linear in a polar stereographic plane,
not in latitude/longitude, so it stays smooth near the pole and across the antimeridian.
"""

from __future__ import annotations

import numpy as np
from rasterio.warp import transform as transform_points

POLAR_STEREO_NORTH = "EPSG:3413"


def _interp_rows_cols(grid: np.ndarray, shape: tuple[int, int], step: int) -> np.ndarray:
    n, m = grid.shape
    tie_rows = np.linspace(0, shape[0] - 1, n)
    tie_cols = np.linspace(0, shape[1] - 1, m)
    rows = np.arange(0, shape[0], step)
    cols = np.arange(0, shape[1], step)
    along_cols = np.stack([np.interp(cols, tie_cols, grid[i]) for i in range(n)])
    return np.stack([np.interp(rows, tie_rows, along_cols[:, j]) for j in range(len(cols))], 1)


def pixel_xy(lat: np.ndarray, lon: np.ndarray, shape: tuple[int, int], step: int = 1,
             crs: str = POLAR_STEREO_NORTH) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Map coordinates in ``crs`` of every ``step``-th pixel of a scene of ``shape``."""
    xs, ys = transform_points("EPSG:4326", crs, lon.ravel().tolist(), lat.ravel().tolist())
    x_tie = np.reshape(xs, lat.shape)
    y_tie = np.reshape(ys, lat.shape)
    return _interp_rows_cols(x_tie, shape, step), _interp_rows_cols(y_tie, shape, step)
