"""The comparison report: Markdown beside the rasters, with the figures when they exist."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..icechart.classes import CHART_NAMES, CHARTS
from .scores import Comparison


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _confusion(comparison: Comparison, chart: str) -> str:
    matrix = comparison.detail[chart].matrix
    names = [c.name for c in CHARTS[chart].classes]
    rows = [[f"**{names[i]}**", *(str(int(v)) for v in matrix[i])] for i in range(len(names))]
    return _table(["chart ↓ / predicted →", *names, "none"], rows)


def render(
    title: str,
    source: str,
    comparison: Comparison,
    warnings: Sequence[str],  # Notices (or plain text, read as warnings)
    worst: list[tuple[int, float, int]],
    figures: list[str],
    layers: list[str],
    share: float = 100.0,
) -> str:
    s = comparison.scores
    parts = [
        f"# {title}",
        "",
        f"Reference: {source}. Cells compared: {comparison.n_cells} ({share:.1f} % of the "
        "scene's predicted cells).",
        "",
    ]
    parts += [f"> **{getattr(w, 'level', 'warning').capitalize()}:** {w}" for w in warnings]
    parts += ["", "## Scores (AutoICE definitions)", ""]
    parts.append(
        _table(
            ["SIC (R²)", "SOD (weighted F1)", "FLOE (weighted F1)", "combined"],
            [[f"{s[c]:.1f}" for c in (*CHART_NAMES, "combined")]],
        )
    )
    parts += ["", "## Per class", ""]
    for chart in CHART_NAMES:
        detail = comparison.detail[chart]
        rows = [
            [
                c.label,
                str(int(detail.support[i])),
                f"{detail.precision[i]:.1f}",
                f"{detail.recall[i]:.1f}",
            ]
            for i, c in enumerate(CHARTS[chart].classes)
        ]
        parts += [
            f"### {CHARTS[chart].title}",
            "",
            _table(["class", "chart cells", "precision %", "recall %"], rows),
            "",
            "Confusion (cells):",
            "",
            _confusion(comparison, chart),
            "",
        ]
    if worst:
        parts += [
            "## Chart polygons the model disagrees with most",
            "",
            "Agreement counts only the predicted cells inside each polygon; the agreement layer "
            "clips every polygon to the compared cells.",
            "",
        ]
        rows = [[str(fid), f"{agree:.1f}", str(cells)] for fid, agree, cells in worst]
        parts += [_table(["polygon (fid)", "agreement %", "cells"], rows), ""]
    if figures:
        parts += ["## Figures", ""] + [f"![{name}]({name})" for name in figures] + [""]
    else:
        parts += ["(Figures need matplotlib: `pip install matplotlib` in QGIS's Python.)", ""]
    parts += ["## Layers", "", *(f"- `{name}`" for name in layers), ""]
    return "\n".join(parts)


def worst_polygons(
    fids: np.ndarray, agree: np.ndarray, cells: np.ndarray, count: int = 10, min_cells: int = 10
) -> list[tuple[int, float, int]]:
    """The ``count`` polygons with the lowest agreement among those with enough cells."""
    usable = np.flatnonzero((cells >= min_cells) & np.isfinite(agree))
    order = usable[np.argsort(agree[usable], kind="stable")][:count]
    return [(int(fids[i]), float(agree[i]), int(cells[i])) for i in order]
