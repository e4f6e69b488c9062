"""metadata.txt is valid for the QGIS plugin repository and is the single source of version."""

import configparser
import re

from core.about import METADATA_PATH, about
from repo_paths import REPO_ROOT

REQUIRED = [
    "name",
    "qgisMinimumVersion",
    "description",
    "about",
    "version",
    "author",
    "email",
    "repository",
    "tracker",
    "homepage",
    "category",
    "tags",
    "icon",
    "hasProcessingProvider",
    "experimental",
    "changelog",
]


def read_metadata() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(METADATA_PATH, encoding="utf-8")
    return parser["general"]


def test_metadata_has_every_field_the_plugin_repository_requires():
    general = read_metadata()
    missing = [key for key in REQUIRED if not general.get(key, "").strip()]
    assert missing == []
    assert general["name"] == "Sea Ice Mapper"
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["category"] == "Raster"
    assert general["hasProcessingProvider"] == "yes"
    assert (REPO_ROOT / general["icon"]).is_file()


def test_about_reads_name_and_version_from_metadata():
    general = read_metadata()
    info = about()
    assert info.name == general["name"]
    assert info.version == general["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", info.version)


def test_about_follows_the_file_it_is_given(tmp_path):
    other = tmp_path / "metadata.txt"
    other.write_text(
        "[general]\nname=X\nversion=9.8.7\nqgisMinimumVersion=3.28\nrepository=r\n"
        "about=100 % plain\n",
        encoding="utf-8",
    )
    assert about(other).version == "9.8.7"
