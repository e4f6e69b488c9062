# Sea Ice Mapper: `make test` installs what it needs (idempotent), then lint and all test trees.
VENV   := .venv
PY     := $(VENV)/bin/python
export QT_QPA_PLATFORM := offscreen
export XDG_RUNTIME_DIR := /tmp/runtime-$(shell id -u)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup lint test test-unit test-qgis test-slow bench e2e demo weights package clean

setup:
	@bash scripts/setup.sh
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy core training
	$(PY) -m bandit -q -r __init__.py core plugin

# QGIS-free tests: run anywhere (also on a GPU machine without QGIS).
test-unit: setup
	$(PY) -m pytest tests/unit -p no:pytest_qgis -W ignore::pytest.PytestConfigWarning -m "not slow"

# Tests in a real headless QGIS (pytest-qgis, offscreen).
test-qgis: setup
	$(PY) -m pytest tests/qgis -m "not slow"

test: lint test-unit test-qgis e2e

# Longer checks (benchmarks-as-tests, long training runs): not part of `make test`.
test-slow: setup
	$(PY) -m pytest tests -m slow

# Benchmarks on a full synthetic scene (about 10 min on 2 cores): JSON into build/bench/, then
# the tables of docs/benchmarks.md (tables.py --write docs/benchmarks.md to update them there).
bench: setup
	$(PY) benchmarks/bench_predict.py build/bench --data build/bench/data --runs 3
	$(PY) benchmarks/bench_end_to_end.py build/bench --data build/bench/data --runs 3 --batch 20
	$(PY) benchmarks/tables.py build/bench

# The real QGIS desktop under Xvfb: a fresh profile, a scene run from the dock, its draft chart
# and comparison, a screenshot (about 20 s; part of `make test`).
e2e: setup
	$(PY) -m pytest tests/e2e -p no:pytest_qgis -W ignore::pytest.PytestConfigWarning

# A synthetic scene charted with the bundled weights: layers, a QGIS project, a PNG map sheet.
demo: setup
	$(PY) scripts/demo.py

# Retrain the bundled demonstration weights (preset `bundled`, about 10 min on 2 cores).
weights: setup
	$(PY) scripts/bundle_weights.py

# The installable plugin zip, from committed files only: build/sea_ice_mapper-VERSION.zip.
package:
	python3 scripts/package.py

clean:
	rm -rf .qgis-settings build .pytest_cache .mypy_cache .ruff_cache
