"""Train the yes/no/maybe verdict head on PubMedQA dev and BioASQ dev yes/no, and write genelit/agent/verdict.json.

Features come from the same code the answers use (EvidencePool, verdict.paper_features): each PubMedQA question
paired with its own abstract, each BioASQ yes/no question with its gold snippets as one passage. The per-class
bias is chosen on 5-fold cross-validated probabilities (folds stratified by source and label) to maximise accuracy
+ macro-F1, then the head is refit on all items. The printed cross-validated figures, per source, beside
always-yes and the majority class, are the honest estimate; scoring the dev sets afterwards is in-sample.

    python scripts/train_verdict.py ../shared/data/pubmedqa/pqal_dev_500.json --bioasq ../shared/data/bioasq/dev_nongenetics.json
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
from genelit.eval.bioasq import load_bioasq
from genelit.eval.retrieval import load_pubmedqa, qa_papers
from genelit.index.embeddings import Embedder
from genelit.settings import Settings
from genelit.types import Evidence, Paper

C = 0.1  # chosen among 0.03, 0.1, 1 by the same cross-validation


def _row(question: str, paper: Paper, embedder: Embedder, settings: Settings) -> np.ndarray:
    evidence = Evidence(id=paper.citation_id, paper=paper, text=paper.abstract, score=0.0)
    pool = EvidencePool(question, [evidence], Focus(), embedder.embed, settings.answer)
    return paper_features(question, pool.papers[evidence.id].candidates)


def features(pubmedqa: Path, bioasq: Path | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, source of each item)."""
    settings = Settings()
    embedder = Embedder(settings.embedding)
    rows, labels, sources = [], [], []
    data = load_pubmedqa(pubmedqa)
    for paper in qa_papers(data):
        rows.append(_row(data[paper.pmid]["QUESTION"], paper, embedder, settings))
        labels.append(str(data[paper.pmid]["final_decision"]).lower())
        sources.append("pubmedqa")
    for q in (load_bioasq(bioasq) if bioasq else []):
        if q["type"] != "yesno":
            continue
        snippets = [" ".join(str(s.get("text", "")).split()) for s in q["snippets"] if s.get("beginSection") != "title"]
        passage = " ".join(dict.fromkeys(t for t in snippets if t))
        if passage:
            rows.append(_row(q["body"], Paper(pmid=str(len(rows)), abstract=passage), embedder, settings))
            labels.append(str(q["exact_answer"]).lower())
            sources.append("bioasq")
    return np.array(rows), np.array(labels), np.array(sources)


def choose_bias(y: np.ndarray, probabilities: np.ndarray, classes: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Per-class additive log-probability bias (yes fixed at 0) maximising the mean, over sources, of accuracy's gain on
    that source's majority class, with macro-F1 to break ties: each source counts the same whatever its size, and a
    bias that buys one source's accuracy with the other's is not taken."""
    sources = list(dict.fromkeys(source))
    majority = {name: max(np.mean(y[source == name] == c) for c in classes) for name in sources}
    best, best_score = np.zeros(len(classes)), (-1.0, -1.0)
    for b_no in np.linspace(-1, 1, 21):
        for b_maybe in np.linspace(-1, 1.5, 26):
            bias = np.array([{"no": b_no, "maybe": b_maybe}.get(c, 0.0) for c in classes])
            predicted = classes[np.argmax(np.log(probabilities + 1e-9) + bias, axis=1)]
            gain = float(np.mean([accuracy_score(y[source == n], predicted[source == n]) - majority[n] for n in sources]))
            score = (round(gain, 6), float(f1_score(y, predicted, average="macro")))
            if score > best_score:
                best, best_score = bias, score
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="PubMedQA dev JSON")
    parser.add_argument("--bioasq", type=Path, help="BioASQ golden JSON whose yes/no questions join the training set")
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    args = parser.parse_args()
    x, y, source = features(args.data, args.bioasq)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    strata = np.char.add(np.char.add(source, ":"), y)
    cv_probabilities = cross_val_predict(model, x, y, cv=folds.split(x, strata), method="predict_proba")
    classes = np.array(sorted(set(y)))
    bias = choose_bias(y, cv_probabilities, classes, source)
    predicted = classes[np.argmax(np.log(cv_probabilities + 1e-9) + bias, axis=1)]
    acc, f1 = accuracy_score(y, predicted), f1_score(y, predicted, average="macro")
    cv: dict[str, dict[str, float]] = {}
    for name in dict.fromkeys(source):
        mine = source == name
        gold, guess = y[mine], predicted[mine]
        majority = max(np.mean(gold == c) for c in set(gold))
        cv[name] = {"n": int(mine.sum()), "accuracy": round(float(accuracy_score(gold, guess)), 4),
                    "macro_f1": round(float(f1_score(gold, guess, average="macro")), 4),
                    "always_yes": round(float(np.mean(gold == "yes")), 4), "majority": round(float(majority), 4)}
        print(f"{name}: {cv[name]['n']} items; 5-fold CV accuracy {cv[name]['accuracy']:.3f} macro-F1 {cv[name]['macro_f1']:.3f}; "
              f"always-yes {cv[name]['always_yes']:.3f}, majority class {cv[name]['majority']:.3f}")
        print(confusion_matrix(gold, guess, labels=list(OPTIONS)))
    print(f"all: accuracy {acc:.3f} macro-F1 {f1:.3f}; bias {dict(zip(classes, bias.round(2)))}")
    model.fit(x, y)
    scaler, head = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    trained_on = f"{args.data.name}: {int((source == 'pubmedqa').sum())} items"
    if args.bioasq:
        trained_on += f"; {args.bioasq.name}: {int((source == 'bioasq').sum())} yes/no items"
    args.out.write_text(json.dumps({
        "classes": list(head.classes_),
        "mean": scaler.mean_.round(6).tolist(),
        "scale": scaler.scale_.round(6).tolist(),
        "coef": head.coef_.round(6).tolist(),
        "intercept": head.intercept_.round(6).tolist(),
        "bias": [float(b) for b in bias.round(4)],
        "trained_on": trained_on,
        "cv": cv,
    }, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
