"""Where a product's files are: a ``.SAFE`` folder or the product ``.zip``, read without unpacking.

XML comes out through ``zipfile`` (or the file system); measurement TIFFs are handed to GDAL as
``/vsizip/`` paths, so a 450 MB zip is never extracted.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from ..errors import SceneFormatError, SceneNotFoundError

MANIFEST = "manifest.safe"


def is_safe_product(path: str | Path) -> bool:
    """Whether ``path`` names a Sentinel-1 product rather than a ready-to-train file: a
    ``.SAFE`` folder (or any folder holding manifest.safe), a ``manifest.safe``, or a ``.zip``."""
    path = Path(path)
    if path.name.lower() == MANIFEST or path.suffix.lower() in (".safe", ".zip"):
        return True
    return path.is_dir() and (path / MANIFEST).is_file()


class Container:
    """Files of one product, addressed by their path relative to the product folder."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.exists():
            raise SceneNotFoundError(
                f"{str(path)!r} does not exist. Expected a Sentinel-1 product: a '.SAFE' folder, "
                "its 'manifest.safe' or the product '.zip'; check the path."
            )
        self.source = path
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        if path.is_dir():
            self.root: Path | None = path
        elif path.name.lower() == MANIFEST:
            self.root = path.parent
        elif path.suffix.lower() == ".zip":
            self.root = None
            self._open_zip(path)
        else:
            raise SceneFormatError(
                f"{path.name} is not a Sentinel-1 product: expected a '.SAFE' folder, its "
                "'manifest.safe' or the product '.zip'."
            )
        if not self.exists(MANIFEST):
            raise SceneFormatError(
                f"{path.name} holds no manifest.safe, so it is not a Sentinel-1 SAFE product. "
                "Pick the '.SAFE' folder or the '.zip' as downloaded."
            )

    def _open_zip(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise SceneFormatError(
                f"{path.name} cannot be read as a zip file ({error}); it is probably truncated. "
                "Download the product again."
            ) from error
        manifests = [n for n in self._zip.namelist() if PurePosixPath(n).name == MANIFEST]
        manifests.sort(key=lambda n: n.count("/"))
        if manifests and manifests[0].count("/") <= 1:
            self._prefix = manifests[0][: -len(MANIFEST)]

    @property
    def name(self) -> str:
        """The product name (``S1A_EW_GRDM_1SDH_…``) as the folder or zip is called."""
        if self.root is not None:
            return self.root.name.removesuffix(".SAFE")
        return (self._prefix.rstrip("/") or self.source.stem).removesuffix(".SAFE")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def _archive(self) -> zipfile.ZipFile:
        if self._zip is None:
            raise SceneFormatError(f"{self.source.name} is closed.")
        return self._zip

    def _member(self, relative: str) -> str:
        return self._prefix + str(PurePosixPath(relative.removeprefix("./")))

    def exists(self, relative: str) -> bool:
        if self.root is not None:
            return (self.root / relative).is_file()
        try:
            self._archive().getinfo(self._member(relative))
        except KeyError:
            return False
        return True

    def size(self, relative: str) -> int:
        if self.root is not None:
            return (self.root / relative).stat().st_size
        return self._archive().getinfo(self._member(relative)).file_size

    def read_bytes(self, relative: str) -> bytes:
        if not self.exists(relative):
            raise SceneFormatError(
                f"{self.name}: {relative} is listed in manifest.safe but missing from the product. "
                "The download is incomplete; fetch the product again."
            )
        if self.root is not None:
            return (self.root / relative).read_bytes()
        try:
            return self._archive().read(self._member(relative))
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise SceneFormatError(
                f"{self.name}: cannot read {relative} from the zip ({error}); download it again."
            ) from error

    def gdal_path(self, relative: str) -> str:
        """A path GDAL/rasterio opens directly (``/vsizip/`` inside a zip)."""
        if self.root is not None:
            return str(self.root / relative)
        return f"/vsizip/{self.source.resolve()}/{self._member(relative)}"
