"""The model's input stack: channels straight at the downscaled grid, correctly aligned."""

import netCDF4
import numpy as np
import pytest

from core.model.manifest import MMSEAICE_CHANNELS
from core.predict.inputs import InputSpec, build_inputs, coarse_indices, downscaled_shape
from core.scene.reader import open_scene
from core.scene.statistics import LATITUDE_MEAN_STD, LONGITUDE_MEAN_STD, scale
from core.synthetic.generate import SynthConfig, synthesize

SPEC = InputSpec(MMSEAICE_CHANNELS, 10, "nearest", LATITUDE_MEAN_STD, LONGITUDE_MEAN_STD)


@pytest.fixture(scope="module")
def odd_scene(tmp_path_factory):
    """410 × 470 pixels: not a whole number of 2 km cells (16 × 18 cells), like real scenes.

    Its 2 km field btemp_18_7h holds 1000·row + column of each cell, and its tie points a
    latitude/longitude linear in the tie-point index, so every expected value is known.
    """
    path = synthesize(tmp_path_factory.mktemp("odd"), SynthConfig(lines=410, samples=470, seed=4))
    with netCDF4.Dataset(path, "a") as ds:
        rows, cols = ds["btemp_18_7h"].shape
        ds["btemp_18_7h"][:] = np.add.outer(1000 * np.arange(rows), np.arange(cols))
        i, j = np.meshgrid(np.arange(21), np.arange(21), indexing="ij")
        ds["sar_grid2d_latitude"][:] = 70 + 0.01 * i + 0.002 * j
        ds["sar_grid2d_longitude"][:] = -50 + 0.03 * j - 0.005 * i
    return path


def test_coarse_cells_are_aligned_exactly(odd_scene):
    with open_scene(odd_scene) as scene:
        inputs = build_inputs(scene, SPEC)
    got = inputs.x[SPEC.channels.index("btemp_18_7h")]
    assert got.shape == downscaled_shape((410, 470), 10) == (41, 47)
    i, j = np.meshgrid(np.arange(41), np.arange(47), indexing="ij")
    expected = 1000 * np.minimum(10 * i // 25, 15) + np.minimum(10 * j // 25, 17)
    np.testing.assert_array_equal(got, expected)
    # The reference stretches 16 cells over 410 lines: row 200 would read cell 7, not 8.
    reference_rows = (10 * np.arange(41) * 16) // 410
    assert (reference_rows != expected[:, 0] // 1000).sum() > 5


def test_coarse_index_of_block_centres():
    positions = np.array([0.0, 24.0, 24.5, 25.0, 4999.0])
    np.testing.assert_array_equal(coarse_indices(positions, 199), [0, 0, 1, 1, 198])


def test_latitude_longitude_are_interpolated_bilinearly_and_normalised(odd_scene):
    with open_scene(odd_scene) as scene:
        inputs = build_inputs(scene, SPEC)
    lat = inputs.x[SPEC.channels.index("aux_lat")] * LATITUDE_MEAN_STD[1] + LATITUDE_MEAN_STD[0]
    lon = inputs.x[SPEC.channels.index("aux_long")] * LONGITUDE_MEAN_STD[1] + LONGITUDE_MEAN_STD[0]
    r, c = np.meshgrid(10 * np.arange(41) * 20 / 409, 10 * np.arange(47) * 20 / 469, indexing="ij")
    np.testing.assert_allclose(lat, 70 + 0.01 * r + 0.002 * c, atol=1e-4)
    np.testing.assert_allclose(lon, -50 + 0.03 * c - 0.005 * r, atol=1e-4)


def test_month_encoding_and_sar_channels(odd_scene):
    with open_scene(odd_scene) as scene:
        inputs = build_inputs(scene, SPEC)
        month = scene.info.time.month
        hh = scene.read("nersc_sar_primary")
    np.testing.assert_allclose(inputs.x[SPEC.channels.index("aux_time")], 2 * (month - 1) / 11 - 1)
    np.testing.assert_array_equal(inputs.x[0], hh[::10, ::10])  # nearest: top-left of each block


def test_mean_downscaling_averages_valid_pixels(odd_scene):
    spec = InputSpec(("nersc_sar_primary", "distance_map"), 10, "mean")
    with open_scene(odd_scene) as scene:
        inputs = build_inputs(scene, spec)
        hh = scene.read("nersc_sar_primary")
    block = hh[100:110, 200:210]
    valid = block != 0
    assert valid.any()
    assert inputs.x[0, 10, 20] == pytest.approx(block[valid].mean(), rel=1e-5)
    edge = hh[400:410, 460:470]  # the last, complete, block
    assert inputs.x[0, 40, 46] == pytest.approx(edge[edge != 0].mean() if (edge != 0).any() else 0)


def test_no_sar_and_land_are_invalid(odd_scene, tmp_path):
    path = tmp_path / odd_scene.name
    path.write_bytes(odd_scene.read_bytes())
    with netCDF4.Dataset(path, "a") as ds:
        ds["nersc_sar_primary"][0:50, :] = 0.0  # the fill value: no SAR
        ds["distance_map"][:, 0:100] = scale("distance_map", 0.0)  # distance zone 0: land
        ds["distance_map"][:, 100:] = scale("distance_map", 12.0)
        ds["nersc_sar_primary"][50:, :] = 0.5
    with open_scene(path) as scene:
        valid = build_inputs(scene, SPEC).valid
    assert not valid[:5].any() and not valid[:, :10].any()
    assert valid[5:, 10:].all()


def test_only_the_variables_a_model_needs_are_required():
    spec = InputSpec(("nersc_sar_primary", "nersc_sar_secondary", "aux_lat"))
    assert set(spec.variables()) == {
        "nersc_sar_primary",
        "nersc_sar_secondary",
        "distance_map",
        "sar_grid2d_latitude",
        "sar_grid2d_longitude",
    }
