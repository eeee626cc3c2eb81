"""The web app as a person meets it: cold start to first answer, and answer latency through
gradio_client. Prints a table and writes JSON.

    python -m bench.app_bench [--questions eval/sets/seed-article.jsonl] [--n 20] [--out FILE]

Cold start: from launching `python app.py` (new process, empty data folder, so models load
and the seed article is embedded) until the first /ask reply arrives. Latency: n questions
from the set, each asked once through /ask after that first one, timed at the client
(HTTP and queue included).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from eval.metrics import percentile

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Started:
    output: str  # what the app printed up to its URL
    pid: int


@contextmanager
def running_app(
    port: int,
    data_dir: str,
    timeout_s: float = 120,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[Started]:
    """`python app.py` in ``cwd`` serving on 127.0.0.1:``port`` (``env`` added to its
    environment).

    A start that takes longer than ``timeout_s`` is killed (RuntimeError with its output);
    the app is stopped when the block ends.
    """
    env = {**os.environ, **(env or {}), "RAG_PORT": str(port), "RAG_DATA_DIR": data_dir}
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    watchdog = threading.Timer(timeout_s, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        for line in proc.stdout:  # ends at the URL line, or when the process dies
            lines.append(line)
            if "Running on local URL" in line:
                break
        else:
            raise RuntimeError("app.py stopped before serving:\n" + "".join(lines))
        watchdog.cancel()
        yield Started("".join(lines), proc.pid)
    finally:
        watchdog.cancel()
        proc.terminate()
        proc.wait(timeout=30)


def client(url: str, _context: list[Any] = []) -> Any:  # noqa: B006 (one context, reused)
    """A gradio_client session. gradio_client opens a new httpx client per request, and each
    builds an SSL context (~40 ms of CPU, more than the app's own work per answer); one
    verifying context, made once and passed as ``ssl_verify``, keeps the timing the app's."""
    import ssl

    from gradio_client import Client

    if not _context:
        _context.append(ssl.create_default_context())
    return Client(url, verbose=False, ssl_verify=_context[0])


def measure(questions: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        started = time.perf_counter()
        with running_app(port, data):
            app = client(f"http://127.0.0.1:{port}/")
            seed = (ROOT / "rag" / "app" / "examples" / "seed-article.txt").read_text("utf-8")
            article_id = app.predict(seed, api_name="/load_article")["article_id"]
            app.predict(article_id, questions[0], [], api_name="/ask")
            cold = time.perf_counter() - started
            latencies = []
            for q in questions[1:]:
                t0 = time.perf_counter()
                app.predict(article_id, q, [], api_name="/ask")
                latencies.append((time.perf_counter() - t0) * 1000)
    return {
        "cold_start_to_first_answer_s": cold,
        "client_p50_ms": statistics.median(latencies),
        "client_p95_ms": percentile(latencies, 95),
        "client_max_ms": max(latencies),
        "questions": len(latencies),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", default=str(ROOT / "eval/sets/seed-article.jsonl"))
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    lines = Path(args.questions).read_text("utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()][: args.n + 1]
    result = measure(questions)
    table = Table("measure", "value", title="web app (python app.py, gradio_client)")
    table.add_row("cold start to first answer", f"{result['cold_start_to_first_answer_s']:.1f} s")
    for key in ("client_p50_ms", "client_p95_ms", "client_max_ms"):
        table.add_row(key.replace("_", " "), f"{result[key]:.0f} ms")
    table.add_row("questions timed", str(result["questions"]))
    Console().print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2), "utf-8")


if __name__ == "__main__":
    main()
