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
