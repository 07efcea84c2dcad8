"""Check a draft answer's citations against what the run collected.

- Every cited id must be one the run collected; an unknown id is removed from the text and
  reported, never dropped silently.
- A sentence that makes a claim with no citation is marked "[unsupported]" in the text and
  listed, so a reader sees exactly which statements stand on nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from genelit.text.sentences import split_text

_BRACKET = re.compile(r"\[([^\[\]]{1,200})\]")
_SPACED_BRACKET = re.compile(r"\s*\[([^\[\]]{1,200})\]")  # with the space before it, which goes with the citation
_ID = re.compile(r"^(PMID:\s*\d+|M\d+|ClinVar:\s*VCV\d+)$", re.I)  # papers, model outputs, ClinVar records
UNSUPPORTED = "[unsupported]"


@dataclass
class CheckedText:
    text: str
    cited: list[str]
    unknown: list[str]
    unsupported: list[str]


_AFTER_STOP = re.compile(r"([.!?])((?:[ \t]*\[[^\[\]]{1,200}\])+)(?=\s|$)")


def citations_before_stops(text: str) -> str:
    """'A claim. [PMID:1] Next.' as 'A claim [PMID:1]. Next.': models often cite after the full stop, which would
    glue each citation to the next sentence and every sentence of a paragraph into one claim."""

    def tuck(match: re.Match[str]) -> str:
        brackets = re.findall(r"\[[^\[\]]+\]", match.group(2))
        if not all(_ids_in(b[1:-1]) is not None for b in brackets):
            return match.group(0)  # '[in vitro]' and the like stay where they are
        return " " + " ".join(brackets) + match.group(1)

    return _AFTER_STOP.sub(tuck, text)


def without_citations(text: str) -> str:
    """The words of a sentence with its citation brackets and [unsupported] marks taken out, and the space before
    each: "protein [PMID:1]." reads "protein.", not "protein ."."""
    return _SPACED_BRACKET.sub(
        lambda m: "" if m.group(0).strip() == UNSUPPORTED or _ids_in(m.group(1)) is not None else m.group(0), text).strip()


def _normalise(raw: str) -> str:
    raw = raw.strip()
    if raw.upper().startswith(("PMID", "CLINVAR")):
        prefix = "PMID:" if raw.upper().startswith("PMID") else "ClinVar:"
        return prefix + raw.split(":", 1)[1].strip().upper()
    return raw.upper()


def _ids_in(bracket: str) -> list[str] | None:
    """The citation ids inside one bracket, or None when the bracket is not a citation (e.g. '[in vitro]')."""
    parts = [p for p in re.split(r"[,;]\s*", bracket) if p.strip()]
    if not parts or not all(_ID.match(p.strip()) for p in parts):
        return None
    return [_normalise(p) for p in parts]


def citation_ids(sentence: str) -> list[str]:
    """Every id a sentence cites, in order, once each."""
    found: list[str] = []
    for match in _BRACKET.finditer(sentence):
        for cid in _ids_in(match.group(1)) or []:
            if cid not in found:
                found.append(cid)
    return found


def check_citations(draft: str, valid: set[str], exempt: tuple[str, ...] = ()) -> CheckedText:
    cited: list[str] = []
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        ids = _ids_in(match.group(1))
        if ids is None:
            return match.group(0)  # not a citation bracket, e.g. a gene name in brackets
        kept = []
        for cid in ids:
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
        sentences = split_text(paragraph) if paragraph.strip() else [paragraph]
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
