"""End to end in the real QGIS desktop under Xvfb: a Sentinel-1 EW GRDM product's .zip (synthetic
pixels around the real annotation XML, core/synthetic/safe.py) picked in the dock of a fresh
profile, checked and run by the engine (SEA_ICE_MAPPER_ENGINE_PYTHON, default: this test's
Python), its layers shown, a screenshot kept as build/e2e/desktop_safe.png. The desktop's Python
gets none of our packages. Skipped without xvfb-run and qgis, or without the real annotation."""

import json
import os
import shutil
import subprocess  # nosec B404
import sys
from pathlib import Path

import pytest

from repo_paths import PLUGIN_PACKAGE, REPO_ROOT, SHARED_REAL

PRODUCTS = sorted((SHARED_REAL / "sar").glob("S1*_EW_GRDM_*")) if SHARED_REAL.is_dir() else []
SCENE_ID = "20221130T014342_safe"
SCREENSHOT = REPO_ROOT / "build" / "e2e" / "desktop_safe.png"
# A 1600 × 4000-pixel crop (40 m) of the product's first sub-swaths, over Severnaya Zemlya.
BUILD = """
import json, sys, warnings
from pathlib import Path
from core.synthetic.safe import SafeConfig, build_safe
warnings.simplefilter("ignore")
config = SafeConfig(lines=(1000, 2600), samples=(1500, 5500), seed=5)
print(json.dumps(str(build_safe(Path(sys.argv[1]), Path(sys.argv[2]), config, True).zip_path)))
"""


def build_zip(engine: str, out: Path) -> Path:
    done = subprocess.run(  # nosec B603
        [engine, "-c", BUILD, str(PRODUCTS[0]), str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(json.loads(done.stdout))


def test_desktop_charts_a_sentinel1_zip_from_the_dock(tmp_path):
    xvfb, qgis = shutil.which("xvfb-run"), shutil.which("qgis")
    if xvfb is None or qgis is None:
        pytest.skip("needs the Debian packages qgis and xvfb (make setup installs them)")
    if not PRODUCTS:
        pytest.skip("the real annotation set ../shared/data/real/sar/ is absent")
    engine = os.environ.get("SEA_ICE_MAPPER_ENGINE_PYTHON", sys.executable)
    product = build_zip(engine, tmp_path / "product")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / PLUGIN_PACKAGE).symlink_to(REPO_ROOT, target_is_directory=True)
    out = tmp_path / "out"
    out.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},  # nothing of ours
        "SIM_E2E_OUT": str(out),
        "SIM_E2E_SCENE": str(product),
        "SEA_ICE_MAPPER_ENGINE_PYTHON": engine,
        "QT_QPA_PLATFORM": "xcb",
        "QGIS_PLUGINPATH": str(plugins),
        "PYTHONFAULTHANDLER": "1",
    }
    command = [
        xvfb,
        "-a",
        "-s",
        "-screen 0 1280x800x24",
        qgis,
        "--nologo",
        "--noversioncheck",
        "--profiles-path",
        str(tmp_path / "profiles"),  # fresh: a clean profile
        "--code",
        str(Path(__file__).with_name("desktop_safe_script.py")),
    ]
    done = subprocess.run(  # nosec B603
        command, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    result_file = out / "result.json"
    assert result_file.exists(), done.stderr[-3000:]
    result = json.loads(result_file.read_text())
    if (out / "desktop_safe.png").exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "desktop_safe.png", SCREENSHOT)
    assert done.returncode == 0, result
    assert result["scene_info"].startswith(f"{SCENE_ID}: 2022-11-30 01:43 UTC, SAFE"), result
    assert "800 × 2000 pixels at 80 m" in result["scene_info"]
    assert result["ran_on"] == "Ran on: CPU (cpu, float32)"
    assert any(SCENE_ID in name for name in result["groups"]), result["groups"]
    for title in ("Concentration [%]", "Stage of development", "Floe size", "SAR HH [dB]"):
        assert any(name.endswith(title) for name in result["layers"]), (title, result["layers"])
    assert result["valid"] and result["canvas_crs"] == "EPSG:3413"
    [run_file] = (out / "runs").glob(f"model_*/{SCENE_ID}/run.json")  # one folder per model
    record = json.loads(run_file.read_text(encoding="utf-8"))
    assert Path(record["model"]["path"]).name == "safe-only.json"
    # The product was read and predicted in the engine, not in the desktop's process.
    assert result["engine"] == engine
    assert result["heavy_modules"] == [], result["heavy_modules"]
    assert SCREENSHOT.stat().st_size > 10_000
    print(f"desktop SAFE run took {result['run_seconds']:.0f} s", file=sys.stderr)
