"""Write the QGIS styles of resources/styles/ from core's class tables.

Run from the repository root: ``.venv/bin/python scripts/make_styles.py``. A test fails when
the committed files differ from what this writes, so the tables stay the only source.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.icechart.qml import all_styles  # noqa: E402 (path set above)

STYLES_DIR = ROOT / "resources" / "styles"


def main() -> None:
    STYLES_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in all_styles().items():
        (STYLES_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {STYLES_DIR / name}")


if __name__ == "__main__":
    main()
