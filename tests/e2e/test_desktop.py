"""End to end in the real QGIS desktop application under Xvfb (1400 × 900 window): a fresh
profile with the plugin; a scene run from the dock, its draft chart, a real DMI chart picked,
styled in WMO colours and compared, a map sheet, and two errors, each step photographed into
build/e2e/ for a person to look at. The desktop's Python gets none of the engine's packages: the
dock runs the engine, the Python named by SEA_ICE_MAPPER_ENGINE_PYTHON (default: this test's).
Skipped without xvfb-run and qgis; without ../shared/ it compares with the scene's own chart.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from repo_paths import PLUGIN_PACKAGE, REPO_ROOT, SHARED_REAL

SHOTS = REPO_ROOT / "build" / "e2e"
DMI_CHART = SHARED_REAL / "ice_charts" / "dmi" / "201304100920_CapeFarewell_RIC.shp"
TINY_SCENE = REPO_ROOT / "tests" / "data" / "scenes" / "20190315T101500_cis_prep.nc"


CHART_AREA_SCENE = """
import sys
from datetime import datetime, timezone
from pathlib import Path

import shapely
from rasterio.warp import transform_geom

from core.icechart.classes import MASK
from core.icechart.sigrid import read_chart
from core.synthetic.generate import SynthConfig, synthesize

chart = read_chart(sys.argv[1])
sea = shapely.union_all(chart.geometries[chart.classes.SIC != MASK])
point = shapely.geometry.mapping(sea.representative_point())
lon, lat = transform_geom(chart.crs, "EPSG:4326", point)["coordinates"]
time = datetime(2013, 4, 10, 9, 0, tzinfo=timezone.utc)
config = SynthConfig(lines=1000, samples=1040, seed=4002, centre=(lat, lon), time=time)
Path(sys.argv[2]).mkdir()
print(synthesize(Path(sys.argv[2]), config))  # named from the scene id
"""


def chart_area_scene(folder: Path, engine: str) -> Path:
    """A synthetic scene under the DMI chart, acquired that day (as in test_compare_in_qgis),
    made by the engine: this test's Python (QGIS's own) has none of the engine's packages."""
    done = subprocess.run(
        [engine, "-c", CHART_AREA_SCENE, str(DMI_CHART), str(folder)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return Path(done.stdout.strip().splitlines()[-1])


def test_desktop_an_analysts_day_from_the_dock(tmp_path):
    xvfb, qgis = shutil.which("xvfb-run"), shutil.which("qgis")
    if xvfb is None or qgis is None:
        pytest.skip("needs the Debian packages qgis and xvfb (make setup installs them)")
    with_chart = DMI_CHART.exists()
    engine = os.environ.get("SEA_ICE_MAPPER_ENGINE_PYTHON", sys.executable)
    scene = chart_area_scene(tmp_path / "scene", engine) if with_chart else TINY_SCENE
    profiles = tmp_path / "profiles"  # fresh: a clean profile
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / PLUGIN_PACKAGE).symlink_to(REPO_ROOT, target_is_directory=True)
    out = tmp_path / "out"
    out.mkdir()
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        "SIM_E2E_OUT": str(out),
        "SIM_E2E_SHOTS": str(SHOTS),
        "SIM_E2E_SCENE": str(scene),
        "SIM_E2E_CHART": str(DMI_CHART) if with_chart else "",
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
        "-screen 0 1400x900x24",
        qgis,
        "--nologo",
        "--noversioncheck",
        "--profiles-path",
        str(profiles),
        "--code",
        str(script),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    result_file = out / "result.json"
    assert result_file.exists(), done.stderr[-3000:]
    result = json.loads(result_file.read_text())
    assert done.returncode == 0, result
    assert result["ran_on"] == "Ran on: CPU (cpu, float32)"
    assert result["ready_status"] == "Ready: press Run."
    # Predict, draft, compare and styling ran in the engine, not in the desktop's process.
    assert result["engine"] == engine
    assert result["heavy_modules"] == [], result["heavy_modules"]
    assert result["steps"] == ["run", "draft", "compare", "map sheet", "rerun"]
    # The layer tree: one group per scene and model, subgroups, names that lead with the layer.
    [group] = [
        g for g in result["tree"] if isinstance(g, list) and g[0].startswith(scene.name[:19])
    ]
    name, children = group
    assert " · model " in name
    flat = [c if isinstance(c, str) else c[0] for c in children]
    assert "Draft ice chart" in flat
    assert flat[-4:] == ["Prediction", "Confidence", "Scene's ice chart", "SAR"]
    prediction = dict(c for c in children if isinstance(c, list))["Prediction"]
    assert prediction == ["Concentration [%]", "Stage of development", "Floe size"]
    status = result["status"]
    assert "polygons, the smallest" in status["draft"]["status"]
    assert "% of the scene" in status["comparison"]["status"]
    assert status["comparison"]["level"] in ("success", "warning", "critical")
    if with_chart:
        assert "Ice chart: 2013-04-10 CapeFarewell" in flat
        assert "Comparison: 2013-04-10 CapeFarewell" in flat
        assert not any(text.startswith("Draft") for text in result["offered"])
    assert result["report_button"]
    assert Path(result["sheet"]).exists() and Path(result["sheet"]).with_suffix(".png").exists()
    # Errors worded for the GUI, with actions.
    assert "already run with these weights" in status["error_existing_run"]["status"]
    assert result["existing_buttons"] == [True, True]
    assert "is not a netCDF file" in result["scene_info"] and "b'" not in result["scene_info"]
    assert not result["run_enabled_on_broken_scene"]
    assert "is not a netCDF file" in status["error_scene"]["status"]  # said where one looks
    for shot in result["shots"]:
        assert (SHOTS / shot).stat().st_size > 10_000
    print(f"desktop run took {result['seconds']:.0f} s; screenshots in {SHOTS}", file=sys.stderr)
