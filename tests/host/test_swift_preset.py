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
    assert options.confidence == "lowest_word"  # chosen with benchmarks/cascade.py --choose --confidence lowest_word
    assert processor._det.options.max_side == SWIFT_MAX_SIDE
    # One thread per model, as Tesseract reads: the figure swift aims at is CPU seconds, and two intra-op
    # threads on 2 cores cost about 10 % more CPU for the same output (docs/benchmarks.md).
    assert processor._det.options.threads == 1
    assert options.second.options["threads"] == 1  # Tesseract reads with one thread by default
    assert "swift" in PRESETS


def test_the_ocrmypdf_engine_takes_the_swift_preset() -> None:
    from ocrplug.integrations import ocrmypdf as engine

    config = engine.pipeline_config(engine.OcrplugOptions(preset="swift"))
    assert config["recognizer"]["name"] == "cascade"
    assert config["detector"] == preset_config("swift")["detector"]
