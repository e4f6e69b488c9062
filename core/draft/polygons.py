"""Regions → simplified polygons that tile without gaps or overlaps, with SIGRID-3 attributes.

Polygons come from the region raster (each region's cells, 4-connected), so neighbours share
their boundaries exactly. Staircase edges are then smoothed with GEOS coverage simplification,
which moves every shared edge once for both neighbours: the result stays a coverage (tested).
With a shapely built on GEOS older than 3.12, which has no coverage simplification, the edges
stay on the cell boundaries, with a warning.
Attributes are the single-partial egg code of the region's classes (``icechart.encode``), the
decoded classes for styling, the model's mean confidence per chart and the area.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from rasterio.crs import CRS
from rasterio.features import rasterize, shapes
from rasterio.warp import transform as transform_xy

from ..errors import RunFolderError
from ..icechart.classes import CHART_NAMES
from ..icechart.encode import encode
from ..output.runfolder import RunCharts
from .params import DraftParams
from .regions import NO_REGION, merge_small_regions, region_keys, split_key


@dataclass
class DraftChart:
    geometries: np.ndarray  # shapely polygons, in ``crs``
    fields: dict[str, np.ndarray]  # column name → values, one per polygon
    crs: CRS
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.geometries)


def _polygons(key: np.ndarray, run: RunCharts) -> tuple[np.ndarray, np.ndarray]:
    """Cell-edge polygons of the regions, with a vertex at every cell corner on their edges.

    GDAL drops collinear vertices per polygon, so two neighbours may split a shared edge
    differently; GEOS coverage operations need shared edges vertex for vertex. All edges run
    along cell boundaries, so segmentizing at the cell size restores exactly those corners.
    """
    found = list(shapes(key, mask=key != NO_REGION, connectivity=4, transform=run.transform))
    geometries = np.array([shapely.geometry.shape(geojson) for geojson, _ in found], dtype=object)
    geometries = shapely.segmentize(geometries, abs(run.transform.a))
    return geometries, np.array([int(value) for _, value in found], dtype=np.int32)


def _mean_per_polygon(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    inside = (index >= 0) & np.isfinite(values)
    sums = np.bincount(index[inside], weights=values[inside], minlength=n)
    counts = np.bincount(index[inside], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _reproject(geometries: np.ndarray, source: CRS, target: CRS) -> np.ndarray:
    """Vertex by vertex, so vertices shared by neighbours stay shared."""

    def move(coords: np.ndarray) -> np.ndarray:
        xs, ys = transform_xy(source, target, coords[:, 0], coords[:, 1])
        return np.column_stack([xs, ys])

    return shapely.transform(geometries, move)


def build_draft(run: RunCharts, params: DraftParams) -> DraftChart:
    """The draft chart of a run: one polygon per homogeneous region of at least the minimum area."""
    start = time.perf_counter()
    keys = region_keys(run.predicted["SIC"], run.predicted["SOD"], run.predicted["FLOE"])
    if (keys == NO_REGION).all():
        raise RunFolderError(
            f"the prediction in {run.folder} has no valid pixel (all land or no data): there is "
            "nothing to chart."
        )
    keys = merge_small_regions(keys, round(params.min_area_km2 / run.pixel_area_km2))
    segmented = time.perf_counter()
    raw, values = _polygons(keys, run)
    index = rasterize(
        ((g, i) for i, g in enumerate(raw)),
        out_shape=run.shape,
        transform=run.transform,
        fill=-1,
        dtype="int32",
    )
    half_cell = abs(run.transform.a) / 2  # smooths single-cell stairs, keeps the cells' classes
    tolerance = params.simplify_m if params.simplify_m is not None else half_cell
    geometries, warnings = raw, []
    if tolerance > 0 and shapely.geos_version >= (3, 12, 0):
        geometries = np.asarray(shapely.coverage_simplify(raw, tolerance))
    elif tolerance > 0:
        warnings.append(
            f"The polygon edges follow the {2 * half_cell:.0f} m grid cells, unsmoothed: smoothing "
            "needs GEOS 3.12 or newer, and this shapely runs an older GEOS (upgrade shapely)."
        )
    polygonised = time.perf_counter()
    sic, sod, floe = split_key(values)
    fields: dict[str, np.ndarray] = dict(encode(sic, sod, floe))
    for chart, classes in zip(CHART_NAMES, (sic, sod, floe)):
        fields[f"{chart}_CLASS"] = classes.astype(np.int32)
    confidences = []
    for chart in CHART_NAMES:
        if chart in run.confidence:
            mean = _mean_per_polygon(index, run.confidence[chart], len(raw))
            fields[f"{chart}_CONF"] = np.round(mean, 1)
            confidences.append(mean)
    if confidences:
        fields["CONFIDENCE"] = np.round(np.asarray(np.nanmean(np.vstack(confidences), axis=0)), 1)
    fields["AREA_KM2"] = np.round(shapely.area(geometries) / 1e6, 2)
    crs = run.crs
    if params.crs is not None and CRS.from_user_input(params.crs) != run.crs:
        crs = CRS.from_user_input(params.crs)
        geometries = _reproject(geometries, run.crs, crs)
    seconds = {
        "segmenting": segmented - start,
        "polygonising": polygonised - segmented,
        "attributes": time.perf_counter() - polygonised,
    }
    return DraftChart(geometries, fields, crs, seconds, warnings)
