"""Put papers into the index: idempotent, resumable, and never half-written.

Each batch goes through the same three steps:
1. its chunk ids are recorded as pending in the manifest;
2. its vectors are upserted into the store (upsert by id, so a repeat adds nothing);
3. its papers and chunks are committed to the manifest, which clears `pending`, in one transaction.
A writer killed anywhere in between leaves ids in `pending`, which the next writer rolls
back before it starts (`LiteratureIndex.recover`). Several writers may run at once, each on its
own share of the PMIDs (`genelit.index.parallel`), each marking and clearing its own pending ids. Papers whose stored content hash is
unchanged are skipped, so running the same file twice, or again after a crash, only does
the work that is missing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from genelit.errors import BadInputError, clip
from genelit.index.literature import LiteratureIndex
from genelit.index.manifest import content_hash
from genelit.index.medline import Deletion, Malformed, Record
from genelit.index.store import chunk_metadata
from genelit.index.variant_links import VariantLinker
from genelit.settings import IndexSettings
from genelit.types import Chunk, IngestReport, Paper

# Word stems that mark a citation as being about genetics, for `--topic genetics`.
GENETICS_TOPIC = (
    "gene,genes,genetic,genetics,genom,mutation,mutat,variant,allele,polymorphism,snp,dna,rna,"
    "chromosom,heredit,inherit,exome,sequencing,transcript,locus,loci,gwas,germline,somatic,haplotyp,"
    "epigenet,methylation,crispr,knockout,phenotyp,genotyp,pathogenic"
)
TOPICS = {"genetics": GENETICS_TOPIC}

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Embedded:
    """A paper whose chunks were embedded elsewhere (a Ray worker); the writer stores them as they are."""

    paper: Paper
    chunks: list[Chunk]
    vectors: np.ndarray


def capped(paper: Paper, settings: IndexSettings) -> Paper:
    """The paper with its title and abstract cut to the configured lengths (the same cut wherever it is made)."""
    if len(paper.title) <= settings.max_title_chars and len(paper.abstract) <= settings.max_abstract_chars:
        return paper
    return paper.model_copy(update={"title": paper.title[: settings.max_title_chars],
                                    "abstract": paper.abstract[: settings.max_abstract_chars]})


def skip_reason(paper: Paper, topic: re.Pattern[str] | None) -> Literal["no abstract", "off topic"] | None:
    """Why the paper will not be indexed at all, or None: the one test the writer and a Ray read task both apply."""
    if not paper.abstract:
        return "no abstract"
    if topic is not None and not topic.search(" ".join([paper.title, paper.abstract, *paper.mesh])):
        return "off topic"
    return None


def topic_pattern(topic: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a named topic or comma-separated word stems."""
    stems = [s.strip() for s in TOPICS.get(topic.lower(), topic).split(",") if s.strip()]
    return re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + ")", re.IGNORECASE)


@dataclass
class _Batch:
    papers: dict[str, Paper] = field(default_factory=dict)

    def add(self, paper: Paper) -> bool:
        """Keep the newest version of each PMID; False when this or an earlier copy was dropped for it."""
        current = self.papers.get(paper.pmid)
        if current is None or paper.version >= current.version:
            self.papers[paper.pmid] = paper
        return current is None


class IngestStopped(BadInputError):
    """The source broke off part-way; what was read before the break is indexed and counted in `report`."""

    def __init__(self, cause: BadInputError, report: IngestReport) -> None:
        super().__init__(f"{cause.message}; the {report.indexed:,} papers read before it are indexed", cause.hint)
        self.report = report


class Ingestor:
    """Streams records into a LiteratureIndex that the caller holds open for writing."""

    def __init__(
        self,
        index: LiteratureIndex,
        source: str,
        settings: IndexSettings,
        *,
        limit: int | None = None,
        topic: str | None = None,
        on_batch: Callable[[IngestReport], None] | None = None,
        linker: VariantLinker | None = None,
    ) -> None:
        self.index = index
        self.report = IngestReport(source=source)
        self.limit = limit
        self.topic = topic_pattern(topic) if topic else None
        self.batch_size = settings.batch_papers
        self.split_long = settings.split_long
        self.settings = settings
        self.on_batch = on_batch
        self.linker = linker  # None: variant mentions are not recorded
        self._embedded: dict[tuple[str, int], tuple[list[Chunk], np.ndarray]] = {}  # (pmid, version) -> made elsewhere
        self._batch = _Batch()

    def run(self, records: Iterable[Record | Embedded], recover: bool = True) -> IngestReport:
        """Index the records; read = added + updated + unchanged + superseded + every skip, always. One of several
        parallel writers passes `recover=False`: the process that started them rolled back a killed run's work first,
        and rolling back now would undo the other writers' batches in flight."""
        started = time.perf_counter()
        if recover:
            self.report.recovered = self.index.recover()
        self._batch = _Batch()
        try:
            self._consume(records, started)
        except BadInputError as exc:
            if not self.report.read:
                raise  # nothing was read: the file itself is the problem, not a break part-way
            self._flush(self._batch)
            self.report.seconds = time.perf_counter() - started
            raise IngestStopped(exc, self.report) from None
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _capped(self, paper: Paper) -> Paper:
        """The paper with its title and abstract cut to the configured lengths; a cut is counted."""
        cut = capped(paper, self.settings)
        if cut is not paper:
            self.report.truncated += 1
        return cut

    def _consume(self, records: Iterable[Record | Embedded], started: float) -> None:
        accepted = 0
        for record in records:
            if isinstance(record, Embedded):
                self._embedded[(record.paper.pmid, record.paper.version)] = (record.chunks, record.vectors)
                record = record.paper
            if isinstance(record, Deletion):
                self._flush(self._batch)
                self._batch = _Batch()
                self._delete(list(record.pmids))
                continue
            self.report.read += 1
            if isinstance(record, Malformed):
                self._malformed(record)
                continue
            skip = skip_reason(record, self.topic)
            if skip is not None:
                if skip == "no abstract":
                    self.report.skipped_no_abstract += 1
                else:
                    self.report.skipped_topic += 1
                continue
            if not self._batch.add(self._capped(record)):
                self.report.superseded += 1
            accepted += 1
            if len(self._batch.papers) >= self.batch_size:
                self._flush(self._batch)
                self._batch = _Batch()
                self.report.seconds = time.perf_counter() - started
            if self.limit is not None and accepted >= self.limit:
                break
        self._flush(self._batch)

    def _malformed(self, record: Malformed) -> None:
        self.report.malformed += 1
        if len(self.report.malformed_examples) < MAX_EXAMPLES:
            self.report.malformed_examples.append(clip(f"{record.where}: {record.reason}"))

    def _flush(self, batch: _Batch) -> None:
        if not batch.papers:
            return
        manifest, store = self.index.manifest, self.index.store
        known = manifest.known_hashes(batch.papers)
        todo: list[Paper] = []
        for pmid, paper in batch.papers.items():
            old = known.get(pmid)
            if old is not None and (old[1] == content_hash(paper) or old[0] > paper.version):
                self.report.unchanged += 1
            else:
                todo.append(paper)
        if todo:
            chunks, vectors = self._embed(todo)
            flat: list[Chunk] = [c for per_paper in chunks for c in per_paper]
            new_ids = {c.id for c in flat}
            stale = [i for i in manifest.chunk_ids_of(p.pmid for p in todo if p.pmid in known) if i not in new_ids]
            manifest.mark_pending(sorted(new_ids) + stale)
            store.delete(stale)
            by_pmid = {p.pmid: p for p in todo}
            store.upsert(flat, vectors, [chunk_metadata(by_pmid[c.pmid]) for c in flat])
            mentions = {p.pmid: self.linker.mentions(p) for p in todo} if self.linker is not None else None
            manifest.commit_papers(list(zip(todo, chunks)), self.report.source, mentions)
            self.report.chunks_written += len(flat)
            for paper in todo:
                if paper.pmid in known:
                    self.report.updated += 1
                else:
                    self.report.added += 1
        for paper in batch.papers.values():  # unchanged papers' vectors are not needed
            self._embedded.pop((paper.pmid, paper.version), None)
        if self.on_batch is not None:
            self.on_batch(self.report)

    def _embed(self, papers: list[Paper]) -> tuple[list[list[Chunk]], np.ndarray]:
        """Chunks and vectors of the papers, in order: those a worker embedded as they came, the rest here."""
        here = [p for p in papers if (p.pmid, p.version) not in self._embedded]
        for paper, embedded in zip(here, self.index.embedder.embed_papers(here, self.split_long) if here else []):
            self._embedded[(paper.pmid, paper.version)] = embedded
        ordered = [self._embedded.pop((p.pmid, p.version)) for p in papers]
        return [chunks for chunks, _ in ordered], np.concatenate([vectors for _, vectors in ordered])

    def _delete(self, pmids: list[str]) -> None:
        manifest = self.index.manifest
        present = list(manifest.known_hashes(pmids))
        if not present:
            return
        ids = manifest.chunk_ids_of(present)
        manifest.mark_pending(ids)
        self.index.store.delete(ids)
        manifest.delete_papers(present)
        self.report.deleted += len(present)
