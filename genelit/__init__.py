"""genelit: a literature and knowledge assistant for genetics research."""

from importlib.metadata import version as _version

from genelit.api import Assistant
from genelit.errors import BadInputError, GenelitError, IndexConflictError, MissingResourceError, RemoteServiceError
from genelit.index.ingest import IngestReport
from genelit.index.literature import IndexStats
from genelit.settings import Settings
from genelit.types import Chunk, Evidence, Paper

__version__ = _version("genelit")

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
    "__version__",
]
