"""`python -m genelit.cli`: the same command as `genelit`."""

from genelit.cli import main

if __name__ == "__main__":  # parallel writers start by importing this module again, and must not run the command
    main()
