"""Freed memory is reused for the next large array: no fresh page faults for it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from repo_paths import REPO_ROOT

# Allocate and touch a 32 MB array (a model activation's size) twice; print the minor page
# faults of the second time.
CODE = """
import resource, sys
import numpy as np
sys.path.insert(0, {root!r})
from core.predict.memory import keep_freed_memory
tuned = {tuned} and keep_freed_memory()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
np.ones(32 << 20, np.uint8)
before = faults()
np.ones(32 << 20, np.uint8)
print(tuned, faults() - before)
"""


def second_allocation_faults(tuned: bool) -> tuple[bool, int]:
    code = CODE.format(root=str(REPO_ROOT), tuned=tuned)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    was_tuned, faults = done.stdout.split()
    return was_tuned == "True", int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_freed_array_is_reused_instead_of_faulted_in_again():
    tuned, faults = second_allocation_faults(True)
    _, untuned_faults = second_allocation_faults(False)
    assert tuned  # glibc: the thresholds were set
    assert untuned_faults >= 16  # fresh pages, zeroed again: at least 32 MB in 2 MB pages
    assert faults < untuned_faults / 10


# Free a 32 MB array the heap keeps, then hand it back; print the resident memory it gave back.
# Neither call may start a process (a fork of an engine holding a gigabyte).
RELEASE_CODE = """
import subprocess, sys
import numpy as np
def no_process(*args, **kwargs):
    raise AssertionError(f"started a process: {{args}}")
subprocess.Popen.__init__ = no_process
sys.path.insert(0, {root!r})
from core.predict.memory import keep_freed_memory, release_freed_memory
def resident_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
assert keep_freed_memory()
kept = np.ones(32 << 20, np.uint8)
del kept
before = resident_mb()
released = release_freed_memory()
print(released, before - resident_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_memory_the_heap_keeps_is_handed_back_before_the_largest_arrays():
    code = RELEASE_CODE.format(root=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    released, freed_mb = done.stdout.split()
    assert released == "True"
    assert float(freed_mb) >= 24  # most of the 32 MB the heap had kept
