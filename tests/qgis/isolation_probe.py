"""Run by test_engine_process.py in a fresh QGIS process (not collected by itself): the dock
predicts, drafts and compares through the engine, and QGIS's Python stays free of the
engine's packages. Reads SIM_PROBE_SCENE and SIM_PROBE_OUT."""

import os
import sys

from dock_helpers import choose, wait_for, wait_until

HEAVY = ("numpy", "torch", "netCDF4", "rasterio", "shapely", "pyogrio", "pandas", "xarray")


def loaded_heavy() -> list[str]:
    return sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))


def test_dock_runs_everything_through_the_engine(dock):
    assert loaded_heavy() == []  # the plugin itself imported none of them
    weights = dock.weights_widget.filePath()  # empty: the bundled weights
    choose(dock, os.environ["SIM_PROBE_SCENE"], weights, os.environ["SIM_PROBE_OUT"])
    assert "64 × 80 pixels" in dock.scene_info.text()
    dock.start_run()
    wait_for(dock)
    assert dock.last_task.result is not None, dock.status.text()
    dock.start_draft()
    assert wait_until(lambda: dock.follow_up is None, 120)
    assert "Draft ice chart:" in dock.status.text(), dock.status.text()
    dock.start_compare()
    assert wait_until(lambda: dock.follow_up is None, 120)
    assert "combined" in dock.status.text(), dock.status.text()
    assert dock.copy_diagnostics() is not None
    assert wait_until(lambda: dock.diagnostics_task is None, 120)
    assert "### Engine" in dock.last_diagnostics
    assert loaded_heavy() == [], loaded_heavy()
