"""What genelit can do for another program, declared once.

Each capability is one typed method: its parameters carry their limits and meaning (`Annotated` with a pydantic
Field), its docstring is the contract, and it returns the typed object the Python API returns. The language
model's tools (services/toolbox.py), MCP (server/mcp.py) and the JSON API (server/app.py) take their parameters
from here, so a limit or a description changed here changes on every face; tests/test_capabilities.py compares the
three schemas. Each face decides only how a result is shown: quoted text with citation ids for a model, JSON for a
program.

This module does not use postponed annotations: FastAPI and the MCP SDK read these signatures at run time.
"""

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from genelit.errors import BadInputError, MissingResourceError, clip
from genelit.limits import GENE_CHARS, QUERY_CHARS, QUESTION_CHARS, SEARCH_K, VARIANT_CHARS, VARIANTS_IN_K, VARIANTS_PER_CALL
from genelit.sequence.scan import SaturationScan
from genelit.services.literature import Literature
from genelit.services.ncbi import OnlineRecords
from genelit.services.sequences import Sequences
from genelit.services.variants import Variants
from genelit.settings import Settings
from genelit.text import require_text
from genelit.types import (
    Annotation,
    BlastResult,
    ClinVarLookup,
    Evidence,
    GeneMatch,
    PairwiseAlignment,
    Paper,
    ScorerName,
    SnpRecord,
    VariantCounts,
    VariantLiterature,
    VariantReport,
)

# -- parameters, each declared once -------------------------------------------------------
Query = Annotated[str, Field(min_length=1, max_length=QUERY_CHARS, description="What to look for in PubMed abstracts, in plain words.")]
PaperCount = Annotated[int, Field(ge=1, le=SEARCH_K, description="How many papers.")]
Year = Annotated[str | None, Field(max_length=9, description="Optional year filter: YYYY, YYYY-YYYY, YYYY- or -YYYY.")]
Pmid = Annotated[str, Field(min_length=1, max_length=20, description="PubMed id: digits, or PMID: and digits.")]
GeneName = Annotated[str, Field(min_length=1, max_length=GENE_CHARS, description="Gene symbol, alias or id, e.g. TP53, LMP10, HGNC:11998.")]
Gene = Annotated[str, Field(min_length=1, max_length=GENE_CHARS, description="Gene symbol, e.g. TP53.")]
OptionalGene = Annotated[str | None, Field(max_length=GENE_CHARS, description="Gene symbol, e.g. TP53; not needed for an rsID.")]
ProteinChange = Annotated[str, Field(min_length=1, max_length=VARIANT_CHARS, description="Protein change, e.g. p.Arg175His or R175H.")]
# each variant of a batch is read on its own, and one that cannot be read gets its own error in its dossier
ProteinChanges = Annotated[list[str], Field(min_length=1, max_length=VARIANTS_PER_CALL,
                                            description="Variants of the gene, e.g. ['p.Arg175His', 'R248Q', 'c.524G>A'].")]
AnyVariant = Annotated[str, Field(min_length=1, max_length=VARIANT_CHARS,
                                  description="The variant in any common form: p.Arg175His, R175H, c.524G>A or rs1042522.")]
Scorer = Annotated[ScorerName | None, Field(description="Optional scorer: calibrated (the default), esm2, blosum62 or grantham.")]
Region = Annotated[str | None, Field(max_length=40, description="Optional START-END residues, e.g. 94-292; default: the whole protein.")]
SequenceText = Annotated[str, Field(min_length=1, description="A DNA, RNA or protein sequence, raw or FASTA.")]
GeneticCode = Annotated[int | None, Field(ge=1, le=33, description="NCBI genetic code; default 11 (bacterial) for genes, 1 for short ORF scans.")]
MinOrf = Annotated[int | None, Field(ge=1, le=10_000, description="Shortest ORF reported, in amino acids.")]
AlignMode = Annotated[Literal["global", "local"], Field(description="global: end to end; local: the best-matching parts.")]
Rsid = Annotated[str, Field(min_length=3, max_length=20, description="dbSNP id, e.g. rs1042522.")]
BlastProgram = Annotated[Literal["blastn", "megablast", "blastp", "blastx", "tblastn"], Field(description="BLAST program.")]
BlastDatabase = Annotated[str, Field(min_length=1, max_length=40, description="NCBI database: nt, nr, refseq_rna, refseq_protein, swissprot, ...")]
TextQuery = Annotated[str | None, Field(min_length=1, max_length=QUERY_CHARS, description="A literature search whose top papers are read.")]
Question = Annotated[str, Field(min_length=1, max_length=QUESTION_CHARS, description="The question, in plain words.")]
VariantCount = Annotated[int, Field(ge=1, le=VARIANTS_IN_K, description="How many variants.")]


class Capabilities:
    """The capabilities over one Assistant's services. Every method only reads: none writes to the index or the
    sequence store."""

    def __init__(self, settings: Settings, literature: Literature, sequences: Sequences, variants: Variants,
                 ncbi: OnlineRecords) -> None:
        self.settings = settings
        self.literature = literature
        self.sequences = sequences
        self.variants = variants
        self.ncbi = ncbi

    def search_literature(self, query: Query, k: PaperCount = 5, year: Year = None) -> list[Evidence]:
        """Search the local index of PubMed abstracts (BM25 and dense, fused), best first: each paper with its PMID,
        title, journal, year and best passage. Use it for any question about what studies found."""
        return self.literature.search(query, k, year=year)

    def get_paper(self, pmid: Pmid) -> Paper:
        """One indexed paper whole, by PMID: title, abstract, journal, year, authors, MeSH terms."""
        digits = pmid.strip().upper().removeprefix("PMID:").strip()
        if not digits.isdigit():
            raise BadInputError(f"{clip(pmid)!r} is not a PMID", "give the digits, e.g. 12345678")
        found = self.literature.paper(digits)
        if found is None:
            raise MissingResourceError(f"PMID:{digits} is not in the local index", "search first, then ask for a PMID it returned")
        return found

    def gene_info(self, name: GeneName) -> GeneMatch:
        """Look a human gene up in HGNC's table: official symbol, name, aliases, previous symbols, ids, location. An
        ambiguous alias lists every candidate."""
        return self.sequences.gene(name)

    def score_variant(self, gene: Gene, variants: ProteinChanges, scorer: Scorer = None) -> VariantReport:
        """Each variant's dossier: the change read and scored by a local variant-effect model, the score read as ACMG
        computational evidence (PP3 or BP4 at a calibrated strength, or none), the indexed papers naming it, other
        changes at its residue, and ClinVar and dbSNP when online. Evidence by kind, not a clinical classification."""
        return self.variants.report(gene, variants, scorer=scorer)

    def variant_literature(self, variant: AnyVariant, gene: OptionalGene = None) -> VariantLiterature:
        """The indexed papers naming one variant, however they write it (R175H, p.Arg175His, c.524G>A, rs1042522): how
        many, which years, and the top papers with the sentence naming it. Use it for "what is known about this
        variant"."""
        return self.literature.variant_literature(self.sequences.gene_one(gene).symbol if gene else None, variant)

    def variants_in(self, query: TextQuery = None, gene: OptionalGene = None, k: VariantCount = 20) -> VariantCounts:
        """The variants most named by the papers a search finds, or linked to one gene, each with its paper count."""
        symbol = self.sequences.gene_one(gene).symbol if gene else None
        return self.literature.variants_in(require_text(query, "query") if query is not None else None, symbol, k)

    def scan_protein(self, gene: Gene, region: Region = None, scorer: Scorer = None) -> SaturationScan:
        """Score all 19 substitutions at every position of a protein region; the least and most tolerant positions."""
        return self.sequences.scan(gene, region, scorer)

    def annotate_sequence(self, sequence: SequenceText, table: GeneticCode = None, min_orf_aa: MinOrf = None) -> list[Annotation]:
        """Describe a DNA, RNA or protein sequence: genes predicted by Prodigal (or six-frame ORFs for short ones), GC
        content and CpG islands, or a protein's properties."""
        limit = self.settings.server.max_sequence_chars
        if len(sequence) > limit:
            raise BadInputError(f"the sequence is {len(sequence):,} characters, over the limit of {limit:,}",
                                "annotate a shorter piece, or a file with `genelit annotate` for whole genomes")
        return self.sequences.annotate(sequence=sequence, table=table, min_orf_aa=min_orf_aa)

    def align_sequences(self, a: Annotated[str, Field(min_length=1, description="The first sequence (DNA or protein).")],
                        b: Annotated[str, Field(min_length=1, description="The second sequence, of the same kind.")],
                        mode: AlignMode = "global") -> PairwiseAlignment:
        """Align two sequences pairwise: identity, similarity, gaps and coverage."""
        return self.sequences.align(a, b, mode)

    def clinvar(self, gene: Gene, variant: ProteinChange) -> ClinVarLookup:
        """Look a protein variant up in NCBI ClinVar (online): germline classification, review status and conditions.
        A database record, not a model's opinion."""
        return self.ncbi.clinvar(self.sequences.gene_one(gene).symbol, variant)

    def snp(self, rsid: Rsid) -> SnpRecord:
        """Look an rsID up in NCBI dbSNP (online): GRCh38 chromosome and position, genes and alleles."""
        return self.ncbi.snp(rsid)

    def blast(self, sequence: SequenceText, program: BlastProgram = "blastn", database: BlastDatabase = "nt") -> BlastResult:
        """Search a sequence against an NCBI database with BLAST (online; a minute or more): the top hits with
        identity and coverage."""
        return self.ncbi.blast(self.sequences.one(sequence, "query"), program, database)

    @property
    def online(self) -> bool:
        """Whether NCBI's databases can be asked (an e-mail is configured); offline, their capabilities are not offered."""
        return self.ncbi.online


def contract(method: Callable[..., Any]) -> str:
    """A capability's docstring as one line: the description every face shows."""
    return " ".join((inspect.getdoc(method) or "").split())


def arguments_model(method: Callable[..., Any], name: str, hidden: tuple[str, ...] = ()) -> type[BaseModel]:
    """A pydantic model of a capability's parameters (less `hidden`, which the face fills itself): a JSON body or a
    tool's argument schema with the same limits and descriptions as the method."""
    fields: dict[str, Any] = {}
    for parameter in inspect.signature(method).parameters.values():
        if parameter.name in ("self", *hidden):
            continue
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[parameter.name] = (parameter.annotation, default)
    return create_model(name, **fields)
