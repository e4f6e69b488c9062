"""What the engine (``python -m core``) needs beyond the standard library, in one table.

The table drives the engine installer (plugin/engine_setup.py), the check of an engine Python
(``python -m core.requirements``), requirements.txt and docs/install.md; tests keep them equal
and fail when a module in core/ imports a package the table lacks.

Pure Python on purpose: the QGIS plugin imports this module inside QGIS's own process, where
none of these packages may be loaded.

    python -m core.requirements                  # JSON: versions found, what is missing or
    python -m core.requirements "pkg>=1.0" ...   # too old (exit 1 if any); or other specs
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Requirement:
    module: str  # the name imported in core/
    package: str  # the name pip installs
    minimum: str  # the oldest release whose API core/ relies on
    why: str
    optional: bool = False  # the engine runs without it, with a feature fewer

    @property
    def pip_spec(self) -> str:
        return f"{self.package}>={self.minimum}"


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("torch", "torch", "2.2", "the U-Net: model and inference, on CPU or CUDA"),
    Requirement("numpy", "numpy", "1.24", "arrays: scenes, predictions, scores"),
    Requirement("netCDF4", "netCDF4", "1.6.5", "reads and writes AI4Arctic scenes (netCDF/HDF5)"),
    Requirement(
        "rasterio", "rasterio", "1.3.9", "GeoTIFF outputs, GCP warping, rasterising charts"
    ),
    Requirement("affine", "affine", "2.4", "the georeferencing transforms of rasters"),
    Requirement("safetensors", "safetensors", "0.4", "model weights without pickle"),
    Requirement(
        "shapely", "shapely", "2.0.2", "draft-chart polygons; smoothing needs its GEOS >= 3.12"
    ),
    Requirement("pyogrio", "pyogrio", "0.7.2", "reads and writes SIGRID-3 shapefiles/GeoPackages"),
    Requirement("pandas", "pandas", "1.5", "parses SIGRID-3 egg-code attribute columns"),
    Requirement(
        "global_land_mask",
        "global-land-mask",
        "1.0",
        "offline land mask: distance to land of Sentinel-1 products",
    ),
    Requirement(
        "matplotlib", "matplotlib", "3.7", "PNG figures of a comparison report", optional=True
    ),
)


def requirements_hash() -> str:
    """Changes whenever the table does: a managed engine stamped with another hash is outdated."""
    text = "\n".join(
        f"{r.package}>={r.minimum}{' optional' if r.optional else ''}" for r in REQUIREMENTS
    )
    return hashlib.sha256(text.encode()).hexdigest()


def version_tuple(version: str) -> tuple[int, ...]:
    """The release numbers of a version string: "2.13.0+cpu" → (2, 13, 0), "1.7.5.1.post1" →
    (1, 7, 5, 1). Enough to compare against a minimum without the ``packaging`` library."""
    match = re.match(r"\d+(\.\d+)*", version.strip())
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


@dataclass(frozen=True)
class Found:
    requirement: Requirement
    version: str | None  # None: not installed

    @property
    def ok(self) -> bool:
        return self.version is not None and version_tuple(self.version) >= version_tuple(
            self.requirement.minimum
        )


def parse_spec(spec: str) -> Requirement:
    """A requirement from "package>=minimum" (or a bare "package": any version)."""
    package, _, minimum = spec.partition(">=")
    return Requirement(package.strip(), package.strip(), minimum.strip() or "0", "asked for")


def check(requirements: tuple[Requirement, ...] = REQUIREMENTS) -> list[Found]:
    """The installed version of each requirement in this Python, read from package metadata
    (nothing is imported, so the check is fast and safe inside QGIS too)."""
    found = []
    for requirement in requirements:
        try:
            version: str | None = importlib.metadata.version(requirement.package)
        except importlib.metadata.PackageNotFoundError:
            version = None
        found.append(Found(requirement, version))
    return found


def problems(found: list[Found]) -> list[str]:
    """One line per required package that is missing or too old, saying what to install."""
    lines = []
    for item in found:
        if item.ok or item.requirement.optional:
            continue
        spec = item.requirement.pip_spec
        if item.version is None:
            lines.append(f"{item.requirement.package} is not installed (needs {spec})")
        else:
            lines.append(f"{item.requirement.package} {item.version} is too old (needs {spec})")
    return lines


def main(argv: list[str] | None = None) -> int:
    specs = sys.argv[1:] if argv is None else argv
    found = check(tuple(parse_spec(spec) for spec in specs) if specs else REQUIREMENTS)
    report = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "requirements_hash": requirements_hash(),
        "found": {item.requirement.package: item.version for item in found},
        "problems": problems(found),
    }
    print(json.dumps(report))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
