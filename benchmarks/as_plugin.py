"""The plugin's engine driver imported as QGIS imports it: the repository as the package
``sea_ice_mapper`` (its modules import ``..core`` relatively, so ``plugin.engine`` alone fails)."""

from __future__ import annotations

import atexit
import importlib
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sea_ice_mapper"


def plugin_engine() -> ModuleType:
    """``sea_ice_mapper.plugin.engine``, from a temporary folder linking to this checkout."""
    if PACKAGE not in sys.modules:
        folder = Path(tempfile.mkdtemp(prefix="sea-ice-mapper-plugins-"))
        atexit.register(shutil.rmtree, folder, True)
        (folder / PACKAGE).symlink_to(ROOT, target_is_directory=True)
        sys.path.insert(0, str(folder))
    return importlib.import_module(f"{PACKAGE}.plugin.engine")
