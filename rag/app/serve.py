"""Serve the web chat: `rag-web`, `python app.py` (a Hugging Face Space's entry), `make run`.

Settings come from RAG_* environment variables (Space secrets work the same way):
RAG_HOST / RAG_PORT (else Gradio's GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, else
127.0.0.1:7860), RAG_START_ARTICLE (a path or URL; default: the seed article).
"""

from __future__ import annotations

import signal
import sys

from rag.app.suggest import SEED_ARTICLE, example_file
from rag.config import Settings, load_settings
from rag.errors import RagError
from rag.logs import configure_logging


def start_article_source(settings: Settings) -> str:
    """RAG_START_ARTICLE, else the seed article shipped in rag/app/examples/."""
    if settings.start_article:
        return settings.start_article
    return str(example_file(SEED_ARTICLE))


def build(settings: Settings):  # type: ignore[no-untyped-def]
    """The Gradio Blocks for ``settings``, with the models an answer needs warm and the start
    article indexed, or, when it must be embedded, indexed by ``warm_up_rest`` once the page
    is served (a question about it meanwhile waits for that)."""
    return build_with_service(settings)[0]


def build_with_service(settings: Settings):  # type: ignore[no-untyped-def]
    """(the Gradio Blocks, the ArticleService it answers with)."""
    from rag.app.chat import ChatApp
    from rag.app.layout import build_demo
    from rag.ingest.article import load_source
    from rag.service import ArticleService

    service = ArticleService(settings)
    service.warm_up()
    start = load_source(start_article_source(settings), settings)
    loaded = service.load_or_later(start)  # not yet when it must be embedded: the page first
    return build_demo(ChatApp(service), start, None if loaded is None else loaded.seconds), service


def main() -> None:
    configure_logging(verbose=False)
    try:
        settings = load_settings()
        demo, service = build_with_service(settings)
    except (RagError, ValueError) as exc:
        sys.exit(f"error: {exc}")
    from rag.app.layout import launch_options

    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        max_file_size="50mb",  # our own limit (RAG_MAX_UPLOAD_BYTES) answers with a clear message
        show_error=True,
        prevent_thread_lock=True,
        **launch_options(),
    )
    service.warm_up_rest()  # spaCy and torch load once the page is served
    # `kill` stops the server as Ctrl-C does, so the process exits normally and removes its
    # temporary files (the chat exports' folder).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    demo.block_thread()


if __name__ == "__main__":
    main()
