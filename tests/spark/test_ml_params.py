"""The ML stages' Params without a JVM: defaults, set/get, copy, the seeds' CRAFT names, pretrained()."""

from __future__ import annotations

import pytest

from ocrplug.config import DEFAULT_CONFIG, InputConfig
from ocrplug.errors import ConfigError

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")

from ocrplug.spark.ml import (
    CRAFT_PARAMS,
    BinaryToImage,
    Color,
    ImageDrawRegions,
    ImageTextDetector,
    ImageTextDetectorV2,
    ImageToText,
    ImageToTextV2,
    ImageToTextV2Opt,
    ImageType,
    PdfToImage,
)


def test_defaults_setters_getters_and_copy():
    stage = BinaryToImage()
    assert (stage.getInputCol(), stage.getOutputCol(), stage.getPathCol()) == ("content", "image", "path")
    assert stage.getImageType() == "TYPE_3BYTE_BGR" and stage.getResolution() == InputConfig.model_validate(DEFAULT_CONFIG["input"]).dpi
    assert stage.setImageType(ImageType.TYPE_BYTE_GRAY) is stage and stage.getImageType() == "TYPE_BYTE_GRAY"
    with pytest.raises(TypeError, match="TYPE_3BYTE_BGR"):
        stage.setImageType("RGB")
    copy = stage.copy({stage.resolution: 150.0})
    assert copy.getResolution() == 150.0 and stage.getResolution() == InputConfig.model_validate(DEFAULT_CONFIG["input"]).dpi
    assert copy.uid == stage.uid and copy.getImageType() == "TYPE_BYTE_GRAY"
    assert PdfToImage(resolution=200).getResolution() == 200.0


def test_resolution_offers_auto_with_input_dpis_rule():
    # Issue 24 (U14): the stages kept 300 dpi; `auto` (the default pipeline's input.dpi) is offered, checked
    # by input.dpi's own validator, and is the default as in the default pipeline.
    assert DEFAULT_CONFIG["input"]["dpi"] == "auto"
    assert PdfToImage().getResolution() == "auto" and BinaryToImage().getResolution() == "auto"
    assert PdfToImage(resolution=" Auto ").getResolution() == "auto"
    assert PdfToImage(resolution="150").getResolution() == 150.0
    assert PdfToImage()._input_config() == {"dpi": "auto"}
    for bad in ("300dpi", 0, True, 5000, 1):
        with pytest.raises(TypeError, match=r"resolution \(input.dpi\) must be 'auto' or a number"):
            PdfToImage(resolution=bad)
    text = ImageToText()
    assert (text.getOutputCol(), text.getGroupImages(), text.getRegionsColumn(), text.getOutputRegionsCol()) == (
        "text", True, "", "regions",
    )
    assert text.getRecognizer() == DEFAULT_CONFIG["recognizer"]["name"]
    assert ImageTextDetector().getDetector() == DEFAULT_CONFIG["detector"]["name"]
    assert ImageTextDetectorV2 is ImageTextDetector and ImageToTextV2 is ImageToTextV2Opt is ImageToText


def test_seed_craft_params_become_the_craft_options_they_mean():
    stage = ImageTextDetector(detector="craft").setScoreThreshold(0.5).setTextThreshold(0.2) \
        .setLinkThreshold(0.3).setSizeThreshold(10).setWidth(500).setWithRefiner(True)
    assert stage.component() == {
        "name": "craft",
        "options": {"text_threshold": 0.5, "low_text": 0.2, "link_threshold": 0.3, "min_size": 10, "width": 500,
                    "refiner": True},
    }
    assert set(CRAFT_PARAMS) == {"scoreThreshold", "textThreshold", "linkThreshold", "sizeThreshold", "width",
                                 "withRefiner"}
    # Defaults are the craft defaults, and only set values are passed on.
    fresh = ImageTextDetector(detector="craft")
    assert (fresh.getScoreThreshold(), fresh.getTextThreshold(), fresh.getLinkThreshold()) == (0.7, 0.4, 0.4)
    assert fresh.component() == {"name": "craft", "options": {}}
    with pytest.raises(ConfigError, match=r"scoreThreshold is a CRAFT parameter \(craft option text_threshold\)"):
        ImageTextDetector(detector="db").setScoreThreshold(0.5).component()


def test_the_default_detectors_options_stay_with_it():
    """The default stage carries the default config's detector options (fast: db's ``lone_glyphs``); naming
    another detector (or page detector) without options gives that detector's own defaults, and options
    set by hand are kept whatever the detector."""
    assert ImageTextDetector().component() == {"options": {}} | DEFAULT_CONFIG["detector"]
    assert ImageTextDetector(detector="craft").component() == {"name": "craft", "options": {}}
    assert ImageTextDetector().setDetector("fake-box").component() == {"name": "fake-box", "options": {}}
    assert ImageTextDetector(detector="craft", detectorOptions={"width": 640}).component()["options"] == {"width": 640}
    assert ImageToText(recognizer="tesseract").component() == {"name": "tesseract", "options": {}}


def test_pretrained_gives_local_models_and_lists_them_for_an_unknown_name():
    assert ImageTextDetector.pretrained().component() == {"options": {}} | DEFAULT_CONFIG["detector"]
    seed = ImageTextDetectorV2.pretrained("image_text_detector_v2", "en", "clinical/ocr")
    assert isinstance(seed, ImageTextDetector)
    assert seed.component() == {"name": "craft", "options": {"weights": "craft_mlt_25k"}}
    ocr = ImageToTextV2Opt.pretrained("ocr_base_handwritten_v2_opt", "en", "clinical/ocr")
    assert ocr.component()["name"] == DEFAULT_CONFIG["recognizer"]["name"]
    assert ImageToText.pretrained("tesseract", "de").component() == {"name": "tesseract", "options": {"lang": "deu"}}
    with pytest.raises(ConfigError, match=r"no local detector model 'nope'.*local models: db \(default\); craft_mlt_25k"):
        ImageTextDetector.pretrained("nope")
    with pytest.raises(ConfigError, match=r"local models: ppocr \(default\) \(for ocr_base_handwritten_v2_opt"):
        ImageToText.pretrained("ocr_large_printed_v9")


def test_draw_params_are_overlay_options():
    stage = ImageDrawRegions().setRectColor(Color.green).setRotated(True).setFilledRect(True).setLineWidth(3)
    assert stage.component() == {
        "name": "overlay",
        "options": {"color": "green", "line_width": 3, "shape": "quad", "fill_opacity": 1.0},
    }
    # rendererOptions add overlay options; the seed params set explicitly win over them.
    other = ImageDrawRegions(rendererOptions={"levels": ["word"], "color": "blue"})
    assert other.component()["options"] == {"color": "blue", "line_width": 2, "shape": "box", "levels": ["word"]}
    assert other.setRectColor("#ff00ff").component()["options"]["color"] == "#ff00ff"


@pytest.mark.parametrize(
    "name",
    ["image_text_detector_v2", "image_text_detector_mem_opt", "image_text_detector_opt",
     "image_text_detector_open_vino", "text_detection_v1", "text_detection_v2", "text_detection_v4",
     "craft_text_detector", "craft"],
)
def test_visual_nlp_craft_detector_names_give_the_official_craft(name):
    """The CRAFT detectors of Visual NLP's model cards and release notes (ml_models' docstring cites them)."""
    assert ImageTextDetector.pretrained(name, "en", "clinical/ocr").component() == {
        "name": "craft", "options": {"weights": "craft_mlt_25k"},
    }


@pytest.mark.parametrize(
    "name",
    ["ocr_small_printed", "ocr_small_handwritten", "ocr_base_printed", "ocr_base_handwritten",
     "ocr_base_printed_v2", "ocr_base_printed_v2_opt", "ocr_base_handwritten_v2", "ocr_base_handwritten_v2_opt",
     "ocr_large_printed_v2", "ocr_large_printed_v2_opt", "ocr_large_handwritten_v2",
     "ocr_large_handwritten_v2_opt", "trocr_base_printed", "text_recognition_v4"],
)
def test_visual_nlp_recognizer_names_give_the_default_recognizer(name):
    assert ImageToTextV2.pretrained(name, "en", "clinical/ocr").component() == {
        "name": DEFAULT_CONFIG["recognizer"]["name"], "options": dict(DEFAULT_CONFIG["recognizer"].get("options") or {}),
    }


def test_a_seed_model_with_no_local_counterpart_lists_the_local_models():
    with pytest.raises(ConfigError, match=r"no local detector model 'image_text_detector_dit'.*local models: db"):
        ImageTextDetector.pretrained("image_text_detector_dit", "en", "clinical/ocr")
    with pytest.raises(ConfigError, match=r"no local recognizer model 'text_detection_v1'.*local models: ppocr"):
        ImageToText.pretrained("text_detection_v1")  # a detector's name is not a recognizer
