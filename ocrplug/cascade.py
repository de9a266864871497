"""A confidence cascade: a cheap recognizer reads every region, a stronger one re-reads the doubtful ones.

:class:`CascadeRecognizer` is a composite recognizer built from two configured recognizers (any pair the
installed plugins offer: ``tesseract`` then ``ppocr``, ``ppocr`` then ``trocr``, ...). The ``first``
reads every region; the regions it reads with a confidence below ``threshold`` (and those it reads as
nothing, as one character, or as rule-like characters only: :func:`unsure_by_kind`; and a glyph-sized
region read as several characters: :func:`unsure_by_shape`; and a line one of whose words holds an ink
gap as wide as the line's own word gaps, a word space the first reader joined: :func:`joined_gap`; and a
line whose ink shows marks above the x-height that its reading does not write, ``Tomás`` read ``Tomas``:
:func:`unwritten_marks`) go to the ``second``, whose reading replaces the first's, unless the second reads nothing there. The
confidence compared is the region's own, or with ``confidence: lowest_word`` the lowest of its words'
(one doubtful word sends the line). Each region the cascade returns carries
``attributes["reader"]``: the name of the recognizer whose reading was kept, and
``attributes["first_confidence"]`` (the compared confidence) when the second reader was asked; the JSON
renderer writes them per line.

The idea is the classic classifier cascade (Viola and Jones, "Rapid object detection using a boosted
cascade of simple features", CVPR 2001): spend the expensive model only where the cheap one is unsure.
The threshold of the ``swift`` preset was chosen on FUNSD's training split by
``benchmarks/cascade.py --choose`` (docs/benchmarks.md, "Stage profile, cascade and the swift preset").

The two recognizers are found by name in this process's plugin host (the installed plugins,
:func:`ocrplug.config.plugin_host`) and built once, when the cascade is built.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ocrplug.components import Options, Recognizer
from ocrplug.crops import to_gray
from ocrplug.errors import ConfigError
from ocrplug.geometry import quad_height, quad_width
from ocrplug.model import PageImage, Region
from ocrplug.profile import stage
from ocrplug.recognition import lone_letter_case

__all__ = [
    "DOT_SIZE",
    "GAP_SHARE",
    "GLYPH_ASPECT",
    "RULE_LIKE",
    "CascadeOptions",
    "CascadeRecognizer",
    "ReaderChoice",
    "first_confidence",
    "joined_gap",
    "unsure_by_kind",
    "unsure_by_shape",
    "unwritten_marks",
]

#: Characters a reader gives for a ruling line or a stroke as well as for text (a table's frame, a lone
#: ``l`` or ``I`` that Tesseract reads as ``|`` with confidence 0.9): a reading made of these only is no
#: evidence of text, whatever its confidence.
RULE_LIKE = frozenset("|_-\u2010\u2011\u2012\u2013\u2014\u2015\u00a6")
#: Measures a quantity of a recipe or a list is written in: a reading with a ``%`` or ``¥`` just before
#: one (``1% lb``, ``1 Y% cups``, ``¥2 tsp``: Tesseract's ``eng`` has no ``½``/``¼`` and reads them so,
#: sure of it, T15's recipe) holds a garbled vulgar fraction (:func:`unsure_by_kind`).
MEASURES = frozenset(
    "cup cups tsp tbsp teaspoon teaspoons tablespoon tablespoons lb lbs Ib Ibs oz pint pints quart quarts "
    "inch inches kg g ml litre litres liter liters".split()
)
_FRACTION_LIKE = re.compile(r"[%¥]\S*\s+(\S+)")

#: A region whose longer side is at most this many times its shorter one holds about one glyph: a
#: detector's box of a lone letter or digit is 0.8-1.1 times as wide as tall (its kernel grown by the same
#: margin on every side), of two digits 1.4 or more. Tesseract reads a lone ``X`` as ``xX`` with
#: confidence 0.79 (T4's label pages, issue 24): several characters there are no reading to keep unchecked.
GLYPH_ASPECT = 1.25

#: A line goes to the second reader when one of the first reader's words holds an ink gap at least this
#: share of the line's own word gap (the median ink gap between its words; :func:`joined_gap`): Tesseract's
#: LSTM joins ``Lot 4D``, ``A signed``, ``C and`` (Noto Sans, URW Bookman) with word confidences 0.86-0.96.
#: Chosen on ``funsd_train`` (docs/benchmarks.md, "Words Tesseract joins").
GAP_SHARE = 0.8

#: A mark above the x-height is a dot (an ``i``'s, a diaeresis') when neither side is over this many stroke
#: widths, an accent otherwise (:func:`unwritten_marks`). Chosen on drawn lines (``python
#: benchmarks/accent_marks.py --dot-size 1.6,2.0,2.5``, 10 faces at 14-40 px per em): 1.6 sends 34 of 720
#: lines read right (a thin face's dots count as accents), 2.0 sends 3, 2.5 sends 2; lines read with their
#: marks stripped sent 334, 317, 316 of 400.
DOT_SIZE = 2.0


class ReaderChoice(BaseModel):
    """One recognizer of the cascade: its name (as ``ocrplug plugins`` lists it) and its options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Recognizer name, as listed by `ocrplug plugins`.")
    options: dict[str, Any] = Field(default_factory=dict, description="That recognizer's options.")

    @field_validator("name")
    @classmethod
    def _not_a_cascade(cls, value: str) -> str:
        if value == "cascade":
            raise ValueError("a cascade's reader cannot be another cascade")
        return value


class CascadeOptions(Options):
    """Options of the ``cascade`` recognizer."""

    first: ReaderChoice = Field(
        {"name": "tesseract"}, description="The cheap recognizer that reads every region."
    )
    second: ReaderChoice = Field(
        {"name": "ppocr"}, description="The stronger recognizer that re-reads the doubtful regions."
    )
    threshold: float = Field(
        0.90,
        ge=0.0,
        le=1.0,
        description="Regions the first reader reads with a confidence below this go to the second "
        "(0: only regions it reads as nothing, as one character or as rule-like characters, 1: all); 0.90 was chosen on FUNSD's training split for tesseract "
        "then ppocr (the lowest threshold keeping the CER within 10 % of ppocr alone, benchmarks/cascade.py).",
    )

    confidence: Literal["region", "lowest_word"] = Field(
        "region",
        description="What is compared with the threshold: 'region', the first reader's confidence of the "
        "whole region; 'lowest_word', the lowest confidence among its words (the region's own when it has "
        "none): a line with one doubtful word goes to the second reader even if the rest is sure.",
    )

    gap_share: float = Field(
        GAP_SHARE,
        ge=0.0,
        le=10.0,
        description="A line also goes to the second reader when one of the first reader's words holds an "
        "ink gap at least this share of the line's median gap between its words (a word space the first "
        "reader joined: 'Lot 4D' read 'Lot4D'); 0: off.",
    )

    marks: bool = Field(
        True,
        description="A line also goes to the second reader when it shows more marks above the x-height "
        "over its letters (accents, dots) than the first reading has characters for ('Tomás' read "
        "'Tomas' by Tesseract's eng model; ocrplug.cascade.unwritten_marks); false: off.",
    )

    @field_validator("first", "second", mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        # `first: tesseract` is shorthand for `first: {name: tesseract}`, as for `recognizer:`.
        if isinstance(value, str):
            return {"name": value}
        if not isinstance(value, (Mapping, ReaderChoice)):
            raise ValueError(
                "a recognizer name (e.g. tesseract) or a mapping {name: ..., options: {...}} is needed"
            )
        return value


class CascadeRecognizer(Recognizer):
    """The first recognizer reads every region; the second re-reads those read with confidence < threshold.

    ``recognize(page, regions)`` returns the regions in the same order and count, each with
    ``attributes["reader"]`` (who was kept). Building raises what resolving the two recognizers raises:
    :class:`~ocrplug.errors.ConfigError` naming ``recognizer.options.first`` / ``.second`` for an
    unknown name or a bad option, and what their factories raise (``WeightsError``, ``MissingExtraError``).
    """

    def __init__(self, options: CascadeOptions) -> None:
        """Resolve and build both recognizers now (models load once, here)."""
        from ocrplug.config import ComponentConfig, plugin_host, resolve_component

        self.options = options
        host = plugin_host()
        built: list[Recognizer] = []
        for key, choice in (("first", options.first), ("second", options.second)):
            resolved = resolve_component(
                host, "recognizer", ComponentConfig(name=choice.name, options=choice.options),
                f"recognizer.options.{key}", "cascade", exclude=("cascade",),
            )
            try:
                built.append(resolved.spec.build(resolved.options))
            except ConfigError as exc:  # an option only the reader's factory judges (a Tesseract lang)
                if f"recognizer.options.{key}" in str(exc):
                    raise
                raise ConfigError(f"recognizer.options.{key} ({choice.name}): {exc}") from exc
        self.first, self.second = built
        self.names = (options.first.name, options.second.name)

    def recognize(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        """Read ``regions`` of ``page`` with the first recognizer, then the doubtful ones with the second:
        those read with confidence below the threshold, those whose reading :func:`unsure_by_kind` or
        :func:`unsure_by_shape` doubts, lines with a word holding a word gap (:func:`joined_gap`) and lines
        with marks their reading does not write (:func:`unwritten_marks`)."""
        if not regions:
            return []
        first = self.first.recognize(page, regions)
        t = self.options.threshold
        doubtful = [
            i
            for i, r in enumerate(first)
            if t >= 1.0
            or unsure_by_kind(r.text or "")
            or unsure_by_shape(r)
            or first_confidence(r, self.options.confidence) < t
            or (self.options.gap_share > 0 and joined_gap(page, r) >= self.options.gap_share)
            or (self.options.marks and unwritten_marks(page, r) > 0)
        ]
        again: dict[int, Region] = {}
        if doubtful:
            with stage("recognize again"):
                reread = self.second.recognize(page, [regions[i] for i in doubtful])
            again = dict(zip(doubtful, reread, strict=True))
        out = []
        for i, region in enumerate(first):
            second = again.get(i)
            if second is None:
                out.append(_marked(region, self.names[0]))
            elif (second.text or "").strip() or not (region.text or "").strip():
                out.append(_marked(second, self.names[1], first_confidence(region, self.options.confidence)))
            else:  # the second reader read nothing where the first read something: keep the first
                out.append(_marked(region, self.names[0], first_confidence(region, self.options.confidence)))
        # The second reader saw the doubtful regions alone, without their rows: a lone letter's case
        # comes from the whole page's regions again.
        return lone_letter_case(page, out) if again else out


def unsure_by_kind(text: str) -> bool:
    """Whether a first reading goes to the second reader whatever its confidence: it is empty, one
    character (a lone glyph: Tesseract reads a lone ``l`` or ``I`` as ``|``, a lone ``x`` as ``X``, sure of
    both), or made only of :data:`RULE_LIKE` characters (a rule or a stroke read as ``|``, ``_``, ``--``),
    or holding a word with ``%`` or ``¥`` right before a measure of :data:`MEASURES` (a vulgar fraction
    Tesseract garbled: ``1% lb``, ``¥2 tsp``; a share or a price is not followed by a measure).
    Spaces are ignored. A one-character region costs the second reader one small crop."""
    chars = "".join(text.split())
    if len(chars) <= 1 or all(c in RULE_LIKE for c in chars):
        return True
    return any(m.group(1).rstrip(".,;:") in MEASURES for m in _FRACTION_LIKE.finditer(text))


def unsure_by_shape(region: Region) -> bool:
    """Whether a first reading goes to the second reader whatever its confidence because the region is
    glyph-sized (its quad's longer side at most :data:`GLYPH_ASPECT` times its shorter side, any
    rotation) and yet read as two characters or more (spaces ignored)."""
    chars = "".join((region.text or "").split())
    if len(chars) < 2:
        return False
    w, h = quad_width(region.quad), quad_height(region.quad)
    return max(w, h) <= GLYPH_ASPECT * max(min(w, h), 1e-6)


def joined_gap(page: PageImage, region: Region) -> float:
    """The widest ink gap inside one of a line's words, as a share of the line's own word gap; 0 when
    there is nothing to compare (not a line, fewer than two words read, no gap between them).

    The line is warped level from its quad (1:1 pixels, a margin of half its height around it), each word
    child's quad mapped into it; ink is Otsu's (light text on a dark ground inverted) over the rows the
    words cover, without rule rows (inked over 3/4 of the width). A word's inner gap is the widest run of
    ink-free columns between its first and last inked column; the line's word gap is the median over
    neighbouring words of the widest ink-free run between them (words that overlap give none). A word
    space the first reader joined (``Lot4D``) measures 0.83-1.0 of the line's word gap on the pages of
    ``benchmarks/swift_lone.py --pages spaces``; the glyph gaps of real words 0.22-0.75 (``--pages
    words``), runs of a wide ``1`` up to 1.0 (``111``: a re-read, no harm). The rule-row share is ppocr's
    (``_RULE_ROW``); the margin only keeps word boxes that stick out of the quad inside the warp. Costs one
    small warp per line: 0.1-0.2 CPU ms a line on FUNSD forms.
    """
    words = [c for c in region.children if c.level == "word" and (c.text or "").strip()]
    if region.level != "line" or len(words) < 2:
        return 0.0
    level = _level_ink(page, region, words, quad_rows=False)
    if level is None:
        return 0.0
    ink, boxes = level
    out_w = ink.shape[1]
    columns = ink.any(axis=0)

    def widest_blank(a: float, b: float, trim: bool) -> int:
        part = columns[max(int(np.floor(a)), 0) : max(min(int(np.ceil(b)), out_w), 0)]
        if trim:  # between the first and the last inked column only
            inked = np.flatnonzero(part)
            part = part[inked[0] : inked[-1] + 1] if len(inked) else part[:0]
        blank = ~part
        if not blank.any():
            return 0
        edges = np.flatnonzero(np.diff(np.concatenate([[0], blank.astype(np.int8), [0]])))
        return int((edges[1::2] - edges[::2]).max())

    # Widened by 2 px: a word box 1 px off its ink (the warp) must not cut the blank run short.
    between = [widest_blank(a[2] - 2, b[0] + 2, False) for a, b in pairwise(boxes) if b[0] > a[2]]
    between = [g for g in between if g > 0]
    if not between:
        return 0.0
    inside = max(widest_blank(b[0], b[2], True) for b in boxes)
    return inside / float(np.median(between))


Box = tuple[float, float, float, float]


def _level_ink(page: PageImage, region: Region, words: Sequence[Region], quad_rows: bool) -> tuple[np.ndarray, list[Box]] | None:
    """The ink (0/1, ``uint8``, rows x columns) of ``region`` warped level from its quad (1:1 pixels, a margin
    of half its height around it) and the boxes ``(x0, y0, x1, y1)`` of ``words`` in it, sorted left to
    right; ``None`` when the quad or the rows are under 2 px. The rows kept are those ``words`` cover, with
    ``quad_rows`` also those of the quad. Ink is Otsu's, light text on a dark ground inverted, without rule
    rows (inked over 3/4 of the width: an underline, a table's frame; ppocr's ``_RULE_ROW``); the box rows
    are relative to the rows kept."""
    quad = np.asarray(region.quad, dtype=np.float64)
    w, h = quad_width(region.quad), quad_height(region.quad)
    if w < 2 or h < 2:
        return None
    pad = 0.5 * h
    out_w, out_h = round(w + 2 * pad), round(h + 2 * pad)
    dst = np.array([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]], dtype=np.float32)
    to_line = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    boxes = []
    for word in words:
        pts = cv2.perspectiveTransform(np.asarray(word.quad, dtype=np.float64).reshape(1, -1, 2), to_line)[0]
        boxes.append((pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()))
    boxes.sort()
    tops = [b[1] for b in boxes] + ([pad] if quad_rows else [])
    bottoms = [b[3] for b in boxes] + ([pad + h] if quad_rows else [])
    if not tops:
        return None
    y0 = max(int(min(tops)), 0)
    y1 = min(int(np.ceil(max(bottoms))), out_h)
    if y1 - y0 < 2:
        return None
    # Warped first, then made gray: the page is not converted once per line.
    gray = to_gray(cv2.warpPerspective(page.image, to_line, (out_w, out_h), flags=cv2.INTER_LINEAR,
                                       borderMode=cv2.BORDER_REPLICATE)[y0:y1])
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light text on a dark ground
        ink = 1 - ink
    ink[ink.mean(axis=1) > 0.75] = 0  # rule rows (an underline, a table's frame)
    return ink, [(b[0], b[1] - y0, b[2], b[3] - y0) for b in boxes]


#: Combining marks drawn above a letter as a dot (NFD): a diaeresis is two, a dot above one.
_DOT_MARKS = {"\u0308": 2, "\u0307": 1}
#: Combining marks drawn above a letter as an accent (NFD): acute, grave, circumflex, tilde, macron, breve,
#: ring, double acute, caron (also the apostrophe-like caron of ``ď ť ľ``).
_ACCENT_MARKS = frozenset("\u0301\u0300\u0302\u0303\u0304\u0306\u030a\u030b\u030c")
#: Characters drawn above the x-height without a letter's body: quotes, the degree sign, ``^ ~ * %``,
#: superscripts. Each stands for one mark of either kind, a double quote (:data:`_DOUBLE_SIGNS`) for two.
_HIGH_SIGNS = frozenset("'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u2032\u2033^~*%\u00b0\u00aa\u00ba\u00b9\u00b2\u00b3\u2122\u00ae\u00a9\u2020\u2021")

#: A mark starts at least this share of the x-height band above the band's top row and ends at most
#: :data:`_SINK` of it below that row (:func:`unwritten_marks`). Chosen on the lines Tesseract kept on the
#: first 40 pages of ``funsd_train`` and ``icdar2015_val`` (main's swift pages; docs/benchmarks.md, "Marks
#: Tesseract does not write"): an end 0.4 into the band sent 65 of 1071 such lines (broken letters of
#: typewritten capitals), 0.1 sent 8, 0.0 8; a start 0.2 above the band 7 (0.0: 8, 0.3: 6), while the drawn
#: lines read with marks stripped went from 318 to 317 of 400 (0.3: 311).
_RISE = 0.2
#: See :data:`_RISE`.
_SINK = 0.1
_DOUBLE_SIGNS = frozenset('"%\u201c\u201d\u2033')


def _written_marks(text: str) -> tuple[int, int, int]:
    """Marks above the x-height that ``text`` accounts for: (dots, accents, either), from its NFD letters:
    ``i j`` and dot marks give dots (an ``i`` with an accent gives its accent only), accent marks accents,
    :data:`_HIGH_SIGNS` one of either kind each (a double quote two)."""
    dots = accents = either = 0
    chars = unicodedata.normalize("NFD", text)
    for k, c in enumerate(chars):
        marked = k + 1 < len(chars) and unicodedata.combining(chars[k + 1])
        if c in "ij" and not marked:
            dots += 1
        elif c in _DOT_MARKS:
            dots += _DOT_MARKS[c]
        elif c in _ACCENT_MARKS:
            accents += 1
        elif c in _HIGH_SIGNS:
            either += 2 if c in _DOUBLE_SIGNS else 1
    return dots, accents, either


def unwritten_marks(page: PageImage, region: Region, dot_size: float = DOT_SIZE) -> int:
    """How many marks above the x-height over a letter the first reading of line ``region`` has no
    character for (0 when nothing is measured): Tesseract's ``eng`` model writes ``Tomas`` for ``Tomás``,
    ``fraiche`` for ``fraîche``, ``Umit`` for ``Ümit``, sure of each (word confidence 0.92-0.97).

    The line is warped level as for :func:`joined_gap` (rows of its quad and of its words). The x-height
    band is the longest run of rows crossed by at least half the most ink runs any row holds (strokes of
    lower-case bodies; a capital's bar is one run). A mark is a connected ink component (8-neighbours)
    that starts at least :data:`_RISE` of the band's height above it and ends at most :data:`_SINK` of it
    below its top, does not touch the crop's top row (the line above), is at least 2 px on each side,
    and has ink in the band under its columns (a letter's body:
    quotes and the degree sign have none). It is a dot when neither side is over ``dot_size`` times the
    stroke width (the median horizontal ink run in the band), an accent otherwise. The reading accounts
    for marks by :func:`_written_marks`; the result is the larger excess, of accents over accents
    written, and of all marks over all written (signs such as quotes count for either kind). One warp and
    one labelling a line: about 1 CPU ms on drawn lines of 14-40 px per em (benchmarks/accent_marks.py).
    """
    text = region.text or ""
    if region.level != "line" or not text.strip():
        return 0
    words = [c for c in region.children if c.level == "word" and (c.text or "").strip()]
    level = _level_ink(page, region, words, quad_rows=True)
    if level is None:
        return 0
    ink = level[0]
    edges = np.diff(ink.astype(np.int8), axis=1, prepend=0)
    runs = (edges == 1).sum(axis=1)
    if runs.max() < 2:
        return 0
    strong = np.concatenate([[False], runs >= 0.5 * runs.max(), [False]]).astype(np.int8)
    starts, ends = np.flatnonzero(np.diff(strong) == 1), np.flatnonzero(np.diff(strong) == -1)
    k = int(np.argmax(ends - starts))
    top, bottom = int(starts[k]), int(ends[k])  # band rows [top, bottom)
    band = ink[top:bottom]
    if bottom - top < 4 or top < 2:
        return 0
    lengths = np.diff(np.flatnonzero(np.diff(np.pad(band, ((0, 0), (1, 1))).ravel().astype(np.int8)))).astype(float)
    stroke = float(np.median(lengths[::2])) if len(lengths) else 1.0
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink[:top + (bottom - top) // 2], connectivity=8)
    dots = accents = 0
    for x, y, w, h, _area in stats[1:n]:
        if y == 0 or y > top - _RISE * (bottom - top) or y + h > top + _SINK * (bottom - top) or w < 2 or h < 2:
            continue
        if not band[:, x:x + w].any():
            continue
        if max(w, h) <= dot_size * stroke:
            dots += 1
        else:
            accents += 1
    want_dots, want_accents, either = _written_marks(text)
    return max(accents - want_accents - either, dots + accents - want_dots - want_accents - either, 0)


def first_confidence(region: Region, mode: str) -> float:
    """The confidence (0 to 1) the cascade compares with its threshold: the region's own (``"region"``),
    or the lowest of its words' (``"lowest_word"``; the region's own when it has no word children)."""
    if mode == "lowest_word":
        words = [c.confidence for c in region.children if c.level == "word" and (c.text or "").strip()]
        if words:
            return float(min(c if c is not None else 0.0 for c in words))
    return float(region.confidence or 0.0)


def _marked(region: Region, reader: str, first_confidence: float | None = None) -> Region:
    attributes = dict(region.attributes, reader=reader)
    if first_confidence is not None:
        attributes["first_confidence"] = round(float(first_confidence), 4)
    return region.with_(attributes=attributes)
