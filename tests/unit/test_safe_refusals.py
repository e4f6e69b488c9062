"""Products the reader must refuse, each with a message that says what it is and what is
expected, and those it reads with a warning."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

from core.errors import SceneFormatError, SceneNotFoundError
from core.safe.product import Product, ProductWarning
from core.safe.scene import SafeScene
from core.synthetic.safe import SafeConfig, build_safe
from tests.repo_paths import SHARED_REAL

PRODUCTS = sorted((SHARED_REAL / "sar").glob("S1*_EW_GRDM_*")) if SHARED_REAL.is_dir() else []
pytestmark = pytest.mark.skipif(
    not PRODUCTS, reason="the real annotation set ../shared/data/real/sar/ is absent"
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    config = SafeConfig(lines=(1400, 1480), samples=(3000, 3400), seed=11)
    return build_safe(PRODUCTS[0], tmp_path_factory.mktemp("tiny"), config, make_zip=True)


@pytest.fixture
def product(pristine, tmp_path):
    """A fresh copy of the tiny product to break."""
    copy = tmp_path / pristine.folder.name
    shutil.copytree(pristine.folder, copy)
    return copy


def _edit(path, old, new, count=-1):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _open(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProductWarning)
        return Product(path)


def test_the_pristine_product_opens(product):
    with _open(product) as opened:
        assert opened.image_shape == (80, 400)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("<safe:familyName>SENTINEL-1<", "<safe:familyName>SENTINEL-2<", "not a Sentinel-1"),
        ("<s1sarl1:productType>GRD<", "<s1sarl1:productType>SLC<", "SLC product, not GRD"),
        ("<s1sarl1:mode>EW<", "<s1sarl1:mode>IW<", "IW mode, not EW"),
        (
            ">HH</s1sarl1:transmitterReceiverPolarisation>",
            ">VV</s1sarl1:transmitterReceiverPolarisation>",
            "VV/VH",
        ),
        (
            "<s1sarl1:transmitterReceiverPolarisation>HV</s1sarl1:transmitterReceiverPolarisation>",
            "",
            "single polarisation HH",
        ),
    ],
)
def test_manifest_refusals(product, old, new, message):
    _edit(product / "manifest.safe", old, new)
    with pytest.raises(SceneFormatError, match=message) as caught:
        _open(product)
    text = str(caught.value)  # what it is, then what is expected or what to do
    assert "EW GRDM" in text or "pick" in text.lower()


def _measurement(product, pol):
    return next((product / "measurement").glob(f"*-{pol}-*.tiff"))


def test_missing_measurement_is_refused(product):
    _measurement(product, "hv").unlink()
    with pytest.raises(SceneFormatError, match=r"HV measurement .* is missing.*incomplete"):
        _open(product)


def test_truncated_measurement_is_refused(product):
    tiff = _measurement(product, "hh")
    tiff.write_bytes(tiff.read_bytes()[: tiff.stat().st_size // 2])
    with pytest.raises(SceneFormatError, match=r"HH measurement .* is truncated"):
        _open(product)


def test_corrupt_xml_is_refused(product):
    noise = next((product / "annotation" / "calibration").glob("noise-*-hv-*.xml"))
    noise.write_bytes(noise.read_bytes()[:5000])
    with _open(product) as opened, pytest.raises(SceneFormatError, match="not readable XML"):
        opened.noise("HV")
    manifest = product / "manifest.safe"
    manifest.write_bytes(manifest.read_bytes()[:3000])
    with pytest.raises(SceneFormatError, match=r"manifest.safe is not readable XML"):
        _open(product)


def test_grdh_pixel_spacing_is_refused(product):
    annotation = next((product / "annotation").glob("s1a-*-hh-*.xml"))
    _edit(annotation, "<rangePixelSpacing>4.000000e+01<", "<rangePixelSpacing>2.500000e+01<")
    with pytest.raises(SceneFormatError, match="pixel spacing 25 m, not the 40 m of GRDM"):
        _open(product)


def test_paths_that_are_not_products(tmp_path, pristine):
    with pytest.raises(SceneNotFoundError, match="does not exist"):
        Product(tmp_path / "nothing.zip")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(SceneFormatError, match="not a Sentinel-1 product"):
        Product(other)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(pristine.zip_path.read_bytes()[:1000])
    with pytest.raises(SceneFormatError, match="cannot be read as a zip"):
        Product(broken)
    empty = tmp_path / "empty.SAFE"
    empty.mkdir()
    with pytest.raises(SceneFormatError, match=r"holds no manifest.safe"):
        Product(empty)


def test_s1c_is_read_with_a_warning(product):
    _edit(product / "manifest.safe", "<safe:number>A<", "<safe:number>C<")
    with pytest.warns(ProductWarning, match="Sentinel-1C"):
        Product(product).close()


def test_old_ipf_range_only_noise_is_read_with_a_warning(product, pristine):
    """Before IPF 2.9 the noise annotation has range vectors only (``noiseVectorList``)."""
    _edit(product / "manifest.safe", 'version="003.52"', 'version="002.72"')
    for noise in (product / "annotation" / "calibration").glob("noise-*.xml"):
        text = noise.read_text(encoding="utf-8")
        text = text[: text.index("<noiseAzimuthVectorList")] + "</noise>\n"
        text = text.replace("noiseRangeVector", "noiseVector").replace("noiseRangeLut", "noiseLut")
        noise.write_text(text, encoding="utf-8")
    with pytest.warns(ProductWarning, match=r"IPF 2.72 .*range vectors only"):
        scene = SafeScene(product, required=())
    with scene:
        assert scene.product.noise("HV").schema.startswith("range vectors only")
        hv = scene.physical("nersc_sar_secondary")
        assert np.isfinite(hv).mean() > 0.9
        # without azimuth gains (~1.0-1.2) the noise is a little under-removed, never wild
        assert abs(np.nanmean(hv - pristine.truth("HV"))) < 1.0


def test_location_far_from_the_training_data_warns(pristine):
    with pytest.warns(ProductWarning, match=r"longitude .* standard deviations"):
        SafeScene(pristine.folder, required=()).close()


def test_scene_without_the_ancillary_channels_a_model_needs_is_refused(pristine):
    with pytest.raises(SceneFormatError, match=r"btemp_18_7h.*SAFE-only bundle"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProductWarning)
            SafeScene(pristine.folder, required=("nersc_sar_primary", "btemp_18_7h"))
