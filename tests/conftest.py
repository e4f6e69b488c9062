"""Fixtures shared by both test trees (tests/unit without QGIS, tests/qgis in a real QGIS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from repo_paths import PLUGIN_PACKAGE, REPO_ROOT, SHARED_REAL


@pytest.fixture(scope="session")
def plugins_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the repository as the package ``sea_ice_mapper``, as QGIS installs it."""
    folder = tmp_path_factory.mktemp("plugins")
    (folder / PLUGIN_PACKAGE).symlink_to(REPO_ROOT, target_is_directory=True)
    return folder


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real reference data beside the checkout; tests using it skip when it is absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"real reference data not found at {SHARED_REAL} (../shared/data/real)")
    return SHARED_REAL


FIXTURE_SCENES = REPO_ROOT / "tests" / "data" / "scenes"


@pytest.fixture()
def labelled_scene(tmp_path: Path) -> Path:
    """A copy of the committed tiny labelled scene (64 × 80), safe to modify."""
    import shutil

    name = "20190315T101500_cis_prep.nc"
    return Path(shutil.copy(FIXTURE_SCENES / name, tmp_path / name))


@pytest.fixture(scope="session")
def medium_scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A labelled synthetic scene of 400 × 460 pixels (40 × 46 at the model's ×10 grid)."""
    from core.synthetic.generate import SynthConfig, synthesize

    folder = tmp_path_factory.mktemp("medium_scene")
    return synthesize(folder, SynthConfig(lines=400, samples=460, seed=11))


@pytest.fixture(scope="session")
def random_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Randomly initialised weights of the winning configuration, as a bundle (manifest path)."""
    import torch

    from core.model.bundle import save_bundle
    from core.model.manifest import Manifest
    from core.model.unet import MultiTaskUNet, UNetConfig

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("weights")
    manifest = Manifest(architecture={}, training={"data": "nothing: random initialisation"})
    return save_bundle(MultiTaskUNet(UNetConfig()), manifest, folder / "random")


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder: a labelled 1200 × 1240 synthetic scene predicted with the bundled weights."""
    from core.predict.params import PredictParams
    from core.predict.run import run_prediction
    from core.synthetic.generate import SynthConfig, synthesize

    folder = tmp_path_factory.mktemp("bundled_run")
    scene = synthesize(folder, SynthConfig(lines=1200, samples=1240, seed=4001))
    params = PredictParams(device="cpu", sar_layers=False)
    return run_prediction(scene, folder / "runs", params).folder
