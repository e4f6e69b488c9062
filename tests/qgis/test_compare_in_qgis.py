"""Comparison with a real DMI ice chart laid over a synthetic scene placed on the same area."""

import re

import numpy as np
import pytest
from dock_helpers import choose, wait_for, wait_until
from engine_calls import engine_eval, predict, synth_scene
from qgis.core import Qgis, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtGui import QDesktopServices

DMI_CHART = "ice_charts/dmi/201304100920_CapeFarewell_RIC.shp"

# Run by the engine: longitude and latitude of a point inside the chart's ice and water.
CHART_SEA_POINT = """
import json, sys
import shapely
from rasterio.warp import transform_geom
from core.icechart.classes import MASK
from core.icechart.sigrid import read_chart
chart = read_chart(sys.argv[1])
sea = shapely.union_all(chart.geometries[chart.classes.SIC != MASK])
point = shapely.geometry.mapping(sea.representative_point())
print(json.dumps(transform_geom(chart.crs, "EPSG:4326", point)["coordinates"]))
"""


@pytest.fixture(scope="module")
def chart_area_scene(real_data, tmp_path_factory):
    """A labelled synthetic scene centred on the chart's ice and water, acquired that day."""
    lon, lat = engine_eval(CHART_SEA_POINT, real_data / DMI_CHART)
    folder = tmp_path_factory.mktemp("chart_area")
    return synth_scene(
        folder, "1000x1040", 4002, f"--centre={lat!r},{lon!r}", "--time=20130410T090000"
    )


@pytest.fixture(scope="module")
def chart_area_run(chart_area_scene, tmp_path_factory):
    out = tmp_path_factory.mktemp("chart_area_runs")
    return predict(chart_area_scene, out, "--device", "cpu")


def test_compare_algorithm_with_a_real_chart(processing, chart_area_run, real_data, tmp_path):
    chart = QgsVectorLayer(str(real_data / DMI_CHART), "DMI chart", "ogr")
    assert chart.isValid()
    QgsProject.instance().addMapLayer(chart)
    result = processing.run(
        "seaicemapper:compare",
        {"INPUT": str(chart_area_run), "CHART": chart, "OUTPUT": str(tmp_path / "cmp")},
    )
    folder = tmp_path / "cmp"
    assert result["OUTPUT"] == str(folder) and "combined" in result["SCORES"]
    for name in ("sic_difference.tif", "sod_agreement.tif", "floe_agreement.tif"):
        layer = QgsRasterLayer(str(folder / name), name)
        assert layer.isValid() and layer.crs().authid() == "EPSG:3413"
    polygons = QgsVectorLayer(
        f"{folder / 'chart_agreement.gpkg'}|layername=chart_agreement", "agreement", "ogr"
    )
    assert polygons.isValid() and polygons.featureCount() >= 1
    assert polygons.renderer().type() == "graduatedSymbol"
    cells = np.array([f["N_CELLS"] for f in polygons.getFeatures()])
    assert cells.sum() > 100 and (cells > 0).all()  # the chart really lies over the scene
    report = (folder / "report.md").read_text()
    # The chart's polygons that hold compared cells, each of them, together every compared cell.
    compared = int(re.search(r"Cells compared: (\d+)", report).group(1))
    assert (cells > 0).all() and cells.sum() == compared
    assert "201304100920_CapeFarewell_RIC.shp" in report and "Warning" not in report  # same day
    assert (folder / "confusion.png").exists()


def test_dock_compares_with_a_loaded_chart(
    dock, chart_area_scene, random_bundle, real_data, tmp_path, monkeypatch
):
    choose(dock, chart_area_scene, random_bundle, tmp_path / "out")
    dock.start_run()
    wait_for(dock)
    chart = QgsVectorLayer(str(real_data / DMI_CHART), "DMI chart", "ogr")
    QgsProject.instance().addMapLayer(chart)
    dock.chart_layer.setLayer(chart)
    task = dock.start_compare()
    assert wait_until(lambda: dock.follow_up is None, 90)
    assert task.result is not None, task.error
    assert wait_until(lambda: dock.follow_up is None, 60)  # then the chart is styled
    root = QgsProject.instance().layerTreeRoot()
    scene_group = next(g for g in root.children() if g.name().startswith("2013"))
    names = [node.name() for node in scene_group.children()]
    assert names[0] == "Ice chart: DMI chart", names
    styled = scene_group.children()[0].layer()
    assert styled.renderer().type() == "RuleRenderer" and styled.labelsEnabled()
    assert "SOD (WMO)" in styled.styleManager().styles()
    assert not root.findLayer(chart.id()).itemVisibilityChecked()  # the raw one hidden
    comparison = scene_group.findGroup("Comparison: 2013-04-10 CapeFarewell")
    names = [node.name() for node in comparison.children()]
    assert names[0] == "Agreement by chart polygon [%]"
    assert "Concentration: predicted − chart [pp]" in names
    assert "combined" in dock.status.text() and "% of the scene" in dock.status.text()
    assert dock.report_button.isVisibleTo(dock)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert dock.open_report() and opened[0].toLocalFile().endswith("report.html")
    # Neither the styled copy nor the agreement polygons are offered as "the ice chart".
    excepted = dock.chart_layer.exceptedLayerList()
    assert styled in excepted and comparison.children()[0].layer() in excepted
    assert chart not in excepted


def test_dock_shows_a_date_mismatch_at_its_level(
    dock, chart_area_scene, random_bundle, real_data, tmp_path, qgis_iface
):
    """A chart 103 days from the scene: a critical warning in the panel and the message bar,
    never a green success."""
    import shutil

    source = real_data / DMI_CHART
    late = tmp_path / "charts"
    late.mkdir()
    for part in source.parent.glob(source.stem + ".*"):
        shutil.copy(part, late / part.name.replace("201304100920", "201307220920"))
    choose(dock, chart_area_scene, random_bundle, tmp_path / "out")
    dock.start_run()
    wait_for(dock)
    chart = QgsVectorLayer(str(late / "201307220920_CapeFarewell_RIC.shp"), "Late chart", "ogr")
    QgsProject.instance().addMapLayer(chart)
    dock.chart_layer.setLayer(chart)
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    task = dock.start_compare()
    assert wait_until(lambda: dock.follow_up is None and task.result is not None, 90)
    assert wait_until(lambda: dock.follow_up is None, 60)
    assert task.result is not None and task.result["level"] == "critical"
    assert dock.last_level == "critical" and "b00020" in dock.status.styleSheet()
    assert "103.0 days apart" in dock.status.text(), dock.status.text()
    assert any("103.0 days apart" in text for text in bar.get_messages(Qgis.MessageLevel.Critical))
    assert bar.get_messages(Qgis.MessageLevel.Success) == []
