"""The model, loaded: ``LoadedModel``, and ``ModelLoader``, which loads it in a background thread.

A fresh process spends about a second importing torch and as long again reading its first
scene (netCDF decompression, which releases the GIL). ``ModelLoader`` lets the two overlap:
its thread imports torch, reads and checks the weights and folds batch norm while the caller
opens and reads the scene; ``get()`` waits for the model right before the forward pass. For
that, the modules that open and read a scene (run.py, batch.py and what they import) must not
import torch at their top: torch and the modules that do (forward.py, device.py, model/unet.py,
model/bundle.py) are imported in ``LoadedModel.load``, in the thread, and in ``infer``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..interrupts import interrupts_deferred
from ..model.manifest import Manifest, read_manifest, resolve_weights
from .memory import keep_freed_memory

if TYPE_CHECKING:
    from ..model.unet import MultiTaskUNet
    from .device import DeviceChoice


@dataclass
class LoadedModel:
    model: MultiTaskUNet
    manifest: Manifest
    device: DeviceChoice
    path: Path
    load_seconds: float = 0.0
    load_recorded: bool = False  # a run.json counted the loading already (batches load once)

    @classmethod
    def load(cls, weights: Path | None = None, device: str = "auto") -> LoadedModel:
        start = time.perf_counter()
        keep_freed_memory()  # every process that predicts loads a model first
        import torch

        from ..model.bundle import load_bundle
        from ..model.unet import fold_batch_norm
        from .device import choose_device

        choice = choose_device(device)
        path = resolve_weights(weights)
        model, manifest = load_bundle(path, choice.device)
        model = fold_batch_norm(model)
        model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        return cls(model, manifest, choice, path, time.perf_counter() - start)


CLOSE_WAIT_S = 10.0  # importing torch takes 1 s, a few on a busy machine; the plugin's grace


class ModelLoader:
    """Loads a model in a thread started on entering its ``with`` block; ``get()`` waits for
    it and returns it, or raises what loading raised (a bad weights file, an unavailable device),
    unchanged.

    The manifest is read here, in the caller's thread: reading a scene needs it, and a missing
    or malformed manifest fails at once, as before any loading. Leaving the block waits for the
    thread: the process must not exit while the thread is inside ``import torch``.
    """

    def __init__(self, weights: Path | None = None, device: str = "auto") -> None:
        self.path = resolve_weights(weights)
        self.manifest = read_manifest(self.path)
        self._loaded: LoadedModel | None = None
        self._error: BaseException | None = None
        self._cancelled = threading.Event()
        # Waits are on this event, never on Thread.join(): in Python 3.11 an interrupted join()
        # marks the thread as ended while it still runs (and ``threading._shutdown`` trusts it).
        self._done = threading.Event()
        # A daemon: only a wait that ran out (see close) leaves it running at exit.
        self._thread = threading.Thread(
            target=self._load, args=(device,), name="model loader", daemon=True
        )

    def _load(self, device: str) -> None:
        try:
            from . import forward  # noqa: F401 (imports torch and the model: most of the time)

            if not self._cancelled.is_set():  # the caller gave up meanwhile (interrupted)
                self._loaded = LoadedModel.load(self.path, device)
        except BaseException as error:  # the caller's to raise, from get()
            self._error = error
        finally:
            self._done.set()

    def failed_with(self, error: BaseException) -> bool:
        """Whether ``error`` is the loading's own (raised again by ``get()``)."""
        return error is self._error

    def get(self) -> LoadedModel:
        """The model, once loaded; an interrupt (SIGINT/SIGTERM) while waiting is raised."""
        if self._thread.ident is None:
            raise RuntimeError("ModelLoader.get() outside its with block: nothing is loading")
        self._done.wait()
        if self._error is not None:
            raise self._error
        if self._loaded is None:
            raise RuntimeError("the model loader was closed before the model was loaded")
        return self._loaded

    def close(self) -> None:
        """Let the thread stop early and wait for it, through further interrupts too (the first
        is already unwinding the program); one that came meanwhile is raised after. The wait is
        bounded: an interrupt that lands as another thread takes Python's import lock can leave
        that lock held for good (a CPython hazard), and then the thread never ends."""
        self._cancelled.set()
        if self._thread.ident is None:  # never started
            return
        interrupted: KeyboardInterrupt | None = None
        deadline = time.monotonic() + CLOSE_WAIT_S
        while not self._done.is_set() and time.monotonic() < deadline:
            try:
                self._done.wait(max(deadline - time.monotonic(), 0.0))
            except KeyboardInterrupt as signal:
                interrupted = signal
        if self._done.is_set():
            try:
                self._thread.join()  # the thread is ending: at once
            except KeyboardInterrupt as signal:
                interrupted = signal
        if interrupted is not None:
            raise interrupted

    def __enter__(self) -> ModelLoader:
        """Start loading. An interrupt while the thread starts is raised once it has ended
        (``__exit__`` does not run when ``__enter__`` raises)."""
        try:
            with interrupts_deferred():  # start() is not cut short: the thread runs, or not
                self._thread.start()
        except BaseException:
            if self._thread.ident is not None:  # an interrupt noted while it started
                self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
