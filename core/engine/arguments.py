"""Run parameters (the dataclasses the dock and Processing fill in) as engine command lines.

Plain Python: the plugin builds the arguments without importing anything heavy, and the CLI's
parser (core/cli.py) reads them back into the same dataclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..draft.params import DraftParams
from ..predict.params import PredictParams


def predict_arguments(
    scenes: Sequence[str | Path], out_dir: str | Path, params: PredictParams
) -> list[str]:
    """``predict`` arguments for ``params`` (the CLI writes the scene's own chart when present)."""
    args = [str(scene) for scene in scenes] + ["--out", str(out_dir), "--quiet"]
    if params.weights is not None:
        args += ["--weights", str(params.weights)]
    args += ["--device", params.device, "--crs", params.crs]
    if not params.sar_layers:
        args.append("--no-sar")
    if params.tile_size is not None:
        args += ["--tile", str(params.tile_size)]
    if params.overwrite:
        args.append("--overwrite")
    return args


def chart_arguments(run_dir: str | Path, out: str | Path, params: DraftParams) -> list[str]:
    args = [str(run_dir), "--out", str(out), "--min-area", repr(float(params.min_area_km2))]
    if params.simplify_m is not None:
        args += ["--simplify", repr(float(params.simplify_m))]
    if params.crs:
        args += ["--crs", params.crs]
    if params.shapefile:
        args.append("--shapefile")
    if params.overwrite:
        args.append("--overwrite")
    return args


def compare_arguments(
    run_dir: str | Path,
    chart: str | Path | None = None,
    out: str | Path | None = None,
    overwrite: bool = False,
) -> list[str]:
    args = [str(run_dir)]
    if chart is not None:
        args.append(str(chart))
    if out is not None:
        args += ["--out", str(out)]
    if overwrite:
        args.append("--overwrite")
    return args
