"""Answers on 10 fixed genetics questions: latency per mode, supported-sentence share, on-entity evidence, verdicts.

Runs against an existing index (default: the one bench/ingest.py --keep builds). With
`--baseline REV`, the same questions are also answered by genelit at git revision REV (checked
out into a temporary worktree, run in its own process) and both sides are measured by the
same code here, side by side:
- supported share: answer sentences that carry citations and that the current support check
  (agent/support.py) finds supported by what they cite, over all claim sentences;
- on-entity evidence: evidence lines (extractive) or cited papers (pipeline) that mention the
  question's genes or variants as themselves, over those of questions that name any.

Targets on 2 cores: pipeline p50 <= 30 s, extractive <= 2 s.

    python -m bench.answers [--data-dir bench/out/sample-index] [--fast] [--baseline d01123f] [--modes extractive,pipeline]
                            [--rows answers.json]   # keep the answers; a second run re-measures them
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # `python bench/answers.py` as well as `python -m bench.answers`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, percentile, ratio
from genelit.agent.evidence import EvidencePool
from genelit.agent.support import SupportChecker
from genelit.api import Assistant
from genelit.settings import Settings
from genelit.text.citations import citation_ids
from genelit.text.sentences import split_text
from genelit.types import Answer

HERE = Path(__file__).resolve().parent
QUESTIONS = [
    "Is BRCA1 p.Cys61Gly damaging, and what is the evidence?",
    "What is known about TP53 R175H?",
    "What is known about BRCA1 variants and breast cancer risk?",
    "How do CRISPR screens identify essential genes?",
    "What role does DNA methylation play in cancer?",
    "Are germline mutations in mismatch repair genes linked to colorectal cancer?",
    "What does PTEN loss do in tumours?",
    "How are copy number variants detected from sequencing data?",
    "Is CFTR p.Phe508del a loss-of-function variant?",
    "What are the effects of APOE alleles on Alzheimer disease risk?",
]
TARGETS = {"extractive": 2.0, "pipeline": 30.0}

# Runs in the other process, with PYTHONPATH at the baseline's worktree: answers as JSON lines.
_ANSWER_ALL = """
import json, sys, time
from pathlib import Path
from genelit.api import Assistant
from genelit.settings import Settings
assistant = Assistant(Settings(data_dir=Path(sys.argv[1])))
assistant.ask("warm up", mode="extractive")
for mode in sys.argv[2].split(","):
    for question in json.loads(sys.argv[3]):
        started = time.perf_counter()
        answer = assistant.ask(question, mode=mode)
        row = {"mode": mode, "seconds": time.perf_counter() - started, "answer": answer.model_dump(mode="json")}
        print(json.dumps(row), flush=True)
assistant.close()
"""


def answer_all(data_dir: Path, modes: str, fast: bool, source: Path | None = None) -> list[dict]:
    """Answer QUESTIONS in each mode with genelit from `source` (a worktree) or this checkout."""
    # `python -c` puts the working directory first on sys.path, ahead of the editable install.
    # --fast goes through the environment, which every revision's Settings reads the same way.
    env = {**os.environ, **({"GENELIT_LLM__LOCAL_MODEL": "qwen2.5-coder-0.5b"} if fast else {})}
    done = subprocess.run([sys.executable, "-c", _ANSWER_ALL, str(data_dir.resolve()), modes, json.dumps(QUESTIONS)],
                          capture_output=True, text=True, cwd=source or HERE.parent, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"answering failed:\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def measure(assistant: Assistant, answer: Answer) -> tuple[float | None, float | None]:
    """(supported share, on-entity share) of one answer, by today's checks, whatever code wrote it."""
    focus = assistant.focus(answer.question)
    pool = EvidencePool(answer.question, answer.evidence, focus, assistant.index.embedder.embed, assistant.settings.answer)
    verdict = answer.verdict.line if answer.verdict else None
    claims = [s for s in split_text(answer.text) if (citation_ids(s) or "[unsupported]" in s) and s != verdict]
    cited_claims = [s.replace("[unsupported]", "") for s in claims if citation_ids(s)]
    exempt = (answer.verdict.line,) if answer.verdict else ()  # derived from the evidence, not a claim to check
    _text, records = SupportChecker(pool, answer.model_outputs).check("\n".join(cited_claims), exempt=exempt)
    supported = sum(r.supported and not r.moved_from for r in records)
    share = supported / len(claims) if claims else None
    if not focus:
        return share, None
    papers = {e.id: e.paper for e in answer.evidence}
    cited = [cid for s in claims for cid in citation_ids(s) if cid in papers]
    on = [focus.mentions_any(f"{papers[cid].title}\n{papers[cid].abstract}") for cid in cited]
    return share, (sum(on) / len(on) if on else None)


def summarise(assistant: Assistant, rows: list[dict], mode: str) -> dict[str, float | None]:
    picked = [r for r in rows if r["mode"] == mode]
    latencies = [r["seconds"] for r in picked]
    shares, on_entity = [], []
    for row in picked:
        share, on = measure(assistant, Answer.model_validate(row["answer"]))
        if share is not None:
            shares.append(share)
        if on is not None:
            on_entity.append(on)
    return {
        "p50": statistics.median(latencies), "p95": percentile(latencies, 95),
        "supported": statistics.mean(shares) if shares else None,
        "on_entity": statistics.mean(on_entity) if on_entity else None,
        "verdicts": sum(1 for r in picked if r["answer"].get("verdict")),
    }


def answer_sides(args: argparse.Namespace) -> dict[str, list[dict]]:
    """Answers from this checkout and, with --baseline, from that revision in a temporary worktree."""
    sides = {"now": answer_all(args.data_dir, args.modes, args.fast)}
    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="genelit-baseline-") as tmp:
            subprocess.run(["git", "-C", str(HERE.parent), "worktree", "add", "--detach", tmp, args.baseline],
                           check=True, capture_output=True)
            try:
                sides[args.baseline] = answer_all(args.data_dir, args.modes, args.fast, Path(tmp))
            finally:
                subprocess.run(["git", "-C", str(HERE.parent), "worktree", "remove", "--force", tmp], check=False)
    return sides


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=HERE / "out" / "sample-index")
    parser.add_argument("--fast", action="store_true", help="the 0.5B model instead of the 1.5B default")
    parser.add_argument("--baseline", default=None, help="a git revision to compare with, e.g. d01123f")
    parser.add_argument("--modes", default="extractive,pipeline")
    parser.add_argument("--rows", type=Path, default=None,
                        help="keep the answers in this JSON file; when it exists, measure it again instead of answering")
    args = parser.parse_args()
    if args.rows and args.rows.exists():
        sides = json.loads(args.rows.read_text())
    else:
        sides = answer_sides(args)
        if args.rows:
            args.rows.write_text(json.dumps(sides))
    assistant = Assistant(Settings(data_dir=args.data_dir))
    print(f"answers to {len(QUESTIONS)} questions on {args.data_dir} ({'0.5B' if args.fast else '1.5B'} model for pipeline)")
    print(f"{'mode':<11}{'side':<10}{'p50 s':>7}{'p95 s':>7}{'target':>8}{'p50/target':>11}{'supported':>11}"
          f"{'on-entity':>11}{'verdicts':>9}")
    for mode in args.modes.split(","):
        for side, rows in sides.items():
            s = summarise(assistant, rows, mode)
            print(f"{mode:<11}{side:<10}{s['p50']:>7.2f}{s['p95']:>7.2f}{TARGETS[mode]:>8.1f}"
                  f"{ratio(s['p50'] or 0.0, TARGETS[mode]):>11}{_fmt(s['supported']):>11}{_fmt(s['on_entity']):>11}"
                  f"{s['verdicts']:>9}")
    print(f"peak RSS of the measuring process: {peak_rss_mb():.0f} MB (answers ran in child processes)")


if __name__ == "__main__":
    main()
