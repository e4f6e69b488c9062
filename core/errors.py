"""Errors of Sea Ice Mapper.

Every error a user can cause derives from ``SeaIceMapperError`` and from the matching builtin,
so callers may catch either (``except SceneFormatError`` or ``except ValueError``). Messages say
what is wrong, what was expected and what to do.
"""


class SeaIceMapperError(Exception):
    """Root of every error this project raises on purpose."""


class SceneError(SeaIceMapperError):
    """A scene file cannot be used."""


class SceneNotFoundError(SceneError, FileNotFoundError):
    """The scene file does not exist."""


class SceneFormatError(SceneError, ValueError):
    """The file exists but is not a usable AI4Arctic ready-to-train scene."""


class ChartError(SeaIceMapperError):
    """An ice chart (SIGRID-3 polygons) cannot be used."""


class ChartNotFoundError(ChartError, FileNotFoundError):
    """The chart file does not exist."""


class ChartFormatError(ChartError, ValueError):
    """The chart file is not a usable SIGRID-3 polygon layer."""


class ModelError(SeaIceMapperError):
    """A weight bundle cannot be used."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """The weight bundle (manifest or tensors) does not exist."""


class ModelFormatError(ModelError, ValueError):
    """The bundle is malformed, tampered with, or does not match what it claims or is asked."""


class DeviceError(SeaIceMapperError, ValueError):
    """The requested compute device is unknown or not available."""


class RunCancelledError(SeaIceMapperError):
    """The user cancelled a run; nothing it was writing has been left behind."""


class RunFolderError(SeaIceMapperError, ValueError):
    """A folder is not a finished prediction run, or its layers do not fit together."""


class OutputExistsError(SeaIceMapperError, FileExistsError):
    """An output exists and overwriting was not asked for."""


class ParamsError(SeaIceMapperError, ValueError):
    """A run parameter or output name is out of range or of the wrong kind."""
