"""The training package: patches, augmentation, loss, guards, resume after a kill, DDP, evaluate."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from core.model.bundle import load_bundle
from core.model.unet import MultiTaskUNet, UNetConfig
from core.predict.run import PredictParams, run_prediction
from repo_paths import REPO_ROOT
from training.config import PRESETS, TrainConfig
from training.data import CachedScene, DataError, ensure_synthetic
from training.loop import TrainingError, train
from training.loss import total_loss
from training.patches import PatchSampler, augment


def smoke_config(folder: Path, **changes) -> TrainConfig:
    config = replace(
        PRESETS["smoke"],
        train_scenes=str(folder / "train"),
        val_scenes=str(folder / "val"),
        cache_dir=str(folder / "cache"),
        out_dir=str(folder / "run"),
    )
    return replace(config, **changes)


@pytest.fixture(scope="module")
def smoke_data(tmp_path_factory):
    """The smoke preset's synthetic scenes and cache, made once; runs copy nothing else."""
    folder = tmp_path_factory.mktemp("smoke")
    config = smoke_config(folder)
    ensure_synthetic(config, log=lambda _: None)
    return folder


def config_in(smoke_data, run: Path, **changes) -> TrainConfig:
    """The smoke preset on the module's scenes (generated once: no more synthesis)."""
    return replace(smoke_config(smoke_data, **changes), out_dir=str(run), synthetic=None)


def test_smoke_training_exports_a_bundle_core_runs(smoke_data, tmp_path, medium_scene):
    result = train(config_in(smoke_data, tmp_path / "run"), log=lambda _: None)
    assert result.steps == 8 and result.bundle.is_file()
    _, manifest = load_bundle(result.bundle)
    assert manifest.training["steps"] in (4, 8) and "synthetic" in manifest.training["data"]
    run = tmp_path / "run"
    assert {"log.csv", "loss.png", "scores.png", "tensorboard", "checkpoint"} <= {
        p.name for p in run.iterdir()
    }
    rows = (run / "log.csv").read_text().splitlines()
    assert len(rows) == 3 and rows[0].startswith("epoch,step,loss")
    assert list((run / "tensorboard").glob("events.out.tfevents.*"))
    out = run_prediction(
        medium_scene, tmp_path / "pred", PredictParams(weights=result.bundle, sar_layers=False)
    )
    assert (out.folder / "sic.tif").is_file()


def _scene(h: int, w: int, seed: int) -> CachedScene:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 6, (3, h, w)).astype(np.uint8)
    y[:, : h // 3] = 255  # a third of every scene unlabelled
    x = np.concatenate([y[:1].astype(np.float16), rng.normal(size=(2, h, w)).astype(np.float16)])
    return CachedScene(f"s{seed}", x, y)


def test_patches_are_labelled_and_augmentations_keep_inputs_on_their_labels():
    config = replace(
        PRESETS["smoke"],
        channels=("a", "b", "c"),
        patch_size=24,
        batch_size=16,
        rotation_prob=1.0,
        scale_prob=1.0,
        cutmix_prob=1.0,
    )
    sampler = PatchSampler([_scene(60, 70, 1), _scene(50, 90, 2)], config, torch.device("cpu"))
    batch = sampler.batch(torch.Generator().manual_seed(0))
    assert batch.x.shape == (16, 3, 24, 24) and batch.y.shape == (16, 3, 24, 24)
    labelled = batch.y[:, 0] != 255
    # Channel 0 is the SIC label itself: every transform must move both alike.
    assert torch.equal(batch.x[:, 0][labelled], batch.y[:, 0][labelled].float())
    # Unlabelled: the scene's own (input 255 here) or filled in by the rotation (input 0).
    unlabelled = batch.x[:, 0][~labelled]
    assert labelled.any() and ((unlabelled == 255) | (unlabelled == 0)).all()
    assert (unlabelled == 0).any()
    assert all(int((batch.y[i, 0] != 255).sum()) > 1 for i in range(16))


def test_processes_share_one_global_batch():
    config = replace(PRESETS["smoke"], channels=("a", "b", "c"), patch_size=16, batch_size=8)
    sampler = PatchSampler([_scene(40, 50, 3)], config, torch.device("cpu"))
    whole = sampler.batch(torch.Generator().manual_seed(5))
    halves = [
        sampler.batch(torch.Generator().manual_seed(5), slice(i * 4, i * 4 + 4)) for i in range(2)
    ]
    assert torch.equal(torch.cat([h.x for h in halves]), whole.x)


def test_unscaled_patches_stay_unscaled_unless_the_reference_quirk_is_asked_for():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    y = torch.zeros(1, 3, 4, 4, dtype=torch.long)
    plain = replace(
        PRESETS["smoke"], hflip_prob=0, vflip_prob=0, rotation_prob=0, scale_prob=0, cutmix_prob=0
    )
    same, _ = augment(x, y, plain, torch.Generator().manual_seed(0))
    assert torch.equal(same, x)
    zoomed, _ = augment(x, y, replace(plain, scale_otherwise=1.5), torch.Generator().manual_seed(0))
    assert not torch.equal(zoomed, x)


def test_loss_ignores_unlabelled_pixels_and_weights_the_tasks():
    from core.model.unet import Outputs

    y = torch.full((1, 3, 2, 2), 255, dtype=torch.long)
    y[0, :, 0, 0] = torch.tensor([4, 1, 2])
    out = Outputs(
        sic=torch.full((1, 2, 2), 6.0), sod=torch.zeros(1, 6, 2, 2), floe=torch.zeros(1, 7, 2, 2)
    )
    loss, parts = total_loss(out, y, (1.0, 3.0, 3.0))
    assert parts["SIC"] == pytest.approx(4.0)  # (6 - 4)², one labelled pixel
    assert parts["SOD"] == pytest.approx(np.log(6)) and parts["FLOE"] == pytest.approx(np.log(7))
    assert float(loss) == pytest.approx(4 + 3 * np.log(6) + 3 * np.log(7))
    y[:] = 255
    loss, parts = total_loss(out, y, (1.0, 3.0, 3.0))
    assert float(loss) == 0.0


def test_a_diverging_loss_stops_with_the_step(smoke_data, tmp_path):
    config = config_in(smoke_data, tmp_path / "run", lr=1e12)
    with pytest.raises(TrainingError, match=r"loss became .* at step \d+"):
        train(config, log=lambda _: None)


def test_bad_data_fails_before_training(smoke_data, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="names no scenes"):
        train(config_in(smoke_data, tmp_path / "a", train_scenes=str(tmp_path / "empty")))
    with pytest.raises(DataError, match="not larger than a 64-pixel patch"):
        train(config_in(smoke_data, tmp_path / "b", patch_size=64, cache_dir=str(tmp_path / "c")))
    channels = ("nersc_sar_primary", "btemp_6_9h")
    lacking = tmp_path / "lacking"
    lacking.mkdir()
    for scene in Path(smoke_data, "train").glob("*.nc"):
        target = lacking / scene.name
        target.write_bytes(scene.read_bytes())
        with netCDF4.Dataset(target, "a") as ds:
            ds.renameVariable("btemp_6_9h", "something_else")
    with pytest.raises(DataError, match=r"missing the variable.*btemp_6_9h"):
        train(
            config_in(
                smoke_data,
                tmp_path / "d",
                train_scenes=str(lacking),
                channels=channels,
                cache_dir=str(tmp_path / "e"),
            )
        )
    assert not (tmp_path / "d" / "checkpoint").exists()


def _command(config: TrainConfig, path: Path) -> list[str]:
    path.write_text(config.to_json())
    return [sys.executable, "-m", "training", "train", "--config", str(path)]


def _final_model(run: Path) -> dict:
    tensors = load_file(str(run / "checkpoint" / "tensors.safetensors"))
    return {k: v for k, v in tensors.items() if k.startswith("model.")}


def test_a_killed_run_resumes_to_the_same_result(smoke_data, tmp_path):
    config = config_in(smoke_data, tmp_path / "whole", epochs=3, epoch_len=6, checkpoint_every=2)
    subprocess.run(
        _command(config, tmp_path / "a.json"), cwd=REPO_ROOT, check=True, capture_output=True
    )
    killed = replace(config, out_dir=str(tmp_path / "killed"))
    command = _command(killed, tmp_path / "b.json")
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    state = tmp_path / "killed" / "checkpoint" / "state.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if state.exists() and json.loads(state.read_text())["step"] >= 4:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    step_at_kill = json.loads(state.read_text())["step"]
    assert step_at_kill < 18
    resumed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert f"resuming {tmp_path / 'killed'} at step {step_at_kill}" in resumed.stdout
    whole, again = _final_model(tmp_path / "whole"), _final_model(tmp_path / "killed")
    for name in whole:
        torch.testing.assert_close(again[name], whole[name], rtol=1e-5, atol=1e-6)
    rows = (tmp_path / "killed" / "log.csv").read_text().splitlines()
    assert len(rows) == 1 + 3


def test_two_gloo_processes_match_one_process_with_the_same_global_batch(smoke_data, tmp_path):
    config = config_in(
        smoke_data,
        tmp_path / "one",
        epochs=1,
        epoch_len=1,
        batch_size=4,
        hflip_prob=0,
        vflip_prob=0,
        rotation_prob=0,
        scale_prob=0,
        cutmix_prob=0,
        device="cpu",
    )
    subprocess.run(
        _command(config, tmp_path / "one.json"), cwd=REPO_ROOT, check=True, capture_output=True
    )
    two = replace(config, out_dir=str(tmp_path / "two"))
    command = _command(two, tmp_path / "two.json")
    torchrun = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        *command[2:],
    ]
    done = subprocess.run(
        torchrun,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 process(es)" in done.stdout
    torch.manual_seed(config.seed)  # both runs start from this initialisation
    initial = MultiTaskUNet(UNetConfig()).state_dict()
    one, two_ = _final_model(tmp_path / "one"), _final_model(tmp_path / "two")
    # Same global batch, synchronised batch norm, global loss means: float rounding only, in one
    # SGD step (a wrong loss mean or an unsynchronised batch would move parameters by another
    # factor or direction). One step, because batch norm divides each channel by its batch
    # spread, tiny for some channels of these small batches, so rounding (another summation
    # order across processes) grows from step to step: after four steps it reached 2.8 % of a
    # parameter's movement on a Zen 3 CPU and 15 % on a Zen 5 (other SIMD kernels); after one
    # it is at most 0.16 % there. Hence 1 % per parameter and 0.5 % for the whole model.
    differences, movements = [], []
    for name, start in initial.items():
        if not start.is_floating_point():
            continue
        a, b = one[f"model.{name}"], two_[f"model.{name}"]
        moved = float((a - start).norm())
        assert moved > 0, name
        assert float((a - b).norm()) < 0.01 * moved + 1e-6, name
        differences.append(float((a - b).norm()) ** 2)
        movements.append(moved**2)
    assert sum(differences) ** 0.5 < 0.005 * sum(movements) ** 0.5


def test_evaluate_writes_the_official_submission_format(smoke_data, tmp_path):
    result = train(config_in(smoke_data, tmp_path / "run"), log=lambda _: None)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "training",
            "evaluate",
            str(Path(smoke_data, "val")),
            "--weights",
            str(result.bundle),
            "--submission",
            str(tmp_path / "upload.nc"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "ALL (pooled)" in out.stdout
    scene = next(Path(smoke_data, "val").glob("*_prep.nc"))
    name = scene.name[:19]
    with netCDF4.Dataset(tmp_path / "upload.nc") as ds:
        assert ds.data_model == "NETCDF4"
        assert set(ds.variables) == {f"{name}_{c}" for c in ("SIC", "SOD", "FLOE")}
        for chart in ("SIC", "SOD", "FLOE"):
            var = ds[f"{name}_{chart}"]
            assert var.dtype == np.uint8
            assert var.dimensions == (f"{name}_{chart}_dim0", f"{name}_{chart}_dim1")
            assert var.shape == (400, 440)
            assert var.filters()["zlib"] and var.filters()["complevel"] == 1
