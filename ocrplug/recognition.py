"""The host half of a recognizer: crop -> read -> fill, with one error policy and one crop-options model.

A recognizer that reads rectified crops derives from :class:`CropRecognizer` and implements only
:meth:`CropRecognizer.read_crops` (the reading of a batch of crops), optionally a :meth:`~CropRecognizer.scorer`
for the orientation of vertical crops and a :meth:`~CropRecognizer.group_key` for regions that must be
read apart (Tesseract reads words and blocks in different segmentation modes). The base warps the
regions into upright crops (:func:`ocrplug.crops.crop_regions`), records the rotation each crop needed,
and applies the error policy below. The split follows docTR's recognition predictor
(``doctr/models/recognition/predictor/pytorch.py``): a wrapper owns cropping and batching, the model
only reads.

Error policy (the same for every recognizer):

- an :class:`~ocrplug.errors.OcrplugError` (bad option, missing weights or extra, a broken engine
  install) propagates: it would hit every page alike, and swallowing it would turn a misconfigured
  run into a silent empty one. The run records the page as failed, as for any page exception;
- any other exception while reading one group of crops (an engine error on an odd crop) is logged as
  a warning naming the page, and those regions get empty text, confidence 0 and no children; the
  page and the other groups are kept;
- :meth:`~CropRecognizer.read_crops` returning another number of regions than it was given is a bug
  of the recognizer: a :class:`~ocrplug.errors.PluginError` naming the class.

A region read as one letter whose two cases differ in size only (``x`` / ``X``, ``o`` / ``O``,
:data:`~ocrplug.crops.SIZE_CASE_PAIRS`) gets the case its height on its row says
(:func:`~ocrplug.crops.lone_glyph_case`): the crop of one glyph has lost that evidence.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Hashable, Sequence

from ocrplug.components import CropOptions, Recognizer
from ocrplug.crops import SIZE_CASE_PAIRS, Crop, Scorer, crop_regions, lone_glyph_case, to_gray, with_rotation
from ocrplug.errors import OcrplugError, PluginError
from ocrplug.model import PageImage, Region
from ocrplug.profile import stage

__all__ = ["CropRecognizer", "lone_letter_case"]

log = logging.getLogger(__name__)


class CropRecognizer(Recognizer):
    """A recognizer that reads upright crops of the regions; subclasses implement :meth:`read_crops`.

    ``crop_options``: how regions are cut out (set it in ``__init__``, usually
    ``options.crop_options()`` of a :class:`~ocrplug.components.CropReaderOptions`); the default is ``CropOptions()``.
    """

    crop_options: CropOptions = CropOptions()

    @abstractmethod
    def read_crops(self, crops: Sequence[Crop], regions: Sequence[Region]) -> list[Region]:
        """Read a batch of crops: ``regions`` (same order and count) with text, confidence in [0, 1] and,
        if the recognizer finds them, children (words, lines) whose quads are mapped to page pixels with
        :meth:`Crop.map_box`. ``crops[i]`` is the upright crop of ``regions[i]`` (uint8, the page's
        channels). The regions of one call share one :meth:`group_key`."""

    def group_key(self, region: Region) -> Hashable:
        """Regions with different keys are cropped and read in separate :meth:`read_crops` calls; default: one group."""
        return None

    def scorer(self, regions: Sequence[Region]) -> Scorer | None:
        """The orientation scorer for a group of regions (one confidence per candidate crop image, higher is
        better), or None to turn tall crops counter-clockwise without reading (the default)."""
        return None

    def recognize(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        """Crop, read and fill every region of ``page`` (same order and count), under the module's error policy."""
        out: list[Region | None] = [None] * len(regions)
        groups: dict[Hashable, list[int]] = {}
        for i, region in enumerate(regions):
            groups.setdefault(self.group_key(region), []).append(i)
        for idx in groups.values():
            subset = [regions[i] for i in idx]
            try:
                with stage("crop"):
                    crops = crop_regions(page, subset, self.crop_options, scorer=self.scorer(subset))
                filled = self.read_crops(crops, subset)
            except OcrplugError:
                raise
            except Exception as exc:
                log.warning("%s failed on %d region(s) of %s: %r", type(self).__name__, len(idx), page.source, exc)
                for i in idx:
                    out[i] = regions[i].with_(text="", confidence=0.0, children=())
                continue
            if len(filled) != len(subset):
                raise PluginError(
                    f"{type(self).__name__}.read_crops returned {len(filled)} regions for {len(subset)} crops"
                )
            for i, crop, region in zip(idx, crops, filled, strict=True):
                out[i] = with_rotation(region, crop)
        done = [r for r in out if r is not None]
        return lone_letter_case(page, done)


def lone_letter_case(page: PageImage, regions: Sequence[Region]) -> list[Region]:
    """``regions`` (read, page pixels; same order and count) with each one-letter reading of
    :data:`~ocrplug.crops.SIZE_CASE_PAIRS` in the case its height on its row says (its text and its
    word's; :func:`~ocrplug.crops.lone_glyph_case`), where the page gives that evidence. The other
    regions of ``regions`` are the row evidence, so pass a page's regions together. Turned regions
    (``attributes["rotation"]``) are left as they are."""
    lone = [i for i, r in enumerate(regions)
            if (r.text or "").strip() in SIZE_CASE_PAIRS and not r.attributes.get("rotation")]
    if not lone:
        return list(regions)
    gray = to_gray(page.image)
    out = list(regions)
    for i in lone:
        region = regions[i]
        case = lone_glyph_case(gray, region, regions)
        if case is None:
            continue
        text = (region.text or "").strip()
        fixed = text.lower() if case == "lower" else text.upper()
        if fixed == text:
            continue
        children = tuple(c.with_(text=fixed) if (c.text or "").strip() == text else c for c in region.children)
        out[i] = region.with_(text=(region.text or "").replace(text, fixed), children=children)
    return out
