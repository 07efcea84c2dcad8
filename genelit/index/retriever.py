"""Hybrid retrieval: BM25 and dense results fused by reciprocal rank, then collapsed to papers.

BM25 is strong on exact gene and variant names; the dense model on paraphrase. Reciprocal-
rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009) needs no score calibration between
the two, which is why it is used here rather than a weighted sum of raw scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from genelit.errors import BadInputError
from genelit.index.chunking import pmid_of
from genelit.index.literature import LiteratureIndex
from genelit.index.manifest import journal_key
from genelit.settings import RetrievalSettings
from genelit.types import Evidence, Paper

RetrieverName = Literal["bm25", "dense"]
BOTH: tuple[RetrieverName, ...] = ("bm25", "dense")

_YEAR_RANGE = re.compile(r"^\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*$")


@dataclass(frozen=True)
class SearchFilters:
    """Filters that both retrievers apply before ranking."""

    year_from: int | None = None
    year_to: int | None = None
    journal: str | None = None
    mesh: str | None = None

    @classmethod
    def parse(cls, year: str | None = None, journal: str | None = None, mesh: str | None = None) -> SearchFilters:
        """Build filters from user strings; `year` is '2015', '2015-2021', '2015-' or '-2021'."""
        year_from = year_to = None
        if year:
            match = _YEAR_RANGE.match(year)
            if not match or not (match.group(1) or match.group(3)):
                raise BadInputError(f"bad year filter {year!r}", "use YYYY, YYYY-YYYY, YYYY- or -YYYY, e.g. 2015-2021")
            year_from = int(match.group(1)) if match.group(1) else None
            year_to = int(match.group(3)) if match.group(3) else None
            if not match.group(2):
                year_to = year_from
            if year_from and year_to and year_from > year_to:
                raise BadInputError(f"bad year filter {year!r}: {year_from} is after {year_to}", "write the earlier year first")
        if journal is not None and not journal.strip():
            raise BadInputError("empty journal filter", "give a journal title, e.g. 'Nature genetics'")
        if mesh is not None and not mesh.strip():
            raise BadInputError("empty MeSH filter", "give a MeSH heading, e.g. 'Neoplasms'")
        return cls(year_from, year_to, journal.strip() if journal else None, mesh.strip() if mesh else None)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.year_from, self.year_to, self.journal, self.mesh))

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.year_from is not None:
            clauses.append({"year": {"$gte": self.year_from}})
        if self.year_to is not None:
            clauses.append({"year": {"$lte": self.year_to}})
        if self.journal is not None:
            clauses.append({"journal": {"$eq": journal_key(self.journal)}})
        if self.mesh is not None:
            clauses.append({"mesh": {"$contains": self.mesh.lower()}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def sql(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.year_from is not None:
            clauses.append("p.year >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            clauses.append("p.year <= ?")
            params.append(self.year_to)
        if self.journal is not None:
            clauses.append("p.journal_key = ?")
            params.append(journal_key(self.journal))
        if self.mesh is not None:
            clauses.append("p.pmid IN (SELECT pmid FROM mesh WHERE term_key = ?)")
            params.append(self.mesh.lower())
        return " AND ".join(clauses) or "1", params


class HybridRetriever:
    """Searches a LiteratureIndex and returns papers as Evidence."""

    def __init__(self, index: LiteratureIndex, settings: RetrievalSettings) -> None:
        self.index = index
        self.settings = settings

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        retrievers: tuple[RetrieverName, ...] = BOTH,
        expansion: Sequence[str] = (),
        prefer: Callable[[Paper], bool] | None = None,
    ) -> list[Evidence]:
        """The k best papers. `expansion` adds words to the BM25 query only (synonyms the dense model
        would blur); papers for which `prefer` is false are ranked after those for which it is true."""
        query = query.strip() if query else ""
        if not query:
            raise BadInputError("empty query", "say what to search for, e.g. 'BRCA1 missense variants'")
        k = k or self.settings.k
        filters = filters or SearchFilters()
        self.index.require()
        n = max(self.settings.candidates, k * 3)
        rankings: dict[RetrieverName, list[str]] = {}
        if "bm25" in retrievers:
            allowed = self.index.manifest.filtered_chunk_ids(*filters.sql()) if filters.active else None
            lexical_query = " ".join([query, *expansion])
            rankings["bm25"] = self.index.lexical().search(lexical_query, n, allowed)
        if "dense" in retrievers:
            vector = self.index.embedder.embed([query])[0]
            rankings["dense"] = self.index.store.query(vector, n, filters.chroma_where())
        if prefer is None:
            return self._fuse(rankings, k)
        # Fuse deeper, then move the papers that are not about the question's entities down.
        fused = [e.model_copy(update={"on_focus": prefer(e.paper)}) for e in self._fuse(rankings, k * 3)]
        return sorted(fused, key=lambda e: not e.on_focus)[:k]

    def _fuse(self, rankings: dict[RetrieverName, list[str]], k: int) -> list[Evidence]:
        # Each retriever's chunk list is collapsed to papers first (a paper ranks where its best
        # chunk ranks), so a paper split into several chunks is not counted several times.
        scores: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        best_chunk: dict[str, tuple[int, str]] = {}
        for name, chunk_ids in rankings.items():
            seen: set[str] = set()
            for chunk_id in chunk_ids:
                pmid = pmid_of(chunk_id)
                if pmid in seen:
                    continue
                seen.add(pmid)
                rank = len(seen)
                scores[pmid] = scores.get(pmid, 0.0) + 1.0 / (self.settings.rrf_k + rank)
                ranks.setdefault(pmid, {})[name] = rank
                if pmid not in best_chunk or rank < best_chunk[pmid][0]:
                    best_chunk[pmid] = (rank, chunk_id)
        top = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        papers = self.index.manifest.papers(pmid for pmid, _ in top)
        texts = self.index.manifest.chunk_texts(best_chunk[pmid][1] for pmid, _ in top)
        evidence = []
        for pmid, score in top:
            if pmid not in papers:  # in the store but rolled back from the manifest: not part of the index
                continue
            chunk_id = best_chunk[pmid][1]
            evidence.append(
                Evidence(id=f"PMID:{pmid}", paper=papers[pmid], text=texts.get(chunk_id, ""), score=score, retrievers=ranks[pmid])
            )
        return evidence
