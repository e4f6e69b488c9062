"""Save and load weight bundles: safetensors tensors plus the JSON manifest (torch needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load, save_file

from ..errors import ModelFormatError
from ..output.folder import atomic_outputs
from .manifest import (
    Manifest,
    bundle_paths,
    check_manifest,
    read_manifest,
    read_weights,
    sha256_of,
)
from .unet import MultiTaskUNet, UNetConfig


def save_bundle(
    model: MultiTaskUNet, manifest: Manifest, path: str | Path, overwrite: bool = False
) -> Path:
    """Write ``NAME.safetensors`` then ``NAME.json``; returns the manifest path."""
    manifest_path, weights_path = bundle_paths(path)
    manifest = replace(
        manifest, architecture=model.config.to_dict(), weights_file=weights_path.name
    )
    check_manifest(manifest, manifest_path.name)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    created = manifest.created or datetime.now(timezone.utc).isoformat(timespec="seconds")
    names = [weights_path.name, manifest_path.name]  # published together, or neither
    with atomic_outputs(manifest_path.parent, names, overwrite=overwrite) as staging:
        save_file(tensors, str(staging / weights_path.name), metadata={"format": manifest.format})
        digest = sha256_of(staging / weights_path.name)
        manifest = replace(manifest, weights_sha256=digest, created=created)
        (staging / manifest_path.name).write_text(manifest.to_json(), encoding="utf-8")
    return manifest_path


def load_bundle(
    path: str | Path, device: torch.device | str = "cpu"
) -> tuple[MultiTaskUNet, Manifest]:
    """The model in eval mode on ``device`` and its manifest; refuses any mismatch."""
    manifest_path, _ = bundle_paths(path)
    manifest = read_manifest(manifest_path)
    content = read_weights(manifest, manifest_path)
    try:
        config = UNetConfig.from_dict(manifest.architecture)
        model = MultiTaskUNet(config)
    except (TypeError, ValueError) as error:
        raise ModelFormatError(
            f"{manifest_path.name}: cannot build the architecture {manifest.architecture}: {error}"
        ) from None
    try:
        tensors = load(content)
    except SafetensorError as error:
        raise ModelFormatError(
            f"{manifest.weights_file} is not a readable safetensors file: {error}"
        ) from None
    _check_tensors(model, tensors, manifest_path.name, manifest.weights_file)
    broken = [
        name for name, t in tensors.items() if t.is_floating_point() and not t.isfinite().all()
    ]
    if broken:
        raise ModelFormatError(
            f"{manifest.weights_file} holds NaN or infinite values in {len(broken)} tensor(s) "
            f"(e.g. {broken[0]}): such weights chart nonsense. Use weights from a finished, "
            "healthy training run."
        )
    model.load_state_dict(tensors, strict=True)
    return model.to(device).eval(), manifest


def _check_tensors(
    model: MultiTaskUNet, tensors: dict[str, torch.Tensor], manifest: str, weights: str
) -> None:
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in tensors.items()}
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    wrong = [k for k in expected if k in found and expected[k] != found[k]]
    if missing or extra or wrong:
        details = [
            f"{len(missing)} tensor(s) missing (e.g. {missing[:2]})" if missing else "",
            f"{len(extra)} unexpected (e.g. {extra[:2]})" if extra else "",
            *(
                f"{k}: manifest's architecture needs {expected[k]}, {weights} has {found[k]}"
                for k in wrong[:3]
            ),
        ]
        raise ModelFormatError(
            f"The tensors in {weights} do not fit the architecture in {manifest}: "
            + "; ".join(d for d in details if d)
            + ". The two files do not belong together."
        )
