"""A prediction run end to end: GeoTIFFs read back with rasterio, atomic, resumable, CLI."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import rasterio
from rasterio.env import get_gdal_config
from rasterio.vrt import WarpedVRT

from core.errors import RunCancelledError
from core.icechart.classes import CHARTS, MASK
from core.output.georef import SwathGeoref, pixel_of
from core.output.geotiff import block_cache
from core.output.layers import SAR_LAYERS, SAR_NODATA, sar_decibels
from core.predict.batch import Shard, collect_scenes
from core.predict.progress import Reporter
from core.predict.run import LoadedModel, PredictParams, predict_classes, run_prediction
from core.scene.geolocation import pixel_xy
from core.scene.reader import open_scene
from core.scene.writer import OutputExistsError
from repo_paths import REPO_ROOT

CHART_KEYS = ("sic", "sod", "floe")
EXPECTED_LAYERS = {
    *CHART_KEYS,
    *(f"{k}_confidence" for k in CHART_KEYS),
    *(f"chart_{k}" for k in CHART_KEYS),
    "sar_hh",
    "sar_hv",
}


@pytest.fixture(scope="module")
def run(medium_scene, random_bundle, tmp_path_factory):
    stages = []
    out = tmp_path_factory.mktemp("runs")
    params = PredictParams(weights=random_bundle, device="cpu")
    result = run_prediction(
        medium_scene, out, params, report=Reporter(lambda s, f: stages.append((s, f)))
    )
    return result, stages


def test_a_run_writes_every_layer_with_its_style(run):
    result, stages = run
    assert set(result.layers) == EXPECTED_LAYERS
    for path in result.layers.values():
        assert path.is_file() and path.with_suffix(".qml").is_file()
    assert stages[0][0] == "reading" and stages[-1][0] == "writing layers"
    fractions = [f for _, f in stages]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] <= 1
    record = json.loads((result.folder / "run.json").read_text())
    assert record["model"]["sha256"] == result.model_sha256 and record["device"].startswith("CPU")
    assert set(record["seconds"]) >= {"reading", "model", "writing layers"}
    assert not list(result.folder.parent.glob(".*"))  # no staging folder left behind


@pytest.mark.parametrize("key", CHART_KEYS)
def test_chart_layers_have_crs_nodata_colours_names_and_valid_values(run, key):
    result, _ = run
    chart = CHARTS[key.upper()]
    with rasterio.open(result.layers[key]) as ds:
        assert ds.crs.to_epsg() == 3413 and ds.nodata == MASK and ds.dtypes == ("uint8",)
        assert ds.res == (800.0, 800.0)
        values = set(np.unique(ds.read(1)).tolist())
        colours = ds.colormap(1)
        tags = ds.tags()
    assert values - {MASK} and values <= set(chart.raster_values) | {MASK}
    for value, ice_class in zip(chart.raster_values, chart.classes):
        assert colours[value][:3] == ice_class.colour
    assert (
        tags["MODEL_SHA256"] == result.model_sha256 and tags["SCENE"] == result.scene.scene_id.name
    )
    assert tags["LAYER"] == key and "DEVICE" in tags and "SEA_ICE_MAPPER_VERSION" in tags
    aux = ET.parse(str(result.layers[key]) + ".aux.xml").getroot()
    names = [c.text or "" for c in aux.iter("Category")]
    assert names[chart.raster_values[-1]] == chart.classes[-1].label


def test_all_chart_layers_share_one_grid(run):
    result, _ = run
    grids = set()
    for key in EXPECTED_LAYERS - {"sar_hh", "sar_hv"}:
        with rasterio.open(result.layers[key]) as ds:
            grids.add((ds.transform, ds.width, ds.height))
    assert len(grids) == 1


def test_sar_layers_keep_the_swath_grid_and_land_where_its_tie_points_say(run, medium_scene):
    """SAR HH as QGIS shows it (GDAL's automatic warp through the GCPs, what QGIS opens for a
    raster with GCPs), read at the map position of scene pixels: that pixel's dB value, or a
    neighbour's (nearest neighbour on a grid of its own), never a distant one."""
    result, _ = run
    with open_scene(medium_scene) as scene:
        lat, lon = scene.latlon()
        shape = scene.info.shape
        db, _ = sar_decibels(scene, SAR_LAYERS["sar_hh"])
    x, y = pixel_xy(lat, lon, shape, step=1)
    with rasterio.open(result.layers["sar_hh"]) as ds:
        assert (ds.height, ds.width) == shape and ds.overviews(1) == [2, 4, 8, 16]
        gcps, crs = ds.gcps
        assert len(gcps) == lat.size and crs == rasterio.crs.CRS.from_epsg(3413)
        with WarpedVRT(ds) as vrt:
            assert vrt.res == pytest.approx((80, 80), rel=0.05)
            shown = vrt.read(1)
            transform = vrt.transform
    assert -40 < db[db != SAR_NODATA].mean() < 0  # dB, not standard-scaled values
    rng = np.random.default_rng(0)
    for row, col in zip(rng.integers(2, shape[0] - 2, 300), rng.integers(2, shape[1] - 2, 300)):
        c, r = ~transform * (x[row, col], y[row, col])
        value = shown[int(r), int(c)]
        assert np.isclose(db[row - 1 : row + 2, col - 1 : col + 2], value, atol=0.02).any()


def test_the_sar_layers_block_cache_is_sized_in_megabytes_and_restored():
    before = get_gdal_config("GDAL_CACHEMAX")
    with block_cache(64):
        assert get_gdal_config("GDAL_CACHEMAX") == 64 << 20  # not 64 bytes: no cache at all
    assert get_gdal_config("GDAL_CACHEMAX") == before


def test_confidence_is_percent(run):
    result, _ = run
    with rasterio.open(result.layers["sod_confidence"]) as ds:
        values = ds.read(1, masked=True)
    assert 0 < values.min() and values.max() <= 100


def test_a_pixel_lands_where_its_latitude_longitude_says(run, medium_scene):
    """The scene's own chart, warped, read back at the map position of scene pixels that the
    tie-point grid gives: same class (pixels inside homogeneous areas, away from edges)."""
    result, _ = run
    with open_scene(medium_scene) as scene:
        lat, lon = scene.latlon()
        labels = scene.read_chart("SOD", step=10)
        shape = scene.info.shape
    x, y = pixel_xy(lat, lon, shape, step=1)
    with rasterio.open(result.layers["chart_sod"]) as ds:
        warped = ds.read(1)
        grid = type("Grid", (), {"transform": ds.transform})
    checked = 0
    for i in range(1, labels.shape[0] - 1):
        for j in range(1, labels.shape[1] - 1):
            block = labels[i - 1 : i + 2, j - 1 : j + 2]
            if (block == block[1, 1]).all() and block[1, 1] != MASK:
                row, col = pixel_of(grid, x[10 * i + 5, 10 * j + 5], y[10 * i + 5, 10 * j + 5])
                assert warped[row, col] == labels[i, j], (i, j)
                checked += 1
    assert checked > 200


def test_georeferencing_places_every_pixel_within_one_cell(medium_scene):
    with open_scene(medium_scene) as scene:
        lat, lon = scene.latlon()
        shape = scene.info.shape
    georef = SwathGeoref(lat, lon, shape)
    grid = georef.grid(800, 800)
    h, w = 40, 46
    index = np.arange(h * w, dtype=np.int32).reshape(h, w)
    warped = georef.warp(index, 10, grid, nodata=-1)
    x, y = pixel_xy(lat, lon, shape, step=1)
    errors = []
    for i in range(1, h - 1):  # edge pixels may fall in an output cell centred off the swath
        for j in range(1, w - 1):
            row, col = pixel_of(grid, x[10 * i + 5, 10 * j + 5], y[10 * i + 5, 10 * j + 5])
            value = warped[row, col]
            errors.append(max(abs(value // w - i), abs(value % w - j)))
    errors = np.array(errors)
    assert errors.max() <= 1 and (errors == 0).mean() > 0.8


def test_scoring_form_is_on_the_80_m_grid(medium_scene, random_bundle):
    loaded = LoadedModel.load(random_bundle, "cpu")
    classes = predict_classes(medium_scene, loaded)
    assert {k: v.shape for k, v in classes.items()} == {
        c: (400, 460) for c in ("SIC", "SOD", "FLOE")
    }
    assert classes["SIC"].dtype == np.uint8
    assert set(np.unique(classes["SIC"])) <= {*range(11), MASK}


def test_existing_outputs_are_not_overwritten_without_consent(run, random_bundle, medium_scene):
    result, _ = run
    before = (result.folder / "run.json").read_text()
    with pytest.raises(OutputExistsError, match="already exists"):
        run_prediction(medium_scene, result.folder.parent, PredictParams(weights=random_bundle))
    assert (result.folder / "run.json").read_text() == before


def test_a_cancelled_run_leaves_nothing(medium_scene, random_bundle, tmp_path):
    calls = []

    def cancel_when_writing():
        return bool(calls) and calls[-1] == "writing layers"

    reporter = Reporter(lambda stage, f: calls.append(stage), cancel_when_writing)
    with pytest.raises(RunCancelledError):
        run_prediction(
            medium_scene, tmp_path, PredictParams(weights=random_bundle), report=reporter
        )
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_overwrite_keeps_the_previous_run(run, medium_scene, random_bundle):
    result, _ = run
    before = (result.folder / "run.json").read_text()
    reporter = Reporter(None, lambda: True)
    with pytest.raises(RunCancelledError):
        params = PredictParams(weights=random_bundle, overwrite=True)
        run_prediction(medium_scene, result.folder.parent, params, report=reporter)
    assert (result.folder / "run.json").read_text() == before


def test_a_bad_crs_is_refused_before_any_work(medium_scene, random_bundle, tmp_path):
    from core.errors import SeaIceMapperError

    with pytest.raises(SeaIceMapperError, match="not projected"):
        run_prediction(
            medium_scene, tmp_path, PredictParams(weights=random_bundle, crs="EPSG:4326")
        )
    assert list(tmp_path.iterdir()) == []


def test_shards_split_a_list_and_default_from_slurm():
    scenes = [f"s{i}" for i in range(7)]
    assert Shard.parse("1/3").take(scenes) == ["s1", "s4"]
    env = {"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"}
    assert Shard.parse(None, env).take(scenes) == ["s2", "s5"]
    assert Shard.parse(None, {}).take(scenes) == scenes


def test_scene_lists_accept_official_datalist_names(tmp_path):
    raw = (
        "S1A_EW_GRDM_1SDH_20180124T194759_20180124T194859_020301_022AA4_1F75_icechart_dmi_"
        "201801241950_SouthEast_RIC.nc"
    )
    (tmp_path / "list.json").write_text(json.dumps([raw, "20180707T113313_cis_prep.nc"]))
    assert [p.name for p in collect_scenes([tmp_path / "list.json"])] == [
        "20180124T194759_dmi_prep.nc",
        "20180707T113313_cis_prep.nc",
    ]


def test_cli_batch_skips_done_scenes_and_reports_broken_ones(medium_scene, random_bundle, tmp_path):
    broken = tmp_path / "20200101T000000_cis_prep.nc"
    broken.write_bytes(b"not a netcdf file at all")
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "core",
        "predict",
        str(medium_scene),
        str(broken),
        "--weights",
        str(random_bundle),
        "--out",
        str(out),
        "--no-sar",
    ]
    first = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert first.returncode == 1, first.stderr
    assert "1 predicted, 0 already done, 1 failed" in first.stdout
    assert "is not a netCDF file" in first.stdout
    second = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert "0 predicted, 1 already done, 1 failed" in second.stdout
    layers = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert layers == [medium_scene.name[:19]]
