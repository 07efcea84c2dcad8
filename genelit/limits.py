"""The caps on numbers and sizes a user can send, in one place, and the one way to read a number from user text.

Python refuses to turn more than 4,300 digits into an int (a guard against quadratic conversion), and far fewer
digits already name a position no sequence has. So a number is measured as text before it is converted: a
position of a thousand digits is a clear 'too large', never a ValueError deep inside a parser.
"""

from __future__ import annotations

from genelit.errors import BadInputError, clip

# The longest human chromosome is about 2.5e8 bases; nothing genelit reads is longer than a billion residues.
MAX_POSITION = 1_000_000_000
MAX_YEAR = 9999
SEARCH_K = 200  # papers one search may return, on every face and in the Python API
MODEL_SEARCH_K = 20  # papers one search may return to a language model: twenty quoted abstracts fill a 4k-token context
VARIANTS_PER_CALL = 50
VARIANT_CHARS = 100
QUESTION_CHARS = 2000
QUERY_CHARS = 1000
GENE_CHARS = 50
TOPIC_CHARS = 500
VARIANTS_IN_K = 500


def bounded_int(digits: str, what: str, maximum: int, minimum: int = 0) -> int:
    """`digits` (an optional sign, then digits) as an int within [minimum, maximum], else a BadInputError naming
    `what`. Its length is checked first, so no text is long enough to reach Python's conversion limit."""
    body = digits.strip().lstrip("+-")
    if not body.isdigit():
        raise BadInputError(f"{what} {clip(digits, 40)!r} is not a whole number", "write digits only")
    if len(body.lstrip("0")) > len(str(maximum)):
        raise BadInputError(f"{what} {clip(digits, 40)!r} is too large (at most {maximum:,})", "check the number")
    value = -int(body) if digits.strip().startswith("-") else int(body)
    if not minimum <= value <= maximum:
        raise BadInputError(f"{what} {value:,} is outside {minimum:,}-{maximum:,}", "check the number")
    return value


def small_int(digits: str) -> int | None:
    """`digits` as an int when it is short enough to be a real position, else None: for text the user did not type
    as a number (an abstract, a question), where an absurd run of digits is simply not a variant."""
    body = digits.strip().lstrip("+-")
    if not body.isdigit() or len(body.lstrip("0")) > len(str(MAX_POSITION)):
        return None
    return -int(body) if digits.strip().startswith("-") else int(body)
