"""Where CRAFT weights come from: an explicit path, a named entry in the weights registry, or an error.

Resolution of the ``weights`` / ``refiner_weights`` options:

1. an existing file path (``~`` expanded) is used as it is;
2. a registered name (``craft_mlt_25k``, ``craft_ic15_20k``, ``craft_refiner_CTW1500``, or a name shipped
   inside this package's ``weights/`` folder and listed in its ``index.json``) is looked up: shipped files
   in the package, the others in the cache directory ``$OCRPLUG_HOME/weights`` (or the platform cache
   directory, e.g. ``~/.cache/ocrplug/weights``) under their known file name;
3. otherwise :class:`~ocrplug.errors.WeightsError` says which file is missing, where to put it and where
   the official weights are published. There is never a silent fallback to a random model.

A SHA-256 is checked whenever one is known: from the registry, or from a ``<file>.sha256`` sidecar the
user wrote next to the file. The official files' hashes are not pinned here (they could not be downloaded
when this was written); ``ocrplug craft info`` prints the hash of the files actually found.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ocrplug.errors import WeightsError

__all__ = [
    "OFFICIAL_SOURCE",
    "REGISTRY",
    "ResolvedWeights",
    "WeightsSpec",
    "file_sha256",
    "register_weights",
    "registry",
    "resolve_weights",
    "shipped_dir",
    "weights_home",
]

Kind = Literal["craft", "refiner"]

OFFICIAL_SOURCE = (
    "https://github.com/clovaai/CRAFT-pytorch#test-instruction-using-pretrained-model "
    "(Google Drive links in that README)"
)


@dataclass(frozen=True)
class WeightsSpec:
    """A named set of weights: which file, which network (``kind``), its hash when known, where from."""

    name: str
    filename: str
    kind: Kind
    sha256: str | None = None
    description: str = ""
    source: str = OFFICIAL_SOURCE
    shipped: bool = False


REGISTRY: dict[str, WeightsSpec] = {
    spec.name: spec
    for spec in (
        WeightsSpec(
            "craft_mlt_25k",
            "craft_mlt_25k.pth",
            "craft",
            description="official general model (SynthText, IC13, IC17; MLT)",
        ),
        WeightsSpec(
            "craft_ic15_20k", "craft_ic15_20k.pth", "craft", description="official model fine-tuned on ICDAR 2015"
        ),
        WeightsSpec(
            "craft_refiner_CTW1500",
            "craft_refiner_CTW1500.pth",
            "refiner",
            description="official link refiner (CTW1500)",
        ),
    )
}


def shipped_dir() -> Path:
    """The package folder holding weights shipped with ocrplug (listed in its ``index.json``)."""
    return Path(__file__).resolve().parent / "weights"


def _shipped_specs() -> dict[str, WeightsSpec]:
    index = shipped_dir() / "index.json"
    if not index.is_file():
        return {}
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))
        return {
            e["name"]: WeightsSpec(
                name=e["name"],
                filename=e["filename"],
                kind=e["kind"],
                sha256=e.get("sha256"),
                description=e.get("description", ""),
                source=e.get("source", "shipped with ocrplug"),
                shipped=True,
            )
            for e in entries
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise WeightsError(f"invalid shipped weights index {index}: {exc}") from exc


def register_weights(spec: WeightsSpec) -> None:
    """Add (or replace) a named weights entry, e.g. from a plugin that ships its own CRAFT weights."""
    REGISTRY[spec.name] = spec


def registry() -> dict[str, WeightsSpec]:
    """Every known weights name: the built-in entries, registered ones and the shipped index."""
    return {**REGISTRY, **_shipped_specs()}


def weights_home() -> Path:
    """Cache directory searched for named weights: ``$OCRPLUG_HOME/weights`` or the platform cache dir."""
    home = os.environ.get("OCRPLUG_HOME")
    if home:
        return Path(home).expanduser() / "weights"
    import platformdirs

    return Path(platformdirs.user_cache_dir("ocrplug")) / "weights"


_HASH_CACHE: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, cached per (path, size, mtime) so that repeated builds do not re-read it."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASH_CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _HASH_CACHE[key] = digest.hexdigest()
    return _HASH_CACHE[key]


@dataclass(frozen=True)
class ResolvedWeights:
    """A weights file that exists, with the registry entry it came from (None for an explicit path)."""

    path: Path
    kind: Kind
    spec: WeightsSpec | None = None
    expected_sha256: str | None = field(default=None)

    def verify(self) -> str:
        """Compute the file's SHA-256 and check it against the expected one; return it."""
        actual = file_sha256(self.path)
        if self.expected_sha256 and actual != self.expected_sha256.lower():
            raise WeightsError(
                f"weights file {self.path} is corrupt or not the expected file: sha256 {actual}, "
                f"expected {self.expected_sha256}; download it again from {self.spec.source if self.spec else 'its source'}"
            )
        return actual


def _sidecar_hash(path: Path) -> str | None:
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.is_file():
        text = sidecar.read_text(encoding="utf-8").split()
        return text[0] if text else None
    return None


def resolve_weights(value: str, kind: Kind, option: str = "weights") -> ResolvedWeights:
    """Find the weights named or pointed to by ``value`` for a network of ``kind``; see the module doc.

    ``option`` is the option name quoted in error messages.
    """
    specs = registry()
    spec = specs.get(value)
    if spec is None:
        path = Path(value).expanduser()
        if path.is_file():
            return ResolvedWeights(path=path, kind=kind, expected_sha256=_sidecar_hash(path))
        known = ", ".join(sorted(n for n, s in specs.items() if s.kind == kind))
        raise WeightsError(
            f"{option}: {value!r} is neither an existing file nor a known {kind} weights name (known: {known}). "
            f"Official CRAFT weights are published at {OFFICIAL_SOURCE}"
        )
    if spec.kind != kind:
        raise WeightsError(f"{option}: {value!r} are {spec.kind} weights, not {kind} weights")
    folder = shipped_dir() if spec.shipped else weights_home()
    path = folder / spec.filename
    if not path.is_file():
        if spec.shipped:
            raise WeightsError(
                f"{option}: shipped weights {value!r} are missing from the package: {path} (reinstall ocrplug)"
            )
        raise WeightsError(
            f"{option}: {value!r} not found: expected the file {spec.filename} at {path}. "
            f"Download it from {spec.source} and put it there (the folder is $OCRPLUG_HOME/weights when "
            f"OCRPLUG_HOME is set, else the platform cache directory), or give a file path as `{option}:`."
        )
    return ResolvedWeights(path=path, kind=kind, spec=spec, expected_sha256=spec.sha256 or _sidecar_hash(path))
