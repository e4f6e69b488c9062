"""A Markdown report to paste into an issue: QGIS's side, then the engine's own answer."""

from __future__ import annotations

import platform
import sys

from qgis.core import Qgis

from ..core.about import about
from .engine import NOT_SET_UP, EngineOutcome
from .engine_env import engine_python
from .paths import PLUGIN_DIR


def diagnostics(engine: EngineOutcome | None) -> str:
    """QGIS, its Python and the plugin; the engine's Python, packages and devices from
    ``python -m core diagnostics`` (``engine``), or why the engine could not answer."""
    lines = [
        "## Sea Ice Mapper diagnostics",
        "",
        f"- QGIS: {Qgis.version()}",
        f"- QGIS Python: {sys.version.split()[0]} ({sys.executable})",
        f"- Platform: {platform.platform()}",
        f"- Sea Ice Mapper: {about().version} in {PLUGIN_DIR}",
        f"- Engine interpreter: {engine_python() or 'not set up'}",
    ]
    if engine is None:
        lines += ["", "Problem:", "", NOT_SET_UP]
    elif engine.result is not None:
        lines += ["", "### Engine", ""]
        lines += [f"- {key}: {value}" for key, value in engine.result.items()]
    else:
        lines += ["", "### Engine", "", f"The engine did not answer: {engine.message()}"]
        if engine.log:
            lines += ["", "```", engine.log, "```"]
    return "\n".join(lines) + "\n"
