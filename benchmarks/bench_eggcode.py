"""Benchmark: decoding the egg codes of 100 000 chart polygons (parse + decode).

Run: ``.venv/bin/python benchmarks/bench_eggcode.py``. Fields are strings as read from
shapefiles, with blanks and -9 in realistic proportions.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.icechart.eggcode import CODE_FIELDS, EggCodes, decode

N = 100_000
CHOICES = {
    "C": ["92", "91", "90", "80", "70", "40", "30", "20", "10", "79", "12", "01", "-9", None],
    "S": ["81", "84", "85", "87", "91", "93", "95", "98", "-9", None],
    "F": ["02", "03", "04", "05", "06", "08", "10", "99", "-9", None],
}


def main() -> None:
    rng = np.random.default_rng(0)
    fields = {f: rng.choice(np.array(CHOICES[f[0]], dtype=object), N) for f in CODE_FIELDS}
    fields["POLY_TYPE"] = rng.choice(np.array(["I", "I", "I", "W", "L"], dtype=object), N)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        decoded = decode(EggCodes.from_fields(fields))
        best = min(best, time.perf_counter() - start)
    print(
        f"decoded {N} polygons (parse + decode) in {best:.3f} s (best of 3); "
        f"{decoded.n_undecodable} undecodable"
    )


if __name__ == "__main__":
    main()
