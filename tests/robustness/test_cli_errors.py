"""Every generated bad input through the real CLI: a clear message naming the problem, the
right exit status, no traceback, no bytes of the bad file echoed, nothing partial left."""

from __future__ import annotations

import re

import pytest

KINDS = [
    "scene file",
    "weight bundle",
    "option",
    "scene list",
    "run folder",
    "ice chart",
    "training",
]
SECRETS = ("secret", "SECRET")  # content written into bad files: must never be echoed


def _problems(case, result) -> list[str]:
    text = result["stdout"] + result["stderr"]
    problems = []
    if result["traceback"]:
        problems.append("raised out of main:\n" + result["traceback"][-2000:])
    if "Traceback" in text:
        problems.append("printed a traceback")
    wrong_code = result["code"] == 0 if case.code is None else result["code"] != case.code
    if wrong_code:
        problems.append(f"exit status {result['code']}, expected {case.code or 'non-zero'}")
    if not re.search(case.expect, text, re.DOTALL):
        problems.append(f"output does not match {case.expect!r}")
    if any(secret in text for secret in SECRETS):
        problems.append("echoed the content of the bad file")
    return problems


@pytest.mark.parametrize("kind", KINDS)
def test_bad_inputs_get_a_clear_error(cli_results, kind):
    results, _ = cli_results
    mine = [(case, result) for case, result in results.values() if case.kind == kind]
    assert mine, f"no cases of kind {kind!r} were generated"
    failures = []
    for case, result in mine:
        problems = _problems(case, result)
        if problems:
            output = (result["stdout"] + result["stderr"])[-600:]
            failures.append(f"[{case.id}] " + "; ".join(problems) + f"\n  output: {output}")
    assert not failures, f"{len(failures)} of {len(mine)} cases failed:\n" + "\n".join(failures)


def test_the_driver_itself_printed_no_traceback(cli_results):
    _, stderr = cli_results
    assert "Traceback" not in stderr


def test_failed_runs_left_nothing_partial(cli_results, tmp_path_factory):
    results, _ = cli_results
    outs = {
        case.argv[case.argv.index("--out") + 1]
        for case, _ in results.values()
        if "--out" in case.argv
    }
    from pathlib import Path

    leftovers = [
        str(entry)
        for out in outs
        if Path(out).is_dir()
        for entry in Path(out).iterdir()
        if re.search(r"\.(part|old)-|\.lock$", entry.name)
    ]
    assert not leftovers
