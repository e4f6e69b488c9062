"""What the plugin needs beyond QGIS, what is missing, and a report to paste into an issue.

The plugin loads without any of these; the first run checks them and says exactly what to
install, with the command for the Python this QGIS runs in.
"""

from __future__ import annotations

import importlib
import importlib.util
import platform
import sys
import sysconfig
from pathlib import Path

from ..core.native import clashing_system_library, library_clashes, mixed_libraries

# module name -> pip package name
REQUIRED = {
    "torch": "torch",
    "numpy": "numpy",
    "netCDF4": "netCDF4",
    "rasterio": "rasterio",
    "safetensors": "safetensors",
    "shapely": "shapely",
    "pyogrio": "pyogrio",
}
# Built from source where the program shares older system libraries than the wheels bundle:
# the Debian packages they need, and the pins of requirements.txt (a test keeps them equal).
SOURCE_BUILDS = {
    "netCDF4": ("libnetcdf-dev libhdf5-dev", "netCDF4==1.6.5"),
    "shapely": ("libgeos-dev", "shapely==2.2.0"),
}


def missing_modules() -> list[str]:
    return [module for module in REQUIRED if importlib.util.find_spec(module) is None]


def qgis_python() -> str:
    """The Python interpreter of this QGIS (``sys.executable`` is QGIS itself inside it)."""
    executable = Path(sys.executable)
    if executable.name.lower().startswith("python"):
        return str(executable)
    prefix = Path(sys.exec_prefix)
    candidates = [prefix / "python.exe", prefix / "bin" / "python3", prefix / "bin" / "python"]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    return "python3"


def pip_command(packages: list[str]) -> str:
    """``pip install`` into this QGIS's Python, building from source what must be."""
    built = [m for m in packages if m in SOURCE_BUILDS and clashing_system_library(m)]
    words = [f'"{qgis_python()}" -m pip install --user']
    if (Path(sysconfig.get_path("stdlib")) / "EXTERNALLY-MANAGED").exists():
        words.append("--break-system-packages")  # PEP 668 Pythons; --user keeps it per user
    if built:
        words.append(f"--no-binary {','.join(built)}")
    # numpy<2: QGIS's own compiled modules (GDAL, SciPy) are built against numpy 1.
    words.append('"numpy<2"')
    words += [f'"{SOURCE_BUILDS[m][1]}"' if m in built else f'"{REQUIRED[m]}"' for m in packages]
    command = " ".join(words)
    if built:
        dev = " ".join(SOURCE_BUILDS[m][0] for m in built)
        command = f"sudo apt install {dev}   (Debian/Ubuntu; or your distribution's)\n{command}"
    return command


def missing_message(missing: list[str]) -> str:
    return (
        f"Sea Ice Mapper needs {', '.join(missing)}, which this QGIS's Python cannot import. "
        f"Install them (then restart QGIS) with:\n{pip_command(missing)}\n"
        "On Windows run it in the OSGeo4W Shell; torch's site (pytorch.org) gives the command "
        "for a CUDA build."
    )


def clash_message() -> str | None:
    """Wheels that would crash or corrupt this QGIS, and how to replace them; None if none."""
    clashes = library_clashes()
    if not clashes:
        return None
    lines = [
        f"{c.module} in {c.libs.parent} is a pip wheel with its own libraries, but this QGIS "
        f"already runs the system's {c.system}: {c.effect}."
        for c in clashes
    ]
    modules = [c.module for c in clashes]
    uninstall = f'"{qgis_python()}" -m pip uninstall -y {" ".join(modules)}'
    return "\n".join([*lines, "Replace them, then restart QGIS:", uninstall, pip_command(modules)])


def dependency_problem() -> str | None:
    """What stops a run before anything is imported: missing packages, or wheels whose import
    would crash or corrupt this QGIS. None when the plugin can run."""
    missing = missing_modules()
    return missing_message(missing) if missing else clash_message()


def _version(module: str) -> str:
    if module in {c.module for c in library_clashes()}:
        return "NOT IMPORTED: a pip wheel whose libraries clash with this QGIS's (see below)"
    try:
        return str(getattr(importlib.import_module(module), "__version__", "installed"))
    except Exception as error:  # a report must not fail on a broken package
        return f"not importable ({type(error).__name__}: {error})"


def diagnostics() -> str:
    """A Markdown report of versions, devices and paths."""
    from qgis.core import Qgis

    lines = [
        "## Sea Ice Mapper diagnostics",
        "",
        f"- QGIS: {Qgis.version()}",
        f"- Python: {sys.version.split()[0]} ({qgis_python()})",
        f"- Platform: {platform.platform()}",
    ]
    for module in REQUIRED:
        found = importlib.util.find_spec(module) is not None
        lines.append(f"- {module}: {_version(module) if found else 'MISSING'}")
    if importlib.util.find_spec("torch") is not None:
        try:
            import torch

            cuda = torch.cuda.is_available()
            gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
            lines += [
                f"- CUDA available: {cuda} (torch built with CUDA {torch.version.cuda or 'none'})",
                f"- GPUs: {', '.join(gpus) or 'none'}",
            ]
        except Exception as error:  # likewise
            lines.append(f"- torch failed: {error}")
    from ..core.about import about

    lines += [f"- Sea Ice Mapper: {about().version} in {Path(__file__).resolve().parent.parent}"]
    lines += [f"- Bundled library shadowed by QGIS's: {mixed}" for mixed in mixed_libraries()]
    problem = dependency_problem()
    if problem:
        lines += ["", "Problem:", "", problem]
    return "\n".join(lines) + "\n"
