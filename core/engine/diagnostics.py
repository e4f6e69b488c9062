"""What the engine runs on, for the dock's Diagnostics report (``python -m core diagnostics``)."""

from __future__ import annotations

import importlib
import platform
import sys
from pathlib import Path
from typing import Any

from ..about import about

# Import names of the engine's packages, in the order the report lists them.
PACKAGES = (
    "torch",
    "numpy",
    "netCDF4",
    "rasterio",
    "safetensors",
    "shapely",
    "pyogrio",
    "pandas",
    "xarray",
)


def _version(module: str) -> str:
    try:
        return str(getattr(importlib.import_module(module), "__version__", "installed"))
    except ImportError:
        return "MISSING"
    except Exception as error:  # a report must not fail on a broken package
        return f"not importable ({type(error).__name__}: {error})"


def _devices() -> dict[str, Any]:
    try:
        import torch
    except ImportError:
        return {"CUDA available": False, "GPUs": "none (torch missing)"}
    gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return {
        "CUDA available": bool(torch.cuda.is_available()),
        "torch built with CUDA": torch.version.cuda or "none",
        "GPUs": ", ".join(gpus) or "none",
    }


def engine_report() -> dict[str, Any]:
    """Flat name -> value pairs: the engine's Python, packages, devices and code."""
    report: dict[str, Any] = {
        "Engine Python": f"{sys.version.split()[0]} ({sys.executable})",
        "Platform": platform.platform(),
        "Sea Ice Mapper engine": f"{about().version} in {Path(__file__).resolve().parents[1]}",
    }
    report.update({module: _version(module) for module in PACKAGES})
    report.update(_devices())
    return report
