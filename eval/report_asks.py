"""Render an asks report (eval/asks.py) as one self-contained HTML page: the pass rate by
kind, a latency histogram, then every ask, failures first, with the judge's reason, the
conversation's earlier questions, the answer and its cited sentences highlighted. Uses the
page style and pieces of eval/report.py, which hands asks reports to ``render_asks_html``."""

from __future__ import annotations

from html import escape
from typing import Any

from eval.asks_judge import KINDS, pass_by_kind
from eval.report_parts import PAGE_CSS, fmt, highlighted_paragraphs, latency_histogram
from eval.run import Report
from rag.types import Article

_EXTRA_CSS = """
.kinds td, .kinds th { padding:.15rem 1.2rem .15rem 0; border-bottom:1px solid var(--line);
                       text-align:left }
.kinds td.v { text-align:right; font-variant-numeric:tabular-nums }
.history { margin:.2rem 0; padding-left:1.2rem }
"""


def is_asks_report(report: Report) -> bool:
    """The report came from eval/asks.py: its rows carry ``passed`` and ``kind``."""
    if report.predictions:
        return all("passed" in p and "kind" in p for p in report.predictions)
    return report.config.get("harness") == "asks"


def _percent(passed: int, total: int) -> str:
    return f"{100 * passed / total:.0f} %" if total else "n/a"


def kind_table(predictions: list[dict[str, Any]]) -> str:
    """The "Pass rate by kind" table: kind, passed/total, %, and a last row for all asks.

    >>> "<td>fact</td><td class='v'>1/2</td><td class='v'>50 %</td>" in kind_table(
    ...     [{"kind": "fact", "passed": True}, {"kind": "fact", "passed": False}])
    True
    """
    rows = pass_by_kind(predictions)
    passed = sum(p for _, p, _ in rows)
    body = "".join(
        f"<tr><td>{escape(kind)}</td><td class='v'>{p}/{t}</td>"
        f"<td class='v'>{_percent(p, t)}</td></tr>"
        for kind, p, t in [*rows, ("all", passed, len(predictions))]
    )
    return (
        f"<table class='kinds'><tr><th>kind</th><th>passed/total</th><th>%</th></tr>{body}</table>"
    )


def _order(pred: dict[str, Any]) -> tuple[bool, int, str]:
    kind = pred["kind"]
    return bool(pred["passed"]), KINDS.index(kind) if kind in KINDS else len(KINDS), pred["id"]


def ask_html(pred: dict[str, Any], article: Article | None) -> str:
    """One ask as a card: verdict, kind, question, reason, earlier turns, answer, context."""
    status, verdict = ("good", "passed") if pred["passed"] else ("bad", "failed")
    history = "".join(f"<li>{escape(q)}</li>" for q in pred["history"])
    earlier = f"<div class='muted'>Earlier questions:</div><ol class='history'>{history}</ol>"
    cited = {c["sentence"] for c in pred["citations"]}
    context = highlighted_paragraphs(article, cited) if article is not None and cited else ""
    answered_as = f" · answered as {escape(pred['answer_kind'])}" if pred.get("answer_kind") else ""
    return (
        f"<div class='q {status}'><div><span class='tag {status}'>{verdict}</span>"
        f"<span class='tag'>{escape(pred['kind'])}</span>"
        f"<b>{escape(pred['question'])}</b> <span class='muted'>({escape(pred['id'])})</span>"
        f"</div>{earlier if history else ''}<div>Answer: {escape(pred['answer'])}</div>"
        f"<div class='muted'>{escape(pred['reason'])}{answered_as} · "
        f"{fmt(pred['latency_ms'])} ms</div>{context}</div>"
    )


def render_asks_html(report: Report) -> str:
    """The whole page of an asks report as a string."""
    c, m = report.config, report.metrics
    title = f"Asks report: {escape(str(c.get('set', '')))}"
    config = escape(", ".join(f"{k}={v}" for k, v in c.items() if k != "articles"))
    problems = "".join(f"<li>{escape(p)}</li>" for p in report.problems)
    asks = "".join(
        ask_html(p, report.articles.get(p["article"]))
        for p in sorted(report.predictions, key=_order)
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{PAGE_CSS}{_EXTRA_CSS}</style></head><body>"
        f"<h1>{title}</h1><p class='muted'>{config}</p>"
        f"<h2>Pass rate by kind</h2>{kind_table(report.predictions)}"
        f"<p class='muted'>latency p50 {fmt(m.get('latency_p50_ms'))} ms · "
        f"problems {fmt(m.get('problems', len(report.problems)))}</p>"
        f"<h2>Latency</h2>{latency_histogram([p['latency_ms'] for p in report.predictions])}"
        + (f"<h2>Problems</h2><ul>{problems}</ul>" if problems else "")
        + f"<h2>Asks (failures first)</h2>{asks}</body></html>"
    )
