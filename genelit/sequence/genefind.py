"""Gene prediction with Prodigal (through pyrodigal), and how the predictions compare with a GenBank annotation.

Prodigal learns a genome's own coding statistics, start codons and ribosome-binding motifs, so on a whole
genome (>= 100 kb) it trains on the input itself; a shorter sequence (a plasmid, a contig, a read) has too
little to learn from and is read with Prodigal's metagenomic models instead. It is a prokaryotic gene finder:
genes that are spliced cannot be predicted by it, and the comparison counts them apart rather than as misses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from genelit.errors import BadInputError
from genelit.types import Annotation, Orf, PredictedGene

SELF_TRAINED_MIN_BASES = 100_000
# Prodigal refuses to train on less: below this, --meta is the only way even when asked for single mode.
TRAINING_MIN_BASES = 20_000
PRODIGAL_TABLES = (1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26, 29, 30, 32, 33)


def predict_genes(dna: str, table: int, meta: bool | None = None) -> tuple[list[PredictedGene], str]:
    """Genes of one DNA sequence and how they were found. `meta` None: metagenomic below 100 kb, else self-trained."""
    import pyrodigal

    if table not in PRODIGAL_TABLES:
        raise BadInputError(f"Prodigal has no genetic code {table}", f"use one of {', '.join(map(str, PRODIGAL_TABLES))}, or --orfs")
    use_meta = len(dna) < SELF_TRAINED_MIN_BASES if meta is None else meta
    if not use_meta and len(dna) < TRAINING_MIN_BASES:
        raise BadInputError(f"{len(dna):,} bases are too few to train Prodigal on (it needs {TRAINING_MIN_BASES:,})",
                            "leave out --single, or use --meta")
    if use_meta:
        finder = pyrodigal.GeneFinder(meta=True)
        how = "Prodigal, metagenomic models (the sequence is too short to train on)"
    else:
        finder = pyrodigal.GeneFinder()
        finder.train(dna, translation_table=cast(Any, table))  # checked against PRODIGAL_TABLES above
        how = f"Prodigal, trained on this sequence (genetic code {table})"
    genes = [
        PredictedGene(start=g.begin, end=g.end, strand=g.strand, partial_begin=g.partial_begin, partial_end=g.partial_end,
                      start_codon=g.start_type, rbs_motif=g.rbs_motif, score=round(g.score, 2), genetic_code=g.translation_table,
                      protein=g.translate().rstrip("*"))
        for g in finder.find_genes(dna)
    ]
    return genes, how


def coding_density(genes: Iterable[PredictedGene], length: int) -> float:
    """Share of bases covered by at least one predicted gene."""
    covered = bytearray(length)
    for gene in genes:
        covered[gene.start - 1:gene.end] = b"\x01" * (gene.end - gene.start + 1)
    return round(sum(covered) / length, 4) if length else 0.0


@dataclass(frozen=True)
class _Call:
    """A prediction reduced to what the comparison needs, 1-based: the strand, the stop's outer base, the start's."""

    strand: int
    stop: int
    start: int


def _calls(genes: list[PredictedGene], orfs: list[Orf]) -> list[_Call]:
    if genes:
        return [_Call(g.strand, g.end if g.strand == 1 else g.start, g.start if g.strand == 1 else g.end) for g in genes]
    return [_Call(o.strand, o.end if o.strand == 1 else o.start + 1, o.start + 1 if o.strand == 1 else o.end) for o in orfs]


def compare_with_annotation(annotation: Annotation, features: list[object], genes: list[PredictedGene], orfs: list[Orf],
                            lineage: list[str], organelle: str | None) -> None:
    """Fill in how the predictions match the annotated CDS: same strand and stop is a match, same start too is exact."""
    counts: dict[str, int] = {}
    for feature in features:
        kind = getattr(feature, "type", "?")
        counts[kind] = counts.get(kind, 0) + 1
    annotation.features = counts
    cds = [f for f in features if getattr(f, "type", "") == "CDS"]
    whole = [f for f in cds if len(getattr(f.location, "parts", [f.location])) == 1]  # type: ignore[attr-defined]
    calls = _calls(genes, orfs)
    by_stop = {(c.strand, c.stop): c for c in calls}
    found = exact = 0
    annotated_stops = set()
    for feature in whole:
        location = feature.location  # type: ignore[attr-defined]
        strand = 1 if location.strand == 1 else -1
        stop, start = (int(location.end), int(location.start) + 1) if strand == 1 else (int(location.start) + 1, int(location.end))
        annotated_stops.add((strand, stop))
        call = by_stop.get((strand, stop))
        if call is not None:
            found += 1
            exact += call.start == start
    annotation.cds_annotated = len(whole)
    annotation.cds_spliced = len(cds) - len(whole)
    annotation.cds_found = found
    annotation.cds_exact_start = exact
    annotation.predicted = len(calls)
    annotation.predictions_matched = sum((c.strand, c.stop) in annotated_stops for c in calls)
    if annotation.cds_spliced:
        annotation.notes.append(f"spliced CDS: {annotation.cds_spliced} (a prokaryotic gene finder cannot predict these; "
                                "they are not counted as misses)")
    eukaryote = "Eukaryota" in lineage
    if organelle and eukaryote:
        annotation.notes.append(f"a {organelle} genome: its genes are prokaryote-like, which Prodigal models")
    elif eukaryote or (cds and annotation.cds_spliced * 2 > len(cds)):
        why = "the organism is a eukaryote" if eukaryote else "most annotated CDS are spliced"
        annotation.notes.append(f"{why}: gene prediction here is prokaryotic (Prodigal) and cannot predict spliced genes; for "
                                "eukaryotic genomic DNA use a eukaryotic gene finder (AUGUSTUS, BRAKER or Helixer)")
