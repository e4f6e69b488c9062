"""The reader opens ready-to-train scenes lazily and rejects broken files with clear messages."""

import shutil
from datetime import datetime, timezone
from pathlib import Path

import netCDF4
import numpy as np
import pytest

from core.errors import SceneFormatError, SceneNotFoundError
from core.scene import schema
from core.scene.names import parse_scene_id, reference_path
from core.scene.reader import open_scene
from repo_paths import REPO_ROOT

SCENES = REPO_ROOT / "tests" / "data" / "scenes"
TEST_SCENE = SCENES / "20210430T205436_dmi_prep.nc"


def test_names_follow_the_ready_to_train_pattern():
    scene_id = parse_scene_id("20180707T113313_cis_prep.nc")
    assert scene_id.time == datetime(2018, 7, 7, 11, 33, 13, tzinfo=timezone.utc)
    assert scene_id.ice_service == "cis"
    assert scene_id.name == "20180707T113313_cis"
    assert reference_path("a/20180707T113313_cis_prep.nc").name == (
        "20180707T113313_cis_prep_reference.nc"
    )
    with pytest.raises(ValueError, match="not an AI4Arctic ready-to-train name"):
        parse_scene_id("S1A_EW_GRDM_1SDH_20180124T194759.nc")


def test_open_labelled_scene(labelled_scene):
    with open_scene(labelled_scene) as scene:
        info = scene.info
        assert info.shape == (64, 80)
        assert info.coarse_shape == (2, 3)
        assert info.ice_service == "cis"
        assert info.time == datetime(2019, 3, 15, 10, 15, tzinfo=timezone.utc)
        assert info.charts_in == labelled_scene
        assert len(scene.variables) == 29
        sic = scene.read_chart("SIC")
        assert sic.dtype == np.uint8 and sic.shape == (64, 80)
        assert set(np.unique(sic)) <= set(range(11)) | {255}
        lat, lon = scene.latlon()
        assert lat.shape == lon.shape == (21, 21)


def test_strided_and_windowed_reads_are_subsets_of_the_full_read(labelled_scene):
    with open_scene(labelled_scene) as scene:
        full = scene.read("nersc_sar_primary")
        assert np.array_equal(scene.read("nersc_sar_primary", step=10), full[::10, ::10])
        window = (slice(8, 40), slice(16, 64))
        assert np.array_equal(scene.read("nersc_sar_primary", 3, window), full[8:40:3, 16:64:3])


def test_test_scene_labels_come_from_the_reference_file():
    with open_scene(TEST_SCENE) as scene:
        assert "SIC" not in scene.variables
        assert scene.info.charts_in == reference_path(TEST_SCENE)
        assert scene.read_chart("SOD").shape == scene.info.shape


def test_scene_without_labels_says_so(tmp_path):
    copy = tmp_path / TEST_SCENE.name
    shutil.copy(TEST_SCENE, copy)  # the reference file stays behind
    with open_scene(copy) as scene:
        assert scene.info.charts_in is None
        with pytest.raises(SceneFormatError, match="has no ice-chart labels"):
            scene.read_chart("SIC")


def test_fill_value_from_attribute_then_fallback_then_override(labelled_scene):
    with netCDF4.Dataset(labelled_scene, "a") as ds:
        ds.variables["nersc_sar_secondary"].delncattr("variable_fill_value")
        ds.variables["nersc_sar_primary"].variable_fill_value = np.float32(2.0)
    with open_scene(labelled_scene) as scene:
        assert scene.fill_value("nersc_sar_primary") == 2.0  # the attribute (paper convention)
        assert scene.fill_value("nersc_sar_secondary") == schema.SAR_FILL_FALLBACK == 0.0
    with open_scene(labelled_scene, sar_fill_value=0.0) as scene:
        assert scene.fill_value("nersc_sar_primary") == 0.0


def test_valid_sar_excludes_fill_and_nan(labelled_scene):
    with netCDF4.Dataset(labelled_scene, "a") as ds:
        hh = ds.variables["nersc_sar_primary"]
        hh[0, :] = np.nan
        hh[1, :] = 0.0
    with open_scene(labelled_scene) as scene:
        valid = scene.valid_sar()
        assert not valid[:2].any()
        assert valid[2:].mean() > 0.5


# --- broken files: each kind has its own message --------------------------------------------


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def modify(path, action):
    with netCDF4.Dataset(path, "a") as ds:
        action(ds)
    return path


def rebuild_without(src, dst, skip=(), retype=None, redim=None):
    """Copy a scene variable by variable, leaving some out or changing dtype or dimension order
    (``redim={"<var>:dims": (...)}``)."""
    retype, redim = retype or {}, redim or {}
    with netCDF4.Dataset(src) as a, netCDF4.Dataset(dst, "w") as b:
        b.setncatts({k: a.getncattr(k) for k in a.ncattrs()})
        for name, dim in a.dimensions.items():
            b.createDimension(name, len(dim))
        for name, var in a.variables.items():
            if name in skip:
                continue
            dims = redim.get(name + ":dims", var.dimensions)
            new = b.createVariable(name, retype.get(name, var.dtype), dims)
            data = var[:]
            new[:] = data if dims == var.dimensions else data.T
    return dst


BROKEN = {
    "missing file": (lambda p, t: t / "nope_prep.nc", SceneNotFoundError, "does not exist"),
    "folder": (lambda p, t: t, SceneFormatError, "is a folder"),
    "empty file": (
        lambda p, t: write(t / "e_prep.nc", b""),
        SceneFormatError,
        r"is empty \(0 bytes\)",
    ),
    "not netcdf": (
        lambda p, t: write(t / "x_prep.nc", b"hello"),
        SceneFormatError,
        "is not a netCDF file",
    ),
    "truncated": (
        lambda p, t: write(p, p.read_bytes()[:20000]),
        SceneFormatError,
        "truncated or corrupt",
    ),
    "missing variable": (
        lambda p, t: rebuild_without(
            p, t / "20190315T101500_cis_prep2.nc", skip=("nersc_sar_secondary",)
        ),
        SceneFormatError,
        r"missing the variable\(s\) nersc_sar_secondary\. Found: FLOE",
    ),
    "wrong dimensions": (
        lambda p, t: rebuild_without(
            p,
            t / "20190315T101500_cis_prep3.nc",
            redim={"t2m:dims": ("2km_grid_samples", "2km_grid_lines")},
        ),
        SceneFormatError,
        r"'t2m' has dimensions \('2km_grid_samples', '2km_grid_lines'\); expected "
        r"\('2km_grid_lines', '2km_grid_samples'\)",
    ),
    "missing AMSR2 and ERA5": (
        lambda p, t: rebuild_without(
            p, t / "20190315T101500_cis_prep4.nc", skip=schema.COARSE_VARIABLES
        ),
        SceneFormatError,
        r"missing the variable\(s\) btemp_6_9h",
    ),
    "float chart": (
        lambda p, t: rebuild_without(p, t / "20190315T101500_cis_prep5.nc", retype={"SIC": "f4"}),
        SceneFormatError,
        "chart 'SIC' is float32; expected integer classes",
    ),
    "integer input": (
        lambda p, t: rebuild_without(p, t / "20190315T101500_cis_prep6.nc", retype={"tcwv": "i2"}),
        SceneFormatError,
        "'tcwv' is int16; expected standard-scaled floating-point",
    ),
    "all-nan sar": (
        lambda p, t: modify(
            p, lambda ds: ds.variables["nersc_sar_primary"].__setitem__(slice(None), np.nan)
        ),
        SceneFormatError,
        "has no valid SAR data",
    ),
    "unparseable name": (
        lambda p, t: modify(
            shutil.copy(p, t / "myscene.nc") and t / "myscene.nc",
            lambda ds: setattr(ds, "scene_id", "whatever"),
        ),
        SceneFormatError,
        "Cannot tell the acquisition time",
    ),
    "latitude out of range": (
        lambda p, t: modify(
            p, lambda ds: ds.variables["sar_grid2d_latitude"].__setitem__((0, 0), 123.0)
        ),
        SceneFormatError,
        "out of range",
    ),
    "bad reference file": (lambda p, t: _bad_reference(t), SceneFormatError, "cannot label"),
}


def _bad_reference(tmp_path):
    scene = tmp_path / TEST_SCENE.name
    shutil.copy(TEST_SCENE, scene)
    with netCDF4.Dataset(reference_path(scene), "w") as ds:
        ds.createDimension("sar_lines", 3)
        ds.createDimension("sar_samples", 3)
        ds.createVariable("SIC", "u1", ("sar_lines", "sar_samples"))
    return scene


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_scene_is_refused_with_its_own_message(kind, labelled_scene, tmp_path):
    make, error, message = BROKEN[kind]
    path = make(labelled_scene, tmp_path)
    with pytest.raises(error, match=message):
        open_scene(path)


def test_coarse_grid_that_does_not_match_the_sar_grid(labelled_scene, tmp_path):
    dst = tmp_path / "20190315T101500_cis_prep.nc"
    src = tmp_path / "src.nc"
    labelled_scene.rename(src)
    with netCDF4.Dataset(src) as a, netCDF4.Dataset(dst, "w") as b:
        b.setncatts({k: a.getncattr(k) for k in a.ncattrs()})
        for name, dim in a.dimensions.items():
            b.createDimension(name, 9 if name == "2km_grid_lines" else len(dim))
        for name, var in a.variables.items():
            new = b.createVariable(name, var.dtype, var.dimensions)
            if "2km_grid_lines" not in var.dimensions:
                new[:] = var[:]
    with pytest.raises(SceneFormatError, match=r"the 2 km grid is \(9, 3\) cells"):
        open_scene(dst)


def test_each_broken_kind_gets_a_message_of_its_own(labelled_scene, tmp_path):
    """What open_scene actually says, not the table above: no two kinds share a message."""
    said = {}
    for k, (make, error, _) in enumerate(BROKEN.values()):
        folder = tmp_path / str(k)
        folder.mkdir()
        scene = Path(shutil.copy(labelled_scene, folder / labelled_scene.name))
        with pytest.raises(error) as raised:
            open_scene(make(scene, folder))
        said[str(raised.value).replace(str(folder), "")] = k
    assert len(said) == len(BROKEN) >= 10


def test_reading_a_damaged_variable_raises_scene_format_error(labelled_scene, tmp_path):
    with open_scene(labelled_scene) as scene:
        with pytest.raises(SceneFormatError, match="has no variable 'HH'"):
            scene.read("HH")


@pytest.mark.parametrize("corner", [(0, 0), (-10, -10)])
def test_a_scene_with_sar_only_away_from_the_quick_probes_still_opens(labelled_scene, corner):
    """Opening probes three short row pieces for SAR data; a scene holding data only elsewhere
    (a corner here) must pass the full look, not be refused as empty."""

    def keep_only_a_corner(ds):
        hh = ds.variables["nersc_sar_primary"]
        values = np.full(hh.shape, np.nan, np.float32)
        r, c = corner
        values[r : r + 10 or None, c : c + 10 or None] = -1.5
        hh[:] = values

    modify(labelled_scene, keep_only_a_corner)
    with open_scene(labelled_scene) as scene:
        assert int(scene.valid_sar().sum()) == 100
