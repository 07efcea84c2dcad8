"""`genelit chat` and `genelit ask` end to end through the CLI, with scripted input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from genelit.cli import app
from genelit.settings import Settings
from tests.fakes import SOURCE_LINE

runner = CliRunner()


def test_chat_keeps_evidence_across_turns(small_index: Settings) -> None:
    script = "\n".join([
        "How does language experience shape pitch processing?",
        "/sources",
        "/mode extractive",
        "/nonsense",
        "/clear",
        "/sources",
        "/quit",
    ]) + "\n"
    result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "chat", "--mode", "extractive"], input=script,
                           env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("[PMID:") >= 2  # the answer's digest cites papers
    before_clear, _, after_clear = out.partition("cleared the conversation and its evidence")
    answer_part, _, sources_part = before_clear.partition("supported sentences")
    assert not SOURCE_LINE.search(answer_part) and SOURCE_LINE.search(sources_part)  # /sources printed the evidence
    assert "mode: extractive" in out and "unknown command /nonsense" in out
    assert "no evidence yet" in after_clear and not SOURCE_LINE.search(after_clear)


def test_ask_json_structure(small_index: Settings) -> None:
    result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "ask",
                                 "How does language experience shape pitch processing?", "--mode", "extractive", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["mode"] == "extractive" and answer["citations"] and answer["evidence"] and answer["trace"]
    assert {c["id"] for c in answer["citations"]} <= {e["id"] for e in answer["evidence"]} | {m["id"] for m in answer["model_outputs"]}
    assert answer["settings_hash"] and answer["timings"]["total"] > 0


def test_ask_errors_exit_2(small_index: Settings, tmp_path) -> None:
    result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "ask", " "])
    assert result.exit_code == 2 and "empty question" in result.output
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "ask", "TP53?"])
    assert result.exit_code == 2 and "no literature index" in result.output
