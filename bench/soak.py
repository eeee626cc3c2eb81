"""Soak: the real app (`python app.py`) through months of articles and many people at once.

    python -m bench.soak [--articles 300] [--max-articles 10] [--sessions 20] [--questions 5]
                        [--out FILE]

Phase 1, the store: one app with RAG_STORE_MAX_ARTICLES=``max-articles`` gets ``articles``
generated articles (bench/generated.py), one after another through /load_article, each asked
who its mayor is. From article 40 on, every 10th step also asks about the article loaded 35
steps before, which the store has dropped by then (re-indexed on that question). After 10,
40, 100 and 300 articles it records the data folder's size and the app's RSS.

Phase 2, many people: a fresh app (default store); ``sessions`` gradio_client sessions each
load their own article, then all ask their ``questions`` questions at once, each session
one after another. Latency is timed at the client (HTTP and queue included).

Prints both phases, writes JSON with ``--out``, and exits 1 when a target is missed:
folder after 40 ≤ 1.5 × after 10; RSS at 300 within 15 % of RSS at 100; no failed request,
wrong answer or citation from another session's article; phase 2 answer p95 ≤ 500 ms.
Everything stays on 127.0.0.1; ``--timeout`` bounds phase 1 (phase 2 is 100 questions).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.app_bench import client, free_port, running_app
from bench.generated import GeneratedArticle, generated_article, is_right
from eval.metrics import percentile

CHECKPOINTS = (10, 40, 100, 300)
DROPPED_LAG = 35  # re-ask the article loaded this many steps before
SESSION_OFFSET = 100_000  # phase 2's articles differ from phase 1's
TARGET_P95_MS = 500.0


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def store_phase(
    articles: int, max_articles: int, deadline: float, reader: str = "neural"
) -> dict[str, Any]:
    """Phase 1: articles one after another into a store bounded to ``max_articles``, until
    ``deadline`` (time.monotonic) at the latest."""
    points: dict[int, dict[str, float]] = {}
    asked = right = reasked = reasked_right = failed = 0
    load_ms: list[float] = []
    ask_ms: list[float] = []
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {"RAG_STORE_MAX_ARTICLES": str(max_articles), "RAG_READER": reader}
        with running_app(port, data, env=env) as started:
            app = client(f"http://127.0.0.1:{port}/")
            ids: dict[int, str] = {}
            for n in range(1, articles + 1):
                if time.monotonic() > deadline:
                    print(f"soak: out of time after {n - 1} articles", file=sys.stderr)
                    break
                article = generated_article(n)
                try:
                    t0 = time.perf_counter()
                    ids[n] = app.predict(article.text, api_name="/load_article")["article_id"]
                    load_ms.append((time.perf_counter() - t0) * 1000)
                    question, expected = article.questions[0]
                    t0 = time.perf_counter()
                    reply = app.predict(ids[n], question, [], api_name="/ask")
                    ask_ms.append((time.perf_counter() - t0) * 1000)
                    asked += 1
                    right += is_right(reply, expected, article.text)
                    if n >= 40 and n % 10 == 0:
                        old = generated_article(n - DROPPED_LAG)
                        question, expected = old.questions[1]
                        reply = app.predict(ids[old.number], question, [], api_name="/ask")
                        reasked += 1
                        reasked_right += is_right(reply, expected, old.text)
                except Exception as exc:  # counted and shown; the run goes on
                    failed += 1
                    print(f"article {n}: {type(exc).__name__}: {exc}", file=sys.stderr)
                if n in CHECKPOINTS:
                    points[n] = {
                        "folder_mb": folder_bytes(Path(data)) / 1e6,
                        "rss_mb": rss_bytes(started.pid) / 1e6,
                    }
    return {
        "max_articles": max_articles,
        "articles": articles,
        "loaded": len(load_ms),
        "checkpoints": points,
        "asked": asked,
        "right": right,
        "dropped_reasked": reasked,
        "dropped_reasked_right": reasked_right,
        "failed_requests": failed,
        "load_p50_ms": percentile(load_ms, 50) if load_ms else None,
        "ask_p50_ms": percentile(ask_ms, 50) if ask_ms else None,
        "ask_p95_ms": percentile(ask_ms, 95) if ask_ms else None,
    }


def session(
    url: str, article: GeneratedArticle, questions: int, start: threading.Barrier
) -> dict[str, Any]:
    """One person: load their article, wait for everyone, then ask their questions."""
    out: dict[str, Any] = {"latencies": [], "failed": 0, "wrong": 0, "foreign": 0}
    try:
        app = client(url)
        key = app.predict(article.text, api_name="/load_article")["article_id"]
    except Exception as exc:
        print(f"session {article.number}: load failed: {exc}", file=sys.stderr)
        start.wait()
        out["failed"] += 1
        return out
    start.wait()
    for question, expected in article.questions[:questions]:
        try:
            t0 = time.perf_counter()
            reply = app.predict(key, question, [], api_name="/ask")
            out["latencies"].append((time.perf_counter() - t0) * 1000)
        except Exception as exc:
            out["failed"] += 1
            print(f"session {article.number}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        out["wrong"] += not is_right(reply, expected, article.text)
        out["foreign"] += sum(c["text"] not in article.text for c in reply["citations"])
    return out


def load_phase(sessions: int, questions: int, reader: str = "neural") -> dict[str, Any]:
    """Phase 2: ``sessions`` people at once, each with their own article."""
    articles = [generated_article(SESSION_OFFSET + i) for i in range(sessions)]
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        with running_app(port, data, env={"RAG_READER": reader}) as started:
            url = f"http://127.0.0.1:{port}/"
            start = threading.Barrier(sessions)
            t0 = time.perf_counter()
            with ThreadPoolExecutor(sessions) as pool:
                results = list(pool.map(lambda a: session(url, a, questions, start), articles))
            wall = time.perf_counter() - t0
            rss = rss_bytes(started.pid) / 1e6
    latencies = sorted(ms for r in results for ms in r["latencies"])
    return {
        "sessions": sessions,
        "questions_each": questions,
        "answers": len(latencies),
        "failed_requests": sum(r["failed"] for r in results),
        "wrong_answers": sum(r["wrong"] for r in results),
        "foreign_citations": sum(r["foreign"] for r in results),
        "p50_ms": percentile(latencies, 50) if latencies else None,
        "p95_ms": percentile(latencies, 95) if latencies else None,
        "max_ms": max(latencies) if latencies else None,
        "wall_s": wall,
        "rss_mb": rss,
    }


def missed_targets(store: dict[str, Any], load: dict[str, Any]) -> list[str]:
    """The targets this run missed, each as a sentence (none: all met)."""
    missed = []
    points = store["checkpoints"]
    if 10 in points and 40 in points and points[40]["folder_mb"] > 1.5 * points[10]["folder_mb"]:
        missed.append("the data folder after 40 articles is over 1.5x its size after 10")
    if 100 in points and 300 in points:
        change = abs(points[300]["rss_mb"] - points[100]["rss_mb"]) / points[100]["rss_mb"]
        if change > 0.15:
            missed.append(f"RSS changed {change:.0%} from article 100 to 300 (over 15 %)")
    if store["loaded"] + store["failed_requests"] < store["articles"]:
        missed.append(f"the run stopped after {store['loaded']} of {store['articles']} articles")
    if store["failed_requests"] or load["failed_requests"]:
        missed.append("some requests failed")
    if store["right"] < store["asked"] or store["dropped_reasked_right"] < store["dropped_reasked"]:
        missed.append("some store-phase answers were wrong")
    if load["wrong_answers"] or load["foreign_citations"]:
        missed.append("some answers were wrong or cited another session's article")
    if load["p95_ms"] is None or load["p95_ms"] > TARGET_P95_MS:
        missed.append(f"answer p95 under load is over {TARGET_P95_MS:.0f} ms")
    return missed


def report(store: dict[str, Any], load: dict[str, Any]) -> None:
    console = Console()
    title = f"phase 1: {store['articles']} articles into a store of {store['max_articles']}"
    table = Table("after", "data folder", "app RSS", title=title)
    for n, point in sorted(store["checkpoints"].items()):
        table.add_row(f"{n} articles", f"{point['folder_mb']:.2f} MB", f"{point['rss_mb']:.0f} MB")
    console.print(table)
    console.print(
        f"answers right: {store['right']}/{store['asked']}; dropped articles asked again: "
        f"{store['dropped_reasked_right']}/{store['dropped_reasked']} right; failed requests: "
        f"{store['failed_requests']}; load p50 {store['load_p50_ms']:.0f} ms, ask p50 "
        f"{store['ask_p50_ms']:.0f} ms, p95 {store['ask_p95_ms']:.0f} ms"
    )
    title = f"phase 2: {load['sessions']} sessions x {load['questions_each']} questions at once"
    table = Table("measure", "value", title=title)
    for key in ("answers", "failed_requests", "wrong_answers", "foreign_citations"):
        table.add_row(key.replace("_", " "), str(load[key]))
    for key in ("p50_ms", "p95_ms", "max_ms"):
        value = load[key]
        table.add_row(
            f"answer {key.replace('_ms', '')}", "-" if value is None else f"{value:.0f} ms"
        )
    table.add_row("wall", f"{load['wall_s']:.1f} s")
    table.add_row("app RSS after", f"{load['rss_mb']:.0f} MB")
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--max-articles", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--reader", default="neural", help="the app's RAG_READER")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds for phase 1")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    store = store_phase(args.articles, args.max_articles, deadline, args.reader)
    load = load_phase(args.sessions, args.questions, args.reader)
    report(store, load)
    missed = missed_targets(store, load)
    for line in missed:
        print(f"missed: {line}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        result = {"store": store, "load": load, "missed": missed}
        args.out.write_text(json.dumps(result, indent=2), "utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
