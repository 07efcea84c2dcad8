"""What every tool shares: argument validation, the run's evidence ledger, and error observations.

Tool errors caused by the input (a bad variant, an unknown gene) go back to the LLM as an
observation it can act on; anything else is a bug and stops the run (smolagents' rule).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from genelit.errors import GenelitError
from genelit.types import Evidence, ModelOutput, ToolCall


class EvidenceLedger:
    """Everything one run collected, with the ids an answer may cite."""

    def __init__(self) -> None:
        self.papers: dict[str, Evidence] = {}
        self.models: list[ModelOutput] = []
        self.payloads: list[BaseModel] = []
        self.trace: list[ToolCall] = []

    def add_papers(self, evidence: list[Evidence]) -> list[str]:
        for item in evidence:
            self.papers.setdefault(item.id, item)
        return [item.id for item in evidence]

    def add_model_output(self, tool: str, model: str, weights_hash: str, input_text: str, summary: str) -> str:
        output = ModelOutput(id=f"M{len(self.models) + 1}", tool=tool, model=model, weights_hash=weights_hash,
                             input=input_text, summary=summary)
        self.models.append(output)
        return output.id

    @property
    def valid_ids(self) -> set[str]:
        return set(self.papers) | {m.id for m in self.models}


@dataclass
class ToolResult:
    text: str
    payload: list[BaseModel] = field(default_factory=list)


@dataclass
class Tool:
    """A named function with a pydantic argument schema and a description written for the LLM."""

    name: str
    description: str
    args: type[BaseModel]
    func: Callable[..., ToolResult]

    def schema(self) -> dict[str, Any]:
        """OpenAI function-calling schema."""
        parameters = self.args.model_json_schema()
        parameters.pop("title", None)
        return {"type": "function", "function": {"name": self.name, "description": self.description, "parameters": parameters}}

    def run(self, ledger: EvidenceLedger, arguments: dict[str, Any]) -> ToolCall:
        started = time.perf_counter()
        try:
            parsed = self.args.model_validate(arguments)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
            return self._record(ledger, arguments, False, f"error: invalid arguments for {self.name}: {problems}", started)
        try:
            result = self.func(ledger, **parsed.model_dump())
        except GenelitError as exc:
            return self._record(ledger, arguments, False, f"error: {exc}", started)
        ledger.payloads.extend(result.payload)
        return self._record(ledger, arguments, True, result.text, started)

    def _record(self, ledger: EvidenceLedger, arguments: dict[str, Any], ok: bool, text: str, started: float) -> ToolCall:
        call = ToolCall(tool=self.name, arguments=dict(arguments), ok=ok, observation=text, seconds=round(time.perf_counter() - started, 3))
        ledger.trace.append(call)
        return call
