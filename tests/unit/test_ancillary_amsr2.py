"""AMSR2 L1R swath brightness temperatures onto a Sentinel-1 scene's 2 km cells."""

from __future__ import annotations

from datetime import datetime, timezone

import netCDF4
import numpy as np
import pytest
from rasterio.warp import transform

from core.ancillary.amsr2 import CHANNELS, LATITUDE, LONGITUDE, SCAN_TIME, read_amsr2
from core.ancillary.grid import cell_latlon
from core.errors import SceneFormatError
from core.safe.annotation import ProductAnnotation
from core.safe.prepare import PrepareParams, prepare
from core.safe.radiometry import grid_shape
from core.scene.reader import open_scene
from core.scene.schema import LATLON_VARIABLES, SAR_VARIABLES
from core.scene.statistics import unscale
from core.synthetic.safe import SafeConfig, build_safe
from tests.repo_paths import SHARED_REAL

PRODUCTS = sorted((SHARED_REAL / "sar").glob("S1*_EW_GRDM_*")) if SHARED_REAL.is_dir() else []
pytestmark = [
    pytest.mark.skipif(
        not PRODUCTS, reason="the real annotation set ../shared/data/real/sar/ is absent"
    ),
    pytest.mark.filterwarnings("ignore::core.safe.product.ProductWarning"),
]
TAI93 = datetime(1993, 1, 1, tzinfo=timezone.utc)
ACQUIRED = datetime(2022, 11, 30, 1, 43, 42, tzinfo=timezone.utc)


def tb_truth(x, y, channel):
    """Brightness temperature (K) linear in polar x/y (metres), different per channel."""
    return 200 + 5 * channel + x / 1e5 - y / 2e5


def write_l1r(path, centre_xy, hours_late=0.5, extent_km=700, overlap=2, fill_hole=False):
    """An L1R-like granule: observations every 10 km (low frequency), 89A at twice that."""
    cx, cy = centre_xy
    steps = np.arange(-extent_km / 2, extent_km / 2 + 1, 10.0) * 1000
    gx, gy = np.meshgrid(cx + steps, cy + steps, indexing="ij")  # scans x samples
    lon, lat = (
        np.reshape(v, gx.shape)
        for v in transform("EPSG:3413", "EPSG:4326", gx.ravel().tolist(), gy.ravel().tolist())
    )
    scans, samples = gx.shape
    start = (ACQUIRED - TAI93).total_seconds() + 3600 * hours_late
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("phony_dim_0", scans)
        ds.createDimension("phony_dim_1", samples)
        ds.createDimension("phony_dim_2", 2 * samples)
        ds.setncattr("OverlapScans", np.array([overlap], "i4"))
        for name, values in ((LATITUDE, lat), (LONGITUDE, lon)):
            wide = np.repeat(values, 2, axis=1)
            wide[:, 1::2] = -999.0  # 89B-only points between the low-frequency ones
            ds.createVariable(name, "f4", ("phony_dim_0", "phony_dim_2"))[:] = wide
        ds.createVariable(SCAN_TIME, "f8", ("phony_dim_0",))[:] = start + 1.5 * np.arange(scans)
        for k, name in enumerate(CHANNELS.values()):
            var = ds.createVariable(name, "u2", ("phony_dim_0", "phony_dim_1"))
            var.setncattr("SCALE FACTOR", np.float32(0.01))
            raw = np.round(tb_truth(gx, gy, k) / 0.01)
            raw[:overlap] = raw[-overlap:] = 0  # overlap scans: another granule's, dropped
            if fill_hole:
                raw[scans // 2 - 10 : scans // 2 + 10, samples // 2 - 10 : samples // 2 + 10] = (
                    65535
                )
            var[:] = raw


@pytest.fixture(scope="module")
def cells():
    hh = ProductAnnotation.parse((PRODUCTS[0] / "annotation/ew-hh.xml").read_bytes(), "hh")
    lat, lon = cell_latlon(hh.grid, grid_shape((hh.lines, hh.samples)))
    x, y = transform("EPSG:4326", "EPSG:3413", lon.ravel().tolist(), lat.ravel().tolist())
    return lat, lon, (float(np.mean(x)), float(np.mean(y)))


def test_nearest_observation_on_every_cell(cells, tmp_path):
    lat, lon, centre = cells
    path = tmp_path / "GW1AM2_202211300100_test_L1SGRTBR_2220220.h5"
    write_l1r(path, centre)
    amsr2 = read_amsr2(path, ACQUIRED, lat, lon, "EPSG:3413")
    assert lat.shape == (214, 209)  # floor(5354 / 25) x floor(5243 / 25)
    x, y = (
        np.reshape(v, lat.shape)
        for v in transform("EPSG:4326", "EPSG:3413", lon.ravel().tolist(), lat.ravel().tolist())
    )
    for k, name in enumerate(CHANNELS):
        # nearest of observations 10 km apart: within 5·√2 km, i.e. 0.08 K of this field
        np.testing.assert_allclose(amsr2.fields[name], tb_truth(x, y, k), atol=0.08)
    assert abs((amsr2.time - ACQUIRED).total_seconds() / 3600 - 0.5) < 0.2
    assert "AMSR2 L1R" in amsr2.source


def test_swaths_that_miss_the_scene_or_its_time_are_refused(cells, tmp_path):
    lat, lon, centre = cells
    narrow = tmp_path / "narrow.h5"
    write_l1r(narrow, centre, extent_km=200)
    with pytest.raises(SceneFormatError, match="covers only part of the scene"):
        read_amsr2(narrow, ACQUIRED, lat, lon, "EPSG:3413")
    holed = tmp_path / "holed.h5"
    write_l1r(holed, centre, fill_hole=True)  # 200 km of fill values in the middle
    with pytest.raises(SceneFormatError, match="covers only part of the scene"):
        read_amsr2(holed, ACQUIRED, lat, lon, "EPSG:3413")
    late = tmp_path / "late.h5"
    write_l1r(late, centre, hours_late=20)
    with pytest.raises(SceneFormatError, match=r"20 h from the acquisition"):
        read_amsr2(late, ACQUIRED, lat, lon, "EPSG:3413")
    other = tmp_path / "other.h5"
    with netCDF4.Dataset(other, "w") as ds:
        ds.createDimension("d", 2)
        ds.createVariable("x", "f4", ("d",))
    with pytest.raises(SceneFormatError, match="not an AMSR2 L1R granule"):
        read_amsr2(other, ACQUIRED, lat, lon, "EPSG:3413")


def test_prepare_with_amsr2(cells, tmp_path):
    _, _, centre = cells
    config = SafeConfig(lines=(1300, 1700), samples=(2900, 4500), seed=6)
    product = build_safe(PRODUCTS[0], tmp_path / "p", config)
    granule = tmp_path / "granule.h5"
    write_l1r(granule, centre)
    out = tmp_path / "scene_prep.nc"
    prepare(PrepareParams(product.folder, out, amsr2=granule))
    wanted = (*SAR_VARIABLES, *LATLON_VARIABLES, *CHANNELS)
    with open_scene(out, required=wanted) as scene, netCDF4.Dataset(out) as ds:
        assert "granule.h5 (AMSR2 L1R" in ds.amsr2_source and ds.era5_source == "none"
        tb = unscale("btemp_36_5v", scene.read("btemp_36_5v"))
        assert tb.shape == (8, 32) and np.all((tb > 150) & (tb < 300))
