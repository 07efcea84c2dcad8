"""Writing the user's files so that a failure never costs them what they had: every output is checked before the
work that fills it starts (a report can take minutes), then written to a hidden file beside its target and
renamed over it only once it is complete. A refused input, a full disk or Ctrl-C leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from genelit.errors import BadInputError

WRITE_HINT = "choose a folder you can write"


def check_output(path: Path) -> None:
    """Refuse, before any work, a path that cannot be written: a folder, a missing folder, a place this user may
    not write (probed by creating and removing a file there, which also catches /proc and read-only mounts)."""
    if path.is_dir():
        raise BadInputError(f"{path} is a folder", f"name a file in it, e.g. {path / 'out'}")
    folder = path.parent
    if not folder.is_dir():
        raise BadInputError(f"cannot write {path}: the folder {folder} does not exist", "create it first, or write elsewhere")
    if path.exists() and not os.access(path, os.W_OK):
        raise BadInputError(f"cannot write {path}: it is read-only", WRITE_HINT)
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.", suffix=".check"):
            pass
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror}", WRITE_HINT) from None


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; on success it is renamed over `path` (atomically, on one file
    system), on any failure it is removed and `path` keeps what it held."""
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror}", WRITE_HINT) from None
    os.close(handle)
    scratch = Path(name)
    # mkstemp makes the file private (0600); the result should keep the target's mode, or the usual 0644
    os.chmod(scratch, path.stat().st_mode & 0o7777 if path.is_file() else 0o644)
    try:
        yield scratch
        os.replace(scratch, path)
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror}", WRITE_HINT) from None
    finally:
        scratch.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """`text` into `path`, all or nothing."""
    with replacing(path) as scratch:
        scratch.write_text(text, encoding="utf-8")


IMAGE_SUFFIXES = (".png", ".svg", ".pdf")  # what matplotlib draws a variant scan's heatmap as


def check_image_path(png: Path) -> None:
    """Refuse, before a scan is computed, an image name it cannot be drawn as or a place it cannot be written."""
    if png.suffix.lower() not in IMAGE_SUFFIXES and not png.is_dir():
        raise BadInputError(f"cannot draw a heatmap as {png.name!r}", f"end the name in one of {', '.join(IMAGE_SUFFIXES)}")
    check_output(png)
