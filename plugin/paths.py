"""Paths of the plugin's own files, whatever folder QGIS installed it in."""

from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON_PATH = PLUGIN_DIR / "resources" / "icon.svg"
