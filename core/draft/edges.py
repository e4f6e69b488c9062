"""The boundary network of a region raster: every shared boundary traced once, as an arc.

A polygon coverage traced polygon by polygon holds each boundary twice, once per neighbour, and
smoothing the two copies separately opens gaps and overlaps. Here each boundary between two
regions is one arc from node to node, where a node is a grid corner at which three or more
regions meet (or two meet diagonally). Smoothing an arc with its end nodes fixed moves the
boundary once for both neighbours, so the rebuilt polygons still tile. Plain numpy and Python:
the result does not depend on the GEOS version (coverage simplification needs GEOS >= 3.12).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from affine import Affine

OUTSIDE = -1  # label of cells outside every region (land, no data, beyond the raster)

# (row, column) steps from a grid corner: east, south, west, north.
_STEPS = ((0, 1), (1, 0), (0, -1), (-1, 0))


@dataclass
class Arc:
    corners: np.ndarray  # (n, 2) float (column, row) grid corners in order; the ends are nodes
    regions: tuple[int, int]  # labels on its two sides (OUTSIDE for no region)
    closed: bool  # first corner == last corner


class _Boundary:
    """Boundary edges of the padded label raster, and which of them have been traced."""

    def __init__(self, labels: np.ndarray) -> None:
        h, w = labels.shape
        pad = np.full((h + 2, w + 2), OUTSIDE, dtype=np.int64)
        pad[1:-1, 1:-1] = labels
        self.pad = pad
        # horizontal[r, c]: edge from corner (r, c) to (r, c + 1), between cells above and below
        self.horizontal = (pad[:-1, 1:-1] != pad[1:, 1:-1]).tolist()
        # vertical[r, c]: edge from corner (r, c) to (r + 1, c), between cells left and right
        self.vertical = (pad[1:-1, :-1] != pad[1:-1, 1:]).tolist()
        self.h, self.w = h, w
        horizontal = np.asarray(self.horizontal, dtype=np.int8).reshape(h + 1, w)
        vertical = np.asarray(self.vertical, dtype=np.int8).reshape(h, w + 1)
        degree = np.zeros((h + 1, w + 1), dtype=np.int8)
        degree[:, :-1] += horizontal
        degree[:, 1:] += horizontal
        degree[:-1, :] += vertical
        degree[1:, :] += vertical
        self.degree = degree
        self.node = (degree >= 3).tolist()
        self.seen_h = [[False] * w for _ in range(h + 1)]
        self.seen_v = [[False] * (w + 1) for _ in range(h)]

    def edge(self, r: int, c: int, step: int) -> tuple[list[list[bool]], int, int] | None:
        """(seen table, row, column) of the edge leaving corner (r, c) along ``step``, or None."""
        if step == 0 and c < self.w and self.horizontal[r][c]:
            return self.seen_h, r, c
        if step == 2 and c > 0 and self.horizontal[r][c - 1]:
            return self.seen_h, r, c - 1
        if step == 1 and r < self.h and self.vertical[r][c]:
            return self.seen_v, r, c
        if step == 3 and r > 0 and self.vertical[r - 1][c]:
            return self.seen_v, r - 1, c
        return None

    def sides(self, r: int, c: int, step: int) -> tuple[int, int]:
        """Labels of the two cells along the edge leaving corner (r, c) along ``step``."""
        if step in (0, 2):
            col = c if step == 0 else c - 1
            return int(self.pad[r, col + 1]), int(self.pad[r + 1, col + 1])
        row = r if step == 1 else r - 1
        return int(self.pad[row + 1, c]), int(self.pad[row + 1, c + 1])

    def walk(self, r: int, c: int, step: int) -> Arc:
        """Follow boundary edges from corner (r, c) until a node or back to the start."""
        start = (r, c)
        regions = self.sides(r, c, step)
        corners = [(c, r)]
        while True:
            found = self.edge(r, c, step)
            if found is None:  # cannot happen: every walk follows existing edges
                raise RuntimeError(f"boundary trace lost its edge at corner {(r, c)}")
            seen, er, ec = found
            seen[er][ec] = True
            r, c = r + _STEPS[step][0], c + _STEPS[step][1]
            if self.node[r][c] or (r, c) == start:
                corners.append((c, r))
                break
            back = (step + 2) % 4
            turn = next(
                s for s in range(4) if s != back and self.edge(r, c, s) is not None
            )  # a pass-through corner has exactly one other edge
            if turn != step:
                corners.append((c, r))
            step = turn
        points = np.asarray(corners, dtype=np.float64)
        return Arc(points, (min(regions), max(regions)), (r, c) == start)

    def unseen(self, r: int, c: int, step: int) -> bool:
        found = self.edge(r, c, step)
        return found is not None and not found[0][found[1]][found[2]]


def trace_arcs(labels: np.ndarray) -> list[Arc]:
    """Every boundary of a label raster (OUTSIDE: no region) as arcs between nodes.

    Arcs start at nodes first; what remains are closed rings with no node (an island inside
    one region), each traced from its top-left corner.
    """
    boundary = _Boundary(np.asarray(labels))
    arcs = []
    for r, c in zip(*np.nonzero(boundary.degree >= 3)):
        for step in range(4):
            if boundary.unseen(int(r), int(c), step):
                arcs.append(boundary.walk(int(r), int(c), step))
    for r, c in zip(*np.nonzero(boundary.degree == 2)):
        for step in range(4):
            if boundary.unseen(int(r), int(c), step):
                arcs.append(boundary.walk(int(r), int(c), step))
    return arcs


def to_world(corners: np.ndarray, transform: Affine) -> np.ndarray:
    """(column, row) grid corners → (x, y) map coordinates."""
    a, b, c, d, e, f = transform[:6]
    cols, rows = corners[:, 0], corners[:, 1]
    return np.column_stack([a * cols + b * rows + c, d * cols + e * rows + f])
