"""Regions → generalised polygons that tile without gaps or overlaps, with SIGRID-3 attributes.

Regions are the prediction's homogeneous areas (4-connected cells of one SIC/SOD/FLOE key)
after those under the minimum area joined a neighbour. Their boundaries are traced once as a
network of arcs (``edges``), each arc smoothed with its end nodes fixed (``smooth``), and every
polygon rebuilt from its own arcs: two neighbours share the very same line, on any GEOS.
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
from ..icechart.antimeridian import split_at_antimeridian
from ..icechart.classes import CHART_NAMES
from ..icechart.encode import encode
from ..output.runfolder import RunCharts
from .edges import OUTSIDE, to_world, trace_arcs
from .params import DraftParams
from .regions import NO_REGION, merge_small_regions, region_keys, split_key
from .smooth import lines, smooth_arcs


@dataclass
class DraftChart:
    geometries: np.ndarray  # shapely polygons, in ``crs``
    fields: dict[str, np.ndarray]  # column name → values, one per polygon
    crs: CRS
    seconds: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.geometries)


def _regions(key: np.ndarray, run: RunCharts) -> tuple[np.ndarray, np.ndarray]:
    """Label raster of the regions (OUTSIDE where none) and each region's key."""
    found = list(shapes(key, mask=key != NO_REGION, connectivity=4, transform=run.transform))
    values = np.array([int(value) for _, value in found], dtype=np.int32)
    labels = rasterize(
        ((geojson, i) for i, (geojson, _) in enumerate(found)),
        out_shape=run.shape,
        transform=run.transform,
        fill=OUTSIDE,
        dtype="int32",
    )
    return labels, values


def _drop_isolated(
    labels: np.ndarray, values: np.ndarray, min_pixels: int
) -> tuple[np.ndarray, np.ndarray]:
    """Regions still under the minimum after merging border no other region (a speck between
    land and the scene's edge): an analyst would not chart them, so they are left out."""
    counts = np.bincount(labels[labels != OUTSIDE], minlength=len(values))
    keep = counts >= min_pixels
    if keep.all() or not keep.any():
        return labels, values
    renumber = np.where(keep, np.cumsum(keep) - 1, OUTSIDE)
    inside = labels != OUTSIDE
    labels = labels.copy()
    labels[inside] = renumber[labels[inside]]
    return labels, values[keep]


def _faces(arc_lines: np.ndarray, by_region: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each region's polygon from its own arcs, and whether every arc is on its boundary.

    Polygonizing a region's arcs gives the region and the holes it encloses; the region is
    the face with the largest outer ring. An arc missing from that face's boundary means a
    smoothed neighbour swept past an island: the caller keeps that region's edges unsmoothed.
    """
    faces = np.empty(len(by_region), dtype=object)
    whole = np.ones(len(by_region), dtype=bool)
    for region, indices in enumerate(by_region):
        own = arc_lines[indices]
        parts = shapely.get_parts(shapely.polygonize(own))
        shells = shapely.area(shapely.polygons(shapely.get_exterior_ring(parts)))
        face = parts[int(np.argmax(shells))]
        faces[region] = face
        expected = float(shapely.length(own).sum())
        whole[region] = abs(shapely.length(face) - expected) <= 1e-9 * max(expected, 1.0)
    return faces, whole


def _polygons(
    labels: np.ndarray, n_regions: int, run: RunCharts, tolerance: float
) -> tuple[np.ndarray, int]:
    """Smoothed polygons of regions 0..n-1 and the number of arcs left less smoothed."""
    arcs = trace_arcs(labels)
    world = [to_world(arc.corners, run.transform) for arc in arcs]
    by_region: list[list[int]] = [[] for _ in range(n_regions)]
    for i, arc in enumerate(arcs):
        for region in set(arc.regions) - {OUTSIDE}:
            by_region[region].append(i)
    pinned = np.zeros(len(arcs), dtype=bool)
    while True:
        half_cell = abs(run.transform.a) / 2
        smoothed, fallen = smooth_arcs(world, tolerance, pinned, finest=half_cell)
        faces, whole = _faces(lines(smoothed), by_region)
        if whole.all():
            return faces, fallen + int(pinned.sum())
        for broken in np.flatnonzero(~whole):
            pinned[by_region[broken]] = True


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
    min_pixels = round(params.min_area_km2 / run.pixel_area_km2)
    keys = merge_small_regions(keys, min_pixels)
    labels, values = _drop_isolated(*_regions(keys, run), min_pixels)
    segmented = time.perf_counter()
    geometries, _ = _polygons(labels, len(values), run, params.smoothing_m)
    polygonised = time.perf_counter()
    sic, sod, floe = split_key(values)
    fields: dict[str, np.ndarray] = dict(encode(sic, sod, floe))
    for chart, classes in zip(CHART_NAMES, (sic, sod, floe)):
        fields[f"{chart}_CLASS"] = classes.astype(np.int32)
    confidences = []
    for chart in CHART_NAMES:
        if chart in run.confidence:
            mean = _mean_per_polygon(labels, run.confidence[chart], len(values))
            fields[f"{chart}_CONF"] = np.round(mean, 1)
            confidences.append(mean)
    if confidences:
        fields["CONFIDENCE"] = np.round(np.asarray(np.nanmean(np.vstack(confidences), axis=0)), 1)
    fields["AREA_KM2"] = np.round(shapely.area(geometries) / 1e6, 2)
    crs = run.crs
    if params.crs is not None and CRS.from_user_input(params.crs) != run.crs:
        crs = CRS.from_user_input(params.crs)
        geometries = _reproject(geometries, run.crs, crs)
        if crs.is_geographic:  # near 180°: no polygon may span the globe
            geometries = np.array([split_at_antimeridian(g) for g in geometries], dtype=object)
    seconds = {
        "segmenting": segmented - start,
        "polygonising": polygonised - segmented,
        "attributes": time.perf_counter() - polygonised,
    }
    return DraftChart(geometries, fields, crs, seconds)
