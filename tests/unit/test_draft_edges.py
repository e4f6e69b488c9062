"""The boundary network and its smoothing on hand-drawn rasters: known arcs, fixed nodes,
neighbours that keep sharing one line, and no island lost to a neighbour's smoothed edge."""

import numpy as np
import pytest
import shapely
from affine import Affine

from core.draft.edges import OUTSIDE, to_world, trace_arcs
from core.draft.polygons import _faces
from core.draft.smooth import chaikin, douglas_peucker, lines, smooth_arcs

CELL = 800.0
GRID = Affine(CELL, 0, 0, 0, -CELL, 0)


def sharp_turns(polygons: np.ndarray) -> float:
    """Share of the polygons' vertices where the boundary turns by 60° or more."""
    turns = []
    for ring in shapely.get_rings(shapely.get_parts(polygons)):
        xy = np.asarray(ring.coords)[:-1]
        a, b = xy - np.roll(xy, 1, axis=0), np.roll(xy, -1, axis=0) - xy
        cos = (a * b).sum(1) / np.hypot(*a.T) / np.hypot(*b.T)
        turns.append(cos < 0.5)
    return float(np.concatenate(turns).mean())


def _rebuild(labels: np.ndarray, tolerance: float) -> tuple[np.ndarray, int]:
    arcs = trace_arcs(labels)
    world = [to_world(a.corners, GRID) for a in arcs]
    by_region: list[list[int]] = [[] for _ in range(int(labels.max()) + 1)]
    for i, arc in enumerate(arcs):
        for region in set(arc.regions) - {OUTSIDE}:
            by_region[region].append(i)
    smoothed, fallen = smooth_arcs(world, tolerance)
    faces, whole = _faces(lines(smoothed), by_region)
    assert whole.all()
    return faces, fallen


def test_two_halves_have_one_shared_arc_and_outer_arcs_between_nodes():
    labels = np.zeros((4, 6), dtype=int)
    labels[:, 3:] = 1
    arcs = trace_arcs(labels)
    shared = [a for a in arcs if a.regions == (0, 1)]
    assert len(shared) == 1
    np.testing.assert_array_equal(sorted(map(tuple, shared[0].corners)), [(3, 0), (3, 4)])
    assert sorted(a.regions for a in arcs) == [(-1, 0), (-1, 1), (0, 1)]


def test_an_island_is_one_closed_ring_with_no_node():
    labels = np.zeros((5, 5), dtype=int)
    labels[1:3, 1:4] = 1
    ring = [a for a in trace_arcs(labels) if a.regions == (0, 1)]
    assert len(ring) == 1 and ring[0].closed
    assert shapely.Polygon(ring[0].corners).area == 6  # 2 × 3 cells


def test_diagonal_neighbours_meet_at_a_node():
    labels = np.array([[0, 1], [1, 0]])
    arcs = trace_arcs(labels)
    ends = {tuple(a.corners[0]) for a in arcs} | {tuple(a.corners[-1]) for a in arcs}
    assert (1.0, 1.0) in ends  # the centre corner where the four cells meet


def test_douglas_peucker_keeps_the_ends_and_what_sticks_out():
    stairs = np.array([[0, 0], [1, 0], [1, 1], [2, 1], [2, 2], [3, 2], [3, 3]], dtype=float)
    np.testing.assert_array_equal(douglas_peucker(stairs, 1.0), [[0, 0], [3, 3]])
    spike = np.array([[0, 0], [1, 0], [2, 5], [3, 0], [4, 0]], dtype=float)
    np.testing.assert_array_equal(douglas_peucker(spike, 1.0), [[0, 0], [2, 5], [4, 0]])
    ring = np.array([[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], dtype=float)
    assert len(douglas_peucker(ring, 100.0)) == 4  # a ring keeps at least a triangle


def test_chaikin_rounds_corners_within_reach_and_keeps_the_ends():
    corner = np.array([[0, 0], [10, 0], [10, 10]], dtype=float)
    round_ = chaikin(corner, reach=1.0)
    np.testing.assert_array_equal(round_[[0, -1]], corner[[0, -1]])
    assert shapely.LineString(round_).hausdorff_distance(shapely.LineString(corner)) <= 1.0
    assert not any((round_ == [10, 0]).all(axis=1))  # the sharp corner is cut


def test_smoothing_keeps_the_coverage_of_a_hand_drawn_chart():
    labels = np.zeros((40, 50), dtype=int)
    yy, xx = np.mgrid[:40, :50]
    labels[(yy - 15) ** 2 + (xx - 15) ** 2 < 100] = 1
    labels[(yy - 25) ** 2 + (xx - 33) ** 2 < 150] = 2
    labels[30:, :8] = OUTSIDE
    labels[5:8, 40:43] = 3
    exact, _ = _rebuild(labels, 0)
    faces, _ = _rebuild(labels, 2 * CELL)
    assert shapely.is_valid(faces).all()
    union = shapely.union_all(faces)
    assert shapely.area(faces).sum() == pytest.approx(union.area, rel=1e-9)
    assert len(union.interiors) == 0  # no gap between neighbours
    assert shapely.hausdorff_distance(union, shapely.union_all(exact)) <= 2 * CELL
    # The staircase is gone: right-angle turns were every corner, now they are rare.
    assert sharp_turns(exact) > 0.9 and sharp_turns(faces) < 0.1


def test_an_island_in_a_smoothed_away_spike_keeps_its_place():
    """Region 0 sends a 5-cell-wide spike into region 1, with island 2 inside the spike. A
    tolerance wider than the spike would straighten the 0/1 boundary across the island and
    leave it in the wrong region: the edges around region 0 stay unsmoothed instead."""
    labels = np.ones((20, 21), dtype=int)
    labels[:8, :] = 0
    labels[8:13, 8:13] = 0
    labels[10, 10] = 2
    faces, fallen = _rebuild(labels, 8 * CELL)
    assert fallen > 0
    union = shapely.union_all(faces)
    assert shapely.area(faces).sum() == pytest.approx(union.area, rel=1e-9)
    assert faces[0].contains(shapely.Point(10.5 * CELL, -9 * CELL))  # beside the island
    assert shapely.within(faces[2], shapely.Polygon(faces[0].exterior))
