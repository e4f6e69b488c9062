"""Charts onto raster grids: any grid with a CRS, or the pixels of a swath given by lat/lon."""

from __future__ import annotations

import numpy as np
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.features import rasterize as burn
from rasterio.warp import transform as transform_points
from rasterio.warp import transform_geom

from ..scene.geolocation import POLAR_STEREO_NORTH, pixel_xy
from .classes import MASK
from .sigrid import IceChart

NO_POLYGON = -1


# Longest polygon edge kept straight when reprojecting: an edge straight in the chart's CRS
# (e.g. along a parallel in EPSG:4326) is curved in polar stereographic, so edges are split.
DENSIFY_DEGREES = 0.01
DENSIFY_METRES = 1000.0


def polygons_in_crs(chart: IceChart, crs: CRS | str) -> list[dict]:
    """The chart's polygons as GeoJSON-like mappings in ``crs``."""
    source = CRS.from_user_input(chart.crs)
    if CRS.from_user_input(crs) == source:
        return [shapely.geometry.mapping(g) for g in chart.geometries]
    step = DENSIFY_DEGREES if source.is_geographic else DENSIFY_METRES
    dense = shapely.segmentize(chart.geometries, step)
    return list(transform_geom(source, crs, [shapely.geometry.mapping(g) for g in dense]))


def polygon_index(
    chart: IceChart, crs: CRS | str, transform: Affine, shape: tuple[int, int]
) -> np.ndarray:
    """For each pixel of the grid, the index of the chart polygon covering it (-1: none)."""
    shapes = ((geom, i) for i, geom in enumerate(polygons_in_crs(chart, crs)))
    return burn(shapes, out_shape=shape, transform=transform, fill=NO_POLYGON, dtype="int32")


def classes_from_index(chart: IceChart, index: np.ndarray, chart_name: str) -> np.ndarray:
    """Polygon indices → the chart's classes (uint8), MASK where no polygon covers a pixel."""
    lookup = np.append(getattr(chart.classes, chart_name), np.uint8(MASK))  # -1 → last entry
    return lookup[index]


def rasterize_chart(
    chart: IceChart, chart_name: str, crs: CRS | str, transform: Affine, shape: tuple[int, int]
) -> np.ndarray:
    """One chart (``"SIC"``, ``"SOD"`` or ``"FLOE"``) burnt onto a raster grid."""
    return classes_from_index(chart, polygon_index(chart, crs, transform, shape), chart_name)


def sample_polygon_index(
    chart: IceChart,
    lon: np.ndarray,
    lat: np.ndarray,
    resolution_m: float = 200.0,
    crs: str = "EPSG:3413",
) -> np.ndarray:
    """Polygon index at each (lon, lat) point, for swath pixels that have no map grid."""
    xs, ys = transform_points("EPSG:4326", crs, lon.ravel().tolist(), lat.ravel().tolist())
    index = sample_polygon_index_xy(chart, np.asarray(xs), np.asarray(ys), resolution_m, crs)
    return index.reshape(lon.shape)


def sample_polygon_index_xy(
    chart: IceChart, x: np.ndarray, y: np.ndarray, resolution_m: float, crs: str
) -> np.ndarray:
    """Polygon index at map points (x, y) in ``crs``: the chart is burnt onto a grid covering
    the points at ``resolution_m``, then read at the cell holding each point."""
    west, north = x.min() - resolution_m, y.max() + resolution_m
    width = int(np.ceil((x.max() - west) / resolution_m)) + 2
    height = int(np.ceil((north - y.min()) / resolution_m)) + 2
    grid = Affine(resolution_m, 0, west, 0, -resolution_m, north)
    index = polygon_index(chart, crs, grid, (height, width))
    cols = ((x - west) / resolution_m).astype(int)
    rows = ((north - y) / resolution_m).astype(int)
    return index[rows, cols]


def chart_on_scene(
    chart: IceChart,
    lat: np.ndarray,
    lon: np.ndarray,
    shape: tuple[int, int],
    step: int = 10,
    resolution_m: float = 80.0,
    crs: str = POLAR_STEREO_NORTH,
) -> dict[str, np.ndarray]:
    """SIC/SOD/FLOE of an official chart on a scene's own pixel grid (every ``step``-th pixel),
    located through the scene's tie-point grid (``lat``/``lon``, e.g. ``Scene.latlon()``)."""
    x, y = pixel_xy(lat, lon, shape, step, crs)
    index = sample_polygon_index_xy(chart, x.ravel(), y.ravel(), resolution_m, crs)
    index = index.reshape(x.shape)
    return {name: classes_from_index(chart, index, name) for name in ("SIC", "SOD", "FLOE")}
