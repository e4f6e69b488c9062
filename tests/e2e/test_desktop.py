"""End to end in the real QGIS desktop application under Xvfb: a fresh profile with the plugin,
a scene run from the dock, its draft chart and comparison from the dock's buttons, a screenshot.
The desktop's Python gets none of the engine's packages: the dock runs the engine, the Python
named by SEA_ICE_MAPPER_ENGINE_PYTHON (default: this test's). Part of ``make test`` (about
20 s); skipped without xvfb-run and qgis."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from repo_paths import PLUGIN_PACKAGE, REPO_ROOT

SCENE = REPO_ROOT / "tests" / "data" / "scenes" / "20190315T101500_cis_prep.nc"


def test_desktop_runs_a_scene_drafts_and_compares_from_the_dock(tmp_path):
    xvfb, qgis = shutil.which("xvfb-run"), shutil.which("qgis")
    if xvfb is None or qgis is None:
        pytest.skip("needs the Debian packages qgis and xvfb (make setup installs them)")
    profiles = tmp_path / "profiles"  # fresh: a clean profile
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / PLUGIN_PACKAGE).symlink_to(REPO_ROOT, target_is_directory=True)
    out = tmp_path / "out"
    out.mkdir()
    engine = os.environ.get("SEA_ICE_MAPPER_ENGINE_PYTHON", sys.executable)
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        "SIM_E2E_OUT": str(out),
        "SIM_E2E_SCENE": str(SCENE),
        "SEA_ICE_MAPPER_ENGINE_PYTHON": engine,
        "QT_QPA_PLATFORM": "xcb",
        "QGIS_PLUGINPATH": str(plugins),
        "PYTHONFAULTHANDLER": "1",
    }
    script = Path(__file__).with_name("desktop_script.py")
    command = [
        xvfb,
        "-a",
        "-s",
        "-screen 0 1280x800x24",
        qgis,
        "--nologo",
        "--noversioncheck",
        "--profiles-path",
        str(profiles),
        "--code",
        str(script),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    result_file = out / "result.json"
    assert result_file.exists(), done.stderr[-3000:]
    result = json.loads(result_file.read_text())
    assert done.returncode == 0, result
    assert result["ran_on"] == "Ran on: CPU (cpu, float32)"
    assert any(name.startswith("20190315T101500_cis") for name in result["groups"])
    assert any(name.endswith("SIC predicted [%]") for name in result["layers"])
    # Predict, draft chart and comparison ran in the engine, not in the desktop's process.
    assert result["engine"] == engine
    assert result["heavy_modules"] == [], result["heavy_modules"]
    assert result["steps"] == ["start_draft", "start_compare"]
    assert "20190315T101500_cis draft chart" in result["layers"], result["messages"]
    assert "SIC predicted − chart [pp]" in result["layers"], result["messages"]
    assert (out / "desktop.png").stat().st_size > 10_000
    print(f"desktop run took {result['seconds']:.0f} s", file=sys.stderr)
