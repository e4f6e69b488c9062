"""Put swath-geometry rasters on a map: tie points as GCPs, warped by GDAL.

A raster on the scene's own pixel grid (80 m, or downscaled by ``factor``) gets the 21 × 21
tie points as ground control points in a map CRS (default polar stereographic EPSG:3413).
Chart layers are warped onto one north-up target grid, so the layers of a run align pixel for
pixel. The 80 m SAR display layers stay on the swath grid with those GCPs, as Sentinel-1's own
GRD images do: QGIS (and any GDAL reader) warps them on the fly through the same
second-order polynomial, for the part on screen only, instead of us warping 26 million pixels
per band that nobody may look at.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio.control import GroundControlPoint
from rasterio.crs import CRS
from rasterio.errors import CRSError
from rasterio.warp import Resampling, reproject
from rasterio.warp import transform as transform_points

from ..errors import SeaIceMapperError
from ..scene.geolocation import POLAR_STEREO_NORTH, tie_positions
from ..scene.schema import PIXEL_SPACING_M

Bounds = tuple[float, float, float, float]
WARP_THREADS = os.cpu_count() or 1


@dataclass(frozen=True)
class TargetGrid:
    """A north-up grid in the map CRS."""

    transform: Affine
    width: int
    height: int


@dataclass(frozen=True)
class SwathGrid:
    """The scene's own pixel grid, placed on the map by its tie points."""

    gcps: list[GroundControlPoint]
    width: int
    height: int


def parse_crs(text: str) -> CRS:
    try:
        crs = CRS.from_user_input(text)
    except (CRSError, ValueError) as error:  # PROJ raises ValueError for e.g. EPSG:garbage
        raise SeaIceMapperError(
            f"Cannot use the CRS {text!r}: {error}. Give an EPSG code (e.g. EPSG:3413, the "
            "default) or a WKT/PROJ definition of a projected CRS."
        ) from None
    if not crs.is_projected:
        raise SeaIceMapperError(
            f"The CRS {text!r} is not projected; output grids need metres. Use a polar "
            "stereographic CRS such as EPSG:3413 (Arctic) or EPSG:3996."
        )
    return crs


class SwathGeoref:
    """Warps rasters of one scene into ``crs`` through its tie-point grid."""

    GEOGRAPHIC = CRS.from_epsg(4326)

    def __init__(
        self,
        lat: np.ndarray,
        lon: np.ndarray,
        full_shape: tuple[int, int],
        crs: str = POLAR_STEREO_NORTH,
    ) -> None:
        self.lat, self.lon = lat, lon
        self.full_shape = full_shape
        self.crs = parse_crs(crs)
        self._xy: tuple[np.ndarray, np.ndarray] | None = None

    def gcps(self, factor: int) -> list[GroundControlPoint]:
        """Tie points in pixel coordinates of a raster downscaled by ``factor``, in map x/y.

        GDAL pixel coordinates put the centre of pixel i at i + 0.5; downscaled pixel i covers
        full-grid pixels i·factor .. (i + 1)·factor - 1. The points are given in the target CRS,
        where a swath is nearly affine, so GDAL's polynomial fits it within metres.
        """
        rows, cols = tie_positions(self.full_shape, *self.lat.shape)
        x, y = self.map_xy()
        points = []
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                row, col = (r + 0.5) / factor, (c + 0.5) / factor
                points.append(GroundControlPoint(row, col, float(x[i, j]), float(y[i, j])))
        return points

    def map_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Tie points in the target CRS."""
        if self._xy is None:
            xs, ys = transform_points(
                self.GEOGRAPHIC, self.crs, self.lon.ravel().tolist(), self.lat.ravel().tolist()
            )
            self._xy = np.reshape(xs, self.lat.shape), np.reshape(ys, self.lat.shape)
        return self._xy

    def bounds(self) -> Bounds:
        """Map bounds of the scene in the target CRS: its tie points, plus one pixel."""
        x, y = self.map_xy()
        pad = PIXEL_SPACING_M
        return x.min() - pad, y.min() - pad, x.max() + pad, y.max() + pad

    def grid(self, resolution: float, snap: float) -> TargetGrid:
        """A north-up grid of ``resolution`` metres covering the scene, edges on ``snap``."""
        left, bottom, right, top = self.bounds()
        left, bottom = math.floor(left / snap) * snap, math.floor(bottom / snap) * snap
        right, top = math.ceil(right / snap) * snap, math.ceil(top / snap) * snap
        width = round((right - left) / resolution)
        height = round((top - bottom) / resolution)
        # Bound every warp: a swath's map box is at most its diagonal squared (any rotation).
        diagonal = math.hypot(*self.full_shape) * PIXEL_SPACING_M / resolution + 2
        if width * height > 2 * diagonal**2 + 4 * snap / resolution * diagonal:
            raise SeaIceMapperError(
                f"The scene's tie points span {(right - left) / 1000:.0f} × "
                f"{(top - bottom) / 1000:.0f} km, far more than its {self.full_shape[0]} × "
                f"{self.full_shape[1]} pixels of {PIXEL_SPACING_M} m cover; its geolocation is "
                "corrupt. Nothing was written."
            )
        return TargetGrid(Affine(resolution, 0, left, 0, -resolution, top), width, height)

    def warp(
        self,
        array: np.ndarray,
        factor: int,
        grid: TargetGrid,
        nodata: float,
        resampling: Resampling = Resampling.nearest,
    ) -> np.ndarray:
        """``array`` (scene pixels, downscaled by ``factor``) resampled onto ``grid``; a
        (bands, lines, samples) stack is warped in one pass (one transformer for all bands).

        GDAL fits a polynomial to the tie points (a thin-plate spline, exact at each point, was
        4.6 times slower on a full 80 m band for no visible gain on swath geometry).
        """
        out = np.full((*array.shape[:-2], grid.height, grid.width), nodata, dtype=array.dtype)
        reproject(
            array,
            out,
            gcps=self.gcps(factor),
            src_crs=self.crs,
            dst_transform=grid.transform,
            dst_crs=self.crs,
            resampling=resampling,
            src_nodata=nodata,
            dst_nodata=nodata,
            num_threads=WARP_THREADS,
        )
        return out

    def swath_grid(self) -> SwathGrid:
        """The full-resolution swath grid with its tie points as GCPs."""
        lines, samples = self.full_shape
        return SwathGrid(self.gcps(1), samples, lines)


def chart_resolution(factor: int) -> float:
    return float(factor * PIXEL_SPACING_M)


def pixel_of(grid: TargetGrid, x: float, y: float) -> tuple[int, int]:
    """(row, col) of the target-grid pixel containing map point (x, y)."""
    col, row = ~grid.transform * (x, y)
    return math.floor(row), math.floor(col)
