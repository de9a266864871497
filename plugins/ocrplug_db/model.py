"""Locating and loading the DBNet detection model (an ONNX file) with onnxruntime.

The default model is the PP-OCR detection network that ships inside the ``rapidocr`` wheel. It is found
through the installed package's files, without importing ``rapidocr`` itself (its import pulls in its
whole pipeline). Any other DB-style ONNX model with one ``N x 3 x H x W`` input and one
``N x 1 x H x W`` probability output can be given by path.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrplug.components import require
from ocrplug.errors import WeightsError

__all__ = [
    "DEFAULT_MODEL_NAME",
    "DEFAULT_MODEL_SHA256",
    "DbModel",
    "default_model_path",
    "load_model",
]

COMPONENT = "db"
EXTRA = "db"

#: The detection model bundled with rapidocr 3.10 (upstream: PaddleOCR ``PP-OCRv6_small_det``).
DEFAULT_MODEL_NAME = "PP-OCRv6_det_small.onnx"
#: Its SHA-256 as recorded in rapidocr's ``default_models.yaml`` and ``MODEL_LICENSES.md``.
DEFAULT_MODEL_SHA256 = "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"


def _rapidocr_models_dir() -> Path:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        # The same message as any other missing extra: it names the pip command.
        require("rapidocr", COMPONENT, EXTRA)
        raise WeightsError("the rapidocr package has no importable location; pass the model path with 'model:'")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def default_model_path() -> Path:
    """Path of the detection ONNX model inside the installed rapidocr wheel.

    Prefers the model rapidocr 3.10 ships (:data:`DEFAULT_MODEL_NAME`); another rapidocr release that
    bundles a different ``*det*.onnx`` file is accepted too. Raises :class:`MissingExtraError` when
    rapidocr is not installed and :class:`WeightsError` when it ships no detection model.
    """
    models = _rapidocr_models_dir()
    preferred = models / DEFAULT_MODEL_NAME
    if preferred.is_file():
        return preferred
    others = sorted(models.glob("*det*.onnx"))
    if others:
        return others[-1]
    raise WeightsError(
        f"no detection model (*det*.onnx) found in the rapidocr package at {models}; "
        "reinstall rapidocr or pass the model path with the 'model:' option"
    )


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class DbModel:
    """A loaded onnxruntime session with the names of its single input and output."""

    session: Any
    input_name: str
    output_name: str
    path: Path

    def __call__(self, batch: Any) -> Any:
        """Run the network on an ``N x 3 x H x W`` float32 batch; returns ``N x H x W`` probabilities."""
        out = self.session.run([self.output_name], {self.input_name: batch})[0]
        # DB heads emit N x 1 x H x W; keep the channel-free map.
        return out[:, 0] if out.ndim == 4 else out


def load_model(path: str | Path | None, threads: int | None = None) -> DbModel:
    """Open the DB model at ``path`` (default: the rapidocr wheel's) with onnxruntime on CPU.

    ``threads`` sets onnxruntime's intra-op threads (None: onnxruntime decides). Raises
    :class:`WeightsError` naming the path when the file is missing, is not an ONNX model, or does not
    have the shape of a DB detector; :class:`MissingExtraError` when onnxruntime is not installed.
    """
    ort = require("onnxruntime", COMPONENT, EXTRA)
    model_path = default_model_path() if path is None else Path(path).expanduser()
    if not model_path.is_file():
        raise WeightsError(f"DB detection model not found: {model_path} (option 'model')")
    if model_path.name == DEFAULT_MODEL_NAME and path is None:
        actual = sha256_of(model_path)
        if actual != DEFAULT_MODEL_SHA256:
            raise WeightsError(
                f"DB detection model {model_path} is corrupt: sha256 {actual}, expected {DEFAULT_MODEL_SHA256}; "
                "reinstall rapidocr"
            )
    opts = ort.SessionOptions()
    if threads is None:
        from ocrplug.threads import default_threads

        threads = default_threads()  # a share of the cores inside a --jobs worker
    opts.intra_op_num_threads = 0 if threads is None else int(threads)
    opts.inter_op_num_threads = 1
    # The arena keeps the peak allocation of the largest page for the life of the session; pages vary
    # in size, so give memory back instead.
    opts.enable_cpu_mem_arena = False
    opts.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types for unreadable graphs
        raise WeightsError(f"cannot load DB detection model {model_path}: {exc}") from exc
    inputs, outputs = session.get_inputs(), session.get_outputs()
    if len(inputs) != 1 or len(outputs) < 1 or len(inputs[0].shape) != 4:
        raise WeightsError(
            f"{model_path} does not look like a DB text detector: expected one N x 3 x H x W input, "
            f"got inputs {[(i.name, i.shape) for i in inputs]}"
        )
    channels = inputs[0].shape[1]
    if isinstance(channels, int) and channels != 3:
        raise WeightsError(f"{model_path}: the model expects {channels} input channels, a DB detector takes 3")
    return DbModel(session=session, input_name=inputs[0].name, output_name=outputs[0].name, path=model_path)
