"""NCBI Gene's human table (Homo_sapiens.gene_info.gz), read offline (genelit/ncbi/gene_info.py downloads it).

HGNC, which ships with genelit, has approved symbols but, in the packaged table, no chromosomal locations and
fewer synonyms than NCBI Gene collects from the literature (IMD20 for FCGR3A, 15-LOX for ALOX15). Merging
NCBI's synonyms, cytogenetic bands, gene types and descriptions fills those gaps; HGNC's symbol stays the
one genelit answers with.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

from genelit.errors import BadInputError

FILE_NAME = "Homo_sapiens.gene_info.gz"
COLUMNS = ("GeneID", "Symbol", "Synonyms", "map_location", "type_of_gene", "description")


@dataclass(frozen=True)
class NcbiGene:
    entrez_id: str
    symbol: str
    synonyms: tuple[str, ...]
    location: str | None
    type_of_gene: str
    description: str


def _listed(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split("|") if part and part != "-")


def read_gene_info(path: Path, shown_as: str | None = None) -> dict[str, NcbiGene]:
    """The table by Entrez id; a file that is not NCBI's gene_info is a BadInputError naming what is missing, and
    naming the file as `shown_as` (the user's path or URL, where `path` is a staged copy of it)."""
    name = shown_as or str(path)
    genes: dict[str, NcbiGene] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            header = handle.readline().lstrip("#").rstrip("\n").split("\t")
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise BadInputError(f"{name} is not NCBI's gene_info table: no {', '.join(missing)} column",
                                    f"give {FILE_NAME} as NCBI publishes it")
            for row in csv.DictReader(handle, fieldnames=header, delimiter="\t", quoting=csv.QUOTE_NONE):
                location = row["map_location"]
                genes[row["GeneID"]] = NcbiGene(
                    entrez_id=row["GeneID"], symbol=row["Symbol"], synonyms=_listed(row["Synonyms"]),
                    location=None if location in ("", "-") else location, type_of_gene=row["type_of_gene"],
                    description="" if row["description"] == "-" else row["description"],
                )
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read {name} as gzipped gene_info: {exc}", f"give {FILE_NAME} as NCBI publishes it") from None
    if not genes:
        raise BadInputError(f"{name} has no genes in it", f"give {FILE_NAME} as NCBI publishes it")
    return genes
