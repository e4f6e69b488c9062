"""The reference a prediction is held against, on the prediction's own grid.

Either the scene's own chart labels (``chart_*.tif`` of the run, already on its grid), or an
official SIGRID-3 chart in any CRS, decoded with the ice-chart module and rasterised onto the
prediction grid: each 800 m cell takes the class of the chart polygon containing its centre
(no resampling of classes, no mixing). Cells no polygon covers, and polygons that decode to no
class, are left out of every score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import ChartFormatError
from ..icechart.classes import CHART_NAMES, MASK
from ..icechart.rasterize import classes_from_index, polygon_index
from ..icechart.sigrid import IceChart, read_chart
from ..output.runfolder import RunCharts

# SIGRID-3 chart files are commonly named by their valid time: DMI 201304100920_..., CIS
# ..._20190301... ; the first 12- or 8-digit run in the name is taken as that time.
_DATE = re.compile(r"(?<!\d)(\d{12}|\d{8})(?!\d)")


@dataclass
class Reference:
    name: str  # for titles: "scene chart" or the chart file's name
    classes: dict[str, np.ndarray]  # on the prediction grid; MASK where nothing is known
    chart: IceChart | None = None  # the official chart, when it is one
    index: np.ndarray | None = None  # chart polygon per cell (-1: none)
    time: datetime | None = None


def chart_time(path: Path) -> datetime | None:
    match = _DATE.search(path.stem)
    if match is None:
        return None
    text = match.group(1)
    try:
        return datetime.strptime(text, "%Y%m%d%H%M" if len(text) == 12 else "%Y%m%d").replace(
            tzinfo=timezone.utc
        )
    except ValueError:
        return None


def scene_labels(run: RunCharts) -> Reference:
    missing = [c for c in CHART_NAMES if c not in run.reference]
    if missing:
        raise ChartFormatError(
            f"the run in {run.folder} holds no chart of its scene (chart_*.tif): the scene was "
            "not labelled. Give an official SIGRID-3 chart of the same area and day instead."
        )
    return Reference("scene chart", dict(run.reference))


def official_chart(run: RunCharts, path: Path) -> Reference:
    chart = read_chart(path)
    decodable = (chart.classes.SIC != MASK) | (chart.classes.SOD != MASK)
    if not decodable.any():
        raise ChartFormatError(
            f"{path.name}: none of its {len(chart)} polygons has an egg code that decodes to a "
            "class (all land, no data or unknown codes). Check that it is a SIGRID-3 ice chart."
        )
    index = polygon_index(chart, run.crs, run.transform, run.shape)
    if not ((index >= 0) & run.valid).any():
        raise ChartFormatError(
            f"{path.name} does not overlap the scene {run.scene}: no chart polygon covers any "
            "predicted cell. Pick the chart of the scene's region and day."
        )
    classes = {name: classes_from_index(chart, index, name) for name in CHART_NAMES}
    return Reference(path.name, classes, chart, index, chart_time(path))
