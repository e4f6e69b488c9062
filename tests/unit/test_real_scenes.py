"""The same reader checks on real AI4Arctic scenes, for users who have them.

Set ``SEA_ICE_MAPPER_REAL_SCENES`` to a folder of ready-to-train files (``*_prep.nc``, with
``*_prep_reference.nc`` beside test scenes) and run ``make test-unit``. Without it these tests
skip: the real dataset cannot be downloaded on the project's machines.
"""

import os
from pathlib import Path

import numpy as np
import pytest

from core.scene import schema
from core.scene.reader import open_scene

FOLDER = os.environ.get("SEA_ICE_MAPPER_REAL_SCENES")
SCENES = sorted(Path(FOLDER).glob("*_prep.nc")) if FOLDER else []
pytestmark = pytest.mark.skipif(
    not SCENES, reason="set SEA_ICE_MAPPER_REAL_SCENES to a folder of AI4Arctic *_prep.nc files"
)


@pytest.mark.parametrize("path", SCENES, ids=[p.name for p in SCENES])
def test_real_scene_reads_like_the_synthetic_ones(path):
    with open_scene(path) as scene:
        lines, samples = scene.info.shape
        assert scene.info.coarse_shape == (lines // 25, samples // 25) or all(
            abs(c - n // 25) <= 1 for c, n in zip(scene.info.coarse_shape, scene.info.shape)
        )
        assert scene.valid_sar(step=10).mean() > 0.1
        lat, _ = scene.latlon()
        assert lat.shape == (schema.TIE_POINTS, schema.TIE_POINTS)
        if scene.info.charts_in is not None:
            sic = scene.read_chart("SIC", step=10)
            assert set(np.unique(sic)) <= set(range(11)) | {255}
