"""Speed benchmark, ours beside the LangChain tutorial pipeline (`rag-eval bench`). Prints a table,
writes JSON.

    rag-eval bench                               # seed + long article, extractive
    rag-eval bench --backends extractive local --out bench-out/bench.json

For the seed article and a long one (bench/long_article.py, >= 800 sentences):
- index cold (a fresh process: imports, models loading, embedding), warm (models loaded, a
  new store; median of 3) and re-open of the persisted index (median of 5; sentences
  re-embedded must be 0);
- answer latency p50/p95/max per backend over the seed set's questions (61; each asked once
  after one warm-up);
- the tutorial pipeline on the same article and questions in the same process:
  RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) + Chroma + the same MiniLM
  embeddings, top-4 chunks. Its latency is retrieval only (its answer would be an LLM call), so
  the ratio flatters it. Evidence precision: of the characters returned as sources (our cited
  sentences; its 4 chunks), the share inside a sentence that holds the question's evidence;
- peak RSS of this process (models, stores and every run above).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.long_article import long_article
from eval.metrics import evidence_sentences, percentile
from eval.sets import EvalItem, read_jsonl

ROOT = Path(__file__).resolve().parent
SEED = ROOT.parent / "rag" / "app" / "examples" / "seed-article.txt"
SEED_SET = ROOT.parent / "eval" / "sets" / "seed-article.jsonl"
_COLD = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from rag.ingest.article import load_source
from rag.pipeline import Resources
from rag.config import Settings
s = Settings(data_dir=Path(sys.argv[2]))
ix = Resources(s).index(load_source(sys.argv[1], s))
print(time.perf_counter() - t0, ix.embedded)
"""
Span = tuple[int, int]


def _overlap(a: Span, spans: Sequence[Span]) -> int:
    return sum(max(0, min(a[1], b[1]) - max(a[0], b[0])) for b in spans)


def evidence_precision(sources: Sequence[Span], evidence_sentences: Sequence[Span]) -> float:
    """Share of the source characters inside evidence sentences (1.0 = nothing else shown).

    >>> evidence_precision([(0, 10), (10, 30)], [(0, 10)])
    0.3333333333333333
    """
    total = sum(e - s for s, e in sources)
    return sum(_overlap(s, evidence_sentences) for s in sources) / total if total else 0.0


def _cold_index(path: Path) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as data_dir:
        result = subprocess.run(
            [sys.executable, "-c", _COLD, str(path), data_dir],
            capture_output=True,
            text=True,
            check=True,
        )
    seconds, embedded = result.stdout.split()
    return float(seconds), int(embedded)


def _latency(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "max_ms": max(values),
    }


def measure(path: Path, items: list[EvalItem], backends: Sequence[str]) -> dict[str, Any]:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.config import Settings
    from rag.ingest.article import load_source
    from rag.pipeline import Resources
    from rag.service import ArticleService

    out: dict[str, Any] = {}
    out["index_cold_s"], out["index_cold_embedded"] = _cold_index(path)
    warm = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as data_dir:
            resources = Resources(Settings(data_dir=Path(data_dir)))
            _ = resources.embedder, resources.nlp, resources.client
            article = load_source(str(path), resources.settings)
            started = time.perf_counter()
            resources.index(article)
            warm.append(time.perf_counter() - started)
    out["sentences"] = len(article.sentences)
    out["index_warm_s"] = statistics.median(warm)

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        resources = Resources(settings)
        resources.index(article)
        reopen, reembedded = [], 0
        for _ in range(5):
            started = time.perf_counter()
            reembedded += resources.index(article).embedded
            reopen.append(time.perf_counter() - started)
        out["reopen_ms"] = statistics.median(reopen) * 1000
        out["reopen_embedded"] = reembedded

        service = ArticleService(settings, resources)
        key = service.load(article).id
        evidence = {
            item.id: evidence_sentences(article, item.evidence) for item in items if item.answerable
        }
        for backend in backends:
            service.ask(key, items[0].question, backend=backend)  # warm-up
            times, precision = [], []
            for item in items:
                answer = service.ask(key, item.question, backend=backend)
                times.append(answer.timings["total"])
                if item.id in evidence and answer.citations:
                    cited = [(c.start, c.end) for c in answer.citations]
                    precision.append(evidence_precision(cited, evidence[item.id]))
            out[backend] = {**_latency(times), "evidence_precision": statistics.mean(precision)}

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=1000, chunk_overlap=200, add_start_index=True
        )
        started = time.perf_counter()
        chunks = splitter.create_documents([article.text])
        store = Chroma.from_documents(chunks, resources.embedder, collection_name="tutorial")
        tutorial_index = time.perf_counter() - started
        times, precision = [], []
        for item in items:
            started = time.perf_counter()
            found = store.similarity_search(item.question, k=4)
            times.append((time.perf_counter() - started) * 1000)
            if item.id in evidence:
                spans = [
                    (d.metadata["start_index"], d.metadata["start_index"] + len(d.page_content))
                    for d in found
                ]
                precision.append(evidence_precision(spans, evidence[item.id]))
        store.delete_collection()
        out["tutorial"] = {
            **_latency(times),
            "evidence_precision": statistics.mean(precision),
            "index_s": tutorial_index,
            "chunks": len(chunks),
        }
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render(results: dict[str, Any], backends: Sequence[str]) -> Table:
    table = Table(title="rag-eval bench (ours vs the LangChain tutorial pipeline)")
    names = list(results["articles"])
    table.add_column("measure")
    for name in names:
        table.add_column(f"{name}\n({results['articles'][name]['sentences']} sentences)",
                         justify="right")  # fmt: skip
    rows: list[tuple[str, Any]] = [
        ("index cold (s, new process)", lambda r: f"{r['index_cold_s']:.2f}"),
        ("index warm (s)", lambda r: f"{r['index_warm_s']:.2f}"),
        ("re-open (ms) / re-embedded", lambda r: f"{r['reopen_ms']:.1f} / {r['reopen_embedded']}"),
    ]

    def latency(b: str) -> Any:
        return lambda r: f"{r[b]['p50_ms']:.1f} / {r[b]['p95_ms']:.1f} / {r[b]['max_ms']:.1f}"

    def precision(b: str) -> Any:
        return lambda r: f"{r[b]['evidence_precision']:.3f}"

    for backend in [*backends, "tutorial"]:
        label = "tutorial top-4 retrieval" if backend == "tutorial" else f"{backend} answer"
        rows.append((f"{label} p50 / p95 / max (ms)", latency(backend)))
        rows.append((f"{label} evidence precision", precision(backend)))
    first = backends[0]
    rows.append(
        ("ours p50 / tutorial p50", lambda r: f"{r[first]['p50_ms'] / r['tutorial']['p50_ms']:.2f}")
    )
    for label, cell in rows:
        table.add_row(label, *[cell(results["articles"][n]) for n in names])
    table.caption = f"peak RSS {results['peak_rss_mb']:.0f} MB; {results['questions']} questions"
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rag-eval bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["extractive"])
    parser.add_argument("--questions", type=Path, default=SEED_SET)
    parser.add_argument("--out", type=Path, default=Path("bench-out/bench.json"))
    args = parser.parse_args(argv)

    from rag.logs import configure_logging

    configure_logging()
    items = list(read_jsonl(args.questions, SEED).items)
    results: dict[str, Any] = {"questions": len(items), "articles": {}}
    with tempfile.TemporaryDirectory() as tmp:
        long_path = Path(tmp) / "long-article.txt"
        long_path.write_text(long_article(), encoding="utf-8")
        for name, path in (("seed", SEED), ("long", long_path)):
            results["articles"][name] = measure(path, items, args.backends)
    results["peak_rss_mb"] = peak_rss_mb()
    Console().print(render(results, args.backends))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
