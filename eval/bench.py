"""Speed benchmark: import time, index cold/warm/re-open, answer latency. Prints a table.

    python eval/bench.py --article ../shared/seed-article.txt \
        --questions eval/sets/seed-article.jsonl [--out bench-out/bench.json]

Cold numbers run in a fresh process (imports and model loading included). Warm indexing is
the median of 5 runs in this process with the models loaded, each into a new data folder;
re-open is the median of 5. Latency: each question asked once, in file order, after one
warm-up question (so per-sentence analysis caches fill as a real chat's would).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.metrics import percentile

WARM_RUNS = 5
_COLD = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from rag.article import load_source
from rag.chain import Resources
from rag.config import Settings
s = Settings(data_dir=Path(sys.argv[2]))
ix = Resources(s).index(load_source(sys.argv[1], s))
print(time.perf_counter() - t0, ix.embedded)
"""


def _python(code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def measure(article_path: str, questions: list[str]) -> dict[str, object]:
    from rag.article import load_source
    from rag.chain import Resources, ask, build_chain
    from rag.config import Settings

    out: dict[str, object] = {}
    imports = [
        float(
            _python(
                "import time; t = time.perf_counter(); import rag; print(time.perf_counter() - t)"
            )
        )
        for _ in range(3)
    ]
    out["import_rag_s"] = min(imports)

    with tempfile.TemporaryDirectory() as cold_dir:
        seconds, embedded = _python(_COLD, article_path, cold_dir).split()
    out["index_cold_s"] = float(seconds)
    out["index_cold_embedded"] = int(embedded)

    warm_times = []
    for _ in range(WARM_RUNS):  # each into a fresh store, models already loaded
        with tempfile.TemporaryDirectory() as data_dir:
            resources = Resources(Settings(data_dir=Path(data_dir)))
            _ = resources.embedder, resources.nlp, resources.client
            article = load_source(article_path, resources.settings)
            started = time.perf_counter()
            index = resources.index(article)
            warm_times.append(time.perf_counter() - started)
    out["index_warm_s"] = statistics.median(warm_times)
    out["sentences"] = len(article.sentences)
    out["index_warm_embedded"] = index.embedded

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        resources = Resources(settings)
        resources.index(article)

        reopen_times, reembedded = [], 0
        for _ in range(5):
            started = time.perf_counter()
            again = resources.index(article)
            reopen_times.append(time.perf_counter() - started)
            reembedded += again.embedded
        out["reopen_ms"] = statistics.median(reopen_times) * 1000
        out["reopen_embedded"] = reembedded

        chain = build_chain(again, resources)
        first = ask(chain, questions[0])
        out["first_answer_ms"] = first.timings["total"]
        latencies = [ask(chain, q).timings["total"] for q in questions]
        out["questions"] = len(latencies)
        out["answer_p50_ms"] = percentile(latencies, 50)
        out["answer_p95_ms"] = percentile(latencies, 95)
        out["answer_max_ms"] = max(latencies)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", required=True)
    parser.add_argument("--questions", required=True, type=Path, help="eval set (JSONL)")
    parser.add_argument("--out", type=Path, help="write the numbers as JSON here")
    args = parser.parse_args(argv)

    from rag.logs import configure_logging

    configure_logging()
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    numbers = measure(args.article, questions)

    table = Table(title=f"rag bench: {args.article} ({numbers['sentences']} sentences)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in numbers.items():
        table.add_row(key, f"{value:.2f}" if isinstance(value, float) else str(value))
    Console().print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(numbers, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
