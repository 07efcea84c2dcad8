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


def test_model_chosen_by_option_streams_its_draft_and_is_kept_in_the_history(small_index: Settings) -> None:
    """Issue 25: `--model/--base-url/--api-key-env` pick the endpoint (no GENELIT_LLM__* set), the draft streams to
    stderr as the model writes it, and the answer lands in `genelit logs`."""
    state = FakeOpenAI([restate_a_pitch_line])
    data = ["--data-dir", str(small_index.data_dir)]
    with FakeOpenAIServer(state) as server:
        chosen = [*data, "--model", "fake-model", "--base-url", server.base_url, "--api-key-env", "LAB_LLM_KEY"]
        result = runner.invoke(app, [*chosen, "ask", "How does language experience shape pitch processing?", "--mode",
                                     "pipeline"], env={"LAB_LLM_KEY": "sk-lab", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    request = state.requests[0]
    assert request["model"] == "fake-model" and request["stream"] is True and request["stream_options"] == {"include_usage": True}
    streamed, _, answered = result.output.partition("drafted in")
    assert "the model writes" in streamed and '{"findings": [{"evidence": "E' in streamed  # the reply's text, as it came
    assert "Language experience shapes the saliency of dimensions in cortical pitch processing [PMID:" in answered
    logs = runner.invoke(app, [*data, "logs", "-n", "1", "--json"])
    assert logs.exit_code == 0, logs.output
    (kept,) = json.loads(logs.output)
    assert kept["answer"]["question"] == "How does language experience shape pitch processing?"
    assert kept["answer"]["llm"] == "fake-model" and kept["answer"]["mode"] == "pipeline"
    assert kept["answer"]["tokens"] == {"prompt": 100, "completion": 20}  # counted from the stream's usage chunk
    assert kept["answer"]["evidence"] and kept["answer"]["citations"]  # the contexts are kept, not just the text


def test_logs_give_the_newest_answers_first(tmp_path, small_index: Settings) -> None:
    data = ["--data-dir", str(small_index.data_dir)]
    questions = [f"What is known about {topic}?" for topic in ("factor VIII", "pitch processing", "podocytes", "p53")]
    for question in questions:
        assert runner.invoke(app, [*data, "ask", question, "--mode", "extractive", "--json"]).exit_code == 0
    result = runner.invoke(app, [*data, "logs", "-n", "3", "--json"])
    assert result.exit_code == 0, result.output
    kept = json.loads(result.output)
    assert [k["answer"]["question"] for k in kept] == questions[::-1][:3]
    assert kept[0]["id"] > kept[1]["id"] > kept[2]["id"] and all(k["answer"]["mode"] == "extractive" for k in kept)
    people = runner.invoke(app, [*data, "logs", "-n", "2"], env={"COLUMNS": "200"})
    assert people.output.index(questions[2]) < people.output.index(questions[3])  # newest nearest the prompt
    off = runner.invoke(app, [*data, "ask", "Anything on BRCA1?", "--mode", "extractive", "--json"], env={"GENELIT_HISTORY": "false"})
    assert off.exit_code == 0 and json.loads(runner.invoke(app, [*data, "logs", "-n", "1", "--json"]).output)[0]["answer"][
        "question"] == questions[3]  # history off: nothing kept


def test_models_lists_local_and_served_models(small_index: Settings) -> None:
    state = FakeOpenAI(model="lab-70b")
    with FakeOpenAIServer(state) as server:
        result = runner.invoke(app, ["--base-url", server.base_url, "--model", "lab-70b", "models", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["auto_mode"] == "agent"
    served = [m for m in report["models"] if m["source"] == "endpoint"]
    assert served == [{"name": "lab-70b", "source": "endpoint", "location": server.base_url, "ready": True, "status": "served",
                       "selected": True}]
    assert {m["name"] for m in report["models"] if m["source"] == "local"} == {"qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"}
    gone = runner.invoke(app, ["--base-url", server.base_url, "--model", "lab-70b", "models", "--json"])  # server stopped
    (row,) = [m for m in json.loads(gone.output)["models"] if m["source"] == "endpoint"]
    assert not row["ready"] and row["status"].startswith("endpoint unreachable") and row["selected"]
    local = json.loads(runner.invoke(app, ["models", "--json"]).output)
    assert local["auto_mode"] == "pipeline" and [m["name"] for m in local["models"] if m["selected"]] == ["qwen2.5-coder-1.5b"]


def test_model_options_refuse_what_cannot_work() -> None:
    unknown = runner.invoke(app, ["--model", "gpt-9", "models"])
    assert unknown.exit_code == 2 and "--model 'gpt-9' needs an endpoint" in unknown.output
    unset = runner.invoke(app, ["--api-key-env", "NO_SUCH_VARIABLE_SET", "models"])
    assert unset.exit_code == 2 and "NO_SUCH_VARIABLE_SET, which is unset or empty" in unset.output


def test_a_kept_key_is_private_used_and_never_printed() -> None:
    from genelit.settings import keys_file

    secret = "sk-kept-0123456789"
    result = runner.invoke(app, ["keys", "set", "llm"], input=secret + "\n")
    assert result.exit_code == 0, result.output
    try:
        assert keys_file().stat().st_mode & 0o777 == 0o600
        assert Settings.load().llm.api_key.get_secret_value() == secret  # type: ignore[union-attr]
        assert Settings.load(llm={"api_key": "sk-given"}).llm.api_key.get_secret_value() == "sk-given"  # type: ignore[union-attr]
        listed = runner.invoke(app, ["keys", "list"])
        assert "llm   kept" in listed.output and secret not in listed.output + result.output
        assert runner.invoke(app, ["keys", "set", "github"], input="x\n").exit_code == 2
    finally:
        assert runner.invoke(app, ["keys", "remove", "llm"]).exit_code == 0
    assert Settings.load().llm.api_key is None
