# make run   - set up .venv and chat (in the terminal) about the seed article
# make test  - set up .venv, run the test suite, then the eval gate (what CI runs)
# make bench - speed numbers: import, index cold/warm/re-open, answer latency

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTICLE ?= ../shared/seed-article.txt

export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first and pinned: the local CPU wheel; a looser pin pulls GBs of CUDA.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rag chat $(ARTICLE)

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/python -m eval.gate

bench: $(STAMP)
	$(BIN)/python eval/bench.py --article $(ARTICLE) --questions eval/sets/seed-article.jsonl

lint: $(STAMP)
	$(BIN)/ruff check rag tests eval
	$(BIN)/ruff format --check rag tests eval
	$(BIN)/mypy rag eval

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
