"""Keep freed memory in the process for the next array instead of handing it back at once.

glibc's malloc gives every allocation above its threshold (128 kB, rising with the largest one
freed, to 32 MB at most) its own fresh pages and returns them when freed, so each model
activation, band and output grid is a new run of page faults, which are slow on a virtual
machine: on the 2-core VM of the benchmarks the scoring form of a full scene took 1.03-1.21 s
with them and 0.87-0.90 s with this (CPU time 1.8 s to 1.6 s), and a repeated forward pass
0.31 s against 0.24 s. With a threshold above a full-scene array and a trim threshold above
it, freed memory is reused instead. Peak memory is unchanged (within 30 MB); the process holds
on to what it freed until it ends, as an engine or batch process does. Only glibc has
``mallopt``; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 256 << 20  # above the largest array of a run (a 104 MB SAR band)
TRIM_THRESHOLD_BYTES = 512 << 20


def keep_freed_memory() -> bool:
    """Set glibc's thresholds for this process; True if they were set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    if not hasattr(libc, "gnu_get_libc_version"):  # not glibc: musl's mallopt does nothing
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )
