"""Runs inside the real QGIS desktop (``qgis --code``): a scene through the dock, then its
draft chart and its comparison with the scene's own chart from the dock's buttons, a screenshot.

Reads SIM_E2E_SCENE and SIM_E2E_OUT from the environment; writes OUT/result.json and
OUT/desktop.png, then quits QGIS with status 0 (1 if a step did not finish).
"""

import json
import os
import sys
import time
import traceback
from pathlib import Path

import qgis.utils
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer

OUT = Path(os.environ["SIM_E2E_OUT"])
SCENE = os.environ["SIM_E2E_SCENE"]
PLUGIN = "sea_ice_mapper"
HEAVY = ("torch", "netCDF4", "rasterio", "shapely", "pyogrio", "pandas", "xarray")
state = {"started": time.monotonic(), "dock": None}


def finish(result: dict, code: int) -> None:
    (OUT / "result.json").write_text(json.dumps(result, indent=2))
    QgsApplication.exit(code)


def start() -> None:
    try:
        qgis.utils.updateAvailablePlugins()
        assert qgis.utils.loadPlugin(PLUGIN) and qgis.utils.startPlugin(PLUGIN)
        plugin = qgis.utils.plugins[PLUGIN]
        plugin.show_dock()
        dock = plugin.dock
        dock.scene_widget.setFilePath(SCENE)
        dock.output_widget.setFilePath(str(OUT / "runs"))
        dock.device.setCurrentIndex(dock.device.findData("cpu"))
        assert dock.start_run() is not None, dock.status.text()
        state["dock"] = dock
        QTimer.singleShot(200, poll)
    except Exception:
        finish({"error": traceback.format_exc()}, 1)


def poll() -> None:
    """Waits for the run, then starts the draft chart, then the comparison, one at a time."""
    dock = state["dock"]
    busy = dock.task is not None or dock.follow_up is not None
    if busy and time.monotonic() - state["started"] < 150:
        QTimer.singleShot(200, poll)
        return
    steps = state.setdefault("steps", [])
    if not busy and dock.last_run is not None and len(steps) < 2:
        step = (dock.start_draft, dock.start_compare)[len(steps)]
        steps.append(step.__name__ if step() is not None else f"{step.__name__} refused")
        QTimer.singleShot(200, poll)
        return
    canvas = qgis.utils.iface.mapCanvas()
    canvas.zoomToFullExtent()
    canvas.refreshAllLayers()
    QTimer.singleShot(3000, lambda: shoot(dock))


def shoot(dock) -> None:
    qgis.utils.iface.mainWindow().grab().save(str(OUT / "desktop.png"))
    root = QgsProject.instance().layerTreeRoot()
    result = {
        "status": dock.status.text(),
        "ran_on": dock.ran_on.text(),
        "groups": [g.name() for g in root.children()],
        "layers": [layer.name() for layer in QgsProject.instance().mapLayers().values()],
        "steps": state.get("steps", []),
        "engine": str(dock.last_task.engine.python) if dock.last_task is not None else None,
        "heavy_modules": sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY)),
        "messages": [w.text() for w in qgis.utils.iface.messageBar().items()],
        "seconds": time.monotonic() - state["started"],
    }
    finish(result, 0 if dock.last_task is not None and dock.last_task.result else 1)


QTimer.singleShot(500, start)
