"""Compare a run folder with a reference chart and write everything into one folder."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..about import about
from ..output.folder import atomic_folder
from ..output.runfolder import read_run
from . import figures
from .checks import date_notices, score_notices, share_notices
from .html import markdown_to_html
from .notices import Notice
from .polygons import polygon_agreement, write_polygon_agreement
from .rasters import sic_difference, write_difference_rasters
from .reference import official_chart, scene_labels
from .report import render, worst_polygons
from .scores import Comparison, compare_classes


@dataclass
class CompareResult:
    folder: Path
    comparison: Comparison
    layers: list[str]
    report: Path  # report.md
    warnings: list[Notice] = field(default_factory=list)  # str subclass: .level, .kind
    share: float = 100.0  # percent of the scene's predicted cells that were compared
    html: Path | None = None  # report.html, self-contained

    @property
    def level(self) -> str:
        """The gravest warning's level ("critical", "warning"), or "success" without any."""
        levels = {w.level for w in self.warnings}
        return next((lv for lv in ("critical", "warning") if lv in levels), "success")

    def summary(self) -> str:
        s = self.comparison.scores
        return (
            f"SIC {s['SIC']:.1f}, SOD {s['SOD']:.1f}, FLOE {s['FLOE']:.1f}, combined "
            f"{s['combined']:.1f} over {self.comparison.n_cells} cells ({self.share:.1f} % of "
            f"the scene); report {self.html or self.report}"
        )


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
    comparison = compare_classes(run.predicted, reference.classes, run.valid)
    predicted = int(run.valid.sum())
    share = 100.0 * comparison.n_cells / max(predicted, 1)
    warnings = [
        *date_notices(reference.time, run.record.get("scene_time")),
        *score_notices(comparison.scores),
        *share_notices(comparison.n_cells, predicted),
    ]
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
            write_polygon_agreement(run, reference, columns, staging / "chart_agreement.gpkg")
            layers.append("chart_agreement.gpkg")
            worst = worst_polygons(reference.chart.fids, columns["AGREE"], columns["N_CELLS"])
        drawn: list[str] = []
        if figures.available():
            drawn = figures.draw(comparison, diff, staging)
        title = f"{run.scene}: prediction compared with {reference.name}"
        text = render(title, reference.name, comparison, warnings, worst, drawn, layers, share)
        (staging / "report.md").write_text(text, encoding="utf-8")
        html = markdown_to_html(text, staging, title)
        (staging / "report.html").write_text(html, encoding="utf-8")
        record = {
            "scene": run.scene,
            "reference": reference.name,
            "scores": comparison.scores,
            "cells": comparison.n_cells,
            "share_percent": round(share, 2),
            "warnings": [w.to_dict() for w in warnings],
            "layers": layers,
        }
        (staging / "compare.json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    return CompareResult(
        folder, comparison, layers, folder / "report.md", warnings, share, folder / "report.html"
    )
