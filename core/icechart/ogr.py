"""pyogrio, imported without the warning of its optional pyproj import.

pyogrio imports pyproj only for GeoDataFrames, which we never use; a distribution's pyproj seen
from a virtual environment cannot find its data folder and warns on import. The warning says
nothing about our work, so it is silenced here, once, for every module that reads or writes
vector files.
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Valid PROJ data directory not found")
    import pyogrio
    import pyogrio.raw

__all__ = ["pyogrio"]
