"""Benchmark: decoding the egg codes of 100 000 chart polygons (parse + decode).

Run: ``.venv/bin/python benchmarks/bench_eggcode.py OUT [--runs 3] [--polygons 100000]``;
writes ``OUT/eggcode.json``. Fields are strings as read from shapefiles, with blanks and -9 in
realistic proportions. The runs repeat in one process (the work is pure CPU on arrays already
in memory); the median, minimum (the best) and maximum are recorded. Target: under 1 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import summary, write_result  # noqa: E402

from core.icechart.eggcode import CODE_FIELDS, EggCodes, decode  # noqa: E402

N = 100_000
TARGET_S = 1.0
CHOICES = {
    "C": ["92", "91", "90", "80", "70", "40", "30", "20", "10", "79", "12", "01", "-9", None],
    "S": ["81", "84", "85", "87", "91", "93", "95", "98", "-9", None],
    "F": ["02", "03", "04", "05", "06", "08", "10", "99", "-9", None],
}


def measure(polygons: int, runs: int) -> dict:
    rng = np.random.default_rng(0)
    fields = {f: rng.choice(np.array(CHOICES[f[0]], dtype=object), polygons) for f in CODE_FIELDS}
    fields["POLY_TYPE"] = rng.choice(np.array(["I", "I", "I", "W", "L"], dtype=object), polygons)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        decoded = decode(EggCodes.from_fields(fields))
        seconds.append(time.perf_counter() - start)
    return {
        "polygons": polygons,
        "runs": runs,
        "seconds": summary(seconds),
        "undecodable": int(decoded.n_undecodable),
        "target_s": TARGET_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for eggcode.json")
    parser.add_argument("--runs", type=int, default=3, help="decodes, in one process")
    parser.add_argument("--polygons", type=int, default=N)
    args = parser.parse_args()
    payload = measure(args.polygons, args.runs)
    print(
        f"decoded {args.polygons} polygons (parse + decode): median "
        f"{payload['seconds']['median']:.3f} s, best {payload['seconds']['min']:.3f} s "
        f"of {args.runs}; {payload['undecodable']} undecodable"
    )
    print(write_result(args.out, "eggcode", payload))


if __name__ == "__main__":
    main()
