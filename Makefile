# make run   - set up .venv and open the web chat about the seed article (http://127.0.0.1:7860)
# make chat  - the same chat in the terminal
# make test  - set up .venv (and Debian chromium for the browser tests), run the test suite,
#              then the eval gate (what CI runs)
# make train-reader - rebuild the learned reader from ../shared/data
# make bench - speed: index cold/warm/re-open, answer latency per backend, beside the
#              LangChain tutorial pipeline; app cold start and latency through Gradio

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The seed article; the byte-identical copy in eval/articles/ where ../shared is absent.
ARTICLE ?= $(firstword $(wildcard ../shared/seed-article.txt) eval/articles/seed-article.txt)

export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run chat test bench lint clean train-reader

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first and pinned: the local CPU wheel; a looser pin pulls GBs of CUDA.
# llama-cpp-python (the local extra) is built from source without -march=native: the native
# build crashed in decode on a CPU reporting AVX512/AMX; this one loads SmolLM2 in 0.1 s and
# makes ~75 tokens/s on 2 cores. --no-cache-dir: never reuse a wheel built with other flags.
# The build needs a C/C++ compiler: Debian's build-essential is installed when g++ is missing
# (cmake and ninja come from PyPI when absent).
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AMX=OFF -DGGML_AVX512=OFF
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	command -v g++ >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential; }
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/pip install --quiet --no-cache-dir "llama-cpp-python>=0.3.7"
	$(BIN)/pip install --quiet -e ".[dev,openai,local]"
	touch $(STAMP)

# Debian's browser for the Playwright tests; never a downloaded one.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

run: $(STAMP)
	RAG_START_ARTICLE=$(ARTICLE) $(BIN)/python app.py

chat: $(STAMP)
	$(BIN)/rag chat $(ARTICLE)

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest
	$(BIN)/python -m eval.gate

bench: $(STAMP)
	$(BIN)/rag bench --backends extractive local
	$(BIN)/python -m eval.app_bench

# Rebuild rag/reader/reader.pkl from ../shared/data (SQuAD 2.0 excerpts), seed 0; prints the
# validation and held-out metrics. ~20 min on 2 cores.
train-reader: $(STAMP)
	$(BIN)/python -m eval.train_reader

lint: $(STAMP)
	$(BIN)/ruff check app.py rag tests eval
	$(BIN)/ruff format --check app.py rag tests eval
	$(BIN)/mypy app.py rag eval

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
