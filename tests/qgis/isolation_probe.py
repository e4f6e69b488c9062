"""Run by test_engine_process.py in a fresh QGIS process (not collected by itself): the dock
predicts, drafts and compares through the engine, and adds none of the engine's packages to
QGIS's Python. Reads SIM_PROBE_SCENE and SIM_PROBE_OUT.

QGIS itself may load some of them (QGIS 3.40 and later import numpy at start): the check is
against what was loaded once QGIS had started, before the plugin."""

import os
import sys

import pytest
from dock_helpers import choose, wait_for, wait_until

HEAVY = ("numpy", "torch", "netCDF4", "rasterio", "shapely", "pyogrio", "pandas", "xarray")


def loaded_heavy() -> list[str]:
    return sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))


@pytest.fixture()
def qgis_baseline(qgis_app, qgis_iface) -> list[str]:
    """The engine's packages loaded by QGIS and the test runner alone, before the plugin."""
    return loaded_heavy()


def added_heavy(baseline: list[str]) -> list[str]:
    return sorted(set(loaded_heavy()) - set(baseline))


def test_dock_runs_everything_through_the_engine(qgis_baseline, dock):
    assert set(qgis_baseline) <= {"numpy"}, qgis_baseline  # else the check below proves less
    assert added_heavy(qgis_baseline) == []  # loading the plugin imported none of them
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
    assert added_heavy(qgis_baseline) == [], added_heavy(qgis_baseline)
