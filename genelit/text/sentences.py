"""One sentence splitter for abstracts and answers, and the cues that mark a sentence as a finding.

A regex, not a library: the maintained splitters are stale or need data downloads (see the code
review). Abbreviations common in abstracts ("et al.", "e.g.", "Fig.", "vs.") are protected so
that they do not end a sentence. Structured abstracts keep their "RESULTS: " labels on their own
lines; the label travels with each sentence, because it says where the findings are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = re.compile(r"\b(et al|e\.g|i\.e|Fig|Figs|vs|approx|ca|cf|Dr|resp)\.", re.I)
_PLACEHOLDER = "\u2024"  # one-dot leader: looks like a full stop, never ends a sentence
# A sentence ends at a stop, or at the "[unsupported]" mark the checks put after one.
_BOUNDARY = re.compile(r"(?:(?<=[.!?])|(?<=[.!?] \[unsupported\]))\s+(?=[A-Z0-9(])")
_LABEL = re.compile(r"^([A-Z][A-Z /&-]{2,40}):\s*")
# A heading run into its text without a colon, as some publishers' abstracts come ("Introduction Approximately 10% of
# ...", "Areas covered This review ..."): taken off as a label, so that no quoted sentence opens with it.
_RUN_IN_LABEL = re.compile(r"^(Introduction|Background|Objectives?|Aims?|Purpose|Methods?|Results?|Conclusions?|Discussion|"
                           r"Areas covered|Expert opinion|Expert commentary)\s+(?=[A-Z])")

_FINDING_LABELS = ("RESULT", "CONCLUSION", "FINDING", "INTERPRETATION", "MAIN RESULT", "OUTCOME")
_SETUP_LABELS = ("BACKGROUND", "OBJECTIVE", "AIM", "PURPOSE", "INTRODUCTION", "METHOD", "DESIGN", "SETTING",
                 "PATIENT", "PARTICIPANT", "MATERIAL", "CONTEXT", "STUDY")
# A publisher's notice ends many abstracts ("© 2021 The Society ...", "Copyright 2020 Elsevier"): never a finding.
_COPYRIGHT = re.compile(r"\s*(?:©|\(c\)\s*(?=\d{4})|\bCopyright\b\s*(?:©\s*)?(?=\d{4})).*$", re.I)
_NUMBER = re.compile(r"\d+(\.\d+)?\s*%|\b[pP]\s*[<=>≤≥]\s*0?\.\d+|\b(OR|HR|RR|CI|AUC)\b|\d+\.\d+")
_DIRECTION = re.compile(
    r"\b(increas\w*|decreas\w*|reduc\w*|higher|lower|improv\w*|wors\w*|associat\w*|correlat\w*|significant\w*|"
    r"predict\w*|risk|more|less|greater|elevated|impair\w*|abolish\w*|disrupt\w*|enhanc\w*|inhibit\w*|"
    r"pathogenic|deleterious|benign|loss|gain|no difference|did not|was not|were not|failed)\b",
    re.I,
)


@dataclass(frozen=True)
class Sentence:
    text: str
    label: str = ""  # the structured-abstract section it came from, upper case, or ""
    position: float = 0.0  # 0 for the first sentence of the text, 1 for the last


def split(text: str, min_chars: int = 1, labels: bool = True) -> list[Sentence]:
    """Sentences of a text, each with its section label (taken off the text when `labels`) and relative position;
    a copyright notice at the end of a line is left out."""
    pieces: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        label = ""
        found = _LABEL.match(line) if labels else None
        if found:
            label, line = found.group(1).strip().upper(), line[found.end():]
        line = _COPYRIGHT.sub("", line)
        protected = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1] + _PLACEHOLDER, line)
        for piece in _BOUNDARY.split(protected):
            piece = piece.replace(_PLACEHOLDER, ".").strip()
            run_in = _RUN_IN_LABEL.match(piece) if labels else None
            if run_in:
                label, piece = run_in.group(1).upper(), piece[run_in.end():]
            if len(piece) >= min_chars:
                pieces.append((label, piece))
    last = max(1, len(pieces) - 1)
    return [Sentence(piece, label, i / last) for i, (label, piece) in enumerate(pieces)]


def split_text(text: str) -> list[str]:
    """Sentence strings only; what the citation check uses on a draft answer."""
    return [s.text for s in split(text, labels=False)]


def finding_score(sentence: Sentence) -> float:
    """0 to 1: how much a sentence looks like a result rather than background or method.

    Results carry numbers and a direction ("increased", "no association"); structured abstracts
    say so in their labels; unstructured ones put results late.
    """
    score = 0.0
    if any(key in sentence.label for key in _FINDING_LABELS):
        score += 0.4
    elif any(key in sentence.label for key in _SETUP_LABELS):
        score -= 0.3
    elif not sentence.label:
        score += 0.2 * sentence.position
    if _NUMBER.search(sentence.text):
        score += 0.3
    if _DIRECTION.search(sentence.text):
        score += 0.3
    return max(0.0, min(1.0, score))
