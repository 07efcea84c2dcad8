"""genelit: a literature and knowledge assistant for genetics research."""

from genelit.api import Assistant
from genelit.errors import BadInputError, GenelitError, IndexConflictError, MissingResourceError, RemoteServiceError
from genelit.index.ingest import IngestReport
from genelit.index.literature import IndexStats
from genelit.settings import Settings
from genelit.types import Chunk, Evidence, Paper

__all__ = [
    "Assistant",
    "BadInputError",
    "Chunk",
    "Evidence",
    "GenelitError",
    "IndexConflictError",
    "IndexStats",
    "IngestReport",
    "MissingResourceError",
    "Paper",
    "RemoteServiceError",
    "Settings",
]
