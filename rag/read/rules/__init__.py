"""The rules reader: hand-set weights over spaCy parses (``RAG_READER=rules``).

Input: question, Passages, Article. Output: Answer. ``reader.py`` parses and calls
``extractive.py``, which scores sentences (``evidence.py``), proposes spans of the type the
question asks for (``spans.py``, ``roles.py``) from the question's analysis (``question.py``).
It stays because it still answers our own sets' questions better than the neural reader.
"""
