"""API keys kept for the user (`genelit keys set`), so they need not live in a shell profile or a command line.

The file is TOML shaped like the settings (`[llm] api_key = ...`), read as the lowest settings layer:
an environment variable, the config file or an option still wins. It is created readable by its owner
only (0600), and no command ever prints a key back.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from genelit.errors import BadInputError
from genelit.settings import keys_file

KEYS = {"llm": "the OpenAI-compatible endpoint's key (llm.api_key)", "ncbi": "NCBI E-utilities key (entrez.api_key)"}
SECTIONS = {"llm": "llm", "ncbi": "entrez"}


def _check_name(name: str) -> str:
    if name not in KEYS:
        raise BadInputError(f"no key named {name!r}", "known keys: " + ", ".join(f"{k} ({v})" for k, v in KEYS.items()))
    return SECTIONS[name]


def _read(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path} is not a keys file genelit can read ({exc})", "remove it and set the keys again") from None


def _write(path: Path, stored: dict[str, dict[str, str]]) -> None:
    """Written to a 0600 file beside the old one, then moved over it: the key is never world-readable, even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = "".join(f"[{section}]\napi_key = {json.dumps(values['api_key'])}\n"
                   for section, values in sorted(stored.items()) if values.get("api_key"))
    fresh = path.with_name(path.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)


def set_key(name: str, value: str) -> Path:
    """Keep `value` as key `name`; returns the file it went to."""
    section = _check_name(name)
    value = value.strip()
    if not value or any(ch.isspace() for ch in value):
        raise BadInputError(f"the {name} key is empty or holds spaces", "paste the key alone, on one line")
    path = keys_file()
    stored = _read(path)
    stored[section] = {"api_key": value}
    _write(path, stored)
    return path


def remove_key(name: str) -> bool:
    """Forget key `name`; False when none was kept."""
    section = _check_name(name)
    path = keys_file()
    stored = _read(path)
    if section not in stored:
        return False
    del stored[section]
    _write(path, stored)
    return True


def kept_keys() -> list[str]:
    """The names of the keys kept (never their values)."""
    stored = _read(keys_file())
    return [name for name, section in SECTIONS.items() if stored.get(section, {}).get("api_key")]
