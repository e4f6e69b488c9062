"""One call from a run folder to a draft chart on disk, with how faithful it is to the pixels."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..compare.notices import Notice
from ..errors import ParamsError
from ..icechart.classes import CHART_NAMES
from ..icechart.rasterize import rasterize_chart
from ..icechart.sigrid import read_chart
from ..output.runfolder import RunCharts, read_run
from .params import DraftParams, check_crs
from .polygons import build_draft
from .regions import region_keys, split_key
from .write import write_draft

# Below this share of cells charted as predicted, the generalisation hides what the model saw.
LOW_AGREEMENT = 80.0


@dataclass
class DraftResult:
    files: list[Path]
    n_polygons: int
    agreement: dict[str, float]  # percent of valid cells whose class the chart gives back
    seconds: dict[str, float]
    warnings: list[Notice] = field(default_factory=list)
    smallest_km2: float = 0.0  # area of the smallest polygon
    median_km2: float = 0.0
    min_area_km2: float = 0.0  # the settings it was drawn with
    smoothing_m: float = 0.0

    def summary(self) -> str:
        """What the analyst gets, in a line."""
        return (
            f"{self.n_polygons} polygons, the smallest {_km2(self.smallest_km2)}, median "
            f"{_km2(self.median_km2)} (minimum area {self.min_area_km2:g} km², smoothing "
            f"{self.smoothing_m:g} m), in {self.files[0]}"
        )

    def details(self) -> str:
        """The read-back check, for logs: how much of the prediction the chart still states."""
        agree = ", ".join(f"{k} {v:.1f} %" for k, v in self.agreement.items())
        return (
            f"Read back onto the prediction grid, the chart gives the predicted class on {agree} "
            "of valid cells."
        )


def _km2(area: float) -> str:
    return f"{area:.1f} km²" if area < 10 else f"{area:,.0f} km²"


def agreement(run: RunCharts, chart_path: Path) -> dict[str, float]:
    """Read ``chart_path`` with the project's SIGRID-3 reader, burn it onto the run's grid and
    compare with the prediction (open water counted as having no stage or form, as charted)."""
    chart = read_chart(chart_path)
    keys = region_keys(run.predicted["SIC"], run.predicted["SOD"], run.predicted["FLOE"])
    valid = keys >= 0
    expected = dict(zip(CHART_NAMES, split_key(keys)))
    result = {}
    for name in CHART_NAMES:
        burnt = rasterize_chart(chart, name, run.crs, run.transform, run.shape)
        result[name] = float(100 * np.mean(burnt[valid] == expected[name][valid]))
    return result


def draft_chart(run_dir: str | Path, out: str | Path, params: DraftParams) -> DraftResult:
    start = time.perf_counter()
    if Path(out).suffix.lower() != ".gpkg":  # before any work, not after
        raise ParamsError(f"a draft chart is written as a GeoPackage (.gpkg), not {Path(out).name}")
    if params.crs is not None:
        try:
            check_crs(params.crs)
        except ValueError as error:
            raise ParamsError(str(error)) from None
    run = read_run(run_dir)
    read_s = time.perf_counter() - start
    chart = build_draft(run, params)
    write_start = time.perf_counter()
    files = write_draft(chart, Path(out), params.shapefile, params.overwrite)
    write_s = time.perf_counter() - write_start
    seconds = {"reading": read_s, **chart.seconds, "writing": write_s}
    agree = agreement(run, files[0])
    areas = chart.fields["AREA_KM2"]
    return DraftResult(
        files,
        len(chart),
        agree,
        seconds,
        _low_agreement(agree),
        smallest_km2=float(areas.min()),
        median_km2=float(np.median(areas)),
        min_area_km2=params.min_area_km2,
        smoothing_m=params.smoothing_m,
    )


def _low_agreement(agree: dict[str, float]) -> list[Notice]:
    low = {k: v for k, v in agree.items() if v < LOW_AGREEMENT}
    if not low:
        return []
    listed = ", ".join(f"{k} {v:.0f} %" for k, v in low.items())
    return [
        Notice(
            f"The chart keeps the predicted class on only {listed} of the cells: the minimum "
            "area or the smoothing generalises away much of what the model saw. Lower them to "
            "keep more detail.",
            "low_agreement",
        )
    ]
