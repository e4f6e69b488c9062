"""Training checkpoints: the last complete one survives a kill at any step of a save; damage
is reported clearly, never loaded silently and never a silent restart from step 0."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from checkpoint_worker import trainables

from core.output import folder
from core.output.folder import FAULT_ENV
from training.checkpoint import (
    CHECKPOINT,
    CheckpointError,
    RunState,
    checkpoint_config,
    load_checkpoint,
    save_checkpoint,
)


def save(out: Path, step: int) -> None:
    save_checkpoint(out, trainables(step), RunState(step=step), '{"preset": "test"}')


def save_killed_at(out: Path, step: int, kill_at: int) -> int:
    """Save in a forked child (torch already loaded: fast) that SIGKILLs itself at publish
    step ``kill_at``; returns the child's wait status as a return code."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.environ[FAULT_ENV] = str(kill_at)
            folder._steps_done = 0
            save(out, step)
        finally:
            os._exit(0)
    deadline = time.monotonic() + 120  # a forked child must never hang the suite
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked checkpoint save hung")
        time.sleep(0.01)


def loaded_step(out: Path) -> int:
    t = trainables()
    state = load_checkpoint(out, t)
    values = {float(p.flatten()[0]) for p in t.model.parameters()}
    assert values == {float(state.step)}, "tensors and state.json are from different saves"
    return state.step


def test_the_last_complete_checkpoint_survives_a_kill_at_any_step(tmp_path):
    kills = 0
    for kill_at in range(1, 30):
        out = tmp_path / f"k{kill_at}"
        save(out, 1)
        code = save_killed_at(out, 2, kill_at)
        if code == 0:
            assert loaded_step(out) == 2
            break
        assert code == -signal.SIGKILL
        kills += 1
        assert checkpoint_config(out) == {"preset": "test"}, f"lost after a kill at {kill_at}"
        assert loaded_step(out) in (1, 2)
        assert [p.name for p in out.iterdir()] == [CHECKPOINT]  # nothing stale left
    assert kills >= 5


def test_flipped_bytes_are_refused_clearly(tmp_path):
    save(tmp_path, 3)
    tensors = tmp_path / CHECKPOINT / "tensors.safetensors"
    data = bytearray(tensors.read_bytes())
    data[len(data) // 2] ^= 0x01
    tensors.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="does not match the checksum"):
        load_checkpoint(tmp_path, trainables())


@pytest.mark.parametrize("damage", ["state missing", "state garbage", "tensors missing"])
def test_a_damaged_checkpoint_is_never_a_silent_restart(tmp_path, damage):
    save(tmp_path, 3)
    folder = tmp_path / CHECKPOINT
    if damage == "state missing":
        (folder / "state.json").unlink()
    elif damage == "state garbage":
        (folder / "state.json").write_text("[" * 100000)
    else:
        (folder / "tensors.safetensors").unlink()
    with pytest.raises(CheckpointError, match="damaged"):
        checkpoint_config(tmp_path)
        load_checkpoint(tmp_path, trainables())


def test_a_fresh_folder_has_no_checkpoint(tmp_path):
    assert checkpoint_config(tmp_path) is None
