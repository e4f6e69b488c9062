"""Checkpoints without pickle: tensors in safetensors, everything else in JSON.

A checkpoint is a folder ``checkpoint/`` with ``tensors.safetensors`` (model, optimiser
momentum buffers, gradient-scaler and random-generator states) and ``state.json`` (step,
scheduler, optimiser hyper-parameters, best score, history, config). It is replaced by
publishing a complete staging folder (core.output.folder: journalled, rolled back or finished
by the next save or load), so a kill at any moment leaves the last complete one. ``state.json``
records the SHA-256 of the tensors: a damaged checkpoint is refused with a clear error, never
loaded silently, and a missing ``state.json`` is an error, never a silent restart from step 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from core.errors import SeaIceMapperError
from core.model.manifest import sha256_of
from core.output.folder import atomic_folder, recover_output

CHECKPOINT = "checkpoint"
TENSORS = "tensors.safetensors"
STATE = "state.json"


class CheckpointError(SeaIceMapperError, ValueError):
    """A checkpoint exists but cannot be trusted (missing part, checksum, unreadable)."""


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
        save_file(tensors, str(staging / TENSORS))
        record["tensors_sha256"] = sha256_of(staging / TENSORS)
        (staging / STATE).write_text(json.dumps(record), encoding="utf-8")


def _damaged(folder: Path, what: str) -> CheckpointError:
    return CheckpointError(
        f"The checkpoint {folder} is damaged: {what}. Resuming from it would train from a wrong "
        "state, and starting over would silently discard it. Restore it from a backup, or move "
        "it away to start the run again from step 0."
    )


def _read_state(folder: Path) -> dict:
    try:
        record = json.loads((folder / STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _damaged(folder, f"{STATE} is missing") from None
    except (OSError, ValueError, RecursionError):
        raise _damaged(folder, f"{STATE} is unreadable") from None
    needed = ("step", "best_score", "best_epoch", "history", "scheduler", "param_groups", "config")
    if not isinstance(record, dict) or not all(k in record for k in needed):
        raise _damaged(folder, f"{STATE} lacks fields")
    return record


def checkpoint_config(out_dir: Path) -> dict | None:
    """The settings of the run checkpointed in ``out_dir``; None when there is none."""
    recover_output(out_dir / CHECKPOINT)  # a save killed between renames: roll it back
    folder = out_dir / CHECKPOINT
    if not folder.exists():
        return None
    return _read_state(folder)["config"]


def load_checkpoint(out_dir: Path, t: Trainables) -> RunState:
    folder = out_dir / CHECKPOINT
    recover_output(folder)
    record = _read_state(folder)
    if not (folder / TENSORS).is_file():
        raise _damaged(folder, f"{TENSORS} is missing")
    expected = record.get("tensors_sha256")
    if expected is not None and sha256_of(folder / TENSORS) != expected:
        raise _damaged(folder, f"{TENSORS} does not match the checksum in {STATE}")
    try:
        tensors = load_file(str(folder / TENSORS))
    except (SafetensorError, OSError) as error:
        raise _damaged(folder, f"{TENSORS} is unreadable ({type(error).__name__})") from None
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
