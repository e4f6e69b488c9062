"""Command line of the core: ``python -m core <command>``.

Commands:
  synth OUT [--size LINESxSAMPLES] [--seed N] ...   write a synthetic ready-to-train scene
  info SCENE [SCENE ...]                            validate scenes and describe them
  predict SCENE|FOLDER|LIST ... --out DIR           predict SIC/SOD/FLOE map layers
  chart RUN_DIR --out CHART.gpkg                    draft ice chart polygons from a prediction
  compare RUN_DIR [CHART] [--out DIR]               compare a prediction with an ice chart
  prepare SAFE [--era5 F] [--amsr2 F] [--chart C] --out X_prep.nc
                                                    a Sentinel-1 product as a ready-to-train file
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from .draft.params import DEFAULT_MIN_AREA_KM2
from .errors import SeaIceMapperError


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "--simplify", type=float, help="boundary tolerance in metres (default: half a grid cell)"
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


def _synth(args: argparse.Namespace) -> int:
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
    print(path)
    return 0


def _info(args: argparse.Namespace) -> int:
    from .scene.reader import open_scene

    failures = 0
    for path in args.scenes:
        try:
            with open_scene(path) as scene:
                print(f"{path}: OK — {scene.info.describe()}")
        except SeaIceMapperError as error:
            failures += 1
            print(f"{path}: {error}", file=sys.stderr)
    return 1 if failures else 0


def _predict(args: argparse.Namespace) -> int:
    from .predict.batch import Shard, collect_scenes, run_batch
    from .predict.progress import Reporter
    from .predict.run import PredictParams
    from .progressbar import ProgressBar
    from .safe.weights import default_weights_for

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
        print("error: no scenes found in " + ", ".join(map(str, args.scenes)), file=sys.stderr)
        return 2

    def on_scene(index: int, count: int, scene: Path) -> Reporter:
        bar = None if args.quiet else ProgressBar(f"[{index + 1}/{count}] {scene.name}")
        return Reporter(on_progress=bar)

    report = run_batch(scenes, args.out, params, Shard.parse(args.shard), on_scene)
    for scene, folder in report.done:
        print(f"{scene.name}: {folder}")
    print(report.summary())
    return 1 if report.failed else 0


def _chart(args: argparse.Namespace) -> int:
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
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = draft_chart(args.run, args.out, params)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(result.summary())
    return 0


def _compare(args: argparse.Namespace) -> int:
    from .compare.run import compare_run

    result = compare_run(args.run, args.chart, args.out, args.overwrite)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(result.summary())
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from .safe.prepare import PrepareParams, prepare

    keys = ("product", "out", "era5", "amsr2", "chart", "overwrite")
    print(prepare(PrepareParams(**{key: getattr(args, key) for key in keys})))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        commands = {
            "synth": _synth,
            "info": _info,
            "predict": _predict,
            "chart": _chart,
            "compare": _compare,
            "prepare": _prepare,
        }
        return commands[args.command](args)
    except SeaIceMapperError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
