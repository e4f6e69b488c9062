"""Smooth boundary arcs with their end nodes fixed, without letting any two arcs cross.

Each arc is first simplified (Douglas-Peucker: no vertex of the cell staircase lies farther
than the tolerance from the result), then rounded by corner cutting (Chaikin), which moves the
line by at most a quarter of a segment and never more than the tolerance from a corner. The end
nodes never move, so arcs still meet where they met. Where a smoothed arc would cross or touch
another arc, or itself, it falls back to smaller tolerances, then to its cell edges, which
cross nothing: the rebuilt polygons always tile.
"""

from __future__ import annotations

import numpy as np
import shapely

CHAIKIN_PASSES = 3  # each pass doubles the vertices; three give round-looking curves


def douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Keep the ends and every vertex needed so no dropped one lies beyond ``tolerance``."""
    n = len(points)
    if n <= 2 or tolerance <= 0:
        return points
    closed = bool(np.all(points[0] == points[-1]))
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    if closed:  # a loop: its farthest vertex from the fixed end splits it into two lines
        far = int(np.argmax(np.hypot(*(points - points[0]).T)))
        keep[far] = True
        stack = [(0, far), (far, n - 1)]
    else:
        stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = points[i], points[j]
        inner = points[i + 1 : j]
        ab = b - a
        length = np.hypot(*ab)
        if length == 0:
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(ab[0] * (inner[:, 1] - a[1]) - ab[1] * (inner[:, 0] - a[0])) / length
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    if closed and keep.sum() < 4:  # a ring keeps at least a triangle
        rest = np.flatnonzero(~keep)
        if rest.size:
            a, b = points[0], points[np.flatnonzero(keep)[1]]
            ab = b - a
            dist = np.abs(ab[0] * (points[rest, 1] - a[1]) - ab[1] * (points[rest, 0] - a[0]))
            keep[rest[int(np.argmax(dist))]] = True
    return points[keep]


def chaikin(points: np.ndarray, reach: float, passes: int = CHAIKIN_PASSES) -> np.ndarray:
    """Cut every inner corner at a quarter of its segments, but never farther than ``reach``
    from the corner (a long straight edge keeps a sharp-ish corner); the ends stay put."""
    for _ in range(passes):
        if len(points) < 3:
            return points
        a, b = points[:-1], points[1:]
        length = np.hypot(*(b - a).T)
        share = np.minimum(0.25, reach / np.maximum(length, 1e-12))[:, None]
        cut = np.empty((2 * len(a), 2))
        cut[0::2] = a + share * (b - a)
        cut[1::2] = b - share * (b - a)
        # The first and last segments keep their end node instead of a cut.
        points = np.vstack([points[:1], cut[1:-1], points[-1:]])
    return points


def _conflicts(lines: np.ndarray, ends: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
    """Indices of arcs that touch another arc anywhere but at a shared end, or themselves;
    with ``among``, only conflicts that involve those arcs (the others were checked before)."""
    ask = np.arange(len(lines)) if among is None else among
    bad = set(ask[~shapely.is_simple(lines[ask])].tolist())
    tree = shapely.STRtree(lines)
    pairs = tree.query(lines[ask], predicate="intersects")
    left, right = ask[pairs[0]], pairs[1]
    keep = left != right
    left, right = left[keep], right[keep]
    if left.size:
        shared = shapely.intersection(ends[left], ends[right])
        meet = shapely.intersection(lines[left], lines[right])
        extra = ~shapely.is_empty(shapely.difference(meet, shared))
        bad.update(left[extra].tolist())
        bad.update(right[extra].tolist())
    return np.asarray(sorted(bad), dtype=np.int64)


def lines(arcs: list[np.ndarray]) -> np.ndarray:
    return np.array([shapely.LineString(points) for points in arcs], dtype=object)


def smooth_arcs(
    arcs: list[np.ndarray],
    tolerance: float,
    pinned: np.ndarray | None = None,
    finest: float = 0.0,
) -> tuple[list[np.ndarray], int]:
    """Smoothed copies of ``arcs`` ((n, 2) map coordinates), the ``pinned`` ones left as they
    are, and how many arcs had to fall back to a less smoothed form.

    An arc that conflicts steps down through halved tolerances (not below ``finest``, e.g.
    half a grid cell, which still cuts single-cell stairs) before it keeps its cell edges: a
    narrow strip still loses its staircase where its two sides cannot take the full tolerance.
    """
    if tolerance <= 0 or not arcs:
        return list(arcs), 0
    steps = [tolerance]
    while finest > 0 and steps[-1] / 2 >= finest:
        steps.append(steps[-1] / 2)
    if finest > 0 and steps[-1] > finest:
        steps.append(finest)
    ladder = [0.0, *reversed(steps)]  # level k smooths with ladder[k]; level 0 keeps the cells
    made: dict[tuple[int, int], np.ndarray] = {}

    def candidate(i: int, k: int) -> np.ndarray:
        """Arc ``i`` at level ``k``, made only when asked for: most arcs never fall back."""
        if k == 0:
            return arcs[i]
        if (i, k) not in made:
            made[(i, k)] = chaikin(douglas_peucker(arcs[i], ladder[k]), ladder[k])
        return made[(i, k)]

    level = np.full(len(arcs), len(steps))
    if pinned is not None:
        level[pinned] = 0
    ends = np.array([shapely.MultiPoint(p[[0, -1]]) for p in arcs], dtype=object)
    fallen = np.zeros(len(arcs), dtype=bool)
    current = lines([candidate(i, int(level[i])) for i in range(len(arcs))])
    changed = None  # the first pass checks every arc
    while True:
        bad = _conflicts(current, ends, changed)
        bad = bad[level[bad] > 0]
        if bad.size == 0:
            return [np.asarray(line.coords) for line in current], int(fallen.sum())
        level[bad] -= 1
        fallen[bad] = True
        current[bad] = lines([candidate(int(i), int(level[i])) for i in bad])
        changed = bad
