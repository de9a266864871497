"""Locating and loading the DBNet detection model (an ONNX file) with onnxruntime.

The default model is the PP-OCR detection network that ships inside the ``rapidocr`` wheel. It is found
through the installed package's files, without importing ``rapidocr`` itself (its import pulls in its
whole pipeline). Any other DB-style ONNX model with one ``N x 3 x H x W`` input and one
``N x 1 x H x W`` probability output can be given by path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrplug.api import WeightsError, file_sha256, onnx_session, package_file, require, verify_sha256

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


def default_model_path() -> Path:
    """Path of the detection ONNX model inside the installed rapidocr wheel.

    Prefers the model rapidocr 3.10 ships (:data:`DEFAULT_MODEL_NAME`); another rapidocr release that
    bundles a different ``*det*.onnx`` file is accepted too. Raises :class:`MissingExtraError` when
    rapidocr is not installed and :class:`WeightsError` when it ships no detection model.
    """
    found = package_file("rapidocr", f"models/{DEFAULT_MODEL_NAME}") or package_file("rapidocr", "models/*det*.onnx")
    if found is not None:
        return found
    # The same message as any other missing extra when rapidocr is absent: it names the pip command.
    require("rapidocr", COMPONENT, EXTRA)
    raise WeightsError(
        "no detection model (*det*.onnx) found in the rapidocr package's models folder; "
        "reinstall rapidocr or pass the model path with the 'model:' option"
    )


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


def load_model(path: str | Path | None, threads: int | None = None, precision: str = "fp32") -> DbModel:
    """Open the DB model at ``path`` (default: the rapidocr wheel's) with onnxruntime on CPU.

    ``threads`` sets onnxruntime's intra-op threads (None: onnxruntime decides). ``precision`` ``"int8"``
    runs the model's int8 version (:mod:`ocrplug_db.quantize`: made once from the shipped activation
    ranges, which exist for the default model only, and cached; the source model's SHA-256 is checked
    first). Raises :class:`WeightsError` naming the path when the file is missing, is not an ONNX model,
    does not have the shape of a DB detector, or has no shipped ranges for int8;
    :class:`MissingExtraError` when onnxruntime is not installed.
    """
    require("onnxruntime", COMPONENT, EXTRA)
    model_path = default_model_path() if path is None else Path(path).expanduser()
    if not model_path.is_file():
        raise WeightsError(f"DB detection model not found: {model_path} (option 'model')")
    sha = None
    if model_path.name == DEFAULT_MODEL_NAME and path is None:
        sha = verify_sha256(model_path, DEFAULT_MODEL_SHA256, "DB detection model", "reinstall rapidocr")

    # threads None: a share of the cores inside a --jobs worker. Pages vary in size, so the memory arena
    # (which keeps the largest page's peak for the life of the session) is off.
    def load(file: Path) -> Any:
        what = "DB detection model" if file == model_path else "int8 DB detection model"
        return onnx_session(file, threads=threads, what=what, release_memory=True)

    if precision == "int8":
        from ocrplug_db.quantize import load_int8_model

        session = load_int8_model(model_path, sha or file_sha256(model_path), load)
    else:
        session = load(model_path)
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
