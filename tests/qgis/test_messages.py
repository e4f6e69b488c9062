"""The engine's messages as the panel words them: no flags, no byte reprs, no HDF codes."""

import importlib

import pytest


@pytest.fixture()
def messages(plugin_on_path):
    return importlib.import_module(f"{plugin_on_path}.plugin.messages")


@pytest.mark.parametrize(
    ("engine", "panel"),
    [
        (
            "/runs/model_ab/x already exists; pass overwrite (--overwrite, or tick 'Overwrite' in "
            "QGIS) to replace it, or choose another output folder.",
            "/runs/model_ab/x already exists. Tick Overwrite to replace it.",
        ),
        (
            "bad_prep.nc is not a netCDF file (it starts with b'PK\\x03\\x04'). Expected an "
            "AI4Arctic ready-to-train scene (.nc).",
            "bad_prep.nc is not a netCDF file. Expected an AI4Arctic ready-to-train scene (.nc).",
        ),
        (
            "x_prep.nc cannot be opened as netCDF ([Errno -101] NetCDF: HDF error: b'/d/x_prep.nc')"
            "; it is probably truncated or corrupt (1000 bytes). Copy or download it again.",
            "x_prep.nc cannot be opened as netCDF; it is probably truncated or corrupt (1000 "
            "bytes). Copy or download it again.",
        ),
        (
            "Could not read 'nersc_sar_primary' from x.nc: NetCDF: HDF error. The file is "
            "probably truncated or corrupt; download or copy it again.",
            "Could not read 'nersc_sar_primary' from x.nc. The file is probably truncated or "
            "corrupt; download or copy it again.",
        ),
    ],
)
def test_engine_messages_are_worded_for_the_panel(messages, engine, panel):
    assert messages.for_gui(engine) == panel


def test_an_existing_run_is_recognised(messages):
    text = "/runs/model_ab/x already exists; pass overwrite (--overwrite) to replace it."
    assert str(messages.existing_output(text, "OutputExistsError")) == "/runs/model_ab/x"
    assert messages.existing_output(text, "SceneFormatError") is None
