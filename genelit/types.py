"""The typed objects that cross genelit's boundaries: what the API returns and the CLI renders."""

from __future__ import annotations

from pydantic import BaseModel, Field


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

    @property
    def is_protein_coding(self) -> bool:
        return self.locus_group == "protein-coding gene"


class GeneMatch(BaseModel):
    """The answer to 'which gene is X?': one gene, or every candidate when the name is ambiguous."""

    query: str
    matched_by: str = Field(description="symbol, alias, previous symbol, HGNC id, Entrez id, Ensembl id or UniProt id.")
    genes: list[Gene]

    @property
    def ambiguous(self) -> bool:
        return len(self.genes) > 1


class Variant(BaseModel):
    """A protein-level variant, normalised to HGVS with three-letter amino-acid codes."""

    gene: str | None = Field(None, description="Gene symbol as written, if the variant named one.")
    kind: str = Field(description="missense, nonsense, synonymous, frameshift, deletion, insertion, delins or duplication.")
    ref: str = Field(description="Reference residue, one-letter code; for a range, its first and last residues.")
    position: int = Field(description="1-based position of the first affected residue.")
    end: int | None = Field(None, description="Last affected residue for ranges.")
    alt: str = Field("", description="New residue(s), one-letter codes; '*' for a stop.")
    hgvs: str = Field(description="Normalised protein HGVS, e.g. p.Arg175His.")
    text: str = Field(description="The variant as the user wrote it.")
