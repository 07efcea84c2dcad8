"""Answer latency per mode on 10 fixed questions (p50/p95), local-server tokens/s, and peak memory.

Runs against an existing index (default: the one bench/ingest.py --keep builds). Targets on
2 cores: pipeline p50 <= 30 s with the 1.5B model, extractive <= 2 s.

    python bench/answers.py [--data-dir bench/out/sample-index] [--fast]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mb, ratio  # noqa: E402

from genelit.api import Assistant  # noqa: E402
from genelit.settings import Settings  # noqa: E402

HERE = Path(__file__).resolve().parent
QUESTIONS = [
    "Is BRCA1 p.Cys61Gly damaging, and what is the evidence?",
    "What is known about TP53 R175H?",
    "Which genetic variants are associated with breast cancer risk?",
    "How do CRISPR screens identify essential genes?",
    "What role does DNA methylation play in cancer?",
    "Are germline mutations in mismatch repair genes linked to colorectal cancer?",
    "What does PTEN loss do in tumours?",
    "How are copy number variants detected from sequencing data?",
    "Is CFTR p.Phe508del a loss-of-function variant?",
    "What are the effects of APOE alleles on Alzheimer disease risk?",
]
TARGETS = {"extractive": 2.0, "pipeline": 30.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=HERE / "out" / "sample-index")
    parser.add_argument("--fast", action="store_true", help="the 0.5B model instead of the 1.5B default")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    if args.fast:
        settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"local_model": "qwen2.5-coder-0.5b"})})
    assistant = Assistant(settings)
    assistant.ask("warm up", mode="extractive")
    rows = {}
    tokens, generation_seconds = 0, 0.0
    for mode in ("extractive", "pipeline"):
        if mode == "pipeline":
            assistant.answerer.llm.local_server().ensure_running()  # start-up is not a question's latency
        latencies = []
        for question in QUESTIONS:
            started = time.perf_counter()
            answer = assistant.ask(question, mode=mode)
            latencies.append(time.perf_counter() - started)
            if mode == "pipeline":
                tokens += answer.tokens.get("completion", 0)
                generation_seconds += answer.timings.get("generation", 0.0)
        latencies.sort()
        rows[mode] = (statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))])
    assistant.close()
    print(f"answer latency over {len(QUESTIONS)} questions; LLM {assistant.answerer.llm.model_name}")
    print(f"{'mode':<12}{'p50 s':>8}{'p95 s':>8}{'target s':>10}{'p50/target':>12}")
    for mode, (p50, p95) in rows.items():
        print(f"{mode:<12}{p50:>8.2f}{p95:>8.2f}{TARGETS[mode]:>10.1f}{ratio(p50, TARGETS[mode]):>12}")
    if generation_seconds:
        print(f"local server: {tokens} completion tokens in {generation_seconds:.1f} s of generation = "
              f"{tokens / generation_seconds:.1f} tokens/s (prompt processing included)")
    print(f"peak RSS of this process: {peak_rss_mb():.0f} MB (the server's own memory is separate)")


if __name__ == "__main__":
    main()
