"""Keep freed memory in the process for the next array of about the same size, instead of
handing it back at once.

glibc's malloc gives every allocation above its threshold (128 kB, rising with the largest one
freed) its own fresh pages and returns them when freed, so each model activation (up to 35 MB
for a full scene), band and output grid (26 MB) is a new run of page faults, which are slow on
a virtual machine: on the 2-core Zen 3 VM of the benchmarks the scoring form of a full scene took
about 1.0-1.1 s with them and 0.91-0.92 s with this. Arrays up to 40 MB now come from the heap
and are reused; larger ones (a 104 MB SAR band) still get their own pages and give them back,
and the heap is trimmed above 64 MB free. Keeping everything (thresholds of 256 MB) was no
faster and raised the peak memory of a run with SAR layers by 180 MB. What the heap still keeps
is handed back before the SAR display layers, the run's largest arrays (``release_freed_memory``):
a fresh run with every layer then peaked at 650-690 MB instead of 740-840 MB in most runs, no
slower (about 800 MB when HV is read while HH is still being written). Only glibc has
``mallopt`` and ``malloc_trim``; elsewhere both do nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 40 << 20  # above a full scene's activations, below its SAR bands
TRIM_THRESHOLD_BYTES = 64 << 20


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library the interpreter runs on, if it is glibc. Found through the process's own
    symbols: ``ctypes.util.find_library`` would start ``ldconfig``, a fork of a process that
    may hold a gigabyte."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    # Not glibc (musl): its mallopt does nothing and it has no malloc_trim.
    return libc if hasattr(libc, "gnu_get_libc_version") else None


def keep_freed_memory() -> bool:
    """Set glibc's thresholds for this process; True if they were set."""
    libc = _glibc()
    if libc is None:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )


def release_freed_memory() -> bool:
    """Hand the memory the heap keeps back to the system now; True if some was."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    return bool(libc.malloc_trim(0))
