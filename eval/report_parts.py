"""Pieces every HTML report page shares: the style sheet, number formatting, the latency
histogram (inline SVG) and an article's paragraphs with cited sentences highlighted."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from rag.types import Article

PAGE_CSS = """
:root { --bg:#fff; --fg:#1d232b; --muted:#5c6773; --line:#dde3ea; --bad:#b42318;
        --good:#067647; --mark:#fff1a8; --card:#f7f9fb; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#14181d; --fg:#e6e9ee; --muted:#9aa5b1; --line:#2c343d; --bad:#f97066;
          --good:#47cd89; --mark:#5c4d00; --card:#1b2128; } }
body { background:var(--bg); color:var(--fg); font:15px/1.5 system-ui, sans-serif;
       max-width:1100px; margin:2rem auto; padding:0 1rem; }
h1 { font-size:1.4rem; margin:0 0 .2rem } h2 { font-size:1.1rem; margin-top:2rem }
.muted { color:var(--muted) } table { border-collapse:collapse; }
.metrics td { padding:.15rem 1.2rem .15rem 0; border-bottom:1px solid var(--line) }
.metrics td.v { text-align:right; font-variant-numeric:tabular-nums }
.q { border:1px solid var(--line); border-radius:8px; padding:.7rem 1rem; margin:.7rem 0;
     background:var(--card) }
.q.bad { border-left:5px solid var(--bad) } .q.good { border-left:5px solid var(--good) }
.tag { font-size:.8rem; font-weight:600; padding:.05rem .45rem; border-radius:4px;
       border:1px solid currentColor; margin-right:.4rem }
.tag.bad { color:var(--bad) } .tag.good { color:var(--good) }
.para { margin:.4rem 0 0; padding:.4rem .6rem; border-left:3px solid var(--line) }
mark { background:var(--mark); color:inherit; padding:0 .1rem; border-radius:3px }
sup { color:var(--muted) } svg text { fill:var(--muted); font-size:11px }
svg rect.bar { fill:#4e79a7 }
"""


def fmt(value: Any) -> str:
    """Numbers for people: ints as is, floats to 3 places, NaN/None as n/a."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def latency_histogram(latencies: list[float], *, bins: int = 20) -> str:
    """An inline SVG bar chart of the latencies (ms)."""
    if not latencies:
        return "<p class='muted'>No latencies.</p>"
    low, high = 0.0, max(latencies) * 1.0001
    width = high / bins or 1.0
    counts = [0] * bins
    for v in latencies:
        counts[min(int(v / width), bins - 1)] += 1
    w, h, pad = 640, 160, 24
    bar_w = (w - 2 * pad) / bins
    top = max(counts)
    parts = [
        f"<svg viewBox='0 0 {w} {h + 30}' width='{w}' role='img' aria-label='latency histogram'>"
    ]
    for i, c in enumerate(counts):
        bh = (h - pad) * c / top
        x, y = pad + i * bar_w, h - bh
        parts.append(
            f"<rect class='bar' x='{x:.1f}' y='{y:.1f}' width='{bar_w - 2:.1f}' "
            f"height='{bh:.1f}'><title>{c} in {low + i * width:.0f}–"
            f"{low + (i + 1) * width:.0f} ms</title></rect>"
        )
    for i, anchor in ((0, "start"), (bins // 2, "middle"), (bins, "end")):
        parts.append(
            f"<text x='{pad + i * bar_w:.1f}' y='{h + 16}' text-anchor='{anchor}'>"
            f"{low + i * width:.0f} ms</text>"
        )
    parts.append(f"<text x='{pad}' y='12'>max {top} questions per bar</text></svg>")
    return "".join(parts)


def highlighted_paragraphs(article: Article, cited: set[int]) -> str:
    """The paragraphs holding cited sentences, each sentence numbered, cited ones marked."""
    paragraphs = sorted({s.paragraph for s in article.sentences if s.idx in cited})
    html = []
    for p in paragraphs:
        pieces = []
        for s in (s for s in article.sentences if s.paragraph == p):
            text = escape(s.text)
            body = f"<mark>{text}</mark>" if s.idx in cited else text
            pieces.append(f"<sup>[{s.idx}]</sup>{body}")
        html.append(f"<div class='para'>{' '.join(pieces)}</div>")
    return "".join(html)
