"""What kind of answer a question asks for, so the answer can open with it: a verdict (yes/no), the entity asked
for (factoid), every item (list), or a short explanation (summary). Recognised by form, as BioASQ names the kinds.

On the 1,991 BioASQ dev questions the kinds are told apart for 0.83 of them (yes/no 0.99, factoid 0.78, list 0.76,
summary 0.78): "What is X?" is asked both as a factoid and as a summary (159 summaries to 38 factoids, for a bare
noun phrase), and a wrong guess only changes the shape the model is asked for, never what it may claim.
"""

from __future__ import annotations

import re
from typing import Literal

from genelit.agent.verdict import is_yes_no

QuestionKind = Literal["yesno", "factoid", "list", "summary"]

_PLURAL = r"[a-z-]{2,}(?<!ss)(?<!is)(?<!us)s"
_LIST = re.compile(
    rf"^\W*(?:list|name|enumerate|mention)\b"
    rf"|^\W*(?:which|what)\s+(?:[\w-]+\s+){{0,3}}?{_PLURAL}\s+(?:are|were|have|do|did|can|could|is|was|has|may|might|should|"
    rf"will|would|cause|\w+s)\b"
    rf"|^\W*(?:which|what)\s+are\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?{_PLURAL}\b", re.I)
_SUMMARY = re.compile(
    r"^\W*(?:describe|explain|summari[sz]e|discuss|how\b(?!\s+many|\s+much)|why)\b"
    r"|^\W*what\s+(?:is|are|was)\s+(?:the\s+)?(?:role|function|mechanism|effect|impact|purpose|association|relationship|"
    r"difference|use|significance|importance|advantages?|pathophysiology|mode of action|rationale|outcome|evidence|current|"
    r"clinical|main)\b|^\W*what\s+is\s+known\b|^\W*can you\b|^\W*what\s+does\b", re.I)
# "What is an exosome?": a short noun phrase and nothing else asks for a definition, a sentence, not a name ("What is
# inhibited by TH1579?", "What is the most common pediatric glioma?" and "What is X targeting?" ask for a name).
_TERM = (r"(?!(?:by|for|of|in|on|to|with|from|used|at|the|called|known|inhibited|associated|caused|most|least|first|"
         r"main|best|predicted)\b)[\w’'.,/()-]+")
_DEFINITION = re.compile(rf"^\W*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?({_TERM}(?:\s+{_TERM}){{0,3}})(?<!ing)\s*[?.]?\s*$", re.I)


def question_kind(question: str) -> QuestionKind:
    if is_yes_no(question):
        return "yesno"
    if _SUMMARY.search(question) or defined_term(question):
        return "summary"
    if _LIST.search(question):
        return "list"
    return "factoid"


def defined_term(question: str) -> str:
    """The term a "What is X?" question asks to define ("exosome" in "What is an exosome?"), or ''."""
    match = _DEFINITION.search(question)
    return " ".join(match.group(1).split()) if match else ""


def defines(sentence: str, term: str) -> bool:
    """Whether `sentence` opens by saying what `term` is: the term (or its plural, or in brackets after its spelled-out
    name) before an 'is', 'are' or 'refers to' among its first words, alone. "Circular RNAs (circRNAs) are a class of
    non-coding RNA" defines circRNA; "Exosomes function in signalling" and "Granzyme B and perforin are stored in
    granules" do not."""
    head = re.match(r"^(.{0,80}?)\s(?:is|are|was|were|refers?\s+to|represents?)\s", sentence.strip(), re.I)
    if not term or head is None or " and " in head.group(1):
        return False
    return bool(re.search(rf"(?<![\w-]){re.escape(term)}(?:e?s)?(?![\w-])", head.group(1), re.I))
