"""Generate: Passages become an Answer written by an LLM, its citations checked.

Input: the question, the pipeline's retriever and a chat model. Output: a stream of the
answer's text so far, then the checked ``Answer``. ``answerer.py`` prompts, streams and
checks; ``citations.py`` keeps only markers whose sentences support their claims (pure);
``backends.py`` makes the chat models (local xllamacpp, OpenAI-compatible, HF inference),
importing each lazily; ``templates.py`` renders ``prompts/*.txt`` (package data) strictly.
"""
