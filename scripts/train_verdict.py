"""Train the yes/no/maybe verdict head on the PubMedQA dev set and write genelit/agent/verdict.json.

Features come from the same code the answers use (EvidencePool, verdict.paper_features), each
question paired with its own abstract. The per-class bias is chosen on 5-fold cross-validated
probabilities to maximise accuracy + macro-F1, then the head is refit on all items. The printed
cross-validated figures are the honest estimate; scoring the dev set afterwards is in-sample.

    python scripts/train_verdict.py ../shared/data/pubmedqa/pqal_dev_500.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from genelit.agent.evidence import EvidencePool
from genelit.agent.mentions import Focus
from genelit.agent.verdict import HEAD_PATH, OPTIONS, paper_features
from genelit.eval.retrieval import load_pubmedqa, qa_papers
from genelit.index.embeddings import Embedder
from genelit.settings import Settings
from genelit.types import Evidence

C = 0.1  # chosen among 0.03, 0.1, 1 by the same cross-validation


def features(path: Path) -> tuple[np.ndarray, np.ndarray]:
    data = load_pubmedqa(path)
    settings = Settings()
    embedder = Embedder(settings.embedding)
    rows, labels = [], []
    for paper in qa_papers(data):
        question = data[paper.pmid]["QUESTION"]
        evidence = Evidence(id=paper.citation_id, paper=paper, text=paper.abstract, score=0.0)
        pool = EvidencePool(question, [evidence], Focus(), embedder.embed, settings.answer)
        rows.append(paper_features(question, pool.papers[evidence.id].candidates))
        labels.append(str(data[paper.pmid]["final_decision"]).lower())
    return np.array(rows), np.array(labels)


def choose_bias(y: np.ndarray, probabilities: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Per-class additive log-probability bias (yes fixed at 0) maximising accuracy + macro-F1."""
    best = (np.zeros(len(classes)), -1.0, -1.0)
    for b_no in np.linspace(-1, 1, 21):
        for b_maybe in np.linspace(-1, 1.5, 26):
            bias = np.array([{"no": b_no, "maybe": b_maybe}.get(c, 0.0) for c in classes])
            predicted = classes[np.argmax(np.log(probabilities + 1e-9) + bias, axis=1)]
            acc, f1 = accuracy_score(y, predicted), f1_score(y, predicted, average="macro")
            if acc + f1 > best[1] + best[2]:
                best = (bias, acc, f1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    args = parser.parse_args()
    x, y = features(args.data)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv_probabilities = cross_val_predict(model, x, y, cv=folds, method="predict_proba")
    classes = np.array(sorted(set(y)))
    bias, acc, f1 = choose_bias(y, cv_probabilities, classes)
    predicted = classes[np.argmax(np.log(cv_probabilities + 1e-9) + bias, axis=1)]
    print(f"{len(y)} items; always-yes {np.mean(y == 'yes'):.3f}")
    print(f"5-fold CV, argmax:  accuracy {accuracy_score(y, classes[cv_probabilities.argmax(1)]):.3f}  "
          f"macro-F1 {f1_score(y, classes[cv_probabilities.argmax(1)], average='macro'):.3f}")
    print(f"5-fold CV, biased:  accuracy {acc:.3f}  macro-F1 {f1:.3f}  bias {dict(zip(classes, bias.round(2)))}")
    print("confusion (rows gold, columns predicted, order yes/no/maybe):")
    print(confusion_matrix(y, predicted, labels=list(OPTIONS)))
    model.fit(x, y)
    scaler, head = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    args.out.write_text(json.dumps({
        "classes": list(head.classes_),
        "mean": scaler.mean_.round(6).tolist(),
        "scale": scaler.scale_.round(6).tolist(),
        "coef": head.coef_.round(6).tolist(),
        "intercept": head.intercept_.round(6).tolist(),
        "bias": [float(b) for b in bias.round(4)],
        "trained_on": f"{args.data.name}: {len(y)} items",
        "cv": {"accuracy": round(acc, 4), "macro_f1": round(f1, 4), "always_yes": round(float(np.mean(y == "yes")), 4)},
    }, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
