"""Synthetic products around the real annotation set, read back: the known σ⁰ is recovered,
and a reader that skips noise removal or smears it across a sub-swath boundary is caught."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from core.safe.product import ProductWarning
from core.safe.radiometry import FLOOR_DB, sigma0_db
from core.safe.scene import SafeScene
from core.scene.statistics import scale
from core.synthetic.safe import SafeConfig, build_safe
from tests.repo_paths import SHARED_REAL

PRODUCTS = sorted((SHARED_REAL / "sar").glob("S1*_EW_GRDM_*")) if SHARED_REAL.is_dir() else []
pytestmark = pytest.mark.skipif(
    not PRODUCTS, reason="the real annotation set ../shared/data/real/sar/ is absent"
)
# Lines 1250-1650 hold the block change at line 1345; samples 2900-5300 the EW1/EW2 (3112,
# 3118 before line 1345) and EW2/EW3 (5013, 5021) boundaries.
ROUND_TRIP = SafeConfig(lines=(1250, 1650), samples=(2900, 5300), seed=7)
BIAS_DB, COLUMN_DB = 0.15, 0.3
SAR = {"HH": "nersc_sar_primary", "HV": "nersc_sar_secondary"}


def open_quietly(path, **kwargs) -> SafeScene:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProductWarning)  # the real scene lies far east
        return SafeScene(path, required=(), **kwargs)


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    return build_safe(PRODUCTS[0], tmp_path_factory.mktemp("rt"), ROUND_TRIP, make_zip=True)


@pytest.fixture(scope="module")
def scene(product):
    with open_quietly(product.folder) as opened:
        yield opened


def round_trip_errors(db: np.ndarray, truth: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean dB error over valid pixels, and each column's residual (dB of the ratio of column
    means in linear units: the log of a noisy estimate is biased low where HV sits at the
    noise floor, which no reader can avoid; an error in the noise itself shows either way)."""
    ok = np.isfinite(db)
    bias = float(np.mean(db[ok] - truth[ok]))
    linear = np.where(ok, 10 ** (db / 10), 0.0)
    columns = 10 * np.log10(linear.sum(0) / np.where(ok, 10 ** (truth / 10), 0).sum(0))
    return bias, columns


def passes(db: np.ndarray, truth: np.ndarray) -> bool:
    bias, columns = round_trip_errors(db, truth)
    return abs(bias) < BIAS_DB and bool(np.all(np.abs(columns) <= COLUMN_DB))


@pytest.mark.parametrize("pol", ["HH", "HV"])
def test_round_trip_recovers_the_known_sigma0(scene, product, pol):
    db = scene.physical(SAR[pol])
    assert np.isfinite(db).mean() > 0.99
    bias, columns = round_trip_errors(db, product.truth(pol))
    assert abs(bias) < BIAS_DB, bias
    assert np.abs(columns).max() <= COLUMN_DB, np.abs(columns).max()


# -- faulty readers, to show the check catches them ---------------------------------------------
def _read_with_noise(product, pol, change):
    with open_quietly(product.folder) as opened:
        p = opened.product
        noise = change(p.noise(pol))
        return sigma0_db(p.measurement_path(pol), p.calibration(pol), noise, p.image_shape)


def without_noise_removal(noise):
    zero = dataclasses.replace(noise.range, values=[0 * v for v in noise.range.values])
    return dataclasses.replace(noise, range=zero)


def smeared_across_boundaries(noise):
    """What a reader regridding the ragged vectors onto one regular 40-pixel axis does: the
    jump between samples 3111 and 3112 becomes a ramp over 40 pixels."""
    axis = np.arange(0, max(p[-1] for p in noise.range.pixels) + 40, 40.0)
    values = [np.interp(axis, p, v) for p, v in zip(noise.range.pixels, noise.range.values)]
    smeared = dataclasses.replace(noise.range, pixels=[axis] * len(values), values=values)
    return dataclasses.replace(noise, range=smeared)


@pytest.mark.parametrize("pol", ["HH", "HV"])
def test_the_check_fails_a_reader_without_noise_removal(product, pol):
    db = _read_with_noise(product, pol, without_noise_removal)
    bias, columns = round_trip_errors(db, product.truth(pol))
    assert not passes(db, product.truth(pol))
    assert bias > BIAS_DB and columns.max() > 2 * COLUMN_DB


def test_the_check_fails_a_reader_that_smears_noise_across_a_boundary(product):
    truth = product.truth("HV")
    db = _read_with_noise(product, "HV", smeared_across_boundaries)
    assert not passes(db, truth)
    _, columns = round_trip_errors(db, truth)
    worst = int(np.argmax(np.abs(columns)))
    boundary = [(s - 2900) / 2 for s in (3112, 3118, 5013, 5021)]
    assert min(abs(worst - b) for b in boundary) <= 20  # the stripe sits at a boundary


# -- no data, floor, zip ----------------------------------------------------------------------
def test_outside_the_noise_blocks_is_no_data_and_fills_like_ready_to_train(tmp_path):
    zeros = (300, 340, 1000, 1100)  # also a patch of DN = 0 inside the swaths
    config = SafeConfig(lines=(0, 500), samples=(2900, 5300), seed=3, zero_window=zeros)
    product = build_safe(PRODUCTS[0], tmp_path, config)
    with open_quietly(product.folder) as scene:
        hh = scene.physical("nersc_sar_primary")
        # lines 0-127: EW1 alone, samples 0-3129 up to line 78, then 0-3128; 80 m column
        # 114 covers samples 3128-3129, so it is valid only while both are in the block
        assert np.isfinite(hh[:63, :114]).all() and np.isnan(hh[:63, 115:]).all()
        assert np.isfinite(hh[:39, 114]).all() and np.isnan(hh[40:63, 114]).all()
        assert np.isnan(hh[150:170, 500:550]).all()
        assert np.isfinite(hh[240:, 600]).all()  # EW2 from line 128 onward
        scaled = scene.read("nersc_sar_primary")
        assert (scaled[np.isnan(hh)] == 0).all()  # NaN -> 0 after scaling, as AI4Arctic
        for name in ("sar_incidenceangle", "distance_map", "nersc_sar_secondary"):
            assert (scene.read(name)[np.isnan(hh)] == 0).all()  # masks aligned
        assert not scene.valid_sar()[np.isnan(hh)].any()


def test_non_positive_sigma0_is_floored_not_filled(tmp_path):
    config = SafeConfig(lines=(2000, 2200), samples=(2900, 4100), seed=5, hv_offset_db=-14)
    product = build_safe(PRODUCTS[0], tmp_path, config)
    with open_quietly(product.folder) as scene:
        hv = scene.physical("nersc_sar_secondary")
        floored = hv == np.float32(FLOOR_DB)
        assert floored.mean() > 0.05 and np.isfinite(hv).all()
        scaled = scene.read("nersc_sar_secondary")
        np.testing.assert_allclose(
            scaled[floored], scale("nersc_sar_secondary", FLOOR_DB), rtol=1e-5
        )
        assert (scaled[floored] != 0).all()  # not the fill value: that would be the HV mean


def test_zip_and_manifest_inputs_equal_the_folder(product, scene):
    with (
        open_quietly(product.zip_path) as from_zip,
        open_quietly(product.folder / "manifest.safe") as from_manifest,
    ):
        assert from_zip.info.shape == scene.info.shape
        for name in SAR.values():
            np.testing.assert_array_equal(from_zip.read(name), scene.read(name))
            np.testing.assert_array_equal(from_manifest.read(name), scene.read(name))
        np.testing.assert_array_equal(from_zip.latlon()[0], scene.latlon()[0])
