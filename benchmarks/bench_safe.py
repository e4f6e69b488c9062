"""Benchmark: a full-size synthetic Sentinel-1 EW GRDM product (10708 × 10487 DN per
polarisation, the real annotation set of ``../shared/data/real/sar``) read into the 80 m arrays.

Run: ``.venv/bin/python benchmarks/bench_safe.py OUT [--runs 3] [--keep DIR] [--zip]
[--size LINESxSAMPLES]``; writes ``OUT/safe.json`` (``OUT/safe_zip.json`` with ``--zip``).
Building the product takes about a minute and is kept with ``--keep`` (reused when present);
``--size`` builds a crop from the middle of the product instead (a quick check, not the target).
Reading runs in fresh processes so each peak RSS is its own: open and validate, σ⁰ of HH and HV
(calibrated, denoised, 2 × 2, dB), incidence angle and the 21 × 21 latitude/longitude grid.
Targets (issue #16): under 6 s wall on an idle 2-core machine and under 1 GB peak RSS. The
machine may be shared, so CPU seconds are recorded beside wall seconds.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import run_child, serve_child, summary, write_result  # noqa: E402

ROOT = HERE.parent
REAL = ROOT.parent / "shared" / "data" / "real" / "sar"
FULL_40M = (10708, 10487)
TARGETS = {"wall_s": 6.0, "peak_rss_mb": 1024}
MEASURED = ("open_s", "sar_s", "wall_s", "cpu_s", "peak_rss_mb")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _crop(size: str | None):
    from core.synthetic.safe import SafeConfig

    if size is None:
        return SafeConfig()
    lines, samples = (int(x) for x in size.lower().split("x"))
    top, left = (FULL_40M[0] - lines) // 2, (FULL_40M[1] - samples) // 2
    return SafeConfig(lines=(top, top + lines), samples=(left, left + samples))


def _build(real: Path, folder: Path, make_zip: bool, size: str | None) -> Path:
    from core.synthetic.safe import build_safe, zip_safe

    product = next(real.glob("S1*_EW_GRDM_*"))
    existing = list(folder.glob("*.SAFE"))
    if existing:
        safe = existing[0]
        if make_zip and not safe.with_suffix(".zip").exists():
            zip_safe(safe)
    else:
        safe = build_safe(product, folder, _crop(size), make_zip=make_zip).folder
    return safe.with_suffix(".zip") if make_zip else safe


def _read(path: str) -> dict:
    import numpy as np

    from core.safe.scene import SafeScene

    wall, cpu = time.perf_counter(), _cpu()
    with SafeScene(path, required=()) as scene:
        opened = time.perf_counter() - wall
        hh = scene.physical("nersc_sar_primary")
        hv = scene.physical("nersc_sar_secondary")
        sar = time.perf_counter() - wall
        incidence = scene.physical("sar_incidenceangle")
        lat, lon = scene.latlon()
        total, total_cpu = time.perf_counter() - wall, _cpu() - cpu
        shape = list(hh.shape)
        valid = float(np.isfinite(hh).mean())
        assert hv.shape == incidence.shape and lat.shape == (21, 21) and lon.shape == lat.shape
    return {
        "open_s": opened,
        "sar_s": sar,
        "wall_s": total,
        "cpu_s": total_cpu,
        "shape_80m": shape,
        "valid_share": valid,
    }


def main() -> None:
    if serve_child(_read):
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for safe.json (safe_zip.json)")
    parser.add_argument("--keep", type=Path, help="folder to build (and keep) the product in")
    parser.add_argument("--zip", action="store_true", help="read the product .zip (/vsizip/)")
    parser.add_argument("--runs", "--repeat", type=int, default=3, help="fresh reading processes")
    parser.add_argument("--size", help="LINESxSAMPLES: a crop of the product (default: whole)")
    parser.add_argument("--real", type=Path, default=REAL, help="the real annotation set's folder")
    args = parser.parse_args()
    if not args.real.is_dir():
        sys.exit(f"The real annotation set is not at {args.real}; nothing to benchmark.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        if args.size:
            folder = folder / f"crop_{args.size}"  # never reuse a product of another size
        folder.mkdir(parents=True, exist_ok=True)
        reused = any(folder.glob("*.SAFE"))
        start = time.perf_counter()
        path = _build(args.real, folder, args.zip, args.size)
        built = time.perf_counter() - start
        runs = [run_child(Path(__file__), str(path)) for _ in range(args.runs)]
    name = "safe_zip" if args.zip else "safe"
    payload = {
        "input": "zip" if args.zip else "folder",
        "image_40m": [int(x) for x in args.size.split("x")] if args.size else list(FULL_40M),
        "shape_80m": runs[-1]["shape_80m"],
        "valid_share": runs[-1]["valid_share"],
        "build_s": built,
        "reused": reused,
        "runs": args.runs,
        **{key: summary(run[key] for run in runs) for key in MEASURED},
        "targets": TARGETS,
    }
    print(
        f"{payload['input']} {payload['image_40m']}: read in {payload['wall_s']['median']:.2f} s "
        f"wall, {payload['cpu_s']['median']:.2f} s CPU, peak RSS "
        f"{payload['peak_rss_mb']['median']:.0f} MB (medians of {args.runs})"
    )
    print(write_result(args.out, name, payload))


if __name__ == "__main__":
    main()
