"""Timing and load: how fast the chatbot answers and how it holds up under use.

Input: the shipped seed article, a generated long article (``long_article``) and generated
one-town articles (``generated``). Output: printed tables and optional JSON: index and answer
latency beside the LangChain tutorial pipeline (``bench``, ``rag-eval bench``), the app's cold
start and latency through Gradio (``app_bench``, ``make bench``), and a bounded store over 300
articles with 20 people asking at once (``soak``, ``make soak``). Nothing in rag/ imports it.
"""
