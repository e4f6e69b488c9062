"""QGIS 4 (Qt6) readiness of plugin/, checked statically: no Debian suite ships a Qt6 QGIS yet.

PyQt6 drops the unscoped enum aliases (``Qt.RightDockWidgetArea``, ``Qgis.Critical``); the
scoped forms (``Qt.DockWidgetArea.RightDockWidgetArea``, ``Qgis.MessageLevel.Critical``) work
on QGIS 3.22 too, and the tests in tests/qgis run them there.
"""

from __future__ import annotations

import configparser
import re

import pytest

from repo_paths import REPO_ROOT

PLUGIN = REPO_ROOT / "plugin"
# Unscoped forms of the enums QGIS and Qt plugins use most, each with its scoped spelling.
UNSCOPED = {
    r"\bQgis\.(Info|Warning|Critical|Success|NoLevel)\b": "Qgis.MessageLevel.X",
    r"\bQt\.(Left|Right|Top|Bottom|All|No)DockWidgetAreas?\b": "Qt.DockWidgetArea.X",
    r"\bQt\.(Align\w+|Checked|Unchecked|UserRole|DisplayRole|WaitCursor|Horizontal|Vertical)\b": (
        "Qt.AlignmentFlag.X, Qt.CheckState.X, Qt.ItemDataRole.X, ..."
    ),
    r"\bQgsUnitTypes\.Layout(Millimeters|Centimeters|Meters|Inches|Feet|Points|Picas|Pixels)\b": (
        "QgsUnitTypes.LayoutUnit.X"
    ),
    r"\bQgsProcessing\.Type\w+": "QgsProcessing.SourceType.X",
    r"\bQgsProcessingParameterFile\.(File|Folder)\b": "QgsProcessingParameterFile.Behavior.X",
    r"\bQgsProcessingParameterNumber\.(Integer|Double)\b": "QgsProcessingParameterNumber.Type.X",
    r"\bQgsLegendStyle\.(Undefined|Hidden|Title|Group|Subgroup|Symbol|SymbolLabel)\b": (
        "QgsLegendStyle.Style.X"
    ),
    r"\bQgsTask\.(CanCancel|CancelWithoutPrompt|Hidden|Silent|AllFlags)\b": "QgsTask.Flag.X",
    r"\bQgsLayoutExporter\.(Success|Canceled|MemoryError|FileError|PrintError)\b": (
        "QgsLayoutExporter.ExportResult.X"
    ),
    r"\bQgsFileWidget\.(GetFile|GetDirectory|GetMultipleFiles|SaveFile)\b": (
        "QgsFileWidget.StorageMode.X"
    ),
    r"\bQgsMapLayerProxyModel\.\w+Layer\b": "QgsMapLayerProxyModel.Filter.X",
    r"\bQMessageBox\.(Yes|No|Ok|Cancel)\b": "QMessageBox.StandardButton.X",
}


def plugin_sources() -> list[tuple[str, int, str]]:
    lines = []
    for path in sorted(PLUGIN.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            lines.append((path.name, number, line))
    return lines


@pytest.mark.parametrize("pattern", list(UNSCOPED))
def test_plugin_uses_only_scoped_enums(pattern):
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, number, line in plugin_sources()
        if re.search(pattern, line)
    ]
    assert found == [], f"use {UNSCOPED[pattern]} instead:\n" + "\n".join(found)


def test_the_patterns_catch_the_unscoped_forms():
    samples = [
        "Qgis.Critical",
        "Qt.RightDockWidgetArea",
        "QgsUnitTypes.LayoutMillimeters",
        "QgsProcessing.TypeVectorPolygon",
        "QgsProcessingParameterFile.Folder",
        "QgsLegendStyle.SymbolLabel",
        "QgsTask.CanCancel",
        "QgsLayoutExporter.Success",
        "QgsFileWidget.GetDirectory",
        "QgsMapLayerProxyModel.PolygonLayer",
    ]
    for sample in samples:
        assert any(re.search(p, sample) for p in UNSCOPED), sample
    scoped = [
        "Qgis.MessageLevel.Critical",
        "Qt.DockWidgetArea.RightDockWidgetArea",
        "QgsUnitTypes.LayoutUnit.LayoutMillimeters",
        "QgsProcessing.SourceType.TypeVectorPolygon",
        "QgsLegendStyle.Style.SymbolLabel",
        "QgsMapLayerProxyModel.Filter.PolygonLayer",
    ]
    for sample in scoped:
        assert not any(re.search(p, sample) for p in UNSCOPED), sample


def test_qaction_comes_from_qtgui_with_the_qt5_fallback():
    for name, _, line in plugin_sources():
        if "import QAction" in line or re.search(r"\bQAction\b.*import", line):
            assert name == "main.py", line
    main = (PLUGIN / "main.py").read_text(encoding="utf-8")
    assert re.search(
        r"try:.*\n\s+from qgis\.PyQt\.QtGui import QAction\n"
        r"except ImportError:.*\n\s+from qgis\.PyQt\.QtWidgets import QAction",
        main,
    )


def test_metadata_declares_qt6_support_up_to_qgis_4():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    general = parser["general"]
    assert general["supportsQt6"] == "True"
    assert general["qgisMaximumVersion"] == "4.99"


def test_plugin_imports_qt_only_through_qgis_pyqt():
    direct = [
        f"{name}:{number}"
        for name, number, line in plugin_sources()
        if re.match(r"\s*(from|import) (PyQt5|PyQt6|PySide2|PySide6)\b", line)
    ]
    assert direct == []
