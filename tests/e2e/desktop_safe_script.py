"""Runs inside the real QGIS desktop (``qgis --code``): a Sentinel-1 product's .zip picked in
the dock, checked, run, its layers shown, a screenshot; the project cleared before quitting.

Reads SIM_E2E_SCENE and SIM_E2E_OUT from the environment; writes OUT/result.json and
OUT/desktop_safe.png, then quits QGIS with status 0 (1 if a step did not finish).
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
HEAVY = ("torch", "netCDF4", "rasterio", "shapely", "pyogrio", "pandas", "xarray", "numba")
LIMIT_S = 150
state = {"started": time.monotonic(), "dock": None, "stage": "start"}


def finish(result: dict, code: int) -> None:
    # QGIS 3.40+ may crash at exit while layers are still in the project: clear it first.
    QgsProject.instance().clear()
    (OUT / "result.json").write_text(json.dumps(result, indent=2))
    QgsApplication.exit(code)


def fail(stage: str) -> None:
    dock = state["dock"]
    status = dock.status.text() if dock is not None else None
    info = dock.scene_info.text() if dock is not None else None
    finish({"error": f"{stage}: {traceback.format_exc()}", "status": status, "info": info}, 1)


def start() -> None:
    try:
        qgis.utils.updateAvailablePlugins()
        assert qgis.utils.loadPlugin(PLUGIN) and qgis.utils.startPlugin(PLUGIN)
        plugin = qgis.utils.plugins[PLUGIN]
        plugin.show_dock()
        dock = state["dock"] = plugin.dock
        dock.output_widget.setFilePath(str(OUT / "runs"))
        dock.device.setCurrentIndex(dock.device.findData("cpu"))
        dock.scene_widget.setFilePath(SCENE)  # the engine's scene check starts here
        QTimer.singleShot(200, wait_for_check)
    except Exception:
        fail("start")


def wait_for_check() -> None:
    """Runs once the engine has answered the scene check (the dock refuses a failed one)."""
    try:
        dock = state["dock"]
        if dock.checking is not None and time.monotonic() - state["started"] < LIMIT_S:
            QTimer.singleShot(200, wait_for_check)
            return
        state["scene_info"] = dock.scene_info.text()
        assert dock.start_run() is not None, dock.status.text()
        QTimer.singleShot(200, wait_for_run)
    except Exception:
        fail("check")


def wait_for_run() -> None:
    dock = state["dock"]
    if dock.task is not None and time.monotonic() - state["started"] < LIMIT_S:
        QTimer.singleShot(200, wait_for_run)
        return
    state["run_seconds"] = time.monotonic() - state["started"]
    canvas = qgis.utils.iface.mapCanvas()
    canvas.zoomToFullExtent()
    canvas.refreshAllLayers()
    QTimer.singleShot(3000, shoot)


def shoot() -> None:
    try:
        dock = state["dock"]
        qgis.utils.iface.mainWindow().grab().save(str(OUT / "desktop_safe.png"))
        root = QgsProject.instance().layerTreeRoot()
        layers = list(QgsProject.instance().mapLayers().values())
        canvas = qgis.utils.iface.mapCanvas()
        result = {
            "scene_info": state.get("scene_info"),
            "status": dock.status.text(),
            "ran_on": dock.ran_on.text(),
            "groups": [g.name() for g in root.children()],
            "layers": [layer.name() for layer in layers],
            "valid": all(layer.isValid() for layer in layers),
            "canvas_crs": canvas.mapSettings().destinationCrs().authid(),
            "engine": str(dock.last_task.engine.python) if dock.last_task is not None else None,
            "heavy_modules": sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY)),
            "messages": [w.text() for w in qgis.utils.iface.messageBar().items()],
            "run_seconds": state.get("run_seconds"),
            "seconds": time.monotonic() - state["started"],
        }
        finish(result, 0 if dock.last_task is not None and dock.last_task.result else 1)
    except Exception:
        fail("shoot")


QTimer.singleShot(500, start)
