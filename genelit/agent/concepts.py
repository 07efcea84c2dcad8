"""The diseases and phenotypes a text names, so that an answer is held to them as it is to genes and variants.

A question about "TP53 missense variants in Li-Fraumeni syndrome" is not answered by papers that share only the
gene, and a claim about breast-cancer risk is not supported by a mesothelioma trial. Disease names are found by
their form: up to three words before a head noun that names a disease ("Li-Fraumeni syndrome", "Duchenne muscular
dystrophy", "breast cancer", "Alzheimer's disease"), matched again in other text with spaces and hyphens
interchangeable and the possessive optional. A name without such a head noun (phenylketonuria) is not found; the
checks then fall back to the genes and variants alone, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from genelit.types import Paper

_HEAD = re.compile(
    r"syndromes?|diseases?|disorders?|cancers?|[a-z]*omas?|tumou?rs?|neoplasms?|leuka?emias?|an(?:a)?emias?|dystroph(?:y|ies)|"
    r"deficienc(?:y|ies)|atroph(?:y|ies)|fibrosis|sclerosis|cardiomyopath(?:y|ies)|diabetes|hypertension|epilepsy|dementia|"
    r"ataxias?|neuropath(?:y|ies)|infections?|arthritis|hepatitis|colitis|asthma|obesity|autism|schizophrenia|palsy|"
    r"ha?emophilia|thalassa?emia|phenylketonuria", re.I)
_NOT_HEADS = {"genome", "chromosome", "diploma", "stroma", "coma", "aroma", "soma"}
_TOKEN = re.compile(r"[\w'’]+(?:-[\w'’]+)*|[^\w\s]")
_SYMBOL = re.compile(r"[A-Z0-9-]{2,}")  # a gene symbol or an abbreviation opens no disease name
_WITH_SYMBOL = re.compile(r"[A-Z]{2,}\d|[A-Z]\d[A-Z0-9]*")
MAX_WORDS = 3  # words a name may carry before its head noun
# Words that open a phrase but are not part of a disease's name.
_LEADING = {
    "a", "an", "the", "in", "of", "on", "for", "with", "and", "or", "to", "from", "by", "about", "is", "are", "was", "were",
    "what", "which", "who", "how", "does", "do", "did", "can", "risk", "risks", "patients", "patient", "carriers", "variants",
    "variant", "mutations", "mutation", "missense", "known", "associated", "cause", "causes", "causing", "treatment", "treat",
    "this", "that", "these", "those", "its", "their", "his", "her", "human", "common", "rare", "other", "early", "onset",
    "developing", "develop", "severe", "mild", "type", "types", "gene", "genes", "protein", "role", "link", "between",
    "against", "at", "as", "be", "been", "has", "have", "had", "not", "no", "all", "any", "some", "many", "most", "more",
    "list", "name", "describe", "mention", "enumerate", "summarize", "summarise", "explain", "discuss", "define", "heritable", "inherited", "hereditary", "genetic", "familial",
}
_GENERIC = {"disease", "diseases", "disorder", "disorders", "cancer", "cancers", "tumor", "tumour", "tumors", "tumours",
            "syndrome", "syndromes", "infection", "infections", "neoplasm", "neoplasms"}


@dataclass(frozen=True)
class Concept:
    """One disease or phenotype and how to find it in text."""

    label: str
    pattern: re.Pattern[str]

    def found_in(self, text: str) -> bool:
        return self.pattern.search(text) is not None

    def in_paper(self, paper: Paper) -> bool:
        """Named in the paper's title, abstract or MeSH headings (which name a disease an abstract may only imply)."""
        return self.found_in(f"{paper.title}\n{paper.abstract}\n{'; '.join(paper.mesh)}")


def _pattern(label: str) -> re.Pattern[str]:
    words = []
    for word in re.split(r"[\s-]+", label):
        stem = re.sub(r"['’]s$", "", word)
        plural = "s?" if re.search(r"(?:syndrome|disease|disorder|cancer|tumou?r|carcinoma|infection)$", stem, re.I) else ""
        words.append(re.escape(stem) + (r"(?:['’]s)?" if stem != word else "") + plural)
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?![\w-])", re.I)


def concepts_of(text: str) -> list[Concept]:
    """The disease names in `text`, each once: a head noun with the words before it that are not function words (at
    most MAX_WORDS, of which one lower-case: a verb or a stray word before 'breast cancer' is no part of it), and a
    following head noun too ('... cancer syndrome'); a bare 'cancer' or 'disease' is no name."""
    tokens = _TOKEN.findall(text)
    found: dict[str, Concept] = {}
    i = 0
    while i < len(tokens):
        if not _is_head(tokens[i]):
            i += 1
            continue
        end = i
        while end + 1 < len(tokens) and _is_head(tokens[end + 1]):
            end += 1
        start, plain = i, 0  # plain: lower-case words taken; one at most ('breast', not 'raise breast')
        while start > 0 and i - start < MAX_WORDS and _may_name(tokens[start - 1]):
            word = tokens[start - 1]
            if word[:1].islower():
                if plain:
                    break
                plain += 1
            start -= 1
        label = " ".join(tokens[start : end + 1])
        if label.lower() not in _GENERIC:
            found.setdefault(label.lower(), Concept(label, _pattern(label)))
        i = end + 1
    return list(found.values())


def _is_head(token: str) -> bool:
    return bool(_HEAD.fullmatch(token)) and token.lower() not in _NOT_HEADS


def _may_name(token: str) -> bool:
    """A word that can belong to a disease's name: not a function word, and no gene symbol ('BAP1-deficient')."""
    return (token[:1].isalnum() and token.lower().strip("'’") not in _LEADING and not _SYMBOL.fullmatch(token)
            and not _WITH_SYMBOL.search(token))


def uncovered(text: str, papers: Iterable[Paper]) -> list[str]:
    """The diseases `text` names that none of `papers` mentions (title, abstract or MeSH headings); none without papers."""
    papers = list(papers)
    if not papers:
        return []
    return [c.label for c in concepts_of(text) if not any(c.in_paper(p) for p in papers)]


COVERAGE_NOTE = "the answer cannot speak to it"  # how an answer's note on an uncovered disease ends


def coverage_line(labels: list[str]) -> str:
    """What an answer or a report says first when the literature it found does not mention part of the question."""
    return f"No retrieved paper mentions {' or '.join(labels)}, so nothing below speaks to {'them' if len(labels) > 1 else 'it'}."
