"""Checkpoints without pickle: tensors in safetensors, everything else in JSON.

A checkpoint is a folder ``checkpoint/`` with ``tensors.safetensors`` (model, optimiser
momentum buffers, gradient-scaler and random-generator states) and ``state.json`` (step,
scheduler, optimiser hyper-parameters, best score, history, config). It is replaced by
renaming a complete staging folder, so a kill at any moment leaves the last complete one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from core.output.folder import atomic_folder

CHECKPOINT = "checkpoint"


@dataclass
class RunState:
    step: int = 0  # iterations done
    best_score: float = float("-inf")
    best_epoch: int = -1
    history: list[dict[str, Any]] = field(default_factory=list)  # one row per epoch


@dataclass
class Trainables:
    """Everything whose state a resumed run must get back exactly."""

    model: torch.nn.Module  # unwrapped (not the DDP wrapper)
    optimizer: torch.optim.Optimizer
    scheduler: Any
    scaler: torch.amp.GradScaler | None
    generator: torch.Generator  # draws patches and augmentations


def save_checkpoint(out_dir: Path, t: Trainables, state: RunState, config_json: str) -> None:
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in t.model.state_dict().items()}
    optim = t.optimizer.state_dict()
    for index, buffers in optim["state"].items():
        for name, value in buffers.items():
            tensors[f"optim.{index}.{name}"] = value.detach().cpu().contiguous()
    tensors["rng.generator"] = t.generator.get_state()
    tensors["rng.torch"] = torch.get_rng_state()
    record = {
        "step": state.step,
        "best_score": state.best_score,
        "best_epoch": state.best_epoch,
        "history": state.history,
        "scheduler": t.scheduler.state_dict(),
        "param_groups": optim["param_groups"],
        "scaler": t.scaler.state_dict() if t.scaler is not None else None,
        "config": json.loads(config_json),
    }
    with atomic_folder(out_dir / CHECKPOINT, overwrite=True) as staging:
        save_file(tensors, str(staging / "tensors.safetensors"))
        (staging / "state.json").write_text(json.dumps(record), encoding="utf-8")


def checkpoint_config(out_dir: Path) -> dict | None:
    path = out_dir / CHECKPOINT / "state.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["config"]


def load_checkpoint(out_dir: Path, t: Trainables) -> RunState:
    folder = out_dir / CHECKPOINT
    record = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    tensors = load_file(str(folder / "tensors.safetensors"))
    device = next(t.model.parameters()).device
    t.model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    optim_state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, index, name = key.split(".", 2)
            optim_state.setdefault(int(index), {})[name] = value.to(device)
    t.optimizer.load_state_dict({"state": optim_state, "param_groups": record["param_groups"]})
    t.scheduler.load_state_dict(record["scheduler"])
    if t.scaler is not None and record["scaler"]:
        t.scaler.load_state_dict(record["scaler"])
    t.generator.set_state(tensors["rng.generator"])
    torch.set_rng_state(tensors["rng.torch"])
    return RunState(record["step"], record["best_score"], record["best_epoch"], record["history"])
