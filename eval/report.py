"""Render a Report as one self-contained HTML page: metrics, a latency histogram (inline
SVG), and every question as a row, failures first, with the cited sentences highlighted
inside their paragraphs. No scripts, fonts or styles from anywhere else."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from eval import report_asks
from eval.metrics import calibration, tradeoff_curve
from eval.report_parts import PAGE_CSS, fmt, highlighted_paragraphs, latency_histogram
from eval.run import Report
from eval.scores import is_correct, reliability_rows
from rag.types import Article

_SHOWN_METRICS = [
    ("questions", "questions"), ("answerable", "answerable"), ("unanswerable", "unanswerable"),
    ("hasans_f1", "HasAns F1"), ("hasans_em", "HasAns EM"), ("noans_em", "NoAns (abstained)"),
    ("f1", "overall F1"), ("em", "overall EM"), ("abstention_accuracy", "abstention accuracy"),
    ("false_abstention", "false abstention"), ("evidence_hit", "evidence hit"),
    ("retrieval_hit_at_1", "retrieval hit@1"), ("retrieval_hit_at_5", "retrieval hit@5"),
    ("citation_precision", "citation precision"), ("citation_recall", "citation recall"),
    ("latency_p50_ms", "latency p50 (ms)"), ("latency_p95_ms", "latency p95 (ms)"),
    ("latency_max_ms", "latency max (ms)"), ("forced_hasans_f1", "HasAns F1, best span forced"),
    ("calibration_error", "calibration error (ECE)"), ("problems", "problems"),
]  # fmt: skip


def tradeoff_plot(predictions: list[dict[str, Any]]) -> str:
    """HasAns F1 and NoAns accuracy against the no-answer threshold, as an inline SVG (only
    for runs whose answerer reports a best span when it abstains: the trained readers). The
    x axis spans the run's confidences: probabilities 0-1 for both."""
    if not any(p.get("guess_f1") is not None for p in predictions):
        return ""
    rows = [
        (bool(p["answerable"]), float(p["confidence"]), float(p.get("guess_f1") or 0.0))
        for p in predictions
        if p.get("guess_f1") is not None or not p["answerable"]
    ]
    lo = min(0.0, *(c for _, c, _ in rows))
    hi = max(1.0, *(c for _, c, _ in rows))
    steps = [lo + (hi - lo) * i / 20 for i in range(21)]
    curve = tradeoff_curve(rows, steps)
    w, h, pad = 640, 200, 30

    def point(x: float, y: float) -> str:
        share = (x - lo) / (hi - lo)
        return f"{pad + share * (w - 2 * pad):.1f},{h - pad - y * (h - 2 * pad):.1f}"

    lines = []
    for index, colour, label in ((1, "#4e79a7", "HasAns F1"), (2, "#e15759", "NoAns accuracy")):
        pts = " ".join(point(c[0], c[index]) for c in curve if c[index] == c[index])
        lines.append(f"<polyline fill='none' stroke='{colour}' stroke-width='2' points='{pts}'>"
                     f"<title>{label}</title></polyline>")  # fmt: skip
    axis = "".join(
        f"<text x='{point(t, 0).split(',')[0]}' y='{h - 10}' text-anchor='middle'>{t:.3g}</text>"
        for t in (lo + (hi - lo) * q for q in (0, 0.25, 0.5, 0.75, 1))
    )
    return (
        "<h2>No-answer trade-off</h2><p class='muted'>Answering only when the reader's "
        "confidence reaches the threshold (x): <span style='color:#4e79a7'>HasAns F1</span> "
        "and <span style='color:#e15759'>NoAns accuracy</span> (0–1).</p>"
        f"<svg viewBox='0 0 {w} {h}' width='{w}' role='img' aria-label='trade-off curve'>"
        + "".join(lines)
        + axis
        + "</svg>"
    )


def reliability_plot(predictions: list[dict[str, Any]]) -> str:
    """The reliability diagram of the reader's confidence (a probability that its best span
    is right) as an inline SVG: per tenth of confidence, the share of best spans that were
    right, with the diagonal a calibrated answerer follows; "" for answerers without one."""
    probabilities, right = reliability_rows(predictions)
    if not probabilities:
        return ""
    ece, table = calibration(probabilities, right)
    w, h, pad = 320, 320, 34

    def xy(x: float, y: float) -> tuple[float, float]:
        return pad + x * (w - 2 * pad), h - pad - y * (h - 2 * pad)

    (x0, y0), (x1, y1) = xy(0, 0), xy(1, 1)
    parts = [
        f"<svg viewBox='0 0 {w} {h}' width='{w}' role='img' aria-label='reliability diagram'>",
        f"<line x1='{x0}' y1='{y0}' x2='{x1}' y2='{y1}' stroke='#9aa5b1' stroke-dasharray='4 4'/>",
        f"<rect x='{x0}' y='{y1}' width='{x1 - x0}' height='{y0 - y1}' fill='none' "
        "stroke='#9aa5b1'/>",
    ]
    top = max(r["n"] for r in table)
    for row in table:
        x, y = xy(row["predicted"], row["observed"])
        radius = 3 + 7 * (row["n"] / top) ** 0.5
        parts.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{radius:.1f}' fill='#4e79a7' "
            f"fill-opacity='.75'><title>{row['n']} questions at confidence "
            f"{row['low']:.1f}–{row['high']:.1f}: predicted {row['predicted']:.2f}, "
            f"right {row['observed']:.2f}</title></circle>"
        )
    parts.append(
        f"<text x='{w / 2}' y='{h - 6}' text-anchor='middle'>confidence (predicted)</text>"
        f"<text x='10' y='{h / 2}' transform='rotate(-90 10 {h / 2})' text-anchor='middle'>"
        f"share right (observed)</text><text x='{x0}' y='{y0 + 14}'>0</text>"
        f"<text x='{x1}' y='{y0 + 14}' text-anchor='end'>1</text></svg>"
    )
    return (
        f"<h2>Calibration</h2><p class='muted'>Expected calibration error {ece:.3f} over "
        f"{len(probabilities)} questions: each circle is a tenth of confidence (area: "
        "questions in it); on the dashed diagonal the confidence is the share of best spans "
        "that were right.</p>" + "".join(parts)
    )


def _row(pred: dict[str, Any], article: Article | None) -> str:
    ok = is_correct(pred) and (pred["evidence_hit"] or not pred["answerable"])
    status = "good" if ok else "bad"
    verdict = "right" if ok else "wrong"
    golds = ", ".join(escape(g) for g in pred["answers"]) or "<i>(not in the article)</i>"
    cited = {c["sentence"] for c in pred["citations"]}
    context = highlighted_paragraphs(article, cited) if article is not None and cited else ""
    return (
        f"<div class='q {status}'><div><span class='tag {status}'>{verdict}</span>"
        f"<b>{escape(pred['question'])}</b> <span class='muted'>({escape(pred['id'])})</span>"
        f"</div><div>Answer: {escape(pred['answer'])}</div>"
        f"<div class='muted'>Gold: {golds} · EM {fmt(pred['em'])} · F1 {fmt(pred['f1'])} · "
        f"evidence hit {'yes' if pred['evidence_hit'] else 'no'} · "
        f"{fmt(pred['latency_ms'])} ms</div>{context}</div>"
    )


def render_html(report: Report) -> str:
    """The whole page as a string (an asks report's: eval/report_asks.py)."""

    if report_asks.is_asks_report(report):
        return report_asks.render_asks_html(report)
    m, c = report.metrics, report.config
    rows = sorted(
        report.predictions,
        key=lambda p: (is_correct(p) and (p["evidence_hit"] or not p["answerable"]), p["id"]),
    )
    metrics = "".join(
        f"<tr><td>{label}</td><td class='v'>{fmt(m.get(key))}</td></tr>"
        for key, label in _SHOWN_METRICS
    )
    problems = "".join(f"<li>{escape(p)}</li>" for p in report.problems)
    questions = "".join(_row(p, report.articles.get(p["article"])) for p in rows)
    config = escape(", ".join(f"{k}={v}" for k, v in c.items() if k != "articles"))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Eval report: {escape(str(c.get('set', '')))}</title><style>{PAGE_CSS}</style>"
        f"</head><body><h1>Eval report: {escape(str(c.get('set', '')))}</h1>"
        f"<p class='muted'>{config}</p><h2>Metrics</h2><table class='metrics'>{metrics}</table>"
        f"<h2>Latency</h2>{latency_histogram([p['latency_ms'] for p in report.predictions])}"
        + tradeoff_plot(report.predictions)
        + reliability_plot(report.predictions)
        + (f"<h2>Problems</h2><ul>{problems}</ul>" if problems else "")
        + f"<h2>Questions (failures first)</h2>{questions}</body></html>"
    )


def write_report(report: Report, out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and the self-contained report.html into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    json_path.write_text(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path
