"""Reading a benchmark's JSON file, with the one set of messages every evaluation gives for a file it cannot use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from genelit.errors import BadInputError


def read_json(path: Path, expected: str) -> Any:
    """The parsed file; a missing, non-UTF-8 or malformed one is a BadInputError whose hint says what was `expected`."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text", f"expected {expected}") from None
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path} is not JSON: {exc.msg} at line {exc.lineno}", f"expected {expected}") from None
