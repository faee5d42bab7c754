# The README's two commands: `make serve` (the service) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch 2.13.0 CPU. On a machine where PyPI serves the CUDA build, get the CPU wheel with
#   make install TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_VERSION ?= 2.13.0
TORCH_INDEX ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install test lint serve clean constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Everything (all extras and the test tools) at the versions of constraints.txt, those the suite
# last passed with (a fresh resolve takes whatever the registry serves that day); redone when
# pyproject.toml or constraints.txt changes.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet "torch==$(TORCH_VERSION)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/python -m pip install --quiet --constraint constraints.txt -e ".[all,test]"
	touch $@

install: $(VENV)/.installed

test: install
	$(BIN)/ruff check summarizers service eval benchmarks scripts tests
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check summarizers service eval benchmarks scripts tests

serve: install
	$(BIN)/gunicorn --config service/gunicorn.conf.py --bind $(HOST):$(PORT) "summarizers_service.app:create_app()"

# Re-pin constraints.txt to what the venv holds now (after `make install` and a green `make test`).
constraints: install
	{ sed -n '/^#/p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v -i '^torch=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
