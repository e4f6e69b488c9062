"""Which device runs the model: CUDA when present (with autocast), else CPU; never a surprise."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..errors import DeviceError


@dataclass(frozen=True)
class DeviceChoice:
    device: torch.device
    name: str  # what to show a user: the GPU's name, or "CPU"
    autocast_dtype: torch.dtype | None  # None: full float32

    def describe(self) -> str:
        precision = "float32" if self.autocast_dtype is None else str(self.autocast_dtype)[6:]
        return f"{self.name} ({self.device}, {precision})"


def choose_device(request: str = "auto") -> DeviceChoice:
    """``auto``, ``cpu``, ``cuda`` or ``cuda:N``; an unavailable explicit choice is refused."""
    request = request.strip().lower()
    if request == "cpu" or (request == "auto" and not torch.cuda.is_available()):
        return DeviceChoice(torch.device("cpu"), "CPU", None)
    if request == "auto":
        request = "cuda"
    if not request.startswith("cuda"):
        raise DeviceError(
            f"Unknown device {request!r}; choose one of auto, cpu, cuda or cuda:N (N a GPU index)."
        )
    if not torch.cuda.is_available():
        built = "with" if torch.backends.cuda.is_built() else "without"
        raise DeviceError(
            f"CUDA was asked for, but this torch {torch.__version__} (built {built} CUDA) sees "
            "no usable NVIDIA GPU. Choose Auto or CPU, or install a CUDA build of torch "
            "matching your driver."
        )
    try:
        device = torch.device(request)
        index = device.index if device.index is not None else torch.cuda.current_device()
    except RuntimeError as error:
        raise DeviceError(f"Cannot use device {request!r}: {error}") from None
    if index >= torch.cuda.device_count():
        raise DeviceError(
            f"GPU {index} was asked for, but only {torch.cuda.device_count()} GPU(s) are visible."
        )
    dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    device = torch.device("cuda", index)
    return DeviceChoice(device, torch.cuda.get_device_name(index), dtype)
