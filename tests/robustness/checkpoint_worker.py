"""Save a training checkpoint at a given step, the way training does (fault-injection tests).

``python checkpoint_worker.py OUT STEP``: every parameter of a small U-Net holds STEP, so a
loaded checkpoint shows whether its tensors and its state.json belong together.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from core.model.unet import MultiTaskUNet, UNetConfig  # noqa: E402
from training.checkpoint import RunState, Trainables, save_checkpoint  # noqa: E402


def trainables(step: float = 0.0) -> Trainables:
    model = MultiTaskUNet(UNetConfig(in_channels=2, filters=(4, 4)))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(step)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10)
    return Trainables(model, optimizer, scheduler, None, torch.Generator().manual_seed(0))


if __name__ == "__main__":
    out, step = Path(sys.argv[1]), int(sys.argv[2])
    save_checkpoint(out, trainables(step), RunState(step=step), '{"preset": "test"}')
