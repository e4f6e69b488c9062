"""The plugin object QGIS creates through ``classFactory``: actions, dock and provider."""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon

try:  # Qt6 (QGIS 4) moved QAction to QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5 (QGIS 3)
    from qgis.PyQt.QtWidgets import QAction

from ..core.about import about
from .dock import SeaIceMapperDock
from .paths import ICON_PATH
from .provider import SeaIceMapperProvider


class SeaIceMapperPlugin:
    """Owns everything the plugin adds to QGIS, so that ``unload()`` can remove all of it."""

    def __init__(self, iface):
        self.iface = iface
        self.menu = f"&{about().name}"
        self.action: QAction | None = None
        self.dock: SeaIceMapperDock | None = None
        self.provider: SeaIceMapperProvider | None = None

    def initProcessing(self) -> None:  # noqa: N802 (QGIS API name)
        if self.provider is not None:  # initGui() after a processing-only start
            return
        self.provider = SeaIceMapperProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS API name)
        self.initProcessing()
        self.action = QAction(QIcon(str(ICON_PATH)), about().name, self.iface.mainWindow())
        self.action.setObjectName("seaIceMapperShowDock")
        self.action.setToolTip("Show the Sea Ice Mapper panel")
        self.action.triggered.connect(self.show_dock)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToRasterMenu(self.menu, self.action)

    def show_dock(self) -> None:
        if self.dock is None:
            self.dock = SeaIceMapperDock(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.show()
        self.dock.raise_()

    def unload(self) -> None:
        if self.action is not None:
            self.iface.removePluginRasterMenu(self.menu, self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.dock is not None:
            self.dock.stop_all()  # running engine processes stop and write nothing
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
