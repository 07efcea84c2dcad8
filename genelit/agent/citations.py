"""Check a draft answer's citations against what the run collected.

- Every cited id must be one the run collected; an unknown id is removed from the text and
  reported, never dropped silently.
- A sentence that makes a claim with no citation is marked "[unsupported]" in the text and
  listed, so a reader sees exactly which statements stand on nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BRACKET = re.compile(r"\[([^\[\]]{1,200})\]")
_ID = re.compile(r"^(PMID:\s*\d+|M\d+)$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")
UNSUPPORTED = "[unsupported]"


@dataclass
class CheckedText:
    text: str
    cited: list[str]
    unknown: list[str]
    unsupported: list[str]


def _normalise(raw: str) -> str:
    raw = raw.strip()
    return "PMID:" + raw.split(":", 1)[1].strip() if raw.upper().startswith("PMID") else raw.upper()


def check_citations(draft: str, valid: set[str], exempt: tuple[str, ...] = ()) -> CheckedText:
    cited: list[str] = []
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        parts = [p for p in re.split(r"[,;]\s*", match.group(1)) if p.strip()]
        if not parts or not all(_ID.match(p.strip()) for p in parts):
            return match.group(0)  # not a citation bracket, e.g. a gene name in brackets
        kept = []
        for part in parts:
            cid = _normalise(part)
            if cid in valid:
                kept.append(cid)
                if cid not in cited:
                    cited.append(cid)
            elif cid not in unknown:
                unknown.append(cid)
        return "[" + ", ".join(kept) + "]" if kept else ""

    text = _BRACKET.sub(replace, draft)
    text = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    marked, unsupported = [], []
    for paragraph in text.split("\n"):
        sentences = _SENTENCE.split(paragraph) if paragraph.strip() else [paragraph]
        out = []
        for sentence in sentences:
            words = re.findall(r"[A-Za-z]{2,}", sentence)
            claim = len(words) >= 4 and not sentence.rstrip().endswith(":") and sentence.strip() not in exempt
            if claim and not _BRACKET.search(sentence):
                unsupported.append(sentence.strip())
                sentence = sentence.rstrip() + " " + UNSUPPORTED
            out.append(sentence)
        marked.append(" ".join(out))
    return CheckedText("\n".join(marked), cited, unknown, unsupported)
