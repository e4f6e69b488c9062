"""No accuracy change from speed work: the bundled weights' class maps on the fixture scenes
equal the ones recorded before it (tests/data/expected/, written by the 0.3.0 code)."""

from __future__ import annotations

import numpy as np
import pytest

from repo_paths import REPO_ROOT

SCENES = REPO_ROOT / "tests" / "data" / "scenes"
EXPECTED = REPO_ROOT / "tests" / "data" / "expected"


@pytest.fixture(scope="module")
def bundled():
    from core.predict.run import LoadedModel

    return LoadedModel.load(None, "cpu")


@pytest.mark.parametrize("helped", [False, True], ids=["one process", "with read helper"])
@pytest.mark.parametrize("scene", ["20190315T101500_cis", "20210430T205436_dmi"])
def test_scoring_form_class_maps_equal_the_recorded_ones(bundled, scene: str, helped) -> None:
    from core.predict.run import predict_classes
    from core.scene.read_helper import read_helper

    with read_helper() as helper:
        assert helper is not None
        classes = predict_classes(
            SCENES / f"{scene}_prep.nc", bundled, helper=helper if helped else None
        )
        assert (helper.delivered > 0) == helped
    with np.load(EXPECTED / f"{scene}_classes.npz", allow_pickle=False) as expected:
        assert set(expected.files) == set(classes)
        for name in expected.files:
            np.testing.assert_array_equal(classes[name], expected[name], err_msg=name)
