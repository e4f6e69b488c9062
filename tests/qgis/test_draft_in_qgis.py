"""Draft ice charts in a real QGIS: the Processing algorithm and the dock's button."""

from dock_helpers import choose, wait_for, wait_until
from qgis.core import (
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

from core.icechart.classes import CHARTS

FIELDS = {
    "POLY_TYPE",
    "CT",
    "CA",
    "SA",
    "FA",
    "SIC_CLASS",
    "SOD_CLASS",
    "FLOE_CLASS",
    "CONFIDENCE",
    "AREA_KM2",
}


def render(layer: QgsVectorLayer, size: int = 400):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(size, size))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def test_draft_algorithm_writes_a_styled_editable_layer(processing, bundled_run, tmp_path):
    out = tmp_path / "draft.gpkg"
    result = processing.run(
        "seaicemapper:draftchart", {"INPUT": str(bundled_run), "MIN_AREA": 1.5, "OUTPUT": str(out)}
    )
    layer = QgsVectorLayer(f"{result['OUTPUT']}|layername=draft_chart", "draft", "ogr")
    assert layer.isValid() and layer.featureCount() > 3
    assert FIELDS <= set(layer.fields().names())
    renderer = layer.renderer()  # the style stored in the GeoPackage, applied by default
    assert renderer.type() == "RuleRenderer" and layer.labelsEnabled()  # WMO classes, eggs
    fills = [r.symbol().color() for r in renderer.rootRule().children()]
    labels = [r.label() for r in renderer.rootRule().children()]
    assert (
        fills[labels.index("Open water (< 1/10)")].getRgb()[:3] == CHARTS["SIC"].by_value(0).colour
    )
    assert layer.startEditing() and layer.rollBack()  # an analyst can edit it
    image = render(layer)
    seen = {
        QColor(image.pixel(x, y)).getRgb()[:3] for y in range(0, 400, 4) for x in range(0, 400, 4)
    }
    # Semi-transparent fills over the white map background.
    blended = [
        tuple(round(v * c.alphaF() + 255 * (1 - c.alphaF())) for v in c.getRgb()[:3]) for c in fills
    ]
    near = [s for s in seen for b in blended if max(abs(x - y) for x, y in zip(s, b)) <= 3]
    assert near, "none of the WMO fills was rendered"


def test_toolbox_adds_the_draft_styled_at_chart_scale(processing, bundled_run, tmp_path):
    """The draft at its defaults (100 km², 2 km) as the toolbox adds it: tens of polygons at
    most, none below the minimum area, in WMO colours with egg codes and every stored style."""
    processing.runAndLoadResults(
        "seaicemapper:draftchart", {"INPUT": str(bundled_run), "OUTPUT": str(tmp_path / "d.gpkg")}
    )
    [layer] = QgsProject.instance().mapLayersByName(f"Draft ice chart · {bundled_run.name}")
    assert layer.renderer().type() == "RuleRenderer" and layer.labelsEnabled()
    areas = [f["AREA_KM2"] for f in layer.getFeatures()]
    ice = [f["AREA_KM2"] for f in layer.getFeatures() if f["POLY_TYPE"] == "I"]
    print(f"draft at defaults: {len(areas)} polygons, smallest {min(areas):.0f} km²")
    assert 2 <= len(areas) <= 60 and ice
    assert min(areas) >= 100.0 - 1e-6
    assert set(layer.styleManager().styles()) == {
        "SIC (WMO)",
        "SOD (WMO)",
        "FLOE",
        "Outline (editing over SAR)",
    }


def test_dock_drafts_the_last_run_into_its_group(dock, medium_scene, random_bundle, tmp_path):
    assert not dock.draft_button.isEnabled()  # nothing to draft from yet
    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    dock.start_run()
    wait_for(dock)
    assert dock.draft_button.isEnabled()
    task = dock.start_draft()
    assert wait_until(lambda: dock.follow_up is None, 60)
    assert task.result is not None, task.error
    [group] = QgsProject.instance().layerTreeRoot().children()
    top = group.children()[0].layer()
    assert top.name() == "Draft ice chart" and isinstance(top, QgsVectorLayer)
    assert top.renderer().type() == "RuleRenderer"
    assert "Outline (editing over SAR)" in top.styleManager().styles()
    assert (dock.last_run / "draft_chart.gpkg").exists()
    # The message speaks to the analyst: how many polygons, the smallest area; the defaults.
    assert task.result["summary"] and dock.min_area.value() == 100.0
    assert dock.smoothing.value() == 2000.0
    assert f"{task.result['polygons']} polygons, the smallest" in dock.status.text()
    assert "Read back" not in dock.status.text()
    # The plugin's own layers are not offered as "the ice chart".
    assert top in dock.chart_layer.exceptedLayerList()
    dock.start_draft()  # a second draft without Overwrite is refused, the first kept
    assert wait_until(lambda: dock.follow_up is None, 60)
    assert "already exists" in dock.status.text()
