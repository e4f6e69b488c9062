"""Command line of the core: ``python -m core [--json] <command>``.

Commands:
  synth OUT [--size LINESxSAMPLES] [--seed N] ...   write a synthetic ready-to-train scene
  info SCENE [SCENE ...]                            validate scenes and describe them
  predict SCENE|FOLDER|LIST ... --out DIR           predict SIC/SOD/FLOE map layers
  chart RUN_DIR --out CHART.gpkg                    draft ice chart polygons from a prediction
  compare RUN_DIR [CHART] [--out DIR]               compare a prediction with an ice chart
  style-chart CHART --out OUT.gpkg                  decode a SIGRID-3 chart's egg codes
  diagnostics                                       versions, devices and paths of the engine
  prepare SAFE [--era5 F] [--amsr2 F] [--chart C] --out X_prep.nc
                                                    a Sentinel-1 product as a ready-to-train file

With ``--json`` (how the QGIS plugin runs the engine) stdout carries only JSON events, one per
line: see core/engine/protocol.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from .draft.params import DEFAULT_MIN_AREA_KM2, DEFAULT_SMOOTHING_M
from .engine.protocol import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, JsonOutput, Output, run_command
from .errors import SeaIceMapperError
from .predict.memory import keep_freed_memory

STANDBY_IDLE_S = 900.0  # a standby engine not used for this long exits (frees its memory)


def _size(text: str) -> tuple[int, int]:
    try:
        lines, samples = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size {text!r} is not LINESxSAMPLES, e.g. 5000x5200"
        ) from None
    if min(lines, samples) < 32:
        raise argparse.ArgumentTypeError(f"size {text!r} is too small; at least 32x32")
    return lines, samples


def _centre(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"centre {text!r} is not LAT,LON, e.g. 60.5,-44") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"centre {text!r} is outside -90..90, -180..180")
    return lat, lon


def _time(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"time {text!r} is not YYYYmmddTHHMMSS") from None


class _Parser(argparse.ArgumentParser):
    """In ``--json`` mode a usage error is an ``error`` event too, so the plugin can show it."""

    events: Output | None = None  # the JSON output of this process, once known

    def error(self, message: str):
        if self.events is None:
            super().error(message)
        else:
            self.events.error("UsageError", f"{self.prog}: {message}")
            sys.exit(EXIT_ERROR)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m core",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="machine-readable: JSON events on stdout, one per line (for the QGIS plugin)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    synth = commands.add_parser("synth", help="write a synthetic ready-to-train scene")
    synth.add_argument("out", type=Path, help="output .nc file, or a folder (named by scene id)")
    synth.add_argument(
        "--size",
        type=_size,
        default=(5000, 5200),
        help="LINESxSAMPLES at 80 m (default 5000x5200, a full scene)",
    )
    synth.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    synth.add_argument("--service", choices=("cis", "dmi"), help="ice service (default: drawn)")
    synth.add_argument("--time", type=_time, help="acquisition YYYYmmddTHHMMSS (default: drawn)")
    synth.add_argument("--wind", type=float, help="mean wind speed in m/s (default: drawn)")
    synth.add_argument(
        "--centre",
        type=_centre,
        help="LAT,LON of the swath centre (default: "
        "drawn between Baffin Bay and the Greenland Sea)",
    )
    synth.add_argument(
        "--reference-split",
        action="store_true",
        help="put the labels in <name>_prep_reference.nc, as AI4Arctic test scenes",
    )
    synth.add_argument("--no-compress", action="store_true", help="write uncompressed")
    synth.add_argument("--overwrite", action="store_true", help="replace existing files")

    info = commands.add_parser("info", help="validate scenes and describe them")
    info.add_argument("scenes", type=Path, nargs="+")

    predict = commands.add_parser(
        "predict",
        help="predict SIC/SOD/FLOE map layers for one or many scenes",
        description="Writes OUT/<scene name>/ with sic/sod/floe.tif, their confidences, the "
        "SAR HH/HV and the scene's own chart (if labelled), styled, plus run.json. Scenes "
        "already done with the same weights and parameters are skipped; a failing scene is "
        "reported at the end (exit status 1) without stopping the others.",
    )
    predict.add_argument(
        "scenes",
        type=Path,
        nargs="+",
        help="scene files, Sentinel-1 .SAFE/.zip products, folders of them, .json/.txt lists",
    )
    predict.add_argument("--out", type=Path, required=True, help="output folder")
    predict.add_argument(
        "--weights",
        type=Path,
        help="weight bundle NAME.json (+ NAME.safetensors); default: bundled (for Sentinel-1 "
        "products only: the bundled SAFE-only weights)",
    )
    predict.add_argument("--device", default="auto", help="auto (default), cpu, cuda or cuda:N")
    predict.add_argument("--crs", default="EPSG:3413", help="output CRS (default EPSG:3413)")
    predict.add_argument("--no-sar", action="store_true", help="skip the SAR HH/HV layers")
    predict.add_argument("--tile", type=int, help="run the model in tiles of this size")
    predict.add_argument(
        "--shard",
        help="INDEX/COUNT: this process's share of the scenes "
        "(default: the SLURM job array's task, else all)",
    )
    predict.add_argument("--overwrite", action="store_true", help="replace earlier outputs")
    predict.add_argument("--quiet", action="store_true", help="no progress bar")

    chart = commands.add_parser(
        "chart",
        help="draft ice chart polygons (SIGRID-3 egg codes) from a prediction run",
        description="Turns a run folder's SIC/SOD/FLOE into polygons homogeneous in the three "
        "classes, with SIGRID-3 egg codes, mean confidence and area, in a styled GeoPackage.",
    )
    chart.add_argument("run", type=Path, help="a run folder written by `predict`")
    chart.add_argument("--out", type=Path, required=True, help="output .gpkg")
    chart.add_argument(
        "--min-area",
        type=float,
        default=DEFAULT_MIN_AREA_KM2,
        help=f"smallest polygon in km² (default {DEFAULT_MIN_AREA_KM2})",
    )
    chart.add_argument(
        "--simplify",
        type=float,
        help=f"smoothing: how far a boundary may leave the cell edges, in metres (default "
        f"{DEFAULT_SMOOTHING_M:g}; 0 keeps the cell edges)",
    )
    chart.add_argument("--crs", help="output CRS (default: the run's)")
    chart.add_argument("--shapefile", action="store_true", help="also write a shapefile")
    chart.add_argument("--overwrite", action="store_true", help="replace existing files")

    compare = commands.add_parser(
        "compare",
        help="compare a prediction with an ice chart (scores, difference rasters, report)",
        description="Scores a run against an official SIGRID-3 chart (shapefile/GeoPackage, any "
        "CRS) rasterised onto the prediction grid, or against the scene's own chart; writes "
        "difference rasters, per-polygon agreement and report.md.",
    )
    compare.add_argument("run", type=Path, help="a run folder written by `predict`")
    compare.add_argument(
        "chart", type=Path, nargs="?", help="SIGRID-3 chart (default: the scene's own chart labels)"
    )
    compare.add_argument("--out", type=Path, help="output folder (default: RUN/compare_<chart>)")
    compare.add_argument("--overwrite", action="store_true", help="replace an earlier comparison")

    style = commands.add_parser(
        "style-chart",
        help="decode a SIGRID-3 chart's egg codes into SIC/SOD/FLOE classes (GeoPackage)",
    )
    style.add_argument("chart", type=Path, help="SIGRID-3 shapefile or GeoPackage")
    style.add_argument("--out", type=Path, required=True, help="output .gpkg")
    style.add_argument("--overwrite", action="store_true", help="replace an existing file")

    commands.add_parser("diagnostics", help="versions, compute devices and paths of the engine")

    standby = commands.add_parser(
        "standby",
        help="import the engine's packages, then run the one command read from stdin",
        description="How the QGIS plugin keeps an engine ready: this process imports torch and "
        "the rest ahead of time, then reads one line from stdin, a JSON list of arguments "
        '(e.g. ["predict", "scene.nc", "--out", "runs"]), runs that command and exits. It exits '
        "quietly on end of input or after --idle seconds without a command.",
    )
    standby.add_argument("--idle", type=float, default=STANDBY_IDLE_S, help=argparse.SUPPRESS)

    prepare = commands.add_parser(
        "prepare",
        help="write a Sentinel-1 EW GRDM product as an AI4Arctic ready-to-train file",
        description="Calibrates, denoises and grids a .SAFE folder, manifest.safe or product "
        ".zip to 80 m, with incidence angle, distance to land and lat/lon, optional ERA5/AMSR2 "
        "and SIC/SOD/FLOE burnt from a SIGRID-3 chart; attributes record the provenance.",
    )
    prepare.add_argument("product", type=Path, help=".SAFE folder, manifest.safe or .zip")
    prepare.add_argument("--out", type=Path, required=True, help="output file (X_prep.nc)")
    prepare.add_argument("--era5", type=Path, help="ERA5 single-levels netCDF (new CDS)")
    prepare.add_argument("--amsr2", type=Path, help="AMSR2 brightness temperatures file")
    prepare.add_argument("--chart", type=Path, help="SIGRID-3 chart (.shp/.gpkg) for labels")
    prepare.add_argument("--overwrite", action="store_true", help="replace an existing file")
    return parser


def _preload() -> None:
    """Import what the commands need, so a standby engine starts its command at once."""
    try:
        from .compare import run as _compare_run  # noqa: F401
        from .draft import make as _make  # noqa: F401
        from .predict import batch as _batch  # noqa: F401
        from .predict import forward as _forward  # noqa: F401 (torch: batch leaves it to a thread)
    except ImportError:  # the command itself will say what is missing
        pass


def _standby(args: argparse.Namespace, out: Output) -> int:
    _preload()
    from .scene.read_helper import ReadHelper

    ReadHelper.start_spare()  # the second reading process, started while the analyst chooses
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(sys.stdin.readline()), daemon=True)
    reader.start()
    reader.join(args.idle)
    if not lines or not lines[0].strip():
        return EXIT_OK  # no command came: the plugin went away or did not need us
    try:
        argv = json.loads(lines[0])
        if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
            raise ValueError("not a list of strings")
    except ValueError as error:
        raise SeaIceMapperError(
            f"standby: the command line on stdin is not a JSON list of arguments ({error})"
        ) from None
    if argv[0] == "standby":
        raise SeaIceMapperError("standby: a standby engine cannot run another standby")
    parsed = _parser().parse_args(argv)  # the output form stays this process's
    return COMMANDS[parsed.command](parsed, out)


def _synth(args: argparse.Namespace, out: Output) -> int:
    from .synthetic.generate import SynthConfig, synthesize

    lines, samples = args.size
    config = SynthConfig(
        lines=lines,
        samples=samples,
        seed=args.seed,
        ice_service=args.service,
        time=args.time,
        reference_split=args.reference_split,
        compress=not args.no_compress,
        wind_speed=args.wind,
        centre=args.centre,
    )
    path = synthesize(args.out, config, overwrite=args.overwrite)
    out.result("synth", {"path": str(path)}, str(path))
    return EXIT_OK


def _info(args: argparse.Namespace, out: Output) -> int:
    from .scene.reader import open_scene

    scenes = []
    for path in args.scenes:
        try:
            with open_scene(path) as scene:
                description = scene.info.describe()
            scenes.append(
                {"path": str(path), "ok": True, "message": "OK", "description": description}
            )
        except SeaIceMapperError as error:
            scenes.append(
                {"path": str(path), "ok": False, "message": str(error), "description": None}
            )
    for s in scenes:  # for a person, failures go to stderr as every error does
        if not s["ok"] and not out.json:
            out.warning(f"{s['path']}: {s['message']}", "error")
    text = "\n".join(f"{s['path']}: OK — {s['description']}" for s in scenes if s["ok"])
    out.result("info", {"scenes": scenes}, text)
    return EXIT_OK if all(s["ok"] for s in scenes) else EXIT_PARTIAL


def _predict(args: argparse.Namespace, out: Output) -> int:
    from .output.contract import find_run, read_record
    from .predict.batch import Shard, collect_scenes, run_batch
    from .predict.progress import Reporter
    from .predict.run import PredictParams
    from .safe.weights import default_weights_for

    out.quiet = args.quiet
    scenes = collect_scenes(args.scenes)
    params = PredictParams(
        weights=args.weights or default_weights_for(scenes),
        device=args.device,
        crs=args.crs,
        sar_layers=not args.no_sar,
        tile_size=args.tile,
        overwrite=args.overwrite,
    )
    if not scenes:
        raise SeaIceMapperError(
            "No scenes found in " + ", ".join(map(str, args.scenes)) + "; expected scene files, "
            "folders holding *_prep.nc files, or .json/.txt scene lists."
        )

    def on_scene(index: int, count: int, scene: Path) -> Reporter:
        out.begin(f"[{index + 1}/{count}] {scene.name}")
        return Reporter(on_progress=lambda stage, f: out.stage(stage, (index + f) / count))

    out.stage("loading model", 0.0)
    report = run_batch(scenes, args.out, params, Shard.parse(args.shard), on_scene)

    def described(scene: Path, folder: Path | None) -> dict:
        record = read_record(folder) if folder is not None else {}
        return {
            "scene": str(scene),
            "folder": str(folder) if folder is not None else None,
            "id": record.get("scene"),
            "device": record.get("device"),
        }

    result = {
        "runs": [described(scene, folder) for scene, folder in report.done],
        "skipped": [described(scene, find_run(args.out, scene.name)) for scene in report.skipped],
        "failed": [{"scene": str(scene), "message": message} for scene, message in report.failed],
        "summary": report.summary(),
    }
    lines = [f"{scene.name}: {folder}" for scene, folder in report.done] + [report.summary()]
    out.result("predict", result, "\n".join(lines))
    return EXIT_PARTIAL if report.failed else EXIT_OK


def _chart(args: argparse.Namespace, out: Output) -> int:
    from .draft.make import draft_chart
    from .draft.params import DraftParams

    try:
        params = DraftParams(
            min_area_km2=args.min_area,
            simplify_m=args.simplify,
            crs=args.crs,
            shapefile=args.shapefile,
            overwrite=args.overwrite,
        )
    except ValueError as error:
        out.error("ValueError", str(error))
        return EXIT_ERROR
    out.stage("drafting", 0.0)
    result = draft_chart(args.run, args.out, params)
    for warning in result.warnings:
        out.warning(warning, warning.level)
    record = {
        "files": [str(path) for path in result.files],
        "polygons": result.n_polygons,
        "agreement": result.agreement,
        "smallest_km2": result.smallest_km2,
        "median_km2": result.median_km2,
        "warnings": [w.to_dict() for w in result.warnings],
        "summary": result.summary(),
        "details": result.details(),
    }
    out.result("chart", record, f"{result.summary()}\n{result.details()}")
    return EXIT_OK


def _compare(args: argparse.Namespace, out: Output) -> int:
    from .compare.run import compare_run

    out.stage("comparing", 0.0)
    result = compare_run(args.run, args.chart, args.out, args.overwrite)
    for warning in result.warnings:
        out.warning(warning, warning.level)
    record = {
        "folder": str(result.folder),
        "layers": result.layers,
        "report": str(result.report),
        "scores": result.comparison.scores,
        "cells": result.comparison.n_cells,
        "share": result.share,
        "level": result.level,
        "html": str(result.html) if result.html else None,
        "warnings": [w.to_dict() for w in result.warnings],
        "summary": result.summary(),
    }
    out.result("compare", record, result.summary())
    return EXIT_OK


def _style_chart(args: argparse.Namespace, out: Output) -> int:
    from .icechart.export import write_decoded_chart
    from .icechart.qml import chart_styles
    from .icechart.sigrid import read_chart

    chart = read_chart(args.chart)
    # The same named styles as a draft chart (SIC default, SOD, FLOE, Outline).
    write_decoded_chart(chart, args.out, overwrite=args.overwrite, styles=chart_styles())
    result = {"output": str(args.out), "polygons": len(chart), "summary": chart.summary()}
    out.result("style-chart", result, chart.summary())
    return EXIT_OK


def _diagnostics(args: argparse.Namespace, out: Output) -> int:
    from .engine.diagnostics import engine_report

    report = engine_report()
    text = "\n".join(f"- {key}: {value}" for key, value in report.items())
    out.result("diagnostics", report, text)
    return EXIT_OK


def _prepare(args: argparse.Namespace, out: Output) -> int:
    from .safe.prepare import PrepareParams, prepare

    keys = ("product", "out", "era5", "amsr2", "chart", "overwrite")
    out.stage("preparing", 0.0)
    path = prepare(PrepareParams(**{key: getattr(args, key) for key in keys}))
    out.result("prepare", {"output": str(path)}, str(path))
    return EXIT_OK


COMMANDS = {
    "synth": _synth,
    "info": _info,
    "predict": _predict,
    "chart": _chart,
    "compare": _compare,
    "style-chart": _style_chart,
    "diagnostics": _diagnostics,
    "standby": _standby,
    "prepare": _prepare,
}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # file names need not be valid UTF-8
        getattr(stream, "reconfigure", lambda **_: None)(errors="backslashreplace")
    argv = list(sys.argv[1:] if argv is None else argv)
    keep_freed_memory()  # before the first large array (predict/memory.py)
    out = JsonOutput() if "--json" in argv else Output()
    _Parser.events = out if out.json else None
    args = _parser().parse_args(argv)
    return run_command(COMMANDS[args.command], args, out)
