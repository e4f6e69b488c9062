"""Pan-Arctic charts in EPSG:4326: rings that cross 180°, caps round the pole in both
orientations, holes across 180°. Rasterised onto a polar stereographic grid, each cell is
checked against an independent lookup: the polygons' definition in longitude/latitude."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from affine import Affine
from charts_build import write_chart
from rasterio.warp import transform as transform_points

from core.icechart.export import write_decoded_chart
from core.icechart.ogr import pyogrio
from core.icechart.rasterize import NO_POLYGON, polygon_index
from core.icechart.sigrid import read_chart

CELL = 25_000.0  # metres
HALF = 2_500_000.0
GRID = Affine(CELL, 0, -HALF, 0, -CELL, HALF)
SHAPE = (int(2 * HALF / CELL), int(2 * HALF / CELL))


def wrap(lon: float) -> float:
    """As producers store it: -180 <= lon < 180."""
    return (lon + 180) % 360 - 180


def band(lon0: float, lon1: float, lat0: float, lat1: float, step: float = 1.0) -> list:
    """A lon/lat rectangle, vertices every ``step`` degrees, longitudes wrapped (so a band
    across 180° has a ~360° jump, as in AARI/NIC charts)."""
    lons = np.arange(lon0, lon1 + step / 2, step)
    lats = np.arange(lat0, lat1 + step / 2, step)
    ring = [(lon, lat0) for lon in lons] + [(lon1, lat) for lat in lats[1:]]
    ring += [(lon, lat1) for lon in lons[::-1][1:]] + [(lon0, lat) for lat in lats[::-1][1:]]
    return [(wrap(lon), lat) for lon, lat in ring]


def cap(lat: float, clockwise: bool) -> list:
    """A ring once round the North Pole along a parallel (no vertex on the pole)."""
    lons = np.arange(0, 360, 2.0)
    ring = [(wrap(lon), lat) for lon in (lons[::-1] if clockwise else lons)]
    return [*ring, ring[0]]


def in_range(lon: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """lon within [lo, hi] going east from lo (works across 180°)."""
    return ((lon - lo) % 360) <= (hi - lo)


def truth(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Which polygon covers each point, from the definitions below, not from any geometry."""
    index = np.full(lon.shape, NO_POLYGON)
    index[lat >= 80] = 0
    index[(lat >= 70) & (lat <= 73) & in_range(lon, 170, 190)] = 1
    shell = (lat >= 74) & (lat <= 79) & in_range(lon, 150, 210)
    hole = (lat >= 75.5) & (lat <= 77.5) & in_range(lon, 175, 185)
    index[shell & ~hole] = 2
    index[(lat >= 70) & (lat <= 75) & in_range(lon, -60, -40)] = 3
    return index


def pan_arctic_chart(tmp_path, clockwise: bool):
    polygons = [
        cap(80, clockwise),
        band(170, 190, 70, 73),
        [band(150, 210, 74, 79), band(175, 185, 75.5, 77.5)[::-1]],
        band(-60, -40, 70, 75),
    ]
    return write_chart(tmp_path / f"pan_arctic_{clockwise}.gpkg", polygons, "EPSG:4326")


def cell_lonlat(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = GRID * (cols, rows)
    lon, lat = transform_points("EPSG:3413", "EPSG:4326", np.ravel(x), np.ravel(y))
    return np.reshape(lon, np.shape(x)), np.reshape(lat, np.shape(x))


@pytest.mark.parametrize("clockwise", [False, True], ids=["ccw", "cw"])
def test_pan_arctic_chart_rasterises_cell_by_cell(tmp_path, clockwise):
    chart = read_chart(pan_arctic_chart(tmp_path, clockwise))
    got = polygon_index(chart, "EPSG:3413", GRID, SHAPE)
    rows, cols = np.mgrid[0 : SHAPE[0], 0 : SHAPE[1]]
    expected = truth(*cell_lonlat(rows + 0.5, cols + 0.5))
    # cells cut by a boundary may go either way: judge only cells whose corners agree
    corners = [truth(*cell_lonlat(rows + dr, cols + dc)) for dr in (0, 1) for dc in (0, 1)]
    interior = np.all([c == expected for c in corners], axis=0)
    assert interior.mean() > 0.97
    wrong = interior & (got != expected)
    assert not wrong.any(), (
        f"{wrong.sum()} interior cells disagree, e.g. at {np.argwhere(wrong)[:3]}"
    )
    for polygon in range(4):  # each polygon covers cells, none vanished or swallowed another
        assert ((got == polygon) & interior).sum() == ((expected == polygon) & interior).sum() > 0


def test_unwrapped_polygons_keep_their_area(tmp_path):
    """The 0.3.0 failure: a band across 180° read as a band round the globe."""
    chart = read_chart(pan_arctic_chart(tmp_path, clockwise=False))
    lon_span = [np.ptp(shapely.get_coordinates(g)[:, 0]) for g in chart.geometries[1:]]
    assert lon_span[0] == pytest.approx(20) and lon_span[1] == pytest.approx(60)
    assert chart.n_repaired == 0 or all(shapely.is_valid(chart.geometries))


def test_mixed_polygons_and_multipolygons_export(tmp_path):
    """A self-intersecting ring repairs into a MultiPolygon beside ordinary Polygons."""
    bowtie = [(-50.0, 70.0), (-48.0, 72.0), (-48.0, 70.0), (-50.0, 72.0), (-50.0, 70.0)]
    squares = [band(-45 + 3 * i, -43 + 3 * i, 70, 71) for i in range(3)]
    chart = read_chart(write_chart(tmp_path / "mixed.gpkg", [bowtie, *squares], "EPSG:4326"))
    types = {g.geom_type for g in chart.geometries}
    assert types == {"Polygon", "MultiPolygon"}
    out = write_decoded_chart(chart, tmp_path / "decoded.gpkg")
    _, _, wkb, _ = pyogrio.raw.read(out)
    back = shapely.from_wkb(wkb)
    assert len(back) == 4
    np.testing.assert_allclose(shapely.area(back), shapely.area(chart.geometries))


def test_real_dmi_chart_with_mixed_geometries_exports(tmp_path, real_data):
    path = real_data / "ice_charts" / "dmi" / "201308132150_Qaanaaq_RIC.shp"
    chart = read_chart(path)
    out = write_decoded_chart(chart, tmp_path / "qaanaaq.gpkg")
    _, _, wkb, _ = pyogrio.raw.read(out)
    assert len(wkb) == len(chart)


@pytest.fixture(scope="module")
def run_at_180(tmp_path_factory, random_bundle):
    """A labelled scene straddling 180° near Wrangel Island, predicted with random weights."""
    from core.predict.params import PredictParams
    from core.predict.run import run_prediction
    from core.synthetic.generate import SynthConfig, synthesize

    folder = tmp_path_factory.mktemp("at180")
    scene = synthesize(folder, SynthConfig(lines=200, samples=240, seed=5, centre=(71.5, 179.95)))
    params = PredictParams(weights=random_bundle, device="cpu", sar_layers=False)
    return run_prediction(scene, folder / "runs", params).folder


def test_a_draft_chart_in_lonlat_is_split_at_180(tmp_path, run_at_180):
    from core.draft.make import draft_chart
    from core.draft.params import DraftParams

    params = DraftParams(min_area_km2=0, simplify_m=0, crs="EPSG:4326")
    result = draft_chart(run_at_180, tmp_path / "draft.gpkg", params)
    _, _, wkb, _ = pyogrio.raw.read(result.files[0], layer="draft_chart")
    geometries = shapely.from_wkb(wkb)
    assert shapely.is_valid(geometries).all()
    parts = shapely.get_parts(geometries)
    spans = [np.ptp(shapely.get_coordinates(part)[:, 0]) for part in parts]
    assert max(spans) < 180, "a polygon spans the globe"
    lon = shapely.get_coordinates(geometries)[:, 0]
    assert lon.min() < -179 and lon.max() > 179, "the scene does not straddle 180°"
    assert min(result.agreement.values()) > 95, result.agreement
    assert not any("agrees with the pixels" in w for w in result.warnings)


def test_compare_with_a_pan_arctic_chart_at_180(tmp_path, run_at_180):
    """0.3.0 refused such scenes as "does not overlap": the band across 180° had become a ring
    round the rest of the globe. Every valid cell must now get the band's class (SIC 2/10)."""
    from core.compare.reference import official_chart
    from core.output.runfolder import read_run

    run = read_run(run_at_180)
    reference = official_chart(run, pan_arctic_chart(tmp_path, clockwise=False))
    sic = reference.classes["SIC"][run.valid]
    assert sic.size > 0 and (sic == 2).all()
