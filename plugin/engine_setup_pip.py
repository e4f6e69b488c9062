"""Builds the managed engine: a virtual environment of ordinary wheels, installed with pip.

No compiler (``--only-binary :all:``), no system packages, no administrator rights: only the
user's own QGIS profile folder is written. The new environment is built beside the old one and
swapped in at the end, with its stamp written last (plugin/engine_env.py), so a failed,
canceled or killed set-up leaves the previous engine as it was.

Plain Python (no QGIS): plugin/engine_setup.py runs it in a QgsTask.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import subprocess  # nosec B404: pip and venv with argument lists, never a shell
import sys
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.requirements import REQUIREMENTS, requirements_hash
from .engine_env import MIN_PYTHON, EngineStamp, venv_python, write_stamp

PLUGIN_ROOT = Path(__file__).resolve().parents[1]  # holds core/: the engine's package
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # Linux: PyPI's torch is the CUDA one
TORCH_CUDA_INDEX = "https://download.pytorch.org/whl/cu128"  # Windows: PyPI's torch is CPU-only
LAST_TORCH_FOR_PY39 = "2.9"  # torch 2.9 dropped Python 3.9 (QGIS 3.22-3.28 on Windows)
TORCH_INDEX_ENV = "SEA_ICE_MAPPER_TORCH_INDEX"
PYPI = "https://pypi.org/simple"
GB = 1024**3


class SetupError(Exception):
    """The set-up failed; the message says what happened and what to do."""


class SetupCanceledError(SetupError):
    pass


@dataclass(frozen=True)
class TorchChoice:
    spec: str  # e.g. "torch>=2.2"
    device: str  # "cpu" or "cuda"
    gpu: str  # the NVIDIA GPU found, or ""
    index_url: str | None  # where torch comes from; None: the package index

    def describe(self) -> str:
        return f"CUDA build for {self.gpu}" if self.device == "cuda" else "CPU build"


@dataclass(frozen=True)
class InstallPlan:
    base_python: Path  # the interpreter the venv is made from
    folder: Path  # the managed engine's folder
    packages: tuple[str, ...]  # pip specs, torch aside
    torch: TorchChoice | None
    requirements_hash: str  # goes into the stamp
    index_url: str | None = None  # None: pip's own setting (the package index)
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    upgrade_pip: bool = True
    retries: int = 3
    timeout_s: int = 60
    required_bytes: int = 2 * GB

    @property
    def staging(self) -> Path:
        return self.folder.with_name(self.folder.name + ".new")


def detect_gpu(timeout_s: float = 10) -> str:
    """The first NVIDIA GPU's name from ``nvidia-smi``, or "" without one (or without a driver)."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return ""
    try:
        done = subprocess.run(  # noqa: S603  # nosec B603: the driver's tool, fixed arguments
            [smi, "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    names = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    return names[0] if done.returncode == 0 and names else ""


def base_python_candidates(configured: str = "") -> list[Path]:
    """Where a Python to build the engine from may be, best first: the configured one, QGIS's
    own (on Windows ``python.exe`` in OSGeo4W's or the standalone installer's Python folder;
    inside QGIS ``sys.executable`` is QGIS itself), then ``python3``/``python`` on the PATH."""
    found: list[Path] = [Path(configured)] if configured else []
    executable = Path(sys.executable)
    if executable.name.lower().startswith("python"):
        found.append(executable)
    prefix = Path(sys.exec_prefix)
    found += [prefix / "python.exe", prefix / "python3.exe", prefix / "bin" / "python3"]
    found += [Path(p) for p in (shutil.which("python3"), shutil.which("python")) if p]
    unique: list[Path] = []
    for path in found:
        if path.is_file() and path not in unique:
            unique.append(path)
    return unique


_PROBE = "import sys, venv, ensurepip; print('%d.%d.%d' % sys.version_info[:3])"


def probe_python(python: Path) -> tuple[int, ...] | str:
    """The version of a Python that can build a venv with pip, or why it cannot."""
    try:
        done = subprocess.run(  # noqa: S603  # nosec B603: a candidate interpreter, fixed code
            [str(python), "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{python} does not run ({error})"
    if done.returncode != 0:
        if "ensurepip" in done.stderr:
            return (
                f"{python} cannot create virtual environments with pip (no ensurepip; on "
                "Debian/Ubuntu the package python3-venv adds it)"
            )
        return f"{python} failed: {done.stderr.strip().splitlines()[-1:]}"
    version = tuple(int(part) for part in done.stdout.strip().split("."))
    if version < MIN_PYTHON:
        return f"{python} is Python {done.stdout.strip()}; the engine needs 3.9 or newer"
    return version


def choose_base_python(configured: str = "") -> tuple[Path, tuple[int, ...]]:
    """The first candidate that works, or a SetupError listing why each one did not."""
    reasons = []
    for candidate in base_python_candidates(configured):
        result = probe_python(candidate)
        if isinstance(result, tuple):
            return candidate, result
        reasons.append(result)
    tried = "; ".join(reasons) or "no python3 or python found"
    raise SetupError(
        f"No Python 3.9 or newer that can create a virtual environment was found ({tried}). "
        "Install Python from python.org, or choose a Python in the engine settings."
    )


def choose_torch(gpu: str, python: tuple[int, ...], platform: str = sys.platform) -> TorchChoice:
    """CUDA torch when an NVIDIA GPU is there (not on macOS), else the CPU build. The variable
    SEA_ICE_MAPPER_TORCH_INDEX replaces PyTorch's index (a mirror; empty: pip's own index)."""
    spec = next(r.pip_spec for r in REQUIREMENTS if r.package == "torch")
    if python < (3, 10):
        spec += f",<{LAST_TORCH_FOR_PY39}"
    if gpu and platform != "darwin":
        device, index = "cuda", TORCH_CUDA_INDEX if platform == "win32" else None
    else:
        gpu, device = "", "cpu"
        index = TORCH_CPU_INDEX if platform.startswith("linux") else None
    if TORCH_INDEX_ENV in os.environ:
        index = os.environ[TORCH_INDEX_ENV] or None
    return TorchChoice(spec, device, gpu, index)


def plan_install(
    folder: Path, base_python: Path, python: tuple[int, ...], gpu: str, platform: str = sys.platform
) -> InstallPlan:
    """The engine of today's requirements table, from the package index."""
    torch = choose_torch(gpu, python, platform)
    packages = tuple(r.pip_spec for r in REQUIREMENTS if r.package != "torch")
    need = 7 * GB if torch.device == "cuda" else 2 * GB
    return InstallPlan(
        base_python, folder, packages, torch, requirements_hash(), required_bytes=need
    )


# pip's words for each failure a user can fix, and what to tell them.
NETWORK = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name "
    r"resolution|Name or service not known|getaddrinfo failed|Network is unreachable|Connection "
    r"refused|Max retries exceeded|ReadTimeoutError|ConnectTimeoutError|ProxyError|SSLError|"
    r"CERTIFICATE_VERIFY_FAILED|No route to host"
)
DISK_FULL = re.compile(r"No space left on device|\[Errno 28\]|There is not enough space")
NO_WHEEL = re.compile(r"No matching distribution found for (\S+)")


def reachable(url: str, timeout_s: float = 5) -> bool:
    """Whether a connection to the host of ``url`` opens (pip itself does not say why it found
    no versions: an unreachable index and an unknown package read the same)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return True  # a local folder: nothing to reach
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout_s).close()
    except OSError:
        return False
    return True


def explain_failure(
    log: str, plan: InstallPlan, returncode: int, index_reachable: bool = True
) -> str:
    if DISK_FULL.search(log):
        return (
            f"The disk is full: the engine needs about {plan.required_bytes / GB:.0f} GB free "
            f"in {plan.folder.parent}. Free some space, then press Set up engine again."
        )
    if NETWORK.search(log) or not index_reachable:
        return (
            "pip could not reach the package index: no network, or a proxy or firewall in the "
            "way. Check the connection (behind a proxy set HTTPS_PROXY), then press Set up "
            "engine again."
        )
    missing = NO_WHEEL.search(log)
    if missing:
        return (
            f"There is no wheel of {missing.group(1)} for this Python and platform. Choose "
            "another Python (3.10 to 3.13 have the widest choice) in the engine settings."
        )
    last = [line for line in log.splitlines() if line.strip()][-1:] or ["(no output)"]
    return f"pip failed (exit status {returncode}): {last[0].strip()} The log has the details."


class EngineInstaller:
    """Runs a plan step by step, reporting progress and pip's output, and stops when asked."""

    def __init__(
        self,
        plan: InstallPlan,
        on_progress: Callable[[float, str], None] = lambda fraction, stage: None,
        on_log: Callable[[str], None] = lambda line: None,
        is_canceled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.plan = plan
        self.on_progress = on_progress
        self.on_log = on_log
        self.is_canceled = is_canceled
        self.process: subprocess.Popen | None = None
        self.index = ""  # the index of the pip step running, "" for none

    def run(self) -> EngineStamp:
        plan = self.plan
        try:
            self._check_space()
            self.on_progress(0.0, "Creating the environment")
            shutil.rmtree(plan.staging, ignore_errors=True)  # a killed set-up's leftovers
            self._run([str(plan.base_python), "-m", "venv", str(plan.staging)], 0.0, 0.05, 1)
            python = str(venv_python(plan.staging))
            if plan.upgrade_pip:
                self._pip(python, ["--upgrade", "pip"], None, 0.05, 0.1, 2)
            if plan.torch is not None:
                stage = f"Installing torch ({plan.torch.describe()})"
                self._pip(python, [plan.torch.spec], plan.torch.index_url, 0.1, 0.6, 40, stage)
            if plan.packages:
                self._pip(python, list(plan.packages), plan.index_url, 0.6, 0.95, 60)
            stamp = self._verify(python)
            write_stamp(plan.staging, stamp)
            self._swap()
        except BaseException:
            shutil.rmtree(plan.staging, ignore_errors=True)
            raise
        self.on_progress(1.0, f"Engine ready: {stamp.describe()}")
        return stamp

    def _check_space(self) -> None:
        parent = self.plan.folder.parent
        parent.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(parent).free
        if free < self.plan.required_bytes:
            raise SetupError(
                f"Not enough free disk space: the engine needs about "
                f"{self.plan.required_bytes / GB:.0f} GB in {parent}, which has "
                f"{free / GB:.1f} GB free. Free some space, then press Set up engine again."
            )

    def _pip(
        self,
        python: str,
        args: list[str],
        index_url: str | None,
        start: float,
        end: float,
        expected: int,
        stage: str = "Installing packages",
    ) -> None:
        plan = self.plan
        command = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
        command += ["--only-binary", ":all:", "--progress-bar", "off"]
        command += ["--retries", str(plan.retries), "--timeout", str(plan.timeout_s)]
        if plan.no_index:
            command.append("--no-index")
        elif index_url or plan.index_url:
            command += ["--index-url", str(index_url or plan.index_url)]
        for link in plan.find_links:
            command += ["--find-links", link]
        self.index = (
            ""
            if plan.no_index
            else (index_url or plan.index_url or os.environ.get("PIP_INDEX_URL") or PYPI)
        )
        self.on_progress(start, stage)
        self._run([*command, *args], start, end, expected, stage)

    def _run(
        self,
        command: list[str],
        start: float,
        end: float,
        expected: int,
        stage: str = "",
        check: bool = True,
    ) -> str:
        """Runs one step, streaming its output; returns it. ``expected``: about how many
        lines pip prints for it, to move the bar steadily. Cancel terminates the process."""
        self.on_log("$ " + " ".join(command))
        lines: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(  # noqa: S603  # nosec B603: argument list, no shell
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            cwd=PLUGIN_ROOT,
        )
        stdout = self.process.stdout
        if stdout is None:  # cannot happen: asked for above
            raise SetupError(f"no output pipe from {command[0]}")

        def pump() -> None:
            for line in stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        output, seen, finished = [], 0, False
        while not finished:
            if self.is_canceled():
                self._stop()
                raise SetupCanceledError(
                    "The set-up was canceled; the previous engine is unchanged."
                )
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                finished = True
                continue
            output.append(line)
            self.on_log(line)
            words = line.split()
            if line.startswith(("Collecting", "Downloading", "Installing collected")):
                seen += 1
                detail = f"{words[0]} {words[1]}" if words[0] != "Installing" else "Installing"
                self.on_progress(start + (end - start) * min(0.95, seen / expected), detail)
        returncode = self.process.wait()
        text = "\n".join(output)
        if check and returncode != 0:
            online = not self.index or "from versions: none" not in text or reachable(self.index)
            raise SetupError(explain_failure(text, self.plan, returncode, online))
        self.on_progress(end, stage)
        return text

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _verify(self, python: str) -> EngineStamp:
        """Asks the new environment what it holds, as the plugin will before each run."""
        specs = [
            *([self.plan.torch.spec.split(",")[0]] if self.plan.torch else []),
            *self.plan.packages,
        ]
        command = [python, "-m", "core.requirements", *specs]
        output = self._run(command, 0.95, 0.99, 1, "Checking the engine", check=False)
        try:
            report = json.loads(output.splitlines()[-1])
        except (ValueError, IndexError) as error:
            raise SetupError(f"The new engine does not run: {output[-500:]}") from error
        if report["problems"]:
            raise SetupError("The new engine is incomplete: " + "; ".join(report["problems"]))
        torch = report["found"].get("torch") or "none"
        device, gpu = "cpu", ""
        if self.plan.torch is not None:  # which build pip chose, from torch itself
            code = "import torch; print('cuda=' + (torch.version.cuda or ''))"
            built = self._run([python, "-c", code], 0.99, 0.995, 1, "Checking torch")
            cuda = [line[5:] for line in built.splitlines() if line.startswith("cuda=")]
            device = "cuda" if cuda and cuda[-1].strip() else "cpu"
            gpu = self.plan.torch.gpu
        return EngineStamp(
            self.plan.requirements_hash,
            report["python"],
            torch,
            device,
            gpu,
            str(self.plan.base_python),
        )

    def _swap(self) -> None:
        """The new environment in place of the old one, which goes."""
        folder, old = self.plan.folder, self.plan.folder.with_name(self.plan.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            try:
                folder.rename(old)
            except OSError as error:
                raise SetupError(
                    f"The old engine in {folder} is in use ({error}); close whatever runs it "
                    "(a running scene, a Processing algorithm), then press Set up engine again."
                ) from error
        self.plan.staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)


def with_local_wheels(plan: InstallPlan, *folders: Path) -> InstallPlan:
    """The same plan installing only from wheel folders (offline, air-gapped sites)."""
    links = tuple(str(f) for f in folders)
    return replace(plan, find_links=links, no_index=True, upgrade_pip=False)
