"""SIGRID-3 charts built from coordinate lists, written as real GeoPackages with pyogrio."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely

from core.icechart.ogr import pyogrio

Ring = Sequence[tuple[float, float]]


def write_chart(
    path: Path,
    polygons: Sequence[Ring | Sequence[Ring]],
    crs: str,
    ct: Sequence[str] | None = None,
) -> Path:
    """One feature per polygon (a ring, or [shell, hole, ...]); CT in tenths*10 ("92" = 9+/10,
    SOD/FLOE codes fixed). Geometries are written as given, valid or not."""
    geometries = []
    for polygon in polygons:
        rings = polygon if isinstance(polygon[0][0], (tuple, list)) else [polygon]
        geometries.append(shapely.Polygon(rings[0], rings[1:]))
    n = len(geometries)
    ct = list(ct) if ct is not None else [f"{10 * (i % 9 + 1):02d}" for i in range(n)]
    columns = {
        "POLY_TYPE": ["I"] * n,
        "CT": ct,
        "CA": ["-9"] * n,
        "SA": ["86"] * n,
        "FA": ["05"] * n,
    }
    names = list(columns)
    values = [np.array(v, dtype=object) for v in columns.values()]
    wkb = shapely.to_wkb(np.array(geometries, dtype=object))
    driver = "ESRI Shapefile" if path.suffix == ".shp" else "GPKG"
    pyogrio.raw.write(path, wkb, values, names, driver=driver, geometry_type="Polygon", crs=crs)
    return path


def poison_shapefile(shp: Path, vertex: int, x: float) -> Path:
    """Overwrite the x of one vertex of the first (single-ring) polygon in place: GDAL refuses
    to write non-finite coordinates, but a damaged or hostile file can hold them."""
    first_point = 100 + 8 + 4 + 32 + 4 + 4 + 4  # file header, record header, polygon header
    with open(shp, "r+b") as handle:
        handle.seek(first_point + 16 * vertex)
        handle.write(struct.pack("<d", x))
    return shp
