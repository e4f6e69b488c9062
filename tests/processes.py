"""Processes as Linux's /proc shows them: for tests that no child process outlives its run."""

from __future__ import annotations

import time
from pathlib import Path


def helper_pids(parent: int) -> list[int]:
    """Children of ``parent`` running the read helper."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # not a process, or gone meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"read_helper" in cmdline:
            found.append(int(entry.name))
    return found


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # ended, not yet reaped by its parent
            return True
        time.sleep(0.05)
    return False
