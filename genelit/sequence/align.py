"""Alignment: two sequences against each other (Biopython's PairwiseAligner), or DNA queries placed on a reference
genome (minimap2 through mappy).

Pairwise scoring follows EMBOSS needle and water: BLOSUM62 for proteins and EDNAFULL (NUC.4.4) for DNA, gap
opening -10 and extension -0.5. Dynamic programming takes time and memory in proportion to the product of the
lengths, so pairs past MAX_CELLS are sent to the reference mode, which is built for long sequences.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from genelit.errors import BadInputError
from genelit.sequence.io import SequenceRecord, iter_records
from genelit.types import PairwiseAlignment, ReadMapping

MAX_CELLS = 50_000_000
TEXT_COLUMNS = 3000
OPEN_GAP, EXTEND_GAP = -10.0, -0.5
MATRICES = {"protein": "BLOSUM62", "dna": "NUC.4.4", "rna": "NUC.4.4"}


def align_pair(a: SequenceRecord, b: SequenceRecord, mode: Literal["global", "local"] = "global") -> PairwiseAlignment:
    """The best alignment of `a` and `b`, with identity, similarity, gaps and coverage."""
    from Bio import Align
    from Bio.Align import substitution_matrices

    kinds = {"protein" if r.alphabet == "protein" else "dna" for r in (a, b)}
    if len(kinds) > 1:
        raise BadInputError(f"{a.id} is {a.alphabet} and {b.id} is {b.alphabet}", "align two proteins or two nucleotide sequences")
    cells = len(a.sequence) * len(b.sequence)
    if cells > MAX_CELLS:
        raise BadInputError(f"{len(a.sequence):,} x {len(b.sequence):,} residues is too large to align pairwise",
                            "map the shorter one onto the longer with --ref, which is built for long DNA")
    kind = kinds.pop()
    matrix = substitution_matrices.load(MATRICES[kind])
    aligner = Align.PairwiseAligner(mode=mode, substitution_matrix=matrix, open_gap_score=OPEN_GAP, extend_gap_score=EXTEND_GAP)
    first, second = a.sequence.replace("U", "T"), b.sequence.replace("U", "T")
    alignment = aligner.align(first, second)[0]
    counts = alignment.counts(matrix)
    columns = alignment.shape[1]
    coords = alignment.coordinates
    a_start, a_end, b_start, b_end = int(coords[0][0]), int(coords[0][-1]), int(coords[1][0]), int(coords[1][-1])
    internal = counts.internal_gaps
    text = format(alignment)
    if columns > TEXT_COLUMNS:
        text = format(alignment[:, :TEXT_COLUMNS]) + f"\n… {columns - TEXT_COLUMNS:,} more columns\n"
    return PairwiseAlignment(
        a_id=a.id, b_id=b.id, mode=mode, alphabet=a.alphabet, scoring=f"{MATRICES[kind]}, gap {OPEN_GAP:g}/{EXTEND_GAP:g}",
        score=float(alignment.score), columns=columns, identity=round(counts.identities / columns, 4),
        similarity=round(counts.positives / columns, 4), gaps=counts.open_internal_insertions + counts.open_internal_deletions,
        gap_columns=internal, a_coverage=round((a_end - a_start) / len(first), 4), b_coverage=round((b_end - b_start) / len(second), 4),
        a_range=(a_start + 1, a_end), b_range=(b_start + 1, b_end), text=text,
    )


# minimap2's presets that map DNA onto a reference; mappy quietly ignores a name it does not know, so check first.
PRESETS = ("sr", "map-ont", "map-pb", "map-hifi", "asm5", "asm10", "asm20", "splice")


def preset_for(length: int) -> str:
    """minimap2's preset: short reads under 1 kb, otherwise assembly-to-reference with up to ~5% divergence."""
    return "sr" if length < 1000 else "asm5"


def map_to_reference(queries: list[SequenceRecord], reference: Path, preset: str | None = None) -> Iterator[ReadMapping]:
    """Each query's hits on the reference, every record of it indexed once. A query that maps nowhere yields nothing."""
    import tempfile

    import mappy

    for query in queries:
        if query.alphabet == "protein":
            raise BadInputError(f"{query.id} is a protein", "map DNA onto a DNA reference; align proteins pairwise instead")
    if preset is not None and preset not in PRESETS:
        raise BadInputError(f"no minimap2 preset {preset!r}", f"use one of {', '.join(PRESETS)}")
    chosen = preset or preset_for(min(len(q.sequence) for q in queries))
    with tempfile.TemporaryDirectory(prefix="genelit-ref-") as scratch:
        fasta = Path(scratch) / "reference.fa"  # minimap2 reads FASTA; a GenBank reference is rewritten first
        with fasta.open("w") as handle:
            for record in iter_records(reference):
                if record.alphabet == "protein":
                    raise BadInputError(f"{reference} holds proteins", "give a DNA reference (FASTA or GenBank)")
                handle.write(f">{record.id}\n{record.sequence.replace('U', 'T')}\n")
        aligner = mappy.Aligner(str(fasta), preset=chosen)
        if not aligner:
            raise BadInputError(f"minimap2 could not index {reference}", "check that it is a DNA FASTA or GenBank file")
    for query in queries:
        for hit in aligner.map(query.sequence.replace("U", "T")):
            yield ReadMapping(query=query.id, query_length=len(query.sequence), target=hit.ctg, target_start=hit.r_st + 1,
                              target_end=hit.r_en, query_start=hit.q_st + 1, query_end=hit.q_en, strand=hit.strand,
                              mapq=hit.mapq, identity=round(hit.mlen / hit.blen, 4) if hit.blen else 0.0, cigar=hit.cigar_str)
