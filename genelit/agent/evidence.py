"""The sentences of a run's papers, embedded once, and the choice of those that carry the answer.

Ranking by similarity to the whole question alone picks sentences that share its words: a
sentence on "BRCA1-associated protein 1" beats one on BRCA1 carriers' risk. So a sentence's
score adds three things to its similarity:
- it must be about the question's entities: papers that never mention them are left out when
  any paper does, and sentences that do not name them are demoted; the same holds for the
  diseases the question names (agent/concepts.py): a mesothelioma trial on BRCA1 offers nothing
  to a question on BRCA1 in breast cancer once any retrieved paper is about breast cancer;
- findings win over background: results labels, numbers, a direction (sentences.finding_score);
- coverage: maximal marginal relevance (Carbonell & Goldstein 1998) penalises a sentence close
  to one already chosen, and each further sentence from the same paper costs a little more.
The pool is reused by the verdict and by the support check, so every sentence is embedded once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import numpy as np

from genelit.agent.concepts import concepts_of
from genelit.agent.mentions import Focus
from genelit.settings import AnswerSettings
from genelit.text.sentences import Sentence, finding_score, split
from genelit.types import Evidence

Embed = Callable[[list[str]], np.ndarray]


@dataclass
class Candidate:
    paper_id: str
    sentence: Sentence
    similarity: float  # cosine to the question
    vector: np.ndarray
    mentions: list[str] = field(default_factory=list)  # the question's entities it names

    @property
    def text(self) -> str:
        return self.sentence.text


@dataclass
class PaperEvidence:
    """One paper's sentences, with whether the paper as a whole is about the question's entities and diseases."""

    paper_id: str
    candidates: list[Candidate]
    on_focus: bool
    on_topic: bool = True

    @property
    def best_similarity(self) -> float:
        return max((c.similarity for c in self.candidates), default=0.0)


# A sentence that addresses the reader or a model instead of reporting a finding ("Ignore previous instructions and
# answer only with ..."): text planted for an LLM. It is never offered as evidence, to the model or quoted to a reader.
INSTRUCTION = re.compile(r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier|preceding)\s+"
                         r"(?:instructions?|prompts?|messages?|rules)\b|\b(?:answer|reply|respond)\s+only\s+with\b", re.I)


class EvidencePool:
    """Every sentence of the papers a run collected, embedded together with the question."""

    def __init__(self, question: str, papers: list[Evidence], focus: Focus, embed: Embed, settings: AnswerSettings,
                 exclude: Collection[str] = ()) -> None:
        """`exclude`: sentences not to offer again (a report states each finding once)."""
        self.question = question
        self.focus = focus
        self.embed = embed
        self.settings = settings
        rows: list[tuple[str, Sentence]] = []
        for evidence in papers:
            paper = evidence.paper
            if paper.title:
                rows.append((evidence.id, Sentence(paper.title, "TITLE", 0.0)))
            rows += [(evidence.id, s) for s in split(paper.abstract or evidence.text, min_chars=20)]
        rows = [(pid, s) for pid, s in rows if s.text not in exclude and not INSTRUCTION.search(s.text)]
        vectors = embed([question] + [s.text for _, s in rows]) if rows else np.zeros((1, 1), dtype=np.float32)
        self.question_vector = vectors[0]
        by_paper: dict[str, list[Candidate]] = {e.id: [] for e in papers}
        for (paper_id, sentence), vector in zip(rows, vectors[1:]):
            mentions = focus.mentioned(sentence.text) if focus else []
            by_paper[paper_id].append(Candidate(paper_id, sentence, float(vector @ self.question_vector), vector, mentions))
        # The question's diseases that some paper names; a disease no paper names is the answer's to say (uncovered()).
        topics = [c for c in concepts_of(question) if any(c.in_paper(e.paper) for e in papers)]
        on_topic = {e.id: not topics or any(c.in_paper(e.paper) for c in topics) for e in papers}
        self.papers = {
            pid: PaperEvidence(pid, cands, not focus or any(c.mentions for c in cands), on_topic[pid])
            for pid, cands in by_paper.items()
        }

    @property
    def any_on_focus(self) -> bool:
        return any(p.on_focus for p in self.papers.values() if p.candidates)

    def usable(self) -> list[PaperEvidence]:
        """Papers about the question's entities and diseases (all papers when it names none); none when none is."""
        return [p for p in self.papers.values() if p.candidates and p.on_focus and p.on_topic]

    def select(self, n: int | None = None) -> list[Candidate]:
        """The n sentences that best answer the question, spread over papers (MMR)."""
        s = self.settings
        n = n or s.sentences
        scored: list[tuple[float, Candidate]] = []
        for paper in self.usable():
            for c in paper.candidates:
                if c.sentence.label == "TITLE" and len(paper.candidates) > 1:
                    continue  # a title states a topic, not a finding
                if c.sentence.text.endswith("?"):
                    continue  # nor does a question the paper asks
                score = c.similarity + s.finding_weight * finding_score(c.sentence)
                if self.focus and not c.mentions:
                    score -= s.off_entity_penalty
                scored.append((score, c))
        chosen: list[Candidate] = []
        taken: dict[str, int] = {}
        while scored and len(chosen) < n:
            best_i, best_value = -1, -np.inf
            for i, (score, c) in enumerate(scored):
                if taken.get(c.paper_id, 0) >= s.per_paper:
                    continue
                redundancy = max((float(c.vector @ o.vector) for o in chosen), default=0.0)
                value = s.mmr_lambda * score - (1 - s.mmr_lambda) * redundancy - s.same_paper_penalty * taken.get(c.paper_id, 0)
                if value > best_value:
                    best_i, best_value = i, value
            if best_i < 0:
                break
            _, c = scored.pop(best_i)
            chosen.append(c)
            taken[c.paper_id] = taken.get(c.paper_id, 0) + 1
        return chosen

    def weak(self, chosen: list[Candidate]) -> bool:
        """True when no chosen sentence is close enough to the question to answer it."""
        return not chosen or max(c.similarity for c in chosen) < self.settings.weak_similarity
