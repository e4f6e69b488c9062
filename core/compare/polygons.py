"""Agreement per chart polygon: which polygons the model disagrees with most.

For each polygon of an official chart, over the predicted cells whose centre it contains: the
share of cells where the model gives the polygon's SIC, SOD and FLOE class, their mean
(``AGREE``), the mean SIC difference in percentage points and the cell count. Written on a copy
of the chart, styled from red (disagrees) to green (agrees).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ..icechart.classes import CHART_NAMES, MASK
from ..icechart.export import write_decoded_chart
from ..icechart.qml import graduated_polygon_qml
from ..output.runfolder import RunCharts
from .reference import Reference

AGREEMENT_RANGES = (
    (0.0, 50.0, "0-50 % agree", (215, 48, 39)),
    (50.0, 70.0, "50-70 %", (252, 141, 89)),
    (70.0, 85.0, "70-85 %", (254, 224, 139)),
    (85.0, 95.0, "85-95 %", (145, 207, 96)),
    (95.0, 100.0, "95-100 %", (26, 152, 80)),
)


def polygon_agreement(run: RunCharts, reference: Reference) -> dict[str, np.ndarray]:
    """Columns per chart polygon: AGREE_SIC/SOD/FLOE, AGREE, SIC_DIFF (pp), N_CELLS."""
    if reference.chart is None or reference.index is None:
        raise ValueError("polygon agreement needs an official chart, not the scene's labels")
    n = len(reference.chart)
    index = np.where(run.valid, reference.index, -1)
    inside = index >= 0
    columns: dict[str, np.ndarray] = {}
    shares = []
    for chart in CHART_NAMES:
        known = inside & (reference.classes[chart] != MASK)
        same = (run.predicted[chart] == reference.classes[chart]) & known
        counts = np.bincount(index[known], minlength=n)
        agree = np.bincount(index[same], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(counts > 0, 100 * agree / np.maximum(counts, 1), np.nan)
        columns[f"AGREE_{chart}"] = np.round(share, 1)
        shares.append(share)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # polygons with no predicted cell
        columns["AGREE"] = np.round(np.asarray(np.nanmean(np.vstack(shares), axis=0)), 1)
    known = inside & (reference.classes["SIC"] != MASK)
    diff = run.predicted["SIC"].astype(np.float64) - reference.classes["SIC"]
    counts = np.bincount(index[known], minlength=n)
    sums = np.bincount(index[known], weights=10 * diff[known], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_diff = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    columns["SIC_DIFF"] = np.round(mean_diff, 1)
    columns["N_CELLS"] = np.bincount(index[inside], minlength=n).astype(np.int32)
    return columns


def write_polygon_agreement(
    reference: Reference, columns: dict[str, np.ndarray], path: Path
) -> None:
    if reference.chart is None:
        raise ValueError("polygon agreement needs an official chart, not the scene's labels")
    style = graduated_polygon_qml("AGREE", AGREEMENT_RANGES)
    styles = [("Agreement", "Share of cells agreeing", style)]
    write_decoded_chart(
        reference.chart, path, overwrite=True, layer="chart_agreement", extra=columns, styles=styles
    )
