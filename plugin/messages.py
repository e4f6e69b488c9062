"""The engine's messages worded for the QGIS panel: no command-line flags, no byte reprs, no raw
HDF/netCDF error codes. The engine's own wording stays for the command line."""

from __future__ import annotations

import re
from pathlib import Path

from qgis.core import Qgis

_BYTES = r"b(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_RULES = (
    # "x already exists; pass overwrite (--overwrite, or tick ...) to replace it, or choose ..."
    (re.compile(r";\s*pass overwrite \([^)]*\)[^.]*\."), ". Tick Overwrite to replace it."),
    (re.compile(r"\s*\(it starts with " + _BYTES + r"\)"), ""),
    (re.compile(r"\s*\((?:\[Errno -?\d+\]\s*)?NetCDF: [^)]*\)"), ""),
    (re.compile(r":?\s*(?:\[Errno -?\d+\]\s*)?NetCDF: [^.;]*"), ""),
    (re.compile(r"\[Errno -?\d+\]\s*"), ""),
    (re.compile(r"\s*\((?:pass |use |with |give )?(?:e\.g\. )?--[a-z][^)]*\)"), ""),
    (re.compile(r"(?:pass |use |give )(?:e\.g\. )?--([a-z-]+)(?: [^ ,;.]+)?"), r"set \1"),
)
_EXISTS = re.compile(r"^(?P<path>.+?) already exists")
LEVELS = {
    "info": Qgis.MessageLevel.Info,
    "warning": Qgis.MessageLevel.Warning,
    "critical": Qgis.MessageLevel.Critical,
}


def for_gui(message: str) -> str:
    """``message`` without the command line's flags and the libraries' raw codes."""
    text = message
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = re.sub(_BYTES, lambda m: m.group(0)[2:-1], text)  # any other bytes: their text
    return re.sub(r"\s{2,}", " ", text).strip()


def existing_output(message: str, error_type: str | None) -> Path | None:
    """The path an ``OutputExistsError`` names, if that is what the engine said."""
    if error_type != "OutputExistsError":
        return None
    found = _EXISTS.match(message)
    return Path(found.group("path")) if found else None


def qgis_level(level: str):
    return LEVELS.get(level, Qgis.MessageLevel.Warning)
