"""``pyspark.ml`` stages that Visual NLP pipelines can switch to: only their imports change.

::

    from ocrplug.spark.ml import (BinaryToImage, Color, ImageDrawRegions, ImageTextDetectorV2,
                                  ImageToTextV2Opt, ImageType)

``BinaryToImage`` / ``PdfToImage`` (files -> one row per page), ``ImageTextDetector`` (any ocrplug
detector; the seeds' CRAFT parameters), ``ImageToText`` (any recognizer, then the host layout step) and
``ImageDrawRegions`` (the ``overlay`` renderer) are Transformers with typed Params, defaults,
``set*``/``get*``, ``copy`` and save/load (``DefaultParamsWritable`` / ``DefaultParamsReadable``), so a
``Pipeline`` / ``PipelineModel`` holding them saves and loads. ``pretrained(name, lang, remote_loc)``
returns a stage with a local model (:mod:`ocrplug.spark.ml_models`; nothing is downloaded).

The page work is ``ocr_dataframe``'s (:mod:`ocrplug.spark.worker`, through :mod:`ocrplug.spark.ml_arrow`):
one pipeline per Python worker, pages in Arrow batches. Consecutive ocrplug stages are **fused** into one
``mapInArrow``: a stage whose input is the DataFrame another ocrplug stage returned runs both bodies in the
same Python worker, so page images do not travel to the JVM and back between stages (the rows are the
same as unfused). Every stage checks its input columns' types at ``transform`` (before any task):
:class:`~ocrplug.errors.ConfigError` naming the column and the type it needs. A failed page is a row
with ``error`` set, in every stage; rows that arrive with an ``error`` pass through untouched.
Columns and the mapping from the seeds' names: docs/spark.md, "Coming from Visual NLP".
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from enum import Enum, StrEnum
from typing import Any, ClassVar

import pyarrow as pa

from ocrplug.components import require
from ocrplug.config import DEFAULT_CONFIG, InputConfig
from ocrplug.errors import ConfigError, WeightsError
from ocrplug.spark import frames, ml_arrow, worker
from ocrplug.spark.ml_models import ModelRole, local_model

require("pyspark", "spark", "spark")

from pyspark import keyword_only  # noqa: E402 - after the extra check
from pyspark.ml import Transformer  # noqa: E402
from pyspark.ml.param import Param, Params, TypeConverters  # noqa: E402
from pyspark.ml.param.shared import HasInputCol, HasInputCols, HasOutputCol  # noqa: E402
from pyspark.ml.util import DefaultParamsReadable, DefaultParamsWritable  # noqa: E402
from pyspark.sql import DataFrame  # noqa: E402
from pyspark.sql.pandas.types import from_arrow_type  # noqa: E402
from pyspark.sql.types import (  # noqa: E402
    ArrayType,
    BinaryType,
    DataType,
    DoubleType,
    IntegerType,
    StringType,
    StructField,
    StructType,
)

log = logging.getLogger(__name__)

__all__ = [
    "CRAFT_PARAMS",
    "BinaryToImage",
    "Color",
    "ImageDrawRegions",
    "ImageTextDetector",
    "ImageTextDetectorV2",
    "ImageToText",
    "ImageToTextV2",
    "ImageToTextV2Opt",
    "ImageType",
    "PdfToImage",
]


class Color(StrEnum):
    """Colours of ``ImageDrawRegions.setRectColor`` (any colour name or ``#rrggbb`` works too)."""

    black = "black"
    white = "white"
    red = "red"
    green = "green"
    blue = "blue"
    yellow = "yellow"
    cyan = "cyan"
    magenta = "magenta"
    gray = "gray"
    orange = "orange"
    pink = "pink"
    purple = "purple"
    brown = "brown"


class ImageType(StrEnum):
    """Pixel layouts of ``BinaryToImage.setImageType`` (Java ``BufferedImage`` names, as the seeds use).

    ``TYPE_BYTE_GRAY``: 1 channel (Spark mode 0); ``TYPE_3BYTE_BGR``: 3 channels, BGR (mode 16, ocrplug's
    and Spark's usual layout); ``TYPE_4BYTE_ABGR``: 4 channels, stored BGRA as Spark's image source does
    (mode 24, opaque).
    """

    TYPE_BYTE_GRAY = "TYPE_BYTE_GRAY"
    TYPE_3BYTE_BGR = "TYPE_3BYTE_BGR"
    TYPE_4BYTE_ABGR = "TYPE_4BYTE_ABGR"


_CHANNELS = {ImageType.TYPE_BYTE_GRAY: 1, ImageType.TYPE_3BYTE_BGR: 3, ImageType.TYPE_4BYTE_ABGR: 4}

_PLAN = "_ocrplug_ml_plan"  # attribute of a DataFrame an ocrplug stage returned: (source, body) to fuse


# -- Params -------------------------------------------------------------------------------------------


def _param(name: str, doc: str, converter: Callable[[Any], Any]) -> Param:
    return Param(Params._dummy(), name, doc, typeConverter=converter)


def _to_mapping(value: Any) -> dict[str, Any]:
    """A JSON object (dict or JSON text) as a plain dict; saved with the stage's metadata."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping (dict or JSON object), got {type(value).__name__}")
    out = dict(value)
    json.dumps(out)  # must survive save/load
    return out


def _to_enum(enum: type[Enum]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if isinstance(value, enum):
            return str(value.value)
        if isinstance(value, str) and value in enum.__members__:
            return str(enum[value].value)
        if isinstance(value, str) and value in {m.value for m in enum}:  # type: ignore[attr-defined]
            return value
        raise TypeError(f"expected one of {', '.join(enum.__members__)}, got {value!r}")

    return convert


def _to_positive_int(value: Any) -> int:
    number = TypeConverters.toInt(value)
    if number < 1:
        raise TypeError(f"expected a whole number >= 1, got {value!r}")
    return number


class _DpiWarning(logging.Filter):
    """Holds back the config's low-``input.dpi`` warning, to be said again naming the stage's parameter."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("input.dpi"):
            self.held.append(record)
            return False
        return True


def _to_dpi(value: Any) -> float | str:
    """``resolution``: ``"auto"`` or a number of dots per inch, checked by ``input.dpi``'s own rule
    (:class:`~ocrplug.config.InputConfig`, so the stage and a config accept the same values). TypeError
    (pyspark's converters' error) for any other value. The rule's warning for a low dpi names
    ``resolution``, the parameter a Spark user set (issue 24: it named ``input.dpi``)."""
    config_log = logging.getLogger(InputConfig.__module__)
    held = _DpiWarning()
    config_log.addFilter(held)
    try:
        return InputConfig.model_validate({"dpi": value}).dpi
    except ValueError as exc:
        errors = getattr(exc, "errors", None)
        reason = errors()[0]["msg"].removeprefix("Value error, ") if callable(errors) else str(exc)
        raise TypeError(f"resolution (input.dpi) {reason}, got {value!r}") from None
    finally:
        config_log.removeFilter(held)
        for record in held.held:
            log.warning("%s", record.getMessage().replace("input.dpi", "resolution", 1))


def _to_count(value: Any) -> int:
    number = TypeConverters.toInt(value)
    if number < 0:
        raise TypeError(f"expected a whole number >= 0, got {value!r}")
    return number


def _to_color(value: Any) -> str:
    return str(value.value) if isinstance(value, Color) else TypeConverters.toString(value)


def _accessors(cls: type) -> type:
    """Add ``setX`` / ``getX`` for every Param ``x`` of ``cls`` that lacks them (pyspark's convention)."""
    for name in dir(cls):
        param = getattr(cls, name, None)
        if not isinstance(param, Param):
            continue
        title = name[0].upper() + name[1:]
        if not hasattr(cls, f"set{title}"):

            def setter(self: Params, value: Any, _name: str = name) -> Params:
                return self._set(**{_name: value})

            setter.__doc__ = f"Sets ``{name}``: {param.doc}"
            setter.__name__ = f"set{title}"
            setattr(cls, f"set{title}", setter)
        if not hasattr(cls, f"get{title}"):

            def getter(self: Params, _name: str = name) -> Any:
                return self.getOrDefault(_name)

            getter.__doc__ = f"The value of ``{name}`` (or its default): {param.doc}"
            getter.__name__ = f"get{title}"
            setattr(cls, f"get{title}", getter)
    return cls


# -- column checks (at transform time, on the driver) -------------------------------------------------

_IMAGE_FIELDS = {
    "origin": StringType(), "height": IntegerType(), "width": IntegerType(), "nChannels": IntegerType(),
    "mode": IntegerType(), "data": BinaryType(),
}
_IMAGE_WANTED = (
    "an image struct<origin:string,height:int,width:int,nChannels:int,mode:int,data:binary> "
    "(BinaryToImage's output, or spark.read.format('image')'s 'image' column)"
)
_REGION_FIELDS = {
    "parent": IntegerType(), "children": ArrayType(IntegerType()), "level": StringType(),
    "order": IntegerType(), "quad": ArrayType(ArrayType(DoubleType())),
}
_REGIONS_WANTED = (
    "regions: array<struct<index:int,...,level:string,order:int,parent:int,children:array<int>,"
    "quad:array<array<double>>,...>> (ImageTextDetector's output, or ocrplug's own flat regions)"
)


def _same(actual: DataType, wanted: DataType) -> bool:
    if isinstance(wanted, ArrayType):
        return isinstance(actual, ArrayType) and _same(actual.elementType, wanted.elementType)
    return type(actual) is type(wanted)


def _has_fields(struct: DataType, wanted: Mapping[str, DataType]) -> bool:
    if not isinstance(struct, StructType):
        return False
    types = {f.name: f.dataType for f in struct.fields}
    return all(name in types and _same(types[name], t) for name, t in wanted.items())


def _is_image(dtype: DataType) -> bool:
    return _has_fields(dtype, _IMAGE_FIELDS)


def _is_regions(dtype: DataType) -> bool:
    if not isinstance(dtype, ArrayType) or not _has_fields(dtype.elementType, _REGION_FIELDS):
        return False
    names = {f.name: f.dataType for f in dtype.elementType.fields}  # type: ignore[attr-defined]
    return any(isinstance(names.get(key), IntegerType) for key in ("index", "id"))


# -- stages -------------------------------------------------------------------------------------------


class _Stage(Transformer, DefaultParamsReadable, DefaultParamsWritable):
    """What every ocrplug ML stage shares: plugins, Arrow batch size, column checks and fusion."""

    plugins = _param("plugins", "extra plugin modules to register (the config's `plugins`)", TypeConverters.toListString)
    batchSize = _param("batchSize", "pages per Arrow batch a Python worker sends back to Spark (>= 1)", _to_positive_int)
    _seed_keys: ClassVar[Mapping[str, str]] = {}
    """Config key (dotted, as a ConfigError names it) -> the Param of this stage that sets it."""

    def __init__(self) -> None:
        super().__init__()
        self._setDefault(plugins=[], batchSize=frames.DEFAULT_BATCH_SIZE)

    # Subclasses: the mapInArrow body and its output schema for an input schema.
    def _body(self, schema: StructType) -> tuple[Callable[..., Any], StructType]:
        raise NotImplementedError

    def _prepare(self, dataset: DataFrame) -> DataFrame:
        return dataset

    def _column(self, schema: StructType, name: str, check: Callable[[DataType], bool], wanted: str) -> None:
        """ConfigError naming ``name`` and the type it needs when the column is missing or of another type."""
        fields = {f.name: f for f in schema.fields}
        stage = type(self).__name__
        if name not in fields:
            raise ConfigError(f"{stage}: the DataFrame has no column {name!r} (columns: {', '.join(schema.names)})")
        if not check(fields[name].dataType):
            raise ConfigError(
                f"{stage}: column {name!r} is {fields[name].dataType.simpleString()}; {stage} needs {wanted}"
            )

    def _error_column(self, schema: StructType) -> None:
        if "error" in schema.names:
            self._column(schema, "error", lambda t: isinstance(t, StringType), "a string 'error' column (or none)")

    def _transform(self, dataset: DataFrame) -> DataFrame:
        self._error_column(dataset.schema)
        body, schema = self._body(dataset.schema)
        plan = dataset.__dict__.get(_PLAN)
        if plan is not None and dataset.__dict__.get("is_cached"):
            plan = None  # the user cached that stage's output: read the cache, do not recompute it
        if plan is not None:  # the input is another ocrplug stage's output: one mapInArrow for both
            source, before = plan
            body = ml_arrow.Chain([*before.bodies, body])
        else:
            source = self._prepare(dataset)
            body = ml_arrow.Chain([body])
        out = source.mapInArrow(body, schema)
        out.__dict__[_PLAN] = (source, body)
        return out

    def _config(self, **sections: Any) -> dict[str, Any]:
        """A validated config (errors name the key, before any task) with only ``sections``' components."""
        keep = [k for k in ("detector", "recognizer", "renderers") if k in sections]
        config = {"plugins": self.getOrDefault(self.plugins)} | sections
        try:
            return frames._validated(worker.stage_config(config, *keep))
        except ConfigError as exc:
            raise self._naming_params(exc) from exc

    def _naming_params(self, exc: ConfigError) -> ConfigError:
        """``exc`` with the stage's Params named beside the config keys they set (the seeds' names)."""
        text = str(exc)
        named = [f"{key} is {type(self).__name__}.{param}" for key, param in self._seed_keys.items() if key in text]
        return ConfigError(f"{text} ({'; '.join(named)})") if named else exc

    @staticmethod
    def _local_master(dataset: DataFrame) -> bool:
        return str(dataset.sparkSession.sparkContext.master).startswith("local")


def _options_of(stage: Params, name: Param, options: Param, role: str) -> dict[str, Any]:
    """``options``' value, where the stage's default options (the default config's for ``role``) hold
    only while the component named by ``name`` is the default one: ``setDetector("craft")`` alone runs
    craft with its own defaults, not with db's options of the fast preset (``lone_glyphs``)."""
    default = DEFAULT_CONFIG[role]
    if not stage.isSet(options) and stage.getOrDefault(name) != default["name"]:
        return {}
    return dict(stage.getOrDefault(options))


def _with_fields(schema: StructType, fields: list[tuple[str, pa.DataType]]) -> StructType:
    """``schema`` with ``fields`` replacing same-named columns in place, the others appended."""
    out: list[StructField] = list(schema.fields)
    for name, arrow_type in fields:
        field = StructField(name, from_arrow_type(arrow_type), nullable=True)
        names = [f.name for f in out]
        if name in names:
            out[names.index(name)] = field
        else:
            out.append(field)
    return StructType(out)


@_accessors
class BinaryToImage(_Stage, HasInputCol, HasOutputCol):
    """Files (``spark.read.format("binaryFile")`` rows) -> one row per page with its image.

    Images, PDFs (rasterized by the configured rasterizer at ``resolution`` dpi; ``"auto"``, the default as in
    the default pipeline: a page that is one scanned image below 300 dpi at its own resolution, the same rule
    as ``input.dpi: auto``, decided by the rasterizer) and multi-page TIFFs.
    Out: the file row's other columns (``inputCol`` dropped unless ``keepInput``), ``outputCol`` (Spark's
    image struct + ``pagenum``, ``resolution``: :data:`~ocrplug.spark.ml_arrow.ML_IMAGE_TYPE`), ``pagenum``
    (0-based), ``page_count`` and ``error`` (null, or why the page / file failed: an unreadable file is one
    row with a null image and ``pagenum``). ``partitions`` (0: at least Spark's default parallelism)
    spreads the files over tasks before reading, as ``ocr_dataframe`` does.
    """

    _seed_keys: ClassVar[Mapping[str, str]] = {
        "input.dpi": "resolution", "input.pages": "pages", "input.rasterizer": "rasterizer",
        "input.options": "rasterizerOptions",
    }

    pathCol = _param("pathCol", "column with each file's path (named in errors and in the image's origin)", TypeConverters.toString)
    imageType = _param("imageType", "pixel layout of the image struct: an ImageType", _to_enum(ImageType))
    resolution = _param(
        "resolution", "dpi at which PDF pages are rasterized (the config's input.dpi): a number, or 'auto' (the "
        "default pipeline's): 300, but a scanned page of a lower resolution at its own", _to_dpi,
    )
    pages = _param("pages", "1-based page selection, e.g. '1-5,8' (input.pages); empty: all", TypeConverters.toString)
    rasterizer = _param("rasterizer", "rasterizer to prefer (input.rasterizer); empty: by suffix", TypeConverters.toString)
    rasterizerOptions = _param("rasterizerOptions", "options of the PDF rasterizer (input.options)", _to_mapping)
    keepInput = _param("keepInput", "keep the file bytes column on every page row", TypeConverters.toBoolean)
    partitions = _param("partitions", "tasks that share the files (>= 0); 0: at least Spark's default parallelism", _to_count)

    _pdf_only: ClassVar[bool] = False

    @keyword_only
    def __init__(self, *, inputCol: str = "content", outputCol: str = "image", pathCol: str = "path",
                 imageType: str = ImageType.TYPE_3BYTE_BGR.value, resolution: float | str | None = None,
                 pages: str = "", rasterizer: str = "", rasterizerOptions: dict[str, Any] | None = None,
                 keepInput: bool = False, partitions: int = 0, plugins: list[str] | None = None,
                 batchSize: int = frames.DEFAULT_BATCH_SIZE) -> None:
        given = self._input_kwargs
        super().__init__()
        self._setDefault(
            inputCol="content", outputCol="image", pathCol="path", imageType=ImageType.TYPE_3BYTE_BGR.value,
            resolution=InputConfig.model_validate(DEFAULT_CONFIG["input"]).dpi, pages="", rasterizer="", rasterizerOptions={},
            keepInput=False, partitions=0,
        )
        self._set(**{k: v for k, v in given.items() if v is not None})

    def _input_config(self) -> dict[str, Any]:
        section: dict[str, Any] = {"dpi": self.getOrDefault(self.resolution)}
        if self.getOrDefault(self.pages):
            section["pages"] = self.getOrDefault(self.pages)
        if self.getOrDefault(self.rasterizer):
            section["rasterizer"] = self.getOrDefault(self.rasterizer)
        if self.getOrDefault(self.rasterizerOptions):
            section["options"] = self.getOrDefault(self.rasterizerOptions)
        return section

    def _prepare(self, dataset: DataFrame) -> DataFrame:
        return frames._spread(dataset, self.getOrDefault(self.partitions) or None)

    def _body(self, schema: StructType) -> tuple[Callable[..., Any], StructType]:
        content, path = self.getInputCol(), self.getOrDefault(self.pathCol)
        self._column(schema, content, lambda t: isinstance(t, BinaryType), "binary file bytes (binaryFile's 'content')")
        self._column(schema, path, lambda t: isinstance(t, StringType), "a string path (binaryFile's 'path')")
        config = self._config(input=self._input_config())
        output = self.getOutputCol()
        added = [
            (output, ml_arrow.ML_IMAGE_TYPE), ("pagenum", pa.int32()), ("page_count", pa.int32()), ("error", pa.string())
        ]
        keep = self.getOrDefault(self.keepInput)
        # The image would replace the column that names each file (or its bytes, or a page column).
        taken = {path: "pathCol", "pagenum": "pagenum", "page_count": "page_count", "error": "error"}
        if keep:
            taken[content] = "inputCol (keepInput=True)"
        if output in taken:
            raise ConfigError(
                f"{type(self).__name__}: outputCol {output!r} is also its {taken[output]} column; "
                "give the image column another name"
            )
        kept = StructType(
            [f for f in schema.fields if f.name not in {n for n, _ in added} and (keep or f.name != content)]
        )
        body = functools.partial(
            ml_arrow.binary_stage, config=config, content_col=content, path_col=path, output_col=output,
            keep_input=keep, channels=_CHANNELS[ImageType(self.getOrDefault(self.imageType))],
            pdf_only=self._pdf_only, batch_size=self.getOrDefault(self.batchSize),
        )
        return body, _with_fields(kept, added)


@_accessors
class PdfToImage(BinaryToImage):
    """``BinaryToImage`` for PDF files only: any other file is a row with its error ("PDF files only")."""

    # BinaryToImage's keyword-only __init__ (same parameters and defaults) serves this class as it is.
    _pdf_only: ClassVar[bool] = True


class _ModelStage(_Stage):
    """A stage with a model role, so ``pretrained`` can give it a local model."""

    _role: ClassVar[ModelRole]

    def _set_component(self, component: Mapping[str, Any]) -> None:
        raise NotImplementedError

    @classmethod
    def pretrained(cls, name: str | None = None, lang: str = "en", remote_loc: str | None = None) -> Any:
        """This stage with a local model (:mod:`ocrplug.spark.ml_models`): ``name`` None gives ocrplug's
        default for the role; the seeds' model names map to the local model doing the same job.

        ``lang`` goes to models that take a language (tesseract: ``en`` -> ``eng``); ``remote_loc`` (the
        seeds' model store) is accepted and not used: ocrplug never downloads. Raises ConfigError listing
        the local models when ``name`` is unknown.
        """
        from ocrplug.manager import PluginHost

        available = set(PluginHost().components(cls._role))
        stage = cls()
        stage._set_component(local_model(cls._role, name, lang, available))
        return stage


# The seeds' CRAFT parameters and the `craft` options they mean (docs/spark.md, "Coming from Visual NLP").
CRAFT_PARAMS = {
    "scoreThreshold": "text_threshold",
    "textThreshold": "low_text",
    "linkThreshold": "link_threshold",
    "sizeThreshold": "min_size",
    "width": "width",
    "withRefiner": "refiner",
}
"""Seed parameter -> ``craft`` option: ``scoreThreshold`` is the peak region score a word must reach
(official ``text_threshold``, 0.7), ``textThreshold`` the region score from which a pixel is text
(official ``low_text``, 0.4), ``linkThreshold`` the affinity that links characters (``link_threshold``,
0.4), ``sizeThreshold`` drops regions whose longer side is shorter (page pixels; ``min_size``, -1 keeps
all), ``width`` the width the page is resized to before detection, ``withRefiner`` the link refiner
(lines with their words)."""


@_accessors
class ImageTextDetector(_ModelStage, HasInputCol, HasOutputCol):
    """Text detection on an image column with any ocrplug detector: ``outputCol`` = the page's regions.

    ``detector`` / ``detectorOptions`` name the component and its options (``ocrplug plugins`` lists
    them; default: ocrplug's default detector). The seeds' CRAFT parameters (:data:`CRAFT_PARAMS`), when
    set, become the ``craft`` options they mean; set on another detector they are a ConfigError. Out:
    ``outputCol`` (:data:`~ocrplug.spark.ml_arrow.ML_REGIONS_TYPE`, no text yet) and ``error``.
    In local mode the detector is built once on the driver at ``transform`` (:func:`_check_builds`), so
    an option only the detector can judge is a ConfigError there and weights that cannot be loaded a
    :class:`~ocrplug.errors.WeightsError` (naming ``withRefiner`` when the link refiner's weights, craft
    ``refiner_weights``, are missing); on a cluster, the executors' task fails with that error.
    """

    _role: ClassVar[ModelRole] = "detector"
    _seed_keys: ClassVar[Mapping[str, str]] = {f"detector.options.{o}": p for p, o in CRAFT_PARAMS.items()}

    detector = _param("detector", "ocrplug detector name (ocrplug plugins)", TypeConverters.toString)
    detectorOptions = _param("detectorOptions", "the detector's options (a dict / JSON object)", _to_mapping)
    scoreThreshold = _param("scoreThreshold", "CRAFT: peak region score a word must reach (craft text_threshold)", TypeConverters.toFloat)
    textThreshold = _param("textThreshold", "CRAFT: region score from which a pixel is text (craft low_text)", TypeConverters.toFloat)
    linkThreshold = _param("linkThreshold", "CRAFT: affinity score that links characters (craft link_threshold)", TypeConverters.toFloat)
    sizeThreshold = _param("sizeThreshold", "CRAFT: drop regions whose longer side is shorter, page pixels; -1 keeps all (craft min_size)", TypeConverters.toInt)
    width = _param("width", "CRAFT: page width before detection, pixels (craft width); unset: mag_ratio", TypeConverters.toInt)
    withRefiner = _param("withRefiner", "CRAFT: link refiner, lines with their words (craft refiner)", TypeConverters.toBoolean)

    @keyword_only
    def __init__(self, *, inputCol: str = "image", outputCol: str = "text_regions", detector: str | None = None,
                 detectorOptions: dict[str, Any] | None = None, scoreThreshold: float | None = None,
                 textThreshold: float | None = None, linkThreshold: float | None = None,
                 sizeThreshold: int | None = None, width: int | None = None, withRefiner: bool | None = None,
                 plugins: list[str] | None = None, batchSize: int | None = None) -> None:
        given = self._input_kwargs
        super().__init__()
        self._setDefault(
            inputCol="image", outputCol="text_regions", detector=DEFAULT_CONFIG["detector"]["name"],
            detectorOptions=dict(DEFAULT_CONFIG["detector"].get("options") or {}),
            scoreThreshold=0.7, textThreshold=0.4, linkThreshold=0.4, sizeThreshold=-1, width=None,
            withRefiner=False,
        )
        self._set(**{k: v for k, v in given.items() if v is not None})

    def _set_component(self, component: Mapping[str, Any]) -> None:
        self._set(detector=component["name"], detectorOptions=dict(component.get("options") or {}))

    def component(self) -> dict[str, Any]:
        """The detector config this stage runs: ``{"name": ..., "options": {...}}`` (seed params applied)."""
        name = self.getOrDefault(self.detector)
        options = _options_of(self, self.detector, self.detectorOptions, "detector")
        for seed, option in CRAFT_PARAMS.items():
            if not self.isSet(seed):
                continue
            if name != "craft":
                raise ConfigError(
                    f"ImageTextDetector: {seed} is a CRAFT parameter (craft option {option}); detector "
                    f"{name!r} has no such option (set its own in detectorOptions, or setDetector('craft'))"
                )
            options[option] = self.getOrDefault(seed)
        return {"name": name, "options": options}

    def _body(self, schema: StructType) -> tuple[Callable[..., Any], StructType]:
        image = self.getInputCol()
        self._column(schema, image, _is_image, _IMAGE_WANTED)
        config = self._config(detector=self.component())
        output = self.getOutputCol()
        body = functools.partial(
            ml_arrow.detect_stage, config=config, image_col=image, output_col=output,
            batch_size=self.getOrDefault(self.batchSize),
        )
        return body, _with_fields(schema, [(output, ml_arrow.ML_REGIONS_TYPE), ("error", pa.string())])

    def _transform(self, dataset: DataFrame) -> DataFrame:
        component = self.component()
        if self._local_master(dataset):
            why = ("withRefiner=True needs the CRAFT link refiner (craft option refiner: true), which cannot be "
                   "loaded here") if component["options"].get("refiner") else ""
            _check_builds(self._config(detector=component), "ImageTextDetector", why)
        return super()._transform(dataset)


_BUILT: set[str] = set()  # configs already built once on this driver


def _check_builds(config: dict[str, Any], stage: str, why: str = "") -> None:
    """Build ``config``'s components once on the driver (then drop them), so an option that only the
    component's constructor can judge (a Tesseract language, weights that cannot load) fails at
    ``transform``, before any task: ConfigError / WeightsError prefixed with ``stage`` and ``why``.

    A plain ``Pipeline`` build, not the worker's cached set-up, so the driver's thread settings and
    memory are left as they were. Local masters only (the driver is the workers' machine).
    """
    key = json.dumps(config, sort_keys=True, default=str)
    if key in _BUILT:
        return
    from ocrplug.pipeline import Pipeline

    try:
        Pipeline.from_dict(config, source=f"<{stage}>").build()
    except (ConfigError, WeightsError) as exc:
        raise type(exc)(f"{stage}: {why + ': ' if why else ''}{exc}") from exc
    _BUILT.add(key)


@_accessors
class ImageToText(_ModelStage, HasInputCol, HasInputCols, HasOutputCol):
    """Text recognition with any ocrplug recognizer, then the host layout step: page text and regions.

    The image column is ``inputCols[0]`` when ``inputCols`` is set, else ``inputCol``; the regions are
    ``regionsColumn`` (or ``inputCols[1]``). ``groupImages=True`` (default): a page's regions are read
    together (batched by the recognizer) into one text per page; with no regions column the page is
    read whole as Visual NLP's ``BinaryToImage -> ImageToText`` does: its regions are found first by
    ``pageDetector`` (default: ocrplug's default detector; ``""``: no detection, the image is read as
    one line) in the same task. ``groupImages=False``: each row's image is one text line, read whole (the
    seeds' mode for images already cut to one region); a regions column is then a ConfigError. Out:
    ``outputCol`` (page text in reading order, one line per line region), ``outputRegionsCol`` (the
    layout's blocks > lines > words with text and confidence, flat) and ``error``. Page orientation is not
    detected here (``ocr_dataframe`` does it: it needs the detector too). In local mode the recognizer is
    built once on the driver at ``transform``, so a bad option (a Tesseract ``lang`` that is no language)
    is a ConfigError before any task.
    """

    _role: ClassVar[ModelRole] = "recognizer"

    recognizer = _param("recognizer", "ocrplug recognizer name (ocrplug plugins)", TypeConverters.toString)
    recognizerOptions = _param("recognizerOptions", "the recognizer's options (a dict / JSON object)", _to_mapping)
    regionsColumn = _param("regionsColumn", "column of regions to read (ImageTextDetector's output); empty: inputCols[1] or none", TypeConverters.toString)
    groupImages = _param("groupImages", "read a page's regions together into one text (True), or each image whole as one line (False)", TypeConverters.toBoolean)
    outputRegionsCol = _param("outputRegionsCol", "column for the layout's regions with their text", TypeConverters.toString)
    layout = _param("layout", "ocrplug layout options (the config's `layout`, docs/layout.md)", _to_mapping)
    pageDetector = _param(
        "pageDetector",
        "detector that finds the regions when no regions column is given (groupImages=True); empty: read the image as one line",
        TypeConverters.toString,
    )
    pageDetectorOptions = _param("pageDetectorOptions", "pageDetector's options (a dict / JSON object)", _to_mapping)

    @keyword_only
    def __init__(self, *, inputCol: str = "image", inputCols: list[str] | None = None, outputCol: str = "text",
                 recognizer: str | None = None, recognizerOptions: dict[str, Any] | None = None,
                 regionsColumn: str = "", groupImages: bool = True, outputRegionsCol: str = "regions",
                 layout: dict[str, Any] | None = None, plugins: list[str] | None = None,
                 batchSize: int | None = None, pageDetector: str | None = None,
                 pageDetectorOptions: dict[str, Any] | None = None) -> None:
        given = self._input_kwargs
        super().__init__()
        self._setDefault(
            inputCol="image", outputCol="text", recognizer=DEFAULT_CONFIG["recognizer"]["name"],
            recognizerOptions=dict(DEFAULT_CONFIG["recognizer"].get("options") or {}), regionsColumn="",
            groupImages=True, outputRegionsCol="regions", layout={},
            pageDetector=DEFAULT_CONFIG["detector"]["name"],
            pageDetectorOptions=dict(DEFAULT_CONFIG["detector"].get("options") or {}),
        )
        self._set(**{k: v for k, v in given.items() if v is not None})

    def _set_component(self, component: Mapping[str, Any]) -> None:
        self._set(recognizer=component["name"], recognizerOptions=dict(component.get("options") or {}))

    def component(self) -> dict[str, Any]:
        """The recognizer config this stage runs: ``{"name": ..., "options": {...}}``."""
        return {"name": self.getOrDefault(self.recognizer),
                "options": _options_of(self, self.recognizer, self.recognizerOptions, "recognizer")}

    def _columns(self) -> tuple[str, str | None]:
        cols = self.getOrDefault(self.inputCols) if self.isDefined(self.inputCols) else []
        if len(cols) > 2:
            raise ConfigError(
                f"ImageToText: inputCols {cols!r} has {len(cols)} columns; it takes [image] or [image, regions]"
            )
        image = cols[0] if cols else self.getInputCol()
        regions = self.getOrDefault(self.regionsColumn) or (cols[1] if len(cols) > 1 else None)
        return image, regions

    def _body(self, schema: StructType) -> tuple[Callable[..., Any], StructType]:
        image, regions = self._columns()
        self._column(schema, image, _is_image, _IMAGE_WANTED)
        if regions is not None and not self.getOrDefault(self.groupImages):
            raise ConfigError(
                f"ImageToText: groupImages=False reads each image whole as one line; it takes no regions "
                f"column (regionsColumn / inputCols give {regions!r}): set groupImages=True to read the regions"
            )
        if regions is not None:
            self._column(schema, regions, _is_regions, _REGIONS_WANTED)
        layout = self.getOrDefault(self.layout)
        sections: dict[str, Any] = {"recognizer": self.component(), **({"layout": layout} if layout else {})}
        page_detector = self.getOrDefault(self.pageDetector)
        detect = regions is None and self.getOrDefault(self.groupImages) and bool(page_detector)
        if detect:
            sections["detector"] = {
                "name": page_detector, "options": _options_of(self, self.pageDetector, self.pageDetectorOptions, "detector"),
            }
        config = self._config(**sections)
        text, read = self.getOutputCol(), self.getOrDefault(self.outputRegionsCol)
        body = functools.partial(
            ml_arrow.recognize_stage, config=config, image_col=image, regions_col=regions, text_col=text,
            output_regions_col=read, batch_size=self.getOrDefault(self.batchSize), detect=detect,
        )
        fields = [(text, pa.string()), (read, ml_arrow.ML_REGIONS_TYPE), ("error", pa.string())]
        return body, _with_fields(schema, fields)

    def _transform(self, dataset: DataFrame) -> DataFrame:
        if self._local_master(dataset):
            _check_builds(self._config(recognizer=self.component()), "ImageToText")
        return super()._transform(dataset)


@_accessors
class ImageDrawRegions(_Stage, HasInputCol, HasOutputCol):
    """The image with regions drawn, by an image renderer (default ``overlay``) through the plugin host.

    Each page is drawn in memory on the image the row already holds, by the renderer's
    :meth:`~ocrplug.components.Renderer.draw` (overlay: the function its page files are drawn with); no
    file is written. ``rectColor`` (a Color, a colour name or ``#rrggbb``), ``lineWidth`` (pixels),
    ``filledRect`` (fill the regions opaquely) and ``rotated`` (the rotated quad; else the axis-aligned
    box) are overlay's ``color``, ``line_width``, ``fill_opacity: 1`` and ``shape: quad`` / ``box``;
    ``rendererOptions`` adds any other overlay option (``levels``, ``labels``...); another image renderer
    (``renderer``) gets these four only when they are set. Out: ``outputCol`` (the image struct with the
    input's ``pagenum`` / ``resolution``) and ``error``. Raises ConfigError at ``transform``, naming
    ``renderer``, when the renderer draws no image in memory (``text``, ``json``...).
    """

    _seed_keys: ClassVar[Mapping[str, str]] = {
        "renderers.0.options.color": "rectColor", "renderers.0.options.line_width": "lineWidth",
    }

    inputRegionsCol = _param("inputRegionsCol", "column of regions to draw", TypeConverters.toString)
    rectColor = _param("rectColor", "outline colour: a Color, a name or #rrggbb (overlay color)", _to_color)
    filledRect = _param("filledRect", "fill the regions with the colour (overlay fill_opacity 1)", TypeConverters.toBoolean)
    lineWidth = _param("lineWidth", "outline thickness, pixels (overlay line_width)", TypeConverters.toInt)
    rotated = _param("rotated", "draw the rotated quad (True) or the axis-aligned box (False)", TypeConverters.toBoolean)
    renderer = _param("renderer", "image renderer that draws (default overlay)", TypeConverters.toString)
    rendererOptions = _param("rendererOptions", "more options of the renderer (a dict / JSON object)", _to_mapping)

    @keyword_only
    def __init__(self, *, inputCol: str = "image", inputRegionsCol: str = "text_regions",
                 outputCol: str = "image_with_regions", rectColor: Any = None, filledRect: bool = False,
                 lineWidth: int = 2, rotated: bool = False, renderer: str = "overlay",
                 rendererOptions: dict[str, Any] | None = None, plugins: list[str] | None = None,
                 batchSize: int | None = None) -> None:
        given = self._input_kwargs
        super().__init__()
        self._setDefault(
            inputCol="image", inputRegionsCol="text_regions", outputCol="image_with_regions",
            rectColor=Color.red.value, filledRect=False, lineWidth=2, rotated=False, renderer="overlay",
            rendererOptions={},
        )
        self._set(**{k: v for k, v in given.items() if v is not None})

    def component(self) -> dict[str, Any]:
        """The renderer config this stage runs: ``{"name": ..., "options": {...}}``."""
        seeds = {
            "color": self.getOrDefault(self.rectColor),
            "line_width": self.getOrDefault(self.lineWidth),
            "shape": "quad" if self.getOrDefault(self.rotated) else "box",
        }
        if self.getOrDefault(self.filledRect):
            seeds["fill_opacity"] = 1.0
        given = {k: v for k, v in seeds.items() if self.isSet(self._option_param(k))}
        name = self.getOrDefault(self.renderer)
        # The seeds' Params are overlay's options: another renderer gets them only when they are set.
        defaults = seeds if name == "overlay" else {}
        options = defaults | dict(self.getOrDefault(self.rendererOptions)) | given
        return {"name": name, "options": options}

    def _check_draws(self, config: dict[str, Any]) -> None:
        """ConfigError naming ``renderer`` when the renderer draws no image in memory (e.g. ``text``).

        Renderers are built on the driver for this (no models: cheap), before any task.
        """
        from ocrplug.pipeline import Pipeline

        renderers = Pipeline.from_dict(config, source="<ImageDrawRegions>").renderers
        try:
            worker.image_renderer(renderers, ConfigError)
        except ConfigError as exc:
            raise ConfigError(f"ImageDrawRegions.renderer: {exc}") from exc

    def _option_param(self, option: str) -> Param:
        return {"color": self.rectColor, "line_width": self.lineWidth, "shape": self.rotated,
                "fill_opacity": self.filledRect}[option]

    def _body(self, schema: StructType) -> tuple[Callable[..., Any], StructType]:
        image, regions = self.getInputCol(), self.getOrDefault(self.inputRegionsCol)
        self._column(schema, image, _is_image, _IMAGE_WANTED)
        self._column(schema, regions, _is_regions, _REGIONS_WANTED)
        config = self._config(renderers=[self.component()])
        self._check_draws(config)
        output = self.getOutputCol()
        body = functools.partial(
            ml_arrow.draw_stage, config=config, image_col=image, regions_col=regions, output_col=output,
            batch_size=self.getOrDefault(self.batchSize),
        )
        return body, _with_fields(schema, [(output, ml_arrow.ML_IMAGE_TYPE), ("error", pa.string())])


# The seeds' class names for the same stages.
ImageTextDetectorV2 = ImageTextDetector
ImageToTextV2 = ImageToText
ImageToTextV2Opt = ImageToText

