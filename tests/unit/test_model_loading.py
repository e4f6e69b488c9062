"""The model loads in a background thread while a fresh process reads its first scene; its
errors and a cancel reach the user as when it loaded first."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine.protocol import EXIT_ERROR, EXIT_INTERRUPTED, Interrupted, _raise_interrupted
from core.errors import ModelFormatError
from core.predict import loading
from core.predict.loading import LoadedModel, ModelLoader
from repo_paths import REPO_ROOT

READING_IMPORTS_NO_TORCH = """
import sys
sys.path.insert(0, {root!r})
from core import cli
from core.predict import batch, run
from core.model.manifest import read_manifest
from core.predict.progress import Reporter
manifest = read_manifest({weights!r})
with run.open_for({scene!r}, manifest) as scene:
    run.read_inputs(scene, manifest, Reporter())
print("torch" in sys.modules)
"""

OVERLAP = """
import json, sys, threading
sys.path.insert(0, {root!r})
from core import cli
from core.predict import loading, run

reading = threading.Event()
seen = {{}}
load = loading.LoadedModel.load.__func__


def load_once_reading(cls, *args):  # holds the loading until the scene is being read
    seen["reading while loading"] = reading.wait(20)
    return load(cls, *args)


read_inputs = run.read_inputs


def read_inputs_noted(*args):
    reading.set()
    return read_inputs(*args)


loading.LoadedModel.load = classmethod(load_once_reading)
run.read_inputs = read_inputs_noted
argv = ["predict", {scene!r}, "--out", {out!r}, "--weights", {weights!r}, "--device", "cpu"]
seen["exit"] = cli.main([*argv, "--no-sar", "--quiet"])
print(json.dumps(seen))
"""

CANCEL_WHILE_LOADING = """
import json, os, signal, sys, threading, time
sys.path.insert(0, {root!r})
from core import cli
from core.predict import forward, loading  # torch imported: the loading below is all there is

load = loading.LoadedModel.load
cancel = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))  # the plugin's Cancel


def slow_load(*args, **kwargs):  # a slow disk or a large bundle: Cancel lands meanwhile
    cancel.start()
    time.sleep(2)
    return load(*args, **kwargs)


loading.LoadedModel.load = slow_load
argv = ["predict", {scene!r}, "--out", {out!r}, "--weights", {weights!r}, "--device", "cpu"]
code = cli.main(["--json", *argv])
running = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
print(json.dumps({{"event": "after", "threads": running}}))
sys.exit(code)
"""


def python(script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def test_reading_a_scene_imports_no_torch(labelled_scene: Path, random_bundle: Path) -> None:
    script = READING_IMPORTS_NO_TORCH.format(
        root=str(REPO_ROOT), weights=str(random_bundle), scene=str(labelled_scene)
    )
    assert python(script) == "False"  # else the import would come before the loading thread


def test_a_fresh_process_reads_its_first_scene_while_the_model_loads(
    labelled_scene: Path, random_bundle: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    script = OVERLAP.format(
        root=str(REPO_ROOT), scene=str(labelled_scene), out=str(out), weights=str(random_bundle)
    )
    # Deterministic on a busy machine: the loading waits (20 s at most) for the reading to begin,
    # which only happens if the reading does not wait for the loading.
    assert json.loads(python(script)) == {"reading while loading": True, "exit": 0}
    stages = list(json.loads((out / labelled_scene.name[:19] / "run.json").read_text())["seconds"])
    assert stages.index("reading") < stages.index("loading model") < stages.index("model")


@pytest.fixture()
def broken_bundle(random_bundle: Path, tmp_path: Path) -> Path:
    """A copy of the bundle whose tensor file was cut short."""
    folder = tmp_path / "broken"
    folder.mkdir()
    manifest = Path(shutil.copy(random_bundle, folder))
    tensors = random_bundle.with_suffix(".safetensors")
    (folder / tensors.name).write_bytes(tensors.read_bytes()[: tensors.stat().st_size // 2])
    return manifest


@pytest.mark.parametrize("first", [None, "20190101T000000_dmi_prep.nc"], ids=["read", "missing"])
def test_weights_that_cannot_load_fail_the_cli_with_their_own_message(
    broken_bundle: Path, labelled_scene: Path, tmp_path: Path, first: str | None
) -> None:
    with pytest.raises(ModelFormatError) as loading_error:  # as loading it first would say
        LoadedModel.load(broken_bundle, "cpu")
    # "missing": the first scene fails before it needs the model; the model's error still wins
    scenes = (
        [str(labelled_scene)] if first is None else [str(tmp_path / first), str(labelled_scene)]
    )
    out = tmp_path / "out"
    options = ["--out", str(out), "--weights", str(broken_bundle), "--device", "cpu", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-m", "core", "predict", *scenes, *options],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == EXIT_ERROR, done.stderr
    assert done.stderr == f"error: {loading_error.value}\n"
    assert "does not match its manifest" in done.stderr
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is a POSIX signal")
def test_cancel_while_the_model_loads_exits_130_cleanly(
    labelled_scene: Path, random_bundle: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    script = CANCEL_WHILE_LOADING.format(
        root=str(REPO_ROOT), scene=str(labelled_scene), out=str(out), weights=str(random_bundle)
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == EXIT_INTERRUPTED, done.stderr
    *events, after = [json.loads(line) for line in done.stdout.splitlines()]
    assert events[-1]["type"] == "Interrupted"
    assert after["threads"] == []  # the command waited for the loading thread to end
    assert done.stderr == ""  # no traceback, no crash at interpreter shutdown
    assert not out.exists() or list(out.iterdir()) == []


def test_get_raises_the_loading_error_itself(
    random_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> LoadedModel:
        raise ModelFormatError("weights from another model")

    monkeypatch.setattr(loading.LoadedModel, "load", fail)
    with ModelLoader(random_bundle, "cpu") as loader:
        with pytest.raises(ModelFormatError, match="another model") as raised:
            loader.get()
    assert loader.failed_with(raised.value)
    assert not loader.failed_with(ModelFormatError("weights from another model"))


class SlowLoading:
    """``LoadedModel.load`` held until ``release`` is set; then it fails (the model is never
    used); SIGTERM raises ``Interrupted`` as in the engine."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.finished: list[str] = []

    def load(self, *args: object) -> LoadedModel:
        self.release.wait(30)
        self.finished.append("loading")
        raise ModelFormatError("never used")


@pytest.fixture
def slow_loading(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowLoading]:
    from core.predict import forward  # noqa: F401 (imported already: the thread goes to load)

    slow = SlowLoading()
    monkeypatch.setattr(loading.LoadedModel, "load", slow.load)
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    yield slow
    signal.signal(signal.SIGTERM, previous)
    assert "model loader" not in [thread.name for thread in threading.enumerate()]


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is a POSIX signal")
def test_an_interrupted_wait_still_waits_for_the_thread_on_the_way_out(
    random_bundle: Path, slow_loading: SlowLoading
) -> None:
    def cancel_twice_then_release() -> None:
        for _ in range(2):  # the second lands while leaving the block, waiting for the thread
            threading.Event().wait(0.2)
            os.kill(os.getpid(), signal.SIGTERM)
        threading.Event().wait(0.2)
        slow_loading.release.set()

    with pytest.raises(Interrupted):
        with ModelLoader(random_bundle, "cpu") as loader:
            threading.Thread(target=cancel_twice_then_release).start()
            loader.get()
    assert slow_loading.finished == ["loading"]  # the block was not left while it still ran


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is a POSIX signal")
def test_a_cancel_as_the_loading_starts_still_waits_for_the_thread(
    random_bundle: Path, slow_loading: SlowLoading, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI caught this under load: SIGTERM landing while the thread started, before the ``with``
    block was entered, so nothing waited for the thread and the process exited under it."""
    started = threading.Thread.start

    def start_then_cancelled(thread: threading.Thread) -> None:
        started(thread)
        if thread.name == "model loader":
            os.kill(os.getpid(), signal.SIGTERM)  # lands as start() returns
            threading.Timer(0.3, slow_loading.release.set).start()

    monkeypatch.setattr(threading.Thread, "start", start_then_cancelled)
    with pytest.raises(Interrupted):
        with ModelLoader(random_bundle, "cpu"):
            pytest.fail("the block ran although the start was cancelled")
    assert slow_loading.finished == ["loading"]  # the thread had ended when it was raised
