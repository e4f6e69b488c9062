"""ERA5 from a new-CDS netCDF onto a Sentinel-1 scene's 2 km cells: nearest hour, bilinear,
winds rotated by the platform heading, refusals that say what to download."""

from __future__ import annotations

from datetime import datetime, timezone

import netCDF4
import numpy as np
import pytest

from core.ancillary.era5 import read_era5
from core.ancillary.grid import cell_latlon, coarse_shape
from core.errors import SceneFormatError
from core.safe.prepare import PrepareParams, prepare
from core.safe.product import Product
from core.scene.reader import open_scene
from core.scene.schema import COARSE_DIMS, LATLON_VARIABLES, SAR_VARIABLES
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
START = datetime(2022, 11, 30, 0, tzinfo=timezone.utc).timestamp()


def t2m_truth(lat, lon, hour):
    return 250 + 0.5 * lat + 0.1 * lon + hour  # linear: bilinear interpolation is exact


def write_cds_netcdf(path, hours=(0, 1, 2, 3), lats=(86, 70), lons=(60, 120)):
    """An ERA5 file laid out as the new Climate Data Store writes it."""
    lat = np.arange(lats[0], lats[1] - 0.01, -0.25)
    lon = np.arange(lons[0], lons[1] + 0.01, 0.25)
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("valid_time", len(hours))
        ds.createDimension("latitude", len(lat))
        ds.createDimension("longitude", len(lon))
        time = ds.createVariable("valid_time", "i8", ("valid_time",))
        time.units = "seconds since 1970-01-01"
        time[:] = [START + 3600 * h for h in hours]
        ds.createVariable("latitude", "f8", ("latitude",))[:] = lat
        ds.createVariable("longitude", "f8", ("longitude",))[:] = lon
        ds.createVariable("number", "i8", ())
        la, lo = np.meshgrid(lat, lon, indexing="ij")
        dims = ("valid_time", "latitude", "longitude")
        fields = {
            "u10": lambda h: np.full(la.shape, 5.0),
            "v10": lambda h: np.zeros(la.shape),
            "t2m": lambda h: t2m_truth(la, lo, h),
            "skt": lambda h: t2m_truth(la, lo, h) - 2,
            "tcwv": lambda h: 2 + 0 * la,
            "tclw": lambda h: 0.01 + 0 * la,
        }
        for name, make in fields.items():
            ds.createVariable(name, "f4", dims)[:] = np.stack([make(h) for h in hours])


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    config = SafeConfig(lines=(1300, 1700), samples=(2900, 4500), seed=4)
    return build_safe(PRODUCTS[0], tmp_path_factory.mktemp("era5"), config)


@pytest.fixture(scope="module")
def cells(product):
    with Product(product.folder) as opened:
        ann = opened.annotation["HH"]
        shape80 = (opened.image_shape[0] // 2, opened.image_shape[1] // 2)
        return (ann, *cell_latlon(ann.grid, shape80), shape80)


def test_nearest_hour_bilinear_and_rotated_winds(cells, tmp_path):
    ann, lat, lon, shape80 = cells
    path = tmp_path / "era5.nc"
    write_cds_netcdf(path)
    era5 = read_era5(path, ann.start, lat, lon, ann.heading)
    assert lat.shape == coarse_shape(shape80) == (8, 32)
    assert era5.time.hour == 2  # 01:43 UTC: the nearest hour is 02:00
    np.testing.assert_allclose(era5.fields["t2m"], t2m_truth(lat, lon, 2), atol=1e-3)
    u, v = era5.fields["u10m_rotated"], era5.fields["v10m_rotated"]
    np.testing.assert_allclose(np.hypot(u, v), 5.0, rtol=1e-6)  # a rotation keeps the speed
    heading = np.radians(ann.heading)  # -139.3 deg: flying south-west
    np.testing.assert_allclose(v, 5 * np.sin(heading), rtol=1e-5)  # along track
    np.testing.assert_allclose(u, 5 * np.cos(heading), rtol=1e-5)
    assert "nearest hour" in era5.source


def test_longitudes_0_to_360_read_the_same(cells, tmp_path):
    ann, lat, lon, _ = cells
    a, b = tmp_path / "a.nc", tmp_path / "b.nc"
    write_cds_netcdf(a)
    write_cds_netcdf(b, lons=(60, 120))  # same area; now shift the axis to 0..360 form
    with netCDF4.Dataset(b, "a") as ds:
        ds.variables["longitude"][:] = ds.variables["longitude"][:] % 360
    left = read_era5(a, ann.start, lat, lon, ann.heading).fields["t2m"]
    right = read_era5(b, ann.start, lat, lon, ann.heading).fields["t2m"]
    np.testing.assert_allclose(left, right)


def test_files_that_do_not_cover_the_scene_are_refused(cells, tmp_path):
    ann, lat, lon, _ = cells
    late = tmp_path / "late.nc"
    write_cds_netcdf(late, hours=(12, 13))
    with pytest.raises(SceneFormatError, match=r"acquired at 2022-11-30 01:43 UTC.*nearest"):
        read_era5(late, ann.start, lat, lon, ann.heading)
    small = tmp_path / "small.nc"
    write_cds_netcdf(small, lats=(75, 70))
    with pytest.raises(SceneFormatError, match=r"Request an area \(N/W/S/E\) of 82/"):
        read_era5(small, ann.start, lat, lon, ann.heading)
    partial = tmp_path / "partial.nc"
    write_cds_netcdf(partial)
    with netCDF4.Dataset(partial, "a") as ds:
        ds.renameVariable("tclw", "other")
    with pytest.raises(SceneFormatError, match="lacks tclw"):
        read_era5(partial, ann.start, lat, lon, ann.heading)
    with pytest.raises(SceneFormatError, match="does not exist"):
        read_era5(tmp_path / "none.nc", ann.start, lat, lon, ann.heading)


def test_prepare_with_era5_writes_the_2km_grid_and_its_provenance(product, cells, tmp_path):
    _, lat, lon, _ = cells
    era5 = tmp_path / "era5.nc"
    write_cds_netcdf(era5)
    out = tmp_path / "scene_prep.nc"
    prepare(PrepareParams(product.folder, out, era5=era5))
    with netCDF4.Dataset(out) as ds:
        assert ds.variables["t2m"].dimensions == COARSE_DIMS
        assert "era5.nc (ERA5, 2022-11-30 02:00 UTC" in ds.era5_source
    wanted = (*SAR_VARIABLES, *LATLON_VARIABLES, "t2m", "u10m_rotated", "tclw")
    with open_scene(out, required=wanted) as scene:
        assert scene.info.coarse_shape == (8, 32)
        t2m = unscale("t2m", scene.read("t2m"))
        np.testing.assert_allclose(t2m, t2m_truth(lat, lon, 2), atol=1e-2)


def test_a_failing_ancillary_file_leaves_no_output(product, tmp_path):
    with pytest.raises(SceneFormatError, match=r"AMSR2 file .* does not exist"):
        prepare(PrepareParams(product.folder, tmp_path / "x.nc", amsr2=tmp_path / "a.h5"))
    assert not (tmp_path / "x.nc").exists()
