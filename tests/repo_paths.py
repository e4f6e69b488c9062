"""Paths and names every test tree shares."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_REAL = REPO_ROOT.parent / "shared" / "data" / "real"
# The folder name QGIS would give the plugin when installed from its zip; deliberately not the
# checkout's name, to prove the code does not depend on it.
PLUGIN_PACKAGE = "sea_ice_mapper"
