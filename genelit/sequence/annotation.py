"""Sequence annotation without a model: ORFs, GC content, CpG islands, protein properties.

ORFs are found in all six frames with the start and stop codons of the chosen NCBI
genetic code (Bio.Data.CodonTable), taking the first start after the previous stop, so each
stop yields its longest ORF. CpG islands follow Gardiner-Garden & Frommer (J Mol Biol 1987):
windows of 200 bp with GC >= 50% and observed/expected CpG >= 0.6, merged where they overlap.
"""

from __future__ import annotations

from genelit.errors import BadInputError
from genelit.sequence.io import SequenceRecord
from genelit.types import Annotation, CpgIsland, Orf, ProteinProperties

CPG_WINDOW = 200
CPG_MIN_GC = 0.5
CPG_MIN_OBS_EXP = 0.6


def _codon_sets(table: int) -> tuple[set[str], set[str]]:
    from Bio.Data import CodonTable

    try:
        code = CodonTable.unambiguous_dna_by_id[table]
    except KeyError:
        raise BadInputError(f"no NCBI genetic code {table}", "use 1 (standard), 11 (bacterial), 2 (vertebrate mitochondrial)…") from None
    return set(code.start_codons), set(code.stop_codons)


def find_orfs(dna: str, table: int = 1, min_aa: int = 100) -> list[Orf]:
    """ORFs of at least `min_aa` residues in six frames, longest first."""
    from Bio.Seq import Seq, reverse_complement

    starts, stops = _codon_sets(table)
    length = len(dna)
    orfs: list[Orf] = []
    for strand, seq in ((1, dna), (-1, reverse_complement(dna))):
        for frame in range(3):
            open_at: int | None = None
            for i in range(frame, length - 2, 3):
                codon = seq[i : i + 3]
                if open_at is None and codon in starts:
                    open_at = i
                elif open_at is not None and codon in stops:
                    aa = (i - open_at) // 3
                    if aa >= min_aa:
                        start, end = (open_at, i + 3) if strand == 1 else (length - i - 3, length - open_at)
                        protein = str(Seq(seq[open_at:i]).translate(table=table, cds=False))
                        if protein:
                            protein = "M" + protein[1:]  # an alternative start codon still encodes Met
                        orfs.append(Orf(strand=strand, frame=frame, start=start, end=end, length_aa=aa, protein=protein))
                    open_at = None
    return sorted(orfs, key=lambda o: (-o.length_aa, o.start))


def gc_fraction(dna: str) -> float:
    """G+C over the bases whose class is known: Biopython's rule, so S counts as G/C, W as A/T, and N is left out."""
    from Bio.SeqUtils import gc_fraction as biopython_gc

    return float(biopython_gc(dna, ambiguous="remove"))


def gc_windows(dna: str, window: int = 100, step: int | None = None) -> list[tuple[int, float]]:
    step = step or window
    return [(i, round(gc_fraction(dna[i : i + window]), 4)) for i in range(0, max(1, len(dna) - window + 1), step)]


def cpg_islands(dna: str) -> list[CpgIsland]:
    """Merged 200-bp windows that meet the Gardiner-Garden & Frommer criteria."""
    spans: list[list[int]] = []
    for i in range(0, len(dna) - CPG_WINDOW + 1):
        window = dna[i : i + CPG_WINDOW]
        c, g = window.count("C"), window.count("G")
        if (c + g) / CPG_WINDOW < CPG_MIN_GC or not c or not g:
            continue
        if window.count("CG") * CPG_WINDOW / (c * g) < CPG_MIN_OBS_EXP:
            continue
        if spans and i <= spans[-1][1]:
            spans[-1][1] = i + CPG_WINDOW
        else:
            spans.append([i, i + CPG_WINDOW])
    islands = []
    for start, end in spans:
        segment = dna[start:end]
        c, g = segment.count("C"), segment.count("G")
        islands.append(CpgIsland(start=start, end=end, gc=round((c + g) / len(segment), 4),
                                 obs_exp=round(segment.count("CG") * len(segment) / (c * g), 3)))
    return islands


def protein_properties(protein: str) -> ProteinProperties:
    from Bio.SeqUtils.ProtParam import ProteinAnalysis

    standard = "".join(c for c in protein if c in "ACDEFGHIKLMNPQRSTVWY")
    if not standard:
        raise BadInputError("the protein has no standard residues", "give a protein sequence")
    analysis = ProteinAnalysis(standard)
    return ProteinProperties(
        length=len(standard),
        molecular_weight=round(analysis.molecular_weight(), 2),
        isoelectric_point=round(analysis.isoelectric_point(), 3),
        instability_index=round(analysis.instability_index(), 2),
        ignored=len(protein) - len(standard),
    )


def annotate(record: SequenceRecord, table: int = 1, min_orf_aa: int = 100, max_orfs: int = 50) -> Annotation:
    """Annotate one sequence; nucleotide and protein records get what applies to them."""
    if record.alphabet == "protein":
        return Annotation(id=record.id, alphabet="protein", length=len(record.sequence), protein=protein_properties(record.sequence))
    dna = record.sequence.replace("U", "T")
    orfs = find_orfs(dna, table, min_orf_aa)
    annotation = Annotation(
        id=record.id,
        alphabet=record.alphabet,
        length=len(dna),
        genetic_code=table,
        min_orf_aa=min_orf_aa,
        gc=round(gc_fraction(dna), 4),
        gc_windows=gc_windows(dna),
        cpg_islands=cpg_islands(dna),
        orfs=orfs[:max_orfs],
        longest_orf=orfs[0] if orfs else None,
        protein=protein_properties(orfs[0].protein) if orfs else None,
    )
    if record.features:
        _compare_with_features(annotation, record.features, orfs)
    return annotation


def _compare_with_features(annotation: Annotation, features: list[object], orfs: list[Orf]) -> None:
    counts: dict[str, int] = {}
    for feature in features:
        kind = getattr(feature, "type", "?")
        counts[kind] = counts.get(kind, 0) + 1
    annotation.features = counts
    predicted_stops = {(o.strand, o.end if o.strand == 1 else o.start) for o in orfs}
    cds = [f for f in features if getattr(f, "type", "") == "CDS"]
    found = 0
    for feature in cds:
        location = feature.location  # type: ignore[attr-defined]
        stop = int(location.end) if location.strand == 1 else int(location.start)
        if (location.strand, stop) in predicted_stops:
            found += 1
    annotation.cds_annotated = len(cds)
    annotation.cds_found = found
