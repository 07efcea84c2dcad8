"""Text at genelit's edges: refuse what is not text, and never echo a huge value back whole."""

from __future__ import annotations

from genelit.errors import BadInputError

ECHO_CHARS = 200


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` as it may appear in a message: at most `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}… ({len(text) - limit + 40:,} more characters)"


def require_text(value: str, what: str) -> str:
    """`value` if it is valid Unicode. Bytes a terminal could not decode arrive as lone surrogates, which
    models and tokenizers cannot take, so they are refused with where they are."""
    for position, character in enumerate(value):
        if "\ud800" <= character <= "\udfff":
            raise BadInputError(f"the {what} has bytes that are not UTF-8 text (at character {position + 1})",
                                "check the terminal's encoding, or retype those characters")
    return value
