"""Ingest: a source becomes an Article.

Input: a file path, pasted text, stdin or an http(s) URL. Output: ``rag.types.Article``,
the cleaned text with numbered sentences whose character offsets point into it.
``article.py`` loads (``load_source``); ``fetch.py`` downloads a URL behind an address
guard; ``decoding.py`` reads bytes in any encoding; ``clean.py`` drops web boilerplate;
``sentences.py`` splits with offsets. All but loading and fetching are pure functions.
"""
