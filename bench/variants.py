"""Variant-effect benchmark: ROC-AUC against ClinVar labels, Spearman against two assays, and speed.

- ClinVar 2019 missense (development genes): AUC pooled and mean per gene (genes with >= 5 of
  each class) for every scorer; the calibrated scorer gene-held-out (GroupKFold by gene, as
  scripts/train_calibrated.py does), so its figure is not in-sample. REVEL, CADD, SIFT and
  PolyPhen2 from the same file are printed as anchors (they use conservation; genelit does not).
- Spearman with the BLAT_ECOLX deep mutational scan (numbering starts at residue 24) and the
  TP53 DNA-binding-domain assay (higher score = more loss of function).
- Speed: variants/s per scorer, and a full saturation scan of a 300-aa protein with the default.

    python -m bench.variants
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from genelit.eval.calibration import feature_matrix, held_out_probabilities
from genelit.eval.metrics import per_group_auc, roc_auc, spearman
from genelit.eval.variants import damage_scores, read_labelled, read_proteins
from genelit.sequence.scan import scan
from genelit.sequence.scorers.registry import build_scorer
from genelit.sequence.variants import parse_protein_variant
from genelit.settings import SequenceSettings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "variants"
SCORERS = ["calibrated", "blosum62", "grantham"]


def clinvar_table() -> None:
    proteins = read_proteins(DATA / "clinvar2019_proteins_dev.fasta")
    rows, dropped = read_labelled(DATA / "clinvar2019_missense_dev.csv", proteins)
    y = np.array([r.pathogenic for r in rows])
    genes = np.array([r.gene for r in rows])
    columns: dict[str, np.ndarray] = {}
    columns["calibrated (gene-held-out)"] = held_out_probabilities(feature_matrix(rows, proteins), y, genes)
    settings = SequenceSettings()
    for name in SCORERS[1:]:
        columns[name] = damage_scores(build_scorer(name, settings), rows, proteins)
    anchors = {"REVEL": 1, "CADD_phred": 1, "SIFT": -1, "PolyPhen2": 1}
    raw = {(r["gene"], r["variant"]): r for r in csv.DictReader(open(DATA / "clinvar2019_missense_dev.csv"))}
    print(f"ClinVar 2019 missense, development genes: {len(y):,} variants ({int(y.sum()):,} P), {len(set(genes))} genes; left out {dropped or 'none'}")
    print(f"{'scorer':<30}{'AUC pooled':>11}{'AUC per gene':>14}{'genes':>7}")
    for name, scores in columns.items():
        mean, n = per_group_auc(y, scores, genes)
        print(f"{name:<30}{roc_auc(y, scores):>11.3f}{mean:>14.3f}{n:>7}")
    for name, sign in anchors.items():
        values = np.array([float(raw[(r.gene, r.variant.text)][name] or "nan") for r in rows])
        keep = ~np.isnan(values)
        mean, n = per_group_auc(y[keep], sign * values[keep], genes[keep])
        print(f"{name + ' (anchor, conservation)':<30}{roc_auc(y[keep], sign * values[keep]):>11.3f}{mean:>14.3f}{n:>7}")
    base = per_group_auc(y, columns["blosum62"], genes)[0]
    ours = per_group_auc(y, columns["calibrated (gene-held-out)"], genes)[0]
    print(f"calibrated vs BLOSUM62 baseline, mean per-gene AUC: {ours:.3f} vs {base:.3f} ({ours / base:.2f}x)")


def assay(name: str, sequence: str, rows: list[tuple[str, float]], offset: int) -> None:
    settings = SequenceSettings()
    variants, values = [], []
    for text, value in rows:
        v = parse_protein_variant(text)
        if v.kind != "missense":
            continue
        variants.append(v.model_copy(update={"position": v.position - offset}))
        values.append(value)
    line = []
    for scorer_name in SCORERS:
        scorer = build_scorer(scorer_name, settings)
        results = scorer.score(sequence, variants)
        pairs = [(scorer.damage(r.score), val) for r, val in zip(results, values) if hasattr(r, "score")]
        damage, measured = np.array(pairs).T
        line.append(f"{scorer_name} {spearman(damage, measured):+.3f} (n={len(pairs)})")
    print(f"{name}: " + "; ".join(line))


def assays() -> None:
    from Bio import SeqIO

    blat = str(next(SeqIO.parse(str(DATA / "BLAT_ECOLX_wt.fasta"), "fasta")).seq)
    rows = [(r["mutant"], -float(r["fitness_amp2500"])) for r in csv.DictReader(open(DATA / "blat_ecolx_dms_ampicillin2500.csv"))]
    print("Spearman of damage with measured loss of function (sign: higher = more damaging on both sides)")
    assay("BLAT_ECOLX DMS (ampicillin 2500, fitness negated)", blat, rows, offset=23)
    tp53 = read_proteins(DATA / "reference_proteins_8genes.fasta")["TP53"]
    rows = [(r["variant"], float(r["score"])) for r in csv.DictReader(open(DATA / "tp53_dbd_assay.csv"))]
    assay("TP53 DBD assay (Giacomelli 2018)", tp53, rows, offset=0)


def speed() -> None:
    settings = SequenceSettings()
    tp53 = read_proteins(DATA / "reference_proteins_8genes.fasta")["TP53"]
    for name in SCORERS:
        scorer = build_scorer(name, settings)
        started = time.perf_counter()
        _matrix, results = scan(tp53, scorer, (1, 300))
        seconds = time.perf_counter() - started
        print(f"{name:<12} full scan of TP53 1-300 ({len(results):,} variants): {seconds:.2f} s, {len(results) / seconds:,.0f} variants/s")
    print("target for the default scorer: <= 5 s for a 300-aa scan on 2 cores")


if __name__ == "__main__":
    clinvar_table()
    print()
    assays()
    print()
    speed()
