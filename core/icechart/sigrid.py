"""Official ice charts: SIGRID-3 polygon layers (shapefile, GeoPackage, ...) with decoded classes.

Field names may be upper or lower case and values strings or integers, as producers differ
(DMI writes "3", CIS writes "03"). Self-intersecting polygons, common in operational charts, are
repaired and counted; features without a polygon geometry are refused by feature id.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from ..errors import ChartFormatError, ChartNotFoundError
from .eggcode import DecodedCharts, DecodeOptions, EggCodes, decode
from .ogr import pyogrio

REQUIRED_FIELDS = ("POLY_TYPE", "CT", "CA", "SA", "FA")  # CB..FC may be absent: read as blank
POLYGONAL = {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class IceChart:
    """The polygons of one chart with their egg codes and AI4Arctic classes."""

    source: str
    crs: str  # as GDAL reports it: "EPSG:nnnn" or WKT
    geometries: np.ndarray  # shapely polygons, valid
    fids: np.ndarray
    codes: EggCodes
    classes: DecodedCharts
    n_repaired: int  # invalid geometries made valid on reading

    def __len__(self) -> int:
        return len(self.geometries)

    def summary(self) -> str:
        return (
            f"{Path(self.source).name}: {len(self)} polygons, "
            f"{self.classes.n_undecodable} with codes outside the SIGRID-3 tables (masked), "
            f"{self.n_repaired} invalid geometries repaired"
        )


def read_chart(
    path: str | Path, layer: str | int | None = None, options: DecodeOptions | None = None
) -> IceChart:
    """Read a SIGRID-3 chart and decode every polygon's egg code."""
    path = Path(path)
    if not path.exists():
        raise ChartNotFoundError(
            f"Ice chart {str(path)!r} does not exist. Expected a SIGRID-3 shapefile (.shp with its "
            ".dbf/.shx/.prj) or GeoPackage; check the path."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL chatter about encodings and measured geoms
            meta, fids, wkb, values = pyogrio.raw.read(path, layer=layer, return_fids=True)
    except Exception as error:  # pyogrio raises several GDAL-specific types
        raise ChartFormatError(
            f"Cannot read {str(path)!r} as a vector layer: {error}. Expected a SIGRID-3 "
            "shapefile or GeoPackage of polygons."
        ) from error

    fields = {str(name).upper(): column for name, column in zip(meta["fields"], values)}
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise ChartFormatError(
            f"{path.name} lacks the SIGRID-3 field(s) {', '.join(missing)}; found "
            f"{', '.join(sorted(fields)) or 'no fields'}. An ice chart needs POLY_TYPE and the "
            "egg-code fields CT, CA, SA, FA (CB..FC optional)."
        )
    # GDAL < 3.9 reports a GeoPackage's placeholder systems (srs_id 0, -1) as "Undefined ... SRS".
    if not meta["crs"] or '"Undefined ' in meta["crs"]:
        raise ChartFormatError(
            f"{path.name} has no coordinate reference system, so it cannot be placed on a scene. "
            "Give it one (a .prj file, or 'Assign projection' in QGIS) and try again."
        )

    geometries = shapely.from_wkb(wkb) if wkb is not None else np.array([None] * len(fids))
    types = shapely.get_type_id(geometries)
    polygonal = np.isin(types, [3, 6]) & ~shapely.is_empty(geometries)
    if not polygonal.all():
        bad = fids[~polygonal]
        raise ChartFormatError(
            f"{path.name}: {len(bad)} feature(s) have no polygon geometry (feature id(s) "
            f"{', '.join(map(str, bad[:10]))}{' ...' if len(bad) > 10 else ''}). Every chart "
            "feature must be a polygon; delete or fix those features."
        )
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        repaired = shapely.make_valid(geometries[invalid])
        # make_valid may return collections with slivers of lines; keep the polygonal part.
        fixed = np.empty(len(repaired), dtype=object)
        fixed[:] = [_polygonal_part(g) for g in repaired]
        geometries[invalid] = fixed

    codes = EggCodes.from_fields(fields)
    return IceChart(
        source=str(path),
        crs=meta["crs"],
        geometries=geometries,
        fids=fids,
        codes=codes,
        classes=decode(codes, options),
        n_repaired=int(invalid.sum()),
    )


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()
