"""Command line of the training package: ``python -m training <command>``.

Commands:
  train [--preset paper|cpu-tiny|smoke] [--train LIST] [--val LIST] [--out DIR] ...
        train (resumes when DIR holds a checkpoint of the same settings); under torchrun,
        one process per GPU (or gloo CPU processes)
  prepare [same options]   only build the downscaled cache (resumable)
  evaluate --weights W SCENES... [--submission FILE]
        score a weight bundle on labelled scenes at the 80 m grid; write the AutoICE
        submission netCDF
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import SeaIceMapperError

from .config import PRESETS, TrainConfig, load_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "prepare"):
        sub = commands.add_parser(name, help=f"{name} (see --help)")
        sub.add_argument("--preset", choices=sorted(PRESETS), default="paper")
        sub.add_argument("--config", type=Path, help="a JSON config file (overrides --preset)")
        sub.add_argument("--train", dest="train_scenes", help="training scenes: folder or list")
        sub.add_argument("--val", dest="val_scenes", help="validation scenes: folder or list")
        sub.add_argument("--cache", dest="cache_dir", help="folder of the downscaled cache")
        sub.add_argument("--out", dest="out_dir", help="run folder (checkpoint, logs, model)")
        sub.add_argument("--epochs", type=int)
        sub.add_argument("--epoch-len", dest="epoch_len", type=int)
        sub.add_argument("--batch-size", dest="batch_size", type=int)
        sub.add_argument("--lr", type=float)
        sub.add_argument("--seed", type=int)
        sub.add_argument("--device", help="auto, cpu, cuda")
        sub.add_argument("--amp", choices=("auto", "bf16", "fp16", "off"))
        sub.add_argument(
            "--pad-small-scenes",
            dest="pad_small_scenes",
            action="store_true",
            default=None,
            help="pad scenes under a patch (the reference's way)",
        )
        sub.add_argument("--print-config", action="store_true", help="print the settings, stop")

    evaluate = commands.add_parser("evaluate", help="score a weight bundle on labelled scenes")
    evaluate.add_argument("scenes", type=Path, nargs="+", help="scene files, folders or lists")
    evaluate.add_argument("--weights", type=Path, required=True)
    evaluate.add_argument("--device", default="auto")
    evaluate.add_argument("--submission", type=Path, help="write the AutoICE upload netCDF here")
    evaluate.add_argument("--overwrite", action="store_true")
    return parser


def _config(args: argparse.Namespace) -> TrainConfig:
    base = load_config(args.config) if args.config else PRESETS[args.preset]
    names = (
        "train_scenes",
        "val_scenes",
        "cache_dir",
        "out_dir",
        "epochs",
        "epoch_len",
        "batch_size",
        "lr",
        "seed",
        "device",
        "amp",
        "pad_small_scenes",
    )
    return base.with_overrides(**{name: getattr(args, name) for name in names})


def _train(args: argparse.Namespace) -> int:
    from .loop import train

    config = _config(args)
    if args.print_config:
        print(config.to_json())
        return 0
    result = train(config)
    if result.steps and result.best_scores:
        print(f"weights: {result.bundle}")
        epoch = result.best_epoch + 1
        print(f"best validation (epoch {epoch}): {_scores(result.best_scores)}")
        print(f"constant predictor:        {_scores(result.constant_scores)}")
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from .data import ensure_synthetic, prepare, scene_files

    config = _config(args)
    ensure_synthetic(config)
    folders = prepare(config, scene_files(config.train_scenes) + scene_files(config.val_scenes))
    print(f"{len(folders)} scenes cached in {config.cache_dir}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    report = evaluate(args.scenes, args.weights, args.device, args.submission, args.overwrite)
    print(report.table())
    if args.submission:
        print(f"submission: {args.submission}")
    return 0


def _scores(scores: dict[str, float]) -> str:
    return json.dumps({k: round(v, 3) for k, v in scores.items()})


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"train": _train, "prepare": _prepare, "evaluate": _evaluate}[args.command](args)
    except SeaIceMapperError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # checkpoints and exports are atomic: nothing half-written
        print("interrupted; the last complete checkpoint is intact", file=sys.stderr)
        return 130
