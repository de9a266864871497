"""Drop caps: a paragraph's first letter set several lines tall, joined to the word it begins (issue 24, D12).

A drop cap stands at a paragraph's start, 2-5 lines tall, its word continuing on the first line beside it
(``H`` + ``arbour officials said on``). Detectors box it badly: ``db`` missed it (``fast`` lost the ``H``),
``db`` at ``max_side`` 1024 boxed it alone (``swift`` read ``H`` as a line of its own, written after the
first line), Tesseract's layout put it in the second line (the ``tesseract-layout`` detector splits it off,
then the line beside it was read whole). Two steps, run by :mod:`ocrplug.processing` on text on paper:

1. before recognition, :func:`find_drop_caps`: a glyph no region holds that is a drop cap (see
   :func:`_beside_lines`) gets a region of its own to be read;
2. after recognition, :func:`join_drop_caps`: a region read as one letter that is a drop cap is taken out
   and its letter put at the start of the first line beside it: joined to that line's first word when the
   word goes on in lower case (``Harbour``) on a line set flush with the lines under it, else a word of its
   own (``A`` + ``Council report``, or ``A`` + ``council`` set with a word space after the cap); the word's box (and the line's) reaches left to the cap, on the line's own rows.

Numpy and OpenCV only; no plugin is imported.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.model import Region

__all__ = ["DROP_CAP_GAP", "DROP_CAP_LINES", "DROP_CAP_MAX", "DROP_CAP_MIN", "DROP_CAP_TOP", "DROP_CAP_WORD_GAP",
           "find_drop_caps", "first_line_indent", "join_drop_caps"]

#: A drop cap is at least this many, at most :data:`DROP_CAP_MAX` times as tall as the median height of the
#: lines beside it (their boxes: ``db``'s hold ascenders and descenders with a margin, Tesseract's the ink
#: only). Measured on the pages of ``python benchmarks/drop_caps.py`` (2-4 line caps, 6 faces, the
#: detectors' own boxes, no reading): 1.87-4.71 times ``db``'s lines, 2.10-5.0 Tesseract's; T11's
#: ``newspaper`` (a 3-line ``H``): 2.79 and 3.09.
DROP_CAP_MIN = 1.6
DROP_CAP_MAX = 6.5
#: The lines beside a drop cap start at most this many of their heights right of its ink's right end.
DROP_CAP_GAP = 1.0
#: The first line beside a drop cap has its top within this many of its heights of the cap's top (the cap
#: stands on the paragraph's first line, its top level with that line's capitals): 0.0-0.18 on the pages of
#: ``benchmarks/drop_caps.py``, 0.6 for ``db``'s box of T11's first line (its margin and ascenders).
DROP_CAP_TOP = 1.0
#: At least this many lines start beside a drop cap (their centres beside it): a big
#: letter with one line beside it is a heading or a logo, not a drop cap.
DROP_CAP_LINES = 2
#: A drop cap that is a word of its own (``A`` + ``council``) is followed by a word space on its first line
#: only: that line's first word starts at least this many of the lines' median heights right of where the
#: other lines beside the cap start (the cap's letter joined to a word is set with its kerning, the lines
#: beside it flush). Measured with ``python benchmarks/drop_caps.py --indents`` (docs/benchmarks.md).
DROP_CAP_WORD_GAP = 0.12
#: Switched off by ``benchmarks/drop_caps.py --before`` only (the figures without the two steps).
ENABLED = True

Box = tuple[float, float, float, float]
#: Set to a list by ``benchmarks/drop_caps.py --indents``: (letter, indent) of each cap joined.
_DEBUG: list[tuple[str, float | None]] | None = None


def _box(region: Region) -> Box:
    q = np.asarray(region.quad, dtype=np.float64)
    return float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())


def _beside_lines(cap: Box, boxes: Sequence[Box], skip: int = -1) -> list[int]:
    """Indices (into ``boxes``, not ``skip``) of the lines beside the glyph ``cap`` when it is a drop cap,
    top line first; ``[]`` otherwise. Lines beside it: their centres between its top and bottom, their
    left ends right of its middle and at most :data:`DROP_CAP_GAP` of their heights right of its right end
    (a detector's box of the cap may reach into the first letters beside it); their centres at most half their height above its top (a detector's box of the first
    line stands above the cap's top by its ascenders' and its margin's height) and above its bottom; at least
    :data:`DROP_CAP_LINES` of them, the first with its top within :data:`DROP_CAP_TOP` heights of the cap's
    top, and the cap :data:`DROP_CAP_MIN` to :data:`DROP_CAP_MAX` times as tall as their median height."""
    x0, y0, x1, y1 = cap
    near = []
    for k, (bx0, by0, _bx1, by1) in enumerate(boxes):
        h = by1 - by0
        if k == skip or h <= 0:
            continue
        if y0 - h / 2 <= (by0 + by1) / 2 <= y1 and (x0 + x1) / 2 < bx0 <= x1 + DROP_CAP_GAP * h:
            near.append(k)
    if len(near) < DROP_CAP_LINES:
        return []
    near.sort(key=lambda k: boxes[k][1])
    near = _indented_first(cap, boxes, near, skip)
    height = float(np.median([boxes[k][3] - boxes[k][1] for k in near]))
    if not DROP_CAP_MIN * height <= y1 - y0 <= DROP_CAP_MAX * height:
        return []
    top = boxes[near[0]]
    if abs(top[1] - y0) > DROP_CAP_TOP * (top[3] - top[1]):
        return []
    return near


def _indented_first(cap: Box, boxes: Sequence[Box], near: list[int], skip: int) -> list[int]:
    """``near`` (lines beside ``cap``, top first) with the line above them put first when it is the cap's
    indented first line: its centre beside the cap (as in :func:`_beside_lines`) and above the top of
    ``near``, its left end right of the cap's middle and at most :data:`DROP_CAP_GAP` of its height right
    of where the lines of ``near`` start (their leftmost left end), though further than that right of the
    cap's box. A one-letter word cap is set with a word space, and often a paragraph indent, on its first
    line only; with a detector's box of the cap narrower than its ink (CRAFT's ``A``: 0.79 of it, V13's
    ``dropcapA_indent``) that line fell outside the gap and the cap went to the second line."""
    x0, y0, x1, _y1 = cap
    start = min(boxes[k][0] for k in near)
    top = boxes[near[0]][1]
    above = []
    for k, (bx0, by0, _bx1, by1) in enumerate(boxes):
        h = by1 - by0
        if k == skip or k in near or h <= 0:
            continue
        centre = (by0 + by1) / 2
        if y0 - h / 2 <= centre < top and (x0 + x1) / 2 < bx0 <= max(x1, start) + DROP_CAP_GAP * h:
            above.append(k)
    if not above:
        return near
    return [max(above, key=lambda k: boxes[k][1]), *near]


def _text_boxes(regions: Sequence[Region]) -> list[tuple[int, Box]]:
    """(index, box) of the level line and word regions (wider than tall)."""
    out = []
    for k, r in enumerate(regions):
        if r.level in ("line", "word"):
            b = _box(r)
            if b[2] - b[0] > b[3] - b[1] > 0:
                out.append((k, b))
    return out


def find_drop_caps(gray: np.ndarray, regions: Sequence[Region]) -> list[Region]:
    """Word regions (page pixels) for the drop caps no region of ``regions`` holds (detected, not yet read).

    ``gray``: the page, uint8 (H, W). Only text on paper is looked at (:func:`ocrplug.crops.paper_ink`). A
    glyph is an ink component (8-connected) that no region's box meets, at most twice as wide as tall; it is
    a drop cap when detected lines (``line`` regions, not words) lie beside it (:func:`_beside_lines`). Each comes back as a ``line`` region (read
    alone, never chained with the words beside it), its box a tenth of its height wider each way, with
    ``attributes["drop_cap"] = True``. Raises nothing; ``[]``
    when there is none.
    """
    if not ENABLED:
        return []
    # Detected lines only: a detector's words (``swift``'s db at 1024 px) beside a form's logo letter on
    # two rows looked like lines beside a cap (4 of 40 ``funsd_train`` forms got a ``Y`` or a ``重``).
    lines = [b for k, b in _text_boxes(regions) if regions[k].level == "line"]
    if len(lines) < DROP_CAP_LINES:
        return []
    ink = paper_ink(gray)
    if ink is None:
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    heights = np.asarray([b[3] - b[1] for b in lines])
    low = DROP_CAP_MIN * float(heights.min())
    held = np.zeros(count, dtype=bool)
    for r in regions:
        x0, y0, x1, y1 = (round(v) for v in _box(r))
        held[np.unique(labels[max(y0, 0) : max(y1, 0) + 1, max(x0, 0) : max(x1, 0) + 1])] = True
    out = []
    height, width = gray.shape[:2]
    for c in range(1, count):
        x, y, w, h = (int(v) for v in stats[c, :4])
        if held[c] or h < low or w > 2 * h:
            continue
        cap = (float(x), float(y), float(x + w), float(y + h))
        if not _beside_lines(cap, lines):
            continue
        m = 0.1 * h
        out.append(
            Region.from_box(
                max(x - m, 0.0), max(y - m, 0.0), min(x + w + m, float(width)), min(y + h + m, float(height)),
                level="line", attributes={"drop_cap": True},
            )
        )
    return out


def join_drop_caps(regions: Sequence[Region]) -> list[Region]:
    """``regions`` (read, page pixels) with each drop cap joined to the first line beside it.

    A drop cap is a region whose text is one letter (a line of one word, or a word) with lines beside it
    (:func:`_beside_lines`, against the other line and word regions). It is taken out; a region that
    :func:`find_drop_caps` boxed is dropped instead when it was read as no letter or the first word beside it
    does not go on in lower case (a logo beside a letterhead, not read before either); the top line beside
    it (a line with word children, or a word) gets the letter at its start: joined to its first word when
    that word starts with a lower-case letter and its line starts flush with the other lines beside the
    cap (:func:`first_line_indent` under :data:`DROP_CAP_WORD_GAP`), else as a word of its own before it (a
    cap that is a word, ``A`` + ``council``, is set with a word space on its first line only). That word's box, and
    the line's, reach left to the cap's left end on the line's own rows (so rows and reading order stay
    the line's); the word carries ``attributes["drop_cap"]``: the cap's box ``[x0, y0, x1, y1]``. Raises
    nothing; without a drop cap ``regions`` come back as they are (a new list).
    """
    out = list(regions)
    if not ENABLED:
        return out
    indexed = _text_boxes(out)
    boxes = [b for _, b in indexed]
    gone: set[int] = set()
    for k, r in enumerate(regions):
        letter = (r.text or "").strip()
        if r.level not in ("line", "word") or len(letter) != 1 or not letter.isalpha():
            if r.attributes.get("drop_cap") is True:  # boxed by find_drop_caps, read as no letter: dropped
                gone.add(k)
            continue
        cap = _box(r)
        skip = next((n for n, (i, _) in enumerate(indexed) if i == k), -1)
        near = [m for m in _beside_lines(cap, boxes, skip=skip) if indexed[m][0] not in gone]
        if not near:
            continue
        target = indexed[near[0]][0]
        found = r.attributes.get("drop_cap") is True  # read only because find_drop_caps boxed it
        if found and not _goes_on_lower(out[target]):
            # A glyph no detector boxed, before a capitalised word: a form's logo or seal beside its
            # letterhead (swift on 3 of 40 funsd_train forms: ``Y HAZLETON``), not read, as before.
            gone.add(k)
            continue
        indent = first_line_indent([out[indexed[m][0]] for m in near])
        if _DEBUG is not None:  # benchmarks/drop_caps.py --indents
            _DEBUG.append((letter, indent))
        joined = _with_cap(out[target], letter, cap, word=indent is not None and indent >= DROP_CAP_WORD_GAP)
        if joined is None:
            continue
        out[target] = joined
        gone.add(k)
    return [r for k, r in enumerate(out) if k not in gone]


def _goes_on_lower(line: Region) -> bool:
    """Whether the first word of ``line`` (a line with word children, or a word) starts in lower case."""
    words = [c for c in line.children if c.level == "word"] if line.level == "line" else [line]
    return bool(words) and (min(words, key=lambda w: _box(w)[0]).text or "")[:1].islower()


def first_line_indent(lines: Sequence[Region]) -> float | None:
    """How far right of the other lines' start the first of ``lines`` starts, in their median heights.

    ``lines``: the lines beside a drop cap, top first (line regions with word children, or words; page
    pixels). A line starts at its leftmost word's left end (the recognizer's word boxes are cut to the
    ink); the others' start is the leftmost of theirs. None with fewer than two lines. A cap that is a word
    of its own is followed by a word space on its first line only (:data:`DROP_CAP_WORD_GAP`)."""
    if len(lines) < 2:
        return None
    starts = []
    for line in lines:
        words = [c for c in line.children if c.level == "word"] if line.level == "line" else [line]
        starts.append(min(_box(w)[0] for w in words) if words else _box(line)[0])
    height = float(np.median([_box(r)[3] - _box(r)[1] for r in lines]))
    if height <= 0:
        return None
    return (starts[0] - min(starts[1:])) / height


def _with_cap(line: Region, letter: str, cap: Box, word: bool = False) -> Region | None:
    """``line`` (a line with word children, or a word) with ``letter`` at its start (see :func:`join_drop_caps`);
    ``word``: the cap is a word of its own even before a lower-case word."""
    words = [c for c in line.children if c.level == "word"] if line.level == "line" else [line]
    if not words or not (line.text or "").strip():
        return None
    first = min(words, key=lambda w: _box(w)[0])
    text = first.text or ""
    attrs = dict(first.attributes)
    attrs["drop_cap"] = [round(v, 1) for v in cap]
    _fx0, fy0, fx1, fy1 = _box(first)
    if text[:1].islower() and not word:
        grown = first.with_(text=letter + text, quad=((cap[0], fy0), (fx1, fy0), (fx1, fy1), (cap[0], fy1)),
                            attributes=attrs)
        new_words = [grown if w is first else w for w in words]
    else:
        right = max(cap[2], cap[0] + 1.0)
        lone = Region(quad=((cap[0], fy0), (right, fy0), (right, fy1), (cap[0], fy1)), level="word", text=letter,
                      confidence=first.confidence, attributes=attrs)
        new_words = [lone, *words]
    if line.level == "word":
        if len(new_words) == 1:
            return new_words[0]
        return None  # a lone word beside a one-letter word: left as it is
    ordered = sorted(new_words, key=lambda w: _box(w)[0])
    kids = tuple(w.with_(order=i) for i, w in enumerate(ordered))
    q = np.asarray(line.quad, dtype=np.float64)
    lx0, ly0, lx1, ly1 = float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())
    left = min(lx0, cap[0])
    quad = ((left, ly0), (lx1, ly0), (lx1, ly1), (left, ly1)) if left < lx0 else line.quad
    texts = [w.text for w in ordered if w.text]
    return line.with_(children=kids, text=" ".join(texts), quad=quad, polygon=None)
