"""The winning loss (spec §4.6): MSE on SIC class values + 3 · CE(SOD) + 3 · CE(FLOE).

255 marks pixels without a label in every chart; they take no part. A batch in which a chart
has no labelled pixel contributes zero for that chart (PyTorch's cross-entropy would give NaN).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812

from core.model.unet import Outputs

IGNORE = 255


def _mean(total: torch.Tensor, target: torch.Tensor, count: torch.Tensor | None) -> torch.Tensor:
    n = (target != IGNORE).sum() if count is None else count
    return total / n if bool(n > 0) else total * 0


def sic_mse(
    pred: torch.Tensor, target: torch.Tensor, count: torch.Tensor | None = None
) -> torch.Tensor:
    mask = target != IGNORE
    return _mean(((pred.float() - target.float())[mask] ** 2).sum(), target, count)


def masked_cross_entropy(
    logits: torch.Tensor, target: torch.Tensor, count: torch.Tensor | None = None
) -> torch.Tensor:
    total = F.cross_entropy(logits.float(), target, ignore_index=IGNORE, reduction="sum")
    return _mean(total, target, count)


Parts = dict[str, float]


def total_loss(
    out: Outputs,
    y: torch.Tensor,
    weights: tuple[float, float, float],
    counts: torch.Tensor | None = None,
) -> tuple[torch.Tensor, Parts]:
    """Weighted sum and the three parts (for logs); ``y`` is (N, 3, H, W) SIC, SOD, FLOE.

    Each part is a mean over labelled pixels: this batch's, or ``counts`` per chart (DDP).
    """
    c = [None, None, None] if counts is None else list(counts)
    parts = {
        "SIC": sic_mse(out.sic, y[:, 0], c[0]),
        "SOD": masked_cross_entropy(out.sod, y[:, 1], c[1]),
        "FLOE": masked_cross_entropy(out.floe, y[:, 2], c[2]),
    }
    loss = sum((w * p for w, p in zip(weights, parts.values())), torch.zeros((), device=y.device))
    return loss, {k: float(v.detach()) for k, v in parts.items()}
