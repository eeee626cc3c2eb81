"""Cited answers from an article: ingest, index, retrieve, read (or generate), answer.

Importing this package is cheap: models, Chroma clients and spaCy pipelines are created
only when a function that needs them is called.
"""

from rag.config import Settings
from rag.errors import ArticleError, BackendUnavailable, IndexingError, PromptError, RagError
from rag.types import Answer, Article, Citation, Sentence

__all__ = [
    "Answer",
    "Article",
    "ArticleError",
    "BackendUnavailable",
    "Citation",
    "IndexingError",
    "PromptError",
    "RagError",
    "Sentence",
    "Settings",
]
__version__ = "0.1.0"
