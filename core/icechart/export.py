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


def write_decoded_chart(chart: IceChart, path: Path, overwrite: bool = False,
                        layer: str = "ice_chart") -> Path:  # fmt: skip
    names = ["POLY_TYPE", *CODE_FIELDS, *CLASS_FIELDS.values(), "DECODED"]
    values = [
        np.asarray(chart.codes.POLY_TYPE, dtype=object),
        *(getattr(chart.codes, name).astype(np.int32) for name in CODE_FIELDS),
        *(getattr(chart.classes, name).astype(np.int32) for name in CLASS_FIELDS),
        (~chart.classes.undecodable).astype(np.int32),
    ]
    wkb = shapely.to_wkb(shapely.multipolygons(
        [shapely.get_parts(g) for g in chart.geometries]))  # fmt: skip
    with atomic_path(path, overwrite) as tmp:
        pyogrio.raw.write(tmp, wkb, values, names, driver="GPKG", layer=layer,
                          geometry_type="MultiPolygon", crs=chart.crs,
                          dataset_options=GPKG_OPTIONS)  # fmt: skip
    return path
