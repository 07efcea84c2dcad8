"""Agent mode: a LangChain tool-calling loop with a step limit and a time limit.

The model sees the tools' schemas; each reply's tool calls (structured, <tool_call> tagged or
fenced JSON) are validated and run; errors go back as observations. When the model stops
calling tools, or the limits are reached, its last text is the draft answer.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from genelit.agent.prompts import AGENT, FINAL_NUDGE
from genelit.agent.toolcalls import parse_reply
from genelit.tools.base import Events, EvidenceLedger, Tool, call_tool


def token_usage(reply: Any, tokens: dict[str, int]) -> dict[str, int]:
    """Add a reply's prompt and completion token counts, where the endpoint reports them, to `tokens` (a streamed reply
    from llama-cpp-python's server reports none: the counts are then left out, not given as 0)."""
    usage = getattr(reply, "usage_metadata", None)
    if not usage:
        return tokens
    tokens["prompt"] = tokens.get("prompt", 0) + int(usage.get("input_tokens", 0))
    tokens["completion"] = tokens.get("completion", 0) + int(usage.get("output_tokens", 0))
    return tokens


def reply_to(chat_model: Any, messages: list[Any], on_token: Callable[[str], None] | None = None) -> Any:
    """The model's reply to `messages`. With `on_token`, the reply is streamed and each piece of text is passed on as
    it arrives: a local model takes minutes on two cores, and a reader should see it writing. The pieces add up to
    the same message `invoke` returns (with token counts where the endpoint sends them)."""
    if on_token is None:
        return chat_model.invoke(messages)
    from langchain_core.messages import AIMessageChunk

    reply: Any = None
    for chunk in chat_model.stream(messages):
        if isinstance(chunk.content, str) and chunk.content:
            on_token(chunk.content)
        reply = chunk if reply is None else reply + chunk
    return reply if reply is not None else AIMessageChunk(content="")


def run_agent(
    question: str,
    chat_model: Any,
    tools: list[Tool],
    ledger: EvidenceLedger,
    max_steps: int,
    time_limit_s: float,
    history: list[Any] | None = None,
    on_event: Events | None = None,
    on_token: Callable[[str], None] | None = None,
) -> tuple[str, dict[str, int], list[str]]:
    """(draft answer, token counts, notes). `on_token` sees the final answer's text as it is written (tool-calling
    turns are not streamed: they are calls, shown as tool events)."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

    by_name = {t.name: t for t in tools}
    bound = chat_model.bind_tools([t.schema() for t in tools])
    messages: list[Any] = [SystemMessage(AGENT), *(history or []), HumanMessage(question)]
    tokens: dict[str, int] = {}
    notes: list[str] = []
    started = time.monotonic()
    for _step in range(max_steps):
        if time.monotonic() - started > time_limit_s:
            notes.append(f"agent stopped at its {time_limit_s:.0f} s time limit")
            break
        reply = bound.invoke(messages)
        token_usage(reply, tokens)
        parsed = parse_reply(str(reply.content or ""), list(getattr(reply, "tool_calls", []) or []))
        if not parsed.calls and not parsed.errors:
            return parsed.text, tokens, notes
        structured = bool(getattr(reply, "tool_calls", None))
        messages.append(reply if structured else AIMessage(str(reply.content)))
        observations = []
        for call in parsed.calls:
            text = call_tool(by_name, ledger, call.name, call.arguments, on_event)
            if structured:
                messages.append(ToolMessage(content=text, tool_call_id=call.id or uuid.uuid4().hex))
            else:
                observations.append(f"<tool_response name=\"{call.name}\">\n{text}\n</tool_response>")
        observations += [f"error: {e}" for e in parsed.errors]
        if observations:
            messages.append(HumanMessage("\n".join(observations)))
    else:
        notes.append(f"agent reached its limit of {max_steps} steps")
    final = reply_to(chat_model, [*messages, HumanMessage(FINAL_NUDGE)], on_token)
    token_usage(final, tokens)
    return parse_reply(str(final.content or "")).text, tokens, notes
