"""One call from a run folder to a draft chart on disk, with how faithful it is to the pixels."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ParamsError
from ..icechart.classes import CHART_NAMES
from ..icechart.rasterize import rasterize_chart
from ..icechart.sigrid import read_chart
from ..output.runfolder import RunCharts, read_run
from .params import DraftParams
from .polygons import build_draft
from .regions import region_keys, split_key
from .write import write_draft

MIN_AGREEMENT = 80.0  # percent; below it the written chart misrepresents the prediction


@dataclass
class DraftResult:
    files: list[Path]
    n_polygons: int
    agreement: dict[str, float]  # percent of valid cells whose class the chart gives back
    seconds: dict[str, float]
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        agree = ", ".join(f"{k} {v:.1f} %" for k, v in self.agreement.items())
        return (
            f"{self.n_polygons} polygons in {self.files[0]}; read back onto the prediction grid "
            f"they agree with the predicted classes on {agree} of valid cells"
        )


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
    run = read_run(run_dir)
    read_s = time.perf_counter() - start
    chart = build_draft(run, params)
    write_start = time.perf_counter()
    files = write_draft(chart, Path(out), params.shapefile, params.overwrite)
    write_s = time.perf_counter() - write_start
    seconds = {"reading": read_s, **chart.seconds, "writing": write_s}
    agree = agreement(run, files[0])
    low = {name: value for name, value in agree.items() if value < MIN_AGREEMENT}
    warnings = list(chart.warnings)
    if low:
        warnings.append(
            "read back onto the prediction grid, the chart agrees with the pixels on only "
            + ", ".join(f"{k} {v:.1f} %" for k, v in low.items())
            + f" (below {MIN_AGREEMENT:.0f} %): check it before use, or write it in the run's CRS."
        )
    return DraftResult(files, len(chart), agree, seconds, warnings)
