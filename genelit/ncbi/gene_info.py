"""NCBI Gene's human table, fetched once (or copied from a file) and checked before it replaces the kept copy."""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from genelit.errors import BadInputError, RemoteServiceError
from genelit.sequence.ncbi_gene import FILE_NAME, read_gene_info

GENE_INFO_URL = "https://ftp.ncbi.nlm.nih.gov/gene/DATA/GENE_INFO/Mammalia/Homo_sapiens.gene_info.gz"
DOWNLOAD_TIMEOUT_S = 120


def update_gene_info(source: str | None, folder: Path) -> tuple[Path, int]:
    """Fetch (a URL, default NCBI's) or copy (a path) the table, check that it parses, and put it in `folder`.
    The old copy stays until the new one has been checked; returns the path and the number of genes."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".gene-info-") as scratch:
        staged = Path(scratch) / FILE_NAME
        where = source or GENE_INFO_URL
        if where.startswith(("http://", "https://")):
            try:
                with urllib.request.urlopen(where, timeout=DOWNLOAD_TIMEOUT_S) as response, staged.open("wb") as out:
                    shutil.copyfileobj(response, out)
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise RemoteServiceError(f"could not download {where}: {reason}",
                                         f"download {FILE_NAME} elsewhere and pass it with --from PATH") from None
        else:
            path = Path(where).expanduser()
            if not path.is_file():
                raise BadInputError(f"no file {where}", f"give the path of {FILE_NAME}, or a URL")
            shutil.copyfile(path, staged)
        count = len(read_gene_info(staged, shown_as=where))
        target = folder / FILE_NAME
        os.replace(staged, target)
    return target, count
