"""The second reading process: the same values as reading alone, whatever becomes of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from processes import gone, helper_pids

from core.scene.bands import Band, bands_of, read_strided
from core.scene.read_helper import ReadHelper, read_helper
from core.scene.reader import open_scene
from core.scene.schema import SAR_VARIABLES
from repo_paths import REPO_ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="reads /proc, sends POSIX signals")


def test_reading_with_the_helper_gives_exactly_the_values_of_reading_alone(medium_scene: Path):
    with read_helper() as helper, open_scene(medium_scene) as scene:
        assert helper is not None
        for step in (1, 7, 10):
            alone = read_strided(scene, SAR_VARIABLES, step)
            helped = read_strided(scene, SAR_VARIABLES, step, helper)
            for name in SAR_VARIABLES:
                np.testing.assert_array_equal(helped[name], alone[name])
                assert helped[name].dtype == np.float32
        assert helper.delivered > 0  # it did take part


def test_a_helper_killed_mid_read_changes_nothing_but_speed(medium_scene: Path):
    with read_helper() as helper, open_scene(medium_scene) as scene:
        assert helper is not None
        alone = read_strided(scene, SAR_VARIABLES, 10)
        first = bands_of(scene, SAR_VARIABLES[0], 10)[0]
        assert helper.read(scene.path, first, 10) is not None
        os.kill(helper.pid, signal.SIGKILL)
        helped = read_strided(scene, SAR_VARIABLES, 10, helper)
        for name in SAR_VARIABLES:
            np.testing.assert_array_equal(helped[name], alone[name])
        assert helper.read(scene.path, first, 10) is None  # given up, at once
        assert helper.delivered == 1


def test_a_read_the_helper_fails_is_none_and_the_helper_stays_usable(
    medium_scene: Path, tmp_path: Path
):
    band = Band(SAR_VARIABLES[0], 0, 10)
    with read_helper() as helper:
        assert helper is not None
        assert helper.read(tmp_path / "missing_prep.nc", band, 10) is None
        assert helper.read(medium_scene, Band("no_such_variable", 0, 10), 10) is None
        values = helper.read(medium_scene, band, 10)
    with open_scene(medium_scene) as scene:
        expected = scene.read(band.name)[:10:10, ::10]
    assert values is not None
    np.testing.assert_array_equal(values, expected)


def test_an_error_in_the_file_is_raised_as_reading_alone_raises_it(
    medium_scene: Path, tmp_path: Path
):
    """A helper cannot hide an error: the band it fails is read here and fails here."""
    from core.errors import SceneFormatError

    data = bytearray(medium_scene.read_bytes())
    with open_scene(medium_scene) as scene:
        lines = scene.info.shape[0]
    broken = tmp_path / medium_scene.name
    broken.write_bytes(bytes(data))
    with open_scene(broken) as scene, read_helper() as helper:
        broken.write_bytes(bytes(data[: len(data) // 2]))  # truncated after opening
        with pytest.raises(SceneFormatError, match="truncated or corrupt"):
            read_strided(scene, SAR_VARIABLES, 10, helper)
        assert lines > 0


def test_the_helper_ends_when_its_caller_is_killed(tmp_path: Path):
    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(REPO_ROOT)!r})\n"
        "from core.scene.read_helper import ReadHelper\n"
        "helper = ReadHelper.start()\n"
        "print(helper.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    caller = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert caller.stdout is not None
    pid = int(caller.stdout.readline())
    assert helper_pids(caller.pid) == [pid]
    caller.kill()
    caller.wait(10)
    assert gone(pid), "the read helper outlived the process that started it"


def test_closing_stops_the_process_and_a_spare_is_taken_once():
    ReadHelper.start_spare()
    spare = ReadHelper._spare
    assert spare is not None
    with read_helper() as helper:
        assert helper is spare  # the standby engine's, started ahead
        assert helper_pids(os.getpid()) == [helper.pid]
    assert gone(spare.pid)
    with read_helper() as helper:
        assert helper is not spare


def test_one_core_gets_no_helper(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    with read_helper() as helper:
        assert helper is None
