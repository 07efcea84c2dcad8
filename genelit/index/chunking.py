"""Split papers into chunks that fit the embedding model's window.

By default a paper is one chunk (title + abstract): BM25 indexes all of it and the dense
model reads its first window, which measured best on PubMedQA (see settings.IndexSettings).
With `split_long`, a paper longer than the window is split at token boundaries with some
overlap, and every piece keeps the title in front, since the title is usually the best
summary of what the piece is about. On the 2021 sample file two thirds of the abstracts are
longer than all-MiniLM-L6-v2's 256 tokens.
"""

from __future__ import annotations

import math
from typing import Any

from genelit.types import Chunk, Paper


def pmid_of(chunk_id: str) -> str:
    """The PMID of a chunk id, whether 'PMID:n' or 'PMID:n#i'."""
    return chunk_id.split("#")[0].removeprefix("PMID:")


def paper_text(paper: Paper) -> str:
    return f"{paper.title}\n{paper.abstract}".strip()


def chunk_papers(papers: list[Paper], tokenizer: Any, window: int, overlap: int, split: bool = True) -> list[list[Chunk]]:
    """Chunks for each paper, in order. `window` counts tokens without the special ones."""
    texts = [paper_text(p) for p in papers]
    if not split:
        return [[Chunk(id=p.citation_id, pmid=p.pmid, text=t)] for p, t in zip(papers, texts)]
    encoded = tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    titles = tokenizer([p.title for p in papers], add_special_tokens=False, verbose=False)["input_ids"]
    result = []
    for paper, text, offsets, title_ids in zip(papers, texts, encoded["offset_mapping"], titles):
        if len(offsets) <= window:
            result.append([Chunk(id=paper.citation_id, pmid=paper.pmid, text=text)])
            continue
        result.append(_split(paper, text, offsets, len(title_ids), window, overlap))
    return result


def _split(paper: Paper, text: str, offsets: list[tuple[int, int]], title_len: int, window: int, overlap: int) -> list[Chunk]:
    # The title is repeated in front of every piece only when it leaves room for real content.
    prefix_title = 0 < title_len <= window // 3
    body_start = len(paper.title) + 1 if prefix_title else 0
    body = [(s, e) for s, e in offsets if s >= body_start] if prefix_title else list(offsets)
    size = window - (title_len + 1 if prefix_title else 0)
    overlap = min(overlap, size // 2)
    # As few pieces as fit, of equal length: a 300-token abstract becomes two pieces of
    # about 165 tokens rather than 254 + 94, which embeds fewer tokens for the same text.
    pieces = math.ceil((len(body) - overlap) / (size - overlap))
    step = math.ceil((len(body) - overlap) / pieces)
    chunks = []
    for n in range(pieces):
        piece = body[n * step : n * step + step + overlap]
        span = text[piece[0][0] : piece[-1][1]]
        chunks.append(Chunk(id=f"{paper.citation_id}#{n}", pmid=paper.pmid, text=f"{paper.title}\n{span}" if prefix_title else span))
    return chunks
