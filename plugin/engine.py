"""Run the engine (``<engine python> -m core --json COMMAND ...``) and follow its events.

Plain Python (subprocess, threads, json): the QGIS side wraps it in a QgsTask (``task.py``) or
calls it from a Processing algorithm's worker thread. The engine's heavy packages live only in
that child process; a crash there (segfault, out of memory, killed) ends the child, never QGIS.
"""

from __future__ import annotations

import json
import os
import queue
import signal

# The engine is our own module run by a known interpreter, with a fixed argv and no shell.
import subprocess  # nosec B404
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine_env import engine_python
from .paths import PLUGIN_DIR

LOG_LINES = 40  # stderr lines kept for a crash report
TERMINATE_GRACE_S = 10.0  # after SIGTERM, how long the engine may clean up before SIGKILL
# Variables of QGIS's own Python and libraries that would make the engine's Python or its
# wheels load the wrong modules or data (e.g. an older proj.db): never passed on.
HIDDEN_VARIABLES = (
    "PYTHONHOME",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PROJ_LIB",
    "PROJ_DATA",
    "GDAL_DATA",
    "GDAL_DRIVER_PATH",
)
NOT_SET_UP = (
    "The Sea Ice Mapper engine is not set up: press 'Set up engine' in the Sea Ice Mapper "
    "panel, or point the environment variable SEA_ICE_MAPPER_ENGINE_PYTHON at a Python that "
    "has the engine's packages (torch, netCDF4, rasterio, ...)."
)


@dataclass
class EngineOutcome:
    """How one engine run ended. Exactly one of result, error, cancelled, crashed holds."""

    command: str
    result: dict[str, Any] | None = None
    error: str | None = None  # the engine's own message for the analyst
    error_type: str | None = None  # its error class, e.g. "SceneFormatError"
    bug: bool = False  # the error is a bug of ours, not something the analyst can fix
    cancelled: bool = False
    crashed: bool = False  # ended without saying why: a signal, out of memory, a bug
    returncode: int | None = None
    warnings: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)  # each warning's level: info|warning|critical
    log: str = ""  # the last lines the engine wrote on stderr

    @property
    def ok(self) -> bool:
        return self.result is not None

    def notices(self) -> list[tuple[str, str]]:
        """(level, message) of each warning, the gravest first."""
        rank = {"critical": 0, "warning": 1, "info": 2}
        pairs = list(zip(self.levels, self.warnings))
        pairs += [("warning", w) for w in self.warnings[len(self.levels) :]]
        return sorted(pairs, key=lambda pair: rank.get(pair[0], 1))

    def message(self) -> str:
        """One line for the message bar."""
        if self.result is not None:
            return str(self.result.get("summary", f"{self.command} done"))
        if self.cancelled:
            return "Cancelled; nothing was written."
        if self.error:
            return self.error
        return crash_message(self.command, self.returncode)


def crash_message(command: str, returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        why = f"was killed by {name}"
        if name == "SIGKILL":
            why += " (out of memory, or killed from outside)"
    elif returncode is None:
        why = "could not be started"
    else:
        why = f"stopped with exit status {returncode} without saying why"
    return (
        f"The Sea Ice Mapper engine {why} during '{command}'. QGIS is unaffected and nothing "
        "half-written was kept; see the log, and use Diagnostics to report it."
    )


class EngineNotSetUpError(RuntimeError):
    pass


def engine_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN_VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def engine_command(python: Path, command: str, args: Sequence[str]) -> list[str]:
    return [str(python), "-m", "core", "--json", command, *args]


def _spawn(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603  # nosec B603
        argv,
        cwd=str(PLUGIN_DIR),  # `-m core` finds the engine beside the plugin
        env=engine_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


class Standby:
    """One engine process started ahead of time (``python -m core --json standby``): it has
    imported torch and the rest while the analyst picked a scene, so the next command starts
    at once. Each command uses it up; the next is started once that command has ended."""

    _lock = threading.Lock()
    _process: subprocess.Popen | None = None
    _python: Path | None = None

    @classmethod
    def prepare(cls, python: Path | None = None) -> None:
        """Start a standby engine for ``python`` (default: the configured one) if none is up."""
        python = python or engine_python()
        with cls._lock:
            alive = cls._process is not None and cls._process.poll() is None
            if alive and cls._python == python:
                return
            cls._stop_locked()
            if python is None:
                return
            try:
                cls._process = _spawn(engine_command(python, "standby", []))
                cls._python = python
            except OSError:  # the run itself will report it
                cls._process = None

    @classmethod
    def take(cls, python: Path) -> subprocess.Popen | None:
        """The standby process for ``python`` if one is alive (it is then the caller's)."""
        with cls._lock:
            process, cls._process = cls._process, None
            if process is None:
                return None
            if process.poll() is None and cls._python == python:
                return process
            cls._end(process)
            return None

    @classmethod
    def stop(cls) -> None:
        """End the standby engine (the plugin is unloaded, or the engine changed)."""
        with cls._lock:
            cls._stop_locked()

    @classmethod
    def _stop_locked(cls) -> None:
        if cls._process is not None:
            cls._end(cls._process)
        cls._process = None

    @staticmethod
    def _end(process: subprocess.Popen) -> None:
        try:
            if process.stdin is not None:
                process.stdin.close()  # a standby exits at the end of its input
            process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


Events = Callable[[dict[str, Any]], None]


class EngineRun:
    """One engine process: start it, follow its events, cancel it, collect how it ended."""

    def __init__(
        self,
        command: str,
        args: Sequence[str],
        python: Path | None = None,
        standby: bool = False,
    ) -> None:
        self.command = command
        self.standby = standby  # use the standby engine, and prepare the next one afterwards
        self.args = [str(a) for a in args]
        self.python = python or engine_python()
        self.process: subprocess.Popen | None = None
        self.stage = "starting"
        self.fraction = 0.0
        self._stderr: deque[str] = deque(maxlen=LOG_LINES)
        self._events: queue.Queue = queue.Queue()

    @property
    def argv(self) -> list[str]:
        return engine_command(self.python or Path("<engine python>"), self.command, self.args)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def _read_stdout(self, stream) -> None:
        for line in stream:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
            except ValueError:  # not ours (a library printing): keep it for the log
                self._stderr.append(line)
                continue
            if isinstance(event, dict):
                self._events.put(event)
        self._events.put(None)  # end of stream

    def _read_stderr(self, stream) -> None:
        for line in stream:
            self._stderr.append(line.rstrip("\n"))

    def start(self) -> None:
        if self.python is None:
            raise EngineNotSetUpError(NOT_SET_UP)
        process = Standby.take(self.python) if self.standby else None
        if process is not None and process.stdin is not None:
            try:  # the standby reads one JSON list of arguments, then runs it
                process.stdin.write(json.dumps([self.command, *self.args]) + "\n")
                process.stdin.close()
            except OSError:  # it died meanwhile: start afresh
                process = None
        if process is None:
            process = _spawn(self.argv)
            if process.stdin is not None:
                process.stdin.close()
        self.process = process
        for target, stream in (
            (self._read_stdout, process.stdout),
            (self._read_stderr, process.stderr),
        ):
            threading.Thread(target=target, args=(stream,), daemon=True).start()

    def terminate(self) -> None:
        """SIGTERM (the engine removes its staging folders and exits 130), SIGKILL if it lingers."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(TERMINATE_GRACE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def follow(
        self,
        on_event: Events | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> EngineOutcome:
        """Start the engine if needed and block until it ends; ``on_event`` sees each event."""
        outcome = EngineOutcome(self.command)
        try:
            if self.process is None:
                self.start()
        except EngineNotSetUpError as error:
            outcome.error, outcome.error_type = str(error), "EngineNotSetUp"
            return outcome
        except OSError as error:
            outcome.error = f"The engine Python {self.python} cannot be started: {error}"
            outcome.error_type = "EngineNotSetUp"
            return outcome
        ended = False
        while not ended:
            if is_cancelled is not None and is_cancelled() and not outcome.cancelled:
                outcome.cancelled = True
                threading.Thread(target=self.terminate, daemon=True).start()
            try:
                event = self._events.get(timeout=0.1)
            except queue.Empty:
                continue
            if event is None:
                ended = True
                continue
            self._apply(event, outcome)
            if on_event is not None:
                on_event(event)
        outcome.returncode = self.process.wait() if self.process is not None else None
        if self.standby:
            Standby.prepare(self.python)  # ready for the next command
        time.sleep(0.05)  # let the stderr reader catch the last lines
        outcome.log = "\n".join(self._stderr)
        if outcome.cancelled:
            outcome.result, outcome.error = None, None
        elif outcome.result is None and outcome.error is None:
            outcome.crashed = True
        return outcome

    def _apply(self, event: dict[str, Any], outcome: EngineOutcome) -> None:
        kind = event.get("event")
        if kind == "stage":
            self.stage = str(event.get("stage", self.stage))
            self.fraction = float(event.get("fraction", self.fraction))
        elif kind == "warning":
            outcome.warnings.append(str(event.get("message", "")))
            outcome.levels.append(str(event.get("level", "warning")))
        elif kind == "result":
            outcome.result = event.get("result") or {}
        elif kind == "error":
            outcome.error = str(event.get("message", "The engine reported an error."))
            outcome.error_type = str(event.get("type", "Error"))
            outcome.bug = bool(event.get("bug", False))
            if outcome.error_type == "Interrupted":
                outcome.cancelled = True


def run_engine(
    command: str,
    args: Sequence[str],
    on_event: Events | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> EngineOutcome:
    """Run one engine command to its end (blocking: call it from a worker thread)."""
    return EngineRun(command, args).follow(on_event, is_cancelled)
