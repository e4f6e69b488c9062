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


EARTH_RADIUS_M = 6371008.8
SPACING_TOLERANCE = 2.0  # tie points this many times closer or further apart than expected


def great_circle_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def tie_grid_problem(
    lat: np.ndarray, lon: np.ndarray, shape: tuple[int, int], pixel_m: float = 80.0
) -> str:
    """What is wrong with a tie grid for a scene of ``shape`` pixels ("" when nothing).

    Neighbouring tie points must be about as far apart as the pixels between them (within a
    factor SPACING_TOLERANCE), and the grid must span an area: its diagonals as long as the
    sides make them (a grid folded onto a line has diagonals as long as the sum of its sides).
    """
    n, m = lat.shape
    tie_rows, tie_cols = tie_positions(shape, n, m)
    along_lines = great_circle_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    along_samples = great_circle_m(lat[:, :-1], lon[:, :-1], lat[:, 1:], lon[:, 1:])
    expected_lines = np.diff(tie_rows).mean() * pixel_m
    expected_samples = np.diff(tie_cols).mean() * pixel_m
    found_pair = sorted([float(np.median(along_lines)), float(np.median(along_samples))])
    expected_pair = sorted([expected_lines, expected_samples])
    # compared shortest with shortest: a file whose tie grid is stored transposed still passes
    for name, found, expected in zip(("one axis", "the other axis"), found_pair, expected_pair):
        if not expected / SPACING_TOLERANCE <= found <= expected * SPACING_TOLERANCE:
            return (
                f"neighbouring tie points along {name} are {found / 1000:.3g} km apart, expected "
                f"{expected / 1000:.3g} km"
            )
    diagonal = float(
        np.median(great_circle_m(lat[:-1, :-1], lon[:-1, :-1], lat[1:, 1:], lon[1:, 1:]))
    )
    square = float(np.hypot(np.median(along_lines), np.median(along_samples)))
    if not 0.8 <= diagonal / square <= 1.25:
        return "the grid is folded (its diagonals do not fit its sides)"
    return ""
