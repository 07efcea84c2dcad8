"""Train genelit's `calibrated` scorer on the development ClinVar genes and write its model file.

    .venv/bin/python scripts/train_calibrated.py [--data ../shared/data/variants]

Only the development half of ClinVar 2019 (../shared/data) is used; the evaluation genes are
kept apart. Its scores are read as ACMG evidence by the thresholds `scripts/calibrate_strength.py` fits on the
gene-held-out (GroupKFold by gene) predictions of the same procedure, so no threshold is tuned on genes the model saw.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from genelit.eval.calibration import C, feature_matrix, fit, held_out_probabilities
from genelit.eval.metrics import per_group_auc, roc_auc
from genelit.eval.variants import read_labelled, read_proteins
from genelit.sequence.features import FEATURE_NAMES
from genelit.sequence.scorers.calibrated import MODEL_FILE

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "variants")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args()
    proteins = read_proteins(args.data / "clinvar2019_proteins_dev.fasta")
    rows, dropped = read_labelled(args.data / "clinvar2019_missense_dev.csv", proteins)
    x = feature_matrix(rows, proteins)
    y = np.array([r.pathogenic for r in rows])
    genes = np.array([r.gene for r in rows])
    held_out = held_out_probabilities(x, y, genes)
    per_gene, n_genes = per_group_auc(y, held_out, genes)
    pooled = roc_auc(y, held_out)
    scaler, model = fit(x, y)
    spec = {
        "features": FEATURE_NAMES,
        "mean": scaler.mean_.round(6).tolist(),
        "scale": scaler.scale_.round(6).tolist(),
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
        "method": "logistic regression over substitution, position and order/disorder features of the sequence alone",
        "training": {
            "variants": len(y), "pathogenic": int(y.sum()), "genes": len(set(genes)), "dropped": dropped,
            "cv": "GroupKFold(5) by gene", "auc_pooled": round(pooled, 4), "auc_per_gene_mean": round(per_gene, 4),
            "genes_in_per_gene_mean": n_genes, "C": C,
        },
    }
    args.out.write_text(json.dumps(spec, indent=1) + "\n")
    print(f"{len(y)} variants, {len(set(genes))} genes; gene-held-out AUC pooled {pooled:.3f}, "
          f"mean per gene {per_gene:.3f} over {n_genes} genes")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
