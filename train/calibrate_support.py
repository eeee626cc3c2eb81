"""Calibrate the citation check's support threshold (rag/generate/citations.py) on the eval sets.

    python -m train.calibrate_support eval/sets/seed-article.jsonl eval/sets/harbour-bridge.jsonl

For each answerable question a claim is written the way a model answers: the gold answer
followed by the question's words without its wh-phrase ("Who ruled out sending troops?" +
"Britain, …" -> "Britain, … ruled out sending troops"). Pairs:
- supported: the claim with each sentence holding the question's evidence;
- unsupported: the claim with each of the 5 sentences retrieved for the question that holds
  neither the evidence nor an answer (the plausible wrong citations a model makes).
Prints, per threshold, the share of supported pairs kept and unsupported pairs dropped, and
the threshold with the best balanced accuracy (their mean).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from eval.metrics import contains_answer, evidence_sentences
from eval.sets import read_jsonl
from rag.config import Settings
from rag.generate.citations import support_score
from rag.ingest.article import load_source
from rag.pipeline import Resources
from rag.retrieve.hybrid import HybridRetriever

_WH = re.compile(
    r"^\s*(?:according to (?:whom|who|what)|(?:how (?:many|much)|which|what|whose)(?: \w+)?|"
    r"who|whom|when|where|why|how)\b\s*(?:(?:did|does|do|is|are|was|were|has|have|had|will)\b)?",
    re.IGNORECASE,
)
THRESHOLDS = [round(t, 2) for t in np.arange(0.25, 0.76, 0.05)]


def as_claim(question: str, answer: str) -> str:
    """The answer followed by the question without its wh-phrase.

    >>> as_claim("Who ruled out sending troops?", "Britain and Poland")
    'Britain and Poland ruled out sending troops'
    """
    rest = _WH.sub("", question).strip().rstrip("?").strip()
    return f"{answer} {rest}".strip()


def pairs(paths: list[Path], settings: Settings) -> tuple[list[float], list[float]]:
    """Support scores of supported and of unsupported (claim, sentence) pairs."""
    resources = Resources(settings)
    supported: list[float] = []
    unsupported: list[float] = []
    for path in paths:
        items = [i for i in read_jsonl(path).items if i.answerable]
        articles = {}
        for item in items:
            if item.article not in articles:  # each article indexed once, with its retriever
                article = load_source(item.article, settings)
                index = resources.index(article)
                retriever = HybridRetriever(index=index, embedder=resources.embedder, k=5)
                articles[item.article] = (article, retriever)
            article, retriever = articles[item.article]
            held = set(evidence_sentences(article, item.evidence))
            claim = as_claim(item.question, item.answers[0])
            good = [s for s in article.sentences if (s.start, s.end) in held]
            bad = [
                p.sentence
                for p in retriever.passages(item.question)
                if (p.sentence.start, p.sentence.end) not in held
                and not any(contains_answer(p.sentence.text, a) for a in item.answers)
            ]
            texts = [claim] + [s.text for s in good + bad]
            vectors = np.asarray(resources.embedder.embed_documents(texts))
            sims = vectors[1:] @ vectors[0]
            for sentence, sim in zip(good + bad, sims, strict=True):
                score = support_score(claim, sentence.text, float(sim))
                (supported if sentence in good else unsupported).append(score)
    return supported, unsupported


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data_dir:
        good, bad = pairs(args.sets, Settings(data_dir=Path(data_dir)))
    good_a, bad_a = np.asarray(good), np.asarray(bad)
    table = Table(title=f"support threshold: {len(good)} supported, {len(bad)} unsupported pairs")
    for column in ("threshold", "supported kept", "unsupported dropped", "balanced"):
        table.add_column(column, justify="right")
    best = (0.0, 0.0)
    for t in THRESHOLDS:
        kept, dropped = float((good_a >= t).mean()), float((bad_a < t).mean())
        balanced = (kept + dropped) / 2
        best = max(best, (balanced, t))
        table.add_row(f"{t:.2f}", f"{kept:.3f}", f"{dropped:.3f}", f"{balanced:.3f}")
    console = Console()
    console.print(table)
    console.print(f"best balanced accuracy {best[0]:.3f} at threshold {best[1]:.2f}")


if __name__ == "__main__":
    main()
