"""The typed objects that cross genelit's boundaries: what the API returns and the CLI renders."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, computed_field

VerdictLabel = Literal["yes", "no", "maybe"]
AnswerMode = Literal["agent", "pipeline", "extractive"]
ModeChoice = Literal["auto", "agent", "pipeline", "extractive"]
PageSize = Literal["A4", "Letter"]
ReportMode = Literal["auto", "pipeline", "extractive"]  # a report plans its own calls, so it has no agent mode
ScorerName = Literal["calibrated", "esm2", "blosum62", "grantham"]
VariantKind = Literal["missense", "nonsense", "synonymous", "frameshift", "deletion", "insertion", "delins", "duplication"]
DamageSide = Literal["above", "below"]
Criterion = Literal["PP3", "BP4"]  # ACMG/AMP computational evidence: pathogenic (PP3) or benign (BP4) side
StrengthLevel = Literal["very strong", "strong", "moderate", "supporting"]
GeneMethod = Literal["auto", "single", "meta", "orfs"]  # how `annotate` finds genes
# BLAST programs and the kind of query each takes (NCBI BLAST URL API).
BLAST_PROGRAMS: dict[str, str] = {"blastn": "dna", "megablast": "dna", "blastp": "protein", "blastx": "dna", "tblastn": "protein"}
EvidenceKind = Literal["functional", "clinical", "population", "review", "other"]  # what a paper's evidence on a variant is
Direction = Literal["damaging", "no effect", "unclear"]  # which way a paper points for a variant
CitationKind = Literal["paper", "model", "record"]  # record: a database entry fetched online (ClinVar)
Consequence = Literal[
    "missense", "synonymous", "nonsense", "stop_lost", "start_lost", "frameshift", "inframe_deletion",
    "inframe_insertion", "inframe_delins", "splice_site", "splice_region", "intronic", "5_prime_UTR", "3_prime_UTR",
]
Alphabet = Literal["dna", "rna", "protein"]


class Paper(BaseModel):
    """One PubMed citation, as much of it as retrieval and citation need."""

    pmid: str = Field(description="PubMed id, digits only.")
    version: int = Field(1, description="PMID version; a higher one replaces a lower one.")
    title: str = ""
    abstract: str = Field("", description="Abstract text; structured abstracts keep 'LABEL: ' prefixes.")
    journal: str = ""
    year: int | None = None
    authors: list[str] = Field(default_factory=list)
    mesh: list[str] = Field(default_factory=list, description="MeSH descriptor names.")
    doi: str | None = None
    publication_types: list[str] = Field(default_factory=list)
    volume: str = ""
    issue: str = ""
    pages: str = Field("", description="As PubMed gives them, e.g. '1234-42' or 'e1002'.")

    @property
    def url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"

    @property
    def citation_id(self) -> str:
        return f"PMID:{self.pmid}"


class Chunk(BaseModel):
    """A piece of a paper small enough for the embedding model's window."""

    id: str = Field(description="'PMID:n' for a whole paper, 'PMID:n#i' for the i-th piece of a long one.")
    pmid: str
    text: str


class Evidence(BaseModel):
    """One retrieved paper with why it was retrieved."""

    id: str = Field(description="Citation id, 'PMID:n'.")
    paper: Paper
    text: str = Field(description="The best-matching chunk of the paper.")
    score: float = Field(description="Fused reciprocal-rank score; higher is better.")
    retrievers: dict[str, int] = Field(
        default_factory=dict, description="Rank (1-based) of the best chunk in each retriever that found it."
    )
    on_focus: bool | None = Field(
        None, description="Whether the paper names the query's gene or variant (None: the query names none). Papers "
        "that do not come after those that do, whatever their score."
    )


class Gene(BaseModel):
    """An HGNC-approved human gene with its cross-references."""

    symbol: str
    name: str = ""
    hgnc_id: str = ""
    aliases: list[str] = Field(default_factory=list)
    previous_symbols: list[str] = Field(default_factory=list)
    locus_group: str = Field("", description="HGNC locus group, e.g. 'protein-coding gene', 'non-coding RNA'.")
    location: str | None = Field(None, description="Cytogenetic band, when the reference data carries it.")
    entrez_id: str | None = None
    ensembl_id: str | None = None
    uniprot_ids: list[str] = Field(default_factory=list)
    refseq_ids: list[str] = Field(default_factory=list)
    summary: str | None = Field(None, description="NCBI Gene summary, when fetched online.")
    location_source: str | None = Field(None, description="Where the location came from: HGNC, NCBI Gene, or NCBI Gene online.")
    ncbi_synonyms: list[str] = Field(default_factory=list, description="NCBI Gene synonyms HGNC does not list (after `genes update`).")
    ncbi_symbol: str | None = Field(None, description="NCBI Gene's symbol, where it differs from HGNC's (HGNC's is the one used).")
    type_of_gene: str | None = Field(None, description="NCBI Gene's type, e.g. protein-coding, ncRNA, pseudo.")
    description: str | None = Field(None, description="NCBI Gene's description.")

    @property
    def is_protein_coding(self) -> bool:
        return self.locus_group == "protein-coding gene"


class GeneMatch(BaseModel):
    """The answer to 'which gene is X?': one gene, or every candidate when the name is ambiguous."""

    query: str
    matched_by: str = Field(
        description="symbol, alias, previous symbol, NCBI synonym, HGNC id, Entrez id, Ensembl id or UniProt id."
    )
    genes: list[Gene]
    likely: str | None = Field(None, description="For an ambiguous name, the one gene most likely meant, when one stands out.")
    likely_because: str | None = None

    @property
    def ambiguous(self) -> bool:
        return len(self.genes) > 1


class Variant(BaseModel):
    """A protein-level variant, normalised to HGVS with three-letter amino-acid codes."""

    gene: str | None = Field(None, description="Gene symbol as written, if the variant named one.")
    kind: VariantKind
    ref: str = Field(description="Reference residue, one-letter code; for a range, its first and last residues.")
    position: int = Field(description="1-based position of the first affected residue.")
    end: int | None = Field(None, description="Last affected residue for ranges.")
    alt: str = Field("", description="New residue(s), one-letter codes; '*' for a stop.")
    hgvs: str = Field(description="Normalised protein HGVS, e.g. p.Arg175His.")
    text: str = Field(description="The variant as the user wrote it.")


class Orf(BaseModel):
    """An open reading frame, in forward-strand 0-based half-open coordinates."""

    strand: int = Field(description="+1 or -1.")
    frame: int = Field(description="0, 1 or 2, counted on its own strand.")
    start: int
    end: int
    length_aa: int = Field(description="Residues, the stop codon excluded.")
    protein: str = ""


class PredictedGene(BaseModel):
    """A gene Prodigal predicted, in 1-based inclusive coordinates on the forward strand (as GFF3 writes them)."""

    start: int
    end: int
    strand: int = Field(description="+1 or -1.")
    partial_begin: bool = Field(False, description="Runs off the left edge of the sequence (no start there).")
    partial_end: bool = Field(False, description="Runs off the right edge.")
    start_codon: str = Field("", description="ATG, GTG, TTG, or Edge for a partial gene.")
    rbs_motif: str | None = Field(None, description="Ribosome-binding-site motif Prodigal found upstream, if any.")
    score: float = Field(description="Prodigal's score: coding plus start evidence; higher is more confident.")
    genetic_code: int
    protein: str = ""

    @property
    def length_aa(self) -> int:
        return len(self.protein)


class ProteinProperties(BaseModel):
    """Bio.SeqUtils.ProtParam figures for a protein sequence."""

    length: int
    molecular_weight: float = Field(description="Daltons.")
    isoelectric_point: float
    instability_index: float = Field(description="Guruprasad et al. 1990; above 40 suggests an unstable protein.")
    ignored: int = Field(0, description="Letters left out of the computation (stops, X, B, Z and the like).")


class CpgIsland(BaseModel):
    start: int
    end: int
    gc: float
    obs_exp: float = Field(description="Observed/expected CpG ratio.")


class Annotation(BaseModel):
    """What `genelit annotate` finds in one sequence."""

    id: str
    alphabet: Alphabet
    length: int
    genetic_code: int | None = None
    min_orf_aa: int | None = Field(None, description="Shortest ORF reported, in residues (nucleotide sequences).")
    gc: float | None = None
    gc_windows: list[tuple[int, float]] = Field(default_factory=list, description="(window start, GC fraction).")
    cpg_islands: list[CpgIsland] = Field(default_factory=list)
    predictor: str | None = Field(None, description="What found the genes: Prodigal self-trained or metagenomic, or the six-frame ORF scan.")
    genes: list[PredictedGene] = Field(default_factory=list, description="Predicted genes, in order along the sequence.")
    coding_density: float | None = Field(None, description="Share of bases inside a predicted gene.")
    orfs: list[Orf] = Field(default_factory=list)
    longest_orf: Orf | None = None
    protein: ProteinProperties | None = None
    features: dict[str, int] = Field(default_factory=dict, description="Annotated feature types and counts (GenBank).")
    cds_found: int | None = Field(None, description="Unspliced annotated CDS whose strand and stop match a prediction.")
    cds_annotated: int | None = Field(None, description="Annotated CDS in one piece: what a gene finder can match.")
    cds_spliced: int | None = Field(None, description="Annotated CDS joined from pieces: no prokaryotic gene finder predicts these.")
    cds_exact_start: int | None = Field(None, description="Of the matched CDS, those whose start matches too.")
    predicted: int | None = Field(None, description="Predictions compared with the annotation (all of them, not only those listed).")
    predictions_matched: int | None = Field(None, description="Predictions whose strand and stop match an annotated CDS.")
    notes: list[str] = Field(default_factory=list)

    @property
    def cds_sensitivity(self) -> float | None:
        return self.cds_found / self.cds_annotated if self.cds_annotated and self.cds_found is not None else None

    @property
    def cds_precision(self) -> float | None:
        return self.predictions_matched / self.predicted if self.predicted and self.predictions_matched is not None else None


class PairwiseAlignment(BaseModel):
    """Two sequences aligned end to end (global) or at their best-matching parts (local)."""

    a_id: str
    b_id: str
    mode: Literal["global", "local"]
    alphabet: Alphabet
    scoring: str = Field(description="Substitution matrix and gap penalties, e.g. 'BLOSUM62, gap -10/-0.5'.")
    score: float
    columns: int = Field(description="Alignment length, gaps included.")
    identity: float = Field(description="Identical columns over all columns.")
    similarity: float = Field(description="Columns scoring above zero (identities and conservative changes) over all columns.")
    gaps: int = Field(description="Gap openings, inside the alignment.")
    gap_columns: int
    a_coverage: float = Field(description="Share of sequence A's residues inside the aligned region.")
    b_coverage: float
    a_range: tuple[int, int] = Field(description="1-based inclusive range of A that the alignment covers.")
    b_range: tuple[int, int]
    text: str = Field("", description="The alignment as text (cut after the first few thousand columns).")


class ReadMapping(BaseModel):
    """Where a DNA query (a read or a contig) lies on a reference, as minimap2 (mappy) places it."""

    query: str
    query_length: int
    target: str = Field(description="The reference record it maps to.")
    target_start: int = Field(description="1-based, inclusive.")
    target_end: int
    query_start: int
    query_end: int
    strand: int
    mapq: int = Field(description="Mapping quality, 0-60: how sure the placement is.")
    identity: float = Field(description="Matching bases over the aligned block's length.")
    cigar: str


class ComputationalEvidence(BaseModel):
    """A score read as ACMG/AMP computational evidence (Pejaver et al. 2022): PP3 or BP4 at a strength, or none.
    Evidence for one criterion that a geneticist weighs with the rest; never a classification."""

    criterion: Criterion | None = Field(description="PP3 (pathogenic side), BP4 (benign side), or None: no evidence.")
    strength: StrengthLevel | None = None
    threshold: float | None = Field(None, description="The score the strength starts at, in the scorer's units.")
    posterior: float = Field(description="Local posterior probability of pathogenicity at this score (prior 0.0441).")
    posterior_low: float = Field(description="Its 5th bootstrap percentile.")
    posterior_high: float = Field(description="Its 95th bootstrap percentile.")
    source: str = Field(description="What the thresholds were fitted on, and how.")

    @property
    def label(self) -> str:
        if self.criterion is None:
            return "indeterminate (no computational evidence)"
        return f"{self.criterion} at {self.strength} strength"


class VariantScore(BaseModel):
    """One model's score for one variant, with what produced it and how to read it. Never a clinical classification."""

    variant: Variant
    gene: str | None = None
    scorer: str = Field(description="Registry name, e.g. 'calibrated' or 'esm2'.")
    model: str = Field(description="Model name or path.")
    weights_hash: str = Field(description="First 12 hex digits of the SHA-256 of the weights (or 'none').")
    method: str = Field(description="How the score is computed, in one line.")
    score: float
    damaging_if: DamageSide = Field(description="Which end of the scorer's scale is the more damaging.")
    evidence: ComputationalEvidence | None = Field(
        None, description="The ACMG computational evidence the score gives (PP3/BP4 at a strength, or none); None when the "
                          "scorer has no calibration.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interpretation(self) -> str:
        """How to read the score, in words: the criterion and strength it reaches, or that it gives no evidence."""
        if self.evidence is None:
            return f"not calibrated ({self.scorer} has no ACMG strength calibration)"
        return self.evidence.label


class UnscoredVariant(BaseModel):
    """A variant in a batch that could not be scored, and why; the rest of the batch is unaffected."""

    variant: str
    error: str


class ModelOutput(BaseModel):
    """A local model's result that an answer can cite as [Mn]."""

    id: str = Field(description="'M1', 'M2', ... in the order the run produced them.")
    tool: str
    model: str
    weights_hash: str
    input: str = Field(description="What the model was given, e.g. 'TP53 p.Arg175His'.")
    summary: str = Field(description="One line of what it said.")


class Citation(BaseModel):
    """A citation in an answer, resolved to a paper or a model run."""

    id: str
    kind: CitationKind
    title: str = ""
    journal: str = ""
    year: int | None = None
    url: str = ""
    model: str = ""
    weights_hash: str = ""
    input: str = ""


class ToolCall(BaseModel):
    """One step of the tool trace."""

    tool: str
    arguments: dict[str, object]
    ok: bool
    observation: str = Field(description="What the LLM (or the digest) was shown.")
    seconds: float


class Verdict(BaseModel):
    """The answer to a yes/no question, decided from the evidence by a measured method (agent/verdict.py)."""

    label: VerdictLabel = Field(description="yes, no, or maybe (printed as 'Unclear / mixed evidence').")
    line: str = Field(description="The verdict line the answer opens with, citing the papers that carry it.")
    probabilities: dict[str, float] = Field(default_factory=dict, description="Combined yes/no/maybe probabilities.")
    stances: dict[str, VerdictLabel] = Field(default_factory=dict, description="Each weighed paper's own leaning.")


class SentenceSupport(BaseModel):
    """How one answer sentence stands against the papers it cites."""

    sentence: str
    cited: list[str] = Field(default_factory=list, description="Ids the sentence cited as written.")
    supported_by: list[str] = Field(default_factory=list, description="Cited ids whose text supports it, after any move.")
    moved_from: list[str] = Field(default_factory=list, description="Cited papers that did not support it and were replaced.")
    similarity: float = Field(0.0, description="Best cosine between the sentence and a sentence of a supporting paper.")
    supported: bool
    reason: str = Field("", description="Why it is not supported, when it is not.")


class DroppedSentence(BaseModel):
    """A drafted sentence the reader is not shown, and why: the checks found it unsupported, or it was no claim."""

    sentence: str
    reason: str


class Answer(BaseModel):
    """A cited answer, with everything needed to check it."""

    question: str
    text: str
    mode: AnswerMode = Field(description="The mode that actually ran.")
    citations: list[Citation] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    model_outputs: list[ModelOutput] = Field(default_factory=list)
    unknown_citations: list[str] = Field(default_factory=list, description="Ids the LLM cited that the run never collected; removed from the text.")
    unsupported_sentences: list[str] = Field(
        default_factory=list, description="Drafted sentences with no citation, or whose citations do not support them; "
        "left out of the text (see `dropped`)."
    )
    dropped: list[DroppedSentence] = Field(
        default_factory=list, description="Drafted sentences left out of the text, each with the reason: unsupported, uncited, "
        "an instruction repeated, talk about 'the evidence', a run of bare citations, or said twice."
    )
    verdict: Verdict | None = Field(None, description="For yes/no questions: the verdict the answer opens with.")
    support: list[SentenceSupport] = Field(default_factory=list, description="Each cited claim checked against its sources.")
    evidence_sentences: list[str] = Field(
        default_factory=list, description="The paper sentences chosen as the evidence the answer was written from."
    )
    supported_share: float | None = Field(
        None, description="Share of claim sentences supported by what they cite; None when the answer makes no claim."
    )
    trace: list[ToolCall] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage.")
    tokens: dict[str, int] = Field(default_factory=dict, description="prompt and completion tokens, when the LLM reports them.")
    notes: list[str] = Field(default_factory=list, description="Fallbacks and caveats, said out loud.")
    llm: str = ""
    settings_hash: str = ""


class LiteratureHit(BaseModel):
    """A search hit for an agent reading it over MCP: the paper's facts, and its text once (a snippet by default)."""

    id: str = Field(description="Citation id, 'PMID:n'.")
    title: str
    journal: str = ""
    year: int | None = None
    score: float = Field(description="Fused reciprocal-rank score; hits come best first.")
    snippet: str = Field(description="The start of the best-matching passage.")
    abstract: str | None = Field(None, description="The whole abstract, when asked for (full=true).")

    @classmethod
    def of(cls, hit: Evidence, snippet_chars: int, full: bool) -> LiteratureHit:
        text = " ".join(hit.text.split())
        snippet = text if len(text) <= snippet_chars else text[:snippet_chars].rsplit(" ", 1)[0] + " …"
        return cls(id=hit.id, title=hit.paper.title, journal=hit.paper.journal, year=hit.paper.year, score=hit.score,
                   snippet=snippet, abstract=hit.paper.abstract if full else None)


class ModelInfo(BaseModel):
    """One model genelit could answer with (`genelit models`)."""

    name: str
    source: Literal["local", "endpoint"] = Field(description="local: a packaged GGUF run by genelit; endpoint: served at base_url.")
    location: str = Field(description="The GGUF file, or the endpoint's URL.")
    ready: bool = Field(description="Usable now: on disk and runnable, or listed by a reachable endpoint.")
    status: str = Field(description="Why it is or is not ready, in words.")
    selected: bool = Field(False, description="The model questions go to with these settings.")


class ModelsReport(BaseModel):
    """The models configured and found, and how `--mode auto` would answer."""

    models: list[ModelInfo]
    auto_mode: AnswerMode


class HistoryEntry(BaseModel):
    """One kept answer (`genelit logs`, `Assistant.history()`): when it was given, and the whole Answer."""

    id: int
    at: dt.datetime = Field(description="When the answer was given, in UTC.")
    answer: Answer


class IngestReport(BaseModel):
    """What one ingest run did, for the CLI's summary and `--json`."""

    source: str
    read: int = Field(0, description="Citations read from the source.")
    added: int = 0
    updated: int = Field(0, description="Papers re-indexed because their content or version changed.")
    unchanged: int = Field(0, description="Papers already indexed as they are; nothing was done.")
    deleted: int = Field(0, description="Papers removed by DeleteCitation entries.")
    skipped_no_abstract: int = 0
    skipped_topic: int = 0
    malformed: int = 0
    superseded: int = Field(0, description="Copies of a PMID dropped for a newer version of it in the same batch.")
    truncated: int = Field(0, description="Papers whose title or abstract was cut to the configured maximum length.")
    malformed_examples: list[str] = Field(default_factory=list, description="The first reasons, with where.")
    chunks_written: int = 0
    recovered: int = Field(0, description="Vectors of an interrupted earlier run that were rolled back first.")
    seconds: float = 0.0

    @property
    def indexed(self) -> int:
        return self.added + self.updated + self.unchanged

    @property
    def rate(self) -> float:
        """Papers embedded per second."""
        return (self.added + self.updated) / self.seconds if self.seconds else 0.0


class IndexStats(BaseModel):
    """What `genelit index stats` reports."""

    location: str
    papers: int
    chunks: int
    vectors: int
    embedding_model: str | None
    embedding_dim: int | None
    lexical_current: bool
    disk_bytes: int = Field(description="Bytes on disk under the index folder (the server's own storage excluded).")
    variant_mentions: int = Field(0, description="Variant mentions recorded in the papers (genelit variant, variants-in).")
    mentions_current: bool = Field(True, description="False for an index built before mentions were recorded, or with them off.")


class ScanSummary(BaseModel):
    """What a scan says in a few lines, for people and for the LLM."""

    gene: str | None
    scorer: str
    model: str
    weights_hash: str
    region: tuple[int, int]
    variants: int
    pp3_fraction: float | None = Field(description="Share of changes whose score reaches PP3 at any strength; None when the "
                                                   "scorer has no ACMG calibration.")
    bp4_fraction: float | None = Field(description="Share of changes whose score reaches BP4 at any strength.")
    least_tolerant: list[tuple[int, str, float]] = Field(description="(position, residue, mean damage) of the 10 least tolerant.")
    most_tolerant: list[tuple[int, str, float]]
    png: str | None = None
    csv: str | None = None


    @property
    def evidence_summary(self) -> str:
        """The scan's changes as ACMG computational evidence, in words."""
        if self.pp3_fraction is None or self.bp4_fraction is None:
            return f"{self.scorer} has no ACMG strength calibration"
        rest = 1 - self.pp3_fraction - self.bp4_fraction
        return f"{self.pp3_fraction:.0%} reach PP3, {self.bp4_fraction:.0%} BP4, {rest:.0%} give no computational evidence"

class CodingConsequence(BaseModel):
    """What a c. variant does to the protein, as far as the CDS alone can tell."""

    hgvs_c: str
    consequence: Consequence
    hgvs_p: str | None = None
    splice_region: bool = False
    notes: list[str] = Field(default_factory=list)


class CodedVariant(BaseModel):
    """A c. variant as read against a CDS: its consequence, and its score when it is missense."""

    variant: str = Field(description="The variant as the user wrote it.")
    consequence: CodingConsequence | None = Field(None, description="None when the variant could not be read or applied.")
    score: VariantScore | UnscoredVariant | None = Field(
        None, description="The protein change scored (missense only), or why it could not be read or scored."
    )


class StoredProtein(BaseModel):
    """A protein put into the local sequence store."""

    gene: str
    accession: str
    length: int = Field(description="Residues.")
    replaced: str | None = Field(None, description="The accession this one replaced in the store, if any.")


class PaperOnVariant(BaseModel):
    """One indexed paper that names a variant: the kind of evidence it gives and which way it points, with the
    sentence that says so. Read from the abstract by cue words (index/variant_evidence.py), not by a curator."""

    id: str = Field(description="Citation id, 'PMID:n'.")
    title: str = ""
    year: int | None = None
    journal: str = ""
    kind: EvidenceKind = Field(description="functional (assay, in vivo, computational), clinical (cases, families, "
                                           "segregation, de novo), population (case-control, frequency), review, or other.")
    cues: list[str] = Field(default_factory=list, description="The words that decided the kind.")
    direction: Direction = Field(description="damaging, no effect, or unclear (the paper states none, or both).")
    sentence: str = Field("", description="The sentence that states the direction, or else the one naming the variant.")


class VariantLiterature(BaseModel):
    """The indexed papers that name one variant of one gene: how many, in which years, of which kinds, and the top ones
    to cite."""

    gene: str | None = Field(description="HGNC symbol the mentions were linked to; None for an rsID looked up alone.")
    variant: str = Field(description="The variant as asked.")
    key: str = Field(description="The normalised key mentions are stored under, e.g. p.R175H, c.524G>A, rs1042522.")
    papers: int = Field(0, description="Indexed papers naming it.")
    years: dict[int, int] = Field(default_factory=dict, description="Papers per publication year.")
    forms: list[str] = Field(default_factory=list, description="How the papers write it.")
    top: list[Evidence] = Field(default_factory=list, description="The papers naming it most, each with the sentence naming it.")
    kinds: dict[str, int] = Field(default_factory=dict, description="Papers naming it, per kind of evidence.")
    directions: dict[str, int] = Field(default_factory=dict, description="Papers naming it, per direction.")
    classified: list[PaperOnVariant] = Field(default_factory=list, description="Each paper naming it (up to a cap), read "
                                                                               "for its kind and direction.")
    note: str = Field("", description="Why the block may be empty or incomplete, with what to do.")


class ResidueLiterature(BaseModel):
    """What the indexed papers say about one residue of a protein: the PM5 kind of evidence (another change at the same
    residue) and how much the residue is studied."""

    residue: str = Field(description="Reference residue and position, e.g. 'R175'.")
    papers: int = Field(0, description="Indexed papers naming any change at this residue.")
    others: list[tuple[str, int]] = Field(default_factory=list, description="(other change, papers naming it).")
    hotspot: bool = Field(False, description="Named by many indexed papers (see `hotspot_rule`).")
    hotspot_rule: str = ""


class AlleleFrequency(BaseModel):
    """One population's frequency of one allele, as dbSNP reports it."""

    study: str = Field(description="The study dbSNP names: ALFA, GnomAD, 1000Genomes, TOPMED, ...")
    allele: str
    frequency: float
    count: int | None = Field(None, description="Allele count, where dbSNP gives it.")


class PopulationData(BaseModel):
    """dbSNP's allele frequencies for the variant's rsID (online): the input of BA1, BS1 and PM2, which a geneticist
    applies with the disease's own thresholds."""

    rsid: str
    frequencies: list[AlleleFrequency] = Field(default_factory=list)
    note: str = ""

    @property
    def citation_id(self) -> str:
        return f"dbSNP:{self.rsid}"

    @property
    def highest(self) -> AlleleFrequency | None:
        return max(self.frequencies, key=lambda f: f.frequency, default=None)


DOSSIER_NOTE = ("A dossier lists the evidence on one variant by kind, each part with its source; it is not a "
                "classification. A geneticist combines it with what it cannot see (phenotype, segregation in the "
                "family, the disease's frequency thresholds) under ACMG/AMP.")


class VariantDossier(BaseModel):
    """Everything genelit can say about one variant of one gene, by line of evidence: the computational score as an
    ACMG strength, the literature by kind, the residue, and the databases online. Parts that could not be had are
    named in `missing`, each with why."""

    gene: str
    variant: str = Field(description="The variant as written.")
    hgvs: str | None = Field(None, description="Protein HGVS, three-letter (p.Arg175His), when it could be read.")
    consequence: CodingConsequence | None = Field(None, description="For a c. variant: what it does to the protein.")
    computational: VariantScore | UnscoredVariant | None = Field(
        None, description="The protein change scored, with its ACMG computational evidence; or why it could not be.")
    literature: VariantLiterature | None = None
    residue: ResidueLiterature | None = None
    clinvar: ClinVarLookup | None = Field(None, description="ClinVar's records (online).")
    population: PopulationData | None = Field(None, description="dbSNP allele frequencies (online).")
    missing: list[str] = Field(default_factory=list, description="Each part that is absent, and why.")
    note: str = DOSSIER_NOTE

    @property
    def failed(self) -> UnscoredVariant | None:
        """Why the variant could not be read or scored, when it could not."""
        return self.computational if isinstance(self.computational, UnscoredVariant) else None


class VariantCount(BaseModel):
    """One variant and how often the indexed papers name it (`genelit variants-in`)."""

    gene: str | None
    key: str
    kind: str = Field(description="protein, dna or snp.")
    papers: int
    mentions: int


class VariantCounts(BaseModel):
    """The variants most named by some papers, with a note when the index's mentions are incomplete."""

    variants: list[VariantCount] = Field(default_factory=list)
    note: str = ""
    absent: list[str] = Field(
        default_factory=list, description="Diseases the query names that no paper the search found mentions: the "
        "variants come from papers matching only its other words."
    )


class MentionBackfill(BaseModel):
    """What `genelit index remention` recorded."""

    papers: int
    mentions: int


class ClinVarRecord(BaseModel):
    """One ClinVar variation record, as NCBI's esummary gives it: a database record, not a model's opinion."""

    accession: str = Field(description="Variation (VCV) accession, e.g. VCV000012375.")
    title: str = Field(description="ClinVar's name for the variant, e.g. NM_000546.6(TP53):c.524G>A (p.Arg175His).")
    genes: list[str] = Field(default_factory=list)
    classification: str = Field(description="Germline classification, e.g. Pathogenic, Uncertain significance.")
    review_status: str = ""
    conditions: list[str] = Field(default_factory=list)
    last_evaluated: str | None = None
    rsid: str | None = Field(None, description="The dbSNP rsID ClinVar links the variant to, e.g. rs28934578.")

    @property
    def citation_id(self) -> str:
        return f"ClinVar:{self.accession}"

    @property
    def url(self) -> str:
        return f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{self.accession.removeprefix('VCV').lstrip('0')}/"


class ClinVarLookup(BaseModel):
    """What ClinVar holds for one variant of one gene (online)."""

    gene: str
    variant: str = Field(description="The protein change looked up, three-letter HGVS.")
    records: list[ClinVarRecord] = Field(default_factory=list)
    note: str = ""


class SnpRecord(BaseModel):
    """One dbSNP reference SNP (online): where it is on GRCh38, its genes and its alleles."""

    rsid: str
    chromosome: str | None = None
    position: int | None = Field(None, description="1-based position on GRCh38.")
    genes: list[str] = Field(default_factory=list)
    alleles: list[str] = Field(default_factory=list, description="Reference first, then the alternates, e.g. ['G', 'A'].")
    variant_class: str = ""
    clinical_significance: list[str] = Field(default_factory=list)

    @property
    def location(self) -> str | None:
        return f"chr{self.chromosome}:{self.position}" if self.chromosome and self.position else None


class BlastHit(BaseModel):
    accession: str
    title: str
    identity: float = Field(description="Identical positions over the alignment length of the best HSP.")
    coverage: float = Field(description="Share of the query the best HSP covers.")
    evalue: float
    bit_score: float
    hit_from: int
    hit_to: int


class BlastResult(BaseModel):
    """NCBI BLAST's top hits for one query (online)."""

    program: str
    database: str
    rid: str = Field(description="NCBI's request id; results stay on NCBI's server for about a day.")
    query_length: int
    hits: list[BlastHit] = Field(default_factory=list)


class VariantReport(BaseModel):
    """What `genelit variant` reports: the gene, the protein used, and one dossier per variant, in the order given."""

    gene: Gene
    protein_source: str = Field(description="Where the protein came from: a FASTA, the local store, NCBI, or none.")
    protein_length: int = Field(0, description="Residues; 0 when only c. variants were given and no protein was found.")
    dossiers: list[VariantDossier] = Field(default_factory=list, description="One per variant, in the order given.")

    @property
    def failures(self) -> list[UnscoredVariant]:
        """The variants that could not be read, classified or scored, with why (a c. variant that was read but is not
        missense is no failure: its consequence is the answer)."""
        return [d.failed for d in self.dossiers if d.failed is not None and d.consequence is None]

    @property
    def all_failed(self) -> bool:
        """True when variants were given and not one could be read, classified or scored."""
        return bool(self.dossiers) and len(self.failures) == len(self.dossiers)

    def first_score(self) -> VariantScore | None:
        """The first score given, whose model and method the report names once."""
        return next((d.computational for d in self.dossiers if isinstance(d.computational, VariantScore)), None)


class ConversationSources(BaseModel):
    """What a conversation has gathered and may cite."""

    papers: list[Evidence] = Field(default_factory=list)
    model_outputs: list[ModelOutput] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.papers and not self.model_outputs


class FileFailure(BaseModel):
    """A file an ingest could not read to its end, and why."""

    source: str
    error: str
    hint: str | None = None


class IngestSummary(BaseModel):
    """What `index files` did with several files: a report for each file read (in part, too), and the failures."""

    reports: list[IngestReport] = Field(default_factory=list)
    failures: list[FileFailure] = Field(default_factory=list)


SectionKind = Literal["summary", "background", "genes", "findings", "variants", "conflicts", "methods"]


class ReportSection(BaseModel):
    """One section of a report; its text cites papers as [PMID:n] and model outputs as [Mn], all checked."""

    kind: SectionKind
    title: str
    text: str
    supported_share: float | None = Field(
        None, description="Share of the drafted claim sentences supported by what they cite, before the unsupported were left out."
    )
    dropped: int = Field(0, description="Drafted sentences left out: unsupported by their citations, or said twice.")
    notes: list[str] = Field(default_factory=list)


class Reference(BaseModel):
    """A numbered reference: numbers follow the order in which the report first cites each paper."""

    number: int
    id: str = Field(description="'PMID:n'.")
    paper: Paper


class Figure(BaseModel):
    """A figure or table of a report; images are PNG, base64-encoded, so a report is one self-contained file."""

    id: str
    title: str
    caption: str
    png_base64: str | None = None
    table: list[list[str]] = Field(default_factory=list, description="Rows of cells; the first row is the header.")


class Report(BaseModel):
    """A cited evidence summary on a gene, a variant or a topic: plain data. `genelit.report.render(report, "html")`
    (or "md", "bib", "ris") and `genelit.report.print_pdf(report, path)` write it."""

    topic: str
    title: str
    created: str = Field(description="ISO date and time the report was written.")
    mode: str = Field(description="How the literature sections were written: pipeline (the LLM) or extractive (none).")
    sections: list[ReportSection]
    references: list[Reference] = Field(default_factory=list)
    model_outputs: list[ModelOutput] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    settings_hash: str = ""

    @property
    def summary(self) -> ReportSection:
        return self.sections[0]
