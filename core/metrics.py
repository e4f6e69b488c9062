"""The AutoICE scores (spec §3), from confusion matrices pooled over every scene of a set.

- SIC: the coefficient of determination R² on class values 0..10;
- SOD, FLOE: F1 averaged over classes weighted by their true pixel counts;
- combined: (2·SIC + 2·SOD + FLOE) / 5.
Only pixels where the reference is not 255 count, each chart with its own mask. A prediction
of 255 where the reference has a class stays in, as value 255, exactly as the official scoring
of uint8 arrays would take it. Scores are in percent. One confusion matrix per chart holds all
that is needed, so scenes are added one at a time in constant memory and the same code scores
training validation, evaluation and comparisons with ice charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .icechart.classes import CHARTS, MASK

CHART_WEIGHTS = {"SIC": 2, "SOD": 2, "FLOE": 1}


def confusion(true: np.ndarray, pred: np.ndarray, n_classes: int) -> np.ndarray:
    """(n + 1) × (n + 1) counts of (true, predicted); index n stands for MASK (255)."""
    true, pred = np.asarray(true).ravel(), np.asarray(pred).ravel()
    if true.shape != pred.shape:
        raise ValueError(f"reference has {true.size} pixels, prediction {pred.size}")
    keep = true != MASK
    t = true[keep].astype(np.int64)
    p = pred[keep].astype(np.int64)
    if t.size and (t.max() >= n_classes):
        raise ValueError(f"reference holds class {t.max()}, beyond 0..{n_classes - 1}")
    p = np.where((p >= n_classes) | (p < 0), n_classes, p)
    size = n_classes + 1
    return np.bincount(t * size + p, minlength=size * size).reshape(size, size)


def _values(n_classes: int) -> np.ndarray:
    return np.append(np.arange(n_classes, dtype=np.float64), MASK)


def r2_from_confusion(matrix: np.ndarray) -> float:
    n = matrix.sum()
    if n == 0:
        return float("nan")
    values = _values(matrix.shape[0] - 1)
    true_counts = matrix.sum(1)
    mean = (true_counts * values).sum() / n
    ss_tot = (true_counts * (values - mean) ** 2).sum()
    ss_res = (matrix * (values[:, None] - values[None, :]) ** 2).sum()
    if ss_tot == 0:  # constant reference: sklearn's convention
        return 1.0 if ss_res == 0 else 0.0
    return float(1 - ss_res / ss_tot)


def per_class_f1(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 of each class (not the MASK row/column); 0 where undefined."""
    tp = np.diag(matrix)[:-1].astype(np.float64)
    predicted = matrix.sum(0)[:-1]
    actual = matrix.sum(1)[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(actual > 0, tp / actual, 0.0)
        f1 = np.where(predicted + actual > 0, 2 * tp / (predicted + actual), 0.0)
    return precision, recall, f1


def weighted_f1_from_confusion(matrix: np.ndarray) -> float:
    support = matrix.sum(1)[:-1]
    if support.sum() == 0:
        return float("nan")
    return float((per_class_f1(matrix)[2] * support).sum() / support.sum())


def combined(scores: dict[str, float]) -> float:
    total = sum(CHART_WEIGHTS.values())
    return sum(CHART_WEIGHTS[c] * scores[c] for c in CHART_WEIGHTS) / total


@dataclass
class ScoreAccumulator:
    """Pooled confusion matrices of the three charts; add scenes, then read the scores."""

    matrices: dict[str, np.ndarray] = field(
        default_factory=lambda: {
            c: np.zeros((t.n_classes + 1,) * 2, np.int64) for c, t in CHARTS.items()
        }
    )

    def add(self, chart: str, true: np.ndarray, pred: np.ndarray) -> None:
        self.matrices[chart] += confusion(true, pred, CHARTS[chart].n_classes)

    def add_scene(self, true: dict[str, np.ndarray], pred: dict[str, np.ndarray]) -> None:
        for chart in CHARTS:
            self.add(chart, true[chart], pred[chart])

    def scores(self) -> dict[str, float]:
        """Percent: SIC (R²), SOD and FLOE (weighted F1) and combined."""
        result = {
            "SIC": 100 * r2_from_confusion(self.matrices["SIC"]),
            "SOD": 100 * weighted_f1_from_confusion(self.matrices["SOD"]),
            "FLOE": 100 * weighted_f1_from_confusion(self.matrices["FLOE"]),
        }
        result["combined"] = combined(result)
        return result


def format_scores(scores: dict[str, float]) -> str:
    return "  ".join(f"{name} {value:7.3f}" for name, value in scores.items())
