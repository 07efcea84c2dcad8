"""Variant-effect evaluation on labelled sets: gene,variant,label CSV plus a FASTA of the proteins.

The FASTA header names the gene as its second word (`>NP_000537.3 TP53 ...`), or as its only word. Rows whose
protein is missing or whose reference residue disagrees are counted and left out, never
silently scored against the wrong residue.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from genelit.errors import BadInputError
from genelit.eval.metrics import per_group_auc, roc_auc
from genelit.sequence.io import header_symbols
from genelit.sequence.scorers.base import Scorer
from genelit.sequence.strength import APPLIED
from genelit.sequence.variants import check_reference, parse_protein_variant
from genelit.types import Variant, VariantScore


@dataclass(frozen=True)
class LabelledVariant:
    gene: str
    variant: Variant
    pathogenic: bool


def read_proteins(path: Path) -> dict[str, str]:
    from Bio import SeqIO

    try:
        records = list(SeqIO.parse(str(path), "fasta"))
    except UnicodeDecodeError:
        raise BadInputError(f"cannot read proteins from {path}: not UTF-8 text", "give a FASTA file") from None
    except (OSError, ValueError) as exc:
        raise BadInputError(f"cannot read proteins from {path}: {exc}", "give a FASTA file") from None
    proteins = {}
    for record in records:
        symbols = header_symbols(record.description)
        if not symbols:
            raise BadInputError(f"{path}: a record has an empty header", "e.g. >NP_000537.3 TP53")
        proteins[symbols[0]] = str(record.seq).upper()
    if not proteins:
        raise BadInputError(f"{path}: no sequences", "give a FASTA file")
    return proteins


def read_labelled(csv_path: Path, proteins: dict[str, str]) -> tuple[list[LabelledVariant], dict[str, int]]:
    """Usable rows, and counts of the rows left out by reason."""
    try:
        with open(csv_path, newline="") as handle:
            return _labelled_rows(csv_path, csv.DictReader(handle), proteins)
    except OSError as exc:
        raise BadInputError(f"cannot read {csv_path}: {exc.strerror}", "check the path") from None
    except (UnicodeDecodeError, csv.Error):
        raise BadInputError(f"{csv_path}: not a CSV text file", "needs a UTF-8 CSV with columns gene,variant,label") from None


def _labelled_rows(csv_path: Path, reader: csv.DictReader, proteins: dict[str, str]) -> tuple[list[LabelledVariant], dict[str, int]]:
    missing = {"gene", "variant", "label"} - set(reader.fieldnames or [])
    if missing:
        raise BadInputError(f"{csv_path}: missing column(s) {', '.join(sorted(missing))}", "needs gene,variant,label")
    rows, dropped = [], {"no protein": 0, "unparsable": 0, "reference mismatch": 0, "not missense": 0, "bad label": 0}
    for raw in reader:
        row = {key: (raw.get(key) or "").strip() for key in ("gene", "variant", "label")}  # a short row has None cells
        label = row["label"].upper()
        if label not in ("P", "B"):
            dropped["bad label"] += 1
            continue
        sequence = proteins.get(row["gene"])
        if sequence is None:
            dropped["no protein"] += 1
            continue
        try:
            variant = parse_protein_variant(row["variant"])
        except BadInputError:
            dropped["unparsable"] += 1
            continue
        if variant.kind != "missense":
            dropped["not missense"] += 1
            continue
        try:
            check_reference(variant, sequence)
        except BadInputError:
            dropped["reference mismatch"] += 1
            continue
        rows.append(LabelledVariant(row["gene"], variant, label == "P"))
    return rows, {k: v for k, v in dropped.items() if v}


class StrengthRow(BaseModel):
    """One ACMG computational-evidence level on a labelled file: how many variants reach it, and the likelihood ratio
    it carries there, (pathogenic share in the bin) / (benign share in the bin)."""

    criterion: str = Field(description="PP3, BP4, or 'none' (no computational evidence).")
    strength: str = ""
    n: int
    pathogenic: int
    benign: int
    likelihood_ratio: float | None = Field(description="P(bin | pathogenic) / P(bin | benign); None when no benign variant "
                                                       "falls in the bin.")


class ScorerResult(BaseModel):
    auc_pooled: float
    auc_per_gene_mean: float
    genes: int = Field(description="Genes with at least 5 pathogenic and 5 benign variants, averaged over.")
    strengths: list[StrengthRow] = Field(default_factory=list, description="Per ACMG strength; empty for an uncalibrated scorer.")


class VariantEval(BaseModel):
    n: int
    dropped: dict[str, int] = Field(default_factory=dict)
    scorers: dict[str, ScorerResult]


def scored(scorer: Scorer, rows: list[LabelledVariant], proteins: dict[str, str]) -> list[VariantScore]:
    """Each row's score, in row order."""
    out: list[VariantScore | None] = [None] * len(rows)
    by_gene: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_gene.setdefault(row.gene, []).append(i)
    for gene, indices in by_gene.items():
        results = scorer.score(proteins[gene], [rows[i].variant for i in indices], gene)
        for i, result in zip(indices, results):
            if not isinstance(result, VariantScore):
                raise BadInputError(f"{gene} {rows[i].variant.text}: {result.error}", "check that row against the protein")
            out[i] = result
    return [r for r in out if r is not None]


def damage_scores(scorer: Scorer, rows: list[LabelledVariant], proteins: dict[str, str]) -> np.ndarray:
    """Scores oriented so that higher always means more damaging."""
    return np.array([scorer.damage(r.score) for r in scored(scorer, rows, proteins)])


def strength_rows(results: list[VariantScore], labels: np.ndarray) -> list[StrengthRow]:
    """Count and likelihood ratio per ACMG level reached, strongest PP3 first, 'none' in the middle."""
    order = [("PP3", s) for s in APPLIED] + [("none", "")] + [("BP4", s) for s in reversed(APPLIED)]
    keys = [(r.evidence.criterion or "none", r.evidence.strength or "") if r.evidence else ("none", "") for r in results]
    total_p, total_b = int(labels.sum()), int((~labels).sum())
    rows = []
    for criterion, strength in order:
        inside = np.array([k == (criterion, strength) for k in keys])
        p, b = int((inside & labels).sum()), int((inside & ~labels).sum())
        if p + b == 0 and criterion != "none":
            continue
        lr = round((p / total_p) / (b / total_b), 3) if b and total_p and total_b else None
        rows.append(StrengthRow(criterion=criterion, strength=strength, n=p + b, pathogenic=p, benign=b, likelihood_ratio=lr))
    return rows


def evaluate(rows: list[LabelledVariant], proteins: dict[str, str], scorers: list[Scorer], dropped: dict[str, int],
             save: Path | None = None) -> VariantEval:
    """AUCs and per-strength likelihood ratios of each scorer; `save` writes one CSV row per variant and scorer."""
    labels = np.array([r.pathogenic for r in rows])
    genes = np.array([r.gene for r in rows])
    results = {}
    lines = ["scorer,gene,variant,label,score,criterion,strength\n"]
    for scorer in scorers:
        found = scored(scorer, rows, proteins)
        scores = np.array([scorer.damage(r.score) for r in found])
        mean, count = per_group_auc(labels, scores, genes)
        calibrated = any(r.evidence is not None for r in found)
        results[scorer.name] = ScorerResult(auc_pooled=roc_auc(labels, scores), auc_per_gene_mean=mean, genes=count,
                                            strengths=strength_rows(found, labels) if calibrated else [])
        for row, result in zip(rows, found):
            e = result.evidence
            lines.append(f"{scorer.name},{row.gene},{row.variant.text},{'P' if row.pathogenic else 'B'},{result.score:g},"
                         f"{(e.criterion or 'none') if e else ''},{(e.strength or '') if e else ''}\n")
    if save is not None:
        from genelit.files import write_text

        write_text(save, "".join(lines))
    return VariantEval(n=len(rows), dropped=dropped, scorers=results)


def run_variant_eval(path: Path, proteins: Path, scorers: list[str], build: Callable[[str], Scorer],
                     save: Path | None = None) -> VariantEval:
    """Read a labelled CSV and its proteins, then score every usable row with each named scorer (`build` makes one)."""
    sequences = read_proteins(proteins)
    rows, dropped = read_labelled(path, sequences)
    if not rows:
        raise BadInputError(f"{path}: no usable rows", f"left out: {dropped}")
    return evaluate(rows, sequences, [build(name) for name in scorers], dropped, save)
