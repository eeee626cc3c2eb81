"""The web chat about a news article: `python app.py` (or `make run`), also a Hugging Face Space.

Settings come from RAG_* environment variables (Space secrets work the same way):
RAG_HOST / RAG_PORT (else Gradio's GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, else
127.0.0.1:7860), RAG_START_ARTICLE (a path or URL; default: the seed article). The page is
built in rag/app/serve.py, so an installed package serves the same with `rag-web`.
"""

from rag.app.serve import build, main, start_article_source

__all__ = ["build", "main", "start_article_source"]

if __name__ == "__main__":
    main()
