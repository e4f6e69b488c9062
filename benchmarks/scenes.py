"""Benchmark inputs: a full-size synthetic scene per chunk layout, and random-init weights.

The generator writes 500 × 500 chunks; real files come with other layouts (1024 × 1024 is
common), and reading speed depends on the layout, so a copy is re-chunked for each one asked.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import netCDF4
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCENE_NAME = "20190101T000000_cis_prep.nc"
GENERATED_CHUNK = 500


def rechunk(source: Path, target: Path, chunk: int) -> Path:
    """A copy of ``source`` whose 2-D variables are chunked ``chunk`` × ``chunk``."""
    partial = target.with_name(f".{target.name}.partial")
    with netCDF4.Dataset(source) as src, netCDF4.Dataset(partial, "w") as dst:
        src.set_auto_mask(False)
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
        for name, dim in src.dimensions.items():
            dst.createDimension(name, len(dim))
        for name, var in src.variables.items():
            attrs = {k: var.getncattr(k) for k in var.ncattrs() if k != "_FillValue"}
            chunks = [min(chunk, n) for n in var.shape] if var.ndim == 2 else None
            out = dst.createVariable(
                name,
                var.dtype,
                var.dimensions,
                zlib=True,
                complevel=1,
                shuffle=True,
                chunksizes=chunks,
                fill_value=getattr(var, "_FillValue", None),
            )
            out.setncatts(attrs)
            out.set_auto_mask(False)
            out[:] = np.asarray(var[:])
    partial.replace(target)
    return target


def full_scene(folder: Path, size: str = "5000x5200", chunk: int = GENERATED_CHUNK) -> Path:
    """``folder/<size>_c<chunk>/SCENE_NAME``, generated (seed 0) or re-chunked once, then kept."""
    from core.synthetic.generate import SynthConfig, synthesize

    lines, samples = (int(x) for x in size.lower().split("x"))
    base = folder / f"{size}_c{GENERATED_CHUNK}" / SCENE_NAME
    if not base.exists():
        base.parent.mkdir(parents=True, exist_ok=True)
        synthesize(base, SynthConfig(lines=lines, samples=samples, seed=0))
    if chunk == GENERATED_CHUNK:
        return base
    target = folder / f"{size}_c{chunk}" / SCENE_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        rechunk(base, target, chunk)
    return target


def random_weights(folder: Path) -> Path:
    """Randomly initialised weights of the winning configuration (same cost as trained ones)."""
    import torch

    from core.model.bundle import save_bundle
    from core.model.manifest import Manifest
    from core.model.unet import MultiTaskUNet, UNetConfig

    path = folder / "random_init.json"
    if not path.exists():
        torch.manual_seed(0)
        save_bundle(MultiTaskUNet(UNetConfig()), Manifest(architecture={}), path)
    return path


def copies(scene: Path, folder: Path, count: int) -> list[Path]:
    """``count`` copies of a scene, named (file and ``scene_id``) one minute apart."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for k in range(count):
        target = folder / f"20190101T00{k:02d}00_cis_prep.nc"
        if not target.exists():
            shutil.copyfile(scene, target)
            with netCDF4.Dataset(target, "a") as ds:
                ds.scene_id = target.name
        made.append(target)
    return made
