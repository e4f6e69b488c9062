"""The zip of ``make package`` installs into a clean profile and runs with its bundled weights."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import qgis.utils
from qgis.core import QgsApplication

from repo_paths import REPO_ROOT

FOLDER = "sea_ice_mapper"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("packaging needs git and a git checkout")
    out = tmp_path_factory.mktemp("package")
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "package.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    [zip_path] = out.glob("*.zip")
    return zip_path


@pytest.fixture()
def installed(package, tmp_path, monkeypatch, iface_recorder):
    """The zip unpacked into a fresh profile's plugin folder, as the plugin manager does."""
    plugins = tmp_path / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(plugins)
    monkeypatch.setattr(qgis.utils, "plugin_paths", [str(plugins)])
    monkeypatch.syspath_prepend(str(plugins))
    for name in [m for m in sys.modules if m.split(".")[0] == FOLDER]:
        del sys.modules[name]  # no copy of the plugin loaded from the checkout
    yield plugins / FOLDER
    if FOLDER in qgis.utils.active_plugins:
        qgis.utils.unloadPlugin(FOLDER)
    for name in [m for m in sys.modules if m.split(".")[0] == FOLDER]:
        del sys.modules[name]


def test_package_holds_the_plugin_and_nothing_of_development(package):
    from core.about import about

    assert package.name == f"{FOLDER}-{about().version}.zip"
    names = zipfile.ZipFile(package).namelist()
    assert all(name.startswith(f"{FOLDER}/") for name in names)
    top = {name.split("/")[1] for name in names if name != f"{FOLDER}/"}
    assert top == {
        "metadata.txt",
        "__init__.py",
        "LICENSE",
        "README.md",
        "plugin",
        "core",
        "resources",
    }
    assert f"{FOLDER}/resources/weights/default.safetensors" in names
    assert not [n for n in names if n.endswith((".pyc", "ruff.toml")) or "__pycache__" in n]


def test_installed_zip_loads_and_predicts_with_bundled_weights(
    installed, processing_framework, labelled_scene, tmp_path
):
    qgis.utils.updateAvailablePlugins()
    assert qgis.utils.loadPlugin(FOLDER)
    assert qgis.utils.startPlugin(FOLDER)
    module = sys.modules[f"{FOLDER}.plugin.main"]
    assert Path(module.__file__).is_relative_to(installed)  # the unzipped copy, not the checkout
    assert QgsApplication.processingRegistry().providerById("seaicemapper") is not None

    result = processing_framework.run(
        "seaicemapper:predict",
        {
            "INPUT": str(labelled_scene),
            "DEVICE": 2,
            "SAR": False,
            "OUTPUT_FOLDER": str(tmp_path / "out"),
        },
    )
    record = json.loads((Path(result["RUN_FOLDER"]) / "run.json").read_text())
    bundled = json.loads((installed / "resources" / "weights" / "default.json").read_text())
    assert record["model"]["sha256"] == bundled["weights_sha256"]
    assert qgis.utils.unloadPlugin(FOLDER)
