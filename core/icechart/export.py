"""Write a decoded SIGRID-3 chart as a GeoPackage: its egg codes plus the AI4Arctic classes.

The ``<CHART>_CLASS`` fields are what the ``sigrid_*.qml`` styles categorise on, so the written
layer shows in the same WMO colours as the rasters.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from ..scene.writer import atomic_path
from .eggcode import CODE_FIELDS
from .ogr import pyogrio
from .qml import CLASS_FIELDS
from .sigrid import IceChart

# GeoPackage 1.2: the newest version that QGIS 3.22's GDAL (3.6) reads without a warning.
GPKG_OPTIONS = {"VERSION": "1.2"}


def as_multipolygons(geometries: np.ndarray) -> np.ndarray:
    """Every geometry as a MultiPolygon, one by one: repaired charts mix Polygons and
    MultiPolygons, and their parts cannot form one rectangular array."""
    out = np.empty(len(geometries), dtype=object)
    out[:] = [shapely.MultiPolygon(list(shapely.get_parts(g))) for g in geometries]
    return out


def embed_styles(path: Path, layer: str, styles: list[tuple[str, str, str]]) -> None:
    """Store QGIS styles in a GeoPackage's ``layer_styles`` table, as QGIS itself does.

    ``styles``: (name, description, QML text); the first is the layer's default style, so the
    layer opens styled in QGIS without any file beside it.
    """
    names = [
        "f_table_catalog",
        "f_table_schema",
        "f_table_name",
        "f_geometry_column",
        "styleName",
        "styleQML",
        "styleSLD",
        "useAsDefault",
        "description",
        "owner",
        "ui",
        "update_time",
    ]
    rows = [
        ("", "", layer, "geom", name, qml, "", int(i == 0), description, "", "", "")
        for i, (name, description, qml) in enumerate(styles)
    ]
    columns = [
        np.array(column, dtype=object if isinstance(column[0], str) else np.int32)
        for column in zip(*rows)
    ]
    pyogrio.raw.write(path, None, columns, names, driver="GPKG", layer="layer_styles", append=True)


def write_decoded_chart(
    chart: IceChart,
    path: Path,
    overwrite: bool = False,
    layer: str = "ice_chart",
    extra: dict[str, np.ndarray] | None = None,
    styles: list[tuple[str, str, str]] | None = None,
) -> Path:
    """The chart's polygons with their codes, decoded classes and ``extra`` columns."""
    names = ["POLY_TYPE", *CODE_FIELDS, *CLASS_FIELDS.values(), "DECODED", *(extra or {})]
    values = [
        np.asarray(chart.codes.POLY_TYPE, dtype=object),
        *(getattr(chart.codes, name).astype(np.int32) for name in CODE_FIELDS),
        *(getattr(chart.classes, name).astype(np.int32) for name in CLASS_FIELDS),
        (~chart.classes.undecodable).astype(np.int32),
        *(extra or {}).values(),
    ]
    wkb = shapely.to_wkb(as_multipolygons(chart.geometries))
    return write_polygons(path, wkb, values, names, layer, chart.crs, styles or [], overwrite)


def write_polygons(
    path: Path,
    wkb: np.ndarray,
    values: list[np.ndarray],
    names: list[str],
    layer: str,
    crs: object,
    styles: list[tuple[str, str, str]],
    overwrite: bool,
) -> Path:
    """MultiPolygons (WKB) with their columns as one GeoPackage layer, its styles embedded
    (the first is the default), published whole or not at all."""
    with atomic_path(path, overwrite) as tmp:
        pyogrio.raw.write(
            tmp,
            wkb,
            values,
            names,
            driver="GPKG",
            layer=layer,
            geometry_type="MultiPolygon",
            crs=crs,
            dataset_options=GPKG_OPTIONS,
        )
        if styles:
            embed_styles(tmp, layer, styles)
    return path
