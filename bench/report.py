"""Reports on three fixed topics (a gene, a variant, a disease), in each mode: time, references, figures and the
share of supported sentences, against the target and against one answer on the same topic.

The baseline is the cost of a single `ask` on the topic in the same mode, measured in the same process right
after the report: a report writes four literature sections and adds genes, variants, figures and methods, so
report/answer says what the extra structure costs. The targets come from issue 10: an extractive report in
<= 60 s and a pipeline report in <= 5 min on 2 cores, over the whole sample index.

    genelit --data-dir bench/out/sample-index index sample      # the whole sample file, once
    python -m bench.report [--data-dir bench/out/sample-index] [--modes extractive,pipeline] [--fast] [--out bench/out/reports]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/report.py` as well as `python -m bench.report`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, ratio
from genelit.api import Assistant
from genelit.report import render
from genelit.settings import Settings
from genelit.types import Report

HERE = Path(__file__).resolve().parent
TOPICS = {
    "gene": "BRCA1 and hereditary breast and ovarian cancer",
    "variant": "TP53 p.R175H in cancer",
    "disease": "cystic fibrosis",
}
TARGETS = {"extractive": 60.0, "pipeline": 300.0}
PROTEINS = HERE.parents[1] / "shared" / "data" / "variants" / "reference_proteins_8genes.fasta"


def supported_share(report: Report) -> float | None:
    """The mean, over the literature sections, of the share of drafted claim sentences the support check found
    supported (before the report leaves the unsupported out; what it shows is supported by construction)."""
    shares = [s.supported_share for s in report.sections if s.supported_share is not None]
    return statistics.mean(shares) if shares else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=HERE / "out" / "sample-index")
    parser.add_argument("--modes", default="extractive,pipeline")
    parser.add_argument("--fast", action="store_true", help="the 0.5B model instead of the 1.5B default")
    parser.add_argument("--out", type=Path, default=None, help="also write each report here as HTML, to read by eye")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    assistant = Assistant(settings.with_fast_model() if args.fast else settings)
    if PROTEINS.is_file():  # the scan figure needs the protein; the 8-gene FASTA holds TP53 and BRCA1
        assistant.add_sequences(PROTEINS, replace=True)
    assistant.ask("warm up", mode="extractive")  # loads the embedder, the index and BM25 once, outside the timings
    papers = assistant.index_stats().papers
    print(f"reports on {len(TOPICS)} topics over {papers:,} indexed abstracts ({args.data_dir})")
    print(f"{'mode':<11}{'topic':<9}{'seconds':>8}{'target':>8}{'/target':>9}{'1 answer':>9}{'/answer':>9}"
          f"{'refs':>6}{'figures':>8}{'supported':>10}{'dropped':>8}  run")
    for mode in args.modes.split(","):
        for name, topic in TOPICS.items():
            started = time.perf_counter()
            report = assistant.report(topic, mode=mode)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            assistant.ask(f"What is known about {topic}?", mode=mode)
            one_answer = time.perf_counter() - started
            share = supported_share(report)
            print(f"{mode:<11}{name:<9}{seconds:>8.1f}{TARGETS[mode]:>8.0f}{ratio(seconds, TARGETS[mode]):>9}{one_answer:>9.1f}"
                  f"{ratio(seconds, one_answer):>9}{len(report.references):>6}{len(report.figures):>8}"
                  f"{'-' if share is None else f'{share:.2f}':>10}{sum(s.dropped for s in report.sections):>8}  {report.mode}",
                  flush=True)
            for note in report.notes:
                print(f"{'':<20}note: {note}")
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{mode}-{name}.html").write_text(render(report, "html"), encoding="utf-8")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    assistant.close()


if __name__ == "__main__":
    main()
