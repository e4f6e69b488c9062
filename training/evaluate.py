"""Score a weight bundle on labelled scenes at the original 80 m grid, as AutoICE scored.

Each scene is predicted in the scoring form (``core.predict.run.predict_classes``: class arrays
nearest-upsampled to the 80 m grid) and compared with its labels (in the file, or in the
``_prep_reference.nc`` beside it); pixels are pooled over all scenes (spec §3). The official
upload file can be written too: one uint8 variable ``<scene>_<chart>`` per scene and chart on
dimensions ``<scene>_<chart>_dim0/_dim1``, zlib level 1, netCDF4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.icechart.classes import CHART_NAMES
from core.metrics import ScoreAccumulator
from core.predict.batch import collect_scenes
from core.predict.run import LoadedModel
from core.predict.score import score_scene
from core.scene.read_helper import read_helper
from core.scene.writer import netcdf_for_writing

from .data import DataError


@dataclass
class EvaluationReport:
    scores: dict[str, float]
    per_scene: dict[str, dict[str, float]] = field(default_factory=dict)

    def table(self) -> str:
        header = f"{'scene':<22}" + "".join(f"{c:>10}" for c in (*CHART_NAMES, "combined"))
        rows = [header]
        for name, scores in [*self.per_scene.items(), ("ALL (pooled)", self.scores)]:
            values = "".join(f"{scores[c]:10.3f}" for c in (*CHART_NAMES, "combined"))
            rows.append(f"{name:<22}{values}")
        return "\n".join(rows)


def write_submission(
    path: Path, predictions: dict[str, dict[str, np.ndarray]], overwrite: bool = False
) -> None:
    """The AutoICE upload file from {scene name (19 characters): {chart: uint8 array}}."""
    with netcdf_for_writing(path, overwrite) as ds:
        for scene, charts in predictions.items():
            for chart, values in charts.items():
                name = f"{scene}_{chart}"
                dims = (f"{name}_dim0", f"{name}_dim1")
                for dim, size in zip(dims, values.shape):
                    ds.createDimension(dim, size)
                var = ds.createVariable(name, "u1", dims, zlib=True, complevel=1)
                var[:] = values


def evaluate(
    sources: list[Path],
    weights: Path,
    device: str = "auto",
    submission: Path | None = None,
    overwrite: bool = False,
) -> EvaluationReport:
    scenes = collect_scenes(sources)
    if not scenes:
        raise DataError("No scenes to evaluate: " + ", ".join(map(str, sources)))
    loaded = LoadedModel.load(weights, device)
    pooled = ScoreAccumulator()
    report = EvaluationReport(scores={})
    predictions = {}
    with read_helper() as helper:
        for scene in scenes:
            scored = score_scene(scene, loaded, helper)
            scored.accumulate(pooled)
            report.per_scene[scored.name] = scored.scores()
            if submission is not None:
                predictions[scored.name] = scored.predicted
    report.scores = pooled.scores()
    if submission is not None:
        write_submission(submission, predictions, overwrite)
    return report
