"""Publish one output, the way the project does, for the fault-injection and race tests.

``python publish_worker.py KIND DEST NAME TAG [--overwrite]``: KIND ``folder`` (a folder with
three files), ``set`` (a shapefile-like set of files), ``file`` (one file). Every file holds
TAG, so a test can tell whose output it sees. Exit 0 when published, 2 with a one-line message
when refused; with SEA_ICE_MAPPER_KILL_AT_STEP=N the publisher SIGKILLs itself at step N.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.errors import SeaIceMapperError  # noqa: E402 (path set above)
from core.output.folder import atomic_file, atomic_folder, atomic_outputs  # noqa: E402

FOLDER_FILES = ("a.tif", "b.tif", "run.json")
SET_SUFFIXES = (".shp", ".shx", ".dbf", ".prj")


def set_names(name: str) -> list[str]:
    return [name + suffix for suffix in SET_SUFFIXES]


def publish(kind: str, dest: Path, name: str, tag: str, overwrite: bool) -> None:
    if kind == "folder":
        with atomic_folder(dest / name, overwrite) as staging:
            for file in FOLDER_FILES:
                (staging / file).write_text(tag)
    elif kind == "set":
        names = set_names(name)
        with atomic_outputs(dest, names, key=names[0], overwrite=overwrite) as staging:
            for file in names:
                (staging / file).write_text(tag)
    else:
        with atomic_file(dest / name, overwrite) as tmp:
            tmp.write_text(tag)


if __name__ == "__main__":
    kind, dest, name, tag = sys.argv[1:5]
    try:
        publish(kind, Path(dest), name, tag, "--overwrite" in sys.argv)
    except SeaIceMapperError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
