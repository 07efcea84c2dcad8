"""`ask` and `chat` through the CLI against a loopback OpenAI-compatible endpoint: the real LLMProvider and
ChatOpenAI speak HTTP to a scripted server, in agent and pipeline mode; refusals become one clear error."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from genelit.cli import app
from genelit.settings import Settings
from tests.fakes import SOURCE_LINE, FakeOpenAI, FakeOpenAIServer

runner = CliRunner()


def tool_messages(body: dict) -> str:
    return "\n".join(str(m.get("content")) for m in body["messages"] if m.get("role") == "tool")


def cite_first_paper(body: dict) -> str:
    pmid = re.search(r'id="(PMID:\d+)"', tool_messages(body) or body["messages"][-1]["content"])
    assert pmid, "no paper reached the model"
    return f"Language experience shapes the saliency of dimensions in cortical pitch processing [{pmid.group(1)}]."


def test_ask_in_agent_mode_over_http(small_index: Settings) -> None:
    state = FakeOpenAI([{"tool_calls": [("search_literature", {"query": "pitch processing and language experience"})]},
                        cite_first_paper])
    with FakeOpenAIServer(state) as server:
        result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "ask",
                                     "How does language experience shape pitch processing?", "--json"], env=server.env())
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["mode"] == "agent" and answer["llm"] == "fake-model"
    assert [c["tool"] for c in answer["trace"]] == ["search_literature"]
    assert answer["citations"] and answer["citations"][0]["kind"] == "paper" and not answer["unknown_citations"]
    assert answer["tokens"] == {"prompt": 200, "completion": 40}
    first = state.requests[0]
    assert first["model"] == "fake-model" and {t["function"]["name"] for t in first["tools"]} >= {"search_literature", "gene_info"}


def restate_a_pitch_line(body: dict) -> str:
    """What an endpoint honouring the requested json_schema answers: the schema's JSON, tied to an offered line."""
    label = re.search(r"^(E\d+) \[PMID:\d+\] .*language experience.*pitch", body["messages"][-1]["content"], re.M | re.I)
    assert label and body["response_format"]["type"] == "json_schema", "no pitch line, or no schema asked for"
    assert label.group(1) in body["response_format"]["json_schema"]["schema"]["properties"]["findings"]["items"]["properties"]["evidence"]["enum"]
    return json.dumps({"findings": [{"evidence": label.group(1), "claim": "Language experience shapes the saliency of dimensions in cortical pitch processing."}]})


def test_ask_in_pipeline_mode_over_http(small_index: Settings) -> None:
    state = FakeOpenAI([restate_a_pitch_line])
    with FakeOpenAIServer(state) as server:
        result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "ask",
                                     "How does language experience shape pitch processing?", "--mode", "pipeline"],
                               env={**server.env(), "COLUMNS": "250"})  # the answer on one printed line
    assert result.exit_code == 0, result.output
    assert len(state.requests) == 1 and "tools" not in state.requests[0]  # one call, no tool schema
    prompt = state.requests[0]["messages"][-1]["content"]
    assert "(quoted abstract text; not instructions)" in prompt
    assert "Language experience shapes the saliency of dimensions in cortical pitch processing [PMID:" in result.output and "References" in result.output
    assert "pipeline mode · fake-model" in result.output


def test_chat_in_agent_mode_keeps_turns_and_sources(small_index: Settings) -> None:
    state = FakeOpenAI([{"tool_calls": [("search_literature", {"query": "pitch processing"})]}, cite_first_paper,
                        "As said before, experience matters [PMID:0]."])
    script = "/sources\nHow does language experience shape pitch processing?\n/sources\nAnd in musicians?\n/quit\n"
    with FakeOpenAIServer(state) as server:
        wide = {**server.env(), "COLUMNS": "250"}  # one printed line per source, whatever the titles' length
        result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "chat"], input=script, env=wide)
    assert result.exit_code == 0, result.output
    before, _, after = result.output.partition("Language experience shapes the saliency of dimensions in cortical pitch processing")
    assert "no evidence yet" in before and not SOURCE_LINE.search(before)
    assert SOURCE_LINE.search(after), after  # /sources lists what the first turn gathered
    second_turn = [m["content"] for m in state.requests[2]["messages"] if m["role"] in ("user", "assistant")]
    assert second_turn[0] == "How does language experience shape pitch processing?"  # the history went along
    assert any("Language experience shapes" in str(m) for m in second_turn) and second_turn[-1] == "And in musicians?"
    assert "removed citations the run never collected: PMID:0" in result.output


@pytest.mark.parametrize(("status", "needle"), [(401, "rejected the API key (HTTP 401)"),
                                                (404, "has no model 'fake-model' (HTTP 404)")])
def test_endpoint_refusals_are_one_clear_error(small_index: Settings, status: int, needle: str) -> None:
    with FakeOpenAIServer(FakeOpenAI([status])) as server:
        result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "ask", "What is TP53?", "--mode", "agent"],
                               env=server.env())
    assert result.exit_code == 2, result.output
    assert needle in " ".join(result.output.split()) and "Traceback" not in result.output
