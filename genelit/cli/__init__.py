"""The `genelit` command: parse arguments, make one Assistant call, render the result. Nothing else lives here."""

from genelit.cli import answers, eval, index, models, ncbi, sequence, serve  # noqa: F401  (each module registers its commands)
from genelit.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
