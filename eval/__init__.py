"""Evaluation sets, the benchmark and (soon) the eval runner for the article chatbot."""
