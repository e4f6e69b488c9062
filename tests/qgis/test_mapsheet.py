"""The one-page map sheet of a run, laid out and rendered by QGIS."""

import importlib

import pytest
from engine_calls import predict
from qgis.core import QgsProject
from qgis.PyQt.QtGui import QColor, QImage

from core.icechart.classes import CHARTS
from plugin.mapsheet import CHART, PREDICTED, MapSheetError, export_png, map_sheet


@pytest.fixture()
def run_group(plugin_on_path, medium_scene, random_bundle, tmp_path):
    layers = importlib.import_module(f"{plugin_on_path}.plugin.layers")  # imports ..core
    folder = predict(medium_scene, tmp_path / "out", "--weights", str(random_bundle))
    project = QgsProject.instance()
    yield project, layers.add_run_layers(folder, project)
    project.clear()


def colours_in(image: QImage, step: int = 3) -> set[tuple[int, int, int]]:
    rows, columns = range(0, image.height(), step), range(0, image.width(), step)
    return {QColor(image.pixel(x, y)).getRgb()[:3] for y in rows for x in columns}


def test_sheet_shows_predictions_and_chart_in_wmo_colours(run_group, tmp_path):
    project, group = run_group
    layout = map_sheet(project, group, "test sheet")
    assert project.layoutManager().layoutByName("test sheet") is layout
    png = export_png(layout, tmp_path / "sheet.png", dpi=72)
    image = QImage(str(png))
    assert image.width() > image.height() > 0
    seen = colours_in(image)
    # The labelled synthetic scene has open water and ice: both WMO colours must be on the page.
    assert CHARTS["SIC"].by_value(0).colour in seen
    assert CHARTS["SOD"].by_value(0).colour in seen
    labels = [item.text() for item in layout.items() if hasattr(item, "text")]
    assert {title for _, title in PREDICTED + CHART} <= set(labels)


def test_sheet_refuses_a_group_without_predictions(run_group):
    project, group = run_group
    project.removeMapLayer(group.findLayers()[0].layer())  # the SIC layer
    with pytest.raises(MapSheetError, match="lacks the layer"):
        map_sheet(project, group, "broken")
