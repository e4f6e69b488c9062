"""Failures shown to a user: one line each, printable on any terminal, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import SeaIceMapperError


def shown(path: Path) -> str:
    """A path printable on any terminal: undecodable bytes of a name shown as escapes."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def describe_failure(error: BaseException) -> str:
    """One line for the batch summary: our own messages as they are, anything else named."""
    if isinstance(error, SeaIceMapperError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f" ({shown(Path(os.fsdecode(error.filename)))})" if error.filename else ""
        return f"cannot read or write a file: {error.strerror}{where}"
    if isinstance(error, MemoryError):
        return "not enough memory for this scene"
    text = str(error).encode("utf-8", "backslashreplace").decode("utf-8")[:300]
    return f"unexpected {type(error).__name__}: {text} (please report this as a bug)"
