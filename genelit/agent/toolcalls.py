"""Read tool calls however a model writes them.

Capable models send structured `tool_calls`. Small local models often write them as text:
Qwen's `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`, or a fenced JSON block.
All three become the same `RequestedCall`; anything unreadable becomes an error the loop
shows the model as an observation, never an exception.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)
_FENCED = re.compile(r"```(?:json|tool_call)?\s*(\{.*?\})\s*```", re.S)


@dataclass
class RequestedCall:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    id: str = ""


@dataclass
class ParsedReply:
    calls: list[RequestedCall]
    errors: list[str]
    text: str  # what is left once the calls are taken out


def _from_json(blob: str) -> RequestedCall:
    data = json.loads(blob)
    if not isinstance(data, dict):
        raise ValueError("a tool call must be a JSON object")
    if "function" in data and isinstance(data["function"], dict):
        data = data["function"]
    name = data.get("name")
    arguments = data.get("arguments", data.get("parameters", {}))
    if isinstance(arguments, str):
        arguments = json.loads(arguments) if arguments.strip() else {}
    if not isinstance(name, str) or not isinstance(arguments, dict):
        raise ValueError('expected {"name": "...", "arguments": {...}}')
    return RequestedCall(name=name, arguments=arguments)


def _looks_like_call(blob: str) -> bool:
    try:
        data = json.loads(blob)
    except json.JSONDecodeError:
        return '"name"' in blob
    return isinstance(data, dict) and ("name" in data or "function" in data)


def parse_reply(content: str, structured: list[dict[str, Any]] | None = None) -> ParsedReply:
    """Tool calls from a model reply: structured ones first, else tagged, else fenced JSON."""
    calls: list[RequestedCall] = []
    errors: list[str] = []
    for item in structured or []:
        arguments = item.get("args", item.get("arguments", {}))
        if isinstance(arguments, dict):
            calls.append(RequestedCall(name=str(item.get("name", "")), arguments=arguments, id=str(item.get("id", ""))))
        else:
            errors.append(f"tool call {item.get('name')!r} has non-object arguments")
    if calls or errors:
        return ParsedReply(calls, errors, content)
    text = content or ""
    for pattern in (_TAGGED, _FENCED):
        blobs = pattern.findall(text)
        if not blobs:
            continue
        for blob in blobs:
            if pattern is _FENCED and not _looks_like_call(blob):
                continue  # an answer may quote JSON; only {"name": ...} objects are calls
            try:
                calls.append(_from_json(blob))
            except (ValueError, json.JSONDecodeError) as exc:
                errors.append(f"could not read a tool call ({exc}): {blob[:120]!r}")
        if calls or errors or pattern is _TAGGED:
            text = pattern.sub("", text).strip()
            break
    return ParsedReply(calls, errors, text)
