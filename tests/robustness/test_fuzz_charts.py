"""Fuzzed egg codes and fuzzed chart files: every value decodes to a class of the tables or to
the mask, and a damaged chart file is a clear ChartFormatError, never anything else."""

from __future__ import annotations

import numpy as np
import pytest
from charts_build import write_chart

from core.errors import ChartFormatError
from core.icechart.classes import CHARTS, MASK
from core.icechart.eggcode import CODE_FIELDS, EggCodes, decode
from core.icechart.sigrid import read_chart

N = 20_000


def fuzzed_values(rng: np.random.Generator, n: int) -> np.ndarray:
    """What producers and damage put in egg-code fields: numbers as text or integers, blanks,
    signs, decimals, junk, None, huge numbers."""
    kinds = rng.integers(0, 8, n)
    numbers = rng.integers(-200, 300, n)
    pool = np.array(["", " ", "-9", "99", "X", "1.5", "0x10", "١٢", "nan", "inf", "9" * 30])
    out = np.empty(n, dtype=object)
    for i, (kind, number) in enumerate(zip(kinds, numbers)):
        out[i] = [
            f"{number:02d}",
            int(number),
            str(number),
            pool[number % len(pool)],
            None,
            float(number) / 3,
            f" {number} ",
            2**70 if number % 2 else -(2**70),
        ][kind]
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_egg_codes_decode_to_classes_or_the_mask(seed):
    rng = np.random.default_rng(seed)
    fields = {name: fuzzed_values(rng, N) for name in CODE_FIELDS}
    fields["POLY_TYPE"] = rng.choice(np.array(["I", "W", "L", "N", "", None], dtype=object), N)
    decoded = decode(EggCodes.from_fields(fields))
    for name, chart in CHARTS.items():
        values = getattr(decoded, name)
        assert len(values) == N
        allowed = {c.value for c in chart.classes} | {MASK}
        assert set(np.unique(values).tolist()) <= allowed, name


@pytest.mark.parametrize("seed", range(30))
def test_damaged_chart_files_are_a_clear_error_or_read_correctly(tmp_path, seed):
    rng = np.random.default_rng(seed)
    square = [(-50.0, 70.0), (-49.0, 70.0), (-49.0, 71.0), (-50.0, 71.0), (-50.0, 70.0)]
    suffix = ".shp" if seed % 2 else ".gpkg"
    path = write_chart(tmp_path / f"c{suffix}", [square] * 3, "EPSG:4326")
    data = bytearray(path.read_bytes())
    for _ in range(int(rng.integers(1, 20))):  # flip bytes after the signature
        data[int(rng.integers(8, len(data)))] = int(rng.integers(0, 256))
    if seed % 3 == 0:
        data = data[: int(rng.integers(8, len(data)))]  # and sometimes truncate
    path.write_bytes(bytes(data))
    try:
        chart = read_chart(path)
    except ChartFormatError as error:
        assert path.name in str(error)
        return
    # read anyway: what it holds must still be usable polygons with decodable classes
    assert len(chart) <= 3
    for name in CHARTS:
        assert set(np.unique(getattr(chart.classes, name)).tolist()) <= {
            c.value for c in CHARTS[name].classes
        } | {MASK}
