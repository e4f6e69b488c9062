"""The 2 km grid of a scene: one cell per 25 × 25 pixels at 80 m (50 × 50 at 40 m), as
AI4Arctic resampled AMSR2 and ERA5 "to the coordinates of every 50 × 50 Sentinel-1 pixel".

Cell k covers 80 m rows 25k … 25k + 24 (``core/predict/inputs.py::coarse_indices``); its centre
is what ancillary fields are sampled at. The count is floor(80 m size / 25); AI4Arctic's exact
cell-centre convention is not documented (design note §5.16).
"""

from __future__ import annotations

import numpy as np
from rasterio.warp import transform as transform_points

from ..safe.annotation import GeolocationGrid
from ..safe.geo import bilinear, grid_xy, polar_crs
from ..scene.schema import COARSE_FACTOR


def coarse_shape(shape80: tuple[int, int]) -> tuple[int, int]:
    return shape80[0] // COARSE_FACTOR, shape80[1] // COARSE_FACTOR


def cell_centres_40m(n_cells: int) -> np.ndarray:
    """40 m image coordinates of the centres of ``n_cells`` 2 km cells along one axis."""
    centre80 = COARSE_FACTOR * np.arange(n_cells) + (COARSE_FACTOR - 1) / 2
    return 2 * centre80 + 0.5


def cell_latlon(grid: GeolocationGrid, shape80: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of every 2 km cell centre (interpolated in polar x/y)."""
    ny, nx = coarse_shape(shape80)
    x, y = grid_xy(grid)
    rows, cols = cell_centres_40m(ny), cell_centres_40m(nx)
    cx = bilinear(grid.lines, grid.pixels, x, rows, cols)
    cy = bilinear(grid.lines, grid.pixels, y, rows, cols)
    lon, lat = transform_points(
        polar_crs(grid), "EPSG:4326", cx.ravel().tolist(), cy.ravel().tolist()
    )
    return np.reshape(lat, cx.shape), np.reshape(lon, cx.shape)
