"""BM25 over the same chunks as the vector store: bm25s (in memory, the default) or tantivy (on disk, for scale).

bm25s builds a static sparse matrix, so the index is rebuilt from the manifest's chunk
texts whenever the manifest's generation moves on; on 20,000 abstracts that takes
seconds, far less than embedding them. It is saved next to the vector store with the
generation it reflects, and written to a temporary folder first so that a reader never
sees half of it. tantivy's segments are instead updated in place with the papers that
changed, in one commit a reader sees whole.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from genelit.index.chunking import pmid_of
from genelit.index.manifest import Manifest

_STATE = "genelit_state.json"
TANTIVY_SCHEMA = 2  # 2: each chunk also carries its PMID, by which an update deletes a changed paper's chunks


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


class LexicalIndex:
    """A BM25 retriever plus the chunk id of each of its rows."""

    def __init__(self, retriever: Any, ids: list[str], generation: int) -> None:
        self.retriever = retriever
        self.ids = ids
        self.generation = generation
        self.row_of = {chunk_id: row for row, chunk_id in enumerate(ids)}
        self._stemmer = _stemmer()

    @classmethod
    def build(cls, manifest: Manifest) -> LexicalIndex:
        import bm25s

        rows = list(manifest.iter_chunks())
        ids = [r[0] for r in rows]
        retriever = bm25s.BM25()
        if rows:
            tokens = bm25s.tokenize([r[1] for r in rows], stopwords="en", stemmer=_stemmer(), show_progress=False)
            retriever.index(tokens, show_progress=False)
        return cls(retriever, ids, manifest.generation)

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self.retriever.save(str(tmp))
        (tmp / _STATE).write_text(json.dumps({"generation": self.generation, "ids": self.ids}))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        import bm25s

        state_file = folder / _STATE
        if not state_file.exists():
            return None
        try:
            state = json.loads(state_file.read_text())
            retriever = bm25s.BM25.load(str(folder)) if state["ids"] else bm25s.BM25()
            return cls(retriever, state["ids"], int(state["generation"]))
        except Exception:  # damaged files of any kind: the index is rebuilt from the manifest, which is the truth
            return None

    def search(self, query: str, n: int, allowed: set[str] | None) -> list[str]:
        """Ids of the n best-scoring chunks (score > 0), best first, limited to `allowed` if given."""
        import bm25s

        if not self.ids:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self._stemmer, show_progress=False, return_ids=False)
        if not tokens or not tokens[0]:
            return []
        scores = np.asarray(self.retriever.get_scores(tokens[0]), dtype=np.float32)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            rows = [self.row_of[i] for i in allowed if i in self.row_of]
            mask[rows] = True
            scores = np.where(mask, scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self.ids[i] for i in top if scores[i] > 0]


class TantivyLexical:
    """BM25 in tantivy's on-disk, memory-mapped segments, for indexes too large for bm25s's in-memory matrix.

    Measured side by side (bench/lexical_engines.py, 1M abstracts on 2 cores): the same build time, query p50 0.86x,
    and a peak of 565 MB over the process against bm25s's 4.8 GB, which grows with the corpus. Chunks are indexed
    with tantivy's English stemmer; queries drop the same English stopwords bm25s drops. When the manifest moves on,
    the papers that changed are updated in place (`update`); the first build, or one the manifest cannot bring up to
    date, is made in a scratch folder renamed into place.
    """

    HEAP_BYTES = 256_000_000  # the writer's buffer: its memory, whatever the corpus's size

    def __init__(self, folder: Path, generation: int, size: int) -> None:
        import tantivy

        self.folder = folder
        self.generation = generation
        self.size = size
        self.index = tantivy.Index.open(str(folder / "segments")) if size else None

    @staticmethod
    def _schema() -> Any:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("pmid", stored=False, tokenizer_name="raw")  # what an update deletes a paper's chunks by
        builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
        return builder.build()

    @classmethod
    def build(cls, manifest: Manifest, scratch: Path) -> TantivyLexical:
        """Index every chunk of the manifest into `scratch` (a new folder beside where it will be saved)."""
        import tantivy

        shutil.rmtree(scratch, ignore_errors=True)
        (scratch / "segments").mkdir(parents=True)
        index = tantivy.Index(cls._schema(), path=str(scratch / "segments"))
        writer = index.writer(heap_size=cls.HEAP_BYTES)
        generation = manifest.generation
        for chunk_id, text in manifest.iter_chunks():
            writer.add_document(tantivy.Document(id=chunk_id, pmid=pmid_of(chunk_id), text=text))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        size = index.searcher().num_docs
        cls._write_state(scratch, generation, size)
        return cls(scratch, generation, size)

    @staticmethod
    def _write_state(folder: Path, generation: int, size: int) -> None:
        (folder / _STATE).write_text(json.dumps({"generation": generation, "size": size, "schema": TANTIVY_SCHEMA}))

    def update(self, manifest: Manifest) -> bool:
        """Apply only what changed since this index's generation (each changed paper's chunks deleted, its current
        ones added, in one tantivy commit that readers see whole); False when the manifest no longer knows what
        changed that long ago, and the index must be rebuilt. A daily update file touches tens of thousands of
        papers, where a rebuild reads every chunk of the index (bench/writers.py --update measures both)."""
        import tantivy

        changed = manifest.changed_since(self.generation)
        if changed is None or self.index is None:
            return False
        generation = manifest.generation
        writer = self.index.writer(heap_size=self.HEAP_BYTES)
        for pmid in changed:
            writer.delete_documents_by_term("pmid", pmid)
        for chunk_id, text in manifest.chunk_texts(manifest.chunk_ids_of(changed)).items():
            writer.add_document(tantivy.Document(id=chunk_id, pmid=pmid_of(chunk_id), text=text))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.size = self.index.searcher().num_docs
        self.generation = generation
        self._write_state(self.folder, generation, self.size)
        return True

    def save(self, folder: Path) -> None:
        if self.folder == folder:
            return
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        self.folder.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
        self.folder = folder
        self.index = None
        if self.size:
            import tantivy

            self.index = tantivy.Index.open(str(folder / "segments"))

    @classmethod
    def load(cls, folder: Path) -> TantivyLexical | None:
        try:
            state = json.loads((folder / _STATE).read_text())
            if state.get("schema") != TANTIVY_SCHEMA:
                return None  # built before papers could be updated in place: rebuilt once
            return cls(folder, int(state["generation"]), int(state["size"]))
        except Exception:  # missing or damaged: rebuilt from the manifest, which is the truth
            return None

    def search(self, query: str, n: int, allowed: set[str] | None) -> list[str]:
        """Ids of the n best-scoring chunks, best first, limited to `allowed` if given (as LexicalIndex.search)."""
        import re

        import tantivy
        from bm25s.stopwords import STOPWORDS_EN

        if self.index is None or (allowed is not None and not allowed):
            return []
        words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS_EN]
        if not words:
            return []
        # plain words only: none of them can be read as the query parser's syntax (AND, OR, quotes, field:value)
        parsed = self.index.parse_query(" ".join(words), ["text"])
        if allowed is not None:  # the filter adds a constant to every score, so the order stays BM25's
            only = tantivy.Query.term_set_query(self.index.schema, "id", sorted(allowed))
            parsed = tantivy.Query.boolean_query([(tantivy.Occur.Must, parsed), (tantivy.Occur.Must, only)])
        searcher = self.index.searcher()
        hits = searcher.search(parsed, min(n, self.size)).hits
        return [searcher.doc(address)["id"][0] for score, address in hits if score > 0]
