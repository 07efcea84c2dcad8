"""Tool-call parsing in every format (and garbage), and citation verification."""

from __future__ import annotations

from genelit.agent.toolcalls import parse_reply
from genelit.text.citations import UNSUPPORTED, check_citations, citations_before_stops
from genelit.text.sentences import split_text


def test_structured_calls() -> None:
    parsed = parse_reply("", [{"name": "gene_info", "args": {"name": "TP53"}, "id": "c1"}])
    assert [(c.name, c.arguments, c.id) for c in parsed.calls] == [("gene_info", {"name": "TP53"}, "c1")]


def test_tagged_calls_qwen_style() -> None:
    text = 'Let me look.\n<tool_call>\n{"name": "score_variant", "arguments": {"gene": "TP53", "variant": "R175H"}}\n</tool_call>'
    parsed = parse_reply(text)
    assert [(c.name, c.arguments) for c in parsed.calls] == [("score_variant", {"gene": "TP53", "variant": "R175H"})]
    assert parsed.text == "Let me look." and not parsed.errors


def test_fenced_json_and_string_arguments() -> None:
    text = '```json\n{"name": "search_literature", "arguments": "{\\"query\\": \\"BRCA1\\"}"}\n```'
    parsed = parse_reply(text)
    assert [(c.name, c.arguments) for c in parsed.calls] == [("search_literature", {"query": "BRCA1"})]


def test_garbage_becomes_errors_not_exceptions() -> None:
    for text in ["<tool_call>{not json}</tool_call>", '<tool_call>["a", "list"]</tool_call>',
                 '<tool_call>{"name": 5, "arguments": {}}</tool_call>', "<tool_call>{\"name\": \"x\", \"arguments\": [1]}"]:
        parsed = parse_reply(text)
        assert parsed.calls == [] and parsed.errors, text
    plain = parse_reply("TP53 is a tumour suppressor [PMID:1].")
    assert plain.calls == [] and plain.errors == [] and plain.text.startswith("TP53")


def test_citations_unknown_removed_and_reported() -> None:
    draft = "C61G disrupts the RING domain [PMID:123, PMID:999]. The model calls it damaging [M1]. Also see [M7]."
    checked = check_citations(draft, {"PMID:123", "M1"})
    assert checked.cited == ["PMID:123", "M1"]
    assert checked.unknown == ["PMID:999", "M7"]
    assert "PMID:999" not in checked.text and "[M7]" not in checked.text and "[PMID:123]" in checked.text


def test_uncited_sentences_are_marked() -> None:
    checked = check_citations("Variants in BRCA1 raise cancer risk substantially. It is cited here [PMID:5].", {"PMID:5"})
    assert checked.unsupported == ["Variants in BRCA1 raise cancer risk substantially."]
    assert checked.text.startswith("Variants in BRCA1 raise cancer risk substantially. " + UNSUPPORTED)


def test_brackets_that_are_not_citations_are_left_alone() -> None:
    checked = check_citations("The [RING] domain and [13C] label matter here [PMID:5].", {"PMID:5"})
    assert "[RING]" in checked.text and "[13C]" in checked.text and checked.unknown == []


def test_citations_after_the_full_stop_are_tucked_in() -> None:
    draft = "TP53 R175H is linked to cancer. [PMID:34090364] It is common. [PMID:1] [M2] It was seen [in vitro]. [in vitro] Done."
    assert citations_before_stops(draft) == ("TP53 R175H is linked to cancer [PMID:34090364]. It is common [PMID:1] [M2]. "
                                             "It was seen [in vitro]. [in vitro] Done.")
    assert split_text(citations_before_stops(draft))[:2] == ["TP53 R175H is linked to cancer [PMID:34090364].",
                                                             "It is common [PMID:1] [M2]."]
    assert split_text("A is B [PMID:1]. [unsupported] This C [PMID:2].") == ["A is B [PMID:1]. [unsupported]", "This C [PMID:2]."]
