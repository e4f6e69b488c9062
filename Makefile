# Sea Ice Mapper: `make test` installs what it needs (idempotent), then lint and all test trees.
# Two environments (scripts/setup.sh): .venv runs the engine, training and the unit tests;
# .venv-qgis is Debian's Python with QGIS plus the test runner, and runs the QGIS and desktop
# tests, whose plugin starts the engine from .venv through SEA_ICE_MAPPER_ENGINE_PYTHON.
PY       := .venv/bin/python
QGIS_PY  := .venv-qgis/bin/python
export SEA_ICE_MAPPER_ENGINE_PYTHON := $(abspath $(PY))
export QT_QPA_PLATFORM := offscreen
export XDG_RUNTIME_DIR := /tmp/runtime-$(shell id -u)
export PYTHONDONTWRITEBYTECODE := 1
NO_QGIS_PLUGIN := -p no:pytest_qgis -W ignore::pytest.PytestConfigWarning

.PHONY: setup setup-engine lint test test-unit test-robust test-qgis test-slow test-install \
	test-qgis-matrix bench e2e demo weights package clean

setup:
	@bash scripts/setup.sh
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)

# The engine environment alone (no QGIS): a GPU machine or a cluster node.
setup-engine:
	@bash scripts/setup.sh engine

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy core training
	$(PY) -m bandit -q -r __init__.py core plugin

# QGIS-free tests: run anywhere (also on a GPU machine without QGIS).
test-unit: setup
	$(PY) -m pytest tests/unit $(NO_QGIS_PLUGIN) -m "not slow"

# Tests in a real headless QGIS (pytest-qgis, offscreen), in Debian's Python.
test-qgis: setup
	$(QGIS_PY) -m pytest tests/qgis -m "not slow"

# Bad inputs, faults, races and kills at every publish step, through the real CLI (~2 min).
test-robust: setup
	$(PY) -m pytest tests/robustness $(NO_QGIS_PLUGIN) -m "not slow"

test: lint test-unit test-robust test-qgis e2e

# Longer checks (benchmarks-as-tests, long training runs): not part of `make test`.
# (pytest's exit status 5, "no test selected", counts as passing: a tree may have none.)
test-slow: setup
	$(PY) -m pytest tests/unit $(wildcard tests/slow) $(NO_QGIS_PLUGIN) -m slow || [ $$? -eq 5 ]
	$(QGIS_PY) -m pytest tests/qgis -m "slow and not install" || [ $$? -eq 5 ]

# The user's path, against the package index: the packaged zip in a fresh QGIS profile, *Set up
# engine* (downloads torch and the rest, several minutes), then a prediction. Needs the network.
test-install: setup
	$(QGIS_PY) -m pytest tests/qgis/test_engine_setup.py -m install -p no:cacheprovider

# The QGIS and desktop tests on QGIS 3.40 (Debian 12 + bookworm-backports) and 3.44 (Debian 13
# + trixie-backports), each in a chroot built with debootstrap under build/chroots (needs root;
# about 2 GB each and 10-20 min the first time). Not part of `make test`.
test-qgis-matrix:
	bash scripts/qgis_matrix.sh bookworm-backports trixie-backports

# Benchmarks on a full synthetic scene (about 12 min on 2 cores): JSON into build/bench/, then
# the tables of docs/benchmarks.md (tables.py --write docs/benchmarks.md to update them there).
# Not here: bench_safe.py (needs ../shared's annotation set, builds a 450 MB product) and
# bench_train.py (a GPU's work at its defaults).
bench: setup
	$(PY) benchmarks/bench_predict.py build/bench --data build/bench/data --runs 3
	$(PY) benchmarks/bench_end_to_end.py build/bench --data build/bench/data --runs 3 --batch 20
	$(PY) benchmarks/bench_eggcode.py build/bench
	$(PY) benchmarks/bench_scene.py build/bench --runs 3
	$(PY) benchmarks/bench_draft.py build/bench --data build/bench/data
	$(PY) benchmarks/bench_engine.py build/bench
	$(PY) benchmarks/tables.py build/bench

# The real QGIS desktop under Xvfb: a fresh profile, a scene run from the dock, its draft chart
# and comparison, a screenshot (about 20 s; part of `make test`).
e2e: setup
	$(QGIS_PY) -m pytest tests/e2e $(NO_QGIS_PLUGIN)

# A synthetic scene charted with the bundled weights: layers, a QGIS project, a PNG map sheet.
demo: setup
	$(QGIS_PY) scripts/demo.py

# Retrain the bundled demonstration weights (preset `bundled`, about 10 min on 2 cores).
weights: setup
	$(PY) scripts/bundle_weights.py

# The installable plugin zip, from committed files only: build/sea_ice_mapper-VERSION.zip.
package:
	python3 scripts/package.py

clean:
	rm -rf .qgis-settings build/demo .pytest_cache .mypy_cache .ruff_cache
