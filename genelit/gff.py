"""Predicted genes as GFF3 (the Sequence Ontology's format, v1.26) and their proteins as FASTA.

Coordinates are 1-based and inclusive, as GFF3 requires and as `PredictedGene` holds them. Identifiers and
attribute values are percent-encoded where GFF3 reserves a character, so any record id survives a round trip.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from genelit.types import Annotation

GFF3_HEADER = "##gff-version 3\n"
SOURCE = "genelit-prodigal"
# GFF3 column 1 may hold these unescaped; anything else is percent-encoded.
_SEQID_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:^*$@!+_?-|"


def _attribute(value: str) -> str:
    return quote(value, safe=" /:.()_-+*'!|^$@?")


def gff3_lines(annotation: Annotation) -> Iterator[str]:
    """The sequence-region pragma, then one CDS line per predicted gene (or listed ORF, under --orfs)."""
    seqid = quote(annotation.id, safe=_SEQID_SAFE)
    yield f"##sequence-region {seqid} 1 {annotation.length}\n"
    if annotation.genes:
        for n, gene in enumerate(annotation.genes, 1):
            attributes = {"ID": f"{annotation.id}_{n}", "partial": f"{int(gene.partial_begin)}{int(gene.partial_end)}",
                          "start_type": gene.start_codon, "rbs_motif": gene.rbs_motif or "None",
                          "transl_table": str(gene.genetic_code)}
            yield _line(seqid, gene.start, gene.end, f"{gene.score:.1f}", gene.strand, attributes)
    else:
        for n, orf in enumerate(annotation.orfs, 1):
            attributes = {"ID": f"{annotation.id}_orf{n}", "transl_table": str(annotation.genetic_code)}
            yield _line(seqid, orf.start + 1, orf.end, ".", orf.strand, attributes)


def _line(seqid: str, start: int, end: int, score: str, strand: int, attributes: dict[str, str]) -> str:
    column9 = ";".join(f"{key}={_attribute(value)}" for key, value in attributes.items())
    return "\t".join([seqid, SOURCE, "CDS", str(start), str(end), score, "+" if strand == 1 else "-", "0", column9]) + "\n"


def protein_fasta(annotation: Annotation) -> Iterator[str]:
    """Each predicted protein (or listed ORF's), named as in the GFF3, with its coordinates in the header."""
    if annotation.genes:
        items = [(f"{annotation.id}_{n}", g.start, g.end, g.strand, g.protein) for n, g in enumerate(annotation.genes, 1)]
    else:
        items = [(f"{annotation.id}_orf{n}", o.start + 1, o.end, o.strand, o.protein) for n, o in enumerate(annotation.orfs, 1)]
    for name, start, end, strand, protein in items:
        yield f">{name} {start}..{end} {'+' if strand == 1 else '-'}\n"
        yield "".join(protein[i:i + 60] + "\n" for i in range(0, len(protein), 60))
