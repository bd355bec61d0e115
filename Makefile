# The two commands of govmodel, on a machine with only Python and make:
#   make demo   install and run the main job on the bundled Xinhe community
#   make test   install with the test extras and run every check CI runs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck unit docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps record which install a venv has, so a changed pyproject.toml reinstalls.
# The demo draws a picture, so it installs the plot extra as well.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[plot]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-base

demo: $(VENV)/.installed-base
	$(BIN)/govmodel demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests examples benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict src tests examples benchmarks

unit: $(VENV)/.installed-dev
	$(BIN)/pytest

docs: $(VENV)/.installed-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site

# Each step stops make on failure, so `make test` fails when any check fails.
test: lint typecheck unit docs

# The benchmarks (not part of `make test`: speed is measured, never asserted by a test).
# Each prints its figures and its ratio against a baseline measured in the same run;
# docs/performance.md records them with the machine and the date.
BENCHMARKS := bench_build bench_routing bench_simulation bench_sweep bench_split bench_volume bench_store bench_experiment
bench: $(VENV)/.installed-dev
	@for b in $(BENCHMARKS); do \
		echo "== benchmarks/$$b.py"; \
		$(BIN)/python benchmarks/$$b.py || exit 1; \
	done

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
