"""Variant scorers: the registry, each scorer's arithmetic, per-item errors, and the shipped calibrated model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from genelit.errors import BadInputError, MissingResourceError
from genelit.sequence.scorers.calibrated import MODEL_FILE, CalibratedScorer
from genelit.sequence.scorers.esm2 import Esm2Scorer, window_bounds
from genelit.sequence.scorers.registry import BUILDERS, build_scorer
from genelit.sequence.variants import parse_protein_variant
from genelit.settings import SequenceSettings
from genelit.types import UnscoredVariant, VariantScore

PROTEIN = "MEEPQSDPSVEPPLSQETFSDLWKLLPENNVLSPLPSQAMDDLMLSPDDIEQWFTEDPGPDEAPRMPEAAPPVAPAPAAPTPAAPAPAPSWPLSSSVPSQKTYQGSYGFRLGFLHSGTAKSVTCTYSPALNKMFCQLAKTCPVQLWVDSTPPPGTRVRAMAIYKQSQHMTEVVRRCPHHERCSDSDGLAPPQHLIRVEGNLRVEYLDDRNTFRHSVVVPYEPPEVGSDCTTIHYNYMCNSSCMGGMNRRPILTIITLEDSSGNLLGRNSFEVRVCACPGRDRRTEEENLRKKGEPHHELPPGSTKRALPNNT"  # TP53 1-300


def variants(*texts: str):
    return [parse_protein_variant(t) for t in texts]


def test_registry_builds_every_scorer_and_rejects_unknown() -> None:
    settings = SequenceSettings()
    assert {build_scorer(name, settings).name for name in BUILDERS} == set(BUILDERS)
    with pytest.raises(BadInputError, match="unknown scorer 'unirep'"):
        build_scorer("unirep", settings)


def test_substitution_scorers_and_interpretation() -> None:
    """The baselines are calibrated too, and earn no ACMG strength anywhere on the dev ClinVar set: even Grantham's
    most radical change is read as no computational evidence, never as damaging."""
    settings = SequenceSettings()
    blosum = build_scorer("blosum62", settings).score(PROTEIN, variants("R175H", "R175K"))
    assert [s.score for s in blosum] == [0.0, 2.0]
    assert [s.interpretation for s in blosum] == ["indeterminate (no computational evidence)"] * 2
    (radical,) = build_scorer("grantham", settings).score(PROTEIN, variants("C176W"))
    assert radical.score == pytest.approx(215, abs=1) and radical.evidence is not None and radical.evidence.criterion is None


def test_batch_returns_per_item_errors() -> None:
    results = build_scorer("blosum62", SequenceSettings()).score(PROTEIN, variants("R175H", "A175H", "R175*", "R900H"))
    assert isinstance(results[0], VariantScore)
    assert isinstance(results[1], UnscoredVariant) and "residue 175 of the given sequence is Arg, not Ala" in results[1].error
    assert isinstance(results[2], UnscoredVariant) and "missense changes only" in results[2].error
    assert isinstance(results[3], UnscoredVariant) and "past the end" in results[3].error


def test_calibrated_scores_are_pinned() -> None:
    # Golden values of the shipped model: a change to the features or the model file must show up here.
    scorer = CalibratedScorer()
    spec = json.loads(MODEL_FILE.read_text())
    results = scorer.score(PROTEIN, ["R175H", "R248W", "P72R", "E180K"], gene="TP53")
    assert [r.score for r in results if isinstance(r, VariantScore)] == [0.3894, 0.8254, 0.1732, 0.4573]
    result = results[0]
    assert result.gene == "TP53" and result.weights_hash == scorer.weights_hash and len(result.weights_hash) == 12
    assert result.evidence is not None and "gene-held-out" in result.evidence.source
    assert spec["training"]["auc_per_gene_mean"] > 0.75


def test_window_bounds() -> None:
    assert window_bounds(100, 50, 200) == (0, 100)
    assert window_bounds(1863, 1, 1022) == (0, 1022)
    assert window_bounds(1863, 1863, 1022) == (841, 1863)
    start, end = window_bounds(1863, 900, 1022)
    assert end - start == 1022 and start < 899 < end


@pytest.fixture(scope="module")
def tiny_esm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised, tiny ESM-2 saved the way real weights are, with the real ESM vocabulary."""
    from transformers import EsmConfig, EsmForMaskedLM, EsmTokenizer

    folder = tmp_path_factory.mktemp("tiny-esm")
    tokens = ["<cls>", "<pad>", "<eos>", "<unk>", *"LAGVSERTIDPKQNFYMHWCXBUZO", ".", "-", "<null_1>", "<mask>"]
    (folder / "vocab.txt").write_text("\n".join(tokens) + "\n")
    EsmTokenizer(str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = EsmConfig(vocab_size=len(tokens), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                       intermediate_size=64, max_position_embeddings=128, pad_token_id=1, mask_token_id=32,
                       position_embedding_type="rotary", token_dropout=False)
    EsmForMaskedLM(config).eval().save_pretrained(folder)
    return folder


def hand_masked_marginal(folder: Path, window_seq: str, index: int, ref: str, alt: str) -> float:
    from transformers import EsmForMaskedLM, EsmTokenizer

    tokenizer = EsmTokenizer.from_pretrained(folder)
    model = EsmForMaskedLM.from_pretrained(folder).eval()
    ids = tokenizer(window_seq, return_tensors="pt")["input_ids"]
    ids[0, index + 1] = tokenizer.mask_token_id
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=ids).logits[0, index + 1], dim=-1)
    vocab = tokenizer.get_vocab()
    return float(logp[vocab[alt]] - logp[vocab[ref]])


def test_esm2_masked_marginal_arithmetic(tiny_esm: Path) -> None:
    scorer = Esm2Scorer(SequenceSettings(esm_model=str(tiny_esm), batch_size=2))
    sequence = PROTEIN[:60]
    results = scorer.score(sequence, variants("E2A", "E3K", "P4L", "E2W"))
    expected = [hand_masked_marginal(tiny_esm, sequence, i, r, a) for i, r, a in [(1, "E", "A"), (2, "E", "K"), (3, "P", "L"), (1, "E", "W")]]
    assert [r.score for r in results] == pytest.approx(expected, abs=1e-4)
    assert results[0].model == str(tiny_esm) and results[0].weights_hash not in ("", "unknown")


def test_esm2_windows_long_proteins(tiny_esm: Path) -> None:
    scorer = Esm2Scorer(SequenceSettings(esm_model=str(tiny_esm), esm_window=40))
    (result,) = scorer.score(PROTEIN, variants("R175H"))
    start, end = window_bounds(len(PROTEIN), 175, 40)
    assert result.score == pytest.approx(hand_masked_marginal(tiny_esm, PROTEIN[start:end], 174 - start, "R", "H"), abs=1e-4)


def test_esm2_missing_weights_say_how_to_supply_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    scorer = Esm2Scorer(SequenceSettings(esm_model="facebook/esm2_t33_650M_UR50D"))
    with pytest.raises(MissingResourceError, match="GENELIT_SEQUENCE__ESM_MODEL"):
        scorer.score(PROTEIN, variants("R175H"))


def test_texts_are_read_and_failures_keep_their_slot() -> None:
    results = build_scorer("blosum62", SequenceSettings()).score(PROTEIN, ["R175H", "gibberish", "p.Arg248Trp", "A175H"])
    assert [type(r).__name__ for r in results] == ["VariantScore", "UnscoredVariant", "VariantScore", "UnscoredVariant"]
    assert "cannot read variant 'gibberish'" in results[1].error and results[1].variant == "gibberish"
    assert results[2].variant.hgvs == "p.Arg248Trp"


def test_roc_auc_counts_ties_half_and_refuses_one_class() -> None:
    import numpy as np

    from genelit.eval.metrics import per_group_auc, roc_auc

    labels = np.array([True, True, False, False])
    assert roc_auc(labels, np.array([0.9, 0.5, 0.5, 0.1])) == 0.875  # one tied pair of four counts half
    assert np.isnan(roc_auc(np.array([True, True]), np.array([0.1, 0.2])))
    groups = np.array(["a"] * 10 + ["b"] * 10)
    mean, n = per_group_auc(np.array([True, False] * 10), np.arange(20.0), groups, min_each=5)
    assert n == 2 and 0 < mean < 1
