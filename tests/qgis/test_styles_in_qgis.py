"""The generated .qml styles load in QGIS and give the class-table colours."""

import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from affine import Affine
from qgis.core import QgsPalettedRasterRenderer, QgsRasterLayer, QgsVectorLayer

from core.icechart.classes import CHARTS
from core.icechart.qml import CLASS_FIELDS
from repo_paths import REPO_ROOT

STYLES = REPO_ROOT / "resources" / "styles"


# SIC is drawn by WMO class, not paletted: tests/qgis/test_chart_styles.py checks it.
@pytest.mark.parametrize("name", ["SOD", "FLOE"])
def test_raster_style_in_qgis(tmp_path, name):
    path = tmp_path / f"{name}.tif"
    values = np.array([CHARTS[name].raster_values], dtype=np.uint8)
    profile = dict(
        driver="GTiff",
        width=values.shape[1],
        height=1,
        count=1,
        dtype="uint8",
        crs="EPSG:3413",
        transform=Affine(800, 0, 0, 0, -800, 0),
        nodata=255,
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
    layer = QgsRasterLayer(str(path), name)
    assert layer.isValid()
    message, ok = layer.loadNamedStyle(str(STYLES / f"{name.lower()}.qml"))
    assert ok, message
    renderer = layer.renderer()
    assert isinstance(renderer, QgsPalettedRasterRenderer)
    got = [(c.value, c.color.getRgb()[:3], c.label) for c in renderer.classes()]
    chart = CHARTS[name]
    assert got == [(c.value * chart.raster_scale, c.colour, c.label) for c in chart.classes]


@pytest.mark.parametrize("name", ["SOD", "FLOE"])
def test_polygon_style_in_qgis(tmp_path, name):
    path = tmp_path / "chart.gpkg"
    field = CLASS_FIELDS[name]
    geoms = shapely.to_wkb(np.array([shapely.box(-50, 70, -49, 71)], dtype=object))
    pyogrio.raw.write(
        path,
        geoms,
        [np.array([3])],
        [field],
        driver="GPKG",
        geometry_type="Polygon",
        crs="EPSG:4326",
    )
    layer = QgsVectorLayer(str(path), "chart", "ogr")
    assert layer.isValid()
    message, ok = layer.loadNamedStyle(str(STYLES / f"sigrid_{name.lower()}.qml"))
    assert ok, message
    renderer = layer.renderer()
    assert renderer.type() == "categorizedSymbol"
    assert renderer.classAttribute() == field
    colours = {int(c.value()): c.symbol().color().getRgb()[:3] for c in renderer.categories()}
    assert {v: colours[v] for v in CHARTS[name].values} == {
        c.value: c.colour for c in CHARTS[name].classes
    }
