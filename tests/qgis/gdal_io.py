"""Small rasters and vectors read and written with GDAL's own Python bindings (``osgeo``).

QGIS's Python has GDAL's bindings (and, through them, the distribution's numpy) but none of the
engine's packages (rasterio, pyogrio, shapely): tests in QGIS read outputs and make inputs here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()


@dataclass(frozen=True)
class Band:
    values: np.ndarray  # rows × columns
    nodata: float | None
    epsg: int | None


def read_band(path: Path | str, band: int = 1) -> Band:
    """One band of a raster, with its no-data value and the EPSG code of its CRS."""
    dataset = gdal.Open(str(path))
    try:
        source = dataset.GetRasterBand(band)
        srs = dataset.GetSpatialRef()
        epsg = int(srs.GetAuthorityCode(None)) if srs is not None else None
        return Band(source.ReadAsArray(), source.GetNoDataValue(), epsg)
    finally:
        dataset = None  # closes the file


def _srs(epsg: int) -> osr.SpatialReference:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)  # x = longitude, as QGIS has it
    return srs


def write_uint8_tiff(
    path: Path, values: np.ndarray, epsg: int, pixel: float, nodata: int = 255
) -> Path:
    """A one-band uint8 GeoTIFF, north up, ``pixel`` metres square, upper-left corner at 0, 0."""
    rows, columns = values.shape
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), columns, rows, 1, gdal.GDT_Byte)
    dataset.SetGeoTransform((0.0, pixel, 0.0, 0.0, 0.0, -pixel))
    dataset.SetSpatialRef(_srs(epsg))
    band = dataset.GetRasterBand(1)
    band.SetNoDataValue(nodata)
    band.WriteArray(values.astype(np.uint8))
    dataset = None  # flushes and closes
    return path


def write_box_gpkg(
    path: Path, field: str, value: int, box: tuple[float, float, float, float], epsg: int
) -> Path:
    """A GeoPackage with one rectangle (xmin, ymin, xmax, ymax) whose integer ``field`` is
    ``value``."""
    xmin, ymin, xmax, ymax = box
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = source.CreateLayer(path.stem, _srs(epsg), ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn(field, ogr.OFTInteger64))
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetField(field, value)
    ring = f"{xmin} {ymin}, {xmax} {ymin}, {xmax} {ymax}, {xmin} {ymax}, {xmin} {ymin}"
    feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON (({ring}))"))
    layer.CreateFeature(feature)
    source = None  # flushes and closes
    return path
