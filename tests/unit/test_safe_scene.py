"""A Sentinel-1 product goes wherever a ready-to-train scene goes: ``open_scene``, batch
collection, the model's input channels, ``prepare`` and ``predict`` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import netCDF4
import numpy as np
import pytest

from core.model.manifest import AUX_CHANNELS
from core.predict.batch import collect_scenes
from core.predict.inputs import InputSpec, build_inputs
from core.safe.landmask import distance_km
from core.safe.prepare import PrepareParams, prepare
from core.safe.radiometry import grid_shape
from core.safe.scene import SafeScene
from core.scene.reader import Scene, open_scene
from core.scene.schema import LATLON_VARIABLES, SAR_VARIABLES
from core.scene.statistics import scale
from core.scene.writer import OutputExistsError
from core.synthetic.safe import SafeConfig, build_safe
from tests.repo_paths import REPO_ROOT, SHARED_REAL

PRODUCTS = sorted((SHARED_REAL / "sar").glob("S1*_EW_GRDM_*")) if SHARED_REAL.is_dir() else []
pytestmark = [
    pytest.mark.skipif(
        not PRODUCTS, reason="the real annotation set ../shared/data/real/sar/ is absent"
    ),
    pytest.mark.filterwarnings("ignore::core.safe.product.ProductWarning"),
]
SAFE_ONLY = (*SAR_VARIABLES, *AUX_CHANNELS)  # HH, HV, incidence, distance, month, lat, lon


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    config = SafeConfig(lines=(1300, 1700), samples=(2900, 4500), seed=2)
    return build_safe(PRODUCTS[0], tmp_path_factory.mktemp("scene"), config, make_zip=True)


def test_open_scene_dispatches_every_product_form(product):
    for path in (product.folder, product.folder / "manifest.safe", product.zip_path):
        with open_scene(path, required=SAR_VARIABLES + LATLON_VARIABLES) as scene:
            assert isinstance(scene, SafeScene) and isinstance(scene, Scene)
            assert scene.info.shape == (200, 800)
            assert scene.info.scene_id.name == "20221130T014342_safe"
            assert scene.info.original_id == product.folder.name.removesuffix(".SAFE")
            assert scene.info.charts_in is None


def test_collect_scenes_takes_products_and_folders_of_them(product, tmp_path):
    assert collect_scenes([product.zip_path]) == [product.zip_path]
    found = collect_scenes([product.folder.parent])
    assert product.folder in found and product.zip_path in found


def test_a_products_bands_are_not_handed_to_a_read_helper(product):
    """Its 80 m arrays are computed in this process: another could only compute them again."""
    from core.scene.read_helper import read_helper

    spec = InputSpec(channels=SAFE_ONLY, factor=10)
    with open_scene(product.zip_path, required=spec.variables()) as scene, read_helper() as helper:
        assert helper is not None
        helped = build_inputs(scene, spec, helper=helper)
        assert helper.delivered == 0
        np.testing.assert_array_equal(helped.x, build_inputs(scene, spec).x)


def test_channel_assembly_of_a_safe_only_model(product):
    spec = InputSpec(
        channels=SAFE_ONLY,
        factor=10,
        latitude_mean_std=(69.1253, 7.0318),
        longitude_mean_std=(-56.3897, 31.3294),
    )
    with open_scene(product.zip_path, required=spec.variables()) as scene:
        inputs = build_inputs(scene, spec)
        incidence = scene.physical("sar_incidenceangle")[::10, ::10]
        hh = scene.physical("nersc_sar_primary")[::10, ::10]
        km = scene.physical("distance_map")[::10, ::10]
    x = dict(zip(SAFE_ONLY, inputs.x))
    assert inputs.x.shape == (7, 20, 80)
    np.testing.assert_allclose(x["aux_time"], 2 * (11 - 1) / 11 - 1)  # November: +0.818
    assert x["aux_time"][0, 0] == pytest.approx(0.818, abs=1e-3)
    ok = np.isfinite(incidence)
    np.testing.assert_allclose(
        x["sar_incidenceangle"][ok], scale("sar_incidenceangle", incidence[ok]), rtol=1e-5
    )
    assert 80 < (x["aux_lat"] * 7.0318 + 69.1253).mean() < 81
    assert ((x["aux_long"] * 31.3294 - 56.3897) > 90).all()  # far east: z-scores ~4.9
    # this crop lies over Severnaya Zemlya: land (distance < 0.5 km) is not predicted
    land = km < 0.5
    assert land.mean() > 0.5
    np.testing.assert_array_equal(inputs.valid, np.isfinite(hh) & ~land)


def test_distance_map_finds_severnaya_zemlya():
    from core.safe.annotation import ProductAnnotation

    hh = ProductAnnotation.parse((PRODUCTS[0] / "annotation/ew-hh.xml").read_bytes(), "hh")
    km = distance_km(hh.grid, grid_shape((hh.lines, hh.samples)))[::10, ::10]
    land = km < 0.5
    assert 0.10 < land.mean() < 0.15  # 12.6 % land at 800 m in the design note
    assert km.max() == pytest.approx(60.0)  # capped
    # Severnaya Zemlya (78-81.5 N, 91-107 E) lies under the near-range edge (pixel 0 runs
    # from 80.1 N 102.8 E to 76.9 N 91.7 E); the far range is open Kara Sea
    assert land[:, :60].mean() > 0.2 and land[:, -60:].mean() < 0.05


def test_prepare_writes_a_ready_to_train_file_that_reads_back(product, tmp_path):
    out = tmp_path / "20221130T014342_safe_prep.nc"
    assert prepare(PrepareParams(product.zip_path, out)) == out
    with netCDF4.Dataset(out) as ds:
        assert ds.source == "Sentinel-1 SAFE product" and ds.ipf_version == "3.52"
        assert "range and azimuth" in ds.noise_removal and ds.sar_floor_db == -35.0
        assert ds.era5_source == "none" and ds.original_id.startswith("S1A_EW_GRDM_1SDH")
    wanted = SAR_VARIABLES + LATLON_VARIABLES
    with open_scene(out, required=wanted) as rtt, open_scene(product.zip_path) as safe:
        assert type(rtt) is Scene
        assert rtt.info.scene_id == safe.info.scene_id and rtt.info.shape == safe.info.shape
        for name in SAR_VARIABLES:
            np.testing.assert_array_equal(rtt.read(name), safe.read(name))
        np.testing.assert_array_equal(rtt.latlon()[1], safe.latlon()[1])
    with pytest.raises(OutputExistsError, match="already exists"):
        prepare(PrepareParams(product.zip_path, out))


def test_cli_predicts_a_safe_zip_end_to_end_with_the_safe_only_bundle(product, tmp_path):
    out = tmp_path / "runs"
    command = [
        sys.executable,
        "-m",
        "core",
        "predict",
        str(product.zip_path),
        "--out",
        str(out),
        "--quiet",
    ]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 predicted, 0 already done, 0 failed" in done.stdout
    folder = out / "20221130T014342_safe"
    names = {p.name for p in folder.iterdir()}
    assert {"sic.tif", "sod.tif", "floe.tif", "sar_hh.tif", "sar_hv.tif", "run.json"} <= names
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert record["scene"] == "20221130T014342_safe"
    assert record["model"]["path"].endswith("safe-only.json")  # chosen: no --weights given
    assert "7 channels" in record["model"]["summary"]
    again = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert "0 predicted, 1 already done" in again.stdout


def test_cli_refuses_a_safe_for_a_model_that_needs_ancillary_data(product, random_bundle, tmp_path):
    command = [
        sys.executable,
        "-m",
        "core",
        "predict",
        str(product.zip_path),
        "--weights",
        str(random_bundle),
        "--out",
        str(tmp_path / "runs"),
        "--quiet",
    ]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "SAFE-only bundle" in done.stdout and "btemp_18_7h" in done.stdout


def test_cli_prepare(product, tmp_path):
    out = tmp_path / "x_prep.nc"
    command = [sys.executable, "-m", "core", "prepare", str(product.folder), "--out", str(out)]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out) and out.exists()
    bad = subprocess.run(
        [*command[:4], str(tmp_path), "--out", str(tmp_path / "y.nc")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "holds no manifest.safe" in bad.stderr


def test_prepare_burns_a_sigrid3_chart_into_training_labels(product, tmp_path):
    import pyogrio
    import shapely

    with open_scene(product.folder) as scene:
        lat, lon = scene.latlon()
    middle = float(np.median(lon))
    west = shapely.box(lon.min() - 1, lat.min() - 1, middle, lat.max() + 1)
    east = shapely.box(middle, lat.min() - 1, lon.max() + 1, lat.max() + 1)
    columns = {
        "POLY_TYPE": ["I", "W"],
        "CT": ["92", ""],
        "CA": ["", ""],
        "SA": ["91", ""],
        "FA": ["05", ""],
    }
    chart = tmp_path / "chart.gpkg"
    pyogrio.raw.write(
        chart,
        shapely.to_wkb(shapely.multipolygons([[west], [east]])),
        [np.array(v, dtype=object) for v in columns.values()],
        list(columns),
        driver="GPKG",
        geometry_type="MultiPolygon",
        crs="EPSG:4326",
    )
    out = tmp_path / "labelled_prep.nc"
    prepare(PrepareParams(product.folder, out, chart=chart))
    with open_scene(out, required=SAR_VARIABLES + LATLON_VARIABLES) as scene:
        assert scene.info.charts_in == out
        sic, sod, floe = (scene.read_chart(name) for name in ("SIC", "SOD", "FLOE"))
    assert set(np.unique(sic)) == {0, 10}  # 92 = fast ice, 10/10; water 0
    assert set(np.unique(sod)) == {0, 4} and set(np.unique(floe)) == {0, 4}
    with netCDF4.Dataset(out) as ds:
        assert ds.ice_chart_source == "chart.gpkg"


def test_products_alone_default_to_the_safe_only_bundle(product, tmp_path):
    from core.safe.weights import default_weights_for

    bundle = tmp_path / "safe-only.json"
    assert default_weights_for([product.zip_path], bundle) is None  # not shipped: the default
    bundle.write_text("{}")
    assert default_weights_for([product.zip_path, product.folder], bundle) == bundle
    prep = tmp_path / "20190101T000000_cis_prep.nc"
    assert default_weights_for([product.zip_path, prep], bundle) is None  # mixed: one model


def test_the_shipped_safe_only_bundle_needs_only_what_a_product_provides():
    from core.model.manifest import read_manifest
    from core.safe.weights import SAFE_ONLY_WEIGHTS

    manifest = read_manifest(SAFE_ONLY_WEIGHTS)
    assert manifest.channels == SAFE_ONLY
    assert "SAFE-only demonstration weights" in manifest.training["note"]
