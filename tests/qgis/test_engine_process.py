"""The engine is a separate process: QGIS never loads its packages and survives its crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from conftest import ENGINE_PYTHON, ENGINE_PYTHON_ENV
from dock_helpers import choose, wait_for, wait_until
from qgis.core import Qgis, QgsApplication, QgsProject

from repo_paths import REPO_ROOT

SCENE = REPO_ROOT / "tests" / "data" / "scenes" / "20190315T101500_cis_prep.nc"


def test_qgis_with_the_plugin_never_imports_the_engines_packages(tmp_path):
    """A fresh QGIS process (this one imported numpy for its fixtures) loads the plugin and
    runs a prediction, a draft chart and a comparison through the dock; then none of the
    engine's packages is in its sys.modules."""
    env = {
        **os.environ,
        ENGINE_PYTHON_ENV: ENGINE_PYTHON,
        "SIM_PROBE_SCENE": str(SCENE),
        "SIM_PROBE_OUT": str(tmp_path / "out"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    probe = REPO_ROOT / "tests" / "qgis" / "isolation_probe.py"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(probe), "-q", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
    [run] = (tmp_path / "out").glob("model_*/20190315T101500_cis")  # one folder per model
    assert (run / "draft_chart.gpkg").exists()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")
def test_a_killed_engine_is_reported_with_its_log_and_leaves_nothing_half_written(
    dock, qgis_iface, medium_scene, random_bundle, tmp_path
):
    out = tmp_path / "out"
    choose(dock, medium_scene, random_bundle, out)
    qgis_iface.messageBar().clear_messages()
    task = dock.start_run()
    assert wait_until(lambda: task.stage == "writing layers", 120), task.stage
    os.kill(task.engine.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer does
    wait_for(dock)
    assert task.result is None and task.outcome.crashed
    [message] = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert "engine was killed by SIGKILL (out of memory, or killed from outside)" in message
    assert "QGIS is unaffected" in message
    text, details = dock.last_report
    assert text in message and "Exit status: -9" in details and "Engine log" in details
    assert f"-m core --json predict {medium_scene}" in details
    # QGIS is alive and usable: the dock runs again, and the killed run left no final folder.
    assert QgsApplication.instance() is not None and dock.run_button.isEnabled()
    assert not list(out.glob(f"model_*/{medium_scene.name[:19]}"))
    # Only a hidden staging folder (.NAME.part-*/NAME/...) may hold the killed run's files.
    published = [
        p
        for p in out.rglob("*.tif")
        if not any(part.startswith(".") for part in p.relative_to(out).parts)
    ]
    assert not published
    assert QgsProject.instance().layerTreeRoot().children() == []
    dock.start_run()
    wait_for(dock)
    assert dock.last_task.result is not None
    assert dock.last_run == out / f"model_{dock.model_hash}" / medium_scene.name[:19]
