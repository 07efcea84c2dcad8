"""How well the literature classifier reads a paper's kind of evidence and its direction for a variant.

The labels are a CSV (`source,pmid,variant,kind,direction`) written by a person reading each abstract; the
abstracts come from where `source` says: `tmvar` rows from a PubTator file (the tmVar corpus), `index` rows from
the local index. The classifier sees only what genelit sees at run time: the title, the abstract and, for indexed
papers, the publication types.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, Field

from genelit.errors import BadInputError
from genelit.eval.mentions import read_pubtator
from genelit.index.variant_evidence import direction, evidence_kind
from genelit.index.variant_mentions import mention_key
from genelit.types import Direction, EvidenceKind, Paper

KINDS: tuple[str, ...] = get_args(EvidenceKind)
DIRECTIONS: tuple[str, ...] = get_args(Direction)


class Confusion(BaseModel):
    accuracy: float
    counts: dict[str, dict[str, int]] = Field(description="gold label -> predicted label -> count")


class EvidenceKindEval(BaseModel):
    file: str
    n: int
    by_source: dict[str, int]
    kind: Confusion
    direction: Confusion
    errors: list[dict[str, str]] = Field(default_factory=list, description="Rows where either call differs from the label.")


def _confusion(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> Confusion:
    counts = {g: dict.fromkeys(labels, 0) for g in labels}
    for gold, got in pairs:
        counts[gold][got] += 1
    return Confusion(accuracy=round(sum(g == p for g, p in pairs) / len(pairs), 4), counts=counts)


def read_labels(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadInputError(f"cannot read {path}: {exc}", "give the labels CSV: source,pmid,variant,kind,direction") from None
    for number, row in enumerate(rows, 2):
        if row.get("kind") not in KINDS or row.get("direction") not in DIRECTIONS or row.get("source") not in ("tmvar", "index"):
            raise BadInputError(f"{path}:{number}: bad row {row}", f"kind in {KINDS}, direction in {DIRECTIONS}, source tmvar or index")
    if not rows:
        raise BadInputError(f"{path} has no rows", "source,pmid,variant,kind,direction")
    return rows


def run_evidence_kinds(labels: Path, papers: dict[str, Paper]) -> EvidenceKindEval:
    """Score the classifier on labelled rows; `papers` holds every labelled pmid (see `papers_for`)."""
    rows = read_labels(labels)
    kinds: list[tuple[str, str]] = []
    directions: list[tuple[str, str]] = []
    errors = []
    for row in rows:
        paper = papers[row["pmid"]]
        found = mention_key(row["variant"])
        key = found[1] if found else row["variant"]
        kind, cues = evidence_kind(paper)
        leaning, sentence = direction(paper, key)
        kinds.append((row["kind"], kind))
        directions.append((row["direction"], leaning))
        if kind != row["kind"] or leaning != row["direction"]:
            errors.append({"pmid": row["pmid"], "variant": row["variant"], "kind": f"{row['kind']} -> {kind} ({', '.join(cues)})",
                           "direction": f"{row['direction']} -> {leaning}", "sentence": sentence[:200]})
    return EvidenceKindEval(file=labels.name, n=len(rows), by_source=dict(Counter(r["source"] for r in rows)),
                            kind=_confusion(kinds, KINDS), direction=_confusion(directions, DIRECTIONS), errors=errors)


def papers_for(labels: Path, tmvar: Path | None, indexed: dict[str, Paper]) -> dict[str, Paper]:
    """The abstracts the labelled rows name: tmVar's from the PubTator file, the rest from `indexed`."""
    rows = read_labels(labels)
    out: dict[str, Paper] = {}
    if any(r["source"] == "tmvar" for r in rows):
        if tmvar is None:
            raise BadInputError("the labels name tmVar abstracts", "pass --tmvar ../shared/data/tmvar/train.PubTator.txt")
        out |= {d.pmid: d.paper() for d in read_pubtator(tmvar)}
    out |= indexed
    missing = sorted({r["pmid"] for r in rows} - set(out))
    if missing:
        raise BadInputError(f"no abstract for PMID {', '.join(missing[:5])}", "index those papers, or pass the PubTator file")
    return out
