"""Settings: env prefix, nested fields, TOML file, and one data directory for everything written."""

from __future__ import annotations

from pathlib import Path

import pytest

from genelit.settings import Settings


def test_env_and_nested_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GENELIT_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GENELIT_ENTREZ__EMAIL", "me@example.org")
    monkeypatch.setenv("GENELIT_RETRIEVAL__K", "7")
    settings = Settings()
    assert settings.data_dir == tmp_path / "elsewhere"
    assert settings.index_dir == tmp_path / "elsewhere" / "index"
    assert settings.cache_dir == tmp_path / "elsewhere" / "cache"
    assert settings.entrez.email == "me@example.org"
    assert settings.retrieval.k == 7


def test_toml_file_below_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "genelit.toml"
    config.write_text('data_dir = "/srv/genelit"\n[store]\nchroma_url = "http://localhost:9000"\n[retrieval]\nk = 3\n')
    monkeypatch.setenv("GENELIT_CONFIG", str(config))
    monkeypatch.setenv("GENELIT_RETRIEVAL__K", "5")
    settings = Settings()
    assert settings.data_dir == Path("/srv/genelit")
    assert settings.store.chroma_url == "http://localhost:9000"
    assert settings.retrieval.k == 5


def test_every_field_is_documented() -> None:
    def walk(model: type) -> list[str]:
        missing = []
        for name, field in model.model_fields.items():
            if not field.description and not (field.annotation and hasattr(field.annotation, "model_fields")):
                missing.append(f"{model.__name__}.{name}")
            if isinstance(field.annotation, type) and hasattr(field.annotation, "model_fields"):
                missing += walk(field.annotation)
        return missing

    assert walk(Settings) == []


def test_fingerprint_follows_what_shapes_results(tmp_path: Path) -> None:
    a = Settings(data_dir=tmp_path)
    assert a.fingerprint() == Settings(data_dir=tmp_path).fingerprint()
    assert a.fingerprint() != Settings(data_dir=tmp_path, retrieval={"k": 3}).fingerprint()
    assert a.fingerprint() != Settings(data_dir=tmp_path, answer={"support_similarity": 0.5}).fingerprint()
    # Moving the data or rotating a key changes no result, so neither changes the hash.
    assert a.fingerprint() == Settings(data_dir=tmp_path / "moved").fingerprint()
    assert a.fingerprint() == Settings(data_dir=tmp_path, llm={"api_key": "sk-rotated"}, entrez={"api_key": "k2"}).fingerprint()


def test_api_keys_are_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENELIT_LLM__API_KEY", "sk-very-secret")
    settings = Settings()
    assert settings.llm.api_key is not None and settings.llm.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(settings) and "sk-very-secret" not in settings.model_dump_json()


@pytest.mark.parametrize(("source", "expected"), [
    ("toml", "unknown setting retrieval.kk (from {config}): did you mean retrieval.k?"),
    ("env", "unknown setting retrieval.candidatez (from GENELIT_RETRIEVAL__CANDIDATEZ): did you mean retrieval.candidates?"),
    ("toml-top", "unknown setting data_dri (from {config}): did you mean data_dir?"),
])
def test_a_misspelt_setting_is_refused_with_the_name_meant(source: str, expected: str, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    from genelit.errors import BadInputError

    config = tmp_path / "genelit.toml"
    config.write_text({"toml": "[retrieval]\nkk = 3\n", "toml-top": 'data_dri = "/srv"\n'}.get(source, ""))
    monkeypatch.setenv("GENELIT_CONFIG", str(config))
    if source == "env":
        monkeypatch.setenv("GENELIT_RETRIEVAL__CANDIDATEZ", "5")
    with pytest.raises(BadInputError) as caught:
        Settings.load()
    message = f"{caught.value.message}: {caught.value.hint}"
    assert message.startswith(expected.format(config=config)), message
