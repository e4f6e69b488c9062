"""Batches of random patches, cut and augmented where the data lives (the GPU, when there).

Sampling follows MMSeaIce (spec §4.3): a uniformly random scene, a uniformly random top-left
corner in [0, H - patch) × [0, W - patch), redrawn until the patch holds more than one labelled
SIC pixel. Augmentations follow §4.4: horizontal and vertical flips, then one affine transform
(an integer angle in [-90, 90) with probability 0.5, a scale in [0.9, 1.1] with probability 0.5)
with nearest sampling, inputs filled with 0 and labels with 255 outside; then CutMix over the
batch. All randomness comes from one generator that every DDP process seeds alike: each
process draws the same global batch and keeps its own share, so N processes see exactly the
batches one process would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812

from .config import TrainConfig
from .data import CachedScene

SIC_LABEL = 0  # row of y holding SIC


@dataclass
class Batch:
    x: torch.Tensor  # (N, channels, P, P) float32
    y: torch.Tensor  # (N, 3, P, P) long; 255 = ignore


class PatchSampler:
    def __init__(
        self, scenes: list[CachedScene], config: TrainConfig, device: torch.device
    ) -> None:
        self.config = config
        self.device = device
        where = device if config.data_on_device else torch.device("cpu")
        self.x = [torch.from_numpy(s.x).to(where) for s in scenes]
        self.y = [torch.from_numpy(s.y).to(where) for s in scenes]
        # Labelled-SIC counts as summed-area tables make the validity rule one lookup; kept on
        # the CPU so that drawing corners never waits for the GPU.
        self.valid = [
            torch.from_numpy(s.y[SIC_LABEL] != 255).int().cumsum(0).cumsum(1) for s in scenes
        ]
        self.valid = [F.pad(t, (1, 0, 1, 0)) for t in self.valid]

    def _corner(self, generator: torch.Generator) -> tuple[int, int, int]:
        p = self.config.patch_size
        for _ in range(1000):
            s = int(torch.randint(len(self.x), (1,), generator=generator))
            h, w = self.y[s].shape[1:]
            r = int(torch.randint(h - p, (1,), generator=generator))
            c = int(torch.randint(w - p, (1,), generator=generator))
            t = self.valid[s]
            count = t[r + p, c + p] - t[r, c + p] - t[r + p, c] + t[r, c]
            if int(count) >= self.config.min_valid_pixels:
                return s, r, c
        raise RuntimeError("no patch with labelled SIC pixels found in 1000 draws")

    def batch(self, generator: torch.Generator, share: slice = slice(None)) -> Batch:
        """The global batch's ``share`` (this process's rows), augmented."""
        p = self.config.patch_size
        corners = [self._corner(generator) for _ in range(self.config.batch_size)]
        x = torch.stack([self.x[s][:, r : r + p, c : c + p] for s, r, c in corners])
        y = torch.stack([self.y[s][:, r : r + p, c : c + p] for s, r, c in corners])
        x = x.to(self.device, torch.float32, non_blocking=True)
        y = y.to(self.device, non_blocking=True).long()
        x, y = augment(x, y, self.config, generator)
        return Batch(x[share], y[share])


def _uniform(n: int, generator: torch.Generator) -> torch.Tensor:
    return torch.rand(n, generator=generator)


def augment(
    x: torch.Tensor, y: torch.Tensor, config: TrainConfig, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    n = x.shape[0]
    # Random draws happen on the generator's device (CPU) in a fixed order: reproducible.
    hflip = _uniform(n, generator) < config.hflip_prob
    vflip = _uniform(n, generator) < config.vflip_prob
    rotate = _uniform(n, generator) < config.rotation_prob
    angles = torch.randint(
        -config.rotation_degrees, config.rotation_degrees, (n,), generator=generator
    ).float()
    scaled = _uniform(n, generator) < config.scale_prob
    low, high = config.scale_range
    scales = low + (high - low) * _uniform(n, generator)
    angles = torch.where(rotate, angles, torch.zeros_like(angles))
    scales = torch.where(scaled, scales, torch.full_like(scales, config.scale_otherwise))

    def flip(t: torch.Tensor, mask: torch.Tensor, dim: int) -> torch.Tensor:
        mask = mask.to(t.device).view(-1, 1, 1, 1)
        return torch.where(mask, t.flip(dim), t)

    x, y = flip(x, hflip, -1), flip(y, hflip, -1)
    x, y = flip(x, vflip, -2), flip(y, vflip, -2)
    moved = (angles != 0) | (scales != 1)
    if bool(moved.any()):
        x, y = _affine(x, y, angles, scales, moved)
    if float(torch.rand(1, generator=generator)) < config.cutmix_prob:
        x, y = _cutmix(x, y, generator)
    return x, y


def _affine(
    x: torch.Tensor,
    y: torch.Tensor,
    angles: torch.Tensor,
    scales: torch.Tensor,
    moved: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotate by ``angles`` degrees and zoom by ``scales`` about each patch's centre."""
    radians = torch.deg2rad(angles)
    cos, sin = torch.cos(radians) / scales, torch.sin(radians) / scales
    zero = torch.zeros_like(cos)
    theta = torch.stack(
        [torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1
    ).to(x.device)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x_moved = F.grid_sample(x, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    # Labels + 1 so that the zero padding becomes -1, then 255 ("no label").
    y_moved = (
        F.grid_sample(
            (y + 1).float(), grid, mode="nearest", padding_mode="zeros", align_corners=False
        ).long()
        - 1
    )
    y_moved = torch.where(y_moved < 0, torch.full_like(y_moved, 255), y_moved)
    keep = moved.to(x.device).view(-1, 1, 1, 1)
    return torch.where(keep, x_moved, x), torch.where(keep, y_moved, y)


def _cutmix(
    x: torch.Tensor, y: torch.Tensor, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Paste one box, sized by lam ~ Beta(1, 1), from a shuffled copy of the batch."""
    n, _, h, w = x.shape
    lam = float(torch.rand(1, generator=generator))
    ratio = math.sqrt(1 - lam)
    cut_h, cut_w = int(h * ratio), int(w * ratio)
    cy = int(torch.randint(h, (1,), generator=generator))
    cx = int(torch.randint(w, (1,), generator=generator))
    top, bottom = max(cy - cut_h // 2, 0), min(cy + cut_h // 2, h)
    left, right = max(cx - cut_w // 2, 0), min(cx + cut_w // 2, w)
    order = torch.randperm(n, generator=generator).to(x.device)
    x, y = x.clone(), y.clone()
    x[:, :, top:bottom, left:right] = x[order, :, top:bottom, left:right]
    y[:, :, top:bottom, left:right] = y[order, :, top:bottom, left:right]
    return x, y
