"""Draft ice charts: egg codes that decode back, a coverage without gaps or overlaps, the
classes coming back through the project's own SIGRID-3 reader, the CLI."""

import itertools

import numpy as np
import pytest
import shapely
from test_draft_edges import sharp_turns

from core.cli import main
from core.draft.make import agreement, draft_chart
from core.draft.params import DEFAULT_MIN_AREA_KM2, DEFAULT_SMOOTHING_M, DraftParams
from core.draft.polygons import build_draft
from core.draft.regions import region_keys, split_key
from core.errors import RunFolderError
from core.icechart.eggcode import EggCodes, decode
from core.icechart.encode import encode
from core.icechart.ogr import pyogrio
from core.icechart.sigrid import read_chart
from core.output.runfolder import read_run
from core.scene.writer import OutputExistsError


def test_every_class_combination_encodes_to_egg_codes_that_decode_back():
    combos = np.array(list(itertools.product(range(11), range(6), range(7))))
    sic, sod, floe = split_key(region_keys(*combos.T))  # as a chart states them
    decoded = decode(EggCodes.from_fields(encode(sic, sod, floe)))
    assert decoded.n_undecodable == 0
    np.testing.assert_array_equal(decoded.SIC, sic)
    np.testing.assert_array_equal(decoded.SOD, sod)
    np.testing.assert_array_equal(decoded.FLOE, floe)


def test_open_water_is_a_water_polygon_and_ice_is_an_ice_polygon():
    fields = encode(np.array([0, 4, 10]), np.array([0, 3, 5]), np.array([0, 2, 6]))
    assert list(fields["POLY_TYPE"]) == ["W", "I", "I"]
    assert list(fields["CT"]) == ["01", "40", "92"]
    assert list(fields["SA"]) == ["", "87", "95"] and list(fields["FA"]) == ["", "03", "10"]


@pytest.fixture(scope="module")
def draft(bundled_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("draft") / "draft.gpkg"
    return draft_chart(bundled_run, out, DraftParams(shapefile=True)), out


def test_the_summary_speaks_of_polygons_and_their_sizes(draft):
    result, path = draft
    areas = read_chart(path).geometries
    assert result.n_polygons == len(areas) > 1
    assert result.smallest_km2 == pytest.approx(shapely.area(areas).min() / 1e6, abs=0.01)
    assert result.smallest_km2 >= 0.5 * DEFAULT_MIN_AREA_KM2  # smoothing trims a little
    summary = result.summary()
    assert f"{result.n_polygons} polygons" in summary and "smallest" in summary
    assert "agree" not in summary  # the read-back check is in details(), not the headline
    assert all(f"{name} " in result.details() for name in ("SIC", "SOD", "FLOE"))
    assert all(0 <= v <= 100 for v in result.agreement.values())


def test_without_generalisation_the_draft_is_the_prediction_exactly(bundled_run, tmp_path):
    params = DraftParams(min_area_km2=0, simplify_m=0)
    result = draft_chart(bundled_run, tmp_path / "exact.gpkg", params)
    assert result.agreement == {"SIC": 100.0, "SOD": 100.0, "FLOE": 100.0}
    assert result.warnings == []


def _assert_tiles(geometries: np.ndarray, exact: np.ndarray, tolerance: float) -> None:
    """No overlap (areas add up to the union), no gap (the union has the holes of the exact,
    unsmoothed polygons' union, no more) and boundaries within the tolerance."""
    assert shapely.is_valid(geometries).all()
    union, exact_union = shapely.union_all(geometries), shapely.union_all(exact)
    assert abs(shapely.area(geometries).sum() - union.area) < 1e-6 * union.area
    holes = lambda g: sum(len(p.interiors) for p in shapely.get_parts(g))  # noqa: E731
    assert holes(union) <= holes(exact_union)
    assert shapely.hausdorff_distance(union, exact_union) <= tolerance


@pytest.mark.parametrize("smoothing", [400.0, 2000.0, 5000.0])
def test_polygons_tile_without_gaps_or_overlaps_on_this_geos(bundled_run, smoothing):
    """The project's own shapely uses the system GEOS (3.11 on Debian 12): no GEOS-version
    dependent call is involved any more."""
    run = read_run(bundled_run)
    params = DraftParams(min_area_km2=10, simplify_m=smoothing)
    chart = build_draft(run, params)
    exact = build_draft(run, DraftParams(min_area_km2=10, simplify_m=0))
    assert len(chart) == len(exact)
    _assert_tiles(chart.geometries, exact.geometries, smoothing)
    # The 800 m staircase is gone: right-angle turns were every corner, now they are rare.
    assert sharp_turns(exact.geometries) > 0.9 and sharp_turns(chart.geometries) < 0.2


def test_neighbours_share_the_same_smoothed_line(bundled_run):
    run = read_run(bundled_run)
    chart = build_draft(run, DraftParams(min_area_km2=10))
    tree = shapely.STRtree(chart.geometries)
    left, right = tree.query(chart.geometries, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right) if i < j]
    shared = [shapely.intersection(chart.geometries[i], chart.geometries[j]) for i, j in pairs]
    assert any(shapely.length(s) > 0 for s in shared)
    # Two neighbours meet along lines (and points), never over an area.
    assert all(shapely.area(s) < 1e-3 for s in shared)


def test_small_polygons_survive_only_where_nothing_borders_them(bundled_run):
    run = read_run(bundled_run)
    chart = build_draft(run, DraftParams(min_area_km2=5.0, simplify_m=0))
    assert (chart.fields["AREA_KM2"] >= 5.0).all()
    coarse = build_draft(run, DraftParams(min_area_km2=20.0))
    assert len(coarse) < len(build_draft(run, DraftParams(min_area_km2=0.0)))


def test_a_minimum_area_beyond_the_scene_leaves_one_polygon_per_connected_area(bundled_run):
    run = read_run(bundled_run)
    chart = build_draft(run, DraftParams(min_area_km2=1e9))
    assert len(np.unique(chart.fields["SIC_CLASS"])) == 1  # the most common class
    assert len(chart) == len(shapely.get_parts(shapely.union_all(chart.geometries)))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, "10"])
@pytest.mark.parametrize("name", ["min_area_km2", "simplify_m"])
def test_settings_refuse_what_is_not_a_size(name, value):
    with pytest.raises(ValueError, match=r"(minimum polygon area|smoothing tolerance) must be"):
        DraftParams(**{name: value})


def test_defaults_are_chart_scale():
    assert DraftParams().min_area_km2 == DEFAULT_MIN_AREA_KM2 >= 50
    assert DraftParams().smoothing_m == DEFAULT_SMOOTHING_M > 800  # beyond one grid cell
    assert DraftParams(simplify_m=0).smoothing_m == 0


def test_attributes_follow_sigrid3_and_come_back_through_the_reader(draft):
    _, path = draft
    chart = read_chart(path)
    assert chart.classes.n_undecodable == 0
    meta, _, _, values = pyogrio.raw.read(path, layer="draft_chart")
    columns = dict(zip(meta["fields"], values))
    for name in ("SIC", "SOD", "FLOE"):
        np.testing.assert_array_equal(getattr(chart.classes, name), columns[f"{name}_CLASS"])
    water = columns["POLY_TYPE"] == "W"
    assert (columns["SIC_CLASS"][water] == 0).all() and (columns["SIC_CLASS"][~water] > 0).all()
    confidence = columns["CONFIDENCE"]
    assert np.nanmin(confidence) >= 0 and np.nanmax(confidence) <= 100
    assert (columns["AREA_KM2"] > 0).all()


def test_shapefile_and_style_are_written_beside(draft):
    result, path = draft
    assert {p.suffix for p in result.files} >= {".gpkg", ".shp", ".dbf", ".prj", ".qml"}
    assert read_chart(path.with_suffix(".shp")).classes.n_undecodable == 0


def test_reprojected_draft_keeps_its_classes(bundled_run, tmp_path):
    result = draft_chart(bundled_run, tmp_path / "ll.gpkg", DraftParams(crs="EPSG:4326"))
    assert "4326" in read_chart(tmp_path / "ll.gpkg").crs
    native = draft_chart(bundled_run, tmp_path / "m.gpkg", DraftParams()).agreement
    assert all(abs(result.agreement[k] - native[k]) < 1.0 for k in native)


def test_bad_input_gets_clear_messages(bundled_run, tmp_path):
    with pytest.raises(RunFolderError, match="not a finished Sea Ice Mapper run"):
        draft_chart(tmp_path, tmp_path / "x.gpkg", DraftParams())
    (tmp_path / "x.gpkg").write_text("keep me")
    with pytest.raises(OutputExistsError, match="already exists"):
        draft_chart(bundled_run, tmp_path / "x.gpkg", DraftParams())
    assert (tmp_path / "x.gpkg").read_text() == "keep me"
    with pytest.raises(ValueError, match="minimum polygon area"):
        DraftParams(min_area_km2=-1)


def test_cli_writes_the_chart_and_reports_agreement(bundled_run, tmp_path, capsys):
    out = tmp_path / "cli.gpkg"
    assert main(["chart", str(bundled_run), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "polygons, the smallest" in printed and "Read back onto the prediction grid" in printed
    assert out.exists()
    assert main(["chart", str(bundled_run), "--out", str(out)]) == 2  # no overwrite
    assert "already exists" in capsys.readouterr().err
    assert main(["chart", str(bundled_run), "--out", str(out), "--simplify", "nan"]) == 2
    assert "smoothing tolerance must be a finite number" in capsys.readouterr().err
    assert (
        agreement(read_run(bundled_run), out)
        == draft_chart(bundled_run, tmp_path / "again.gpkg", DraftParams()).agreement
    )
    # The CLI's default minimum area is the one of DraftParams, and it does merge polygons.
    draft_chart(bundled_run, tmp_path / "all.gpkg", DraftParams(min_area_km2=0))
    count = {p: pyogrio.read_info(tmp_path / p)["features"] for p in ("again.gpkg", "all.gpkg")}
    assert pyogrio.read_info(out)["features"] == count["again.gpkg"] < count["all.gpkg"]


def test_a_chart_that_keeps_little_of_the_prediction_says_so():
    from core.draft.make import _low_agreement

    assert _low_agreement({"SIC": 95.0, "SOD": 90.0, "FLOE": 85.0}) == []
    (notice,) = _low_agreement({"SIC": 62.0, "SOD": 90.0, "FLOE": 70.4})
    assert notice.kind == "low_agreement" and notice.level == "warning"
    assert "SIC 62 %" in notice and "FLOE 70 %" in notice and "SOD" not in notice
