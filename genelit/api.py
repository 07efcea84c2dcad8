"""Assistant: the one place where genelit's parts are wired together.

Everything the CLI and the servers do goes through here, so the Python API is never a
second-class citizen: `Assistant().search(...)` is exactly what `genelit search` runs. The
Assistant is a facade over three services (services/): `literature`, `sequences` and
`answers`; the methods below are their public face, each one call.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Literal

from genelit.agent.conversation import Conversation
from genelit.agent.llm import ChatProvider, LLMProvider
from genelit.agent.mentions import Focus
from genelit.index.literature import LiteratureIndex
from genelit.index.medline import Record
from genelit.index.retriever import BOTH, RetrieverName
from genelit.index.sample import Downloader
from genelit.packages import pip_download
from genelit.sequence.genes import GeneTable
from genelit.sequence.scan import SaturationScan
from genelit.sequence.scorers.base import Scorer
from genelit.services.answers import Answers
from genelit.services.capabilities import Capabilities
from genelit.services.literature import BatchCallback, Literature, ProgressCallback
from genelit.services.ncbi import OnlineRecords
from genelit.services.sequences import Sequences
from genelit.services.variants import Variants
from genelit.settings import Settings
from genelit.tools.base import Events
from genelit.types import (
    Annotation,
    Answer,
    AnswerMode,
    BlastResult,
    ClinVarLookup,
    CodedVariant,
    Evidence,
    Gene,
    GeneMatch,
    GeneMethod,
    HistoryEntry,
    IndexStats,
    IngestReport,
    IngestSummary,
    MentionBackfill,
    ModelsReport,
    PairwiseAlignment,
    Paper,
    ReadMapping,
    Report,
    SnpRecord,
    StoredProtein,
    UnscoredVariant,
    VariantCounts,
    VariantDossier,
    VariantLiterature,
    VariantReport,
    VariantScore,
)


class Assistant:
    """genelit's public entry point. Parts load on first use, so constructing one is cheap.

    `llm` replaces the configured language model with any ChatProvider (tests pass a scripted one).
    """

    def __init__(self, settings: Settings | None = None, llm: ChatProvider | None = None) -> None:
        self.settings = settings or Settings.load()
        self.sequences = Sequences(self.settings)
        self.literature = Literature(self.settings, lambda: self.sequences.genes, self.sequences.store.stored)
        self.ncbi = OnlineRecords(self.settings)
        self.variant_dossiers = Variants(self.sequences, self.literature, self.ncbi)
        self.capabilities = Capabilities(self.settings, self.literature, self.sequences, self.variant_dossiers, self.ncbi)
        self.answers = Answers(self.settings, self.capabilities, llm)

    # -- literature -------------------------------------------------------------------
    @property
    def index(self) -> LiteratureIndex:
        return self.literature.index

    def search(self, query: str, k: int | None = None, *, year: str | None = None, journal: str | None = None,
               mesh: str | None = None, retrievers: tuple[RetrieverName, ...] = BOTH) -> list[Evidence]:
        """Hybrid search of the local index. `year` is 'YYYY', 'YYYY-YYYY', 'YYYY-' or '-YYYY'."""
        return self.literature.search(query, k, year=year, journal=journal, mesh=mesh, retrievers=retrievers)

    def paper(self, pmid: str) -> Paper:
        """One indexed paper by PMID ('12345' or 'PMID:12345')."""
        return self.capabilities.get_paper(pmid)

    def focus(self, text: str) -> Focus:
        """The genes and variants a question or query names, with their synonyms."""
        return self.literature.focus(text)

    def index_records(self, records: Iterable[Record], source: str, *, limit: int | None = None, topic: str | None = None,
                      on_batch: BatchCallback | None = None) -> IngestReport:
        """Index any stream of parsed records (Paper or the file parsers' records) under the writer lock."""
        return self.literature.add_records(records, source, limit=limit, topic=topic, on_batch=on_batch)

    def index_files(self, path: str | Path, *, limit: int | None = None, topic: str | None = None,
                    on_progress: ProgressCallback | None = None, on_batch: BatchCallback | None = None) -> IngestReport:
        """Index one PubMed XML (.xml/.xml.gz) or MEDLINE text file."""
        return self.literature.add_file(path, limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch)

    def index_many(self, paths: list[Path], *, limit: int | None = None, topic: str | None = None, fail_fast: bool = False,
                   on_file: Callable[[Path], tuple[ProgressCallback, BatchCallback]] | None = None) -> IngestSummary:
        """Index several files; one that cannot be read is reported and the others go on, unless `fail_fast`."""
        return self.literature.add_files(paths, limit=limit, topic=topic, fail_fast=fail_fast, on_file=on_file)

    def index_on_ray(self, paths: list[Path], *, limit: int | None = None, topic: str | None = None,
                     address: str | None = None, on_batch: BatchCallback | None = None) -> IngestReport:
        """Index files on Ray (the `scale` extra): read tasks per file, an actor pool embedding (a GPU each where the
        cluster has them), this process the single writer. `address` joins a cluster; without it Ray starts here."""
        return self.literature.add_files_on_ray(paths, limit=limit, topic=topic, address=address, on_batch=on_batch)

    def sample_path(self, download: Downloader = pip_download) -> Path:
        """The sample PubMed file on disk, fetched once."""
        return self.literature.sample_file(download)

    def index_sample(self, *, limit: int | None = None, topic: str | None = None,
                     on_progress: ProgressCallback | None = None, on_batch: BatchCallback | None = None,
                     download: Downloader = pip_download) -> IngestReport:
        """Fetch (once) and index the sample PubMed file pubmed21n1298.xml.gz."""
        return self.literature.add_sample(limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch, download=download)

    def sample_cached(self) -> bool:
        """Whether the sample file is on disk already, so `index_sample` will not download it."""
        return self.literature.sample_cached()

    def index_pubmed(self, query: str, *, max_records: int | None = None, since: str | dt.date | None = None,
                     on_progress: ProgressCallback | None = None, on_batch: BatchCallback | None = None) -> IngestReport:
        """Search PubMed online (NCBI E-utilities) and index what it returns."""
        return self.literature.add_pubmed(query, max_records=max_records, since=since, on_progress=on_progress, on_batch=on_batch)

    def variant_literature(self, gene: str | None, variant: str, top: int = 5) -> VariantLiterature:
        """The indexed papers that name a variant in any written form (p.Arg175His, R175H, c.524G>A, rs1042522): how
        many, their years, and the top ones with the sentence naming it. A protein or DNA change needs its gene."""
        symbol = self.gene_one(gene).symbol if gene else None
        return self.literature.variant_literature(symbol, variant, top)

    def variants_in(self, query: str | None = None, gene: str | None = None, k: int = 20) -> VariantCounts:
        """The variants most named by the papers a query finds, or linked to one gene; and a note when the index's
        mentions are incomplete (then `remention` fixes it)."""
        return self.capabilities.variants_in(query, gene, k)

    def remention(self, on_progress: ProgressCallback | None = None) -> MentionBackfill:
        """Record the variant mentions of every indexed paper again, for indexes built before mentions were recorded
        or with them off."""
        return self.literature.remention(on_progress)

    def index_stats(self) -> IndexStats:
        return self.literature.stats()

    def reset_index(self) -> None:
        self.literature.reset()

    # -- genes and sequences ----------------------------------------------------------
    @property
    def genes(self) -> GeneTable:
        return self.sequences.genes

    def gene(self, query: str, online: bool = False) -> GeneMatch:
        """Resolve a symbol, alias, previous symbol or id; an ambiguous alias returns every candidate.

        With `online`, each gene gets its NCBI Gene summary and cytogenetic location (needs GENELIT_ENTREZ__EMAIL).
        """
        return self.sequences.gene(query, online)

    def update_gene_info(self, source: str | None = None) -> tuple[Path, int]:
        """Fetch NCBI Gene's human table (or copy it from a path) and merge it from now on: synonyms HGNC lacks,
        cytogenetic locations, gene types and descriptions, offline. Returns where it is kept and how many genes."""
        return self.sequences.update_gene_info(source)

    def gene_one(self, query: str) -> Gene:
        """Exactly one gene for a name; an ambiguous alias is an error that lists the candidates."""
        return self.sequences.gene_one(query)

    def protein(self, gene: str, fasta: Path | None = None) -> tuple[Gene, str, str]:
        """(gene, where the sequence came from, protein sequence)."""
        return self.sequences.protein(gene, fasta)

    def fetch_sequences(self, genes: list[str]) -> list[StoredProtein]:
        """Fetch the genes' RefSeq proteins from NCBI into the local store (online once; needs the Entrez email)."""
        return self.sequences.fetch(genes)

    def add_sequences(self, path: Path, translate: bool = False, replace: bool = False) -> list[StoredProtein]:
        """Store the proteins of a FASTA file by gene, for later variant scoring offline. DNA is refused unless
        `translate`; two different sequences for one gene in the file are refused unless `replace`."""
        return self.sequences.add(path, translate, replace)

    def scorer(self, name: str | None = None) -> Scorer:
        """A scorer by registry name (default from settings), built once per Assistant."""
        return self.sequences.scorer(name)

    def score_variants(self, gene: str, variants: list[str], scorer: str | None = None,
                       fasta: Path | None = None) -> list[VariantScore | UnscoredVariant]:
        """Score protein variants of one gene; unreadable or mismatching ones come back as UnscoredVariant."""
        return self.sequences.score(gene, variants, scorer, fasta)

    def coding_variants(self, gene: str, variants: list[str], cds: Path, scorer: str | None = None) -> list[CodedVariant]:
        """Classify c. variants against a CDS; missense ones are also scored on the gene's protein."""
        return self.sequences.coding(gene, variants, cds, scorer)

    def variants(self, gene: str, texts: list[str], cds: Path | None = None, scorer: str | None = None,
                 fasta: Path | None = None) -> VariantReport:
        """Protein and coding variants of one gene, one dossier each: the change read and scored as ACMG computational
        evidence, the indexed papers naming it by kind of evidence, the residue, and ClinVar and dbSNP when online."""
        return self.variant_dossiers.report(gene, texts, cds, scorer, fasta)

    def dossier(self, gene: str, variant: str, scorer: str | None = None, fasta: Path | None = None) -> VariantDossier:
        """One variant's dossier (see `variants`). It lists evidence by kind; it is not a classification."""
        return self.variant_dossiers.dossier(gene, variant, scorer, fasta)

    # -- NCBI online ------------------------------------------------------------------
    def clinvar(self, gene: str, variant: str) -> ClinVarLookup:
        """ClinVar's germline classification, review status and conditions for a protein change (online)."""
        return self.capabilities.clinvar(gene, variant)

    def snp(self, rsid: str) -> SnpRecord:
        """dbSNP's record of an rsID: GRCh38 chromosome and position, genes, alleles (online)."""
        return self.ncbi.snp(rsid)

    def blast(self, sequence: str | Path, program: str = "blastn", database: str = "nt", top: int = 5,
              on_wait: Callable[[str, float], None] | None = None) -> BlastResult:
        """NCBI BLAST of one sequence (the sequence, or a file's first record): the top hits with identity and coverage
        (online; minutes, within NCBI's limits)."""
        return self.ncbi.blast(self.sequences.one(sequence, "query"), program, database, top, on_wait)

    def annotate(self, path: Path | None = None, sequence: str | None = None, table: int | None = None,
                 min_orf_aa: int | None = None, method: GeneMethod = "auto") -> list[Annotation]:
        """Annotate the records of a FASTA/GenBank file, or one sequence given as text. DNA gets Prodigal's genes
        (`method` auto: self-trained from 100 kb, metagenomic below; 'single', 'meta', or 'orfs' for the six-frame
        scan); GenBank input is compared with its annotated CDS. `table` defaults to the record's own code."""
        return self.sequences.annotate(path, sequence, table, min_orf_aa, method)

    def annotate_each(self, path: Path | None = None, sequence: str | None = None, table: int | None = None,
                      min_orf_aa: int | None = None, method: GeneMethod = "auto") -> Iterator[Annotation]:
        """`annotate`, one record at a time as the file is read, for files of many genomes."""
        return self.sequences.annotate_each(path, sequence, table, min_orf_aa, method)

    def align(self, a: str | Path, b: str | Path, mode: Literal["global", "local"] = "global") -> PairwiseAlignment:
        """Align two sequences (each a file, its first record, or the sequence itself): identity, similarity, gaps,
        coverage and the alignment. Proteins score with BLOSUM62, DNA with EDNAFULL."""
        return self.sequences.align(a, b, mode)

    def map_to_reference(self, query: str | Path, reference: Path, preset: str | None = None) -> list[ReadMapping]:
        """Place DNA reads or contigs (a file, or one sequence) on a reference genome with minimap2."""
        return self.sequences.map_to_reference(query, reference, preset)

    def scan(self, gene: str, region: str | None = None, scorer: str | None = None,
             fasta: Path | None = None) -> SaturationScan:
        """Score every missense change over a region; `.summary` is the result, `.save(png)` draws it."""
        return self.sequences.scan(gene, region, scorer, fasta)

    # -- answers ----------------------------------------------------------------------
    def resolve_mode(self, mode: str | None = None) -> AnswerMode:
        """The mode a question would run in: 'auto' or None means pipeline with the local model, agent at an endpoint."""
        return self.answers.answerer.resolve_mode(mode)

    def ask(self, question: str, mode: str | None = None, on_event: Events | None = None) -> Answer:
        """Answer a question with cited evidence. `mode`: auto, agent, pipeline or extractive."""
        return self.answers.ask(question, mode, on_event)

    def report(self, topic: str, mode: str | None = None, on_event: Events | None = None) -> Report:
        """A cited evidence summary on a gene, a variant or a topic, as plain data (`.sections`, `.references`,
        `.figures`); `genelit.report.render(report, "html")` ("md", "bib", "ris") and `genelit.report.print_pdf` write
        it. `mode`: auto, pipeline or extractive (no LLM at all)."""
        return self.answers.report(topic, mode, on_event)

    def conversation(self, mode: str | None = None) -> Conversation:
        """A conversation whose follow-up questions keep the earlier turns and the evidence gathered so far."""
        return self.answers.conversation(mode)

    def models(self) -> ModelsReport:
        """The packaged local models and the configured endpoint's, which one questions go to, and the mode `auto` picks.
        Nothing is downloaded or started; the endpoint is asked for its /models list."""
        catalogue = LLMProvider(self.settings.llm, self.settings.cache_dir).catalogue()
        return ModelsReport(models=catalogue, auto_mode=self.resolve_mode("auto"))

    def history(self, n: int = 10) -> list[HistoryEntry]:
        """The newest `n` answers this data directory kept (asked here, in chat, or through the server), newest first."""
        return self.answers.history.last(n)

    async def aask(self, question: str, mode: str | None = None) -> Answer:
        """`ask` without blocking an event loop (the work runs in a thread)."""
        return await asyncio.to_thread(self.ask, question, mode)

    def ask_many(self, questions: list[str], mode: str | None = None) -> list[Answer]:
        """Answer several questions in turn, sharing the loaded models and the LLM server."""
        return [self.ask(q, mode) for q in questions]

    def close(self) -> None:
        """Stop the local LLM server, if this Assistant started one."""
        self.answers.close()
