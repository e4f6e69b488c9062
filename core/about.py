"""Name and version of the project, read from ``metadata.txt`` (the single source)."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

METADATA_PATH = Path(__file__).resolve().parent.parent / "metadata.txt"


@dataclass(frozen=True)
class About:
    name: str
    version: str
    qgis_minimum_version: str
    repository: str


@lru_cache(maxsize=1)
def about(path: Path = METADATA_PATH) -> About:
    """Parse the plugin's ``metadata.txt``; raises ``FileNotFoundError`` if it is missing."""
    # interpolation=None: metadata text may contain '%' (e.g. "0-100 %").
    parser = configparser.ConfigParser(interpolation=None)
    with open(path, encoding="utf-8") as handle:
        parser.read_file(handle)
    general = parser["general"]
    return About(
        name=general["name"],
        version=general["version"],
        qgis_minimum_version=general["qgisMinimumVersion"],
        repository=general["repository"],
    )
