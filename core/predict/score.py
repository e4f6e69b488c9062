"""Score a model on a labelled scene exactly as AutoICE did: 80 m class arrays against labels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..icechart.classes import CHART_NAMES
from ..metrics import ScoreAccumulator
from ..scene.read_helper import ReadHelper
from .run import LoadedModel, open_for, predict_classes


@dataclass
class SceneScore:
    name: str  # the 19-character scene name
    labels: dict[str, np.ndarray]
    predicted: dict[str, np.ndarray]

    def accumulate(self, into: ScoreAccumulator) -> ScoreAccumulator:
        into.add_scene(self.labels, self.predicted)
        return into

    def scores(self) -> dict[str, float]:
        return self.accumulate(ScoreAccumulator()).scores()


def score_scene(
    path: str | Path, loaded: LoadedModel, helper: ReadHelper | None = None
) -> SceneScore:
    """Predict ``path`` in the scoring form and pair it with the scene's own chart labels."""
    predicted = predict_classes(path, loaded, helper=helper)
    with open_for(path, loaded.manifest) as opened:
        name = opened.info.scene_id.name
        labels = {chart: opened.read_chart(chart) for chart in CHART_NAMES}
    return SceneScore(name, labels, predicted)
