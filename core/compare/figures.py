"""PNG figures of a comparison, drawn with matplotlib when it is installed (optional)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..icechart.classes import CHART_NAMES, CHARTS
from .rasters import DIFFERENCE_NODATA
from .scores import Comparison


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def draw(comparison: Comparison, sic_difference: np.ndarray, folder: Path) -> list[str]:
    """confusion.png, sic_difference.png, per_class.png in ``folder``; returns their names."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():  # a system matplotlib beside a pip one: no 3D, not needed
        warnings.simplefilter("ignore", UserWarning)
        import matplotlib.pyplot as plt

    written = []
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), constrained_layout=True)
    for ax, chart in zip(axes, CHART_NAMES):
        matrix = comparison.detail[chart].matrix[:-1]  # reference rows; last column: no class
        share = matrix / np.maximum(matrix.sum(1, keepdims=True), 1)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        names = [c.name for c in CHARTS[chart].classes]
        ax.set_xticks(range(len(names) + 1), [*names, "none"], rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(names)), names, fontsize=7)
        ax.set_xlabel("predicted")
        ax.set_ylabel("chart")
        ax.set_title(f"{chart} (share of each chart class)")
    fig.savefig(folder / "confusion.png", dpi=110)
    plt.close(fig)
    written.append("confusion.png")

    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    values = sic_difference[sic_difference != DIFFERENCE_NODATA]
    ax.hist(values, bins=list(range(-105, 110, 10)), color="#2166ac")
    ax.set_xlabel("SIC predicted minus chart [percentage points]")
    ax.set_ylabel("cells")
    ax.set_title(f"SIC differences (mean {values.mean():+.1f} pp)" if values.size else "no cells")
    fig.savefig(folder / "sic_difference.png", dpi=110)
    plt.close(fig)
    written.append("sic_difference.png")

    fig, axes = plt.subplots(1, 3, figsize=(15, 4), constrained_layout=True)
    for ax, chart in zip(axes, CHART_NAMES):
        detail = comparison.detail[chart]
        x = np.arange(len(detail.precision))
        ax.bar(x - 0.2, detail.precision, 0.4, label="precision")
        ax.bar(x + 0.2, detail.recall, 0.4, label="recall")
        ax.set_xticks(
            x, [c.name for c in CHARTS[chart].classes], rotation=60, ha="right", fontsize=7
        )
        ax.set_ylim(0, 100)
        ax.set_title(f"{chart} per class [%]")
        ax.legend(fontsize=7)
    fig.savefig(folder / "per_class.png", dpi=110)
    plt.close(fig)
    written.append("per_class.png")
    return written
