"""Chart reading and decoding on the committed, seeded SIGRID-3 generator (tests/data/
make_charts.py): runs on any machine, shapefile and GeoPackage alike."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from affine import Affine

from core.icechart.classes import MASK
from core.icechart.rasterize import rasterize_chart
from core.icechart.sigrid import read_chart
from repo_paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tests" / "data"))

from make_charts import CASES, chart_polygons, expected_classes, write_charts


@pytest.fixture(scope="module", params=[0, 7])
def charts(request, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Path]]:
    folder = tmp_path_factory.mktemp(f"charts_{request.param}")
    return request.param, write_charts(folder, seed=request.param)


@pytest.mark.parametrize("kind", ["shp", "gpkg"])
def test_every_egg_code_decodes_to_the_hand_worked_classes(charts, kind: str) -> None:
    seed, paths = charts
    chart = read_chart(paths[kind])
    got = list(zip(*(chart.classes.SIC, chart.classes.SOD, chart.classes.FLOE)))
    expected = expected_classes(seed)
    assert len(got) == len(expected) == len(CASES) + 1
    _, cases = chart_polygons(seed)
    for case, have, want in zip(cases, got, expected):
        what = CASES[case][0] if case < len(CASES) else "bowtie"
        assert tuple(int(v) for v in have) == want, what


@pytest.mark.parametrize("kind", ["shp", "gpkg"])
def test_the_invalid_ring_is_repaired_and_counted(charts, kind: str) -> None:
    _, paths = charts
    chart = read_chart(paths[kind])
    assert chart.n_repaired == 1
    assert shapely.is_valid(chart.geometries).all()
    assert chart.classes.n_undecodable == 0


def test_seeds_move_the_inner_corners_but_the_cells_still_tile() -> None:
    first, _ = chart_polygons(0)
    other, _ = chart_polygons(7)
    assert not shapely.equals(first[5], other[5])
    for polygons in (first, other):
        cells = shapely.union_all(polygons[:-1])
        assert shapely.area(cells) == pytest.approx(16.0)  # no gaps, no overlaps: 4 × 4 degrees
        assert sum(shapely.area(p) for p in polygons[:-1]) == pytest.approx(16.0)


def test_the_chart_rasterizes_with_each_cell_s_class(charts) -> None:
    seed, paths = charts
    chart = read_chart(paths["gpkg"])
    polygons, cases = chart_polygons(seed)
    grid = Affine(0.02, 0, -52.0, 0, -0.02, 72.0)  # 0.02° cells over the 4 × 4 degree grid
    sic = rasterize_chart(chart, "SIC", "EPSG:4326", grid, (200, 200))
    for polygon, case in zip(polygons[:-1], cases):
        inside = shapely.point_on_surface(polygon)
        col, row = ~grid * (inside.x, inside.y)
        assert sic[int(row), int(col)] == CASES[case][3][0], CASES[case][0]
    assert set(np.unique(sic).tolist()) <= set(range(11)) | {MASK}
