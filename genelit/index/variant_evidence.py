"""What kind of evidence a paper gives about a variant it names, and which way it points.

A geneticist weighing a variant reads the literature by kind, because ACMG/AMP (Richards et al. 2015) weighs each
kind under its own criteria: functional studies (PS3/BS3), clinical observations of cases, families, segregation
and de novo occurrence (PS2, PM6, PP1, PS4 in part), population studies of frequency and association (PS4, BS1,
BA1), and reviews, which restate others' evidence and add none of their own. A list of papers that merely name
the variant hides all of that.

The kind is read from the paper's publication types and words, by cue: each kind has a set of phrases that its
papers use and the others rarely do ("transfected", "luciferase", "knock-in mice"; "proband", "pedigree",
"segregated"; "case-control", "allele frequency", "odds ratio"). The kind with the most cue hits wins, a review
by its publication type or its own words first. The direction is read from the sentences that name the variant
(and the one after, which often says what it does): loss or impairment, pathogenic or deleterious wording is
"damaging"; "no effect", "neutral", "benign", "comparable to wild type" is "no effect"; anything else, or both,
is "unclear", and the sentence shown is the one that decided it.

Measured by `genelit eval evidence-kinds` on a labelled sample (see bench/labels/variant_evidence.csv).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from genelit.index.variant_mentions import find_mentions
from genelit.text.sentences import split_text
from genelit.types import Direction, EvidenceKind, Paper

_KIND_CUES: dict[EvidenceKind, re.Pattern[str]] = {
    "functional": re.compile(
        r"\b(?:in vitro|in vivo|transfect\w*|transduc\w*|express(?:ed|ing)\s+(?:the\s+)?(?:mutant|variant|wild)|"
        r"site-directed|mutagenesis|luciferase|reporter (?:assay|gene)|assays?|knock-?in|knock-?out|mice|mouse model|"
        r"zebrafish|drosophila|yeast|xenopus|cell lines?|cultured|HEK ?293\w*|COS-?7|enzyme activity|enzymatic|"
        r"kinetic\w*|binding affinity|crystal structure|molecular dynamics|in silico|computational(?:ly)?|"
        r"structural (?:analysis|model\w*)|homology model\w*|docking|thermostability|protein stability|"
        r"patch[- ]clamp|electrophysiolog\w*|currents?|western blot\w*|immunoprecipitat\w*|splicing assay|minigene|"
        r"functional (?:analysis|analyses|study|studies|characteri[sz]ation|consequences?|assay)|recombinant|purified|"
        r"biochemical|(?:catalytic|exonuclease|kinase|transcriptional|promoter|enzyme|residual) activit(?:y|ies)|"
        r"(?:DNA|ligand|receptor|protein)[- ]binding|mutant (?:proteins?|receptors?|channels?|enzymes?)|wild-type and mutant|"
        r"(?:subcellular )?(?:mis)?locali[sz]ation|cell-based|northern blot|allele-specific|minigenes?|"
        r"transactivat\w*|nuclear translocation|trafficking|immunofluorescence|immunostaining)\b",
        re.I),
    "clinical": re.compile(
        r"\b(?:probands?|pedigrees?|famil(?:y|ies)|kindreds?|siblings?|segregat\w*|de novo|case reports?|"
        r"we (?:report|describe|present)|(?:a|an|one|two) (?:\d+-year-old|patients?|boys?|girls?|wom[ae]n|m[ae]n|infants?|"
        r"child(?:ren)?|neonates?)|year-old|clinical (?:features?|presentation|phenotype|findings|course)|"
        r"phenotyp\w*|diagnos\w*|consanguineous|compound heterozygo\w*|carriers?|affected (?:members?|individuals?|"
        r"sibs?|siblings?|child(?:ren)?|males?|females?)|unaffected|index patients?|propositus|linkage)\b",
        re.I),
    "population": re.compile(
        r"\b(?:case-?control|cohorts?|populations?|allele frequenc\w*|genotype frequenc\w*|minor allele|frequenc\w*|"
        r"prevalence|odds ratios?|OR\s*=|95% ?CI|confidence intervals?|relative risk|hazard ratio|association stud\w*|"
        r"genome-wide|GWAS|meta-analys\w*|polymorphisms?|SNPs?|Hardy-Weinberg|healthy controls?|controls|"
        r"susceptibility|risk of|risk factors?|screen(?:ed|ing) (?:of )?\d[\d,]*|\d[\d,]* (?:subjects|individuals|"
        r"participants|cases))\b",
        re.I),
}
_REVIEW_TYPES = {"review", "systematic review", "meta-analysis"}
_REVIEW_WORDS = re.compile(r"\b(?:this|we|the present|in this) review\b|\breview(?:s|ed)? (?:the|of the) (?:literature|current|"
                           r"recent)\b|\bliterature review\b|\b(?:we|here we) (?:summari[sz]e|overview)\b|\boverview of\b", re.I)
FUNCTIONAL_CUES = 3  # this many distinct assay words mark an experimental paper, however many patients it describes

_DAMAGING = re.compile(
    r"\b(?:loss[- ]of[- ]function|gain[- ]of[- ]function|dominant[- ]negative|pathogenic|likely pathogenic|deleterious|"
    r"damaging|disease-causing|causative|causal|caus(?:e|es|ed|ing)|responsible for|underl(?:ie|ies|ying|ay)|oncogenic|"
    r"hypomorph\w*|abolish\w*|abrogat\w*|disrupt\w*|impair\w*|defective|deficient|inactivat\w*|destabili[sz]\w*|"
    r"misfold\w*|aberrant\w*|missplic\w*|exon skipping|skipp(?:ed|ing)|frame-?shifts?|premature (?:stop|termination)|"
    r"nonsense|truncat\w*|(?:co-?)?segregat\w* with|linked to|"
    r"(?:reduc|decreas|diminish|los)\w*\s+(?:the\s+)?(?:\w+\s+){0,3}(?:activity|function|expression|stability|binding|"
    r"levels?|currents?)|no (?:detectable |residual )?(?:activity|function|binding|current)|"
    r"(?:increas|enhanc|higher|elevat)\w*\s+(?:the\s+)?(?:\w+\s+){0,2}(?:risk|susceptibility)|risk (?:factor|allele|genotype)s?|"
    r"(?:significant(?:ly)?|strong(?:ly|est)?) associat\w*|associat\w* with)\b",
    re.I)
_NO_EFFECT = re.compile(
    r"\b(?:no (?:statistically )?(?:significant |apparent |detectable |functional |consistent |overall )?(?:effect|impact|change|"
    r"difference|association|correlation|evidence)s?|not (?:significantly |be )?associated|did not (?:affect|alter|change|impair|"
    r"reduce|disrupt|associate|differ|influence)|does not (?:affect|alter|change|impair|reduce|disrupt|confer)|"
    r"do not (?:confer|demonstrate|affect)|neutral|benign|tolerated|(?:similar|comparable) to (?:the )?wild[- ]type|"
    r"wild[- ]type[- ]like|retain\w* (?:\w+ ){0,2}(?:activity|function)|normal (?:activity|function)|non-?pathogenic|"
    r"unlikely to be (?:pathogenic|disease-causing)|did not result in (?:an )?amino acid|synonymous)\b",
    re.I)
MOST_VARIANTS_FOR_SUMMARY = 2  # a paper naming at most this many variants speaks of them in its title and conclusions


def evidence_kind(paper: Paper) -> tuple[EvidenceKind, list[str]]:
    """The paper's kind of evidence and the cue words that decided it ("other" when no cue was found)."""
    text = f"{paper.title} {paper.abstract}"
    types = {t.lower() for t in paper.publication_types}
    if types & _REVIEW_TYPES - {"meta-analysis"} or _REVIEW_WORDS.search(text):
        hit = sorted(types & _REVIEW_TYPES) or [m.group(0) for m in _REVIEW_WORDS.finditer(text)][:1]
        return "review", hit
    hits = {kind: [m.group(0).lower() for m in pattern.finditer(text)] for kind, pattern in _KIND_CUES.items()}
    if "meta-analysis" in types:
        hits["population"].append("meta-analysis")
    best = max(hits, key=lambda kind: (len(set(hits[kind])), len(hits[kind])))
    if len(set(hits["functional"])) >= FUNCTIONAL_CUES:
        best = "functional"
    if not hits[best]:
        return "other", []
    return best, sorted(set(hits[best]))[:6]


def _naming_sentences(sentences: list[str], key: str) -> Iterable[int]:
    for i, sentence in enumerate(sentences):
        if any(m.key == key for m in find_mentions(sentence)):
            yield i


def _leaning(sentence: str) -> Direction | None:
    """The sentence's own leaning, or None: no-effect wording is read first and taken out, so that 'not associated
    with' is never also read as 'associated with'."""
    neutral = _NO_EFFECT.search(sentence)
    damaging = _DAMAGING.search(_NO_EFFECT.sub(" ", sentence))
    if neutral and not damaging:
        return "no effect"
    if damaging and not neutral:
        return "damaging"
    return None


def direction(paper: Paper, key: str) -> tuple[Direction, str]:
    """Which way the paper points for the variant `key` (p.R175H, c.524G>A, rs…), and the sentence that says so.

    Read in the sentences naming it and the one after each; a paper that names no more than two variants is about
    them as a whole, so its title and last two sentences count too. Where the sentences disagree or none leans,
    "unclear", shown with the first naming sentence."""
    sentences = split_text(f"{paper.title}. {paper.abstract}" if paper.title else paper.abstract)
    naming = list(_naming_sentences(sentences, key))
    if not naming:
        return "unclear", ""
    looked = list(dict.fromkeys(j for i in naming for j in (i, i + 1) if j < len(sentences)))
    keys = {m.key for m in find_mentions(f"{paper.title} {paper.abstract}")}
    if len(keys) <= MOST_VARIANTS_FOR_SUMMARY:
        looked += [j for j in (0, len(sentences) - 2, len(sentences) - 1) if j >= 0 and j not in looked]
    leanings = [(leaning, sentences[j]) for j in looked if (leaning := _leaning(sentences[j])) is not None]
    if leanings and all(leaning == leanings[0][0] for leaning, _ in leanings):
        return leanings[0]
    return "unclear", sentences[naming[0]]
