"""The vector-store seam: ChromaDB, on disk by default or a `chroma run` server when a URL is set.

The collection records which embedding model filled it, because vectors from two models
are not comparable: searching with another model would return confident nonsense.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from genelit.errors import IndexConflictError, MissingResourceError, RemoteServiceError
from genelit.index.manifest import journal_key
from genelit.settings import StoreSettings
from genelit.types import Chunk, Paper

MODEL_KEY = "genelit_embedding_model"
DIM_KEY = "genelit_embedding_dim"

BUILD_HINT = "build one first: `genelit index sample` or `genelit index files FILE.xml.gz`"


def chunk_metadata(paper: Paper) -> dict[str, Any]:
    """Metadata filters run on. Chroma rejects None and empty lists, so those keys are left out."""
    meta: dict[str, Any] = {"pmid": paper.pmid, "journal": journal_key(paper.journal)}
    if paper.year is not None:
        meta["year"] = paper.year
    if paper.mesh:
        meta["mesh"] = [m.lower() for m in paper.mesh]
    return meta


def readable_copy(folder: Path) -> Path:
    """A private copy of a Chroma folder this user cannot write, refreshed whenever the original changes.

    Chroma writes to its SQLite file even to answer a query, so a shared read-only index cannot be
    opened in place. The copy lives in the user's temporary folder, one per index, and costs one
    file copy per change of the original.
    """
    files = [f for f in folder.rglob("*") if f.is_file()] if folder.exists() else []
    stamp = str(max((f.stat().st_mtime_ns for f in files), default=0)) + f":{len(files)}"
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
    target = Path(tempfile.gettempdir()) / f"genelit-{os.getuid()}-readonly" / key
    marker = target / "source-stamp"
    try:
        if not marker.exists() or marker.read_text() != stamp:
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(folder, target / "chroma", copy_function=shutil.copyfile)
            for copied, _dirs, _names in os.walk(target):  # the original's read-only modes came along with the folders
                os.chmod(copied, 0o700)
            marker.write_text(stamp)
    except OSError as exc:
        raise IndexConflictError(f"cannot make a private copy of the read-only index {folder}: {exc.strerror}",
                                 "free space in the temporary folder, or ask the index's owner for write access") from None
    return target / "chroma"


class VectorStore:
    """One Chroma collection of chunk vectors."""

    def __init__(self, settings: StoreSettings, path: Path, read_only: bool = False) -> None:
        self.settings = settings
        self.path = path
        self.read_only = read_only
        self._client = self._connect()
        self._collection: Any = None

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.settings.chroma_url:
            url = urlparse(self.settings.chroma_url)
            try:
                return chromadb.HttpClient(
                    host=url.hostname or "localhost",
                    port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https",
                    settings=chroma_settings,
                )
            except Exception as exc:  # chromadb raises bare ValueError/ConnectionError variants
                raise RemoteServiceError(
                    f"cannot reach the Chroma server at {self.settings.chroma_url}: {exc}",
                    "start it with `chroma run --path DIR --port PORT`, or unset GENELIT_STORE__CHROMA_URL",
                ) from None
        if self.read_only:
            return chromadb.PersistentClient(path=str(readable_copy(self.path)), settings=chroma_settings)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexConflictError(f"cannot create the index folder {self.path}: {exc.strerror}",
                                     "set GENELIT_DATA_DIR (or --data-dir) to a folder you can write") from None
        return chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)

    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.path)

    def _existing(self) -> Any:
        if self._collection is None:
            try:
                self._collection = self._client.get_collection(self.settings.collection)
            except Exception:  # NotFoundError in 1.x; ValueError in older clients
                return None
        return self._collection

    def exists(self) -> bool:
        return self._existing() is not None

    def recorded_model(self) -> tuple[str, int] | None:
        coll = self._existing()
        if coll is None:
            return None
        meta = coll.metadata or {}
        if MODEL_KEY not in meta:
            return None
        return str(meta[MODEL_KEY]), int(meta[DIM_KEY])

    def check_model(self, model: str) -> None:
        """Refuse to mix vectors of two models in one collection."""
        recorded = self.recorded_model()
        if recorded is not None and recorded[0] != model:
            raise IndexConflictError(
                f"the index at {self.location} was built with embedding model {recorded[0]!r}, "
                f"but the settings ask for {model!r}",
                f"set GENELIT_EMBEDDING__MODEL={recorded[0]} to use this index, "
                "or `genelit index reset` and re-index with the new model",
            )

    def open_for_writing(self, model: str, dim: int) -> None:
        self.check_model(model)
        if self._existing() is None:
            self._collection = self._client.create_collection(
                self.settings.collection,
                metadata={MODEL_KEY: model, DIM_KEY: dim},
                configuration={"hnsw": {"space": "cosine"}},
            )

    def _require(self) -> Any:
        coll = self._existing()
        if coll is None:
            raise MissingResourceError(f"no index at {self.location}", BUILD_HINT)
        return coll

    def count(self) -> int:
        coll = self._existing()
        return 0 if coll is None else int(coll.count())

    def upsert(self, chunks: list[Chunk], vectors: np.ndarray, metadata: list[dict[str, Any]]) -> None:
        coll = self._require()
        step = max(1, int(self._client.get_max_batch_size()))
        for start in range(0, len(chunks), step):
            part = slice(start, start + step)
            coll.upsert(
                ids=[c.id for c in chunks[part]],
                embeddings=vectors[part],
                documents=[c.text for c in chunks[part]],
                metadatas=metadata[part],
            )

    def delete(self, ids: list[str]) -> None:
        coll = self._existing()
        if coll is None or not ids:
            return
        step = max(1, int(self._client.get_max_batch_size()))
        for start in range(0, len(ids), step):
            coll.delete(ids=ids[start : start + step])

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of some chunks, by id: what comparing two indexes (or engines) needs."""
        coll = self._require()
        step = max(1, int(self._client.get_max_batch_size()))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), step):
            got = coll.get(ids=ids[start : start + step], include=["embeddings"])
            found.update({i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"])})
        return found

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None) -> list[str]:
        """Ids of the n nearest chunks, nearest first."""
        coll = self._require()
        n = min(n, max(1, coll.count()))
        result = coll.query(query_embeddings=[vector], n_results=n, where=where, include=[])
        return list(result["ids"][0])

    def reset(self) -> None:
        if self._existing() is not None:
            self._client.delete_collection(self.settings.collection)
            self._collection = None
