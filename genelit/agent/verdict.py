"""Yes / No / Unclear for yes/no questions, decided from the evidence by a small learned head.

Each relevant paper gets a stance: a multinomial logistic regression over 50 features of the
question and the paper's sentences (negation, positive-result, hedging and contrast cues and
p-value counts, in the findings sentences, the late sentences and the two sentences closest
to the question; question cues; similarity statistics). The papers' probabilities are averaged,
weighted towards the papers closest to the question, and the largest after a per-class bias
is the verdict. The head is trained by `scripts/train_verdict.py` on the PubMedQA dev set and the
BioASQ dev yes/no questions, with the bias chosen by 5-fold cross-validation so that each source
gains on its majority class (CV accuracy 0.608 vs 0.552 on PubMedQA, 0.744 vs 0.637 on BioASQ),
and shipped as `verdict.json`.

Rejected, as measured by that script's cross-validation: the question's embedding as features
(it lowered accuracy by about 10 points: it learns topics, not answers), balanced class weights
(macro-F1 up, accuracy down 11 points), and the local LLM's yes/no/maybe probabilities (an
earlier measurement found them no better than always-yes on these questions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from genelit.agent.evidence import Candidate, EvidencePool
from genelit.text.sentences import finding_score
from genelit.types import Verdict, VerdictLabel

OPTIONS: tuple[VerdictLabel, ...] = ("yes", "no", "maybe")
HEAD_PATH = Path(__file__).with_name("verdict.json")

_WH = re.compile(r"^\W*(what|which|who|whom|whose|when|where|why|how|list|name|describe|explain)\b", re.I)
_CLAUSE = re.compile(r":|--|\.\s|;")
_NEG = re.compile(r"\b(no|not|neither|nor|without|failed to|did not|does not|do not|was not|were not|is not|are not|cannot|"
                  r"unchanged|no significant|not significant\w*|non-?significant|similar|comparable|no difference|"
                  r"no association|not associated|no effect|independent of|unrelated|lack of|absence of)\b", re.I)
_POS = re.compile(r"\b(significant\w*|associated with|increas\w*|improv\w*|higher|greater|superior|effective|predict\w*|"
                  r"correlat\w*|reduc\w*|decreas\w*|lower|better|benefit\w*)\b", re.I)
_HEDGE = re.compile(r"\b(may|might|could|possibly|unclear|inconclusive|uncertain|trend\w*|tended|marginal\w*|borderline|"
                    r"limited|further stud\w*|suggest\w*|appear\w*|warrant\w*|modest|weak\w*|partial\w*)\b", re.I)
_CONTRAST = re.compile(r"\b(however|although|but|whereas|despite|nevertheless|only)\b", re.I)
_P_SIGNIFICANT = re.compile(r"\b[pP]\s*(<|≤|=)\s*0?\.0[0-4]\d*|\b[pP]\s*<\s*0?\.05\b|\b[pP]\s*<\s*0?\.001")
_P_NOT = re.compile(r"\b[pP]\s*(>|≥)\s*0?\.\d+|\b[pP]\s*=\s*0?\.(0[5-9]|[1-9])\d*|\bNS\b|\bn\.s\.")
_NO_DIFFERENCE = re.compile(r"no (statistically )?significant|not (statistically )?significant|"
                            r"did not (differ|change|improve|reduce|increase)|no difference", re.I)
_Q_NEG = re.compile(r"\b(not|no|without|never)\b", re.I)
_Q_CUE = re.compile(r"\b(really|necessary|still|always|only|worth\w*|justified|reliable|safe|better|superior|accurate|"
                    r"routine\w*|need\w*|mandatory|useful|sufficient)\b", re.I)


# Beyond the opening word: a wh-word inside ("Hampton's hump is characteristic to which disease?"), a request ("Can you
# summarize ...?"), a choice between named options ("Is fingolimod a drug or a pro-drug?"). "..., yes or no?" always is.
_WH_INSIDE = re.compile(r"\b(?:which|what(?!\s+to\b)|where|how many|how much)\b", re.I)
_REQUEST = re.compile(r"^\s*(?:(?:can|could|would)\s+you\s+(?:please\s+)?(?:summari[sz]e|list|describe|explain|name|tell|give|"
                      r"provide|outline)|please)\b", re.I)
_CHOICE = re.compile(r"\bor\s+(?:an?\s+|the\s+)?[\w-]+\s*\?\s*$", re.I)
_AND_WH = re.compile(r",?\s+and\s+(?=(?:what|which|how|why|where)\b)", re.I)
_YES_OR_NO = re.compile(r"\byes\s*(?:/|or)\s*no\b", re.I)
_AUXILIARY = re.compile(r"^\s*(?:is|are|was|were|do|does|did|can|could|should|has|have|had|will|would|may|might|must)\b", re.I)


def is_yes_no(question: str) -> bool:
    """A question that asks for yes or no, recognised by its form.

    It ends with '?' (or opens with an auxiliary verb: 'Is X effective for Y.'), and no clause opens with a
    wh-word, none asks one inside, it is no request and no choice between options: 'Is BRCA1 p.Cys61Gly
    damaging?', 'Therapeutic anticoagulation in trauma: is it safe?' and 'Aripiprazole: a new risk factor for
    gambling?' are; 'Which BRCA1 variants disrupt the RING domain?' and 'Belzutifan has shown effectiveness for
    which diseases?' are not. On the 1,991 BioASQ dev questions this takes 532 of the 535 yes/no ones and 11 of the
    1,456 others (the opening-word test alone: 530 and 101), and 498 of PubMedQA dev's 500 (two are choices: 'are they
    the same or different?').
    """
    question = question.strip()
    if _YES_OR_NO.search(question):
        return True
    if not question.endswith("?") and _AUXILIARY.match(question):
        question = question.rstrip(".") + "?"
    # "Is BRCA1 p.Cys61Gly damaging, and what is the evidence?" asks yes or no first, then for the evidence
    head = _AND_WH.split(question, maxsplit=1)[0]
    question = question if head == question else head.rstrip(" ,") + "?"
    last_clause = _CLAUSE.split(question)[-1]
    return (question.endswith("?") and not _WH.match(question) and not _WH.match(last_clause) and not _WH_INSIDE.search(question)
            and not _REQUEST.match(question) and not _CHOICE.search(question))


def _cues(text: str) -> list[float]:
    return [float(len(p.findall(text))) for p in (_NEG, _POS, _HEDGE, _CONTRAST, _P_SIGNIFICANT, _P_NOT)]


def paper_features(question: str, candidates: list[Candidate]) -> np.ndarray:
    """The head's input for one paper. `candidates` are its abstract sentences with their similarity to the question."""
    sentences = [c for c in candidates if c.sentence.label != "TITLE"] or candidates
    similarity = np.array([c.similarity for c in sentences])
    findings = [c for c in sentences if finding_score(c.sentence) >= 0.5] or sentences[-3:]
    late = [c for c in sentences if c.sentence.position >= 0.6] or sentences[-2:]
    order = np.argsort(-similarity)
    closest = [sentences[j] for j in order[:3] if finding_score(sentences[j].sentence) >= 0.3][:2] or [sentences[order[0]]]
    findings_text = " ".join(c.text for c in findings)
    in_findings = _cues(findings_text)
    raw = [
        *_cues(" ".join(c.text for c in closest)),
        in_findings[0] / (in_findings[0] + in_findings[1] + 1),
        in_findings[2] / (in_findings[0] + in_findings[1] + 1),
        float(len(_NO_DIFFERENCE.findall(findings_text))),
        float(len(re.findall(r"significantly", findings_text, re.I))),
        *in_findings,
        *_cues(" ".join(c.text for c in late)),
        float(len(_Q_NEG.findall(question))),
        float(len(_Q_CUE.findall(question))),
        float(similarity.max()),
        float(similarity.mean()),
        float(similarity[-1]),
        float(len(sentences)),
    ]
    return np.array(raw + list(np.log1p(np.abs(raw[:22]))))


@dataclass(frozen=True)
class VerdictHead:
    """Standardise, multinomial logistic regression, per-class bias; read from verdict.json."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # classes x features
    intercept: np.ndarray
    bias: np.ndarray
    classes: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> VerdictHead:
        data = json.loads(path.read_text())
        mean, scale, coef, intercept, bias = (np.array(data[k], dtype=float) for k in ("mean", "scale", "coef", "intercept", "bias"))
        return cls(mean, scale, coef, intercept, bias, classes=tuple(data["classes"]))

    def probabilities(self, features: np.ndarray) -> dict[str, float]:
        logits = self.coef @ ((features - self.mean) / self.scale) + self.intercept
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return {c: float(v) for c, v in zip(self.classes, p)}

    def choose(self, probabilities: dict[str, float]) -> VerdictLabel:
        adjusted = {c: np.log(probabilities[c] + 1e-9) + b for c, b in zip(self.classes, self.bias)}
        return max(OPTIONS, key=lambda c: adjusted[c])


@cache
def shipped_head() -> VerdictHead:
    return VerdictHead.load()


_PHRASES = {"yes": "Yes", "no": "No", "maybe": "Unclear / mixed evidence"}


def _tally(label: VerdictLabel, stances: list[VerdictLabel]) -> str:
    reading = {"yes": ("supports it", "support it"), "no": ("finds against it", "find against it"),
               "maybe": ("is inconclusive", "are inconclusive or disagree")}[label]
    if len(stances) == 1:
        return f"the one relevant study {reading[0]}"
    return f"{stances.count(label)} of {len(stances)} relevant studies {reading[1]}"


def decide(pool: EvidencePool, head: VerdictHead | None = None) -> Verdict:
    """The verdict for a yes/no question from the papers in the pool that are about it."""
    head = head or shipped_head()
    papers = [p for p in pool.usable() if p.best_similarity >= pool.settings.weak_similarity]
    variants = pool.focus.variants
    if variants:  # a paper on the gene says nothing about one of its variants
        papers = [p for p in papers if any(v in c.mentions for c in p.candidates for v in variants)]
        if not papers:
            return Verdict(label="maybe", line=f"Unclear: no indexed paper mentions {', '.join(variants)}.")
    if not papers:
        return Verdict(label="maybe", line="Unclear: the indexed literature does not answer this.")
    best = max(p.best_similarity for p in papers)
    papers = [p for p in papers if p.best_similarity >= best - pool.settings.verdict_margin]
    weights = np.array([np.exp((p.best_similarity - best) / 0.03) for p in papers])
    per_paper = [head.probabilities(paper_features(pool.question, p.candidates)) for p in papers]
    combined: dict[str, float] = {o: float(sum(w * p[o] for w, p in zip(weights, per_paper)) / weights.sum()) for o in OPTIONS}
    label = head.choose(combined)
    stances = {p.paper_id: head.choose(probs) for p, probs in zip(papers, per_paper)}
    agreeing = [pid for pid, stance in stances.items() if stance == label] or list(stances)
    line = f"{_PHRASES[label]}: {_tally(label, list(stances.values()))} [{', '.join(agreeing)}]."
    return Verdict(label=label, line=line, probabilities={k: round(v, 4) for k, v in combined.items()}, stances=stances)
