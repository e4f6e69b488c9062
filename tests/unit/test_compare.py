"""Comparing a prediction with a chart: known answers, scikit-learn agreement, outputs, errors."""

import json
import shutil
from datetime import datetime, timezone

import numpy as np
import pytest
import rasterio
import shapely

from core.cli import main
from core.compare.reference import chart_time
from core.compare.run import compare_run
from core.compare.scores import compare_classes
from core.errors import ChartFormatError
from core.icechart.classes import CHART_NAMES, MASK
from core.icechart.ogr import pyogrio
from core.scene.writer import OutputExistsError


def test_hand_built_pair_gives_the_hand_computed_scores():
    predicted = {
        "SIC": np.array([0, 5, 10, 10]),
        "SOD": np.array([0, 1, 1, 1]),
        "FLOE": np.array([2, 2, 3, 3]),
    }
    reference = {
        "SIC": np.array([0, 0, 10, 10]),
        "SOD": np.array([0, 0, 1, 1]),
        "FLOE": np.array([2, 2, 3, 3]),
    }
    result = compare_classes(predicted, reference, np.ones(4, bool))
    # SIC: residuals 0,5,0,0 → 25; around the mean 5: 4 · 25 = 100 → R² = 0.75
    assert result.scores["SIC"] == pytest.approx(75.0)
    # SOD: class 0 P 1, R 1/2, F1 2/3; class 1 P 2/3, R 1, F1 4/5; support 2 and 2
    assert result.scores["SOD"] == pytest.approx(100 * (2 / 3 + 4 / 5) / 2)
    assert result.scores["FLOE"] == pytest.approx(100.0)
    assert result.scores["combined"] == pytest.approx((2 * 75 + 2 * 100 * 11 / 15 + 100) / 5)
    sod = result.detail["SOD"]
    assert sod.precision[:2] == pytest.approx([100.0, 200 / 3])
    assert sod.recall[:2] == pytest.approx([50.0, 100.0])
    assert sod.matrix[:2, :2].tolist() == [[1, 1], [0, 2]]
    assert result.n_cells == 4


def test_scores_agree_with_scikit_learn_on_random_arrays():
    from sklearn.metrics import f1_score, precision_score, r2_score, recall_score

    rng = np.random.default_rng(5)
    n = 5000
    reference = {
        "SIC": rng.integers(0, 11, n),
        "SOD": rng.integers(0, 6, n),
        "FLOE": rng.integers(0, 7, n),
    }
    predicted = {
        k: np.where(rng.random(n) < 0.6, v, rng.integers(0, v.max() + 1, n))
        for k, v in reference.items()
    }
    valid = rng.random(n) < 0.9
    result = compare_classes(predicted, reference, valid)
    t, p = reference["SIC"][valid], predicted["SIC"][valid]
    assert result.scores["SIC"] == pytest.approx(100 * r2_score(t, p))
    for chart in ("SOD", "FLOE"):
        t, p = reference[chart][valid], predicted[chart][valid]
        assert result.scores[chart] == pytest.approx(100 * f1_score(t, p, average="weighted"))
        labels = list(range(len(result.detail[chart].precision)))
        np.testing.assert_allclose(
            result.detail[chart].precision,
            100 * precision_score(t, p, labels=labels, average=None, zero_division=0),
        )
        np.testing.assert_allclose(
            result.detail[chart].recall,
            100 * recall_score(t, p, labels=labels, average=None, zero_division=0),
        )


@pytest.fixture()
def self_run(bundled_run, tmp_path):
    """A copy of a run whose 'scene chart' is its own prediction."""
    run = shutil.copytree(bundled_run, tmp_path / bundled_run.name)
    for name in ("sic", "sod", "floe"):
        shutil.copy(run / f"{name}.tif", run / f"chart_{name}.tif")
    return run


def test_a_prediction_compared_with_itself_scores_100(self_run):
    result = compare_run(self_run)
    assert result.comparison.scores == pytest.approx({c: 100.0 for c in (*CHART_NAMES, "combined")})
    with rasterio.open(result.folder / "sic_difference.tif") as ds:
        diff = ds.read(1)
        assert set(np.unique(diff[diff != ds.nodata])) == {0}
    with rasterio.open(result.folder / "sod_agreement.tif") as ds:
        assert set(np.unique(ds.read(1))) <= {0, MASK}


def test_scene_chart_comparison_writes_rasters_report_and_figures(bundled_run, tmp_path):
    result = compare_run(bundled_run, out=tmp_path / "cmp")
    files = {p.name for p in (tmp_path / "cmp").iterdir()}
    assert {
        "sic_difference.tif",
        "sod_agreement.tif",
        "floe_agreement.tif",
        "report.md",
        "compare.json",
        "confusion.png",
        "sic_difference.png",
        "per_class.png",
        "sic_difference.qml",
    } <= files
    report = result.report.read_text()
    assert f"| {result.comparison.scores['combined']:.1f} |" in report
    assert json.loads((tmp_path / "cmp" / "compare.json").read_text())["cells"] > 0
    with rasterio.open(tmp_path / "cmp" / "sic_difference.tif") as ds:
        values = ds.read(1)
        known = values != ds.nodata
        assert (
            known.any() and (values[known] % 10 == 0).all() and np.abs(values[known]).max() <= 100
        )
    with pytest.raises(OutputExistsError):
        compare_run(bundled_run, out=tmp_path / "cmp")
    assert (tmp_path / "cmp" / "report.md").read_text() == report  # nothing overwritten


def _chart_file(path, polygons_ll, poly_types, cts, sas, fas):
    """A tiny SIGRID-3 GeoPackage in EPSG:4326."""
    wkb = shapely.to_wkb(shapely.multipolygons([[p] for p in polygons_ll]))
    columns = {"POLY_TYPE": poly_types, "CT": cts, "CA": [""] * len(cts), "SA": sas, "FA": fas}
    pyogrio.raw.write(
        path,
        wkb,
        [np.array(v, dtype=object) for v in columns.values()],
        list(columns),
        driver="GPKG",
        geometry_type="MultiPolygon",
        crs="EPSG:4326",
    )
    return path


def _run_footprint_ll(run):
    from rasterio.warp import transform_bounds

    with rasterio.open(run / "sic.tif") as ds:
        return transform_bounds(ds.crs, "EPSG:4326", *ds.bounds)


def test_official_chart_gets_polygon_agreement_and_a_date_warning(bundled_run, tmp_path):
    west, south, east, north = _run_footprint_ll(bundled_run)
    half = (west + east) / 2
    polygons = [
        shapely.box(west - 1, south - 1, half, north + 1),
        shapely.box(half, south - 1, east + 1, north + 1),
    ]
    chart = _chart_file(
        tmp_path / "19990101_chart.gpkg", polygons, ["I", "W"], ["92", ""], ["91", ""], ["05", ""]
    )
    result = compare_run(bundled_run, chart, tmp_path / "cmp")
    assert "days apart" in result.warnings[0] and "1999-01-01" in result.warnings[0]
    meta, _, _, values = pyogrio.raw.read(
        tmp_path / "cmp" / "chart_agreement.gpkg", layer="chart_agreement"
    )
    columns = dict(zip(meta["fields"], values))
    expected = _two_half_agreement(bundled_run, half)
    np.testing.assert_array_equal(columns["N_CELLS"], expected["N_CELLS"])
    for name in ("AGREE_SIC", "AGREE_SOD", "AGREE_FLOE", "AGREE"):
        np.testing.assert_allclose(columns[name], expected[name], atol=0.051, err_msg=name)
    assert "disagrees with most" in result.report.read_text()


def _two_half_agreement(run, half_lon):
    """Expected columns for the ice polygon west of ``half_lon`` (CT 92, SA 91, FA 05: SIC 10,
    SOD 4, FLOE 4) and the water polygon east of it (all classes 0), worked out independently
    of core.compare: each valid predicted cell goes to the polygon holding its centre's
    longitude (the dividing meridian is straight in polar stereographic)."""
    from rasterio.warp import transform as transform_points

    predicted = {}
    for chart, scale in (("SIC", 10), ("SOD", 1), ("FLOE", 1)):
        with rasterio.open(run / f"{chart.lower()}.tif") as ds:
            values = ds.read(1)
            transform = ds.transform
        predicted[chart] = np.where(values == 255, 255, values // scale)
    valid = predicted["SIC"] != 255
    rows, cols = np.nonzero(valid)
    xs, ys = transform * (cols + 0.5, rows + 0.5)
    lon, _ = transform_points("EPSG:3413", "EPSG:4326", xs.tolist(), ys.tolist())
    west = np.asarray(lon) < half_lon
    truth = {"SIC": (10, 0), "SOD": (4, 0), "FLOE": (4, 0)}
    columns = {"N_CELLS": np.array([west.sum(), (~west).sum()])}
    shares = []
    for chart, (ice, water) in truth.items():
        same = predicted[chart][rows, cols] == np.where(west, ice, water)
        share = np.array([100 * same[west].mean(), 100 * same[~west].mean()])
        columns[f"AGREE_{chart}"] = np.round(share, 1)
        shares.append(share)
    columns["AGREE"] = np.round(np.mean(shares, axis=0), 1)
    return columns


def test_chart_elsewhere_or_undecodable_is_refused_with_a_reason(bundled_run, tmp_path):
    far = _chart_file(
        tmp_path / "far.gpkg", [shapely.box(100, -80, 110, -70)], ["I"], ["92"], ["91"], ["05"]
    )
    with pytest.raises(ChartFormatError, match="does not overlap the scene"):
        compare_run(bundled_run, far)
    west, south, east, north = _run_footprint_ll(bundled_run)
    land = _chart_file(
        tmp_path / "land.gpkg", [shapely.box(west, south, east, north)], ["L"], [""], [""], [""]
    )
    with pytest.raises(ChartFormatError, match="decodes to a class"):
        compare_run(bundled_run, land)
    assert not list(bundled_run.glob("compare_*"))  # nothing half-written


def test_chart_time_is_read_from_sigrid_file_names(tmp_path):
    assert chart_time(tmp_path / "201304100920_CapeFarewell_RIC.shp") == datetime(
        2013, 4, 10, 9, 20, tzinfo=timezone.utc
    )
    assert chart_time(tmp_path / "cis_SGRDREA_20190301T1800Z_pl_a.shp") == datetime(
        2019, 3, 1, tzinfo=timezone.utc
    )
    assert chart_time(tmp_path / "chart.shp") is None


def test_cli_compares_and_reports(bundled_run, tmp_path, capsys):
    assert main(["compare", str(bundled_run), "--out", str(tmp_path / "c")]) == 0
    assert "combined" in capsys.readouterr().out
    assert main(["compare", str(tmp_path), "--out", str(tmp_path / "d")]) == 2
    assert "not a finished Sea Ice Mapper run" in capsys.readouterr().err
