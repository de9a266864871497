"""The host's recognizer base: crop -> read -> fill, its one error policy and its one margin model."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pytest

from ocrplug.api import (
    ConfigError,
    Crop,
    CropOptions,
    CropReaderOptions,
    CropRecognizer,
    PageImage,
    PluginError,
    Region,
)
from ocrplug.components import DEFAULT_MARGIN


def _page() -> PageImage:
    image = np.full((200, 300, 3), 255, np.uint8)
    image[20:40, 20:120] = 0  # a wide black bar: "line" read as text "dark"
    image[60:180, 200:220] = 0  # a tall bar: a vertical region, turned upright
    return PageImage(image=image, index=0, source="page.png")


REGIONS = [
    Region.from_box(20, 20, 120, 40, level="line"),
    Region.from_box(200, 60, 220, 180, level="line"),
    Region.from_box(150, 100, 190, 110, level="word"),  # white paper: read as "light"
]


class InkReader(CropRecognizer):
    """Reads a crop as 'dark' or 'light' (mean ink), with its crop size in the attributes."""

    def __init__(self, options: CropReaderOptions, fail_level: str | None = None, error: Exception | None = None):
        self.crop_options = options.crop_options()
        self.fail_level, self.error = fail_level, error
        self.calls: list[int] = []

    def group_key(self, region: Region) -> str:
        return region.level

    def read_crops(self, crops: Sequence[Crop], regions: Sequence[Region]) -> list[Region]:
        self.calls.append(len(crops))
        if self.error is not None and regions[0].level == self.fail_level:
            raise self.error
        return [
            r.with_(text="dark" if c.image.mean() < 128 else "light", confidence=0.9,
                    attributes={"size": (c.width, c.height)})
            for c, r in zip(crops, regions, strict=True)
        ]


def test_base_crops_reads_in_groups_and_fills_in_region_order() -> None:
    reader = InkReader(CropReaderOptions(margin=0.0))
    out = reader.recognize(_page(), REGIONS)
    assert [r.text for r in out] == ["dark", "dark", "light"]
    assert sorted(reader.calls) == [1, 2]  # one call per group_key (line, word)
    assert out[0].attributes["size"] == (100, 20)
    # The tall region was turned upright (no scorer: counter-clockwise) and the rotation recorded.
    assert out[1].attributes["size"] == (120, 20) and out[1].attributes["rotation"] == 90
    assert reader.recognize(_page(), []) == []


def test_margin_is_a_fraction_of_the_text_height() -> None:
    out = InkReader(CropReaderOptions(margin=0.5)).recognize(_page(), REGIONS[:1])
    assert out[0].attributes["size"] == (120, 40)  # 20 px high text: 10 px more on every side


def test_an_engine_error_empties_only_that_group_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    reader = InkReader(CropReaderOptions(), fail_level="word", error=RuntimeError("engine fell over"))
    word = REGIONS[2].with_(children=(Region.from_box(150, 100, 160, 110, level="word"),))
    with caplog.at_level(logging.WARNING):
        out = reader.recognize(_page(), [*REGIONS[:2], word])
    assert [(r.text, r.confidence, r.children) for r in out[2:]] == [("", 0.0, ())]
    assert [r.text for r in out[:2]] == ["dark", "dark"]  # the other group is kept
    assert "InkReader failed on 1 region(s) of page.png" in caplog.text and "engine fell over" in caplog.text


@pytest.mark.parametrize("error", [ConfigError("recognizer option 'x': bad"), PluginError("engine not installed")])
def test_an_ocrplug_error_propagates(error: Exception) -> None:
    reader = InkReader(CropReaderOptions(), fail_level="line", error=error)
    with pytest.raises(type(error), match=str(error).split(":")[0]):
        reader.recognize(_page(), REGIONS)


def test_a_wrong_number_of_read_regions_is_a_plugin_error() -> None:
    class Short(InkReader):
        def read_crops(self, crops, regions):
            return list(super().read_crops(crops, regions))[:-1]

    with pytest.raises(PluginError, match=r"Short.read_crops returned 1 regions for 2 crops"):
        Short(CropReaderOptions()).recognize(_page(), REGIONS[:2])


def test_one_margin_default_everywhere() -> None:
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_tesseract.options import TesseractRecognizerOptions
    from ocrplug_trocr.options import TrOCRRecognizerOptions

    assert DEFAULT_MARGIN == 0.05 == CropOptions().margin == CropReaderOptions().margin
    for model in (PPOCRRecognizerOptions, TrOCRRecognizerOptions):
        options = model()
        assert issubclass(model, CropReaderOptions)
        assert options.crop_options() == CropOptions(margin=0.05, orientation="auto")
    # Issue 24 item 6: Tesseract's margin was chosen by measurement (docs/recognizers.md): 0, same meaning.
    assert issubclass(TesseractRecognizerOptions, CropReaderOptions)
    assert TesseractRecognizerOptions().crop_options() == CropOptions(margin=0.0, orientation="auto")
    with pytest.raises(ValueError, match="margin"):
        CropReaderOptions(margin=-1)
