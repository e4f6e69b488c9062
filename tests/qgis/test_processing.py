"""Both Processing algorithms through the real registry, and once through qgis_process."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from qgis.core import QgsVectorLayer

from core.icechart.classes import CHARTS

DMI_CHART = "ice_charts/dmi/201304100920_CapeFarewell_RIC.shp"


def test_predict_algorithm(processing, medium_scene, random_bundle, tmp_path):
    result = processing.run("seaicemapper:predict", {
        "INPUT": str(medium_scene), "WEIGHTS": str(random_bundle), "DEVICE": 2,
        "CRS": "EPSG:3413", "SAR": False, "OVERWRITE": False,
        "OUTPUT_FOLDER": str(tmp_path / "out")})  # fmt: skip
    folder = Path(result["RUN_FOLDER"])
    assert folder.parent == tmp_path / "out" and result["DEVICE_USED"].startswith("CPU")
    record = json.loads((folder / "run.json").read_text())
    assert set(record["layers"]) >= {"sic", "sod", "floe", "chart_sic"}
    assert "sar_hh" not in record["layers"]


def test_predict_algorithm_reports_bad_input(processing, random_bundle, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="does not exist"):
        processing.run("seaicemapper:predict", {
            "INPUT": str(tmp_path / "missing_prep.nc"), "WEIGHTS": str(random_bundle),
            "OUTPUT_FOLDER": str(tmp_path / "out")})  # fmt: skip


def test_style_chart_algorithm(processing, real_data, tmp_path):
    out = tmp_path / "styled.gpkg"
    result = processing.run("seaicemapper:stylechart", {
        "INPUT": str(real_data / DMI_CHART), "CHART": 1, "OUTPUT": str(out)})  # fmt: skip
    layer = QgsVectorLayer(result["OUTPUT"], "styled", "ogr")
    assert layer.isValid() and layer.featureCount() == 23
    assert {"SIC_CLASS", "SOD_CLASS", "FLOE_CLASS", "CT", "POLY_TYPE"} <= set(
        layer.fields().names()
    )
    renderer = layer.renderer()  # the style saved in the GeoPackage comes back by default
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "SOD_CLASS"
    colours = {int(c.value()): c.symbol().color().getRgb()[:3] for c in renderer.categories()}
    assert colours[3] == CHARTS["SOD"].by_value(3).colour


def test_qgis_process_finds_and_describes_the_algorithms(plugins_folder, tmp_path):
    """The qgis_process executable loads the plugin's provider from a fresh profile.

    Running the prediction there is not tested: in Debian's QGIS the pip wheels of netCDF4
    (bundled HDF5/netCDF) crash qgis_process on import, whose providers have loaded the
    system's libraries first (a segmentation fault in netCDF4/__init__.py). See docs/qgis.md.
    """
    binary = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    if binary is None:
        pytest.skip("qgis_process is not installed")
    profile = tmp_path / "config" / "profiles" / "default" / "QGIS"
    profile.mkdir(parents=True)
    (profile / "QGIS3.ini").write_text("[PythonPlugins]\nsea_ice_mapper=true\n")
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "config"),
           "QGIS_PLUGINPATH": str(plugins_folder), "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
    listed = subprocess.run([binary, "list"], env=env, capture_output=True, text=True,
                            timeout=240)  # fmt: skip
    assert "seaicemapper:predict\tPredict sea ice charts from scene" in listed.stdout
    assert "seaicemapper:stylechart\tStyle SIGRID-3 ice chart" in listed.stdout
    helped = subprocess.run([binary, "help", "seaicemapper:predict"], env=env,
                            capture_output=True, text=True, timeout=240)  # fmt: skip
    assert helped.returncode == 0
    for name in ("INPUT", "WEIGHTS", "DEVICE", "CRS", "OUTPUT_FOLDER"):
        assert name in helped.stdout
