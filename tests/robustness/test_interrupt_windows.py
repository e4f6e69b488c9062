"""Cancel (SIGTERM) landing in the narrowest windows of a publish: right after the lock file
or the staging folder was created, before the code knew it owned them. CI once caught a
cancelled dock run leaving ``.SCENE.lock`` behind this way."""

from __future__ import annotations

import signal
import tempfile

import pytest

from core.engine.protocol import Interrupted, _raise_interrupted
from core.interrupts import interrupts_deferred
from core.output import folder


@pytest.fixture
def sigterm_interrupts():
    """SIGTERM raises ``Interrupted``, as in the engine process."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_an_interrupt_inside_is_raised_on_leaving_and_the_handler_restored(sigterm_interrupts):
    done = []
    with pytest.raises(Interrupted):
        with interrupts_deferred():
            signal.raise_signal(signal.SIGTERM)
            done.append("after the signal")  # still runs: the signal was only noted
    assert done == ["after the signal"]
    assert signal.getsignal(signal.SIGTERM) is _raise_interrupted
    with pytest.raises(Interrupted):  # and the next signal is handled at once again
        signal.raise_signal(signal.SIGTERM)


def test_without_interrupt_nothing_is_raised(sigterm_interrupts):
    with interrupts_deferred():
        pass
    assert signal.getsignal(signal.SIGTERM) is _raise_interrupted


def test_cancel_right_after_the_lock_file_is_created_leaves_no_lock(
    tmp_path, monkeypatch, sigterm_interrupts
):
    open_lock = folder._open_lock

    def open_then_cancelled(path, flags):
        fd = open_lock(path, flags)
        signal.raise_signal(signal.SIGTERM)  # lands before the descriptor is stored
        return fd

    monkeypatch.setattr(folder, "_open_lock", open_then_cancelled)
    body = []
    with pytest.raises(Interrupted):
        with folder.atomic_folder(tmp_path / "run") as staging:
            body.append(staging)
    assert body == []
    assert list(tmp_path.iterdir()) == []


def test_cancel_right_after_staging_is_created_leaves_no_staging(
    tmp_path, monkeypatch, sigterm_interrupts
):
    mkdtemp = tempfile.mkdtemp

    def mkdtemp_then_cancelled(*args, **kwargs):
        made = mkdtemp(*args, **kwargs)
        if ".part-" in made:
            signal.raise_signal(signal.SIGTERM)
        return made

    monkeypatch.setattr(folder.tempfile, "mkdtemp", mkdtemp_then_cancelled)
    with pytest.raises(Interrupted):
        with folder.atomic_folder(tmp_path / "run"):
            pass
    assert list(tmp_path.iterdir()) == []


def test_cancel_just_after_publishing_keeps_the_run_and_no_lock(
    tmp_path, monkeypatch, sigterm_interrupts
):
    published = folder.publish

    def publish_then_cancelled(*args, **kwargs):
        published(*args, **kwargs)
        signal.raise_signal(signal.SIGTERM)  # the run is complete: it stays

    monkeypatch.setattr(folder, "publish", publish_then_cancelled)
    with pytest.raises(Interrupted):
        with folder.atomic_folder(tmp_path / "run") as staging:
            (staging / "layer.tif").write_bytes(b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
