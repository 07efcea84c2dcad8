"""`python -m genelit.cli`: the same command as `genelit`."""

from genelit.cli import main

main()
