"""Processing provider: every run of the plugin can also be scripted with processing.run."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import (
    CompareAlgorithm,
    DraftChartAlgorithm,
    PredictAlgorithm,
    StyleChartAlgorithm,
)
from .paths import ICON_PATH


class SeaIceMapperProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "seaicemapper"

    def name(self) -> str:
        return "Sea Ice Mapper"

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS API name)
        algorithms = (
            PredictAlgorithm(),
            StyleChartAlgorithm(),
            DraftChartAlgorithm(),
            CompareAlgorithm(),
        )
        for algorithm in algorithms:
            self.addAlgorithm(algorithm)
