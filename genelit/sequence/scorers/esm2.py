"""ESM-2 masked-marginal scores (Meier et al., NeurIPS 2021), through transformers' EsmForMaskedLM.

score = log p(alt) - log p(ref) at the variant's position, with that position masked. Proteins
longer than the model's window are scored in a window of `window` residues placed around the
position (centred where possible), so BRCA1 (1,863 aa) is scored with the context nearest
each site. Weights come from a local directory or a model name already in the HF cache;
nothing is downloaded at run time unless the user's environment allows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genelit.errors import MissingResourceError
from genelit.sequence.scorers.base import Scorer, file_hash
from genelit.settings import SequenceSettings
from genelit.types import Variant


def window_bounds(length: int, position: int, window: int) -> tuple[int, int]:
    """0-based [start, end) of the `window`-residue slice scoring 1-based `position`."""
    if length <= window:
        return 0, length
    start = min(max(0, position - 1 - window // 2), length - window)
    return start, start + window


def _weights_hash(source: str) -> str:
    """Hash of the weights file, found in the local directory or the HF cache."""
    folder = Path(source)
    candidates = sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")) if folder.exists() else []
    if not candidates:
        from huggingface_hub import try_to_load_from_cache

        for filename in ("model.safetensors", "pytorch_model.bin"):
            cached = try_to_load_from_cache(source, filename)
            if isinstance(cached, str):
                candidates = [Path(cached)]
                break
    return file_hash(candidates[0]) if candidates else "unknown"


class Esm2Scorer(Scorer):
    name = "esm2"
    method = "ESM-2 masked marginal: log p(alt) - log p(ref) at the masked position (Meier et al. 2021)"
    damaging_if = "below"

    def __init__(self, settings: SequenceSettings) -> None:
        self.model_name = settings.esm_model
        self.device = settings.device
        self.window = settings.esm_window
        self.batch_size = settings.batch_size
        self._model: Any = None
        self._tokenizer: Any = None
        self._hash: str | None = None

    @property
    def model(self) -> str:
        return self.model_name

    def _load(self) -> None:
        if self._model is not None:
            return
        from transformers import AutoTokenizer, EsmForMaskedLM

        local = Path(self.model_name).expanduser()
        source = str(local) if local.exists() else self.model_name
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(source)
            self._model = EsmForMaskedLM.from_pretrained(source).to(self.device).eval()  # type: ignore[arg-type]
        except OSError:
            raise MissingResourceError(
                f"ESM-2 weights {self.model_name!r} are not on this machine",
                "download them where the network allows (huggingface-cli download facebook/esm2_t33_650M_UR50D) and "
                "set GENELIT_SEQUENCE__ESM_MODEL to that directory, or use the offline default scorer 'calibrated'",
            ) from None
        self._hash = _weights_hash(source)

    @property
    def weights_hash(self) -> str:
        self._load()
        return self._hash or "unknown"

    def raw_scores(self, sequence: str, variants: list[Variant]) -> list[float]:
        import torch

        self._load()
        tokenizer, model = self._tokenizer, self._model
        mask_id = tokenizer.mask_token_id
        # One forward pass per (window, position); variants at the same site share it.
        sites = sorted({v.position for v in variants})
        log_probs: dict[int, Any] = {}
        for start in range(0, len(sites), self.batch_size):
            batch_sites = sites[start : start + self.batch_size]
            windows = [window_bounds(len(sequence), p, self.window) for p in batch_sites]
            encoded = tokenizer([sequence[a:b] for a, b in windows], return_tensors="pt", padding=True)
            input_ids = encoded["input_ids"].clone()
            offsets = []
            for row, (position, (a, _b)) in enumerate(zip(batch_sites, windows)):
                token = position - 1 - a + 1  # +1 for the <cls> token in front
                input_ids[row, token] = mask_id
                offsets.append(token)
            with torch.no_grad():
                logits = model(input_ids=input_ids.to(self.device), attention_mask=encoded["attention_mask"].to(self.device)).logits
            for row, (position, token) in enumerate(zip(batch_sites, offsets)):
                log_probs[position] = torch.log_softmax(logits[row, token].float(), dim=-1).cpu()
        vocab = tokenizer.get_vocab()
        return [float(log_probs[v.position][vocab[v.alt]] - log_probs[v.position][vocab[v.ref]]) for v in variants]
