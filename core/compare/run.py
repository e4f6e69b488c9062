"""Compare a run folder with a reference chart and write everything into one folder."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..about import about
from ..output.folder import atomic_folder
from ..output.runfolder import read_run
from . import figures
from .polygons import polygon_agreement, write_polygon_agreement
from .rasters import sic_difference, write_difference_rasters
from .reference import Reference, official_chart, scene_labels
from .report import render, worst_polygons
from .scores import Comparison, compare_classes

MAX_DAYS_APART = 1.0  # charts are daily products; further apart, the ice has moved


@dataclass
class CompareResult:
    folder: Path
    comparison: Comparison
    layers: list[str]
    report: Path
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        s = self.comparison.scores
        return (
            f"SIC {s['SIC']:.1f}, SOD {s['SOD']:.1f}, FLOE {s['FLOE']:.1f}, combined "
            f"{s['combined']:.1f} over {self.comparison.n_cells} cells; report "
            f"{self.report}"
        )


def _date_warning(reference: Reference, scene_time: str | None) -> list[str]:
    if reference.time is None or not scene_time:
        return []
    scene = datetime.fromisoformat(scene_time)
    days = abs((reference.time - scene).total_seconds()) / 86400
    if days <= MAX_DAYS_APART:
        return []
    return [
        f"the chart is valid at {reference.time:%Y-%m-%d %H:%M} UTC but the scene was "
        f"acquired at {scene:%Y-%m-%d %H:%M} UTC, {days:.1f} days apart: the scores compare "
        "different ice. Computed anyway."
    ]


def default_folder(run_dir: Path, chart: Path | None) -> Path:
    name = "scene_chart" if chart is None else re.sub(r"[^\w.-]", "_", chart.stem)
    return run_dir / f"compare_{name}"


def compare_run(
    run_dir: str | Path,
    chart: str | Path | None = None,
    out: str | Path | None = None,
    overwrite: bool = False,
) -> CompareResult:
    """Compare the run in ``run_dir`` with ``chart`` (a SIGRID-3 file) or the scene's labels."""
    run_dir = Path(run_dir)
    chart_path = Path(chart) if chart is not None else None
    folder = Path(out) if out is not None else default_folder(run_dir, chart_path)
    run = read_run(run_dir)
    reference = scene_labels(run) if chart_path is None else official_chart(run, chart_path)
    warnings = _date_warning(reference, run.record.get("scene_time"))
    comparison = compare_classes(run.predicted, reference.classes, run.valid)
    tags = {
        "SEA_ICE_MAPPER_VERSION": about().version,
        "SCENE": run.scene,
        "REFERENCE": reference.name,
    }
    with atomic_folder(folder, overwrite) as staging:
        diff = sic_difference(run, reference.classes)
        layers = write_difference_rasters(run, reference.classes, diff, staging, tags)
        worst: list[tuple[int, float, int]] = []
        if reference.chart is not None:
            columns = polygon_agreement(run, reference)
            write_polygon_agreement(reference, columns, staging / "chart_agreement.gpkg")
            layers.append("chart_agreement.gpkg")
            worst = worst_polygons(reference.chart.fids, columns["AGREE"], columns["N_CELLS"])
        drawn: list[str] = []
        if figures.available():
            drawn = figures.draw(comparison, diff, staging)
        title = f"{run.scene}: prediction compared with {reference.name}"
        text = render(title, reference.name, comparison, warnings, worst, drawn, layers)
        (staging / "report.md").write_text(text, encoding="utf-8")
        record = {
            "scene": run.scene,
            "reference": reference.name,
            "scores": comparison.scores,
            "cells": comparison.n_cells,
            "warnings": warnings,
            "layers": layers,
        }
        (staging / "compare.json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    return CompareResult(folder, comparison, layers, folder / "report.md", warnings)
