"""What DDP needs beyond gradient averaging to equal one process on the same global batch.

- Batch norm over the whole global batch, not each process's share: with two patches per GPU
  (16 over 8 GPUs) per-process statistics would be noise. ``SyncedBatchNorm2d`` all-reduces the
  per-channel sums through ``torch.distributed.nn`` (differentiable, and it works on gloo/CPU,
  where PyTorch's own SyncBatchNorm refuses to run).
- Loss means over the global count of labelled pixels (``global_counts``), not each share's.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
import torch.distributed.nn as dist_nn
from torch import nn


class SyncedBatchNorm2d(nn.BatchNorm2d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and dist.is_initialized() and dist.get_world_size() > 1):
            return super().forward(x)
        xf = x.float()
        local = torch.cat([xf.sum((0, 2, 3)), (xf * xf).sum((0, 2, 3))])
        count = torch.tensor([x.numel() / x.shape[1]], device=x.device)
        dist.all_reduce(count)
        total = dist_nn.all_reduce(local)
        mean, mean_sq = total.chunk(2)
        n = float(count)
        var = mean_sq / n - (mean / n) ** 2
        mean = mean / n
        with torch.no_grad():
            assert self.running_mean is not None and self.running_var is not None
            m = self.momentum if self.momentum is not None else 0.1
            self.running_mean.mul_(1 - m).add_(m * mean.detach())
            self.running_var.mul_(1 - m).add_(m * var.detach() * n / max(n - 1, 1))
            if self.num_batches_tracked is not None:
                self.num_batches_tracked += 1
        scale = self.weight * torch.rsqrt(var + self.eps)
        shift = self.bias - mean * scale
        return (xf * scale[None, :, None, None] + shift[None, :, None, None]).to(x.dtype)


def sync_batch_norm(model: nn.Module) -> nn.Module:
    """Swap every BatchNorm2d for a SyncedBatchNorm2d with the same parameters and buffers."""
    for name, child in list(model.named_children()):
        if type(child) is nn.BatchNorm2d:
            synced = SyncedBatchNorm2d(child.num_features, child.eps, child.momentum)
            synced.load_state_dict(child.state_dict())
            setattr(model, name, synced.to(child.weight.device))
        else:
            sync_batch_norm(child)
    return model


def global_counts(y: torch.Tensor, world: int) -> torch.Tensor | None:
    """Labelled pixels per chart over all processes, divided by the process count (so that
    DDP's averaging of gradients turns each share's sum into the global mean); None alone."""
    if world == 1:
        return None
    counts = (y != 255).sum((0, 2, 3)).float()
    dist.all_reduce(counts)
    return counts / world
