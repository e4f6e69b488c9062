"""A batch carries on past any failure and says what failed; a damaged run is never "already
done"; API misuse (read after close, step 0) and odd output paths get clear errors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import run_python
from robust_cases import GOOD_SCENE, netcdf3_scene

from core.errors import SceneError
from core.predict.batch import Shard, run_batch
from core.predict.params import PredictParams
from core.scene.reader import open_scene


def test_a_batch_carries_on_past_every_kind_of_failure(tmp_path, random_bundle):
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    good = Path(shutil.copy(GOOD_SCENE, scenes / GOOD_SCENE.name))
    (scenes / "20200101T000000_dmi_prep.nc").symlink_to(scenes / "gone.nc")  # dangling
    (scenes / "20200102T000000_dmi_prep.nc").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 99)
    odd = scenes / os.fsdecode(b"20200103T000000_dmi_\xff_prep.nc")
    shutil.copy(GOOD_SCENE, odd)
    (tmp_path / "nc3root").mkdir()
    nc3 = netcdf3_scene(tmp_path / "nc3root")
    listing = tmp_path / "list.txt"
    names = [str(p) for p in [good, nc3, scenes / "missing_prep.nc"]]
    listing.write_text("\n".join(names) + "\n")
    out = tmp_path / "out"
    options = ["--weights", str(random_bundle), "--device", "cpu", "--quiet", "--no-sar"]
    done = run_python(
        ["-m", "core", "predict", str(scenes), str(listing), "--out", str(out), *options]
    )
    text = done.stdout + done.stderr
    assert done.returncode == 1, text
    assert "Traceback" not in text
    assert "1 predicted" in text and "1 already done" not in text  # good; nc3 has the same id
    assert text.count("FAILED") == 5, text  # dangling, damaged, odd name, missing, duplicate id
    assert "not valid UTF-8" in text and "does not exist" in text
    assert (out / "20190315T101500_cis" / "run.json").is_file()


def test_an_unwritable_output_is_one_failure_per_scene_not_a_crash(tmp_path, random_bundle):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    options = ["--weights", str(random_bundle), "--device", "cpu", "--quiet"]
    done = run_python(["-m", "core", "predict", str(GOOD_SCENE), "--out", str(blocker), *options])
    text = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in text
    assert "FAILED" in text and "Cannot create the output folder" in text


def test_a_damaged_run_is_not_already_done(tmp_path, random_bundle):
    params = PredictParams(weights=random_bundle, device="cpu", sar_layers=False, overwrite=True)
    first = run_batch([GOOD_SCENE], tmp_path, params, Shard())
    assert len(first.done) == 1
    again = run_batch([GOOD_SCENE], tmp_path, params, Shard())
    assert again.skipped == [GOOD_SCENE]
    (first.done[0][1] / "sod.tif").unlink()
    repaired = run_batch([GOOD_SCENE], tmp_path, params, Shard())
    assert len(repaired.done) == 1 and not repaired.skipped
    assert (first.done[0][1] / "sod.tif").is_file()


def test_reading_after_close_and_step_zero_are_clear_errors():
    scene = open_scene(GOOD_SCENE)
    with pytest.raises(ValueError, match="step must be a whole number"):
        scene.read("nersc_sar_primary", step=0)
    with pytest.raises(ValueError, match="step must be a whole number"):
        scene.read("nersc_sar_primary", step=-3)
    scene.close()
    with pytest.raises(SceneError, match="was closed"):
        scene.read("nersc_sar_primary")


def test_synth_into_a_missing_folder_makes_the_folder(tmp_path):
    target = str(tmp_path / "new" / "folder") + "/"
    done = run_python(["-m", "core", "synth", target, "--size", "64x64"])
    assert done.returncode == 0, done.stderr
    written = list((tmp_path / "new" / "folder").iterdir())
    assert len(written) == 1 and written[0].name.endswith("_prep.nc")
    assert Path(done.stdout.strip()) == written[0]


def test_slurm_shard_environment_is_validated():
    with pytest.raises(ValueError, match="SLURM_ARRAY_TASK_ID"):
        Shard.parse(None, {"SLURM_ARRAY_TASK_ID": "abc", "SLURM_ARRAY_TASK_COUNT": "2"})
    assert Shard.parse(None, {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}) == Shard(
        3, 4
    )


def test_every_warp_is_bounded_by_the_scene_pixels():
    """A 250 × 200-pixel scene whose tie points span about 2,200 km: no grid is sized from it
    (the reader refuses such a scene first; this guards any other caller of the warp)."""
    import numpy as np

    from core.errors import SeaIceMapperError
    from core.output.georef import SwathGeoref

    i, j = np.meshgrid(np.linspace(0, 1, 21), np.linspace(0, 1, 21), indexing="ij")
    lat, lon = 65 + 15 * i, -60 + 40 * j
    with pytest.raises(SeaIceMapperError, match="far more than its 250 × 200 pixels"):
        SwathGeoref(lat, lon, (250, 200)).grid(80.0, 800.0)
    small = SwathGeoref(70 + 0.0144 * i, -50 + 0.047 * j, (250, 200)).grid(80.0, 800.0)
    assert small.width * small.height < 1_000_000


def test_a_shapefile_set_is_refused_when_any_part_exists(tmp_path, small_run):
    from core.draft.make import draft_chart
    from core.draft.params import DraftParams
    from core.errors import OutputExistsError

    (tmp_path / "chart.dbf").write_text("someone else's table")
    with pytest.raises(OutputExistsError, match=r"chart\.dbf already exists"):
        draft_chart(small_run, tmp_path / "chart.gpkg", DraftParams(shapefile=True))
    assert (tmp_path / "chart.dbf").read_text() == "someone else's table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.dbf"]
    result = draft_chart(
        small_run, tmp_path / "chart.gpkg", DraftParams(shapefile=True, overwrite=True)
    )
    names = sorted(p.name for p in result.files)
    assert {"chart.gpkg", "chart.shp", "chart.dbf", "chart.shx", "chart.prj"} <= set(names)
    assert (tmp_path / "chart.dbf").read_text(errors="replace") != "someone else's table"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
