"""Which Python runs the engine (``python -m core``): the one contract between plugin and engine.

The engine runs torch, netCDF4, rasterio, shapely and pyogrio in its own process, never inside
QGIS, so their native libraries cannot clash with the ones QGIS has loaded. Its Python is, in
this order:

1. the environment variable ``SEA_ICE_MAPPER_ENGINE_PYTHON`` (a conda env, a cluster module);
2. the setting ``sea_ice_mapper/engine_python`` (the dock's settings);
3. the managed engine: a virtual environment the plugin builds under the QGIS profile folder
   (``<profile>/sea_ice_mapper/engine``, plugin/engine_setup.py), once it is complete, i.e. its
   stamp file, written last, carries the hash of today's requirements table.

Nothing here imports an engine package; QGIS is imported only where a default is needed, so
the logic runs (and is tested) with explicit folders and settings too.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.requirements import requirements_hash

ENGINE_PYTHON_ENV = "SEA_ICE_MAPPER_ENGINE_PYTHON"  # an existing engine Python (conda, cluster)
ENGINE_PYTHON_SETTING = "sea_ice_mapper/engine_python"  # the same, from the dock's settings
BASE_PYTHON_SETTING = "sea_ice_mapper/engine_base_python"  # the Python to build the venv from
STAMP_NAME = "sea_ice_mapper_engine.json"
MIN_PYTHON = (3, 9)


def profile_folder() -> Path:
    """The active QGIS profile's folder (needs a running QGIS)."""
    from qgis.core import QgsApplication

    return Path(QgsApplication.qgisSettingsDirPath())


def managed_folder(profile: Path | None = None) -> Path:
    """Where the managed engine lives: ``<profile>/sea_ice_mapper/engine``."""
    return (profile if profile is not None else profile_folder()) / "sea_ice_mapper" / "engine"


def venv_python(venv: Path) -> Path:
    """The interpreter of a virtual environment, on Windows and elsewhere."""
    if sys.platform == "win32":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


@dataclass(frozen=True)
class EngineStamp:
    """Written last by the installer: what a complete managed engine holds."""

    requirements_hash: str
    python: str  # e.g. "3.11.2"
    torch: str  # e.g. "2.13.0+cpu"
    device: str  # "cpu" or "cuda": the torch build installed
    gpu: str  # the NVIDIA GPU it was installed for, or ""
    base_python: str  # the interpreter the venv was made from

    def describe(self) -> str:
        where = "CPU"
        if self.device == "cuda":  # a CUDA build runs on the CPU too, where no GPU answers
            where = f"CUDA, {self.gpu}" if self.gpu else "CUDA build, no GPU found: runs on the CPU"
        return f"torch {self.torch} ({where}), Python {self.python}"


def read_stamp(venv: Path) -> EngineStamp | None:
    try:
        data = json.loads((venv / STAMP_NAME).read_text(encoding="utf-8"))
        return EngineStamp(**data)
    except (OSError, ValueError, TypeError):
        return None  # absent, half-written or from another version: not a complete engine


def write_stamp(venv: Path, stamp: EngineStamp) -> None:
    """Atomically: a reader sees the old stamp, or none, or the whole new one."""
    partial = venv / (STAMP_NAME + ".part")
    partial.write_text(json.dumps(asdict(stamp), indent=1), encoding="utf-8")
    os.replace(partial, venv / STAMP_NAME)


@dataclass(frozen=True)
class EngineStatus:
    python: Path | None  # the engine interpreter to run, None when there is none yet
    source: str  # "environment", "setting", "managed" or "" (none)
    state: str  # "ready", "missing" or "outdated"
    message: str
    stamp: EngineStamp | None = None

    @property
    def ready(self) -> bool:
        return self.state == "ready"


def _setting(key: str) -> str:
    try:
        from qgis.core import QgsSettings
    except ImportError:  # outside QGIS: no settings
        return ""
    value = QgsSettings().value(key, "")
    return str(value) if value else ""


def engine_status(folder: Path | None = None, configured: str | None = None) -> EngineStatus:
    """The engine to use and whether it needs setting up. ``folder``: the managed engine's
    folder (default under the QGIS profile); ``configured``: the setting's value (default
    read from QgsSettings)."""
    from_env = os.environ.get(ENGINE_PYTHON_ENV, "")
    if from_env:
        if Path(from_env).is_file():
            return EngineStatus(
                Path(from_env), "environment", "ready", f"{from_env} (set by {ENGINE_PYTHON_ENV})"
            )
        return EngineStatus(
            None,
            "environment",
            "missing",
            f"{ENGINE_PYTHON_ENV} is set to {from_env}, which is not a file. Point it at the "
            "python executable of an environment with the engine's packages, or unset it.",
        )
    setting = _setting(ENGINE_PYTHON_SETTING) if configured is None else configured
    if setting:
        if Path(setting).is_file():
            return EngineStatus(Path(setting), "setting", "ready", f"{setting} (from the settings)")
        return EngineStatus(
            None,
            "setting",
            "missing",
            f"The engine Python in the settings, {setting}, is not a file. Choose another one, "
            "or clear the setting to use the engine the plugin sets up.",
        )
    try:
        venv = folder if folder is not None else managed_folder()
    except ImportError:  # no QGIS: only the environment variable can name an engine
        return EngineStatus(None, "", "missing", f"No engine: set {ENGINE_PYTHON_ENV}.")
    stamp = read_stamp(venv)
    python = venv_python(venv)
    if stamp is None or not python.is_file():
        return EngineStatus(
            None, "managed", "missing", "The engine is not set up yet: press Set up engine."
        )
    if stamp.requirements_hash != requirements_hash():
        return EngineStatus(
            python,
            "managed",
            "outdated",
            "This version of the plugin needs other engine packages: press Set up engine to "
            "update it.",
            stamp,
        )
    return EngineStatus(python, "managed", "ready", f"Engine ready: {stamp.describe()}", stamp)


def engine_python(folder: Path | None = None) -> Path | None:
    """The engine interpreter to run, or None when the engine must be set up first."""
    status = engine_status(folder)
    return status.python if status.ready else None
