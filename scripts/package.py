"""Build the installable plugin zip from committed files: ``make package``.

    .venv/bin/python scripts/package.py [--out build] [--ref HEAD]

The zip holds one folder, ``sea_ice_mapper/``, with what QGIS runs: metadata, the plugin, the
core, resources (styles, icon, bundled weights), README and licence. Training, tests,
benchmarks, scripts, docs and development files stay out. Only committed content goes in
(``git archive``), so a dirty working tree cannot leak into a release.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess  # nosec B404: git with fixed arguments, no shell
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.about import about  # noqa: E402

FOLDER = "sea_ice_mapper"
SHIPPED = ("metadata.txt", "__init__.py", "LICENSE", "README.md", "plugin", "core", "resources")
LEFT_OUT = ("core/ruff.toml",)  # lint settings of the development tree


def package_name() -> str:
    return f"{FOLDER}-{about().version}.zip"


def build_package(out_dir: Path, ref: str = "HEAD") -> Path:
    git = shutil.which("git")
    if git is None:
        raise SystemExit("git is needed to package committed files; install git.")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / package_name()
    partial = target.with_suffix(".zip.part")
    pathspecs = [*SHIPPED, *(f":(exclude){path}" for path in LEFT_OUT)]
    command = [
        git,
        "-C",
        str(REPO),
        "archive",
        "--format=zip",
        f"--prefix={FOLDER}/",
        "-o",
        str(partial),
        ref,
        "--",
        *pathspecs,
    ]
    subprocess.run(command, check=True)  # noqa: S603  # nosec B603: git, list arguments
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build")
    parser.add_argument("--ref", default="HEAD", help="the commit to package (default HEAD)")
    args = parser.parse_args(argv)
    path = build_package(args.out, args.ref)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
