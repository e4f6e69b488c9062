"""A one-page map of a run, laid out and rendered by QGIS: SAR beside SIC, SOD and FLOE.

Each prediction panel draws over the SAR image (land and no-data stay grey radar), with a
legend of its classes below it, so the page reads like the ice charts analysts know.
"""

from __future__ import annotations

from pathlib import Path

from osgeo import gdal
from qgis.core import (
    QgsLayerTreeGroup,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsMapLayer,
    QgsMapLayerLegendUtils,
    QgsPrintLayout,
    QgsProject,
    QgsSimpleLegendNode,
    QgsUnitTypes,
)
from qgis.PyQt.QtGui import QFont

MM = QgsUnitTypes.LayoutUnit.LayoutMillimeters

# Rows of (layer file stem, panel title); the first panel of a row is the radar image alone.
PREDICTED = (
    ("sar_hh", "SAR HH [dB]"),
    ("sic", "Predicted concentration"),
    ("sod", "Predicted stage of development"),
    ("floe", "Predicted floe size"),
)
CHART = (
    ("sar_hv", "SAR HV [dB]"),
    ("chart_sic", "Ice chart concentration"),
    ("chart_sod", "Ice chart stage of development"),
    ("chart_floe", "Ice chart floe size"),
)
PAGE_WIDTH_MM = 297.0  # A4 landscape width; the height follows the rows
MARGIN_MM = 8.0
GAP_MM = 4.0
TITLE_MM = 20.0  # title and subtitle band, then per row a panel title band
PANEL_TITLE_MM = 7.0
LEGEND_MM = 45.0  # the longest legend (FLOE, 7 classes) at 7 pt


class MapSheetError(RuntimeError):
    pass


def _layers_by_stem(group: QgsLayerTreeGroup) -> dict[str, QgsMapLayer]:
    found = {}
    for node in group.findLayers():
        layer = node.layer()
        if layer is not None:
            found[Path(layer.source()).stem] = layer
    return found


def _label(layout: QgsPrintLayout, text: str, x: float, y: float, width: float, size: int) -> None:
    label = QgsLayoutItemLabel(layout)
    label.setText(text)
    font = QFont()
    font.setPointSize(size)
    font.setBold(size > 10)
    label.setFont(font)
    layout.addLayoutItem(label)
    label.attemptMove(QgsLayoutPoint(x, y, MM))
    label.attemptResize(QgsLayoutSize(width, size * 0.6, MM))


def _legend(layout: QgsPrintLayout, layer: QgsMapLayer, x: float, y: float) -> None:
    legend = QgsLayoutItemLegend(layout)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.clear()
    node = root.addLayer(layer)
    QgsLegendRenderer.setNodeLegendStyle(node, QgsLegendStyle.Style.Hidden)  # the panel has a title
    entries = legend.model().layerLegendNodes(node)
    if entries and isinstance(entries[0], QgsSimpleLegendNode):  # "Band 1: …" above the classes
        QgsMapLayerLegendUtils.setLegendNodeOrder(node, list(range(1, len(entries))))
        legend.model().refreshLayerLegend(node)
    legend.setSymbolWidth(4.0)
    legend.setSymbolHeight(3.0)
    font = legend.style(QgsLegendStyle.Style.SymbolLabel).font()
    font.setPointSize(7)
    legend.rstyle(QgsLegendStyle.Style.SymbolLabel).setFont(font)
    legend.setBackgroundEnabled(False)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(x, y, MM))


SERVICES = {"cis": "Canadian Ice Service", "dmi": "Danish Meteorological Institute"}


def sheet_title(record: dict) -> tuple[str, str]:
    """(title, subtitle) of a run's sheet: scene and date; ice service, model, device."""
    when = str(record.get("scene_time", ""))[:16].replace("T", " ")
    service = SERVICES.get(str(record.get("ice_service", "")).lower(), record.get("ice_service"))
    model = record.get("model", {})
    title = f"Sea ice chart {record['scene']}" + (f" — {when} UTC" if when else "")
    parts = [
        f"Scene's ice chart: {service}" if service else "",
        f"model {str(model.get('sha256', ''))[:8]}",
        str(model.get("summary", "")).split(";")[1].strip()
        if ";" in str(model.get("summary"))
        else "",
        f"Sea Ice Mapper {record.get('version', '')}".strip(),
    ]
    return title, " · ".join(part for part in parts if part)


def map_sheet(
    project: QgsProject, group: QgsLayerTreeGroup, title: str, subtitle: str = ""
) -> QgsPrintLayout:
    """A print layout of the run in ``group``, added to ``project``'s layout manager.

    One row of predictions and, when the scene carries its ice chart, one row of the chart
    below it, sharing the legends at the bottom.
    """
    layers = _layers_by_stem(group)
    missing = [stem for stem, _ in PREDICTED if stem not in layers]
    if missing:
        raise MapSheetError(
            f"the run group {group.name()!r} lacks the layer(s) {', '.join(missing)}; a map "
            "sheet needs the SAR HH image and the SIC, SOD and FLOE predictions."
        )
    rows = [PREDICTED] + ([CHART] if all(stem in layers for stem, _ in CHART) else [])
    columns = len(PREDICTED)
    width = (PAGE_WIDTH_MM - 2 * MARGIN_MM - (columns - 1) * GAP_MM) / columns
    row_height = PANEL_TITLE_MM + width + GAP_MM
    height = MARGIN_MM + TITLE_MM + len(rows) * row_height + LEGEND_MM + MARGIN_MM
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(title)
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(PAGE_WIDTH_MM, height, MM))
    _label(layout, title, MARGIN_MM, MARGIN_MM, PAGE_WIDTH_MM - 2 * MARGIN_MM, 14)
    if subtitle:
        _label(layout, subtitle, MARGIN_MM, MARGIN_MM + 9, PAGE_WIDTH_MM - 2 * MARGIN_MM, 8)
    extent, crs = layers["sic"].extent(), layers["sic"].crs()
    for row_index, row in enumerate(rows):
        top = MARGIN_MM + TITLE_MM + row_index * row_height
        radar = layers[row[0][0]]
        for index, (stem, panel_title) in enumerate(row):
            x = MARGIN_MM + index * (width + GAP_MM)
            _label(layout, panel_title, x, top, width, 9)
            item = QgsLayoutItemMap(layout)
            item.setCrs(crs)
            item.setLayers([radar] if index == 0 else [layers[stem], radar])
            item.setKeepLayerSet(True)
            item.setFrameEnabled(True)
            layout.addLayoutItem(item)
            # Size before position: a map item moved while it has no size loses its extent.
            item.attemptResize(QgsLayoutSize(width, width, MM))
            position = QgsLayoutPoint(x, top + PANEL_TITLE_MM, MM)
            item.attemptMove(position)
            item.zoomToExtent(extent)
            if item.extent().isEmpty():
                raise MapSheetError(f"QGIS could not place the {stem} map on the sheet.")
    legend_top = MARGIN_MM + TITLE_MM + len(rows) * row_height
    for index, (stem, _) in enumerate(PREDICTED[1:], start=1):
        _legend(layout, layers[stem], MARGIN_MM + index * (width + GAP_MM), legend_top)
    project.layoutManager().addLayout(layout)
    return layout


def export_pdf(layout: QgsPrintLayout, path: Path) -> Path:
    settings = QgsLayoutExporter.PdfExportSettings()
    result = QgsLayoutExporter(layout).exportToPdf(str(path), settings)
    if result != QgsLayoutExporter.ExportResult.Success:
        raise MapSheetError(f"QGIS could not export the map sheet to {path} (code {result}).")
    return path


def export_png(layout: QgsPrintLayout, path: Path, dpi: int = 150) -> Path:
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    # QGIS tries to georeference the PNG in place, which GDAL's PNG driver cannot: silence it.
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        result = QgsLayoutExporter(layout).exportToImage(str(path), settings)
    finally:
        gdal.PopErrorHandler()
    if result != QgsLayoutExporter.ExportResult.Success:
        raise MapSheetError(f"QGIS could not export the map sheet to {path} (code {result}).")
    return path
