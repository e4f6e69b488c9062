"""Benchmark: a full-size synthetic Sentinel-1 EW GRDM product (10708 × 10487 DN per
polarisation, the real annotation set of ``../shared/data/real/sar``) read into the 80 m arrays.

Run: ``.venv/bin/python benchmarks/bench_safe.py [--keep DIR] [--zip] [--json OUT.json]``.
Building the product takes about a minute and is kept with ``--keep`` (reused when present).
Reading runs in a fresh process so its peak RSS is its own: open and validate, σ⁰ of HH and HV
(calibrated, denoised, 2 × 2, dB), incidence angle and the 21 × 21 latitude/longitude grid.
Targets (issue #16): under 6 s wall on an idle 2-core machine and under 1 GB peak RSS. The
machine may be shared, so CPU seconds are reported beside wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real" / "sar"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _build(real: Path, folder: Path, make_zip: bool) -> Path:
    from core.synthetic.safe import build_safe

    product = next(real.glob("S1*_EW_GRDM_*"))
    existing = list(folder.glob("*.SAFE"))
    if existing:
        safe = existing[0]
        if make_zip and not safe.with_suffix(".zip").exists():
            from core.synthetic.safe import zip_safe

            zip_safe(safe)
    else:
        safe = build_safe(product, folder, make_zip=make_zip).folder
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
        "open_seconds": round(opened, 3),
        "sar_seconds": round(sar, 3),
        "wall_seconds": round(total, 3),
        "cpu_seconds": round(total_cpu, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "shape_80m": shape,
        "valid_share": round(valid, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="folder to build (and keep) the product in")
    parser.add_argument("--zip", action="store_true", help="read the product .zip (/vsizip/)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--repeat", type=int, default=3, help="read runs (best is reported)")
    parser.add_argument("--real", type=Path, default=REAL, help="the real annotation set's folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(_read(args.child)))
        return
    if not args.real.is_dir():
        sys.exit(f"The real annotation set is not at {args.real}; nothing to benchmark.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        path = _build(args.real, folder, args.zip)
        built = time.perf_counter() - start
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["wall_seconds"])
    result = {
        "benchmark": "safe_read",
        "input": "zip" if args.zip else "folder",
        "image_40m": [10708, 10487],
        "build_seconds": round(built, 1),
        "best": best,
        "runs": runs,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
        },
        "targets": {"wall_seconds": 6.0, "peak_rss_mb": 1024},
    }
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
