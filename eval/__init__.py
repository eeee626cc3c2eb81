"""Scoring: how well the chatbot answers a set of questions about articles.

Input: a Q&A set (JSONL lines with answers and evidence, an official SQuAD 2.0 file, or an asks
set of what readers type, judged by kind) and the articles it is about. Output: per-question
rows and metrics (HasAns F1, NoAns, evidence and citation scores, calibration, latency), a
terminal table and report.json + report.html (``rag-eval run``), and the CI gate's verdict
against floors.json (``python -m eval.gate``). It scores through the same service as the web
chat's /ask; nothing in rag/ imports it.
"""
