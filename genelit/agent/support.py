"""Is each answer sentence supported by the papers it cites?

A cited id being real is not enough: a sentence about TP53 R175H citing a paper on UV damage
repair is still unsupported. For each sentence that cites papers, each cited paper supports it
when all three hold:
- one of the paper's sentences is close to it in meaning (embedding cosine at least
  `answer.support_similarity`);
- every gene or variant of the question that the sentence names, the paper names too, and every disease the
  sentence names (agent/concepts.py): a mesothelioma trial does not carry a claim about breast-cancer risk;
- every number in the sentence appears in the paper (numbers are what small models invent).
A sentence no cited paper supports has its citation moved to the run's paper that clearly does
(cosine at least 0.05 above the bar, with the same entity and number tests), when one does;
otherwise it keeps its citation and is marked [unsupported]. Model outputs ([Mn]) are checked
for numbers only: the sentence may interpret the output but must not change its figures.
"""

from __future__ import annotations

import re

import numpy as np

from genelit.agent.concepts import concepts_of
from genelit.agent.evidence import EvidencePool
from genelit.agent.mentions import Focus
from genelit.text.citations import UNSUPPORTED, citation_ids
from genelit.text.sentences import split_text
from genelit.types import ModelOutput, SentenceSupport

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]\w)(?!\w)")
_BRACKETS = re.compile(r"\s*\[[^\[\]]*\]")


def _numbers(text: str) -> set[str]:
    """The numbers in a text, normalised so that '12.30' and '12.3' agree; version strings like 0.2.0 are left out."""
    return {f"{float(n):g}" for n in _NUMBER.findall(text)}


def claim_of(sentence: str) -> str:
    """A sentence without its brackets (citations, the unsupported mark) or bullet: the text a support record keys."""
    return _BRACKETS.sub("", sentence).strip().lstrip("-• ").strip()


class SupportChecker:
    """Checks sentences against the pool's papers, reusing the pool's sentence vectors."""

    def __init__(self, pool: EvidencePool, models: list[ModelOutput]) -> None:
        self.pool = pool
        self.models = {m.id: m for m in models}
        self.bar = pool.settings.support_similarity
        self.move_margin = pool.settings.move_margin
        self.paper_text = {pid: " ".join(c.text for c in p.candidates) for pid, p in pool.papers.items()}

    def _paper_support(self, claim: str, vector: np.ndarray, pid: str) -> tuple[float, str]:
        """(best cosine, reason it fails or '') for one paper."""
        paper = self.pool.papers.get(pid)
        if paper is None or not paper.candidates:
            return 0.0, f"{pid} has no text in this run"
        similarity = max(float(vector @ c.vector) for c in paper.candidates)
        return similarity, passage_fails(claim, similarity, self.paper_text[pid], pid, self.bar, self.pool.focus)


    def check(self, text: str, exempt: tuple[str, ...] = ()) -> tuple[str, list[SentenceSupport]]:
        """The text with citations moved or sentences marked, and one record per cited claim."""
        lines_out: list[str] = []
        records: list[SentenceSupport] = []
        pending: list[tuple[int, int, str]] = []  # (line, index in line, sentence) of sentences citing papers
        per_line: list[list[str]] = []
        for line in text.split("\n"):
            sentences = split_text(line) if line.strip() else [line]
            per_line.append(sentences)
            for i, sentence in enumerate(sentences):
                if sentence.strip() in exempt or UNSUPPORTED in sentence:
                    continue
                if citation_ids(sentence):
                    pending.append((len(per_line) - 1, i, sentence))
        vectors = self.pool.embed([claim_of(s) for _, _, s in pending]) if pending else np.zeros((0, 1))
        for (li, si, sentence), vector in zip(pending, vectors):
            new_sentence, record = self._check_one(sentence, vector)
            per_line[li][si] = new_sentence
            records.append(record)
        for sentences in per_line:
            lines_out.append(" ".join(sentences))
        return "\n".join(lines_out), records

    def _check_one(self, sentence: str, vector: np.ndarray) -> tuple[str, SentenceSupport]:
        claim = claim_of(sentence)
        cited = citation_ids(sentence)
        papers = [c for c in cited if c.startswith("PMID:")]
        models = [c for c in cited if c in self.models]
        reasons: list[str] = []
        good_models = []
        for mid in models:
            output = self.models[mid]
            missing = sorted(_numbers(claim) - _numbers(f"{output.tool} {output.model} {output.input} {output.summary}") -
                             {n for p in papers for n in _numbers(self.paper_text.get(p, ""))})
            absent = self._entities_unsaid(claim, f"{output.input} {output.summary}", papers)
            if missing:
                reasons.append(f"{mid} does not say {', '.join(missing)}")
            elif absent:  # "BRCA1 p.Cys61Gly is a protein-coding gene [M1]" where M1 is about BRCA1 alone
                reasons.append(f"{mid} does not mention {', '.join(absent)}")
            elif why := direction_fails(claim, output):
                reasons.append(why)
            else:
                good_models.append(mid)
        results = {pid: self._paper_support(claim, vector, pid) for pid in papers}
        good_papers = [pid for pid, (_, why) in results.items() if not why]
        reasons += [why for _, why in results.values() if why]
        best = max((results[p][0] for p in good_papers), default=0.0)
        moved: list[str] = []
        if papers and not good_papers:
            replacement = self._better_paper(claim, vector, exclude=set(papers))
            if replacement is not None:
                moved, good_papers, best = papers, [replacement[0]], replacement[1]
                sentence = _BRACKETS.sub("", sentence).rstrip()
                ending = sentence[-1] if sentence and sentence[-1] in ".!?" else ""
                sentence = sentence.rstrip(".!?") + f" [{', '.join([replacement[0], *good_models])}]{ending}"
        supported = bool(good_papers or (good_models and not papers))
        if not supported:
            sentence = sentence.rstrip() + " " + UNSUPPORTED
        return sentence, SentenceSupport(
            sentence=claim, cited=cited, supported_by=good_papers + good_models, moved_from=moved,
            similarity=round(best, 4), supported=supported, reason="" if supported else "; ".join(reasons),
        )

    def _entities_unsaid(self, claim: str, said: str, papers: list[str]) -> list[str]:
        """The question's genes and variants the claim names that neither `said` (a model output) nor a paper it also
        cites mentions."""
        focus = self.pool.focus
        if not focus:
            return []
        known = set(focus.mentioned(said)).union(*(focus.mentioned(self.paper_text.get(p, "")) for p in papers))
        return [e for e in focus.mentioned(claim) if e not in known]

    def _better_paper(self, claim: str, vector: np.ndarray, exclude: set[str]) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for pid in self.pool.papers:
            if pid in exclude:
                continue
            similarity, why = self._paper_support(claim, vector, pid)
            if not why and similarity >= self.bar + self.move_margin and (best is None or similarity > best[1]):
                best = (pid, similarity)
        return best


_CALLED_DAMAGING = re.compile(r"\b(?:damaging|deleterious|pathogenic|disease-causing|loss[- ]of[- ]function|harmful)\b", re.I)
_CALLED_BENIGN = re.compile(r"\b(?:benign|tolerated|neutral|harmless)\b", re.I)


def direction_fails(claim: str, output: ModelOutput) -> str:
    """Why a claim misreads a variant score it cites, or '': a score is computational evidence at a strength (PP3 on
    the pathogenic side, BP4 on the benign side) or none, so 'damaging' needs PP3 and 'benign' or 'tolerated' needs
    BP4. A small model asked whether a variant is damaging writes 'it is damaging [M2]' whatever M2 says."""
    if output.tool != "score_variant":
        return ""
    reading = output.summary.split(" (")[0]
    if _CALLED_DAMAGING.search(claim) and "PP3" not in output.summary:
        return f"{output.id} does not call it damaging ({reading})"
    if _CALLED_BENIGN.search(claim) and "BP4" not in output.summary:
        return f"{output.id} does not call it benign ({reading})"
    return ""


def supported_share(records: list[SentenceSupport], uncited: int) -> float | None:
    """Supported claims over all claims (cited ones checked here, plus uncited ones, which are unsupported)."""
    total = len(records) + uncited
    return round(sum(r.supported for r in records) / total, 4) if total else None


def passage_fails(claim: str, similarity: float, text: str, name: str, bar: float, focus: Focus | None = None) -> str:
    """Why `text` (a paper, `name`) does not carry `claim`, or '' when it does: the one test every check uses, and the
    one `genelit eval support` measures. `similarity` is the claim's best cosine to one of the text's sentences."""
    missing = [e for e in focus.mentioned(claim) if e not in focus.mentioned(text)] if focus else []
    missing += [c.label for c in concepts_of(claim) if not c.found_in(text)]
    if missing:
        return f"{name} does not mention {', '.join(missing)}"
    missing_numbers = sorted(_numbers(claim) - _numbers(text))
    if missing_numbers:
        return f"{name} does not contain {', '.join(missing_numbers)}"
    if similarity < bar:
        return f"no sentence of {name} says this (best cosine {similarity:.2f})"
    return ""
