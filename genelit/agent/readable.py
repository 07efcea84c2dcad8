"""What a reader is shown of a drafted answer: only the sentences that make a supported claim.

A small model's draft mixes claims with debris: the prompt's own instructions repeated ("Do not repeat or mention
it"), sentences about "the evidence" rather than about genetics, runs of bare citations, and claims its citations
do not carry. Marking such sentences inline left them for the reader to wade through; here they are taken out and
listed with the reason (`Answer.dropped`), so the text holds only what the checks passed.

One repair comes first, because it rescues right answers: a model that names the answer in one sentence and cites
it in the next ("The gene is BRCA2. This information can be found in [PMID:1].") has its citation moved onto the
claim, where the support check can weigh it.
"""

from __future__ import annotations

import re

from genelit.agent import grounded
from genelit.agent.prompts import AGENT, PIPELINE_TEMPLATE, SHAPES, SYSTEM, VERDICT_HINT
from genelit.agent.support import claim_of
from genelit.text.citations import UNSUPPORTED, citation_ids, without_citations
from genelit.text.sentences import split_text
from genelit.types import DroppedSentence, SentenceSupport

# Sentences about the evidence rather than about genetics: "The evidence from [PMID:1] suggests ...", "These papers
# discuss ...". They restate the prompt, and the citation check cannot hold them to anything.
ABOUT_THE_EVIDENCE = re.compile(
    r"^\W*(?:the|these|this|those)\s+(?:provided\s+|given\s+|cited\s+|above\s+|available\s+)?(?:evidence|papers?|abstracts?|"
    r"studies|information|sources?)\s+(?:from|provided|given|cited|above|discuss\w*|describe\w*|suggest\w*|show\w*|"
    r"support\w*|include\w*|indicate\w*|can|is|are|was|were)\b"
    r"|\b(?:from|in|by|see)\s+\[(?:PMID:|M\d)"
    r"|\b(?:based on|according to)\s+(?:the|these)\s+(?:provided\s+|given\s+)?(?:evidence|papers?|abstracts?)\s*[.,]?\s*$",
    re.I,
)
# A sentence that only points at sources: "This information can be found in [PMID:1] and [M1].", "See [PMID:2]."
_POINTER = re.compile(
    r"^\W*(?:(?:this|these|that|the|such)\s+(?:information|findings?|data|evidence|results?)\s+(?:can|may|is|are)\s+"
    r"(?:be\s+)?(?:found|seen|reported|shown|given|available)\s*(?:in|by|from)?|see|as\s+(?:shown|reported)\s+in|"
    r"(?:this|that|it)\s+is\s+(?:supported|shown|reported|described)\s+(?:by|in)|"
    r"(?:for\s+)?(?:more|further)\s+(?:details|information)\s*(?:see|in)?|(?:source|sources|reference|references)s?:?)"
    r"[\s,;:]*(?:and|or)?[\s,;:]*$",
    re.I,
)
ECHO_WORDS = 5  # a run of this many words of the prompt's own text in a sentence is the prompt repeated
_PROMPTS = (SYSTEM, AGENT, PIPELINE_TEMPLATE, VERDICT_HINT, *SHAPES.values(), grounded.SYSTEM, grounded.PROMPT, grounded.RULES,
            *grounded.TASKS.values())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


_PROMPT_RUNS = set().union(*(_ngrams(_words(re.sub(r"\{\w+\}", " ", p)), ECHO_WORDS) for p in _PROMPTS))


def repeats_the_prompt(sentence: str) -> bool:
    """True when the sentence carries a run of ECHO_WORDS words from genelit's own prompts: an instruction echoed."""
    return bool(_ngrams(_words(without_citations(sentence)), ECHO_WORDS) & _PROMPT_RUNS)


def _is_pointer(sentence: str) -> bool:
    """Only citations, or a stock phrase pointing at them: no claim of its own."""
    rest = without_citations(sentence).strip(" -.;,:")
    return bool(citation_ids(sentence)) and (not any(ch.isalpha() for ch in rest) or bool(_POINTER.match(rest)))


def attach_pointers(draft: str) -> str:
    """Move the citations of a pointer sentence onto the uncited claim before it, and drop the pointer."""
    lines = []
    for line in draft.split("\n"):
        sentences = split_text(line) if line.strip() else [line]
        kept: list[str] = []
        for sentence in sentences:
            if kept and _is_pointer(sentence) and not citation_ids(kept[-1]):
                claim = kept[-1].rstrip()
                stop = claim[-1] if claim[-1:] in ".!?" else "."
                kept[-1] = f"{claim.rstrip('.!?')} [{', '.join(citation_ids(sentence))}]{stop}"
                continue
            kept.append(sentence)
        lines.append(" ".join(kept))
    return "\n".join(lines)


def keep_supported(text: str, support: list[SentenceSupport], exempt: tuple[str, ...] = (), drafted: bool = True,
                   ) -> tuple[str, list[DroppedSentence]]:
    """The checked text without the sentences no reader should have to weigh, and each of those with its reason.

    `text` is the output of the citation and support checks (unsupported sentences carry the UNSUPPORTED mark);
    `support` gives the reason for each checked claim. Exempt lines (the verdict line) are kept as they are. Quotes
    (`drafted` False: extractive mode) are the papers' own words, so only the support check's verdict applies:
    "These studies show ..." is a real abstract's sentence there, not a model talking about its prompt."""
    reasons = {record.sentence: record.reason for record in support if not record.supported}
    dropped: list[DroppedSentence] = []
    seen: set[str] = set()
    lines = []
    for line in text.split("\n"):
        if line.strip() in exempt:
            lines.append(line)
            continue
        kept = []
        for sentence in split_text(line) if line.strip() else []:
            words = without_citations(sentence.replace(UNSUPPORTED, "")).strip(" -.;,:")
            reason = _drop_reason(sentence, words, reasons, seen, drafted)
            if reason is None:
                seen.add(words.lower())
                kept.append(sentence)
            elif any(ch.isalpha() for ch in words):
                dropped.append(DroppedSentence(sentence=words, reason=reason))
        if kept or not line.strip():
            lines.append(" ".join(kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), dropped


def _drop_reason(sentence: str, words: str, reasons: dict[str, str], seen: set[str], drafted: bool) -> str | None:
    if not any(ch.isalpha() for ch in words):
        return "citations with no sentence"
    if drafted and repeats_the_prompt(sentence):
        return "repeats the instructions the model was given"
    if drafted and (ABOUT_THE_EVIDENCE.search(sentence) or _POINTER.match(words)):
        return "speaks about the evidence, not about the question"
    if not citation_ids(sentence) and (UNSUPPORTED in sentence or len(re.findall(r"[A-Za-z]{2,}", words)) >= 4):
        return "cites nothing"
    if UNSUPPORTED in sentence:
        return reasons.get(claim_of(sentence)) or "what it cites does not support it"
    if words.lower() in seen:
        return "said already"
    return None
