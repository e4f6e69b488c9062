"""Scores of a prediction against a reference: the AutoICE metrics plus per-class detail.

The same ``core.metrics`` code as training evaluation, so the numbers are comparable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..icechart.classes import CHART_NAMES, MASK
from ..metrics import ScoreAccumulator, per_class_f1


@dataclass
class ChartDetail:
    matrix: np.ndarray  # (n + 1)² counts of (reference, predicted); the last index is MASK
    precision: np.ndarray  # per class, percent
    recall: np.ndarray
    support: np.ndarray  # reference cells per class


@dataclass
class Comparison:
    scores: dict[str, float]  # percent: SIC (R²), SOD and FLOE (weighted F1), combined
    detail: dict[str, ChartDetail]
    n_cells: int  # cells scored: predicted and known in the reference


def compare_classes(
    predicted: dict[str, np.ndarray], reference: dict[str, np.ndarray], valid: np.ndarray
) -> Comparison:
    """Compare class arrays of one grid; only ``valid`` (predicted) cells count."""
    scores = ScoreAccumulator()
    detail = {}
    for chart in CHART_NAMES:
        true = np.where(valid, reference[chart], MASK)
        scores.add(chart, true, predicted[chart])
        matrix = scores.matrices[chart]
        precision, recall, _ = per_class_f1(matrix)
        detail[chart] = ChartDetail(matrix, 100 * precision, 100 * recall, matrix[:-1].sum(1))
    n_cells = int((valid & (reference["SIC"] != MASK)).sum())
    return Comparison(scores.scores(), detail, n_cells)
