"""Variant-mention recognition scored against a PubTator file (the tmVar corpus format).

A PubTator document is `PMID|t|title`, `PMID|a|abstract`, then one tab-separated line per annotation:
PMID, start, end, text, type, normalisation; offsets count in "title + space + abstract". Types are
tmVar's: DNAMutation, ProteinMutation, SNP. Strict means the same span and type; overlap means spans that
share a character and the same type, each gold mention matched at most once.

`split` holds abstracts apart by PMID (PMID mod 3 == 0 is the held-out third), so that development on the
rest and the figure quoted for held-out text never see the same abstract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from genelit.errors import BadInputError
from genelit.index.variant_mentions import MentionKind, find_mentions
from genelit.types import Paper

TYPES: dict[MentionKind, str] = {"dna": "DNAMutation", "protein": "ProteinMutation", "snp": "SNP"}
Split = Literal["all", "dev", "heldout"]


@dataclass
class PubTatorDoc:
    pmid: str
    text: str
    gold: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, type)
    title_chars: int = 0  # the title is text[:title_chars]; the abstract follows after one space

    def paper(self) -> Paper:
        return Paper(pmid=self.pmid, title=self.text[: self.title_chars], abstract=self.text[self.title_chars + 1 :])


def read_pubtator(path: Path) -> list[PubTatorDoc]:
    """The documents of a PubTator file; a line that fits no part of the format is an error naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read {path}: {exc}", "give a PubTator text file (PMID|t|…, PMID|a|…, annotations)") from None
    docs: dict[str, PubTatorDoc] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        head = line.split("|", 2)
        if len(head) == 3 and head[1] in ("t", "a") and head[0].isdigit():
            doc = docs.setdefault(head[0], PubTatorDoc(head[0], ""))
            doc.text = head[2] if head[1] == "t" else f"{doc.text} {head[2]}"
            doc.title_chars = len(head[2]) if head[1] == "t" else doc.title_chars
            continue
        cells = line.split("\t")
        if len(cells) >= 5 and cells[0] in docs and cells[1].isdigit() and cells[2].isdigit():
            docs[cells[0]].gold.append((int(cells[1]), int(cells[2]), cells[4]))
            continue
        raise BadInputError(f"{path}:{number}: not a PubTator line: {line[:80]!r}",
                            "each document is 'PMID|t|title', 'PMID|a|abstract', then tab-separated annotations")
    if not docs:
        raise BadInputError(f"{path} holds no PubTator documents", "the file starts with a line like '12345|t|A title'")
    return list(docs.values())


class PRF(BaseModel):
    p: float
    r: float
    f1: float
    tp: int
    fp: int
    fn: int


class Scores(BaseModel):
    strict: PRF
    overlap: PRF


class MentionEval(BaseModel):
    file: str
    split: Split
    documents: int
    gold: int
    predicted: int
    types: dict[str, Scores]
    micro: Scores
    errors: list[str] = []


def _prf(tp: int, fp: int, fn: int) -> PRF:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return PRF(p=round(p, 4), r=round(r, 4), f1=round(2 * p * r / (p + r), 4) if p + r else 0.0, tp=tp, fp=fp, fn=fn)


def _matches(gold: list[tuple[int, int, str]], pred: list[tuple[int, int, str]], strict: bool) -> int:
    used: set[int] = set()
    hits = 0
    for start, end, kind in pred:
        for i, (gs, ge, gk) in enumerate(gold):
            if i in used or gk != kind:
                continue
            if (gs, ge) == (start, end) if strict else (start < ge and gs < end):
                used.add(i)
                hits += 1
                break
    return hits


def in_split(pmid: str, split: Split) -> bool:
    if split == "all":
        return True
    return (int(pmid) % 3 == 0) == (split == "heldout")


def run_mention_eval(path: Path, split: Split = "all", show_errors: int = 0) -> MentionEval:
    """Precision, recall and F1 per type and pooled (micro), strict and overlapping, over the chosen split."""
    docs = [d for d in read_pubtator(path) if in_split(d.pmid, split)]
    counts = {t: {"strict": [0, 0, 0], "overlap": [0, 0, 0]} for t in TYPES.values()}
    errors: list[str] = []
    predicted = 0
    for doc in docs:
        pred = [(m.start, m.end, TYPES[m.kind]) for m in find_mentions(doc.text)]
        predicted += len(pred)
        for kind in TYPES.values():
            g = [x for x in doc.gold if x[2] == kind]
            p = [x for x in pred if x[2] == kind]
            for mode in ("strict", "overlap"):
                hits = _matches(g, p, mode == "strict")
                c = counts[kind][mode]
                c[0], c[1], c[2] = c[0] + hits, c[1] + len(p) - hits, c[2] + len(g) - hits
        if len(errors) < show_errors:
            gold_set, pred_set = set(doc.gold), set(pred)
            errors += [f"{doc.pmid} missed {doc.text[s:e]!r} {k}" for s, e, k in sorted(gold_set - pred_set)]
            errors += [f"{doc.pmid} extra  {doc.text[s:e]!r} {k}" for s, e, k in sorted(pred_set - gold_set)]
    types = {k: Scores(strict=_prf(*v["strict"]), overlap=_prf(*v["overlap"])) for k, v in counts.items()}
    micro = Scores(**{mode: _prf(*(sum(v[mode][i] for v in counts.values()) for i in range(3))) for mode in ("strict", "overlap")})
    return MentionEval(file=path.name, split=split, documents=len(docs), gold=sum(len(d.gold) for d in docs),
                       predicted=predicted, types=types, micro=micro, errors=errors[:show_errors])
