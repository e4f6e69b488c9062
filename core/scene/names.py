"""Scene names: ``<YYYYmmddTHHMMSS>_<cis|dmi>_prep.nc`` and its ``_prep_reference.nc`` labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

TIME_PATTERN = re.compile(r"(\d{8}T\d{6})")
# "safe" marks a scene prepared from a Sentinel-1 product without an ice service's chart.
NAME_PATTERN = re.compile(r"^(?P<time>\d{8}T\d{6})_(?P<service>cis|dmi|safe)(?:_prep)?", re.I)


@dataclass(frozen=True)
class SceneId:
    time: datetime  # acquisition start (UTC)
    ice_service: str  # "cis" or "dmi"

    @property
    def name(self) -> str:
        """The 19-character scene name of submissions, e.g. ``20180707T113313_cis``."""
        return f"{self.time:%Y%m%dT%H%M%S}_{self.ice_service}"

    @property
    def prep_file(self) -> str:
        return f"{self.name}_prep.nc"

    @property
    def reference_file(self) -> str:
        return f"{self.name}_prep_reference.nc"


def parse_time(text: str) -> datetime:
    match = TIME_PATTERN.search(text)
    if match is None:
        raise ValueError(f"no YYYYmmddTHHMMSS time in {text!r}")
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)


def parse_scene_id(text: str) -> SceneId:
    """Scene id from a ready-to-train file name or ``scene_id`` attribute."""
    match = NAME_PATTERN.match(Path(text).name)
    if match is None:
        raise ValueError(
            f"{text!r} is not an AI4Arctic ready-to-train name; expected "
            "'<YYYYmmddTHHMMSS>_<cis|dmi>_prep.nc', e.g. '20180707T113313_cis_prep.nc'"
        )
    return SceneId(parse_time(match.group("time")), match.group("service").lower())


def reference_path(prep_path: str | Path) -> Path:
    """Where the separate test labels of a prep file live (``..._prep_reference.nc``)."""
    path = Path(prep_path)
    return path.with_name(path.name.replace("_prep.nc", "_prep_reference.nc"))


RAW_PATTERN = re.compile(
    r"^S1[AB]_EW_GRDM_1SDH_(?P<time>\d{8}T\d{6})_.*_icechart_(?P<service>cis|dmi)_", re.I
)


def prep_name(name: str) -> str:
    """The ready-to-train file name of a raw AI4Arctic name (as in the official datalists),
    or ``name`` itself when it is already a ready-to-train name."""
    match = RAW_PATTERN.match(Path(name).name)
    if match is None:
        return name
    return f"{match.group('time')}_{match.group('service').lower()}_prep.nc"
