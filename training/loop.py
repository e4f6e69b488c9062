"""The training run: data, model, optimisation, validation, checkpoints, export; DDP-aware.

Started as ``python -m training train`` (one process) or under ``torchrun`` (one process per
GPU, or several CPU processes on the gloo backend): every process draws the same global batch
and trains on its share, DDP averages the gradients, and process 0 validates, logs,
checkpoints and exports. A run resumes from its checkpoint when started again with the same
configuration and output folder.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from core.errors import SeaIceMapperError
from core.icechart.classes import CHART_NAMES
from core.metrics import ScoreAccumulator
from core.model.bundle import save_bundle
from core.model.manifest import Manifest
from core.model.unet import MultiTaskUNet, UNetConfig
from core.predict.decide import decide
from core.predict.device import DeviceChoice, choose_device
from core.predict.forward import forward

from .checkpoint import RunState, Trainables, checkpoint_config, load_checkpoint, save_checkpoint
from .config import TrainConfig
from .data import CachedScene, ensure_synthetic, load_cached, prepare, scene_files
from .distributed import global_counts, sync_batch_norm
from .logs import Progress, TrainLog, plot_history
from .loss import total_loss
from .patches import PatchSampler

BUNDLE = "model"  # the exported weight bundle: <out>/model.json + model.safetensors


class TrainingError(SeaIceMapperError, RuntimeError):
    """Training cannot go on (a diverged loss, a mismatched checkpoint)."""


@dataclass
class TrainResult:
    bundle: Path
    best_epoch: int
    best_scores: dict[str, float]
    constant_scores: dict[str, float]
    steps: int
    seconds: float


@dataclass(frozen=True)
class Process:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> Process:
        return cls(
            int(os.environ.get("RANK", 0)),
            int(os.environ.get("WORLD_SIZE", 1)),
            int(os.environ.get("LOCAL_RANK", 0)),
        )

    @property
    def main(self) -> bool:
        return self.rank == 0

    def barrier(self) -> None:
        if self.world > 1:
            dist.barrier()


def training_device(config: TrainConfig, process: Process) -> DeviceChoice:
    choice = choose_device(config.device)
    if choice.device.type == "cuda" and process.world > 1:
        index = process.local_rank
        torch.cuda.set_device(index)
        choice = replace(
            choice, device=torch.device("cuda", index), name=torch.cuda.get_device_name(index)
        )
    amp = (
        config.amp if config.amp != "auto" else ("bf16" if choice.device.type == "cuda" else "off")
    )
    if amp not in ("bf16", "fp16", "off"):
        raise TrainingError(f"amp must be auto, bf16, fp16 or off, not {config.amp!r}")
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "off": None}[amp]
    return replace(choice, autocast_dtype=dtype)


def validate(model: MultiTaskUNet, scenes: list[CachedScene], device: DeviceChoice) -> dict:
    """Scores on whole validation scenes at the downscaled grid, pixels pooled (spec §4.8)."""
    was_training = model.training
    model.train(False)  # evaluation mode
    scores = ScoreAccumulator()
    for scene in scenes:
        raw = forward(model, scene.x.astype(np.float32), device)
        charts = decide(raw, np.ones(scene.y.shape[1:], bool)).charts()
        scores.add_scene(dict(zip(CHART_NAMES, scene.y)), charts)
    model.train(was_training)
    return scores.scores()


def constant_scores(train: list[CachedScene], val: list[CachedScene]) -> dict[str, float]:
    """The baseline to beat: the training set's mean SIC and most common SOD/FLOE everywhere."""
    constant = {}
    for i, chart in enumerate(CHART_NAMES):
        labels = np.concatenate([s.y[i][s.y[i] != 255] for s in train])
        constant[chart] = (
            int(np.rint(labels.mean())) if chart == "SIC" else int(np.bincount(labels).argmax())
        )
    scores = ScoreAccumulator()
    for scene in val:
        pred = {c: np.full(scene.y.shape[1:], constant[c], np.uint8) for c in CHART_NAMES}
        scores.add_scene(dict(zip(CHART_NAMES, scene.y)), pred)
    return scores.scores()


def _export(model: MultiTaskUNet, config: TrainConfig, state: RunState, scores: dict) -> Path:
    manifest = Manifest(
        architecture={},
        channels=config.channels,
        downscale_factor=config.downscale_factor,
        downscale_method=config.downscale_method,
        training={
            "data": config.description,
            "seed": config.seed,
            "steps": state.step,
            "epoch": state.best_epoch + 1,
            "validation_scores": scores,
            "config": {
                k: v
                for k, v in json.loads(config.to_json()).items()
                if k not in ("train_scenes", "val_scenes", "cache_dir", "out_dir")
            },
        },
    )
    return save_bundle(model, manifest, Path(config.out_dir) / BUNDLE, overwrite=True)


def _same_run(saved: dict[str, Any] | None, config: TrainConfig) -> bool:
    return saved is None or TrainConfig.from_dict(saved) == config


def _load_data(config: TrainConfig, process: Process, log) -> tuple[list, list]:
    if process.main:
        ensure_synthetic(config, log)
    process.barrier()
    train_files, val_files = scene_files(config.train_scenes), scene_files(config.val_scenes)
    overlap = {p.name for p in train_files} & {p.name for p in val_files}
    if overlap:
        raise TrainingError(f"{len(overlap)} scene(s) are in both lists, e.g. {min(overlap)}.")
    if process.main:
        prepare(config, train_files + val_files, log)
    process.barrier()

    def quiet(_: str) -> None:  # process 0 has prepared the cache
        pass

    train = load_cached(prepare(config, train_files, quiet), config)
    val = load_cached(prepare(config, val_files, quiet), replace(config, patch_size=0))
    return train, val


def train(config: TrainConfig, log=print) -> TrainResult:
    process = Process.from_env()
    if process.world > 1 and not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() and config.device != "cpu" else "gloo"
        dist.init_process_group(backend)
    try:
        return _train(config, process, log if process.main else (lambda _: None))
    finally:
        if process.world > 1 and dist.is_initialized():
            dist.destroy_process_group()


def _train(config: TrainConfig, process: Process, log) -> TrainResult:
    if config.batch_size % process.world:
        raise TrainingError(
            f"The global batch of {config.batch_size} does not split over {process.world} "
            "processes; choose a batch size that is a multiple of the process count."
        )
    out_dir = Path(config.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not _same_run(checkpoint_config(out_dir), config):
        raise TrainingError(
            f"{out_dir} holds a checkpoint of a run with other settings. Resume it with the "
            "same settings, or pass another output folder (--out)."
        )
    device = training_device(config, process)
    train_scenes, val_scenes = _load_data(config, process, log)
    torch.manual_seed(config.seed)
    arch = UNetConfig(
        len(config.channels), config.filters, separate_decoders=config.separate_decoders
    )
    model = MultiTaskUNet(arch).to(device.device)
    if process.world > 1:
        sync_batch_norm(model)  # before the optimiser takes the parameters
    optimizer = torch.optim.SGD(
        model.parameters(), lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay
    )
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        optimizer, T_0=config.restart_epochs * config.epoch_len
    )
    fp16 = device.autocast_dtype == torch.float16
    scaler = torch.amp.GradScaler(device.device.type) if fp16 else None
    t = Trainables(model, optimizer, scheduler, scaler, torch.Generator().manual_seed(config.seed))
    state = RunState()
    if checkpoint_config(out_dir) is not None:
        state = load_checkpoint(out_dir, t)
        log(f"resuming {out_dir} at step {state.step} of {config.iterations}")
    if device.device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    net = DistributedDataParallel(model) if process.world > 1 else model
    share = config.batch_size // process.world
    mine = slice(process.rank * share, (process.rank + 1) * share)
    sampler = PatchSampler(train_scenes, config, device.device)
    logs = TrainLog(out_dir, enabled=process.main)
    baseline = constant_scores(train_scenes, val_scenes)
    log(
        f"training on {len(train_scenes)} scenes, validating on {len(val_scenes)}; "
        f"{process.world} process(es) on {device.describe()}"
    )
    progress = Progress(config.iterations, state.step, config.log_every)
    start = time.perf_counter()
    try:
        for epoch in range(state.step // config.epoch_len, config.epochs):
            sums: dict[str, float] = {"loss": 0.0, "SIC": 0.0, "SOD": 0.0, "FLOE": 0.0}
            steps, data_s, epoch_start = 0, 0.0, time.perf_counter()
            while state.step < (epoch + 1) * config.epoch_len:
                if device.device.type == "cuda":
                    torch.cuda.synchronize()  # the previous step's time is its own, not data's
                data_start = time.perf_counter()
                batch = sampler.batch(t.generator, mine)
                data_s += time.perf_counter() - data_start
                loss, parts = _step(net, t, batch, config, device, process, state.step + 1)
                state.step += 1
                steps += 1
                sums["loss"] += loss
                for name, value in parts.items():
                    sums[name] += value
                lr = optimizer.param_groups[0]["lr"]
                progress.update(state.step, epoch, loss, lr)
                if process.main and state.step % config.log_every == 0:
                    logs.step(state.step, loss, parts, lr)
                at_epoch_end = state.step == (epoch + 1) * config.epoch_len
                if process.main and state.step % config.checkpoint_every == 0 and not at_epoch_end:
                    save_checkpoint(out_dir, t, state, config.to_json())
            seconds = time.perf_counter() - epoch_start
            if process.main:
                scores = validate(model, val_scenes, device)
                row = {
                    "epoch": epoch,
                    "step": state.step,
                    "lr": lr,
                    "seconds": seconds,
                    "loss": sums["loss"] / steps,
                    **scores,
                    **{f"loss_{k}": sums[k] / steps for k in CHART_NAMES},
                    "iterations_per_s": steps / seconds,
                    "data_share": data_s / seconds,
                }
                state.history.append(row)
                logs.epoch(state.history)
                log(
                    f"epoch {epoch + 1}/{config.epochs}: loss {row['loss']:.4f}; validation "
                    f"SIC {scores['SIC']:.2f} SOD {scores['SOD']:.2f} FLOE {scores['FLOE']:.2f} "
                    f"combined {scores['combined']:.2f}"
                )
                if scores["combined"] > state.best_score:
                    state.best_score, state.best_epoch = scores["combined"], epoch
                    _export(model, config, state, scores)
                save_checkpoint(out_dir, t, state, config.to_json())
            process.barrier()
    finally:
        logs.close()
    best = state.history[state.best_epoch] if state.history else {}
    if process.main and state.history:
        plot_history(state.history, out_dir)
    return TrainResult(
        out_dir / f"{BUNDLE}.json",
        state.best_epoch,
        {k: best.get(k, float("nan")) for k in ("SIC", "SOD", "FLOE", "combined")},
        baseline,
        state.step,
        time.perf_counter() - start,
    )


def _step(
    net: torch.nn.Module,
    t: Trainables,
    batch,
    config: TrainConfig,
    device: DeviceChoice,
    process: Process,
    step: int,
) -> tuple[float, dict]:
    net.train()
    t.optimizer.zero_grad(set_to_none=True)
    with torch.autocast(
        device.device.type,
        dtype=device.autocast_dtype or torch.bfloat16,
        enabled=device.autocast_dtype is not None,
    ):
        out = net(batch.x)
    counts = global_counts(batch.y, process.world)
    loss, parts = total_loss(out, batch.y, config.task_weights, counts)
    finite = torch.isfinite(loss.detach()).float().reshape(1)
    if process.world > 1:
        dist.all_reduce(finite, op=dist.ReduceOp.MIN)
    if not bool(finite.item()):
        raise TrainingError(
            f"The loss became {float(loss.detach()):.4g} at step {step} (parts: "
            + ", ".join(f"{k} {v:.4g}" for k, v in parts.items())
            + "). Training stopped; the last checkpoint is intact. Lower the learning rate, or "
            "use --amp bf16/off instead of fp16, then resume or restart."
        )
    if t.scaler is not None:
        t.scaler.scale(loss).backward()
        t.scaler.step(t.optimizer)
        t.scaler.update()
    else:
        loss.backward()
        t.optimizer.step()
    t.scheduler.step()
    return float(loss.detach()), parts
