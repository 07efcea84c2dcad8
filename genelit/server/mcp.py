"""genelit's tools for MCP clients (Claude Desktop, other agents), over stdio with the official SDK.

Each tool is one of genelit's capabilities (services/capabilities.py), with its parameters and contract, and returns
the typed object the Python API returns, so a client gets the same fields (PMIDs, scores, weights' hashes) that the
CLI prints. The SDK keeps stdout for the protocol and
sends stray writes to stderr; genelit's own progress and logs go to stderr as well.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from genelit import __version__
from genelit.api import Assistant
from genelit.errors import GenelitError
from genelit.services.capabilities import PaperCount, Query, Question, Year, contract
from genelit.types import Answer, LiteratureHit, ScanSummary

INSTRUCTIONS = (
    "genelit answers genetics questions from a local index of PubMed abstracts and local sequence models. Cite papers "
    "as PMID:n. A variant score is computational evidence at a calibrated strength, not a clinical classification."
)


SNIPPET_CHARS = 300  # about 60 words: enough to judge a hit, a fifth of an abstract's tokens
SHOWN: dict[str, tuple[Callable[[Any], Any], Any]] = {  # results that are not JSON as they come: what a client gets
    "scan_protein": (lambda scan: scan.summary, ScanSummary),
}


def _offer(server: MCPServer, method: Callable[..., Any], shown: Callable[[Any], Any] | None = None, returns: Any = None,
           note: str = "") -> None:
    """Offer one capability as a tool with its own name, parameters and contract; `shown` turns its result into what
    a client gets (declared as `returns`). genelit's own errors reach the client as a tool error with their message
    and hint; anything else is a bug, which the SDK logs whole."""

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = method(*args, **kwargs)
        except GenelitError as exc:
            raise ToolError(str(exc)) from None
        return shown(result) if shown is not None else result

    if returns is not None:
        call.__signature__ = inspect.signature(method).replace(return_annotation=returns)  # type: ignore[attr-defined]
    server.add_tool(call, name=method.__name__, description=f"{contract(method)} {note}".strip())


def build_server(assistant: Assistant) -> MCPServer:
    """An MCPServer whose tools are genelit's capabilities (services/capabilities.py), and `ask`."""
    server = MCPServer(name="genelit", version=__version__, instructions=INSTRUCTIONS)
    capabilities = assistant.capabilities

    def search_literature(query: Query, k: PaperCount = 5, year: Year = None,
                          full: Annotated[bool, Field(description="Carry each hit's whole abstract, not a snippet.")] = False,
                          ) -> list[LiteratureHit]:
        return [LiteratureHit.of(hit, SNIPPET_CHARS, full) for hit in capabilities.search_literature(query, k, year)]

    search_literature.__doc__ = capabilities.search_literature.__doc__
    _offer(server, search_literature, note="Each hit carries a snippet of its best passage (full=true: the abstract).")
    offered: list[Callable[..., Any]] = [capabilities.get_paper, capabilities.gene_info, capabilities.score_variant,
                                         capabilities.variant_literature, capabilities.variants_in, capabilities.scan_protein,
                                         capabilities.annotate_sequence, capabilities.align_sequences]
    if capabilities.online:  # NCBI's databases
        offered += [capabilities.clinvar, capabilities.snp, capabilities.blast]
    for method in offered:
        _offer(server, method, *SHOWN.get(method.__name__, ()))

    def ask(question: Question, mode: Literal["auto", "pipeline", "extractive"] = "extractive") -> Answer:
        """A cited answer from the local index and tools. 'extractive' (default, seconds, no LLM) quotes the evidence;
        'pipeline' has the local LLM write it (a minute or more on a laptop)."""
        return assistant.ask(question, mode)

    _offer(server, ask)
    return server
