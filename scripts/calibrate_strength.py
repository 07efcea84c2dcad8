"""Fit the ACMG PP3/BP4 strength thresholds of genelit's scorers (Pejaver et al. 2022) and write strength.json.

    .venv/bin/python scripts/calibrate_strength.py [--data ../shared/data/variants] [--bootstrap 10000]

The labelled set is the development half of ClinVar 2019 (`clinvar2019_missense_dev.csv`), which is drawn from the
calibration set of that paper. The `calibrated` scorer was trained on these very variants, so its thresholds are
fitted on its gene-held-out scores (GroupKFold by gene, the same folds its training reports): a threshold fitted
on in-sample scores would claim more than the scorer can deliver on a gene it never saw. BLOSUM62 and Grantham
have nothing trained, and are fitted on their plain scores.

The method is checked first on the REVEL column of the same file, against the thresholds the paper publishes for
REVEL (PP3 0.644 / 0.773 / 0.932, BP4 0.290 / 0.183 / 0.016 for supporting / moderate / strong); the differences
are printed and stored beside the thresholds.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

from genelit.eval.calibration import feature_matrix, held_out_probabilities
from genelit.eval.variants import damage_scores, read_labelled, read_proteins
from genelit.sequence.scorers.registry import build_scorer
from genelit.sequence.strength import LEVELS, PRIOR, STRENGTH_FILE, TAVTIGIAN_C, Fitted, fit, posterior_bar, to_json
from genelit.settings import SequenceSettings

ROOT = Path(__file__).resolve().parents[1]
REVEL_PUBLISHED = {"pp3": {"supporting": 0.644, "moderate": 0.773, "strong": 0.932},
                   "bp4": {"supporting": 0.290, "moderate": 0.183, "strong": 0.016}}
STEPS = {"calibrated": 0.001, "blosum62": 1.0, "grantham": 1.0, "revel": 0.001}


def _progress(name: str):  # noqa: ANN202 - a small printing callback
    def show(done: int, total: int) -> None:
        if done % max(total // 20, 1) == 0 or done == total:
            print(f"\r  {name}: bootstrap {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    return show


def _table(name: str, fitted: Fitted, sign: float = 1.0) -> None:
    def show(v: float) -> str:
        return "  -   " if np.isnan(v) else f"{sign * v:7.3f}"

    print(f"{name}: threshold (bootstrap one-sided 95% bound; point estimate in brackets)")
    for level in LEVELS:
        print(f"  {level:<12} PP3 >= {show(fitted.pp3[level])} ({show(fitted.point_pp3[level]).strip()})   "
              f"BP4 <= {show(fitted.bp4[level])} ({show(fitted.point_bp4[level]).strip()})")


def revel_check(csv_path: Path, bootstrap: int) -> dict[str, object]:
    """REVEL's thresholds fitted here beside the published ones."""
    scores, labels = [], []
    with open(csv_path, newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                scores.append(float(row["REVEL"]))
            except ValueError:
                continue
            labels.append(row["label"].strip().upper() == "P")
    y = np.array(labels)
    fitted = fit(np.array(scores), y, STEPS["revel"], bootstrap, on_progress=_progress("REVEL"))
    _table(f"REVEL on {csv_path.name} ({len(y)} variants, {int(y.sum())} pathogenic)", fitted)
    rows: dict[str, dict[str, dict[str, float | None]]] = {}
    for side, mine in (("pp3", fitted.pp3), ("bp4", fitted.bp4)):
        for level, published in REVEL_PUBLISHED[side].items():
            here = None if np.isnan(mine[level]) else round(mine[level], 3)  # type: ignore[index]
            rows.setdefault(side, {})[level] = {"published": published, "here": here,
                                                "difference": None if here is None else round(here - published, 3)}
            print(f"  REVEL {side.upper()} {level:<11} published {published:.3f}  here {'-' if here is None else f'{here:.3f}'}"
                  f"  difference {'-' if here is None else f'{here - published:+.3f}'}")
    return {"n": len(y), "pathogenic": int(y.sum()), "thresholds": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "variants")
    parser.add_argument("--bootstrap", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=STRENGTH_FILE)
    args = parser.parse_args()
    csv_path = args.data / "clinvar2019_missense_dev.csv"
    print(f"posterior bars (prior {PRIOR:.4f}, c {TAVTIGIAN_C:g}):")
    for level in LEVELS:
        print(f"  {level:<12} PP3 P(pathogenic) >= {posterior_bar(level, 'pathogenic'):.4f}   "
              f"BP4 P(benign) >= {posterior_bar(level, 'benign'):.4f}")
    check = revel_check(csv_path, args.bootstrap)
    proteins = read_proteins(args.data / "clinvar2019_proteins_dev.fasta")
    rows, dropped = read_labelled(csv_path, proteins)
    y = np.array([r.pathogenic for r in rows])
    genes = np.array([r.gene for r in rows])
    out: dict[str, object] = {"prior": PRIOR, "c": TAVTIGIAN_C, "method": "Pejaver et al. 2022 local posterior, "
                              "10,000 bootstrap resamples, one-sided 95% bound; windows of >= 100 labelled variants",
                              "revel_check": check, "scorers": {}}
    for name in ("calibrated", "blosum62", "grantham"):
        scorer = build_scorer(name, SequenceSettings())
        if name == "calibrated":
            damage = held_out_probabilities(feature_matrix(rows, proteins), y, genes)
            source = (f"gene-held-out scores on ClinVar 2019 development genes (n={len(y)}, {int(y.sum())} pathogenic), "
                      "Pejaver et al. 2022 method")
        else:
            damage = damage_scores(scorer, rows, proteins)
            source = f"ClinVar 2019 development genes (n={len(y)}, {int(y.sum())} pathogenic), Pejaver et al. 2022 method"
        fitted = fit(damage, y, STEPS[name], args.bootstrap, on_progress=_progress(name))
        sign = 1.0 if scorer.damaging_if == "above" else -1.0
        _table(f"{name} ({len(y)} variants; left out: {dropped or 'none'})", fitted, sign)
        out["scorers"][name] = to_json(name, scorer.damaging_if, fitted, source, {"n": len(y)})  # type: ignore[index]
    args.out.write_text(json.dumps(out, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
