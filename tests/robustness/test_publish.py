"""Atomic publishing with consent: kills at every step, races between real processes, stale
and planted entries. Outputs appear complete or not at all, and nothing is replaced without
--overwrite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_python

from core.errors import OutputExistsError
from core.output.folder import FAULT_ENV, OutputLockError, atomic_folder, recover_output
from repo_paths import REPO_ROOT

WORKER = Path(__file__).resolve().parent / "publish_worker.py"
sys.path.insert(0, str(WORKER.parent))
from publish_worker import FOLDER_FILES, set_names  # noqa: E402

ABSENT, PARTIAL = "absent", "partial"


def worker(kind: str, dest: Path, tag: str, overwrite: bool, kill_at: int | None = None):
    env = {FAULT_ENV: str(kill_at)} if kill_at else {}
    args = [str(WORKER), kind, str(dest), "out", tag] + (["--overwrite"] if overwrite else [])
    return run_python(args, env=env)


def state(kind: str, dest: Path) -> str:
    """The tag every file of the output holds, ABSENT, or PARTIAL (a mixture, or missing parts)."""
    if kind == "folder":
        paths = [dest / "out" / name for name in FOLDER_FILES]
    elif kind == "set":
        paths = [dest / name for name in set_names("out")]
    else:
        paths = [dest / "out"]
    present = [p for p in paths if p.is_file()]
    if not present:
        return PARTIAL if (dest / "out").exists() else ABSENT
    tags = {p.read_text() for p in present}
    return tags.pop() if len(present) == len(paths) and len(tags) == 1 else PARTIAL


def hidden(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("overwrite", [False, True], ids=["new", "replace"])
@pytest.mark.parametrize("kind", ["folder", "set", "file"])
def test_a_kill_at_any_step_of_a_publish_is_recovered(tmp_path, kind, overwrite):
    """SIGKILL the publisher after step N, for every N: the next run finds the old output
    (or, after the last step, the new one), complete, and no stale entries."""
    before = "old" if overwrite else ABSENT
    kills = 0
    for step in range(1, 30):
        dest = tmp_path / f"step{step}"
        dest.mkdir()
        if overwrite:
            assert worker(kind, dest, "old", overwrite=False).returncode == 0
        killed = worker(kind, dest, "new", overwrite, kill_at=step)
        if killed.returncode == 0:  # the publish has fewer steps than this: it completed
            assert state(kind, dest) == "new" and hidden(dest) == []
            break
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        kills += 1
        if kind == "folder" or kind == "file":  # one rename: never a mixture under the name
            assert state(kind, dest) in (before, "new", ABSENT)
        # The next run (without --overwrite) recovers first, then refuses or publishes.
        again = worker(kind, dest, "next", overwrite=False)
        recovered = state(kind, dest)
        if again.returncode == 0:
            assert recovered == "next" and before == ABSENT
        else:
            assert "already exists" in again.stderr and "Traceback" not in again.stderr
            assert recovered in (before, "new")
        assert hidden(dest) == [], f"stale entries after a kill at step {step}"
    assert kills >= 4, "the fault injection never hit a publish step"


@pytest.mark.parametrize("kind", ["folder", "set", "file"])
def test_concurrent_runs_into_one_output_one_wins_the_other_says_so(tmp_path, kind):
    """Real processes started together: exactly one publishes; the other exits with a clear
    message (busy, or already exists), and the winner's output is whole."""
    for round_ in range(3):
        dest = tmp_path / f"round{round_}"
        dest.mkdir()
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        procs = [
            subprocess.Popen(
                [sys.executable, str(WORKER), kind, str(dest), "out", f"run{i}"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        results = [(p.wait(), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        winners = [i for i, (code, _) in enumerate(results) if code == 0]
        assert len(winners) == 1, results
        loser_code, loser_err = results[1 - winners[0]]
        assert loser_code == 2
        assert "already exists" in loser_err or "being written by another run" in loser_err
        assert "Traceback" not in loser_err
        assert state(kind, dest) == f"run{winners[0]}"
        assert hidden(dest) == []


def test_two_real_predictions_into_one_folder_one_wins(tmp_path, random_bundle):
    from robust_cases import GOOD_SCENE

    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "core", "predict", str(GOOD_SCENE), "--out", str(out)]
    command += ["--weights", str(random_bundle), "--device", "cpu", "--quiet", "--no-sar"]
    procs = [
        subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [(p.wait(), p.stdout.read() + p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in outputs)
    texts = [text for _, text in outputs]
    assert not any("Traceback" in text for text in texts)
    assert sum("1 predicted" in text for text in texts) == 1, outputs  # one run wrote it
    if codes == [0, 1]:  # the other overlapped it: refused, nothing replaced
        loser = next(text for code, text in outputs if code == 1)
        assert "already exists" in loser or "being written by another run" in loser
    else:  # the other started after it finished: the same result, rightly skipped
        assert codes == [0, 0] and any("1 already done" in text for text in texts), outputs
    run = out / "20190315T101500_cis"
    assert (run / "run.json").is_file() and (run / "sic.tif").is_file()
    assert hidden(out) == []


def test_a_target_that_appears_meanwhile_is_not_replaced(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(OutputExistsError, match="appeared while this run was writing"):
        with atomic_folder(target) as staging:
            (staging / "x").write_text("mine")
            target.mkdir()  # another program, not using our lock
            (target / "theirs").write_text("theirs")
    assert [p.name for p in target.iterdir()] == ["theirs"]
    assert hidden(tmp_path) == []


def test_a_replacement_killed_by_0_3_0_is_restored(tmp_path):
    """0.3.0 swapped folders by renaming the finished run to .NAME.old-PID; killed there, the
    run existed only under that hidden name. The next run puts it back."""
    legacy = tmp_path / ".scene.old-4242"
    legacy.mkdir()
    (legacy / "run.json").write_text("{}")
    stale = tmp_path / ".scene.part-4243"
    stale.mkdir()
    (stale / "half.tif").write_text("half")
    with pytest.raises(OutputExistsError, match="already exists"):
        with atomic_folder(tmp_path / "scene"):
            pass
    assert (tmp_path / "scene" / "run.json").is_file()
    assert hidden(tmp_path) == []


def test_planted_links_are_never_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    dest = tmp_path / "out"
    dest.mkdir()
    for pid in range(os.getpid() - 3, os.getpid() + 4):  # 0.3.0's predictable staging names
        (dest / f".run.part-{pid}").symlink_to(victim)
    with atomic_folder(dest / "run") as staging:
        (staging / "a.tif").write_text("new")
    assert victim.read_text() == "precious"
    assert (dest / "run" / "a.tif").read_text() == "new"
    (dest / ".run2.lock").symlink_to(victim)
    with pytest.raises(OutputLockError, match="lock file"):
        with atomic_folder(dest / "run2"):
            pass
    assert victim.read_text() == "precious"
    assert not (dest / "run2").exists()


def test_recover_output_restores_a_swap_killed_between_renames(tmp_path):
    assert worker("folder", tmp_path, "old", overwrite=False).returncode == 0
    for step in range(1, 30):  # find the step after the old folder moved away
        dest = tmp_path / f"k{step}"
        dest.mkdir()
        worker("folder", dest, "old", overwrite=False)
        worker("folder", dest, "new", overwrite=True, kill_at=step)
        if state("folder", dest) == ABSENT:
            recover_output(dest / "out")
            assert state("folder", dest) == "old"
            assert hidden(dest) == []
            return
    pytest.fail("no step left the output absent: the swap was not exercised")


def test_ctrl_c_prints_one_line_exits_130_and_leaves_nothing(tmp_path):
    out = tmp_path / "scene.nc"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", "synth", str(out), "--size", "4000x4000"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".scene.nc.part-*/*")):
        time.sleep(0.05)
    assert proc.poll() is None, "synth ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert list(tmp_path.iterdir()) == []
