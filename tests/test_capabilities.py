"""One capability registry: the model's tools, MCP and the JSON API take each parameter, with its limits and its
description, from services/capabilities.py, so no face can cap `k` or read a variant differently from another."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from genelit.api import Assistant
from genelit.limits import MODEL_SEARCH_K, SEARCH_K, VARIANTS_PER_CALL
from genelit.server.app import create_app
from genelit.server.mcp import build_server
from genelit.settings import EntrezSettings, Settings
from genelit.tools.base import EvidenceLedger
from genelit.types import Paper

# the JSON API's route for each capability it serves, and how it names a parameter the others name differently
ROUTES = {"search_literature": ("/api/search", "get"), "variant_literature": ("/api/variant-literature", "get"),
          "variants_in": ("/api/variants-in", "get"), "score_variant": ("/api/variant", "post"),
          "scan_protein": ("/api/scan", "post"), "annotate_sequence": ("/api/annotate", "post")}
REST_NAMES = {"q": "query"}


def _contract(schema: dict[str, Any]) -> dict[str, Any]:
    """What a parameter's schema promises (type, limits, description, choices, default), without the generated title;
    an optional query parameter's null default is implied by its not being required."""
    return {key: _number(value) for key, value in schema.items() if key != "title" and not (key == "default" and value is None)}


def _number(value: Any) -> Any:
    """A limit as a number whatever its JSON spelling (OpenAPI writes 10000.0 where pydantic writes 10000)."""
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_number(v) for v in value]
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _llm(assistant: Assistant) -> dict[str, dict[str, Any]]:
    return {t.name: t.schema()["function"]["parameters"]["properties"] for t in assistant.answers.toolbox.tools()}


def _mcp(assistant: Assistant) -> dict[str, dict[str, Any]]:
    tools = asyncio.run(build_server(assistant).list_tools())
    return {t.name: t.input_schema["properties"] for t in tools}


def _rest(assistant: Assistant) -> dict[str, dict[str, Any]]:
    spec = create_app(assistant).openapi()
    found = {}
    for name, (path, method) in ROUTES.items():
        operation = spec["paths"][path][method]
        if method == "get":
            found[name] = {REST_NAMES.get(p["name"], p["name"]): p["schema"] for p in operation["parameters"]}
        else:
            model = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            found[name] = spec["components"]["schemas"][model]["properties"]
    return found


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    assistant = Assistant(Settings(data_dir=tmp_path_factory.mktemp("capabilities")))
    return {"llm": _llm(assistant), "mcp": _mcp(assistant), "rest": _rest(assistant)}


def test_every_face_takes_a_shared_parameter_as_the_registry_declares_it(faces: dict[str, dict[str, dict[str, Any]]]) -> None:
    compared = 0
    for capability in set(faces["llm"]) | set(faces["mcp"]) | set(faces["rest"]):
        offered = {face: tools[capability] for face, tools in faces.items() if capability in tools}
        for parameter in set().union(*offered.values()):
            seen = {face: _contract(params[parameter]) for face, params in offered.items() if parameter in params}
            if len(seen) > 1:
                compared += 1
                assert len({json.dumps(s, sort_keys=True) for s in seen.values()}) == 1, f"{capability}.{parameter} differs: {seen}"
    assert compared >= 20  # the faces overlap: most parameters are offered on two or three of them


def test_the_limits_that_used_to_disagree_are_one(faces: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Before the registry, search's k was capped at 20 for the model and 50 elsewhere, score_variant took one variant
    for the model and a list over MCP, and the model's scorer was a free string."""
    for face in ("llm", "mcp", "rest"):
        assert faces[face]["search_literature"]["k"]["maximum"] == SEARCH_K
        variants = faces[face]["score_variant"]["variants"]
        assert variants["maxItems"] == VARIANTS_PER_CALL and variants["items"] == {"type": "string"}  # each read on its own
        scorer = faces[face]["score_variant"]["scorer"]["anyOf"][0]
        assert scorer["enum"] == ["calibrated", "esm2", "blosum62", "grantham"]


def test_a_model_asking_for_more_papers_than_fit_is_told_so(tmp_path: Path) -> None:
    """The schema takes the registry's k; what a model is shown is capped by its context, and the observation says so."""
    assistant = Assistant(Settings(data_dir=tmp_path))
    assistant.index_records([Paper(pmid=str(n), title=f"BRCA1 study {n}", abstract=f"BRCA1 carriers, cohort {n}.", year=2020)
                             for n in range(1, 31)], "t")
    tools = {t.name: t for t in assistant.answers.toolbox.tools()}
    ledger = EvidenceLedger()
    call = tools["search_literature"].run(ledger, {"query": "BRCA1 carriers", "k": 30})
    assert call.ok and call.observation.startswith(f"(the {MODEL_SEARCH_K} best of the 30 asked for")
    assert call.observation.count("<paper ") == len(ledger.papers) == MODEL_SEARCH_K
    assert not tools["search_literature"].run(ledger, {"query": "BRCA1", "k": SEARCH_K + 1}).ok


def test_online_the_ncbi_capabilities_are_offered_on_both_faces(tmp_path: Path) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path, entrez=EntrezSettings(email="tester@example.org")))
    llm, mcp = _llm(assistant), _mcp(assistant)
    for name in ("clinvar", "snp", "blast"):
        assert llm[name] == mcp[name]
    assert llm["blast"]["program"]["enum"] == ["blastn", "megablast", "blastp", "blastx", "tblastn"]
