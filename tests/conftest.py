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
