"""Draft ice charts: egg codes that decode back, a coverage without gaps or overlaps, the
classes coming back through the project's own SIGRID-3 reader, the CLI."""

import itertools

import numpy as np
import pytest
import shapely

from core.cli import main
from core.draft.make import agreement, draft_chart
from core.draft.params import DEFAULT_MIN_AREA_KM2, DraftParams
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


def test_draft_reads_back_as_the_prediction_at_the_default_minimum_area(draft):
    result, _ = draft
    assert result.n_polygons > 3
    assert min(result.agreement.values()) >= 95.0, result.agreement
    # Smoothed where this shapely's GEOS can (≥ 3.12), else said so.
    assert bool(result.warnings) != (shapely.geos_version >= (3, 12, 0)), result.warnings


def test_without_generalisation_the_draft_is_the_prediction_exactly(bundled_run, tmp_path):
    params = DraftParams(min_area_km2=0, simplify_m=0)
    result = draft_chart(bundled_run, tmp_path / "exact.gpkg", params)
    assert result.agreement == {"SIC": 100.0, "SOD": 100.0, "FLOE": 100.0}
    assert result.warnings == []  # no smoothing asked for, none missed


def test_polygons_tile_without_gaps_or_overlaps(bundled_run):
    run = read_run(bundled_run)
    chart = build_draft(run, DraftParams())
    geometries = chart.geometries
    assert shapely.is_valid(geometries).all()
    cell = abs(run.transform.a)
    union = shapely.union_all(geometries)
    overlap = shapely.area(geometries).sum() - union.area
    assert overlap < 1e-6 * union.area
    exact = build_draft(run, DraftParams(simplify_m=0))
    # Simplifying moves boundaries by at most the tolerance and opens no gap.
    assert shapely.hausdorff_distance(union, shapely.union_all(exact.geometries)) <= cell / 2
    assert abs(union.area - shapely.union_all(exact.geometries).area) < 0.01 * union.area


def test_smoothed_edges_stay_a_coverage(bundled_run):
    """The smoothing path (a shapely wheel, GEOS >= 3.12): edges move once for both neighbours."""
    run = read_run(bundled_run)
    cell = abs(run.transform.a)
    smooth, exact = build_draft(run, DraftParams()), build_draft(run, DraftParams(simplify_m=0))
    union = shapely.union_all(smooth.geometries)
    assert shapely.geos_version >= (3, 12, 0) and smooth.warnings == []
    # Shared edges moved once for both neighbours: no gap or overlap wider than half a cell.
    assert shapely.coverage_is_valid(smooth.geometries, gap_width=cell / 2)
    assert shapely.hausdorff_distance(union, shapely.union_all(exact.geometries)) <= cell / 2
    vertices = [int(shapely.get_num_coordinates(c.geometries).sum()) for c in (smooth, exact)]
    assert vertices[0] < 0.75 * vertices[1]  # stairs cut to diagonals


def test_small_polygons_survive_only_where_nothing_borders_them(bundled_run):
    run = read_run(bundled_run)
    chart = build_draft(run, DraftParams(min_area_km2=5.0, simplify_m=0))
    small = np.flatnonzero(chart.fields["AREA_KM2"] < 5.0)
    tree = shapely.STRtree(chart.geometries)
    for i in small:
        neighbours = [j for j in tree.query(chart.geometries[i], "touches") if j != i]
        assert not neighbours, (i, chart.fields["AREA_KM2"][i])
    coarse = build_draft(run, DraftParams(min_area_km2=20.0))
    assert len(coarse) < len(build_draft(run, DraftParams(min_area_km2=0.0)))


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
    assert min(result.agreement.values()) >= 95.0


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
    assert "polygons in" in capsys.readouterr().out and out.exists()
    assert main(["chart", str(bundled_run), "--out", str(out)]) == 2  # no overwrite
    assert "already exists" in capsys.readouterr().err
    assert DEFAULT_MIN_AREA_KM2 == DraftParams().min_area_km2
    assert agreement(read_run(bundled_run), out)["SIC"] >= 95.0
