"""The run folder contract: names, the run.json layer list, and format-1 records."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.errors import RunFolderError
from core.output.contract import find_run, read_record, record_layers, run_layers
from repo_paths import REPO_ROOT


def test_layers_come_in_drawing_order_with_titles_kinds_and_styles(tmp_path):
    written = {}
    for key in ("sar_hv", "chart_sod", "sod_confidence", "floe", "sic", "sar_hh", "sod"):
        written[key] = tmp_path / f"{key}.tif"
        if key != "sar_hv":
            (tmp_path / f"{key}.qml").write_text("<qgis/>")
    layers = run_layers(written, tmp_path)
    assert [layer["key"] for layer in layers] == [
        "sic",
        "sod",
        "floe",
        "sod_confidence",
        "chart_sod",
        "sar_hh",
        "sar_hv",
    ]
    by_key = {layer["key"]: layer for layer in layers}
    assert by_key["sic"] == {
        "key": "sic",
        "file": "sic.tif",
        "kind": "prediction",
        "chart": "SIC",
        "style": "sic.qml",
        "title": "Concentration [%]",
        "visible": True,
    }
    assert (
        by_key["chart_sod"]["title"] == "Ice chart: stage of development"
        and by_key["chart_sod"]["kind"] == "reference"
    )
    assert by_key["sod_confidence"]["title"] == "Stage confidence [%]"
    assert by_key["sar_hv"]["style"] is None and by_key["sar_hv"]["chart"] is None
    assert [k for k, layer in by_key.items() if layer["visible"]] == ["sic", "sar_hh"]


def test_a_format_1_record_still_reads():
    record = {"scene": "x", "layers": {"sar_hh": "sar_hh.tif", "sic": "sic.tif"}}
    first, second = record_layers(record)
    assert (first.key, first.kind, first.style, first.title) == (
        "sic",
        "prediction",
        "sic.qml",
        "Concentration [%]",
    )
    assert second.kind == "sar"


def test_a_folder_without_run_json_is_a_clear_error(tmp_path):
    with pytest.raises(RunFolderError, match=r"is not a finished Sea Ice Mapper run: run\.json"):
        read_record(tmp_path)
    (tmp_path / "run.json").write_text("[1, 2]")
    with pytest.raises(RunFolderError, match="run a prediction first"):
        read_record(tmp_path)


def test_find_run_picks_the_folder_made_from_that_scene_file(tmp_path):
    for name, scene_file in (("a", "a_prep.nc"), ("b", "b_prep.nc")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "run.json").write_text(
            json.dumps({"scene": name, "scene_file": scene_file})
        )
    (tmp_path / "junk").mkdir()
    assert find_run(tmp_path, "b_prep.nc") == tmp_path / "b"
    assert find_run(tmp_path, "c_prep.nc") is None
    assert find_run(tmp_path / "missing", "a_prep.nc") is None


def test_the_contract_and_the_argument_builders_import_nothing_heavy():
    probe = (
        "import sys, core.output.contract, core.engine.arguments, core.engine.protocol\n"
        "heavy = {'numpy','torch','netCDF4','rasterio','shapely','pyogrio','pandas','xarray'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
