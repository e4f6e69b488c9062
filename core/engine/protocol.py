"""How a command talks to whoever started it: human text, or JSON lines for the plugin.

A command gets an ``Output`` and calls ``stage``, ``warning`` and ``result`` on it; it never
prints. ``run_command`` picks the form, turns errors into the exit codes below, and in JSON
mode keeps stdout for events alone (a stray ``print`` goes to stderr).

JSON events, one object per line on stdout::

    {"event": "stage", "stage": "model", "fraction": 0.42}
    {"event": "warning", "message": "..."}
    {"event": "result", "command": "predict", "result": {...}}
    {"event": "error", "type": "SceneFormatError", "message": "...", "bug": false}

``bug`` is true for an unexpected exception (a bug of ours; in JSON mode its traceback is on
stderr, for the plugin's log) and false for an error the analyst can fix (the message says how).

Exit codes: 0 done; 1 some scenes of a batch failed (the result lists them); 2 an error (an
``error`` event says which); 3 a bug of ours; 130 interrupted (SIGINT, or SIGTERM from the
plugin's Cancel).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from typing import Any, TextIO

from ..errors import SeaIceMapperError
from ..progressbar import ProgressBar

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_ERROR = 2
EXIT_BUG = 3  # an unexpected exception: a bug of ours
EXIT_INTERRUPTED = 130


class Interrupted(KeyboardInterrupt):
    """SIGTERM, raised where the program is so ``finally`` blocks remove staging folders."""


class Output:
    """The human form: progress bar and warnings on stderr, the result's text on stdout."""

    json = False

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.quiet = False
        self._bar: ProgressBar | None = None

    def begin(self, title: str) -> None:
        """A new progress bar (human form only), e.g. one per scene of a batch."""
        self._bar = None if self.quiet else ProgressBar(title, self.stderr)

    def stage(self, stage: str, fraction: float) -> None:
        if self._bar is not None:
            self._bar(stage, fraction)

    def warning(self, message: str, level: str = "warning") -> None:
        print(f"{level}: {message}", file=self.stderr)

    def result(self, command: str, result: dict[str, Any], text: str) -> None:
        print(text, file=self.stdout)

    def error(self, kind: str, message: str, bug: bool = False) -> None:
        print(f"error: {message}", file=self.stderr)


class JsonOutput(Output):
    """The plugin's form: one JSON object per line on the real stdout, flushed at once."""

    json = True
    STEP = 0.01  # stage events closer than this within one stage are left out

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        super().__init__(stdout, stderr)
        self._last: tuple[str, float] = ("", -1.0)

    def _emit(self, event: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.stdout.flush()

    def begin(self, title: str) -> None:
        pass

    def stage(self, stage: str, fraction: float) -> None:
        fraction = round(float(fraction), 4)
        last_stage, last_fraction = self._last
        if stage == last_stage and fraction - last_fraction < self.STEP and fraction < 1:
            return
        self._last = (stage, fraction)
        self._emit({"event": "stage", "stage": stage, "fraction": fraction})

    def warning(self, message: str, level: str = "warning") -> None:
        self._emit({"event": "warning", "message": message, "level": level})

    def result(self, command: str, result: dict[str, Any], text: str) -> None:
        print(text, file=self.stderr)
        self._emit({"event": "result", "command": command, "result": result})

    def error(self, kind: str, message: str, bug: bool = False) -> None:
        self._emit({"event": "error", "type": kind, "message": message, "bug": bug})


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(f"stopped by signal {signum}")


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (the plugin's Cancel) unwinds like Ctrl+C, so nothing half-written remains."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    except ValueError:  # not the main thread (a test calling main() from a worker)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


Command = Callable[[Any, Output], int]
DEBUG_ENV = "SEA_ICE_MAPPER_DEBUG"  # set: a person also sees the traceback of a bug
_OUR_PACKAGE = __name__.rsplit(".engine.", 1)[0]  # "core", or "<plugin>.core" inside QGIS


@contextmanager
def _warnings_as_events(out: Output) -> Iterator[None]:
    """Our own warnings (e.g. a product from outside the training area) reach the analyst as
    warning events; other packages' warnings stay Python's business."""
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if category.__module__.startswith(_OUR_PACKAGE):
                out.warning(str(message))
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def run_command(command: Command, args: Any, out: Output) -> int:
    """Run ``command(args, out)``; every way it can end becomes an exit code (and, for an
    error, one ``error`` event or line)."""
    try:
        with _sigterm_interrupts(), _warnings_as_events(out):
            if out.json:
                with redirect_stdout(out.stderr):  # keep the event stream clean
                    return command(args, out)
            return command(args, out)
    except SeaIceMapperError as error:
        out.error(type(error).__name__, str(error))
        return EXIT_ERROR
    except KeyboardInterrupt:
        out.error("Interrupted", "Interrupted; nothing half-written was left behind.")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug of ours: one line for a person, the traceback for a log
        from ..failures import describe_failure

        if out.json or os.environ.get(DEBUG_ENV):
            traceback.print_exc(file=out.stderr)
        out.error(
            type(error).__name__,
            f"The engine failed unexpectedly: {describe_failure(error)}. This is a bug; please "
            f"report it with the log (set {DEBUG_ENV}=1 to print the traceback).",
            bug=True,
        )
        return EXIT_BUG
