"""A synthetic ice chart: polygons with SIGRID-3 egg codes, decoded like a real chart.

Polygons are warped Voronoi cells on a coarse layout grid; each gets an egg code drawn to give
class frequencies in the range of the real AI4Arctic histograms (about half the charted pixels
open water, then mostly 9-10/10 of thick first-year and old ice). Labels come from
``core.icechart.eggcode.decode``, the same decoder used for real charts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..icechart.eggcode import DecodedCharts, EggCodes, decode
from .fields import smooth_noise
from .physics import LAND, NEW, OLD, THICK_FY, THIN_FY, WATER, YOUNG

STAGE_CODES = {
    NEW: (81, 82),
    YOUNG: (83, 84, 85),
    THIN_FY: (87, 88, 89),
    THICK_FY: (86, 91, 93),
    OLD: (95, 96, 97),
}
FORM_CODES = {NEW: (1, 2), YOUNG: (2, 3), THIN_FY: (3, 4), THICK_FY: (4, 5, 6), OLD: (5, 6, 7)}
STAGE_P = {NEW: 0.06, YOUNG: 0.09, THIN_FY: 0.08, THICK_FY: 0.43, OLD: 0.34}
CT_CODES = (92, 91, 90, 80, 70, 60, 50, 40, 30, 20, 10, 79, 46)
CT_P = (0.34, 0.12, 0.08, 0.07, 0.05, 0.04, 0.05, 0.03, 0.05, 0.05, 0.03, 0.05, 0.04)
CT_CONCENTRATION = {92: 1.0, 91: 0.95, 79: 0.8, 46: 0.5}
P_WATER = 0.42


@dataclass(frozen=True)
class ChartLayout:
    index: np.ndarray  # (h, w) polygon index on the layout grid
    codes: EggCodes
    classes: DecodedCharts
    concentration: np.ndarray  # per polygon: true ice fraction 0..1
    kind_a: np.ndarray  # per polygon: surface kind of the thickest ice (or WATER/LAND)
    kind_b: np.ndarray  # per polygon: second ice kind
    share_a: np.ndarray  # per polygon: share of kind_a within the ice


def _draw_polygon(rng: np.random.Generator) -> tuple[dict, float, int, int, float]:
    """One polygon's egg code and its physical truth."""
    blank = dict(CA=-9, SA=-9, FA=-9, CB=-9, SB=-9, FB=-9, CC=-9, SC=-9, FC=-9)
    if rng.random() < P_WATER:
        return {**blank, "CT": -9, "POLY_TYPE": "W"}, rng.uniform(0, 0.03), WATER, WATER, 1.0
    ct = int(rng.choice(CT_CODES, p=CT_P))
    concentration = CT_CONCENTRATION.get(ct, ct / 100)
    kinds = list(STAGE_P)
    kind_a = int(rng.choice(kinds, p=list(STAGE_P.values())))
    code = {
        **blank,
        "CT": ct,
        "POLY_TYPE": "I",
        "SA": int(rng.choice(STAGE_CODES[kind_a])),
        "FA": int(rng.choice(FORM_CODES[kind_a])),
    }
    if ct == 92 and rng.random() < 0.15:
        code["FA"] = 8  # fast ice
    tenths = round(concentration * 10)
    if rng.random() < 0.45 or tenths < 2:
        return code, concentration, kind_a, kind_a, 1.0
    kind_b = int(rng.choice([k for k in kinds if k != kind_a]))
    ca = int(np.clip(round(rng.uniform(0.35, 0.9) * tenths), 1, tenths - 1))
    code.update(
        CA=10 * ca,
        CB=10 * (tenths - ca),
        SB=int(rng.choice(STAGE_CODES[kind_b])),
        FB=int(rng.choice(FORM_CODES[kind_b])),
    )
    return code, concentration, kind_a, kind_b, ca / tenths


def make_chart(rng: np.random.Generator, shape: tuple[int, int]) -> ChartLayout:
    """Polygons on a layout grid of ``shape`` cells, with land and chart no-data regions."""
    h, w = shape
    n_ice = int(np.clip(round(np.sqrt(h * w) / 30), 5, 24))
    seeds = rng.uniform(0, 1, (n_ice, 2)) * (h, w)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amplitude = 0.08 * max(h, w)
    yy += amplitude * smooth_noise(rng, shape, max(h, w) / 10)
    xx += amplitude * smooth_noise(rng, shape, max(h, w) / 10)
    dist = (yy[None] - seeds[:, 0, None, None]) ** 2 + (xx[None] - seeds[:, 1, None, None]) ** 2
    index = np.argmin(dist, axis=0).astype(np.int32)

    drawn = [_draw_polygon(rng) for _ in range(n_ice)]
    extra: list[tuple[dict, float, int, int, float]] = []
    if rng.random() < 0.6:  # land creeping in from one edge
        ramp = [yy / h, 1 - yy / h, xx / w, 1 - xx / w][rng.integers(4)]
        land = smooth_noise(rng, shape, max(h, w) / 12) + 8 * ramp > 7.2
        index[land] = n_ice + len(extra)
        extra.append(({"CT": -9, "POLY_TYPE": "L"}, 0.0, LAND, LAND, 1.0))
    if rng.random() < 0.25:  # a corner the ice chart does not cover
        corner = (yy < h * rng.uniform(0.1, 0.3)) & (xx < w * rng.uniform(0.1, 0.3))
        index[corner & (index < n_ice)] = n_ice + len(extra)
        extra.append(({"CT": -9, "POLY_TYPE": "N"}, 0.0, WATER, WATER, 1.0))
    rows = drawn + extra

    fields = {key: [row[0].get(key, -9) for row in rows] for key in rows[0][0]}
    codes = EggCodes.from_fields(fields)
    return ChartLayout(
        index=index,
        codes=codes,
        classes=decode(codes),
        concentration=np.array([row[1] for row in rows], dtype=np.float32),
        kind_a=np.array([row[2] for row in rows], dtype=np.uint8),
        kind_b=np.array([row[3] for row in rows], dtype=np.uint8),
        share_a=np.array([row[4] for row in rows], dtype=np.float32),
    )
