"""Index: an Article becomes a Chroma collection of its embedded sentences.

Input: ``Article`` and the embedder. Output: ``collection.ArticleIndex`` (the LangChain
Chroma store, the BM25 index, the article). ``collection.py`` builds or reopens one
collection per text (named by its sha256); ``store.py`` bounds how many collections this
app keeps; ``query_embedder.py`` embeds questions through onnxruntime.
"""
