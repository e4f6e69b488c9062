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
from rasterio.crs import CRS
from rasterio.errors import CRSError

from ..errors import ChartFormatError, ChartNotFoundError
from .antimeridian import crosses, unwrap_polygon
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
    check_chart_file(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL chatter about encodings and measured geoms
            meta, fids, wkb, values = pyogrio.raw.read(path, layer=layer, return_fids=True)
    except Exception as error:  # pyogrio raises several GDAL-specific types
        # GDAL's message may quote the file's bytes: name only the kind of failure
        raise ChartFormatError(
            f"Cannot read {str(path)!r} as a vector layer ({type(error).__name__}): the file is "
            "damaged, or the layer does not exist. Expected a SIGRID-3 shapefile or GeoPackage "
            "of polygons."
        ) from None

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

    # a damaged geometry (e.g. a ring that does not close) becomes None: refused by id below
    geometries = (
        shapely.from_wkb(wkb, on_invalid="ignore")
        if wkb is not None
        else np.array([None] * len(fids))
    )
    types = shapely.get_type_id(geometries)
    polygonal = np.isin(types, [3, 6]) & ~shapely.is_empty(geometries)
    if not polygonal.all():
        bad = fids[~polygonal]
        raise ChartFormatError(
            f"{path.name}: {len(bad)} feature(s) have no polygon geometry (feature id(s) "
            f"{', '.join(map(str, bad[:10]))}{' ...' if len(bad) > 10 else ''}). Every chart "
            "feature must be a polygon; delete or fix those features."
        )
    try:
        geographic = CRS.from_user_input(meta["crs"]).is_geographic
    except (CRSError, ValueError):
        raise ChartFormatError(
            f"{path.name} has a coordinate reference system PROJ does not know; give it a "
            "standard one (e.g. EPSG:4326 or EPSG:3413) and try again."
        ) from None
    _check_coordinates(path.name, geometries, fids, geographic)
    if geographic:  # pan-Arctic charts: rings that jump across 180° or go round the pole
        wrapped = np.array([crosses(g) for g in geometries], dtype=bool)
        geometries[wrapped] = [unwrap_polygon(g) for g in geometries[wrapped]]
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


# What GDAL may open for us: formats read locally from one file. VRT, WFS, CSV and friends
# can make GDAL open network connections or other files, so they are refused by content.
CHART_FORMATS = {
    ".shp": (b"\x00\x00\x27\x0a", "ESRI shapefile"),
    ".gpkg": (b"SQLite format 3\x00", "GeoPackage"),
}


def check_chart_file(path: Path) -> None:
    """Refuse anything but a shapefile or GeoPackage, by suffix and by its first bytes."""
    kind = CHART_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ChartFormatError(
            f"{path.name}: ice charts are read from shapefiles (.shp) and GeoPackages (.gpkg) "
            f"only, not {path.suffix or 'files without a suffix'}. Convert the chart (e.g. "
            "'Save Features As' in QGIS) and try again."
        )
    magic, name = kind
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(magic))
    except OSError as error:
        raise ChartFormatError(f"Cannot open {path.name}: {error.strerror}.") from None
    if head != magic:
        raise ChartFormatError(
            f"Cannot read {path.name} as a vector layer: it is named like a {name} but its "
            "content is not one (damaged, or another format renamed). Export the chart again."
        )


def _check_coordinates(
    name: str, geometries: np.ndarray, fids: np.ndarray, geographic: bool
) -> None:
    """Finite coordinates everywhere; latitudes within ±90° when the CRS is geographic."""
    for geometry, fid in zip(geometries, fids):
        xy = shapely.get_coordinates(geometry)
        if not np.isfinite(xy).all():
            raise ChartFormatError(
                f"{name}: feature {fid} has infinite or missing (NaN) coordinates. Fix or delete "
                "that feature."
            )
        if geographic and len(xy) and (np.abs(xy[:, 1]).max() > 90 or np.abs(xy[:, 0]).max() > 540):
            raise ChartFormatError(
                f"{name}: feature {fid} has latitudes beyond ±90° or longitudes beyond ±540° "
                f"(e.g. {xy[np.abs(xy[:, 1]).argmax()].round(3).tolist()}), impossible in its "
                "geographic CRS. The coordinates are corrupt or the CRS is wrong."
            )


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()
