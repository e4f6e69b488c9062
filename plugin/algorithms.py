"""Processing algorithms: the dock's prediction and the SIGRID-3 styling, scriptable.

Usable from ``processing.run("seaicemapper:predict", {...})`` and from the command line with
``qgis_process run seaicemapper:predict -- INPUT=scene.nc OUTPUT_FOLDER=out``. Each runs the
engine (``python -m core --json ...``) as a separate process, as GDAL's and GRASS's do.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputFolder,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorLayer,
)

from ..core.draft.params import DEFAULT_MIN_AREA_KM2, DraftParams
from ..core.engine.arguments import chart_arguments, compare_arguments, predict_arguments
from ..core.icechart.classes import CHART_NAMES
from ..core.output.contract import DRAFT_LAYER, read_record
from ..core.predict.params import PredictParams
from .engine import run_engine
from .layers import STYLES, apply_style
from .settings import DEVICES

# The stored style of a chart GeoPackage shown first for each "Colour by" choice.
STORED_STYLE = {"SIC": "SIC (WMO)", "SOD": "SOD (WMO)", "FLOE": "FLOE"}


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Styles a layer Processing loads on completion (it loads them without their style):
    a raster by its ``.qml`` sidecar, a chart GeoPackage by its stored styles, all of which
    the layer's style menu then offers."""

    # QGIS holds post-processors by raw pointer: keep each Python object alive (they are tiny).
    _alive: ClassVar[list] = []

    def __init__(self, qml: Path | None = None, stored: str | None = None) -> None:
        super().__init__()
        self.qml, self.stored = qml, stored
        StyleOnLoad._alive.append(self)

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802 (QGIS API)
        from .layers import offer_stored_styles

        stored = hasattr(layer, "listStylesInDatabase")
        if not (stored and offer_stored_styles(layer, self.stored)) and self.qml is not None:
            apply_style(layer, self.qml)
        layer.triggerRepaint()


def _make_default(gpkg: Path, style: str) -> None:
    """Make ``style`` the default of the styles stored in ``gpkg`` (the engine stores SIC
    first). Plain SQLite: a QGIS layer's ``saveStyleToDatabase`` waits forever on the file's
    lock in QGIS 3.22."""
    import sqlite3

    with sqlite3.connect(gpkg) as db:
        db.execute("UPDATE layer_styles SET useAsDefault = (styleName = ?)", (style,))
    db.close()


def _load_styled(context, path: str, name: str, output: str, post: StyleOnLoad) -> None:
    details = QgsProcessingContext.LayerDetails(name, context.project(), output)
    details.setPostProcessor(post)
    context.addLayerToLoadOnCompletion(path, details)


class _Algorithm(QgsProcessingAlgorithm):
    def group(self) -> str:
        return "Sea ice charts"

    def groupId(self) -> str:  # noqa: N802 (QGIS API name)
        return "seaicecharts"

    def createInstance(self):  # noqa: N802 (QGIS API name)
        return type(self)()

    @staticmethod
    def _engine(command: str, args: list[str], feedback) -> dict:
        """Run the engine with the algorithm's progress and cancel; its result, or raise."""

        def on_event(event: dict) -> None:
            if event.get("event") == "stage":
                feedback.setProgressText(str(event["stage"]))
                feedback.setProgress(100 * float(event["fraction"]))

        outcome = run_engine(command, args, on_event, feedback.isCanceled)
        for warning in outcome.warnings:
            feedback.reportError(warning, fatalError=False)
        if outcome.result is None:
            if outcome.log and (outcome.crashed or outcome.bug):
                feedback.reportError(f"Engine log:\n{outcome.log}", fatalError=False)
            raise QgsProcessingException(outcome.message())
        return outcome.result


class PredictAlgorithm(_Algorithm):
    INPUT, WEIGHTS, DEVICE, CRS, SAR, OVERWRITE = (
        "INPUT",
        "WEIGHTS",
        "DEVICE",
        "CRS",
        "SAR",
        "OVERWRITE",
    )
    OUTPUT_FOLDER, RUN_FOLDER, DEVICE_USED = "OUTPUT_FOLDER", "RUN_FOLDER", "DEVICE_USED"

    def name(self) -> str:
        return "predict"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        return "Predict sea ice charts from scene"

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS API name)
        return (
            "Runs the multi-task U-Net on a scene in the engine process and writes SIC "
            "(percent), SOD and FLOE GeoTIFFs with confidences, SAR HH/HV and the scene's "
            "own chart, styled, into OUTPUT_FOLDER/<scene name>."
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT,
                "Scene (AI4Arctic .nc, or Sentinel-1 .SAFE folder, manifest.safe or .zip)",
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.WEIGHTS,
                "Weight bundle manifest (empty: bundled)",
                extension="json",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.DEVICE, "Device", options=list(DEVICES), defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.CRS, "Output CRS (empty: EPSG:3413)", optional=True)
        )
        self.addParameter(QgsProcessingParameterBoolean(self.SAR, "SAR HH/HV layers", True))
        self.addParameter(QgsProcessingParameterBoolean(self.OVERWRITE, "Overwrite", False))
        self.addParameter(
            QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, "Output folder")
        )
        self.addOutput(QgsProcessingOutputFolder(self.RUN_FOLDER, "Run folder"))
        self.addOutput(QgsProcessingOutputString(self.DEVICE_USED, "Device used"))

    def processAlgorithm(self, parameters, context: QgsProcessingContext, feedback):  # noqa: N802
        scene = self.parameterAsFile(parameters, self.INPUT, context)
        weights = self.parameterAsFile(parameters, self.WEIGHTS, context)
        crs = self.parameterAsCrs(parameters, self.CRS, context)
        params = PredictParams(
            weights=Path(weights) if weights else None,
            device=DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)],
            crs=(crs.authid() or crs.toWkt()) if crs.isValid() else "EPSG:3413",
            sar_layers=self.parameterAsBoolean(parameters, self.SAR, context),
            overwrite=self.parameterAsBoolean(parameters, self.OVERWRITE, context),
        )
        out = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        result = self._engine("predict", predict_arguments([scene], out, params), feedback)
        if result["failed"]:
            raise QgsProcessingException(result["failed"][0]["message"])
        if result["runs"]:
            run = result["runs"][0]
            feedback.pushInfo(f"Ran on {run['device']}; layers in {run['folder']}")
        else:
            run = result["skipped"][0]
            feedback.pushInfo(f"Already done with the same weights and parameters: {run['folder']}")
        folder = Path(run["folder"])
        record = read_record(folder)
        for layer in record["layers"]:
            if layer["kind"] == "prediction":
                style = folder / layer["style"] if layer.get("style") else None
                _load_styled(
                    context,
                    str(folder / layer["file"]),
                    f"{layer['title']} · {record['scene']}",
                    layer["key"],
                    StyleOnLoad(qml=style),
                )
        return {
            self.OUTPUT_FOLDER: out,
            self.RUN_FOLDER: str(folder),
            self.DEVICE_USED: run["device"],
        }


class StyleChartAlgorithm(_Algorithm):
    INPUT, CHART, OUTPUT = "INPUT", "CHART", "OUTPUT"

    def name(self) -> str:
        return "stylechart"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        return "Style SIGRID-3 ice chart"

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS API name)
        return (
            "Decodes the egg codes of a SIGRID-3 polygon layer into the AI4Arctic SIC, SOD "
            "and FLOE classes (SIC_CLASS, SOD_CLASS, FLOE_CLASS) and writes a GeoPackage "
            "styled in the WMO colours of the chosen chart, like the predicted rasters."
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT, "SIGRID-3 ice chart", [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.CHART, "Colour by", options=list(CHART_NAMES), defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, "Styled chart", "GeoPackage (*.gpkg)"
            )
        )

    def processAlgorithm(self, parameters, context: QgsProcessingContext, feedback):  # noqa: N802
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        chart_name = CHART_NAMES[self.parameterAsEnum(parameters, self.CHART, context)]
        out = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        source = layer.source().split("|")[0]
        args = [source, "--out", str(out), "--overwrite"]
        result = self._engine("style-chart", args, feedback)
        feedback.pushInfo(result["summary"])
        style = STYLES / f"sigrid_{chart_name.lower()}.qml"
        _make_default(out, STORED_STYLE[chart_name])  # the file opens in the chosen colours
        out.with_suffix(".qml").write_text(style.read_text(encoding="utf-8"), encoding="utf-8")
        _load_styled(
            context,
            f"{out}|layername=ice_chart",
            f"Ice chart: {layer.name()}",
            self.OUTPUT,
            StyleOnLoad(qml=style, stored=STORED_STYLE[chart_name]),
        )
        return {self.OUTPUT: str(out)}


class DraftChartAlgorithm(_Algorithm):
    INPUT, MIN_AREA, CRS, OUTPUT = "INPUT", "MIN_AREA", "CRS", "OUTPUT"

    def name(self) -> str:
        return "draftchart"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        return "Draft ice chart from prediction"

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS API name)
        return (
            "Turns a prediction run folder into an editable draft ice chart: polygons "
            "homogeneous in SIC, SOD and FLOE (smaller ones merged into their largest "
            "neighbour), boundaries simplified without gaps or overlaps, SIGRID-3 egg codes "
            "(CT, SA, FA, POLY_TYPE), the model's mean confidence and the area. Written as a "
            "GeoPackage styled in WMO colours."
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT, "Prediction run folder", QgsProcessingParameterFile.Behavior.Folder
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_AREA,
                "Minimum polygon area [km²]",
                QgsProcessingParameterNumber.Type.Double,
                defaultValue=DEFAULT_MIN_AREA_KM2,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.CRS, "Output CRS (default: the run's)", optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, "Draft ice chart", "GeoPackage (*.gpkg)"
            )
        )

    def processAlgorithm(self, parameters, context: QgsProcessingContext, feedback):  # noqa: N802
        run = Path(self.parameterAsFile(parameters, self.INPUT, context))
        crs = self.parameterAsCrs(parameters, self.CRS, context)
        out = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        params = DraftParams(
            min_area_km2=self.parameterAsDouble(parameters, self.MIN_AREA, context),
            crs=(crs.authid() or crs.toWkt()) if crs.isValid() else None,
            overwrite=True,  # Processing asks before replacing a chosen destination
        )
        result = self._engine("chart", chart_arguments(run, out, params), feedback)
        feedback.pushInfo(result["summary"])
        _load_styled(
            context,
            f"{out}|layername={DRAFT_LAYER}",
            f"Draft ice chart · {run.name}",
            self.OUTPUT,
            StyleOnLoad(qml=STYLES / "sigrid_sic.qml"),
        )
        return {self.OUTPUT: str(out)}


class CompareAlgorithm(_Algorithm):
    INPUT, CHART, OUTPUT = "INPUT", "CHART", "OUTPUT"

    def name(self) -> str:
        return "compare"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        return "Compare prediction with ice chart"

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS API name)
        return (
            "Scores a prediction run against an official SIGRID-3 ice chart (any CRS; "
            "rasterised onto the prediction grid, each cell taking the polygon containing its "
            "centre) or, without a chart, against the scene's own chart: R² on SIC, weighted "
            "F1 on SOD and FLOE, the combined AutoICE score, per-class precision and recall. "
            "Writes difference rasters, per-polygon agreement and report.md."
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT, "Prediction run folder", QgsProcessingParameterFile.Behavior.Folder
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.CHART,
                "SIGRID-3 ice chart (empty: the scene's own chart)",
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT, "Comparison folder"))
        self.addOutput(QgsProcessingOutputString("SCORES", "Scores"))

    def processAlgorithm(self, parameters, context: QgsProcessingContext, feedback):  # noqa: N802
        run = Path(self.parameterAsFile(parameters, self.INPUT, context))
        layer = self.parameterAsVectorLayer(parameters, self.CHART, context)
        chart = Path(layer.source().split("|")[0]) if layer is not None else None
        out = Path(self.parameterAsString(parameters, self.OUTPUT, context))
        result = self._engine("compare", compare_arguments(run, chart, out, True), feedback)
        feedback.pushInfo(result["summary"])
        return {self.OUTPUT: result["folder"], "SCORES": result["summary"]}
