"""Run many ``python -m core`` command lines in one process (torch loads once), as the CLI does.

Usage: ``python cli_driver.py CASES.json RESULTS.json``. Each case's argv goes to
``core.cli.main`` with its environment; stdout/stderr are captured, and anything that escapes
``main`` (which ``python -m core`` would print as a traceback) is recorded as ``traceback``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.cli import main  # noqa: E402 (path set above)
from training.cli import main as training_main  # noqa: E402


def run_case(case: dict) -> dict:
    saved = dict(os.environ)
    os.environ.update(case.get("env", {}))
    out, err = io.StringIO(), io.StringIO()
    code, trace = None, ""
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            argv = [os.fsdecode(os.fsencode(a)) for a in case["argv"]]
            if argv[0] == "training":  # python -m training ...
                code = training_main(argv[1:])
            else:
                code = main(argv)
    except SystemExit as exit_:  # argparse
        code = exit_.code if isinstance(exit_.code, int) else 2
    except BaseException:  # what `python -m core` would show as a traceback
        trace = traceback.format_exc()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(), "traceback": trace}


if __name__ == "__main__":
    cases = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    results = [run_case(case) for case in cases]
    Path(sys.argv[2]).write_text(json.dumps(results), encoding="utf-8")
