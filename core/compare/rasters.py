"""Difference rasters on the prediction grid, styled, for QGIS beside the charts.

- ``sic_difference.tif``: predicted minus reference concentration, percentage points (int16);
  blue where the model sees less ice than the chart, red where it sees more.
- ``sod_agreement.tif`` / ``floe_agreement.tif``: 0 where the model agrees with the chart, else
  1 + the class the model predicted instead, in that class's WMO colour.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..icechart.classes import CHARTS, MASK, ChartClasses, IceClass
from ..icechart.qml import ramp_qml, raster_qml
from ..output.georef import TargetGrid
from ..output.geotiff import write_geotiff
from ..output.runfolder import RunCharts

DIFFERENCE_NODATA = -32768
DIFFERENCE_RAMP = ((-100, (33, 102, 172)), (0, (247, 247, 247)), (100, (178, 24, 43)))
AGREES = (200, 200, 200)


def agreement_classes(chart: str) -> ChartClasses:
    """Classes of an agreement raster: 0 agrees, 1 + k the model predicted class k instead."""
    table = CHARTS[chart]
    rows = [IceClass(0, "agrees", "Agrees with the chart", AGREES)]
    rows += [
        IceClass(
            1 + c.value, f"predicted {c.name}", f"Chart differs; predicted: {c.label}", c.colour
        )
        for c in table.classes
    ]
    return ChartClasses(chart=chart, title=f"{chart} agreement with the chart", classes=tuple(rows))


def sic_difference(run: RunCharts, reference: dict[str, np.ndarray]) -> np.ndarray:
    """Predicted minus reference SIC in percentage points (int16), DIFFERENCE_NODATA elsewhere."""
    known = run.valid & (reference["SIC"] != MASK)
    diff = np.full(run.shape, DIFFERENCE_NODATA, np.int16)
    diff[known] = 10 * (run.predicted["SIC"][known].astype(np.int16) - reference["SIC"][known])
    return diff


def write_difference_rasters(
    run: RunCharts,
    reference: dict[str, np.ndarray],
    diff: np.ndarray,
    folder: Path,
    tags: dict[str, str],
) -> list[str]:
    grid = TargetGrid(run.transform, run.shape[1], run.shape[0])
    both = {c: run.valid & (reference[c] != MASK) for c in CHARTS}
    written = []
    path = folder / "sic_difference.tif"
    write_geotiff(
        path,
        diff,
        grid,
        run.crs,
        DIFFERENCE_NODATA,
        tags,
        "SIC predicted minus chart [percentage points]",
        style=ramp_qml(DIFFERENCE_RAMP, "pp"),
    )
    written.append(path.name)
    for chart in ("SOD", "FLOE"):
        known = both[chart]
        values = np.full(run.shape, MASK, np.uint8)
        predicted = run.predicted[chart][known]
        values[known] = np.where(predicted == reference[chart][known], 0, 1 + predicted)
        classes = agreement_classes(chart)
        path = folder / f"{chart.lower()}_agreement.tif"
        write_geotiff(
            path,
            values,
            grid,
            run.crs,
            MASK,
            tags,
            classes.title,
            chart=classes,
            style=raster_qml(classes),
        )
        written.append(path.name)
    return written
