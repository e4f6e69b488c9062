"""What every benchmark shares: fresh-process runs, medians, and one JSON result per benchmark.

A result records the machine (CPU model, cores, memory), the versions of the libraries that
matter, the git commit, and for each measured quantity its median, minimum, maximum and every
run. Measurements meant to be compared are taken in the same invocation, interleaved round by
round, so a machine that is busy for a while slows reference and candidate alike and ratios
stay meaningful where absolute seconds are not.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess  # nosec B404: fixed argument lists, never a shell
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_FORMAT = 1


def cpu_model() -> str:
    """The CPU's model name as the kernel reports it, with its family and model numbers: a
    virtual machine may report only "AMD EPYC", which spans five generations."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                break  # the first processor's block is enough
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
    except OSError:
        pass
    name = fields.get("model name") or platform.processor() or platform.machine()
    if "cpu family" in fields and "model" in fields:
        return f"{name} (family {fields['cpu family']}, model {fields['model']})"
    return name


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def machine() -> dict:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "system": platform.platform(),
        "python": platform.python_version(),
        # Other work on the machine while the benchmark ran (1, 5, 15 min): ratios measured in
        # the same run hold up against it; absolute seconds do not.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def versions() -> dict:
    """Versions of the libraries the measured work runs through (imported lazily)."""
    found: dict[str, str] = {}
    for module in ("numpy", "torch", "netCDF4", "rasterio", "pyogrio", "shapely"):
        try:
            found[module] = __import__(module).__version__
        except ImportError:
            continue
    try:
        import netCDF4
        import rasterio

        found["netcdf-c"] = netCDF4.__netcdf4libversion__
        found["hdf5"] = netCDF4.__hdf5libversion__
        found["gdal"] = rasterio.__gdal_version__
    except (ImportError, AttributeError):
        pass
    return found


def git_commit() -> dict:
    def git(*args: str) -> str:
        out = subprocess.run(  # nosec B603 B607: fixed arguments
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def summary(values: Iterable[float]) -> dict:
    runs = [float(v) for v in values]
    return {
        "median": statistics.median(runs),
        "min": min(runs),
        "max": max(runs),
        "n": len(runs),
        "runs": runs,
    }


def serve_child(work: Callable[..., dict]) -> bool:
    """In a process ``run_child`` started (``--child ARGS``): print ``work(*ARGS)`` as JSON with
    the process's peak RSS, and return True; otherwise return False."""
    if len(sys.argv) < 2 or sys.argv[1] != "--child":
        return False
    result = work(*sys.argv[2:])
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return True


def run_child(script: Path, *args: str) -> dict:
    """Run ``script --child ARGS`` in a fresh interpreter; its last stdout line is JSON.

    ``wall_s`` is the parent's view of the whole process, interpreter start-up included.
    """
    start = time.perf_counter()
    out = subprocess.run(  # nosec B603: our own interpreter and script
        [sys.executable, str(script), "--child", *args], capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"{script.name} {' '.join(args)} failed:\n{out.stderr[-4000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident memory of a process: Linux's ``VmHWM``, which starts afresh at ``exec``.

    (``ru_maxrss`` does not: a child started with vfork or fork carries the parent's peak over
    ``exec``, so every child of a benchmark that once held 1 GB reported 1 GB.)
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    if pid != "self":
        return 0.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_result(folder: Path, name: str, payload: dict) -> Path:
    """``folder/name.json`` with the machine, versions and commit, written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": name,
        "format": RESULT_FORMAT,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "git": git_commit(),
        **payload,
    }
    target = folder / f"{name}.json"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(record, stream, indent=2)
            stream.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def children_peak_rss_mb(pid: int) -> float:
    """The sum of the peaks of ``pid``'s child processes (the engine's reading process): an
    upper bound of their joint peak."""
    total = 0.0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            total += peak_rss_mb(entry.name)
    return total


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
