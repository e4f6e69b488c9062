"""The generated .qml styles load in QGIS and give the class-table colours."""

import numpy as np
import pytest
from gdal_io import write_box_gpkg, write_uint8_tiff
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
    write_uint8_tiff(path, values, epsg=3413, pixel=800, nodata=255)
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
    write_box_gpkg(path, field, 3, box=(-50, 70, -49, 71), epsg=4326)
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
