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
(:func:`~ocrplug.crops.lone_glyph_case`): the crop of one glyph has lost that evidence. So does a
one-letter word of such a letter inside a line (``s = 0`` read ``S = 0``) where the line's other words
measure the cap height or the x-height (:func:`in_line_letter_case`).
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from collections.abc import Hashable, Sequence

import numpy as np

from ocrplug.components import CropOptions, Recognizer
from ocrplug.crops import (
    CAP_HEIGHT_RATIO,
    CAP_HEIGHT_SHARE,
    SIZE_CASE_PAIRS,
    X_HEIGHT_RATIO,
    X_HEIGHT_SHARE,
    Crop,
    Scorer,
    crop_regions,
    ink_boxes,
    lone_glyph_case,
    to_gray,
    with_rotation,
)
from ocrplug.errors import OcrplugError, PluginError
from ocrplug.model import PageImage, Region
from ocrplug.profile import stage

__all__ = ["CAP_TALL", "UNITS", "X_SHORT", "CropRecognizer", "digit_units", "in_line_letter_case", "lone_letter_case", "unit_letters"]

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
        done = [unit_letters(r) for r in out if r is not None]
        return lone_letter_case(page, done)


#: Units written after a number (mass, volume, length, energy, share) whose number a reader may write
#: with an ``O`` for a ``0`` (Tesseract: ``Trans Fat Og``, ``Cholesterol Omg``, T15's nutrition label).
#: Lower-case only as written on labels: ``OG``, ``OMG`` and ``Om`` are words and stay.
UNITS = ("g", "mg", "mcg", "µg", "kg", "ml", "mL", "cl", "dl", "cm", "mm", "km", "kcal", "kJ", "lb", "lbs", "oz", "%")
_UNIT = "(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + ")"
#: A number holding an ``O`` (with digits, or alone) glued to a unit: ``Og``, ``1Og``, ``O.5mg``, ``2O%``.
_O_NUMBER = re.compile(r"^([(\[]?)([0-9O]+(?:[.,][0-9O]+)?)(" + _UNIT + r")([).,;:\]]*)$")
#: ``Ib``/``Ibs`` (a capital I for the ``l`` of the pound sign), glued to a number or alone.
_I_POUND = re.compile(r"^([(\[]?[0-9.,]*[0-9½¼¾⅓⅔⅛]?)Ib(s?)([).,;:\]]*)$")
_NUMBER_END = re.compile(r"[0-9½¼¾⅓⅔⅛]$")


def digit_units(text: str) -> str:
    """``text`` with the letters a reader wrote in a number's unit or for its digits put right, by the
    words around them (issue 24, T15): ``Ib``/``Ibs`` after a number (``1½ Ib`` -> ``1½ lb``, ``2Ibs``
    -> ``2lbs``; PP-OCR's and Tesseract's reading of the ``l``) and an ``O`` in a number glued to a
    unit of :data:`UNITS` (``Og`` -> ``0g``, ``Omg`` -> ``0mg``, ``1O%`` -> ``10%``). Same length, character
    for character; whitespace kept. A lone ``Ib`` with no number before it stays (``ib.``-like
    abbreviations), as does any word of capitals (``OG``). Measured on drawn nutrition and recipe lines and
    on the validation sets' words (``python benchmarks/unit_letters.py``; docs/benchmarks.md, H16)."""
    if "O" not in text and "Ib" not in text:
        return text
    parts = re.split(r"(\s+)", text)
    prev = ""
    for k in range(0, len(parts), 2):
        word = parts[k]
        if not word:
            continue
        m = _I_POUND.match(word)
        if m and (_NUMBER_END.search(m.group(1)) or (not m.group(1) and _NUMBER_END.search(prev))):
            word = m.group(1) + "lb" + m.group(2) + m.group(3)
        m = _O_NUMBER.match(word)
        if m and "O" in m.group(2):
            word = m.group(1) + m.group(2).replace("O", "0") + m.group(3) + m.group(4)
        parts[k] = word
        prev = word
    return "".join(parts)


def unit_letters(region: Region) -> Region:
    """``region`` (read) with :func:`digit_units` applied to its text and to each child's, a child in the
    context of the sibling before it (so a line and its words agree)."""
    text = region.text or ""
    if "O" not in text and "Ib" not in text:
        return region
    children = []
    prev = ""
    for child in region.children:
        fixed = unit_letters(child)
        own = fixed.text or ""
        if own and prev:
            own = digit_units(prev + " " + own)[len(prev) + 1 :]
        children.append(fixed.with_(text=own) if own != (fixed.text or "") else fixed)
        prev = (child.text or "").split()[-1] if (child.text or "").split() else prev
    new = digit_units(text)
    if new == text and all(a is b for a, b in zip(children, region.children, strict=True)):
        return region
    return region.with_(text=new, children=tuple(children))


def lone_letter_case(page: PageImage, regions: Sequence[Region]) -> list[Region]:
    """``regions`` (read, page pixels; same order and count) with each one-letter reading of
    :data:`~ocrplug.crops.SIZE_CASE_PAIRS` in the case its height on its row says (its text and its
    word's; :func:`~ocrplug.crops.lone_glyph_case`), where the page gives that evidence. The other
    regions of ``regions`` are the row evidence, so pass a page's regions together. Turned regions
    (``attributes["rotation"]``) are left as they are."""
    lone = [i for i, r in enumerate(regions)
            if (r.text or "").strip() in SIZE_CASE_PAIRS and not r.attributes.get("rotation")]
    in_line = [i for i, r in enumerate(regions)
               if r.level == "line" and not r.attributes.get("rotation") and len(r.children) > 1
               and any((w.text or "") in _IN_LINE_PAIRS for w in r.children)]
    if not lone and not in_line:
        return list(regions)
    gray = to_gray(page.image)
    out = list(regions)
    for i in in_line:
        out[i] = in_line_letter_case(gray, regions[i])
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


#: Characters whose ink stands at the cap height in common print faces (lining figures, capitals that
#: are not :data:`~ocrplug.crops.SIZE_CASE_PAIRS` and neither descend nor overshoot much: no ``J``, ``Q``).
CAP_TALL = frozenset("0123456789ABDEFGHIKLMNPRT")
#: Letters at the x-height with neither ascender nor descender nor dot, that are no size-case pair.
X_SHORT = frozenset("aemnr")
# The one-letter words in_line_letter_case decides: the size-case pairs less y / Y (a y's descender
# makes its ink as tall as a capital's).
_IN_LINE_PAIRS = SIZE_CASE_PAIRS - {"y", "Y"}
# Marks after a word that stand no higher than its letters (``1,``, ``12.``).
_LOW_MARKS = ".,:;"


def _tallest(gray: np.ndarray, region: Region) -> float | None:
    """Ink height (pixels) of the tallest dark component inside ``region``'s box (specks dropped)."""
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = region.bbox
    box = (max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0), min(int(np.ceil(x1)), w), min(int(np.ceil(y1)), h))
    comps = ink_boxes(gray, box)
    if not len(comps):
        return None
    return float((comps[:, 3] - comps[:, 1]).max())


def in_line_letter_case(gray: np.ndarray, line: Region) -> Region:
    """``line`` (read, page pixels) with each one-letter word of a size-case pair (``s``, ``x``, ``o``...;
    not ``y``) in the case its ink height says against the line's other words, where they say it.

    ``gray``: the page (H x W uint8, dark text on light paper). The evidence: the other words made only
    of :data:`CAP_TALL` characters, a ``.,:;`` after them allowed (``0``, ``12,``, ``R``: their tallest
    component is the cap height) and
    those made only of :data:`X_SHORT` letters (``a``, ``name``: the x-height). Against the cap height a
    letter at most :data:`~ocrplug.crops.X_HEIGHT_SHARE` of it is lower case, at least
    :data:`~ocrplug.crops.CAP_HEIGHT_SHARE` upper case; against the x-height at most
    :data:`~ocrplug.crops.X_HEIGHT_RATIO` times it lower case, at least
    :data:`~ocrplug.crops.CAP_HEIGHT_RATIO` upper (the constants and their measurement are those of
    :func:`~ocrplug.crops.lone_glyph_case`). Where both kinds of word are there and disagree, or none is,
    the word is left as read. PP-OCR reads ``s = 0`` in DejaVu Sans Mono as ``S = 0``: the model does not
    weigh the ``s`` against the ``0`` beside it (docs/benchmarks.md "Monospaced code listings").
    """
    words = list(line.children)
    targets = [k for k, w in enumerate(words) if (w.text or "") in _IN_LINE_PAIRS]
    if not targets:
        return line
    caps = [t for w in words if (w.text or "").rstrip(_LOW_MARKS) and set((w.text or "").rstrip(_LOW_MARKS)) <= CAP_TALL
            and (t := _tallest(gray, w)) is not None]
    xs = [t for w in words if (w.text or "") and set(w.text or "") <= X_SHORT and (t := _tallest(gray, w)) is not None]
    if not caps and not xs:
        return line
    changed = False
    for k in targets:
        h = _tallest(gray, words[k])
        if h is None:
            continue
        votes = set()
        if caps:
            share = h / float(np.median(caps))
            votes.add("lower" if share <= X_HEIGHT_SHARE else "upper" if share >= CAP_HEIGHT_SHARE else None)
        if xs:
            ratio = h / float(np.median(xs))
            votes.add("lower" if ratio <= X_HEIGHT_RATIO else "upper" if ratio >= CAP_HEIGHT_RATIO else None)
        if len(votes) != 1 or None in votes:
            continue
        text = words[k].text or ""
        fixed = text.lower() if votes == {"lower"} else text.upper()
        if fixed != text:
            words[k] = words[k].with_(text=fixed)
            changed = True
    if not changed:
        return line
    # The line's own spacing is kept (a monospaced line's runs of spaces): its tokens are its words.
    parts = re.split(r"(\s+)", (line.text or "").strip())
    tokens = parts[::2]
    if [t for t in tokens if t] == [w.text or "" for w in line.children]:
        parts[::2] = [w.text or "" for w in words]
        text = "".join(parts)
    else:
        text = " ".join(w.text or "" for w in words)
    return line.with_(text=text, children=tuple(words))
