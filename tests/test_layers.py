"""The import contract: genelit's layers, lowest first; a module may import from its own package and from lower
layers only. An arrow back up (a service importing the CLI, the types importing a renderer) fails here, including
imports made inside functions, which hide a loop without removing it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "genelit"

LAYERS: list[set[str]] = [
    {"errors"},
    {"types", "limits", "files", "packages", "text", "lifeline"},  # leaves: plain data, plain text, small helpers
    {"settings", "gff"},
    {"keys", "sequence"},
    {"index", "tools"},  # the literature index (which links variants to genes); the tools' contract
    {"ncbi"},  # NCBI online: E-utilities, ClinVar, dbSNP, BLAST, the gene table's download
    {"agent"},  # answers: evidence, drafting, checks
    {"report"},  # rendering only
    {"services"},  # orchestration over index, sequence, agent and report
    {"api"},
    {"eval", "server"},  # faces over the API
    {"cli"},
]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}


def _unit(path: Path) -> str:
    """The top-level module or package of genelit a file belongs to."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, unit) of every genelit module a file imports, at any depth."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "genelit":
                found += [(node.lineno, alias.name) for alias in node.names]
            elif node.module.startswith("genelit."):
                found.append((node.lineno, node.module.split(".")[1]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.split(".")[1]) for a in node.names if a.name.startswith("genelit.")]
    return found


def test_every_unit_has_a_layer() -> None:
    units = {_unit(p) for p in PACKAGE.rglob("*.py")} - {"__init__", "__main__"}
    assert units - LEVEL.keys() == set(), "place each new module in LAYERS"


def test_no_import_runs_back_up() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = _unit(path)
        if unit in ("__init__", "__main__"):
            continue  # the package's own face re-exports the API
        for line, target in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if target != unit and target in LEVEL and LEVEL[target] >= LEVEL[unit]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} {unit} -> {target}")
    assert upward == []


def test_the_contract_catches_an_arrow_back_up(tmp_path: Path) -> None:
    """The check itself can fail: a service importing the CLI inside a function is found."""
    tree = ast.parse("def f():\n    from genelit.cli.render import answer\n    import genelit.server.app\n")
    assert [(LEVEL[t] >= LEVEL["services"], t) for _, t in _imported(tree)] == [(True, "cli"), (True, "server")]
