"""Benchmark: training throughput, the share of step time spent on data, and the projected
time of the full ``paper`` preset (150 000 iterations) on this machine.

Run: ``.venv/bin/python benchmarks/bench_train.py OUT [--preset paper] [--steps 100]
[--scenes 8] [--size 3000x3100] [--device auto] [--keep DIR]``; writes ``OUT/train.json``
(``--json FILE`` instead writes the same record to FILE, as ``gpu_check.sh`` does). It
generates synthetic scenes (in parallel), caches them, then trains two short epochs with the
preset's batch, patch and model through the real training loop, and reports the second (warm)
epoch. Validation cost is measured on the validation scenes and scaled to the 17 scenes of
~500 × 520 the paper validates on every epoch. The smallest setting (``--preset smoke --steps 4
--scenes 1 --size 400x440 --device cpu``) runs on a CPU in well under a minute.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import write_result  # noqa: E402

PAPER_VAL_PIXELS = 17 * 500 * 520  # valset2: 17 whole scenes at /10


def _synth(args: tuple[str, int, int, int]) -> str:
    from core.synthetic.generate import SynthConfig, synthesize

    folder, seed, lines, samples = args
    return str(synthesize(Path(folder), SynthConfig(lines=lines, samples=samples, seed=seed)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", help="folder for train.json")
    parser.add_argument("--preset", default="paper")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--scenes", type=int, default=8)
    parser.add_argument("--size", default="3000x3100")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--json", type=Path, help="write the result to this file instead")
    args = parser.parse_args()
    if (args.out is None) == (args.json is None):
        parser.error("give either the folder OUT or --json FILE")
    import torch

    from core.model.bundle import load_bundle
    from training.config import PRESETS
    from training.data import load_cached, prepare, scene_files
    from training.loop import Process, train, training_device, validate

    lines, samples = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        train_dir, val_dir = folder / "train", folder / "val"
        for path, count, first in ((train_dir, args.scenes, 0), (val_dir, 2, 100)):
            path.mkdir(parents=True, exist_ok=True)
            if len(list(path.glob("*_prep.nc"))) < count:
                jobs = [(str(path), first + i, lines, samples) for i in range(count)]
                with ProcessPoolExecutor() as pool:
                    list(pool.map(_synth, jobs))
        config = replace(
            PRESETS[args.preset],
            train_scenes=str(train_dir),
            val_scenes=str(val_dir),
            cache_dir=str(folder / "cache"),
            out_dir=str(folder / f"run-{time.time_ns()}"),
            epochs=2,
            epoch_len=args.steps,
            restart_epochs=2,
            checkpoint_every=10**9,
            device=args.device,
            synthetic=None,
            log_every=max(args.steps // 4, 1),
            batch_size=args.batch_size or PRESETS[args.preset].batch_size,
        )
        choice = training_device(config, Process())
        if choice.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats()
        result = train(config, log=lambda _: None)
        gpu_memory = (
            torch.cuda.max_memory_allocated() / 2**30 if choice.device.type == "cuda" else None
        )
        history = json.loads((Path(config.out_dir) / "checkpoint" / "state.json").read_text())
        warm = history["history"][-1]
        model, _ = load_bundle(result.bundle, choice.device)
        val_config = replace(config, patch_size=0)
        val_scenes = load_cached(prepare(config, scene_files(str(val_dir))), val_config)
        validate(model, val_scenes, choice)  # warm-up
        start = time.perf_counter()
        validate(model, val_scenes, choice)
        val_s = time.perf_counter() - start
    preset = PRESETS[args.preset]
    it_s = warm["iterations_per_s"]
    val_pixels = sum(s.y[0].size for s in val_scenes)
    val_paper = val_s * PAPER_VAL_PIXELS / val_pixels
    projected = preset.iterations / it_s + preset.epochs * val_paper
    device = choice.describe()
    figures = {
        "preset": args.preset,
        "device": device,
        "batch_size": config.batch_size,
        "patch_size": config.patch_size,
        "channels": len(config.channels),
        "scenes": args.scenes,
        "size": args.size,
        "steps": result.steps,
        "iterations_per_s": it_s,
        "data_share": warm["data_share"],
        "gpu_memory_gib": gpu_memory,
        "validation_s_per_epoch": val_paper,
        "iterations": preset.iterations,
        "validations": preset.epochs,
        "projected_min": projected / 60,
    }
    print(
        f"device {device}; preset {args.preset}: {it_s:.2f} iterations/s "
        f"({it_s * config.batch_size:.0f} patches/s), data share "
        f"{100 * warm['data_share']:.1f} %; projected {preset.iterations} iterations: "
        f"{projected / 60:.1f} min"
    )
    target = args.json or args.out / "train.json"
    print(write_result(target.parent, target.stem, figures))


if __name__ == "__main__":
    main()
