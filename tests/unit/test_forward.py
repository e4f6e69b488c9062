"""Device choice, whole-scene and tiled forward passes, decisions and upsampling."""

import numpy as np
import pytest
import torch
from torch import nn

from core.errors import DeviceError
from core.model.unet import MultiTaskUNet, Outputs, UNetConfig
from core.predict.decide import decide, to_full_grid
from core.predict.device import choose_device
from core.predict.forward import RawOutputs, _stack, forward, forward_tiled

CPU = choose_device("cpu")


class LocalModel(nn.Module):
    """A stand-in with a 5 × 5 receptive field (two 3 × 3 convolutions): what a tile sees of
    a pixel is all that matters, so tiled and whole passes must agree exactly."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.body = nn.Sequential(
            nn.Conv2d(4, 8, 3, padding=1), nn.Tanh(), nn.Conv2d(8, 1 + 6 + 7, 3, padding=1)
        )
        self.config = UNetConfig(in_channels=4)

    def forward(self, x):
        y = self.body(x)
        return Outputs(sic=y[:, 0], sod=y[:, 1:7], floe=y[:, 7:])


def test_tiles_blend_to_the_whole_scene_result():
    model = LocalModel().eval()
    x = np.random.default_rng(0).normal(size=(4, 150, 170)).astype(np.float32)
    whole = _stack(model, torch.from_numpy(x), CPU).numpy()
    tiles = []
    tiled = forward_tiled(model, x, CPU, tile=64, overlap=16, on_tile=lambda i, n: tiles.append(n))
    assert tiles and tiles[-1] > 4  # really tiled
    np.testing.assert_allclose(tiled, whole, atol=1e-5)


def test_tiled_unet_matches_away_from_seams():
    torch.manual_seed(0)
    model = MultiTaskUNet(UNetConfig(in_channels=4)).eval()
    x = np.random.default_rng(1).normal(size=(4, 96, 96)).astype(np.float32)
    whole = forward(model, x, CPU)
    tiled = forward(model, x, CPU, tile=64, overlap=32)
    assert whole.sod.shape == tiled.sod.shape == (6, 96, 96)
    inside = (slice(0, 20), slice(0, 20))  # far from the seam band (32..64) of both axes
    np.testing.assert_allclose(tiled.sic[inside], whole.sic[inside], atol=1e-2)
    assert np.abs(tiled.sod - whole.sod).mean() < 0.05


class OutOfMemoryOnLargeInputs(LocalModel):
    """LocalModel on a device too small for a whole scene: anything larger than 512 fails."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[tuple[int, ...]] = []

    def forward(self, x):
        self.shapes.append(tuple(x.shape[-2:]))
        if max(x.shape[-2:]) > 512:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return super().forward(x)


def test_out_of_memory_falls_back_to_tiles_of_512():
    x = np.random.default_rng(5).normal(size=(4, 600, 700)).astype(np.float32)
    model = OutOfMemoryOnLargeInputs().eval()
    fallback = forward(model, x, CPU)
    whole = forward(LocalModel().eval(), x, CPU)
    assert model.shapes[0] == (600, 700)  # the whole scene was tried first
    assert model.shapes[1:] == [(512, 512)] * 4  # then 2 × 2 tiles, none larger
    for got, expected in zip((fallback.sic, fallback.sod, fallback.floe), whole.__dict__.values()):
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_bad_tiling_parameters_are_refused():
    with pytest.raises(ValueError, match="margin < overlap < tile"):
        forward_tiled(LocalModel(), np.zeros((4, 10, 10), np.float32), CPU, tile=8, overlap=8)


def test_decisions_and_confidences():
    raw = RawOutputs(
        sic=np.array([[-0.4, 3.5, 7.9, 12.0]], np.float32),
        sod=np.array([[[0.9, 0.2, 0.5, 0.1]], [[0.1, 0.8, 0.5, 0.9]]], np.float32),
        floe=np.array([[[0.6, 0.6, 0.6, 0.6]], [[0.4, 0.4, 0.4, 0.4]]], np.float32),
    )
    valid = np.array([[True, True, True, False]])
    p = decide(raw, valid)
    assert p.sic.tolist() == [[0, 4, 8, 255]]  # clamped to 0..10; halves to even (torch.round)
    assert p.sic_confidence.tolist() == [[100, 0, 80, 255]]
    assert p.sod.tolist() == [[0, 1, 0, 255]] and p.sod_confidence.tolist() == [[90, 80, 50, 255]]
    assert p.floe.tolist() == [[0, 0, 0, 255]] and p.floe_confidence.tolist() == [[60, 60, 60, 255]]


def test_upsampling_to_the_80_m_grid_repeats_each_pixel_over_its_block():
    small = np.arange(6, dtype=np.uint8).reshape(2, 3)
    full = to_full_grid(small, (15, 27), 10)
    assert full.shape == (15, 27)
    assert full[9, 9] == 0 and full[10, 10] == 4 and full[14, 26] == 5 and full[0, 20] == 2


def test_device_choice():
    assert choose_device("cpu").name == "CPU" and choose_device("auto").device.type in (
        "cpu",
        "cuda",
    )
    with pytest.raises(DeviceError, match="Unknown device 'tpu'"):
        choose_device("tpu")


@pytest.mark.skipif(
    torch.cuda.is_available(), reason="checks the refusal on a machine without CUDA"
)
def test_cuda_asked_for_without_a_gpu_is_refused_clearly():
    with pytest.raises(DeviceError, match=r"CUDA was asked for.*Choose Auto or CPU"):
        choose_device("cuda")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_forward_matches_cpu():
    torch.manual_seed(0)
    model = MultiTaskUNet(UNetConfig()).eval()
    x = np.random.default_rng(2).normal(size=(16, 64, 80)).astype(np.float32)
    cpu = forward(model, x, CPU)
    gpu_choice = choose_device("cuda")
    gpu = forward(model.to(gpu_choice.device), x, gpu_choice)
    assert np.abs(gpu.sic - cpu.sic).max() < 0.1  # bf16/fp16 autocast
    assert (gpu.sod.argmax(0) == cpu.sod.argmax(0)).mean() > 0.95
