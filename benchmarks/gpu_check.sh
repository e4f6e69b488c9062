#!/usr/bin/env bash
# The GPU check, one command for the day a GPU machine is lent (under 8 minutes on one
# H100/H200): the CUDA unit tests; the scoring form and end to end on a full synthetic scene
# with bf16 autocast, the out-of-memory fallback to tiles forced once; the training `paper`
# preset for a few hundred iterations (warm it/s, data share, GPU memory, projected time of
# 150 000 iterations). Every result lands as JSON under OUT; OUT/gpu_check.json sums them up.
#
# Usage: benchmarks/gpu_check.sh OUT   (PYTHON=... the interpreter; DATA=... keeps scenes)
# Exit:  0 every step passed; 1 a step failed; 2 usage; 3 no GPU found (nothing measured).
set -u -o pipefail

if [ $# -ne 1 ]; then
    echo "usage: benchmarks/gpu_check.sh OUT_FOLDER" >&2
    exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
cd "$ROOT" || exit 2
# Generated scenes stay out of OUT (hundreds of MB): a fresh folder unless DATA is given.
DATA=${DATA:-$(mktemp -d)}

"$PY" benchmarks/gpu_check.py detect "$OUT"
rc=$?
if [ $rc -ne 0 ]; then
    exit $rc  # 3: no GPU, already said clearly on stderr and in OUT/gpu_check.json
fi

steps=()
run_step() {  # NAME SECONDS COMMAND...: run with a time limit, log to OUT/NAME.log
    local name=$1 limit=$2
    shift 2
    echo "== $name (at most ${limit} s)"
    timeout "$limit" "$@" >"$OUT/$name.log" 2>&1
    local code=$?
    tail -n 5 "$OUT/$name.log"
    echo "== $name: exit $code"
    steps+=("$name=$code")
}

run_step cuda_unit_tests 120 "$PY" -m pytest tests/unit -p no:pytest_qgis \
    -W ignore::pytest.PytestConfigWarning -q -m "not slow" -k "cuda or gpu" \
    --junitxml "$OUT/cuda_unit_tests.xml"
run_step predict 180 "$PY" benchmarks/gpu_check.py predict "$OUT" "$DATA"
run_step train_paper 240 "$PY" benchmarks/bench_train.py --preset paper --steps 300 \
    --scenes 8 --size 3000x3100 --device cuda --keep "$DATA/train" \
    --json "$OUT/gpu_train.json"

"$PY" benchmarks/gpu_check.py summarise "$OUT" "${steps[@]}"
