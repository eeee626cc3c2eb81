"""Read: Passages become an Answer, with no LLM.

Input: the question, the retrieved ``Passage`` list and the ``Article``. Output:
``rag.types.Answer``: a short span citing the sentences it lies in, or an abstention.
``base.py`` holds the one ``Reader`` interface and ``make_reader`` (settings choose);
``neural/`` is the default (a fine-tuned MiniLM over sentence windows, int8 ONNX, and a
calibrated decision to answer); ``rules/`` is the hand-set reader over spaCy parses.
"""
