"""The literature index as one object: manifest, vector store, lexical index and embedder.

Readers need no lock: the manifest is SQLite in WAL mode and the lexical index is
swapped in whole. Writers take an exclusive file lock, so a second writer fails at once
with a clear message instead of interleaving batches with the first. Parallel writers
(`genelit.index.parallel`) are the lock holder's own child processes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from genelit.errors import IndexConflictError, MissingResourceError
from genelit.index.chunking import pmid_of
from genelit.index.embeddings import Embedder
from genelit.index.lexical import LexicalIndex, TantivyLexical
from genelit.index.manifest import Manifest
from genelit.index.store import BUILD_HINT, VectorStore
from genelit.settings import Settings
from genelit.types import IndexStats


def _disk_usage(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += (Path(root) / name).stat().st_size
            except OSError:
                pass
    return total


class LiteratureIndex:
    """Owns the parts of the index; each loads on first use."""

    def __init__(self, settings: Settings, writer: int = 0) -> None:
        """`writer` numbers this process among parallel writers (genelit.index.parallel); 0 for the one writer."""
        self.settings = settings
        self.folder = settings.index_dir
        self.writer = writer
        self._manifest: Manifest | None = None
        self._store: VectorStore | None = None
        self._embedder: Embedder | None = None
        self._lexical: LexicalIndex | TantivyLexical | None = None

    # -- parts ------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """An existing index this user may not write (a lab's shared copy, a read-only mount): it still serves reads."""
        database = self.folder / "manifest.sqlite"
        return database.exists() and not (os.access(self.folder, os.W_OK) and os.access(database, os.W_OK))

    @property
    def manifest(self) -> Manifest:
        if self._manifest is None:
            self._manifest = Manifest(self.folder / "manifest.sqlite", read_only=self.read_only, writer=self.writer)
        return self._manifest

    @property
    def store(self) -> VectorStore:
        if self._store is None:
            self._store = VectorStore(self.settings.store, self.folder / "chroma", read_only=self.read_only)
        return self._store

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(self.settings.embedding)
        return self._embedder

    @property
    def lexical_folder(self) -> Path:
        return self.folder / ("bm25" if self.settings.retrieval.lexical_engine == "bm25s" else "tantivy")

    def _load_lexical(self) -> LexicalIndex | TantivyLexical | None:
        engine = LexicalIndex if self.settings.retrieval.lexical_engine == "bm25s" else TantivyLexical
        return engine.load(self.lexical_folder)

    def _build_lexical(self, scratch: Path) -> LexicalIndex | TantivyLexical:
        if self.settings.retrieval.lexical_engine == "bm25s":
            return LexicalIndex.build(self.manifest)
        return TantivyLexical.build(self.manifest, scratch)

    def lexical(self) -> LexicalIndex | TantivyLexical:
        """The BM25 index for the manifest's current generation, rebuilt (unsaved) if the saved one is stale."""
        generation = self.manifest.generation
        if self._lexical is None or self._lexical.generation != generation:
            saved = self._load_lexical()
            if saved is not None and saved.generation == generation:
                self._lexical = saved
            else:  # a reader may not write the index's folder: a stale tantivy index is rebuilt in a scratch folder
                self._lexical = self._build_lexical(Path(tempfile.mkdtemp(prefix="genelit-lexical-")) / "index")
        return self._lexical

    def refresh_lexical(self) -> None:
        """Bring the saved lexical index up to the manifest (writers call this): tantivy takes only the papers that
        changed, where the manifest knows them; otherwise it is rebuilt from every chunk and saved."""
        saved = self._load_lexical()
        if saved is not None and saved.generation == self.manifest.generation:
            return
        if isinstance(saved, TantivyLexical) and saved.update(self.manifest):
            self._lexical = saved
            return
        self._lexical = self._build_lexical(self.lexical_folder.with_name(self.lexical_folder.name + ".tmp"))
        self._lexical.save(self.lexical_folder)

    # -- state ------------------------------------------------------------------------
    def _missing(self) -> MissingResourceError:
        return MissingResourceError(f"no literature index at {self.folder}", BUILD_HINT)

    def require(self) -> None:
        """Fail with a clear message when there is no index, or it was built with another model."""
        if not (self.folder / "manifest.sqlite").exists() or not self.store.exists():
            raise self._missing()
        self.store.check_model(self.embedder.name)
        if self.manifest.is_empty():
            raise MissingResourceError(f"the literature index at {self.folder} is empty", BUILD_HINT)

    @contextmanager
    def writing(self) -> Iterator[LiteratureIndex]:
        """Hold the writer lock and open the collection; the lexical index is refreshed on the way out."""
        with self._writer_lock():
            self.store.open_for_writing(self.embedder.name, self.embedder.dimension)
            yield self
            self.refresh_lexical()
            self.manifest.checkpoint()

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        if self.read_only:
            raise IndexConflictError(f"the index at {self.folder} is read-only for this user",
                                     "search and ask still work; to add papers, use an index you can write (GENELIT_DATA_DIR)")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.folder / "write.lock"), timeout=0)
            lock.acquire()
        except Timeout:
            raise IndexConflictError(
                f"another genelit process is writing to the index at {self.folder}",
                "wait for it to finish, then run this again; it will resume where things stand",
            ) from None
        except OSError as exc:
            raise IndexConflictError(f"cannot write the index at {self.folder}: {exc.strerror}",
                                     "set GENELIT_DATA_DIR (or --data-dir) to a folder you can write") from None
        try:
            yield
        finally:
            lock.release()

    def recover(self) -> int:
        """Roll back vectors killed writers upserted but never committed (every writer's); returns how many."""
        pending = self.manifest.pending()
        if not pending:
            return 0
        committed = set(self.manifest.chunk_texts(pending))
        # Committed ids were overwritten by the same writer; their papers are re-checked on the next ingest.
        pmids = sorted({pmid_of(i) for i in committed})
        self.store.delete(pending)
        if pmids:
            self.manifest.delete_papers(pmids)
        self.manifest.clear_pending()
        return len(pending)

    def stats(self) -> IndexStats:
        if not (self.folder / "manifest.sqlite").exists():
            raise self._missing()
        m = self.manifest.stats()
        recorded = self.store.recorded_model()
        saved = self._load_lexical()
        return IndexStats(
            location=self.store.location,
            papers=m.papers,
            chunks=m.chunks,
            vectors=self.store.count(),
            embedding_model=recorded[0] if recorded else None,
            embedding_dim=recorded[1] if recorded else None,
            lexical_current=saved is not None and saved.generation == m.generation,
            disk_bytes=_disk_usage(self.folder),
            variant_mentions=self.manifest.mention_count(),
            mentions_current=self.manifest.mentions_current(),
        )

    def reset(self) -> None:
        """Delete everything in the index (vectors, manifest, lexical index)."""
        import shutil

        with self._writer_lock():
            self.store.reset()
            if self._manifest is not None:
                self._manifest.close()
                self._manifest = None
            for name in ("manifest.sqlite", "manifest.sqlite-wal", "manifest.sqlite-shm"):
                (self.folder / name).unlink(missing_ok=True)
            for engine in ("bm25", "tantivy"):
                shutil.rmtree(self.folder / engine, ignore_errors=True)
            self._lexical = None
