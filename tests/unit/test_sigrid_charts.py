"""Official SIGRID-3 charts: real DMI and CIS charts decode; bad charts fail clearly."""

import numpy as np
import pytest
import shapely
from affine import Affine

from core.errors import ChartFormatError, ChartNotFoundError
from core.icechart.classes import MASK
from core.icechart.rasterize import rasterize_chart, sample_polygon_index
from core.icechart.sigrid import read_chart


@pytest.fixture(scope="module")
def charts_dir(real_data):
    return real_data / "ice_charts"


def classes_of(chart, fid):
    i = int(np.flatnonzero(chart.fids == fid)[0])
    return (int(chart.classes.SIC[i]), int(chart.classes.SOD[i]), int(chart.classes.FLOE[i]))


def test_every_real_chart_decodes(charts_dir):
    paths = sorted(charts_dir.glob("**/*.shp"))
    assert len(paths) == 8
    for path in paths:
        chart = read_chart(path)
        assert len(chart) > 0
        assert chart.classes.n_undecodable == 0, chart.summary()
        assert shapely.is_valid(chart.geometries).all()


def test_dmi_cape_farewell_hand_checked(charts_dir):
    chart = read_chart(charts_dir / "dmi" / "201304100920_CapeFarewell_RIC.shp")
    # fid 2: CT 79 (7-9/10 → 8), SA 95 old ice, FA 3 small floe, but FC 1 (shuga) masks FLOE.
    assert classes_of(chart, 2) == (8, 5, MASK)
    # fid 0: CT 12 (1-2/10 → 2, half rounded up).
    assert classes_of(chart, 0) == (2, 5, MASK)
    # fid 19: CT 35 (→ 4), SA 98 glacier ice → SOD masked.
    assert classes_of(chart, 19)[:2] == (4, MASK)
    # fid 16: POLY_TYPE W, codes all -9 → open water.
    assert classes_of(chart, 16) == (0, 0, 0)


def test_dmi_qaanaaq_hand_checked(charts_dir):
    chart = read_chart(charts_dir / "dmi" / "201308132150_Qaanaaq_RIC.shp")
    assert classes_of(chart, 0) == (0, 0, 0)  # CT "1" = 01, less than 1/10
    # fid 1: CT 24 (→ 3), SA 87 thin FY (3), FA 5 big floe (4); SB 83 / FB 4 differ.
    assert classes_of(chart, 1) == (3, 3, 4)
    # fid 6: CT 79 (→ 8), SA 93 & SB 91 both first-year: the reference adds CB (-9) → masked.
    assert classes_of(chart, 6) == (8, MASK, 5)


def test_cis_east_coast_hand_checked(charts_dir):
    chart = read_chart(charts_dir / "cis" / "cis_shp2dex_sample" / "shapefile.shp")
    assert chart.n_repaired == 2
    assert classes_of(chart, 0) == (MASK, MASK, MASK)  # L: land
    assert classes_of(chart, 9) == (MASK, MASK, MASK)  # N: no data
    assert classes_of(chart, 68) == (0, 0, 0)  # W, CT 00
    assert classes_of(chart, 8) == (10, 3, MASK)  # CT 92, SA 87, FA 08 fast ice
    assert classes_of(chart, 12) == (7, 1, MASK)  # CB 5/7 dominant: SB 81 new ice, FB 99
    assert classes_of(chart, 14) == (10, 2, 2)  # CT 91, CA 7/10 SA 84 grey, FA 03


def test_sampling_a_chart_at_points_finds_the_polygon_under_each(charts_dir):
    chart = read_chart(charts_dir / "dmi" / "201308132150_Qaanaaq_RIC.shp")
    big = np.argsort(shapely.area(chart.geometries))[-10:]
    inside = shapely.point_on_surface(chart.geometries[big])
    lon, lat = shapely.get_x(inside), shapely.get_y(inside)
    assert sample_polygon_index(chart, lon, lat, resolution_m=100).tolist() == big.tolist()


def test_rasterize_onto_a_grid_in_another_crs(charts_dir):
    chart = read_chart(charts_dir / "cis" / "cis_shp2dex_sample" / "shapefile.shp")
    # A 4 km EPSG:3413 grid over the chart: Gulf of St Lawrence, Newfoundland, Labrador.
    grid = Affine(4000, 0, -2_750_000, 0, -4000, -3_000_000)
    sic = rasterize_chart(chart, "SIC", "EPSG:3413", grid, (600, 750))
    values = set(np.unique(sic).tolist())
    assert MASK in values and 10 in values and 0 in values
    assert values <= set(range(11)) | {MASK}


def test_missing_chart_file(tmp_path):
    with pytest.raises(ChartNotFoundError, match="does not exist"):
        read_chart(tmp_path / "nope.shp")


def test_not_a_vector_file(tmp_path):
    path = tmp_path / "chart.shp"
    path.write_bytes(b"this is not a shapefile")
    with pytest.raises(ChartFormatError, match=r"Cannot read .* as a vector layer"):
        read_chart(path)


def write_gpkg(path, fields, geometries, crs="EPSG:4326"):
    import pyogrio

    wkb = shapely.to_wkb(np.asarray(geometries, dtype=object))
    names = list(fields)
    pyogrio.raw.write(
        path,
        wkb,
        [np.asarray(v, dtype=object) for v in fields.values()],
        names,
        driver="GPKG",
        geometry_type="Polygon",
        crs=crs,
    )


SQUARE = shapely.box(-50, 70, -49, 71)


def test_missing_egg_code_fields_are_named(tmp_path):
    path = tmp_path / "chart.gpkg"
    write_gpkg(path, {"POLY_TYPE": ["I"], "CT": ["92"]}, [SQUARE])
    with pytest.raises(ChartFormatError, match=r"lacks the SIGRID-3 field\(s\) CA, SA, FA"):
        read_chart(path)


def test_chart_without_crs(tmp_path):
    path = tmp_path / "chart.gpkg"
    fields = {k: ["92"] for k in ("CT", "CA", "SA", "FA")} | {"POLY_TYPE": ["I"]}
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        write_gpkg(path, fields, [SQUARE], crs=None)
    with pytest.raises(ChartFormatError, match="no coordinate reference system"):
        read_chart(path)


def test_self_intersecting_polygons_are_repaired_and_counted(tmp_path):
    bowtie = shapely.Polygon([(-50, 70), (-49, 71), (-49, 70), (-50, 71)])
    path = tmp_path / "chart.gpkg"
    fields = {
        "CT": ["92", "92"],
        "CA": ["-9"] * 2,
        "SA": ["95"] * 2,
        "FA": ["03"] * 2,
        "POLY_TYPE": ["I", "I"],
    }
    write_gpkg(path, fields, [SQUARE, bowtie])
    chart = read_chart(path)
    assert chart.n_repaired == 1
    assert shapely.is_valid(chart.geometries).all()
    assert "1 invalid geometries repaired" in chart.summary()


def test_chart_on_a_scene_grid_through_its_tie_points(charts_dir):
    from core.icechart.rasterize import chart_on_scene
    from core.scene.geolocation import pixel_xy

    chart = read_chart(charts_dir / "dmi" / "201308132150_Qaanaaq_RIC.shp")
    # A 400 × 500 pixel scene whose tie points are laid out on a known polar stereographic
    # grid (80 m pixels, north up) over the chart; each pixel's class must be the class of the
    # polygon under that pixel's own coordinates.
    from rasterio.warp import transform as to_lonlat

    shape = (400, 500)
    rows, cols = np.meshgrid(np.linspace(0, 399, 21), np.linspace(0, 499, 21), indexing="ij")
    biggest = chart.geometries[np.argmax(shapely.area(chart.geometries))]
    centre = shapely.Point(biggest.exterior.coords[0])  # on its edge: several classes around
    (cx,), (cy,) = to_lonlat("EPSG:4326", "EPSG:3413", [centre.x], [centre.y])
    x0, y0 = cx - 80 * 250, cy + 80 * 200  # the scene's first pixel
    lon, lat = to_lonlat(
        "EPSG:3413",
        "EPSG:4326",
        (x0 + 80 * cols).ravel().tolist(),
        (y0 - 80 * rows).ravel().tolist(),
    )
    lat, lon = np.reshape(lat, rows.shape), np.reshape(lon, rows.shape)
    charts = chart_on_scene(chart, lat, lon, shape, step=10)
    assert charts["SIC"].shape == (40, 50)
    x, y = pixel_xy(lat, lon, shape, step=10)
    np.testing.assert_allclose(x[0, :3], x0 + 80 * np.array([0, 10, 20]), atol=1.0)
    points = shapely.points(
        *to_lonlat("EPSG:3413", "EPSG:4326", x.ravel().tolist(), y.ravel().tolist())
    )
    tree = shapely.STRtree(chart.geometries)
    inside, polygon = tree.query(points, predicate="within")
    expected = np.full(points.size, MASK, dtype=np.uint8)
    expected[inside] = chart.classes.SIC[polygon]
    agree = (expected == charts["SIC"].ravel()).mean()
    assert agree > 0.99
    assert len(np.unique(charts["SIC"])) >= 2
