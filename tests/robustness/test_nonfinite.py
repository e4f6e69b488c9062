"""Silently wrong results: NaN/inf in inputs, weights or outputs are masked or refused, never
charted as open water or 100 % ice with full confidence."""

from __future__ import annotations

import json
import shutil

import netCDF4
import numpy as np
import pytest
import rasterio
import torch
from robust_cases import GOOD_SCENE

from core.errors import ModelFormatError
from core.icechart.classes import MASK
from core.model.bundle import load_bundle, save_bundle
from core.model.manifest import Manifest, read_manifest
from core.model.unet import MultiTaskUNet, UNetConfig
from core.predict.decide import decide
from core.predict.forward import RawOutputs
from core.predict.params import PredictParams
from core.predict.run import LoadedModel, predict_classes, run_prediction

# the scene is 64 × 80 pixels: the model's ×10 grid is 7 × 8 cells; the 2 km grid 2 × 3 cells
BAD_CELL = (slice(0, 25), slice(0, 25))  # the first 2 km cell = model cells [0:3, 0:3]


def scene_with(tmp_path, name: str, index, value: float):
    path = tmp_path / GOOD_SCENE.name
    shutil.copy(GOOD_SCENE, path)
    with netCDF4.Dataset(path, "a") as ds:
        ds.set_auto_mask(False)
        ds[name][index] = value
    return path


@pytest.fixture(scope="module")
def loaded(random_bundle):
    return LoadedModel.load(random_bundle, "cpu")


@pytest.mark.parametrize(
    ("variable", "index", "value"),
    [
        ("t2m", (0, 0), np.inf),
        ("t2m", (0, 0), -np.inf),
        ("btemp_36_5v", (0, 0), np.nan),
        ("nersc_sar_secondary", (slice(0, 30), slice(0, 30)), np.nan),
        ("sar_incidenceangle", (slice(0, 30), slice(0, 30)), np.inf),
        ("distance_map", (slice(0, 30), slice(0, 30)), np.nan),
    ],
    ids=["t2m+inf", "t2m-inf", "amsr2-nan", "hv-nan", "angle-inf", "distance-nan"],
)
def test_non_finite_inputs_are_masked_not_charted(
    tmp_path, random_bundle, loaded, variable, index, value
):
    scene = scene_with(tmp_path, variable, index, value)
    clean = predict_classes(GOOD_SCENE, loaded)
    dirty = predict_classes(scene, loaded)
    # rows/cols of the 80 m grid whose model cell saw the bad value are MASK in every chart
    for chart in ("SIC", "SOD", "FLOE"):
        assert (dirty[chart][:10, :10] == MASK).all(), chart
        untouched = clean[chart][40:, 40:]
        np.testing.assert_array_equal(dirty[chart][40:, 40:], untouched)
    # and the written run says the same: no class, no confidence there
    params = PredictParams(weights=random_bundle, device="cpu", sar_layers=False)
    folder = run_prediction(scene, tmp_path / "out", params, loaded).folder
    with (
        rasterio.open(folder / "sic.tif") as sic,
        rasterio.open(folder / "sic_confidence.tif") as conf,
    ):
        assert (sic.read(1) != MASK).any()
        assert not np.isin(conf.read(1), [100]).all()


def test_non_finite_outputs_are_masked_and_all_non_finite_refused():
    sic = np.array([[1.0, np.nan], [np.inf, 5.2]], np.float32)
    sod = np.full((6, 2, 2), 1 / 6, np.float32)
    floe = np.full((7, 2, 2), 1 / 7, np.float32)
    floe[:, 1, 1] = np.nan
    prediction = decide(RawOutputs(sic, sod, floe), np.ones((2, 2), bool))
    np.testing.assert_array_equal(prediction.valid, [[True, False], [False, False]])
    assert prediction.sic[0, 0] == 1 and (prediction.sic.ravel()[1:] == MASK).all()
    assert (prediction.sic_confidence.ravel()[1:] == MASK).all()
    with pytest.raises(ModelFormatError, match="no finite output"):
        decide(RawOutputs(sic * np.nan, sod, floe), np.ones((2, 2), bool))


def test_nan_weights_are_refused_naming_a_tensor(tmp_path):
    model = MultiTaskUNet(UNetConfig())
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float("nan"))
    path = save_bundle(model, Manifest(architecture={}), tmp_path / "nan")
    with pytest.raises(
        ModelFormatError, match=r"NaN or infinite values in \d+ tensor\(s\) \(e\.g\. "
    ):
        load_bundle(path)


@pytest.mark.parametrize("field", ["latitude_mean_std", "longitude_mean_std"])
@pytest.mark.parametrize("std", [0.0, -1.0, float("inf")])
def test_a_zero_or_impossible_std_is_refused_naming_it(tmp_path, random_bundle, field, std):
    data = json.loads(random_bundle.read_text())
    data[field] = [10.0, std]
    shutil.copy(random_bundle.with_suffix(".safetensors"), tmp_path / "m.safetensors")
    data["weights_file"] = "m.safetensors"
    (tmp_path / "m.json").write_text(json.dumps(data))
    with pytest.raises(ModelFormatError, match=field):
        read_manifest(tmp_path / "m.json")
