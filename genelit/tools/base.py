"""What every tool shares: argument validation, the run's evidence ledger, and error observations.

Tool errors caused by the input (a bad variant, an unknown gene) go back to the LLM as an
observation it can act on; anything else is a bug and stops the run (smolagents' rule).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from genelit.errors import GenelitError, clip
from genelit.types import Evidence, ModelOutput, ToolCall

Events = Callable[[str, str], None]


class EvidenceLedger:
    """Everything one run collected, with the ids an answer may cite."""

    def __init__(self) -> None:
        self.papers: dict[str, Evidence] = {}
        self.model_outputs: list[ModelOutput] = []
        self.trace: list[ToolCall] = []

    def add_papers(self, evidence: list[Evidence]) -> list[str]:
        for item in evidence:
            self.papers.setdefault(item.id, item)
        return [item.id for item in evidence]

    def add_model_output(self, tool: str, model: str, weights_hash: str, input_text: str, summary: str,
                         output_id: str | None = None) -> str:
        """Record a tool's output under the next M id, or under `output_id` (a database record's own, ClinVar:VCV…)."""
        numbered = sum(1 for m in self.model_outputs if m.id.startswith("M")) + 1
        output = ModelOutput(id=output_id or f"M{numbered}", tool=tool, model=model, weights_hash=weights_hash,
                             input=input_text, summary=summary)
        self.model_outputs.append(output)
        return output.id

    @property
    def valid_ids(self) -> set[str]:
        return set(self.papers) | {m.id for m in self.model_outputs}


@dataclass
class Tool:
    """A named function with a pydantic argument schema; its docstring is the description the LLM reads."""

    name: str
    description: str
    args_schema: type[BaseModel]
    func: Callable[..., str]

    @classmethod
    def from_method(cls, method: Callable[..., str], args_schema: type[BaseModel]) -> Tool:
        """A tool named after the method and described by its docstring, so code and contract cannot drift apart."""
        return cls(method.__name__, " ".join((inspect.getdoc(method) or "").split()), args_schema, method)

    def schema(self) -> dict[str, Any]:
        """OpenAI function-calling schema."""
        parameters = self.args_schema.model_json_schema()
        parameters.pop("title", None)
        return {"type": "function", "function": {"name": self.name, "description": self.description, "parameters": parameters}}

    def run(self, ledger: EvidenceLedger, arguments: dict[str, Any]) -> ToolCall:
        started = time.perf_counter()
        try:
            parsed = self.args_schema.model_validate(arguments)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
            return self._record(ledger, arguments, False, f"error: invalid arguments for {self.name}: {problems}", started)
        try:
            text = self.func(ledger, **parsed.model_dump())
        except GenelitError as exc:
            return self._record(ledger, arguments, False, f"error: {exc}", started)
        return self._record(ledger, arguments, True, text, started)

    def _record(self, ledger: EvidenceLedger, arguments: dict[str, Any], ok: bool, text: str, started: float) -> ToolCall:
        call = ToolCall(tool=self.name, arguments=dict(arguments), ok=ok, observation=text, seconds=round(time.perf_counter() - started, 3))
        ledger.trace.append(call)
        return call


SHOWN_VALUE_CHARS = 120  # a query or a sequence is shown whole up to here; a pasted genome is not


def shown_call(name: str, arguments: dict[str, Any], tool: Tool | None) -> str:
    """A call as a reader should see it: arguments as the tool will take them (k=5, not the model's k='5'), where
    they validate, and each value whole up to SHOWN_VALUE_CHARS."""
    values = dict(arguments)
    if tool is not None:
        try:
            parsed = tool.args_schema.model_validate(arguments).model_dump()
            values = {k: parsed[k] for k in arguments if k in parsed}
        except ValidationError:
            pass  # shown as sent: the observation says what was wrong with it
    return f"{name}({', '.join(f'{k}={clip(v, SHOWN_VALUE_CHARS)!r}' if isinstance(v, str) else f'{k}={v!r}' for k, v in values.items())})"


def call_tool(tools: dict[str, Tool], ledger: EvidenceLedger, name: str, arguments: dict[str, Any],
              on_event: Events | None = None) -> str:
    """Run one tool by name and return its observation, telling `on_event` what was called and what came back.

    An unknown name is an observation too, listing the tools there are, so a model can correct itself.
    """
    tool = tools.get(name)
    if on_event is not None:
        on_event("tool", shown_call(name, arguments, tool))
    if tool is None:
        text = f"error: there is no tool named {name!r}; the tools are {', '.join(tools)}"
    else:
        text = tool.run(ledger, arguments).observation
    if on_event is not None:
        on_event("observation", text.splitlines()[0][:120] if text else "")
    return text
