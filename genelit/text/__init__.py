"""Text, the leaf every layer may read: user text checked at the edges (`require_text`), and the sentence splitter
(`text.sentences`). It imports nothing of genelit but errors."""

from __future__ import annotations

from genelit.errors import BadInputError


def require_text(value: str, what: str) -> str:
    """`value` if it is valid Unicode. Bytes a terminal could not decode arrive as lone surrogates, which
    models and tokenizers cannot take, so they are refused with their position."""
    for position, character in enumerate(value):
        if "\ud800" <= character <= "\udfff":
            raise BadInputError(f"the {what} has bytes that are not UTF-8 text (at character {position + 1})",
                                "check the terminal's encoding, or retype those characters")
    return value
