"""The multi-task U-Net of the winning configuration and its self-describing weight bundles."""

import json

import pytest
import torch

from core.errors import ModelFormatError, ModelNotFoundError
from core.model.bundle import load_bundle, save_bundle
from core.model.manifest import MMSEAICE_CHANNELS, Manifest, bundle_paths, read_manifest
from core.model.unet import MultiTaskUNet, UNetConfig, fold_batch_norm, parameter_count
from core.scene.writer import OutputExistsError


def test_backbone_parameter_count_matches_the_published_architecture():
    model = MultiTaskUNet(UNetConfig())
    backbone = sum(p.numel() for n, p in model.named_parameters() if "head" not in n)
    assert backbone == 522_496  # spec §4.5, counted by hand there
    # Heads: SIC Linear(32, 1); SOD 6 and FLOE 7 classes (the reference counts the mask too).
    assert parameter_count(model) == 522_496 + 33 + (32 * 6 + 6) + (32 * 7 + 7)


def test_separate_decoders_triple_the_decoder_only():
    shared, separate = (
        MultiTaskUNet(UNetConfig()),
        MultiTaskUNet(UNetConfig(separate_decoders=True)),
    )
    decoder = sum(p.numel() for p in shared.decoders.parameters())
    assert parameter_count(separate) == parameter_count(shared) + 2 * decoder


@pytest.mark.parametrize("size", [(16, 16), (37, 53), (100, 64)])
def test_any_input_size_gives_outputs_of_that_size(size):
    model = MultiTaskUNet(UNetConfig()).eval()
    with torch.no_grad():
        out = model(torch.randn(2, 16, *size))
    assert out.sic.shape == (2, *size)
    assert out.sod.shape == (2, 6, *size) and out.floe.shape == (2, 7, *size)


def test_folding_batch_norm_keeps_outputs():
    torch.manual_seed(1)
    model = MultiTaskUNet(UNetConfig()).eval()
    for module in model.modules():  # make the statistics matter
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2)
            module.weight.data.uniform_(0.5, 2)
    x = torch.randn(1, 16, 40, 48)
    with torch.no_grad():
        before = model(x)
        after = fold_batch_norm(model)(x)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    torch.testing.assert_close(after.sod, before.sod, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(after.sic, before.sic, atol=1e-4, rtol=1e-4)


def test_bundle_round_trip_gives_the_same_model(tmp_path):
    torch.manual_seed(2)
    model = MultiTaskUNet(UNetConfig(separate_decoders=True)).eval()
    manifest = Manifest(architecture={}, training={"data": "unit test"})
    path = save_bundle(model, manifest, tmp_path / "w")
    assert path == tmp_path / "w.json" and (tmp_path / "w.safetensors").is_file()
    for name in ("w.json", "w.safetensors", "w"):
        loaded, read = load_bundle(tmp_path / name)
        assert read.architecture["separate_decoders"] is True
        assert read.channels == MMSEAICE_CHANNELS
        x = torch.randn(1, 16, 32, 32)
        with torch.no_grad():
            torch.testing.assert_close(loaded(x).floe, model(x).floe)
    assert len(read.weights_sha256) == 64 and read.short_hash in read.summary()


def test_saving_never_overwrites_without_consent(tmp_path, random_bundle):
    model = MultiTaskUNet(UNetConfig())
    save_bundle(model, Manifest(architecture={}), tmp_path / "w")
    with pytest.raises(OutputExistsError, match="already exists"):
        save_bundle(model, Manifest(architecture={}), tmp_path / "w")
    save_bundle(model, Manifest(architecture={}), tmp_path / "w", overwrite=True)


def _copy_bundle(bundle, folder):
    manifest, weights = bundle_paths(bundle)
    (folder / manifest.name).write_bytes(manifest.read_bytes())
    (folder / weights.name).write_bytes(weights.read_bytes())
    return folder / manifest.name, folder / weights.name


def test_tampered_weights_are_refused(tmp_path, random_bundle):
    manifest, weights = _copy_bundle(random_bundle, tmp_path)
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelFormatError, match="does not match its manifest"):
        load_bundle(manifest)


def test_truncated_weights_are_refused(tmp_path, random_bundle):
    manifest, weights = _copy_bundle(random_bundle, tmp_path)
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelFormatError, match="truncated"):
        load_bundle(manifest)


def test_missing_files_are_named(tmp_path, random_bundle):
    with pytest.raises(ModelNotFoundError, match="No model manifest"):
        load_bundle(tmp_path / "nothing.json")
    manifest, weights = _copy_bundle(random_bundle, tmp_path)
    weights.unlink()
    with pytest.raises(ModelNotFoundError, match="Keep both files"):
        load_bundle(manifest)


def _edit_manifest(tmp_path, random_bundle, **changes):
    manifest, _ = _copy_bundle(random_bundle, tmp_path)
    data = json.loads(manifest.read_text())
    data.update(changes)
    manifest.write_text(json.dumps(data))
    return manifest


def test_a_manifest_whose_architecture_does_not_fit_the_tensors_is_refused(tmp_path, random_bundle):
    arch = {**json.loads(random_bundle.read_text())["architecture"], "separate_decoders": True}
    manifest = _edit_manifest(tmp_path, random_bundle, architecture=arch)
    with pytest.raises(ModelFormatError, match="do not fit the architecture"):
        load_bundle(manifest)


def test_a_model_on_other_channels_is_refused_before_loading(tmp_path, random_bundle):
    manifest = _edit_manifest(tmp_path, random_bundle, channels=["nersc_sar_primary"] * 15 + ["x"])
    with pytest.raises(ModelFormatError, match=r"input channel.*x"):
        read_manifest(manifest)
    manifest = _edit_manifest(tmp_path, random_bundle, channels=["nersc_sar_primary"])
    with pytest.raises(
        ModelFormatError, match="takes 16 input channels but the channel list has 1"
    ):
        read_manifest(manifest)


def test_other_class_tables_are_refused_naming_both_sides(tmp_path, random_bundle):
    classes = json.loads(random_bundle.read_text())["classes"]
    classes["SOD"] = classes["SOD"][:5]
    manifest = _edit_manifest(tmp_path, random_bundle, classes=classes)
    with pytest.raises(ModelFormatError, match=r"predicts SOD classes .*Old ice'\]"):
        read_manifest(manifest)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "something-else"}, "not a Sea Ice Mapper model manifest"),
        ({"format_version": 99}, "manifest version 99"),
        ({"downscale_method": "bicubic"}, "downscale method 'bicubic'"),
        ({"downscale_factor": 0}, "not a positive integer"),
    ],
)
def test_malformed_manifests_are_refused(tmp_path, random_bundle, changes, message):
    with pytest.raises(ModelFormatError, match=message):
        read_manifest(_edit_manifest(tmp_path, random_bundle, **changes))


def test_a_manifest_that_is_not_json_is_refused(tmp_path):
    (tmp_path / "w.json").write_text("{not json")
    with pytest.raises(ModelFormatError, match="not valid JSON"):
        read_manifest(tmp_path / "w.json")


def test_reading_a_manifest_needs_no_torch():
    import subprocess
    import sys

    from repo_paths import REPO_ROOT

    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from core.model.manifest import read_manifest, Manifest\n"
        "print(Manifest(architecture={'in_channels': 16}).summary())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "16 channels" in out.stdout
