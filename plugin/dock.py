"""The Sea Ice Mapper panel (filled by the dock issue; here only its frame)."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget


class SeaIceMapperDock(QDockWidget):
    def __init__(self, parent=None):
        super().__init__("Sea Ice Mapper", parent)
        self.setObjectName("SeaIceMapperDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel("Pick a scene to chart sea ice (coming soon)."))
        layout.addStretch(1)
        self.setWidget(body)
