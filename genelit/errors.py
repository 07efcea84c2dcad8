"""The errors genelit raises on purpose: each carries a message a person can act on.

The CLI turns any `GenelitError` into one line on stderr and exit code 2; anything
else is a bug in genelit and is allowed to show its traceback.
"""

from __future__ import annotations

ECHO_CHARS = 200
MESSAGE_CHARS = 1000


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` as it may appear in a message: at most about `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[: max(20, limit - 40)]}… ({len(text) - max(20, limit - 40):,} more characters)"


class GenelitError(Exception):
    """Base class: `message` says what is wrong, `hint` says what to do about it.

    A message never runs to more than about a thousand characters, whatever value it quotes.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        message = clip(message, MESSAGE_CHARS)
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class BadInputError(GenelitError):
    """The user gave something genelit cannot use: a malformed query, filter, file or record."""


class MissingResourceError(GenelitError):
    """Something genelit needs is not there yet: an index, a model, a downloaded file."""


class IndexConflictError(GenelitError):
    """The index cannot be used as asked: another writer holds it, or it was built with another model."""


class RemoteServiceError(GenelitError):
    """An online service (NCBI, a Chroma server) kept failing after the allowed retries."""
