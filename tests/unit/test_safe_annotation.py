"""The real EW GRDM annotation set parsed: the figures of docs/sentinel1.md (and the design
note's §6), the exact noise either side of a sub-swath boundary, and the uneven tie grid."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405

import numpy as np
import pytest
from rasterio.warp import transform

from core.safe.annotation import Calibration, Noise, ProductAnnotation
from core.safe.geo import even_latlon, grid_xy, incidence_80m
from core.safe.product import Manifest
from core.safe.radiometry import NoiseGrid, block_of, grid_shape, range_noise
from core.scene.geolocation import interpolate_tie_grid, tie_positions
from core.scene.statistics import scale
from core.synthetic.safe import noise_40m
from tests.repo_paths import SHARED_REAL

PRODUCTS = sorted((SHARED_REAL / "sar").glob("S1*_EW_GRDM_*")) if SHARED_REAL.is_dir() else []
pytestmark = pytest.mark.skipif(
    not PRODUCTS, reason="the real annotation set ../shared/data/real/sar/ is absent"
)


@pytest.fixture(scope="module")
def real():
    return PRODUCTS[0]


@pytest.fixture(scope="module")
def hh(real):
    return ProductAnnotation.parse((real / "annotation/ew-hh.xml").read_bytes(), "ew-hh.xml")


@pytest.fixture(scope="module")
def noise_hv(real, hh):
    data = (real / "annotation/calibration/noise-ew-hv.xml").read_bytes()
    return Noise.parse(data, "noise-ew-hv.xml", (hh.lines, hh.samples))


def test_image_and_geolocation_grid(hh):
    assert (hh.lines, hh.samples) == (10708, 10487)
    assert hh.header.polarisation == "HH" and hh.header.image_number == "001"
    assert hh.grid.latitude.shape == (23, 21)
    assert list(hh.grid.lines) == [*range(0, 10501, 500), 10707]
    assert list(hh.grid.pixels) == [*range(0, 9976, 525), 10486]
    assert hh.grid.incidence.min() == pytest.approx(18.88, abs=0.01)
    assert hh.grid.incidence.max() == pytest.approx(46.42, abs=0.01)
    assert hh.heading == pytest.approx(-139.3, abs=0.05)


def test_calibration_vectors(real):
    data = (real / "annotation/calibration/calibration-ew-hh.xml").read_bytes()
    sigma = Calibration.parse(data, "calibration").sigma
    assert len(sigma.lines) == 67 and {len(p) for p in sigma.pixels} == {264}
    assert list(sigma.pixels[0][-2:]) == [10480, 10486]  # irregular last step
    assert list(sigma.lines[-2:]) == [10825, 10991]  # beyond the image: clamped, not extrapolated


def test_noise_vectors_are_ragged_and_blocks_staggered(noise_hv):
    assert len(noise_hv.range.lines) == 67
    assert {len(p) for p in noise_hv.range.pixels} == {268, 269, 270}
    assert len(noise_hv.blocks) == 17
    starts = {}
    for b in noise_hv.blocks:
        starts[b.swath] = min(starts.get(b.swath, 10**6), b.first_line)
    assert starts == {"EW1": 0, "EW2": 128, "EW3": 226, "EW4": 324, "EW5": 422}
    ew1 = sorted((b for b in noise_hv.blocks if b.swath == "EW1"), key=lambda b: b.first_line)
    assert [b.last_sample for b in ew1] == [3129, 3128, 3117, 3111]
    assert ew1[-1].first_line == 1345


def test_manifest_ipf_and_polarisation_pairing(real):
    manifest = Manifest.parse((real / "manifest.safe").read_bytes(), real.name)
    assert manifest.ipf == "3.52" and manifest.ipf_number == 3.52
    assert (manifest.mission, manifest.mode, manifest.product_type) == ("S1A", "EW", "GRD")
    assert manifest.polarisations == ("HH", "HV")
    assert len(manifest.files) == 2
    for unit in manifest.files.values():
        number = unit.measurement.href.rsplit("-", 1)[1][:3]  # -001.tiff / -002.tiff
        for linked in (unit.product, unit.calibration, unit.noise):
            assert linked.href.endswith(f"-{number}.xml")


def test_noise_exact_either_side_of_the_ew1_ew2_boundary(noise_hv):
    values = range_noise(noise_hv, [4008, 4008], [3111, 3112])
    assert values == pytest.approx([14888.53, 3614.49], abs=0.005)
    assert block_of(noise_hv, 4008, 3111).swath == "EW1"
    assert block_of(noise_hv, 4008, 3112).swath == "EW2"


def test_80m_noise_is_the_mean_of_its_four_40m_pixels_across_the_boundary(noise_hv, hh):
    shape = grid_shape((hh.lines, hh.samples))
    grid = NoiseGrid(noise_hv, shape)
    total, count = grid.band(2004, 2005)  # 40 m lines 4008-4009
    per_vector = np.stack(
        [
            np.interp(np.arange(hh.samples), p, v)
            for p, v in zip(noise_hv.range.pixels, noise_hv.range.values)
        ]
    )
    reference, _ = noise_40m(noise_hv, np.array([4008, 4009]), hh.samples, per_vector)
    expected = reference[:, : 2 * shape[1]].reshape(2, shape[1], 2).mean(axis=(0, 2))
    np.testing.assert_allclose(total[0], expected, rtol=2e-6)
    assert count[0, 1555] == 4 and count[0, 1556] == 4
    assert total[0, 1556] < 0.3 * total[0, 1555]  # the 4x step survives at 80 m


def test_incidence_channel_range(hh):
    incidence = incidence_80m(hh.grid, grid_shape((hh.lines, hh.samples)))
    scaled = scale("sar_incidenceangle", incidence)
    assert scaled.min() == pytest.approx(-1.82, abs=0.01)
    assert scaled.max() == pytest.approx(1.49, abs=0.01)


def _placement_error_km(lat, lon, positions, hh):
    """Distance between the native tie points and an n × m grid interpolated at them, given
    the 80 m positions the n × m grid's rows/columns are assumed to stand at."""
    shape = grid_shape((hh.lines, hh.samples))
    native_rows, native_cols = (hh.grid.lines - 0.5) / 2, (hh.grid.pixels - 0.5) / 2
    xs, ys = transform("EPSG:4326", "EPSG:3413", lon.ravel().tolist(), lat.ravel().tolist())
    x, y = (np.reshape(v, lat.shape) for v in (xs, ys))

    def at_native(grid):
        rows, cols = positions(shape, *grid.shape)
        along = np.stack([np.interp(native_cols, cols, line) for line in grid])
        return np.stack([np.interp(native_rows, rows, c) for c in along.T], 1)

    nx, ny = grid_xy(hh.grid)
    return np.hypot(at_native(x) - nx, at_native(y) - ny) / 1000


def test_even_21x21_grid_places_the_native_points_within_half_a_km(hh):
    shape = grid_shape((hh.lines, hh.samples))
    lat, lon = even_latlon(hh.grid, shape)
    assert lat.shape == (21, 21)
    error = _placement_error_km(lat, lon, tie_positions, hh)
    assert error.max() < 0.5
    # the same through the code every ready-to-train scene goes through
    xs, _ = transform("EPSG:4326", "EPSG:3413", lon.ravel().tolist(), lat.ravel().tolist())
    via_core = interpolate_tie_grid(
        np.reshape(xs, lat.shape), shape, np.array([0.0]), np.array([0.0])
    )
    assert via_core[0, 0] == pytest.approx(np.reshape(xs, lat.shape)[0, 0])


def test_treating_the_native_grid_as_evenly_spaced_is_kilometres_off(hh):
    error = _placement_error_km(hh.grid.latitude, hh.grid.longitude, tie_positions, hh)
    assert 8 < error.max() < 15  # ~11 km: why the grid is resampled, not reused


def test_corners_match_the_products_map_overlay(real, hh):
    kml = ET.parse(real / "preview/map-overlay.kml").getroot()  # nosec B314
    text = next(e.text for e in kml.iter() if e.tag.endswith("coordinates"))
    corners = [tuple(map(float, c.split(","))) for c in text.split()]
    lat, lon = even_latlon(hh.grid, grid_shape((hh.lines, hh.samples)))
    ours = [(lon[i, j], lat[i, j]) for i, j in ((0, 0), (0, -1), (-1, 0), (-1, -1))]
    for c_lon, c_lat in corners:
        nearest = min(
            np.hypot((c_lon - o_lon) * np.cos(np.radians(c_lat)), c_lat - o_lat) * 111
            for o_lon, o_lat in ours
        )
        assert nearest < 1.0  # km
    assert 76.8 < lat.min() and lat.max() < 82.1 and 75 < lon.min() and lon.max() < 103
