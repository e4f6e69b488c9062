"""Runs inside the real QGIS desktop (``qgis --code``), as an analyst would: a scene through the
dock, its draft chart, an official chart picked and compared (styled in WMO colours), a map
sheet, and two errors, with a screenshot of the 1400 × 900 window after every step.

Reads SIM_E2E_SCENE, SIM_E2E_OUT, SIM_E2E_SHOTS and SIM_E2E_CHART (a SIGRID-3 shapefile, or
empty for the scene's own chart) from the environment; writes OUT/result.json and SHOTS/*.png,
clears the project (QGIS 3.40/3.44 crash at exit with layers in groups), then quits QGIS with
status 0 (1 if a step did not finish).
"""

import json
import os
import sys
import time
import traceback
from pathlib import Path

import qgis.utils
from qgis.core import QgsApplication, QgsLayerTreeGroup, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer

OUT = Path(os.environ["SIM_E2E_OUT"])
SHOTS = Path(os.environ["SIM_E2E_SHOTS"])
SCENE = os.environ["SIM_E2E_SCENE"]
CHART = os.environ.get("SIM_E2E_CHART", "")
PLUGIN = "sea_ice_mapper"
HEAVY = ("torch", "netCDF4", "rasterio", "shapely", "pyogrio", "pandas", "xarray")
LIMIT_S = 420
state: dict = {"started": time.monotonic(), "steps": [], "shots": [], "status": {}}


def tree(node) -> list:
    """The layer tree as nested [name, children] lists (layers as plain names)."""
    return [
        [child.name(), tree(child)] if isinstance(child, QgsLayerTreeGroup) else child.name()
        for child in node.children()
    ]


def finish(result: dict, code: int) -> None:
    result.update(steps=state["steps"], shots=state["shots"], status=state["status"])
    (OUT / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    QgsProject.instance().clear()  # before exit: QGIS 3.40/3.44 crash with layers in groups
    QgsApplication.exit(code)


def fail() -> None:
    finish({"error": traceback.format_exc()}, 1)


def later(seconds: float, step) -> None:
    def guarded():
        try:
            step()
        except Exception:
            fail()

    QTimer.singleShot(int(seconds * 1000), guarded)


def wait(done, then, seconds: float = 0.3) -> None:
    """Poll until ``done()``, then run ``then`` after ``seconds`` (for the canvas to draw)."""

    def poll():
        if time.monotonic() - state["started"] > LIMIT_S:
            raise TimeoutError(f"timed out after steps {state['steps']}")
        if done():
            later(seconds, then)
        else:
            later(0.2, poll)

    later(0.2, poll)


def shoot(name: str, widget=None) -> None:
    dock = state["dock"]
    QgsApplication.processEvents()
    target = widget if widget is not None else qgis.utils.iface.mainWindow()
    path = SHOTS / f"{len(state['shots']) + 1:02d}_{name}.png"
    target.grab().save(str(path))
    state["shots"].append(path.name)
    state["status"][name] = {
        "status": dock.status.text(),
        "level": dock.last_level,
        "next": dock.next_step.text(),
        "messages": [
            [w.title(), w.text(), int(w.level())] for w in qgis.utils.iface.messageBar().items()
        ],
    }


def idle() -> bool:
    dock = state["dock"]
    return dock.task is None and dock.follow_up is None and dock.checking is None


def start() -> None:
    qgis.utils.updateAvailablePlugins()
    assert qgis.utils.loadPlugin(PLUGIN) and qgis.utils.startPlugin(PLUGIN)
    window = qgis.utils.iface.mainWindow()
    window.showNormal()
    window.setGeometry(0, 0, 1400, 900)
    plugin = qgis.utils.plugins[PLUGIN]
    plugin.show_dock()
    dock = state["dock"] = plugin.dock
    dock.scene_widget.setFilePath(SCENE)
    dock.weights_widget.setFilePath("")  # the bundled weights
    dock.output_widget.setFilePath(str(OUT / "runs"))
    dock.device.setCurrentIndex(dock.device.findData("cpu"))
    wait(lambda: dock.checking is None, run)


def run() -> None:
    dock = state["dock"]
    state["ready_status"] = dock.status.text()
    state["steps"].append("run" if dock.start_run() is not None else "run refused")
    wait(idle, after_run)


def after_run() -> None:
    qgis.utils.iface.mapCanvas().zoomToFullExtent()
    later(2.5, lambda: (shoot("run"), draft()))


def draft() -> None:
    dock = state["dock"]
    state["steps"].append("draft" if dock.start_draft() is not None else "draft refused")
    wait(idle, lambda: (qgis.utils.iface.mapCanvas().refresh(), later(2.5, after_draft)))


def after_draft() -> None:
    shoot("draft")
    dock = state["dock"]
    if CHART:
        chart = QgsVectorLayer(CHART, Path(CHART).stem, "ogr")
        assert chart.isValid(), CHART
        QgsProject.instance().addMapLayer(chart)
        dock.chart_layer.setLayer(chart)
        state["offered"] = [dock.chart_layer.itemText(i) for i in range(dock.chart_layer.count())]
    state["steps"].append("compare" if dock.start_compare() is not None else "compare refused")
    wait(idle, after_compare, 0.5)


def _group(name_start: str):
    root = QgsProject.instance().layerTreeRoot()
    found = [g for g in root.children() if g.name().startswith(name_start)]
    assert found, (name_start, [g.name() for g in root.children()])
    return found[0]


def scene_extent(group):
    """The scene's extent (its concentration layer), in the project's CRS."""
    sic = next(n.layer() for n in group.findLayers() if n.name() == "Concentration [%]")
    return sic.extent()


def after_compare() -> None:
    dock = state["dock"]
    group = _group(dock.last_run.name)
    canvas = qgis.utils.iface.mapCanvas()
    canvas.setExtent(scene_extent(group))
    comparison = next(c for c in group.children() if c.name().startswith("Comparison"))
    draft_node = next((n for n in group.findLayers() if n.name() == "Draft ice chart"), None)
    if CHART:  # the official chart alone over the SAR, then the comparison on top of it
        comparison.setItemVisibilityChecked(False)
        comparison.setExpanded(False)
        if draft_node is not None:
            draft_node.setItemVisibilityChecked(False)
        group.findGroup("Prediction").setItemVisibilityChecked(False)
        group.findGroup("Prediction").setExpanded(False)
        official = next(n for n in group.findLayers() if n.name().startswith("Ice chart: 2"))
        official.setExpanded(True)
        qgis.utils.iface.setActiveLayer(official.layer())
        canvas.refresh()

        def then():
            shoot("official_chart")
            official.setExpanded(False)
            comparison.setItemVisibilityChecked(True)
            comparison.setExpanded(True)
            canvas.refresh()
            later(2.5, lambda: (shoot("comparison"), map_sheet()))

        later(2.5, then)
    else:
        later(2.5, lambda: (shoot("comparison"), map_sheet()))
    state["report_button"] = dock.report_button.isVisible()


def map_sheet() -> None:
    dock = state["dock"]
    pdf = dock.make_map_sheet()
    state["steps"].append("map sheet" if pdf is not None else "map sheet refused")
    state["sheet"] = str(pdf) if pdf is not None else None

    def then():
        designer = dock.designer
        if designer is not None:
            window = designer.window()
            window.setGeometry(0, 0, 1400, 900)
            later(2.5, lambda: (shoot("map_sheet", window), window.close(), error_existing()))
        else:
            shoot("map_sheet")
            error_existing()

    later(1.0, then)


def error_existing() -> None:
    """The same scene and model with other settings: refused, with Open existing / Overwrite."""
    dock = state["dock"]
    dock.sar.setChecked(not dock.sar.isChecked())
    state["steps"].append("rerun" if dock.start_run() is not None else "rerun refused")
    wait(idle, lambda: (shoot("error_existing_run"), error_scene()), 1.0)


def error_scene() -> None:
    dock = state["dock"]
    state["existing_buttons"] = [
        dock.open_existing_button.isVisible(),
        dock.overwrite_button.isVisible(),
    ]
    broken = OUT / "20200101T000000_cis_prep.nc"
    broken.write_bytes(b"PK\x03\x04 this is a zip, not a netCDF file")
    dock.scene_widget.setFilePath(str(broken))
    wait(lambda: dock.checking is None, lambda: (shoot("error_scene"), done()), 1.0)


def done() -> None:
    dock = state["dock"]
    root = QgsProject.instance().layerTreeRoot()
    result = {
        "ran_on": dock.ran_on.text(),
        "ready_status": state.get("ready_status"),
        "tree": tree(root),
        "offered": state.get("offered"),
        "report_button": state.get("report_button"),
        "sheet": state.get("sheet"),
        "existing_buttons": state.get("existing_buttons"),
        "run_enabled_on_broken_scene": dock.run_button.isEnabled(),
        "scene_info": dock.scene_info.text(),
        "engine": str(dock.last_task.engine.python) if dock.last_task is not None else None,
        "heavy_modules": sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY)),
        "seconds": time.monotonic() - state["started"],
    }
    finish(result, 0)


later(0.5, start)
