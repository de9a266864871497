"""The `swift` preset: resolves to db + the tesseract/ppocr cascade, and the OCRmyPDF engine offers it."""

from __future__ import annotations

from ocrplug.config import load_config
from ocrplug.presets import PRESETS, SWIFT_MAX_SIDE, SWIFT_THRESHOLD, preset_config


def test_swift_resolves_every_component_with_the_chosen_values() -> None:
    from ocrplug.cascade import CascadeOptions
    from ocrplug.processing import PageProcessor

    loaded = load_config(None, [], base=preset_config("swift"), base_source="preset swift")
    processor = PageProcessor(loaded.config)
    options = processor._rec.options  # the validated options of the recognizer the preset names
    assert isinstance(options, CascadeOptions)
    assert (options.first.name, options.second.name, options.threshold) == ("tesseract", "ppocr", SWIFT_THRESHOLD)
    assert processor._det.options.max_side == SWIFT_MAX_SIDE
    assert "swift" in PRESETS


def test_the_ocrmypdf_engine_takes_the_swift_preset() -> None:
    from ocrplug.integrations import ocrmypdf as engine

    config = engine.pipeline_config(engine.OcrplugOptions(preset="swift"))
    assert config["recognizer"]["name"] == "cascade"
    assert config["detector"] == preset_config("swift")["detector"]
