"""The engine's machine-readable CLI, run for real in a subprocess as the plugin runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from processes import gone, helper_pids

from core.output.contract import RUN_FILE, read_record, record_layers
from repo_paths import REPO_ROOT

SCENE = REPO_ROOT / "tests" / "data" / "scenes" / "20190315T101500_cis_prep.nc"


def engine(*args: str, timeout: float = 240) -> tuple[int, list[dict], str]:
    """Exit status, events (every stdout line must be one JSON object) and stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "core", "--json", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(isinstance(e, dict) and "event" in e for e in events), done.stdout
    return done.returncode, events, done.stderr


def only(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["event"] == kind]


def test_predict_streams_stages_then_one_result_and_the_run_json_lists_its_layers(tmp_path):
    code, events, stderr = engine(
        "predict", str(SCENE), "--out", str(tmp_path), "--device", "cpu", "--no-sar"
    )
    assert code == 0, stderr
    assert events[-1]["event"] == "result" and events[-1]["command"] == "predict"
    stages = only(events, "stage")
    fractions = [e["fraction"] for e in stages]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] <= 1
    assert [e["stage"] for e in stages][:2] == ["loading model", "reading"]
    assert stages[-1]["stage"] == "writing layers"
    result = events[-1]["result"]
    [run] = result["runs"]
    assert run["id"] == "20190315T101500_cis" and run["device"] == "CPU (cpu, float32)"
    assert result["failed"] == [] and result["skipped"] == []
    folder = Path(run["folder"])
    layers = record_layers(read_record(folder))
    assert [layer.key for layer in layers[:3]] == ["sic", "sod", "floe"]
    assert {layer.kind for layer in layers} == {"prediction", "confidence", "reference"}
    for layer in layers:
        assert (folder / layer.file).exists() and (folder / str(layer.style)).exists()
    on_disk = {p.name for p in folder.glob("*.tif")}
    assert on_disk == {layer.file for layer in layers}
    assert "1 predicted" in stderr  # the human summary goes to stderr, not the event stream


def test_a_second_identical_run_is_skipped_and_a_different_one_fails_with_exit_1(tmp_path):
    args = ("predict", str(SCENE), "--out", str(tmp_path), "--device", "cpu", "--no-sar")
    assert engine(*args)[0] == 0
    code, events, _ = engine(*args)
    assert code == 0
    [skipped] = events[-1]["result"]["skipped"]
    assert skipped["folder"] == str(tmp_path / "20190315T101500_cis")
    code, events, _ = engine(*args[:-1])  # with SAR now: would change the run
    assert code == 1
    [failed] = events[-1]["result"]["failed"]
    assert "already exists" in failed["message"] and "--overwrite" in failed["message"]


def test_info_reports_each_scene_and_exits_1_when_one_is_unusable(tmp_path):
    broken = tmp_path / "20200101T000000_cis_prep.nc"
    broken.write_bytes(b"nonsense")
    code, events, _ = engine("info", str(SCENE), str(broken))
    assert code == 1
    [result] = only(events, "result")
    good, bad = result["result"]["scenes"]
    assert good["ok"] and "64 × 80 pixels at 80 m" in good["description"]
    assert not bad["ok"] and "is not a netCDF file" in bad["message"]
    assert bad["description"] is None


def test_an_error_is_one_typed_event_with_the_users_message_and_exit_2(tmp_path):
    code, events, _ = engine("compare", str(tmp_path))
    assert code == 2
    [error] = only(events, "error")
    assert error["type"] == "RunFolderError" and error["bug"] is False
    assert "is not a finished Sea Ice Mapper run" in error["message"]
    assert not only(events, "result")


def test_a_usage_error_is_an_event_too():
    code, events, _ = engine("predict")
    assert code == 2
    [error] = events
    assert error["type"] == "UsageError" and "--out" in error["message"]


def test_chart_and_compare_return_their_files_with_warnings_as_events(tmp_path):
    engine("predict", str(SCENE), "--out", str(tmp_path), "--device", "cpu", "--no-sar")
    run = tmp_path / "20190315T101500_cis"
    code, events, stderr = engine("chart", str(run), "--out", str(run / "draft.gpkg"))
    assert code == 0, stderr
    result = events[-1]["result"]
    assert result["files"] == [str(run / "draft.gpkg")] and result["polygons"] > 0
    warnings = only(events, "warning")
    assert [e["message"] for e in warnings] == [w["message"] for w in result["warnings"]]
    assert [e["level"] for e in warnings] == [w["level"] for w in result["warnings"]]
    code, events, stderr = engine("compare", str(run))
    assert code == 0, stderr
    result = events[-1]["result"]
    assert Path(result["folder"]) == run / "compare_scene_chart"
    assert set(result["layers"]) == {
        "sic_difference.tif",
        "sod_agreement.tif",
        "floe_agreement.tif",
    }
    assert 0 <= result["scores"]["combined"] <= 100


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is a POSIX signal")
def test_sigterm_mid_run_exits_130_and_leaves_nothing_behind(tmp_path, medium_scene):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "core", "--json", "predict", str(medium_scene)]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--device", "cpu"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    events = []
    for line in process.stdout:
        events.append(json.loads(line))
        if events[-1].get("stage") == "model":
            helpers = helper_pids(process.pid)
            process.send_signal(signal.SIGTERM)
            break
    events += [json.loads(line) for line in process.stdout]
    assert process.wait(60) == 130
    assert events[-1] == {
        "event": "error",
        "type": "Interrupted",
        "message": "Interrupted; nothing half-written was left behind.",
        "bug": False,
    }
    assert not out.exists() or list(out.iterdir()) == []  # no run folder, no staging folder
    assert len(helpers) == 1 and all(gone(pid) for pid in helpers)  # its reading process too


def test_human_mode_is_unchanged_text(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "core", "info", str(SCENE)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith(f"{SCENE}: OK — 20190315T101500_cis")


def test_diagnostics_names_the_engines_python_packages_and_devices():
    code, events, _ = engine("diagnostics")
    assert code == 0
    report = events[-1]["result"]
    assert report["Engine Python"].endswith(f"({sys.executable})")
    assert report["numpy"] != "MISSING" and "CUDA available" in report


def test_run_file_name_is_the_contracts():
    assert RUN_FILE == "run.json"


def standby(stdin: str, *extra: str) -> tuple[int, list[dict]]:
    done = subprocess.run(
        [sys.executable, "-m", "core", "--json", "standby", *extra],
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


def test_a_standby_engine_runs_the_one_command_it_reads():
    code, events = standby(json.dumps(["info", str(SCENE)]) + "\n")
    assert code == 0
    [result] = events
    assert result["command"] == "info" and result["result"]["scenes"][0]["ok"]


def test_a_standby_engine_exits_quietly_without_a_command_and_refuses_nonsense():
    assert standby("") == (0, [])  # the plugin went away
    assert standby("", "--idle", "0.5") == (0, [])
    code, [error] = standby("info this\n")
    assert code == 2 and "is not a JSON list of arguments" in error["message"]
    code, [error] = standby(json.dumps(["predict"]) + "\n")
    assert code == 2 and error["type"] == "UsageError"
