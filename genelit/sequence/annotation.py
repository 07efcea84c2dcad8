"""Sequence annotation: genes (Prodigal, in genefind.py), ORFs, GC content, CpG islands, protein properties.

ORFs are found in all six frames with the start and stop codons of the chosen NCBI
genetic code (Bio.Data.CodonTable), taking the first start after the previous stop, so each
stop yields its longest ORF. CpG islands follow Gardiner-Garden & Frommer (J Mol Biol 1987):
windows of 200 bp with GC >= 50% and observed/expected CpG >= 0.6, merged where they overlap.
"""

from __future__ import annotations

from genelit.errors import BadInputError
from genelit.sequence.genefind import coding_density, compare_with_annotation, predict_genes
from genelit.sequence.io import SequenceRecord
from genelit.types import Annotation, CpgIsland, GeneMethod, Orf, PredictedGene, ProteinProperties

CPG_WINDOW = 200
CPG_MIN_GC = 0.5
CPG_MIN_OBS_EXP = 0.6
# Below this, a gene model has too little sequence to go on, and the six-frame ORF scan is shown instead.
MIN_PREDICT_BASES = 1_000


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


def profile_window(length: int, most: int = 1000) -> int:
    """The GC-profile window: 100 bases, widened in steps of 100 so a genome gets at most about `most` windows."""
    return max(100, -(-length // (most * 100)) * 100)


def cpg_islands(dna: str) -> list[CpgIsland]:
    """Merged 200-bp windows that meet the Gardiner-Garden & Frommer criteria (counted with running sums, so a
    genome takes a fraction of a second, not a pass of Python per base)."""
    import numpy as np

    if len(dna) < CPG_WINDOW:
        return []
    codes = np.frombuffer(dna.encode("ascii"), dtype=np.uint8)
    is_c, is_g = codes == ord("C"), codes == ord("G")
    is_cg = np.zeros(len(codes), dtype=bool)
    is_cg[:-1] = is_c[:-1] & is_g[1:]

    def window_sums(flags: np.ndarray, span: int) -> np.ndarray:
        running = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        return running[span:] - running[:-span]

    c, g = window_sums(is_c, CPG_WINDOW), window_sums(is_g, CPG_WINDOW)
    cg = window_sums(is_cg[:-1], CPG_WINDOW - 1)  # a CpG counts when both of its bases lie in the window
    with np.errstate(divide="ignore", invalid="ignore"):
        passing = ((c + g) / CPG_WINDOW >= CPG_MIN_GC) & (c > 0) & (g > 0) & (cg * CPG_WINDOW / (c * g) >= CPG_MIN_OBS_EXP)
    spans: list[list[int]] = []
    for i in np.flatnonzero(passing).tolist():
        if spans and i <= spans[-1][1]:
            spans[-1][1] = i + CPG_WINDOW
        else:
            spans.append([i, i + CPG_WINDOW])
    islands = []
    for start, end in spans:
        segment = dna[start:end]
        sc, sg = segment.count("C"), segment.count("G")
        islands.append(CpgIsland(start=start, end=end, gc=round((sc + sg) / len(segment), 4),
                                 obs_exp=round(segment.count("CG") * len(segment) / (sc * sg), 3)))
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


def annotate(record: SequenceRecord, table: int | None = None, min_orf_aa: int = 100, max_orfs: int = 50,
             method: GeneMethod = "auto") -> Annotation:
    """Annotate one sequence; nucleotide and protein records get what applies to them.

    DNA gets genes from Prodigal (`method` auto: self-trained from 100 kb, metagenomic below, and the six-frame ORF
    scan under MIN_PREDICT_BASES, where a gene model has nothing to go on), or the ORF scan alone (`orfs`).
    The genetic code is `table`, else the one the GenBank record states, else 11 for genes and 1 for ORFs.
    """
    if record.alphabet == "protein":
        return Annotation(id=record.id, alphabet="protein", length=len(record.sequence), protein=protein_properties(record.sequence))
    dna = record.sequence.replace("U", "T")
    scan_orfs = method == "orfs" or (method == "auto" and len(dna) < MIN_PREDICT_BASES)
    code = table or record.genetic_code or (1 if scan_orfs else 11)
    genes: list[PredictedGene] = []
    orfs: list[Orf] = []
    notes: list[str] = []
    if scan_orfs:
        orfs = find_orfs(dna, code, min_orf_aa)
        predictor = "six-frame ORF scan"
        if method == "auto":
            notes.append(f"{len(dna):,} bases: too short for gene prediction, so six-frame ORFs are shown")
    else:
        genes, predictor = predict_genes(dna, code, None if method == "auto" else method == "meta")
    longest = max(genes, key=lambda g: g.length_aa, default=None)
    window = profile_window(len(dna))
    annotation = Annotation(
        id=record.id,
        alphabet=record.alphabet,
        length=len(dna),
        genetic_code=code,
        min_orf_aa=min_orf_aa if scan_orfs else None,
        gc=round(gc_fraction(dna), 4),
        gc_windows=gc_windows(dna, window),
        cpg_islands=cpg_islands(dna),
        predictor=predictor,
        genes=genes,
        coding_density=coding_density(genes, len(dna)) if genes else None,
        predicted=len(genes) if not scan_orfs else len(orfs),
        orfs=orfs[:max_orfs],
        longest_orf=orfs[0] if orfs else None,
        protein=protein_properties(orfs[0].protein) if orfs else protein_properties(longest.protein) if longest else None,
        notes=notes,
    )
    if record.features:
        compare_with_annotation(annotation, record.features, genes, orfs, record.lineage, record.organelle)
    return annotation
