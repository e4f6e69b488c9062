"""*Set up engine*: real virtual environments built by real pip in QGIS's task manager.

The fast tests install a small wheel made here from a local folder (``--no-index``), so they
exercise venv creation, pip, progress, the check, the stamp and the swap without the network.
A loopback server that never answers stands for a stalled download (cancel), a closed port for
a missing network. ``make test-install`` (marker ``install``) runs the whole user's path
against the package index: the packaged zip, the default plan, then a prediction.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QWidget

from repo_paths import PLUGIN_PACKAGE, REPO_ROOT

PROBE = "sim-engine-probe"
SCENE = REPO_ROOT / "tests" / "data" / "scenes" / "20190315T101500_cis_prep.nc"


def wait_until(done, seconds: float = 120) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QgsApplication.processEvents()
        if done():
            return True
        time.sleep(0.05)
    return done()


@pytest.fixture()
def mods(plugin_on_path):
    """The plugin's engine modules, imported from the plugin package as QGIS imports them."""

    class Modules:
        env = importlib.import_module(f"{plugin_on_path}.plugin.engine_env")
        pip = importlib.import_module(f"{plugin_on_path}.plugin.engine_setup_pip")
        setup = importlib.import_module(f"{plugin_on_path}.plugin.engine_setup")
        requirements = importlib.import_module(f"{plugin_on_path}.core.requirements")

    return Modules


def make_wheel(folder: Path, version: str = "1.0") -> Path:
    """A minimal pure-Python wheel of the package ``sim-engine-probe``."""
    name = "sim_engine_probe"
    files = {
        f"{name}/__init__.py": f'VERSION = "{version}"\n',
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {PROBE}\nVersion: {version}\n"
        ),
        f"{name}-{version}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{name}-{version}.dist-info/RECORD,,")
    files[f"{name}-{version}.dist-info/RECORD"] = "\n".join(record) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


@pytest.fixture()
def local_plan(mods, tmp_path):
    """A plan for today's table that installs only the probe wheel, from a local folder."""
    wheels = tmp_path / "wheels"
    make_wheel(wheels)
    base, _ = mods.pip.choose_base_python()
    folder = mods.env.managed_folder(tmp_path / "profile")
    return mods.pip.InstallPlan(
        base_python=base,
        folder=folder,
        packages=(f"{PROBE}>=1.0",),
        torch=None,
        requirements_hash=mods.requirements.requirements_hash(),
        find_links=(str(wheels),),
        no_index=True,
        upgrade_pip=False,
        required_bytes=10**7,
    )


def run_task(mods, plan):
    task = mods.setup.EngineSetupTask(plan.folder, lambda folder: plan)
    progress = []
    task.progressChanged.connect(progress.append)
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: task.status() in (task.Complete, task.Terminated), 180)
    return task, progress


@pytest.fixture()
def unconfigured(mods, monkeypatch):
    """Neither the environment variable nor the setting names an engine (as for a new user)."""
    monkeypatch.delenv(mods.env.ENGINE_PYTHON_ENV, raising=False)
    monkeypatch.setattr(mods.env, "_setting", lambda key: "")


class Dock(QWidget):
    changes = 0

    def engine_changed(self) -> None:
        self.changes += 1


def test_set_up_builds_a_venv_with_pip_stamps_it_and_the_plugin_finds_it(
    qgis_app, mods, local_plan, unconfigured, monkeypatch
):
    ready, progress = [], []
    widget = mods.setup.make_setup_widget(
        None, ready.append, local_plan.folder, lambda folder: local_plan
    )
    widget.progress.valueChanged.connect(progress.append)
    assert widget.engine().state == "missing" and widget.setup_button.isVisibleTo(widget)
    widget.setup_button.click()
    assert wait_until(lambda: widget.task is None, 180)
    python = mods.env.venv_python(local_plan.folder)
    assert len(ready) == 1 and ready[0].python == python, widget.status.text()
    assert widget.status.text().startswith("Engine ready")
    assert not widget.setup_button.isVisibleTo(widget)  # nothing left to set up
    assert progress == sorted(progress) and progress[-1] == 100
    assert any("pip install" in line for line in widget.log)
    done = subprocess.run(
        [str(python), "-c", "import sim_engine_probe as p, sys; print(p.VERSION, sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    version, prefix = done.stdout.split()
    assert version == "1.0"
    assert Path(prefix).resolve() == local_plan.folder.resolve()  # runs where it was moved to
    assert not local_plan.staging.exists()
    status = mods.env.engine_status(local_plan.folder)
    assert status.ready and status.source == "managed" and status.python == python
    assert mods.env.engine_python(local_plan.folder) == python
    # The plugin's next version needs other packages: the same engine is outdated.
    stamp = mods.env.read_stamp(local_plan.folder)
    mods.env.write_stamp(local_plan.folder, replace(stamp, requirements_hash="an older table"))
    status = mods.env.engine_status(local_plan.folder)
    assert status.state == "outdated" and "update" in status.message
    assert mods.env.engine_python(local_plan.folder) is None
    assert widget.refresh().state == "outdated" and widget.setup_button.text() == "Update engine"
    # The dock's hook: a widget made as EngineSetupWidget(dock) tells dock.engine_changed().
    dock = Dock()
    hooked = mods.setup.EngineSetupWidget(dock, folder=local_plan.folder)
    hooked.on_ready(status)
    assert dock.changes == 1
    # An engine named by the environment variable wins over the managed one.
    monkeypatch.setenv(mods.env.ENGINE_PYTHON_ENV, sys.executable)
    assert mods.env.engine_python(local_plan.folder) == Path(sys.executable)


def test_a_missing_package_fails_the_check_and_keeps_nothing(qgis_app, mods, local_plan):
    plan = replace(local_plan, packages=(f"{PROBE}>=2.0",))  # only 1.0 exists
    task, _ = run_task(mods, plan)
    assert task.stamp is None
    assert task.error.startswith(f"There is no wheel of {PROBE}>=2.0"), task.error
    assert not plan.folder.exists() and not plan.staging.exists()


class SilentServer:
    """Accepts connections on loopback and never answers: a download that stalls."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        for connection in self.held:
            connection.close()
        self.socket.close()


def test_cancel_stops_pip_and_keeps_the_previous_engine(qgis_app, mods, local_plan):
    previous = local_plan.folder
    mods.env.venv_python(previous).parent.mkdir(parents=True)
    mods.env.venv_python(previous).write_text("the previous engine")
    stamp = mods.env.EngineStamp(local_plan.requirements_hash, "3.11.2", "2.13.0", "cpu", "", "py")
    mods.env.write_stamp(previous, stamp)
    server = SilentServer()
    try:
        plan = replace(
            local_plan,
            no_index=False,
            find_links=(),
            index_url=f"http://127.0.0.1:{server.port}/simple",
            retries=0,
        )
        task = mods.setup.EngineSetupTask(plan.folder, lambda folder: plan)
        QgsApplication.taskManager().addTask(task)
        assert wait_until(lambda: any("pip install" in line for line in task.log), 120)
        assert wait_until(lambda: bool(server.held), 60)  # pip is waiting on the index
        started = time.monotonic()
        task.cancel()
        assert wait_until(lambda: task.status() == task.Terminated, 30)
        assert time.monotonic() - started < 15
    finally:
        server.close()
    assert task.canceled and "canceled" in task.error
    assert task.installer.process.poll() is not None  # pip is gone
    assert not plan.staging.exists()
    assert mods.env.read_stamp(previous) == stamp
    assert mods.env.venv_python(previous).read_text() == "the previous engine"


def test_no_network_says_so_in_the_widget_with_a_copyable_log(
    qgis_app, mods, local_plan, unconfigured
):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: connection refused
    plan = replace(
        local_plan,
        no_index=False,
        find_links=(),
        index_url=f"http://127.0.0.1:{port}/simple",
        retries=0,
    )
    ready = []
    widget = mods.setup.make_setup_widget(None, ready.append, plan.folder, lambda folder: plan)
    assert widget.setup_button.isVisibleTo(widget) and not widget.progress.isVisibleTo(widget)
    widget.setup_button.click()
    assert widget.progress.isVisibleTo(widget) and widget.cancel_button.isVisibleTo(widget)
    assert wait_until(lambda: widget.task is None, 180)
    assert "could not reach the package index" in widget.status.text()
    assert widget.setup_button.isVisibleTo(widget)  # try again
    assert not ready and not plan.folder.exists()
    widget.copy_log()
    copied = QgsApplication.clipboard().text()
    assert f"127.0.0.1:{port}" in copied and "pip install" in copied


def test_too_little_disk_space_is_said_before_anything_is_written(mods, local_plan):
    plan = replace(local_plan, required_bytes=10**18)
    with pytest.raises(mods.pip.SetupError, match="Not enough free disk space"):
        mods.pip.EngineInstaller(plan).run()
    assert not plan.folder.exists() and not plan.staging.exists()


def test_pips_words_for_a_full_disk_and_a_missing_network(mods, local_plan):
    explain = mods.pip.explain_failure
    full = explain("OSError: [Errno 28] No space left on device: '/x'", local_plan, 1)
    assert full.startswith("The disk is full") and str(local_plan.folder.parent) in full
    offline = "WARNING: Retrying ... NewConnectionError('Failed to establish a new connection')"
    assert "could not reach the package index" in explain(offline, local_plan, 1)
    assert "exit status 2" in explain("ERROR: something else", local_plan, 2)


def test_torch_is_cuda_with_an_nvidia_gpu_and_cpu_without(mods, monkeypatch):
    monkeypatch.delenv(mods.pip.TORCH_INDEX_ENV, raising=False)
    choose = mods.pip.choose_torch
    linux_gpu = choose("NVIDIA A100", (3, 11), "linux")
    assert (linux_gpu.device, linux_gpu.index_url) == ("cuda", None)  # PyPI's Linux torch
    assert "A100" in linux_gpu.describe()
    assert choose("NVIDIA A100", (3, 12), "win32").index_url == mods.pip.TORCH_CUDA_INDEX
    linux_cpu = choose("", (3, 13), "linux")
    assert (linux_cpu.device, linux_cpu.index_url) == ("cpu", mods.pip.TORCH_CPU_INDEX)
    assert choose("", (3, 12), "win32").index_url is None  # PyPI's Windows torch is the CPU one
    assert choose("NVIDIA A100", (3, 12), "darwin").device == "cpu"
    assert choose("", (3, 9), "win32").spec.endswith(",<2.9")  # the last torch for 3.9
    monkeypatch.setenv(mods.pip.TORCH_INDEX_ENV, "")
    assert choose("", (3, 11), "linux").index_url is None  # pip's own index (a mirror)


def test_the_default_plan_is_todays_table_or_a_wheelhouse(mods, tmp_path, monkeypatch):
    monkeypatch.delenv(mods.setup.WHEELHOUSE_ENV, raising=False)
    plan = mods.setup.default_plan(tmp_path / "engine")
    table = mods.requirements.REQUIREMENTS
    assert set(plan.packages) | {plan.torch.spec.split(",")[0]} == {r.pip_spec for r in table}
    assert plan.requirements_hash == mods.requirements.requirements_hash()
    assert not plan.no_index and mods.pip.probe_python(plan.base_python) >= (3, 9)
    monkeypatch.setenv(mods.setup.WHEELHOUSE_ENV, str(tmp_path / "wheels"))
    offline = mods.setup.default_plan(tmp_path / "engine")
    assert offline.no_index and offline.find_links == (str(tmp_path / "wheels"),)


def test_an_unusable_python_is_explained(mods, tmp_path):
    old = tmp_path / "python-old"
    old.write_text("#!/bin/sh\necho 3.8.10\n")
    no_pip = tmp_path / "python-nopip"
    no_pip.write_text(
        "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'ensurepip'\" >&2\nexit 1\n"
    )
    for path in (old, no_pip):
        path.chmod(0o755)
    assert "needs 3.9 or newer" in mods.pip.probe_python(old)
    assert "python3-venv" in mods.pip.probe_python(no_pip)
    assert mods.pip.probe_python(Path(sys.executable)) >= (3, 9)


@pytest.mark.slow
@pytest.mark.install
def test_install_the_zip_set_up_the_engine_from_the_package_index_and_predict(
    qgis_app, tmp_path, monkeypatch
):
    """What a new user does: the packaged zip in a fresh profile, Set up engine (the default
    plan: today's table from the package index), then a scene through the engine."""
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        from package import build_package
    finally:
        sys.path.remove(str(REPO_ROOT / "scripts"))
    zip_path = build_package(tmp_path / "build")
    plugins = tmp_path / "profiles" / "default" / "python" / "plugins"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(plugins)
    monkeypatch.syspath_prepend(str(plugins))
    for name in [m for m in sys.modules if m.split(".")[0] == PLUGIN_PACKAGE]:
        del sys.modules[name]
    env = importlib.import_module(f"{PLUGIN_PACKAGE}.plugin.engine_env")
    setup = importlib.import_module(f"{PLUGIN_PACKAGE}.plugin.engine_setup")
    assert Path(setup.__file__).is_relative_to(plugins)
    if os.environ.get("SEA_ICE_MAPPER_TORCH_INDEX") is None and not _reachable(
        "download.pytorch.org"
    ):
        # A machine that reaches only the package index: torch from there, pinned to the
        # release whose CPU wheel such machines keep on disk (pip's find-links).
        monkeypatch.setenv("SEA_ICE_MAPPER_TORCH_INDEX", "")
        pins = tmp_path / "torch-pin.txt"
        pins.write_text("torch==2.13.0\n")
        monkeypatch.setenv("PIP_CONSTRAINT", str(pins))
    folder = env.managed_folder(tmp_path / "profiles" / "default")
    task = setup.EngineSetupTask(folder)
    QgsApplication.taskManager().addTask(task)
    try:
        assert wait_until(lambda: task.status() in (task.Complete, task.Terminated), 1800)
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == PLUGIN_PACKAGE]:
            del sys.modules[name]
    assert task.stamp is not None, "\n".join(task.log[-40:])
    print(f"installed: {task.stamp.describe()}")
    cuda = subprocess.run(
        [str(env.venv_python(folder)), "-c", "import torch; print(torch.version.cuda)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert task.stamp.device == ("cpu" if cuda == "None" else "cuda"), (cuda, task.stamp)
    status = env.engine_status(folder, "")
    assert status.ready, status.message
    out = tmp_path / "runs"
    done = subprocess.run(
        [str(status.python), "-m", "core", "predict", str(SCENE), "--out", str(out)],
        cwd=plugins / PLUGIN_PACKAGE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / SCENE.name[:19] / "sic.tif").stat().st_size > 0


def _reachable(host: str) -> bool:
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError:
        return False
    return True
