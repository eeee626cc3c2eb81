"""The web chat (Gradio): handlers, page, rendering, and the shipped examples.

Input: an ArticleService. Output: the ``gr.Blocks`` that ``app.py`` launches. ``chat.py``
holds what each event does as plain methods; ``layout.py`` wires them into the page;
``render.py`` turns answers and articles into HTML/Markdown (pure); ``suggest.py`` picks
example questions. ``examples/`` (the seed article, its questions) and ``assets/`` (CSS,
the [n]-link script) are package data.
"""
