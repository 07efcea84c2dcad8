"""Does the support check tell a passage that carries a claim from one that only shares its words?

The labelled pairs come from a BioASQ golden file:
- positives: each sentence of a question's ideal answer against that question's own gold snippets;
- negatives: the same sentence against the snippets of the other question that shares the most of its content words
  (a gene, a drug, a disease), the hard case: same topic words, other findings.
Each pair is judged by `passage_fails`, the test every answer's sentences go through, at a range of cosine bars, so
the bar can be set where precision is high enough and recall is highest. Sentences of fewer than six words are
left out (they are answers like "Yes."), and so is a sentence whose question shares no content word with another.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from genelit.agent.entities import extract
from genelit.agent.mentions import Focus, focus_of
from genelit.agent.support import passage_fails
from genelit.eval.bioasq import load_bioasq
from genelit.sequence.genes import GeneTable
from genelit.text.sentences import split_text

BARS = tuple(round(0.3 + 0.05 * i, 2) for i in range(13))  # 0.30 .. 0.90
_CONTENT = re.compile(r"[A-Za-z][A-Za-z0-9-]{4,}")
_COMMON = {"which", "there", "their", "these", "those", "about", "after", "being", "between", "could", "during", "other",
           "patients", "protein", "proteins", "cells", "study", "studies", "shown", "known", "associated", "treatment",
           "disease", "diseases", "increased", "including", "several", "should", "where", "while", "within", "without",
           "human", "results", "effect", "effects", "function", "levels", "involved", "different", "important", "based"}


class BarScores(BaseModel):
    bar: float
    precision: float
    recall: float
    f1: float


class SupportEval(BaseModel):
    file: str
    questions: int
    positives: int
    negatives: int
    configured_bar: float
    at_configured: BarScores
    bars: list[BarScores] = Field(default_factory=list)
    best_bar: float | None = Field(None, description="The bar with the highest recall among those with precision >= 0.90.")


def _terms(text: str) -> set[str]:
    return {w.lower() for w in _CONTENT.findall(text) if w.lower() not in _COMMON}


def labelled_pairs(questions: list[dict]) -> list[tuple[str, list[str], bool, str]]:
    """(claim, passage sentences, supports?, the question's text) for every usable ideal-answer sentence."""
    snippets = [[" ".join(str(s.get("text", "")).split()) for s in q["snippets"] if str(s.get("text", "")).strip()] for q in questions]
    terms = [_terms(" ".join(texts)) for texts in snippets]
    rarity = Counter(t for ts in terms for t in ts)
    pairs = []
    for i, q in enumerate(questions):
        ideal = q.get("ideal_answer") or []
        first = ideal if isinstance(ideal, str) else (ideal[0] if ideal else "")
        for sentence in split_text(str(first)):
            if len(sentence.split()) < 6 or not snippets[i]:
                continue
            mine = _terms(sentence)
            shared = [(sum(1 / rarity[t] for t in mine & terms[j]), j) for j in range(len(questions)) if j != i and mine & terms[j]]
            if not shared:
                continue
            other = max(shared)[1]
            passage = [s for text in snippets[i] for s in split_text(text)]
            pairs.append((sentence, passage, True, q["body"]))
            pairs.append((sentence, [s for text in snippets[other] for s in split_text(text)], False, q["body"]))
    return pairs


def run_support_eval(path: Path, embed: Callable[[list[str]], np.ndarray], genes: GeneTable, configured_bar: float,
                     limit: int | None = None) -> SupportEval:
    questions = load_bioasq(path)[:limit] if limit else load_bioasq(path)
    pairs = labelled_pairs(questions)
    claims = embed([claim for claim, _, _, _ in pairs])
    unique = sorted({s for _, passage, _, _ in pairs for s in passage})
    vectors = dict(zip(unique, embed(unique))) if unique else {}
    judged: list[tuple[bool, float, str, str, str]] = []  # (label, similarity, claim, passage text, question)
    for (claim, passage, label, question), vector in zip(pairs, claims):
        similarity = max((float(vectors[s] @ vector) for s in passage), default=0.0)
        judged.append((label, similarity, claim, " ".join(passage), question))
    focus_cache: dict[str, Focus] = {}

    def scores(bar: float) -> BarScores:
        tp = fp = fn = 0
        for label, similarity, claim, text, question in judged:
            if question not in focus_cache:
                focus_cache[question] = focus_of(extract(question, genes), genes)
            ok = not passage_fails(claim, similarity, text, "passage", bar, focus_cache[question])
            tp += ok and label
            fp += ok and not label
            fn += (not ok) and label
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return BarScores(bar=bar, precision=round(precision, 4), recall=round(recall, 4), f1=round(f1, 4))

    table = [scores(bar) for bar in BARS]
    good = [row for row in table if row.precision >= 0.90]
    return SupportEval(file=path.name, questions=len(questions), positives=sum(p[2] for p in pairs),
                       negatives=sum(not p[2] for p in pairs), configured_bar=configured_bar,
                       at_configured=scores(configured_bar), bars=table,
                       best_bar=max(good, key=lambda r: (r.recall, r.precision)).bar if good else None)
