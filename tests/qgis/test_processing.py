"""The Processing algorithms through the real registry, and through qgis_process: each runs
the engine as a separate process."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ENGINE_PYTHON, ENGINE_PYTHON_ENV
from gdal_io import read_band
from qgis.core import QgsProject, QgsSingleBandPseudoColorRenderer, QgsVectorLayer

from core.icechart.classes import CHARTS

DMI_CHART = "ice_charts/dmi/201304100920_CapeFarewell_RIC.shp"


def test_predict_algorithm(processing, medium_scene, random_bundle, tmp_path):
    result = processing.run(
        "seaicemapper:predict",
        {
            "INPUT": str(medium_scene),
            "WEIGHTS": str(random_bundle),
            "DEVICE": 2,
            "CRS": "EPSG:3413",
            "SAR": False,
            "OVERWRITE": False,
            "OUTPUT_FOLDER": str(tmp_path / "out"),
        },
    )
    folder = Path(result["RUN_FOLDER"])
    assert folder.parent == tmp_path / "out" and result["DEVICE_USED"].startswith("CPU")
    record = json.loads((folder / "run.json").read_text())
    keys = {layer["key"] for layer in record["layers"]}
    assert keys >= {"sic", "sod", "floe", "chart_sic"} and "sar_hh" not in keys


def test_toolbox_adds_styled_predictions(processing, medium_scene, random_bundle, tmp_path):
    """What the toolbox adds to the project (runAndLoadResults): the WMO classes, not QGIS's
    default grey or a 256-entry black palette."""
    processing.runAndLoadResults(
        "seaicemapper:predict",
        {
            "INPUT": str(medium_scene),
            "WEIGHTS": str(random_bundle),
            "DEVICE": 2,
            "SAR": False,
            "OUTPUT_FOLDER": str(tmp_path / "out"),
        },
    )
    scene = medium_scene.name[:19]
    [sic] = QgsProject.instance().mapLayersByName(f"Concentration [%] · {scene}")
    assert isinstance(sic.renderer(), QgsSingleBandPseudoColorRenderer)
    items = sic.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert [i.color.getRgb()[:3] for i in items][-1] == CHARTS["SIC"].by_value(10).colour
    [sod] = QgsProject.instance().mapLayersByName(f"Stage of development · {scene}")
    assert sod.renderer().type() == "paletted"
    classes = sod.renderer().classes()
    assert len(classes) < 10 and classes[0].color.getRgb()[:3] != (0, 0, 0)


def test_predict_algorithm_reports_bad_input(processing, random_bundle, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="does not exist"):
        processing.run(
            "seaicemapper:predict",
            {
                "INPUT": str(tmp_path / "missing_prep.nc"),
                "WEIGHTS": str(random_bundle),
                "OUTPUT_FOLDER": str(tmp_path / "out"),
            },
        )


def test_style_chart_algorithm(processing, real_data, tmp_path):
    out = tmp_path / "styled.gpkg"
    result = processing.run(
        "seaicemapper:stylechart",
        {"INPUT": str(real_data / DMI_CHART), "CHART": 1, "OUTPUT": str(out)},
    )
    layer = QgsVectorLayer(result["OUTPUT"], "styled", "ogr")
    assert layer.isValid() and layer.featureCount() == 23
    assert {"SIC_CLASS", "SOD_CLASS", "FLOE_CLASS", "CT", "POLY_TYPE"} <= set(
        layer.fields().names()
    )
    renderer = layer.renderer()  # the style saved in the GeoPackage comes back by default
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "SOD_CLASS"
    colours = {int(c.value()): c.symbol().color().getRgb()[:3] for c in renderer.categories()}
    assert colours[3] == CHARTS["SOD"].by_value(3).colour


def test_toolbox_adds_the_styled_chart_with_its_styles(processing, real_data, tmp_path):
    chart = QgsVectorLayer(str(real_data / DMI_CHART), "DMI chart", "ogr")
    QgsProject.instance().addMapLayer(chart)
    processing.runAndLoadResults(
        "seaicemapper:stylechart",
        {"INPUT": chart, "CHART": 1, "OUTPUT": str(tmp_path / "styled.gpkg")},
    )
    [layer] = QgsProject.instance().mapLayersByName("Ice chart: DMI chart")
    renderer = layer.renderer()  # not a single red fill
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "SOD_CLASS"
    assert layer.labelsEnabled()  # egg codes
    styles = layer.styleManager().styles()
    assert set(styles) == {"SIC (WMO)", "SOD (WMO)", "FLOE", "Outline (editing over SAR)"}
    assert layer.styleManager().currentStyle() == "SOD (WMO)"
    layer.styleManager().setCurrentStyle("SIC (WMO)")
    assert layer.renderer().type() == "RuleRenderer"


@pytest.fixture()
def qgis_process(plugins_folder, tmp_path):
    """Runs the qgis_process executable with the plugin enabled in a fresh profile."""
    binary = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    if binary is None:
        pytest.skip("qgis_process is not installed")
    profile = tmp_path / "config" / "profiles" / "default" / "QGIS"
    profile.mkdir(parents=True)
    (profile / "QGIS3.ini").write_text("[PythonPlugins]\nsea_ice_mapper=true\n")
    # QGIS's embedded Python gets none of the engine's packages: the plugin runs the engine.
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "config"),
        "QGIS_PLUGINPATH": str(plugins_folder),
        "QT_QPA_PLATFORM": "offscreen",
        ENGINE_PYTHON_ENV: ENGINE_PYTHON,
        "PYTHONFAULTHANDLER": "1",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=240)

    return run


def test_qgis_process_finds_and_describes_the_algorithms(qgis_process):
    listed = qgis_process("list")
    assert "seaicemapper:predict\tPredict sea ice charts from scene" in listed.stdout
    assert "seaicemapper:stylechart\tStyle SIGRID-3 ice chart" in listed.stdout
    helped = qgis_process("help", "seaicemapper:predict")
    assert helped.returncode == 0
    for name in ("INPUT", "WEIGHTS", "DEVICE", "CRS", "OUTPUT_FOLDER"):
        assert name in helped.stdout


def test_qgis_process_predicts_and_drafts_a_chart(qgis_process, labelled_scene, tmp_path):
    """The whole chain from the qgis_process executable, whose Python has none of the engine's
    packages: the algorithms run the engine as a separate process."""
    out = tmp_path / "out"
    predicted = qgis_process(
        "run",
        "seaicemapper:predict",
        "--",
        f"INPUT={labelled_scene}",
        "DEVICE=2",
        "SAR=false",
        f"OUTPUT_FOLDER={out}",
    )
    assert predicted.returncode == 0, predicted.stderr[-3000:]
    run = out / labelled_scene.name[:19]
    assert f"RUN_FOLDER:\t{run}" in predicted.stdout and "DEVICE_USED:\tCPU" in predicted.stdout
    sic = read_band(run / "sic.tif")
    assert sic.epsg == 3413 and (sic.values != sic.nodata).any()
    chart = tmp_path / "draft.gpkg"
    drafted = qgis_process(
        "run", "seaicemapper:draftchart", "--", f"INPUT={run}", f"OUTPUT={chart}"
    )
    assert drafted.returncode == 0, drafted.stderr[-3000:]
    layer = QgsVectorLayer(f"{chart}|layername=draft_chart", "draft", "ogr")
    assert layer.isValid() and layer.featureCount() > 0
    assert {"CT", "SA", "FA", "POLY_TYPE", "SIC_CLASS"} <= set(layer.fields().names())
