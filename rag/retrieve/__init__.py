"""Retrieve: a question becomes Passages, the article's sentences ranked for it.

Input: the question and an ``ArticleIndex``. Output: ``rag.types.Passage`` list, best first,
each with its dense, lexical and fused scores. ``hybrid.py`` is the LangChain retriever
(dense Chroma + BM25); ``fusion.py`` blends or rank-fuses the two lists (pure).
"""
