"""Write a draft chart: a GeoPackage that carries its own QGIS styles, optionally a shapefile.

The styles are those of ``icechart.qml.chart_styles`` (SIC by default, SOD, FLOE and an
outline-only style for editing over SAR, each with egg-code labels), stored in the
GeoPackage's ``layer_styles`` table the way QGIS stores them, so the layer opens styled in
QGIS without any file beside it. A shapefile gets a ``.qml`` beside it instead, which QGIS
also loads by default.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from ..errors import ParamsError
from ..icechart.classes import CHARTS
from ..icechart.export import as_multipolygons, write_polygons
from ..icechart.ogr import pyogrio
from ..icechart.qml import chart_styles, polygon_qml
from ..output.folder import atomic_outputs, refuse_existing, shapefile_names
from .polygons import DraftChart

LAYER = "draft_chart"
DEFAULT_STYLE = "SIC"


def _columns(chart: DraftChart) -> tuple[list[str], list[np.ndarray]]:
    names, values = [], []
    for name, column in chart.fields.items():
        names.append(name)
        values.append(column.astype(np.float64) if column.dtype.kind == "f" else column)
    return names, values


def write_draft(
    draft: DraftChart, path: Path, shapefile: bool = False, overwrite: bool = False
) -> list[Path]:
    """Write ``path`` (.gpkg) and, with ``shapefile``, ``path`` with .shp; returns the files."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise ParamsError(f"a draft chart is written as a GeoPackage (.gpkg), not {path.name}")
    shp = path.with_suffix(".shp")
    refuse_existing(path, overwrite)
    for name in shapefile_names(shp) if shapefile else []:
        refuse_existing(shp.parent / name, overwrite)
    names, values = _columns(draft)
    wkb = shapely.to_wkb(as_multipolygons(draft.geometries))
    crs = draft.crs.to_wkt()
    # SIC first: the default style
    written = [write_polygons(path, wkb, values, names, LAYER, crs, chart_styles(), overwrite)]
    if shapefile:
        written += _write_shapefile(shp, wkb, values, names, crs, overwrite)
    return written


def _write_shapefile(
    shp: Path,
    wkb: np.ndarray,
    values: list[np.ndarray],
    names: list[str],
    crs: str,
    overwrite: bool,
) -> list[Path]:
    """Written in a staging folder, then published as one set (see output.folder)."""
    with atomic_outputs(
        shp.parent, shapefile_names(shp), key=shp.name, overwrite=overwrite
    ) as staging:
        pyogrio.raw.write(
            staging / shp.name,
            wkb,
            values,
            names,
            driver="ESRI Shapefile",
            geometry_type="MultiPolygon",
            crs=crs,
            encoding="UTF-8",
        )
        (staging / shp.with_suffix(".qml").name).write_text(
            polygon_qml(CHARTS[DEFAULT_STYLE]), encoding="utf-8"
        )
        staged = sorted(entry.name for entry in staging.iterdir())
    return [shp.parent / name for name in staged]
