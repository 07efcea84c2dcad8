"""BM25 over the same chunks as the vector store (bm25s, with an English Snowball stemmer).

bm25s builds a static sparse matrix, so the index is rebuilt from the manifest's chunk
texts whenever the manifest's generation moves on; on 20,000 abstracts that takes
seconds, far less than embedding them. It is saved next to the vector store with the
generation it reflects, and written to a temporary folder first so that a reader never
sees half of it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from genelit.index.manifest import Manifest

_STATE = "genelit_state.json"


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
