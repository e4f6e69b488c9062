"""Small seeded SIGRID-3 charts, so chart tests run on any machine (the real charts in
``../shared/`` are an extra layer where present).

``write_charts(folder, seed)`` writes the same chart as a shapefile and as a GeoPackage
(EPSG:4326, string egg-code fields as the CIS and DMI files carry them): a 4 × 4 grid of
quadrilaterals near West Greenland whose inner corners are jittered by the seed, one egg code of
each kind per cell (open water, land, no data, unknown, fast ice, a dominant stage and form,
stages that merge, a stage below the 65 % threshold, ...), plus a self-intersecting "bowtie"
ring the reader must repair. ``CASES`` holds each code with the classes worked out by hand from
the AI4Arctic conversion rules (spec §1.4 and §2), independently of ``core.icechart``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

MASK = 255
FIELDS = ("CT", "CA", "SA", "FA", "CB", "SB", "FB", "CC", "SC", "FC", "CN", "CD", "CF")

# (what, POLY_TYPE, {field: code}, expected (SIC tenths, SOD, FLOE)); unnamed fields are -9.
CASES: list[tuple[str, str, dict[str, str], tuple[int, int, int]]] = [
    ("open water, codes not filled", "W", {}, (0, 0, 0)),
    ("water polygon with CT 00", "W", {"CT": "00"}, (0, 0, 0)),
    ("land", "L", {}, (MASK, MASK, MASK)),
    ("no data", "N", {}, (MASK, MASK, MASK)),
    ("less than 1/10", "I", {"CT": "01"}, (0, 0, 0)),
    ("ice free", "I", {"CT": "55"}, (0, 0, 0)),
    ("fast ice masks FLOE", "I", {"CT": "92", "SA": "87", "FA": "08"}, (10, 3, MASK)),
    ("one stage, grey ice, small floes", "I", {"CT": "91", "SA": "84", "FA": "03"}, (10, 2, 2)),
    ("interval 1-2/10 rounds up, old ice", "I", {"CT": "12", "SA": "95", "FA": "03"}, (2, 5, 2)),
    ("glacier ice masks SOD", "I", {"CT": "35", "SA": "98", "FA": "03"}, (4, MASK, 2)),
    (
        "two first-year stages merge (4 + 3 of 8)",
        "I",
        {"CT": "79", "CA": "40", "SA": "93", "FA": "05", "CB": "30", "SB": "91", "FB": "05"},
        (8, 4, 4),
    ),
    (
        "no stage reaches 65 %, forms merge",
        "I",
        {"CT": "92", "CA": "50", "SA": "87", "FA": "03", "CB": "50", "SB": "95", "FB": "03"},
        (10, MASK, 2),
    ),
    ("new ice, floe code 02", "I", {"CT": "30", "SA": "81", "FA": "02"}, (3, 1, 1)),
    ("concentration 9/10, floe code 09", "I", {"CT": "90", "SA": "86", "FA": "09"}, (9, 4, 6)),
    ("floe code 10", "I", {"CT": "60", "SA": "88", "FA": "10"}, (6, 3, 6)),
    ("floe code 01 masks FLOE", "I", {"CT": "20", "SA": "83", "FA": "01"}, (2, 2, MASK)),
]
BOWTIE_CASE = ("self-intersecting ring, old ice", "I", {"CT": "92", "SA": "95", "FA": "03"})
BOWTIE_CLASSES = (10, 5, 2)
WEST, SOUTH, STEP = -52.0, 68.0, 1.0  # degrees: a 4 × 4 grid of 1° cells


def _corners(seed: int, n: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Grid nodes, inner ones jittered by up to 0.2 cells: shared by neighbours, so the cells
    still tile without gaps or overlaps."""
    lon, lat = np.meshgrid(WEST + STEP * np.arange(n + 1), SOUTH + STEP * np.arange(n + 1))
    jitter = np.random.default_rng(seed).uniform(-0.2, 0.2, (2, n - 1, n - 1)) * STEP
    lon[1:-1, 1:-1] += jitter[0]
    lat[1:-1, 1:-1] += jitter[1]
    return lon, lat


def chart_polygons(seed: int = 0) -> tuple[list[shapely.Polygon], list[int]]:
    """The cells (one per case, in a seeded order) and the bowtie; and each one's case index
    (``len(CASES)`` for the bowtie)."""
    lon, lat = _corners(seed)
    order = np.random.default_rng(seed + 1).permutation(len(CASES))
    polygons, cases = [], []
    for cell, case in enumerate(order):
        i, j = divmod(cell, 4)
        ring = [(lon[a, b], lat[a, b]) for a, b in ((i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j))]
        polygons.append(shapely.Polygon(ring))
        cases.append(int(case))
    north = SOUTH + 4.5 * STEP
    bowtie = [
        (WEST, north),
        (WEST + STEP, north + STEP),
        (WEST + STEP, north),
        (WEST, north + STEP),
    ]
    polygons.append(shapely.Polygon(bowtie))
    cases.append(len(CASES))
    return polygons, cases


def expected_classes(seed: int = 0) -> list[tuple[int, int, int]]:
    """The classes of each feature, in file order."""
    _, cases = chart_polygons(seed)
    return [CASES[c][3] if c < len(CASES) else BOWTIE_CLASSES for c in cases]


def write_charts(folder: Path, seed: int = 0) -> dict[str, Path]:
    """The chart as ``synthetic_chart.shp`` and ``synthetic_chart.gpkg`` in ``folder``."""
    from core.icechart.ogr import pyogrio

    polygons, cases = chart_polygons(seed)
    rows = [CASES[c][1:3] if c < len(CASES) else BOWTIE_CASE[1:] for c in cases]
    columns = {name: [codes.get(name, "-9") for _, codes in rows] for name in FIELDS}
    columns["POLY_TYPE"] = [poly_type for poly_type, _ in rows]
    wkb = shapely.to_wkb(np.asarray(polygons, dtype=object))
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"shp": folder / "synthetic_chart.shp", "gpkg": folder / "synthetic_chart.gpkg"}
    for driver, path in (("ESRI Shapefile", paths["shp"]), ("GPKG", paths["gpkg"])):
        pyogrio.raw.write(
            path,
            wkb,
            [np.asarray(v, dtype=object) for v in columns.values()],
            list(columns),
            driver=driver,
            geometry_type="Polygon",
            crs="EPSG:4326",
        )
    return paths
