"""genelit's tools for MCP clients (Claude Desktop, other agents), over stdio with the official SDK.

Each tool is one Assistant call and returns the typed object the Python API returns, so a client gets the
same fields (PMIDs, scores, weights' hashes) that the CLI prints. The SDK keeps stdout for the protocol and
sends stray writes to stderr; genelit's own progress and logs go to stderr as well.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from genelit import __version__
from genelit.api import Assistant
from genelit.errors import GenelitError
from genelit.limits import GENE_CHARS, QUERY_CHARS, QUESTION_CHARS, SEARCH_K, VARIANT_CHARS, VARIANTS_PER_CALL
from genelit.types import Annotation, Answer, GeneMatch, LiteratureHit, Paper, ScanSummary, ScorerName, VariantLiterature, VariantReport

INSTRUCTIONS = (
    "genelit answers genetics questions from a local index of PubMed abstracts and local sequence models. Cite papers "
    "as PMID:n. Variant scores are a model's opinion, not a clinical classification."
)


SNIPPET_CHARS = 300  # about 60 words: enough to judge a hit, a fifth of an abstract's tokens

F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(fn: F) -> F:
    """genelit's own errors reach the client as a tool error with their message and hint, logged as one line;
    anything else is a bug, which the SDK logs whole."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GenelitError as exc:
            raise ToolError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def build_server(assistant: Assistant) -> MCPServer:
    """An MCPServer whose eight tools call `assistant`."""
    server = MCPServer(name="genelit", version=__version__, instructions=INSTRUCTIONS)

    @server.tool()
    @_user_errors
    def search_literature(query: Annotated[str, Field(min_length=1, max_length=QUERY_CHARS, description="What to look for.")],
                          k: Annotated[int, Field(ge=1, le=SEARCH_K)] = 5,
                          year: Annotated[str | None, Field(description="'YYYY', 'YYYY-YYYY', 'YYYY-' or '-YYYY'.")] = None,
                          full: Annotated[bool, Field(description="Carry each hit's whole abstract, not a snippet.")] = False,
                          ) -> list[LiteratureHit]:
        """Hybrid (BM25 + dense) search of the local PubMed index, best first: each hit's PMID, title, journal, year and
        a snippet of its best passage (full=true: the abstract; get_paper gives one paper whole)."""
        return [LiteratureHit.of(hit, SNIPPET_CHARS, full) for hit in assistant.search(query, k, year=year)]

    @server.tool()
    @_user_errors
    def get_paper(pmid: Annotated[str, Field(description="Digits, or 'PMID:' and digits.")]) -> Paper:
        """One indexed paper: title, abstract, journal, year, authors, MeSH terms."""
        return assistant.paper(pmid)

    @server.tool()
    @_user_errors
    def gene_info(name: Annotated[str, Field(min_length=1, max_length=GENE_CHARS, description="Symbol, alias, previous symbol or id.")]
                  ) -> GeneMatch:
        """A human gene from the HGNC table: symbol, name, aliases, ids, location. An ambiguous alias lists every candidate."""
        return assistant.gene(name)

    @server.tool()
    @_user_errors
    def score_variant(gene: Annotated[str, Field(min_length=1, max_length=GENE_CHARS)],
                      variants: Annotated[list[str], Field(min_length=1, max_length=VARIANTS_PER_CALL, description="e.g. ['p.R175H', 'c.524G>A']")],
                      scorer: ScorerName | None = None) -> VariantReport:
        """Each variant's dossier: the change read and scored, the score as ACMG computational evidence (PP3/BP4 at a
        calibrated strength, or none), the indexed papers naming it by kind of evidence and direction, other changes at
        its residue, and ClinVar and dbSNP frequencies when online. Evidence by kind, not a clinical classification."""
        return assistant.variants(gene, variants, scorer=scorer)

    @server.tool()
    @_user_errors
    def variant_literature(variant: Annotated[str, Field(min_length=1, max_length=VARIANT_CHARS, description="R175H, p.Arg175His, c.524G>A or rs1042522.")],
                           gene: Annotated[str | None, Field(max_length=GENE_CHARS, description="Gene symbol; not needed for an rsID.")] = None,
                           ) -> VariantLiterature:
        """The indexed papers naming a variant in any written form: how many, their years, and the top ones with the
        sentence that names it (a local LitVar)."""
        return assistant.variant_literature(gene, variant)

    @server.tool()
    @_user_errors
    def scan_protein(gene: Annotated[str, Field(min_length=1, max_length=GENE_CHARS)],
                     region: Annotated[str | None, Field(description="'START-END' in residues; default: whole protein.")] = None,
                     scorer: ScorerName | None = None) -> ScanSummary:
        """Score all 19 substitutions at every position of a region; the least and most tolerant positions."""
        return assistant.scan(gene, region, scorer).summary

    @server.tool()
    @_user_errors
    def annotate_sequence(sequence: Annotated[str, Field(min_length=1, max_length=200_000, description="DNA or protein, raw or FASTA.")],
                          table: Annotated[int | None, Field(ge=1, le=33, description="NCBI genetic code; default 11 for genes.")] = None,
                          ) -> list[Annotation]:
        """Genes predicted by Prodigal (six-frame ORFs under 1 kb), GC content and CpG islands, or protein properties."""
        return assistant.annotate(sequence=sequence, table=table)

    @server.tool()
    @_user_errors
    def ask(question: Annotated[str, Field(min_length=1, max_length=QUESTION_CHARS)],
            mode: Literal["auto", "pipeline", "extractive"] = "extractive") -> Answer:
        """A cited answer from the local index and tools. 'extractive' (default, seconds, no LLM) quotes the evidence;
        'pipeline' has the local LLM write it (a minute or more on a laptop)."""
        return assistant.ask(question, mode)

    return server
