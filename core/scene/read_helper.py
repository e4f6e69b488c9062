"""A second process that reads bands of scene files: ``ReadHelper`` starts and talks to it,
``main`` is the process itself (``python -m core.scene.read_helper``).

It only makes reading faster (``bands.read_strided`` shares the bands): anything that goes wrong
with it makes ``read`` return None, and the caller reads that band itself. The protocol, on
its stdin and stdout, never pickles: one JSON line per request; per reply one JSON line,
``{"dtype", "shape"}`` followed by the array's bytes, or ``{"error"}``. The process ends when
its stdin closes, so it cannot outlive the process that started it, even one killed with -9.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess  # nosec B404
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from ..interrupts import interrupts_deferred

if TYPE_CHECKING:
    from .bands import Band

# The folder holding the top-level package (``core``, or the plugin's folder when this is
# ``sea_ice_mapper.core.scene.read_helper``): the helper must import the same code as we do.
ROOT = Path(__file__).resolve().parents[__name__.count(".")]
RELEASE_WAIT_S = 30.0  # a band takes well under a second; a helper slower than this is stuck
STOP_WAIT_S = 2.0


class ReadHelper:
    """The helper process; ``with read_helper() as helper:`` starts one (or takes the spare)
    and stops it, and gives None where a second process would not help (one core) or cannot
    start."""

    _spare: ReadHelper | None = None  # started ahead by a standby engine

    def __init__(self, process: subprocess.Popen) -> None:
        self._process = process
        self._lock = threading.Lock()  # one request and its reply at a time
        self._ready = False
        self._broken = False
        self._open: str | None = None  # the file the helper holds open
        self.delivered = 0  # bands read by the helper, for run records and tests

    @classmethod
    def start_spare(cls) -> None:
        """Start one now for the next ``read_helper()``: its start-up (an interpreter, numpy
        and netCDF) is then off the clock, as a standby engine's imports are."""
        if cls._spare is None:
            cls._spare = cls.start()

    @classmethod
    def start(cls) -> ReadHelper | None:
        spare, cls._spare = cls._spare, None
        if spare is not None and spare._process.poll() is None:
            return spare
        if (os.cpu_count() or 1) < 2 or not sys.executable:
            return None
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        try:
            with interrupts_deferred():  # a process we start is a process we stop
                process = subprocess.Popen(  # noqa: S603  # nosec B603
                    [sys.executable, "-m", __name__],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    cwd=str(ROOT),
                    env=env,
                )
        except OSError:
            return None
        return cls(process)

    def __enter__(self) -> ReadHelper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int:
        return self._process.pid

    def wait_ready(self) -> bool:
        """Wait until the process has started (imported what it reads with); False if it
        cannot. Reads do it themselves: this is for timing start-up apart."""
        with self._lock:
            return self._wait_ready()

    def _wait_ready(self) -> bool:
        if not (self._ready or self._broken):
            try:
                self._ready = _reply_header(self._process.stdout).get("ready") is True
            except (OSError, ValueError):
                pass
            if not self._ready:
                self._broken = True
                self._stop()
        return self._ready

    def read(self, path: Path, band: Band, step: int) -> np.ndarray | None:
        """The band as ``bands.read_band`` gives it, or None if the helper could not read it."""
        with self._lock:
            if not self._wait_ready():
                return None
            try:
                where = str(path.resolve())
                request = {"path": where, "name": band.name, "step": step}
                self._send({**request, "top": band.top, "bottom": band.bottom})
                self._open = where
                header = _reply_header(self._process.stdout)
                if "error" in header:
                    return None  # read here, to raise the error as reading alone would
                values = _reply_array(self._process.stdout, header)
                self.delivered += 1
                return values
            except (OSError, ValueError, TypeError, KeyError):
                self._broken = True  # the protocol is out of step, or the process gone
                self._stop()
                return None

    def release(self) -> None:
        """Let the helper close the file it holds open (files are not kept open between
        scenes); waits for a read in flight."""
        if not self._lock.acquire(timeout=RELEASE_WAIT_S):
            self._broken = True
            self._stop()
            return
        try:
            if self._open is not None and not self._broken:
                self._send({"release": True})
            self._open = None
        except OSError:
            self._broken = True
            self._stop()
        finally:
            self._lock.release()

    def close(self) -> None:
        self._broken = True
        self._stop()

    def _send(self, request: dict[str, Any]) -> None:
        stdin = self._process.stdin
        if stdin is None:
            raise OSError("the helper has no stdin")
        stdin.write(json.dumps(request).encode() + b"\n")
        stdin.flush()

    def _stop(self) -> None:
        """Close its stdin (it ends after the band in hand); kill it if it lingers."""
        with interrupts_deferred():
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()
            except OSError:
                pass
            try:
                self._process.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()


@contextmanager
def read_helper() -> Iterator[ReadHelper | None]:
    helper = ReadHelper.start()
    try:
        yield helper
    finally:
        if helper is not None:
            helper.close()


def _reply_header(stream: IO[bytes] | None) -> dict[str, Any]:
    line = stream.readline() if stream is not None else b""
    if not line:
        raise OSError("the helper ended")
    header = json.loads(line)
    if not isinstance(header, dict):
        raise ValueError("not a reply header")
    return header


def _reply_array(stream: IO[bytes] | None, header: dict[str, Any]) -> np.ndarray:
    dtype = np.dtype(str(header["dtype"]))
    shape = tuple(int(n) for n in header["shape"])
    if dtype.kind not in "fiub" or len(shape) != 2 or min(shape) < 0:
        raise ValueError(f"unexpected reply {header}")
    size = dtype.itemsize * shape[0] * shape[1]
    data = stream.read(size) if stream is not None else b""
    if len(data) != size:
        raise OSError("the helper ended inside a reply")
    return np.frombuffer(data, dtype).reshape(shape)


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    from .bands import Band, read_band
    from .reader import Scene

    replies.write(b'{"ready": true}\n')
    replies.flush()
    scene: Scene | None = None
    for line in requests:
        request = json.loads(line)
        if request.get("release"):
            if scene is not None:
                scene.close()
            scene = None
            continue
        try:
            if scene is None or str(scene.path) != request["path"]:
                if scene is not None:
                    scene.close()
                scene = None
                scene = Scene.unchecked(Path(request["path"]))
            band = Band(request["name"], int(request["top"]), int(request["bottom"]))
            values = np.ascontiguousarray(read_band(scene, band, int(request["step"])))
        except Exception as error:  # reported; the caller reads the band itself
            replies.write(json.dumps({"error": f"{type(error).__name__}: {error}"}).encode())
            replies.write(b"\n")
        else:
            header = {"dtype": values.dtype.str, "shape": list(values.shape)}
            replies.write(json.dumps(header).encode() + b"\n")
            replies.write(values.tobytes())  # a copy of 1 MB at most: a band's kept pixels
        replies.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the caller; our stdin ends us
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a library's print cannot corrupt replies
    try:
        _serve(sys.stdin.buffer, replies)
    except BrokenPipeError:  # the caller went away mid-reply
        pass


if __name__ == "__main__":
    main()
