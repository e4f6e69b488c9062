"""Strided reads in bands of whole chunk rows: the same pixels, whatever the file's chunking."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from repo_paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))


@pytest.mark.parametrize("chunk", [64, 128, 1024])
def test_read_strided_equals_a_plain_strided_read(
    medium_scene: Path, tmp_path: Path, chunk
) -> None:
    from scenes import rechunk

    from core.scene.bands import read_strided
    from core.scene.reader import open_scene
    from core.scene.schema import SAR_VARIABLES

    copy = rechunk(medium_scene, tmp_path / medium_scene.name, chunk)
    with open_scene(copy) as scene:
        assert scene.chunk_shape(SAR_VARIABLES[0]) == (min(chunk, 400), min(chunk, 460))
        for name in SAR_VARIABLES:
            values = scene.read(name)
            for step in (1, 7, 10):
                strided = read_strided(scene, [name], step)[name]
                np.testing.assert_array_equal(strided, values[::step, ::step])


@pytest.mark.parametrize(
    ("chunks", "lines"), [(None, 500), ((500, 500), 500), ((1024, 1024), 1024), ((128, 64), 384)]
)
def test_bands_are_whole_rows_of_chunks(chunks, lines: int) -> None:
    from core.scene.bands import band_lines

    assert band_lines(chunks) == lines
