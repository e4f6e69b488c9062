"""Full-grid variables read every ``step``-th pixel, in bands of whole chunk rows, the bands
shared between this process and a ``ReadHelper`` when there is one.

Decompressing the four full-grid inputs is most of a prediction's time on a CPU, and netCDF-C
and HDF5 cannot read one file from two threads. A second process can: this process takes bands
from the front of the list while a thread feeds the helper bands from the back, until none are
left. Either side may be slower or start late; neither waits for the other. A band the helper
cannot deliver (it never started, died, or its read failed) is read here, so the values, and
any error, are exactly those of reading alone.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .read_helper import ReadHelper
    from .reader import Scene

BAND_LINES = 500  # full-grid lines per band, rounded to whole rows of chunks


@dataclass(frozen=True)
class Band:
    name: str
    top: int
    bottom: int

    def first(self, step: int) -> int:
        """Offset of the band's first line that is a multiple of ``step``."""
        return -self.top % step

    def kept_shape(self, step: int, samples: int) -> tuple[int, int]:
        return len(range(self.first(step), self.bottom - self.top, step)), -(-samples // step)


def band_lines(chunks: tuple[int, ...] | None) -> int:
    """Lines per band: whole rows of the file's chunks, about ``BAND_LINES`` or one chunk row.

    A band that ends inside a row of chunks leaves those chunks to be decompressed again by the
    next band (unless the chunk cache holds a whole row of them): on a file chunked
    1024 × 1024, 500-line bands with a 16 MB cache read 2.7 times slower than one strided read.
    Bands of whole chunk rows decompress every chunk exactly once, whatever the cache.
    """
    if not chunks:
        return BAND_LINES
    return chunks[0] * max(1, BAND_LINES // chunks[0])


def bands_of(scene: Scene, name: str, step: int) -> list[Band]:
    """The bands of ``name`` that hold at least one line kept at ``step``."""
    lines = scene.info.shape[0]
    size = band_lines(scene.chunk_shape(name))
    bands = (Band(name, top, min(top + size, lines)) for top in range(0, lines, size))
    return [band for band in bands if band.kept_shape(step, 1)[0] > 0]


def read_band(scene: Scene, band: Band, step: int) -> np.ndarray:
    """The band's every ``step``-th line and sample, in the file's dtype."""
    values = scene.read(band.name, window=(slice(band.top, band.bottom), slice(None)))
    return values[band.first(step) :: step, ::step]


def read_strided(
    scene: Scene,
    names: Sequence[str],
    step: int,
    helper: ReadHelper | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> dict[str, np.ndarray]:
    """Every ``step``-th pixel of each full-grid variable in ``names``, as float32."""
    lines, samples = scene.info.shape
    out = {name: np.empty((-(-lines // step), -(-samples // step)), np.float32) for name in names}
    pending = deque(band for name in names for band in bands_of(scene, name, step))
    total, lock = len(pending), threading.Lock()

    def take(front: bool) -> Band | None:
        with lock:
            if not pending:
                return None
            return pending.popleft() if front else pending.pop()

    def store(band: Band, values: np.ndarray) -> None:
        row = (band.top + band.first(step)) // step
        out[band.name][row : row + values.shape[0]] = values

    helped = threading.Event()
    if helper is not None and scene.reads_shareable and total > 1:

        def feed_helper() -> None:
            try:
                while (band := take(front=False)) is not None:
                    values = helper.read(scene.path, band, step)
                    if values is None or values.shape != band.kept_shape(step, samples):
                        with lock:
                            pending.append(band)  # read here instead
                        return
                    store(band, values)
            finally:
                helped.set()

        threading.Thread(target=feed_helper, name="read helper feed", daemon=True).start()
    else:
        helped.set()
    try:
        while True:
            while (band := take(front=True)) is not None:
                store(band, read_band(scene, band, step))
                if on_progress is not None:
                    on_progress(1 - len(pending) / total)
            if helped.is_set() and not pending:
                break
            helped.wait()  # the helper's last band, or bands it gave back
    finally:
        with lock:
            pending.clear()  # after an error here the helper starts nothing more
        if helper is not None:
            helper.release()
    return out
