"""A missing or unreadable ancillary file gets one clear message naming it, for both readers."""

from datetime import datetime, timezone

import numpy as np
import pytest

from core.ancillary.amsr2 import read_amsr2
from core.ancillary.era5 import read_era5
from core.errors import SceneFormatError

WHEN = datetime(2022, 11, 30, 1, 43, tzinfo=timezone.utc)
LAT, LON = np.full((2, 2), 80.0), np.full((2, 2), 100.0)
READERS = {
    "AMSR2": lambda path: read_amsr2(path, WHEN, LAT, LON, "EPSG:3413"),
    "ERA5": lambda path: read_era5(path, WHEN, LAT, LON, 0.0),
}


@pytest.mark.parametrize("kind", READERS)
def test_a_missing_file_is_named(kind, tmp_path):
    with pytest.raises(SceneFormatError, match=f"{kind} file .*absent.nc.* does not exist"):
        READERS[kind](tmp_path / "absent.nc")


@pytest.mark.parametrize("kind", READERS)
def test_a_file_that_is_not_netcdf_is_refused(kind, tmp_path):
    path = tmp_path / "notes.nc"
    path.write_text("not a netCDF file")
    unreadable = r"notes\.nc is not a readable netCDF/HDF5 file"
    with pytest.raises(SceneFormatError, match=unreadable) as e:
        READERS[kind](path)
    assert ("JAXA G-Portal" in str(e.value)) == (kind == "AMSR2")
