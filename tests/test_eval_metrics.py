"""Eval metrics on hand-computed cases."""

import math

import pytest

from eval.metrics import (
    contains_answer,
    evidence_covered,
    evidence_hit,
    evidence_sentences,
    exact_match,
    find_spans,
    normalize_answer,
    percentile,
    retrieval_hit,
    score_answer,
    token_f1,
)
from eval.scores import aggregate, is_correct


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("The Kremlin", "kremlin"),
        ("  An  apple, a pear!  ", "apple pear"),
        ("“Nothing can be ruled out”", "nothing can be ruled out"),
        ("$73 billion", "73 billion"),
        ("Theatre", "theatre"),  # "the" only as a word
    ],
)
def test_normalize_answer(text: str, normal: str) -> None:
    assert normalize_answer(text) == normal


def test_exact_match_and_f1_hand_computed() -> None:
    assert exact_match("the Britain", "Britain") == 1.0
    assert exact_match("Britain and Spain", "Britain") == 0.0
    # pred: britain germany (2), gold: britain germany spain and poland (5), common 2
    # P = 2/2, R = 2/5 -> F1 = 2 * 1 * 0.4 / 1.4 = 0.5714
    assert round(token_f1("Britain, Germany", "Britain, Germany, Spain and Poland"), 4) == 0.5714
    assert token_f1("Poland", "Spain") == 0.0
    assert token_f1("", "") == 1.0 and token_f1("x", "") == 0.0


def test_score_answer_abstention_rules() -> None:
    assert score_answer("", True, [], answerable=False) == (1.0, 1.0)
    assert score_answer("Tuesday", False, [], answerable=False) == (0.0, 0.0)
    assert score_answer("", True, ["32"], answerable=True) == (0.0, 0.0)
    em, f1 = score_answer("in December", False, ["December", "in December 2023"], True)
    assert em == 0.0 and round(f1, 4) == 0.8  # vs gold 2: P 2/2, R 2/3 -> 0.8


def test_spans_and_support() -> None:
    text = "Alpha beta. Gamma delta. Alpha beta."
    assert find_spans(text, ["Alpha beta", "zzz"]) == [(0, 10), (25, 35)]
    sentences = [(0, 11), (12, 24), (25, 36)]
    evidence = find_spans(text, ["beta. Gamma"])  # crosses sentences 1 and 2
    assert evidence == [(6, 17)]
    assert evidence_hit([((12, 24), "Gamma delta.")], evidence, [])
    assert not evidence_hit([((25, 36), "Alpha beta.")], evidence, [])
    assert evidence_hit([((25, 36), "Alpha beta.")], [], ["beta"])  # contains a gold answer
    assert not evidence_covered([(0, 11)], evidence, sentences)
    assert evidence_covered([(0, 11), (12, 24)], evidence, sentences)
    assert not evidence_covered([(0, 11)], [], sentences)


def test_contains_answer_is_token_based() -> None:
    assert not contains_answer("Ukraine is not currently a member.", "No")
    assert contains_answer("It has 32 members.", "32")
    assert contains_answer("Britain, Germany, Spain and Poland, said…", "Germany, Spain")
    assert not contains_answer("anything", "")


def test_retrieval_hit_at_k() -> None:
    evidence = [(30, 40)]
    retrieved = [(0, 10), (12, 24), (25, 45)]
    assert not retrieval_hit(retrieved, evidence, 1)
    assert retrieval_hit(retrieved, evidence, 3)


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 50) == 10.0
    assert percentile(values, 95) == 19.0
    assert math.isnan(percentile([], 50))


def _row(
    answerable: bool,
    em: float,
    f1: float,
    abstained: bool,
    hit: bool,
    cites: int,
    supporting: int,
    latency: float,
) -> dict:  # type: ignore[type-arg]
    return {
        "answerable": answerable,
        "em": em,
        "f1": f1,
        "abstained": abstained,
        "evidence_hit": hit,
        "evidence_covered": hit,
        "hit_at_1": hit,
        "hit_at_5": True,
        "citations": [{}] * cites,
        "supporting_citations": supporting,
        "latency_ms": latency,
    }


def test_aggregate_hand_computed() -> None:
    rows = [
        _row(True, 1.0, 1.0, False, True, 1, 1, 10.0),
        _row(True, 0.0, 0.5, False, False, 2, 0, 20.0),
        _row(True, 0.0, 0.0, True, False, 0, 0, 30.0),
        _row(False, 1.0, 1.0, True, False, 0, 0, 40.0),
        _row(False, 0.0, 0.0, False, False, 1, 0, 50.0),
    ]
    m = aggregate(rows)
    assert (m["questions"], m["answerable"], m["unanswerable"], m["abstained"]) == (5, 3, 2, 2)
    assert m["hasans_f1"] == pytest.approx(0.5)  # (1 + 0.5 + 0) / 3
    assert m["hasans_em"] == pytest.approx(1 / 3)
    assert m["noans_em"] == 0.5 and m["abstention_accuracy"] == 0.5
    assert m["false_abstention"] == pytest.approx(1 / 3)
    assert m["f1"] == pytest.approx(2.5 / 5)
    assert m["evidence_hit"] == pytest.approx(1 / 3)
    assert m["citation_precision"] == pytest.approx(1 / 4)  # 1 supporting of 4 citations
    assert (m["latency_p50_ms"], m["latency_p95_ms"], m["latency_max_ms"]) == (30.0, 50.0, 50.0)


def test_aggregate_empty_parts_are_nan() -> None:
    m = aggregate([_row(True, 1.0, 1.0, False, True, 0, 0, 5.0)])
    assert math.isnan(m["noans_em"]) and math.isnan(m["citation_precision"])


def test_is_correct() -> None:
    assert is_correct({"f1": 0.5}) and not is_correct({"f1": 0.49})


def test_docstring_examples() -> None:
    import doctest

    import eval.gate
    import eval.metrics
    import eval.scores
    import rag.app.layout
    import rag.index.store
    import rag.ingest.decoding
    import rag.read.neural.decision
    import rag.read.neural.windows
    import train.fit_decision
    import train.fusion_sweep
    import train.quantize

    modules = (eval.metrics, eval.scores, eval.gate, train.fit_decision, train.quantize,
               train.fusion_sweep,
               rag.read.neural.decision, rag.read.neural.windows, rag.app.layout, rag.ingest.decoding,
               rag.index.store)  # fmt: skip
    for module in modules:
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_evidence_sentences_are_the_sentences_holding_the_evidence() -> None:
    from rag.ingest.article import article_from_text

    article = article_from_text("NATO has 32 members. Peskov spoke. Poland ruled it out.")
    spans = evidence_sentences(article, ["32 members", "Poland"])
    assert [article.text[s:e] for s, e in spans] == ["NATO has 32 members.", "Poland ruled it out."]


def test_tradeoff_plot_spans_the_run_s_confidences() -> None:
    from eval.report import tradeoff_plot

    rows = [
        {"answerable": True, "confidence": 0.9, "guess_f1": 1.0},
        {"answerable": True, "confidence": 0.4, "guess_f1": 0.5},
        {"answerable": False, "confidence": 0.1, "guess_f1": 0.0},
    ]
    svg = tradeoff_plot(rows)
    assert ">0</text>" in svg and ">1</text>" in svg  # probabilities
    assert tradeoff_plot([{**r, "guess_f1": None} for r in rows]) == ""


def test_reliability_plot_shows_the_calibration_error_of_probabilities() -> None:
    from eval.report import reliability_plot

    rows = [
        {"answerable": True, "confidence": 0.9, "guess_f1": 1.0, "features": {"margin": 1.0}},
        {"answerable": True, "confidence": 0.9, "guess_f1": 0.0, "features": {"margin": 1.0}},
        {"answerable": False, "confidence": 0.1, "guess_f1": 0.0, "features": {"margin": 1.0}},
    ]
    html = reliability_plot(rows)
    # bins: 0.9 predicted, half right (gap 0.4, 2 questions); 0.1 predicted, none right (0.1)
    assert "Expected calibration error 0.300 over 3 questions" in html
    assert html.count("<circle") == 2
    assert reliability_plot([{**r, "features": {}} for r in rows]) == ""


def test_roc_auc_and_calibration_of_a_perfect_ranking() -> None:
    from eval.metrics import calibration, roc_auc

    assert roc_auc([0.9, 0.8, 0.2], [True, True, False]) == 1.0
    assert calibration([1.0, 0.0], [True, False])[0] == 0.0


def test_the_gate_puts_a_ceiling_on_calibration_error_and_reads_news_fit() -> None:
    from eval.gate import SHARED_DATA, gate_set, limits_from

    limits = limits_from(
        {"calibration_error": 0.035, "hasans_f1": 0.66, "answerable": 612, "questions": 1436}
    )
    assert limits["calibration_error"] == {"max": 0.045}  # at least 0.01 of room
    assert limits["hasans_f1"] == {"min": 0.655}  # at least 0.005
    news_fit = gate_set("news-fit", SHARED_DATA)
    assert news_fit is not None and len(news_fit.items) == 360
    assert len({item.article for item in news_fit.items}) == 12
