"""Benchmark: generate a full-size synthetic scene, then read it as inference will.

Run: ``.venv/bin/python benchmarks/bench_scene.py [--size 5000x5200] [--keep DIR]``.
Each stage runs in a fresh process so its peak RSS is its own. Reading for inference means:
open and validate, the four full-grid inputs every 10th pixel (the nearest ×10 downscaling of
MMSeaIce's test path) plus the valid-SAR mask, the 15 coarse inputs and the tie points; and,
for comparison, each full-grid input read whole, one at a time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generate(path: str, lines: int, samples: int) -> dict:
    from core.synthetic.generate import SynthConfig, synthesize

    start = time.perf_counter()
    synthesize(path, SynthConfig(lines=lines, samples=samples, seed=0), overwrite=True)
    return {"seconds": time.perf_counter() - start}


def _read(path: str) -> dict:
    from core.scene.reader import open_scene
    from core.scene.schema import COARSE_VARIABLES, SAR_VARIABLES

    start = time.perf_counter()
    with open_scene(path) as scene:
        strided = [scene.read(name, step=10) for name in SAR_VARIABLES]
        valid = scene.valid_sar(step=10)
        coarse = [scene.read(name) for name in COARSE_VARIABLES]
        scene.latlon()
        strided_s = time.perf_counter() - start
        full_start = time.perf_counter()
        for name in SAR_VARIABLES:
            scene.read(name).sum()
        full_s = time.perf_counter() - full_start
    assert strided[0].shape == valid.shape and coarse
    return {"strided_seconds": strided_s, "full_each_seconds": full_s}


def _child(stage: str, path: str, lines: int, samples: int) -> None:
    sys.path.insert(0, str(ROOT))
    result = _generate(path, lines, samples) if stage == "generate" else _read(path)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run(stage: str, path: Path, lines: int, samples: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", stage, str(path), str(lines), str(samples)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="5000x5200")
    parser.add_argument("--keep", type=Path, help="folder to keep the scene in")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stage, path, lines, samples = args.child
        _child(stage, path, int(lines), int(samples))
        return
    lines, samples = (int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        path = folder / "20190101T000000_cis_prep.nc"
        gen = _run("generate", path, lines, samples)
        size_mb = path.stat().st_size / 1e6
        read = _run("read", path, lines, samples)
    print(
        f"scene {lines} x {samples}: generated in {gen['seconds']:.1f} s "
        f"(peak RSS {gen['peak_rss_mb']:.0f} MB), file {size_mb:.0f} MB"
    )
    print(
        f"read for inference (open, 4 full-grid inputs every 10th pixel, valid mask, "
        f"15 coarse inputs, tie points): {read['strided_seconds']:.2f} s; "
        f"each full-grid input read whole: {read['full_each_seconds']:.2f} s; "
        f"peak RSS {read['peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
