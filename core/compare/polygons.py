"""Agreement per chart polygon: which polygons the model disagrees with most.

For each polygon of an official chart, over the predicted cells whose centre it contains: the
share of cells where the model gives the polygon's SIC, SOD and FLOE class, their mean
(``AGREE``), the mean SIC difference in percentage points and the cell count. Written on a copy
of the chart clipped to the compared cells (a polygon reaching far beyond the scene is drawn
only where it was compared; polygons with no compared cell are left out), styled in a teal
ramp, dark where the model disagrees: no WMO ice hue, so it never reads as an ice class.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import shapely
from rasterio.crs import CRS
from rasterio.features import shapes
from rasterio.warp import transform as transform_xy

from ..icechart.classes import CHART_NAMES, MASK
from ..icechart.export import write_decoded_chart
from ..icechart.qml import graduated_polygon_qml
from ..output.runfolder import RunCharts
from .reference import Reference

# Dark teal (disagrees) to pale (agrees): a single hue that no WMO ice colour uses.
AGREEMENT_RANGES = (
    (0.0, 50.0, "0-50 % agree", (1, 70, 80)),
    (50.0, 70.0, "50-70 %", (2, 118, 128)),
    (70.0, 85.0, "70-85 %", (60, 164, 170)),
    (85.0, 95.0, "85-95 %", (160, 210, 212)),
    (95.0, 100.0, "95-100 %", (236, 246, 246)),
)


def polygon_agreement(run: RunCharts, reference: Reference) -> dict[str, np.ndarray]:
    """Columns per chart polygon: AGREE_SIC/SOD/FLOE, AGREE, SIC_DIFF (pp), N_CELLS."""
    if reference.chart is None or reference.index is None:
        raise ValueError("polygon agreement needs an official chart, not the scene's labels")
    n = len(reference.chart)
    index = np.where(run.valid, reference.index, -1)
    inside = index >= 0
    columns: dict[str, np.ndarray] = {}
    shares = []
    for chart in CHART_NAMES:
        known = inside & (reference.classes[chart] != MASK)
        same = (run.predicted[chart] == reference.classes[chart]) & known
        counts = np.bincount(index[known], minlength=n)
        agree = np.bincount(index[same], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(counts > 0, 100 * agree / np.maximum(counts, 1), np.nan)
        columns[f"AGREE_{chart}"] = np.round(share, 1)
        shares.append(share)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # polygons with no predicted cell
        columns["AGREE"] = np.round(np.asarray(np.nanmean(np.vstack(shares), axis=0)), 1)
    known = inside & (reference.classes["SIC"] != MASK)
    diff = run.predicted["SIC"].astype(np.float64) - reference.classes["SIC"]
    counts = np.bincount(index[known], minlength=n)
    sums = np.bincount(index[known], weights=10 * diff[known], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_diff = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    columns["SIC_DIFF"] = np.round(mean_diff, 1)
    columns["N_CELLS"] = np.bincount(index[inside], minlength=n).astype(np.int32)
    return columns


def compared_footprint(run: RunCharts, reference: Reference, crs: str) -> shapely.Geometry:
    """The cells that were compared (predicted, under a chart polygon), as one polygon in the
    chart's ``crs``; edges densified to the cell size so reprojection keeps their shape."""
    if reference.index is None:
        raise ValueError("a compared footprint needs an official chart, not the scene's labels")
    mask = (run.valid & (reference.index >= 0)).astype(np.uint8)
    found = shapes(mask, mask=mask.astype(bool), connectivity=4, transform=run.transform)
    parts = [shapely.geometry.shape(geojson) for geojson, _ in found]
    footprint = shapely.segmentize(shapely.union_all(parts), abs(run.transform.a))
    target = CRS.from_user_input(crs)
    if target != run.crs:

        def move(coords: np.ndarray) -> np.ndarray:
            xs, ys = transform_xy(run.crs, target, coords[:, 0], coords[:, 1])
            return np.column_stack([xs, ys])

        footprint = shapely.make_valid(shapely.transform(footprint, move))
    return footprint


def write_polygon_agreement(
    run: RunCharts, reference: Reference, columns: dict[str, np.ndarray], path: Path
) -> None:
    """The chart's polygons that hold compared cells, clipped to those cells, with ``columns``."""
    if reference.chart is None:
        raise ValueError("polygon agreement needs an official chart, not the scene's labels")
    chart = reference.chart
    footprint = compared_footprint(run, reference, chart.crs)
    keep = columns["N_CELLS"] > 0
    clipped = shapely.intersection(chart.geometries[keep], footprint)
    polygonal = np.array([_polygonal(g) for g in clipped], dtype=object)
    codes = type(chart.codes)(
        **{f.name: getattr(chart.codes, f.name)[keep] for f in dataclasses.fields(chart.codes)}
    )
    classes = dataclasses.replace(
        chart.classes,
        **{f.name: getattr(chart.classes, f.name)[keep] for f in dataclasses.fields(chart.classes)},
    )
    clipped_chart = dataclasses.replace(
        chart, geometries=polygonal, fids=chart.fids[keep], codes=codes, classes=classes
    )
    style = graduated_polygon_qml("AGREE", AGREEMENT_RANGES)
    styles = [("Agreement", "Share of compared cells agreeing, per chart polygon", style)]
    extra = {name: values[keep] for name, values in columns.items()}
    write_decoded_chart(
        clipped_chart, path, overwrite=True, layer="chart_agreement", extra=extra, styles=styles
    )


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygon parts of a clip (a clip may add slivers of lines or points)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
