"""Variant → gene linking precision on a labelled sample of mentions from the sample PubMed file.

The labels (bench/labels/variant_links.csv) are this project's own: for each sampled mention, the gene a
reader of the abstract would say the variant belongs to ('-' where the text names none of its genes). Only
ids, offsets and symbols are kept; the abstracts are read from the sample file at run time.

    python -m bench.variant_links                      # precision of today's linker, beside the baseline
    python -m bench.variant_links --draw 120 --seed 7  # draw a new sample to label (prints each in context)

Baseline: the first gene the abstract names, the rule a reader skimming the title would use.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from bench._common import ratio, sample_papers
from genelit.index.variant_links import VariantLinker, paper_text
from genelit.sequence.genes import GeneTable
from genelit.types import Paper

LABELS = Path(__file__).resolve().parent / "labels" / "variant_links.csv"


def _draw(papers: list[Paper], linker: VariantLinker, n: int, seed: int) -> None:
    linked = [(p, m) for p in papers for m in linker.mentions(p) if m.gene]
    chosen = random.Random(seed).sample(linked, min(n, len(linked)))
    print("pmid,start,key,linked,gene")
    for paper, m in chosen:
        text = paper_text(paper)
        context = " ".join(text[max(0, m.start - 160): m.end + 80].split())
        print(f"{paper.pmid},{m.start},{m.key},{m.gene},   # {context}")


def _first_gene(linker: VariantLinker, paper: Paper) -> str | None:
    named = linker.genes_named(paper_text(paper))
    return named[0][1] if named else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draw", type=int, default=0, help="Draw this many linked mentions to label, and stop.")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    linker = VariantLinker(GeneTable())
    papers = sample_papers(None)
    if args.draw:
        _draw(papers, linker, args.draw, args.seed)
        return
    by_pmid = {p.pmid: p for p in papers}
    with LABELS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(f"labelled mentions: {len(rows)}, seed-drawn from the linked mentions of the sample file's {len(papers):,} abstracts")
    groups = {drawn: [row for row in rows if row["drawn"] == drawn] for drawn in dict.fromkeys(row["drawn"] for row in rows)}
    for drawn, chosen in [*groups.items(), ("all samples", rows)]:
        right = first_right = linked = 0
        for row in chosen:
            paper = by_pmid[row["pmid"]]
            mention = next((m for m in linker.mentions(paper) if m.start == int(row["start"])), None)  # None: no longer taken
            assert mention is None or mention.key == row["key"], f"PMID {row['pmid']}: the mention at {row['start']} is now {mention}"
            gene = mention.gene if mention is not None else None
            linked += gene is not None
            right += gene is not None and gene == row["gene"]
            first_right += _first_gene(linker, paper) == row["gene"]
        print(f"{drawn}: {len(chosen)} mentions")
        print(f"  genelit linker: {right}/{linked} linked correctly, precision {right / max(linked, 1):.3f}")
        print(f"  baseline (first gene the abstract names): {first_right}/{len(chosen)}, precision {first_right / len(chosen):.3f}")
        print(f"  ratio: {ratio(right / max(linked, 1), first_right / len(chosen))}")


if __name__ == "__main__":
    main()
