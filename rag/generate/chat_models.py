"""The LLM backends a set-up offers: each chat model made once, and the optional ones missing.

    models = ChatModels(settings)
    models.available()          # ["extractive", "openai"]: extractive needs nothing and is first
    models.missing()            # {"local": "make local"} when the local model is not installed
    models.get("openai")        # the chat model; BackendUnavailable naming the fix when it has none

rag/generate/backends.py makes them; it is imported on first use (LangChain's chat models are
not needed to answer without an LLM).
"""

from __future__ import annotations

from typing import Any

from rag.config import Settings


class ChatModels:
    """The chat models configured for ``settings``, made on first use and kept."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._models: dict[str, Any] | None = None

    def available(self) -> list[str]:
        """The answerers installed and configured here; extractive needs nothing and is first."""
        return ["extractive", *self._configured()]

    def missing(self) -> dict[str, str]:
        """Optional answerers this set-up left out, with the command that installs each."""
        from rag.generate.backends import LOCAL_INSTALL, local_installed

        return {} if local_installed() else {"local": LOCAL_INSTALL}

    def get(self, backend: str) -> Any:
        """The backend's chat model; BackendUnavailable (naming the fix) when it has none."""
        models = self._configured()
        if backend not in models:
            from rag.generate.backends import make_chat_model

            models[backend] = make_chat_model(backend, self.settings)  # raises with the fix
        return models[backend]

    def _configured(self) -> dict[str, Any]:
        if self._models is None:
            from rag.generate.backends import configured_models

            self._models = configured_models(self.settings)
        return self._models
