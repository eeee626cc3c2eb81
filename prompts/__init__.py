"""The LLM backends' prompt templates (``*.txt``), shipped as the package ``rag.prompts``.

Edit a file here and the next answer uses it (an editable install reads this folder; a
non-editable one carries a copy). rag/generate/templates.py fills them strictly.
"""
