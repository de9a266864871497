"""A line's words: its word children, or words cut from its quad in proportion to its text.

Shared by the layout step (:mod:`ocrplug.layout`) and the joining of vertical pieces
(:mod:`ocrplug.vertical`); also the script direction of a text (:func:`is_rtl`) and the fitting of
recognized word boxes to the page's ink (:func:`fit_words_to_ink`, run by :mod:`ocrplug.processing`) and
the direction of a line's ink inside its box (:func:`ink_directions`, used by the ``db`` detector), and,
before recognition, detected regions' ends moved clear of their last glyph with the specks in them found
(:func:`reach_line_ends`, run by :mod:`ocrplug.processing`: a fax's final stops, issue 24).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.model import Region

__all__ = [
    "END_MARGIN",
    "END_MARK",
    "FIT_PAPER_INK",
    "GLYPH_BAND",
    "GLYPH_GAP",
    "GLYPH_REACH",
    "GLYPH_SAME_GAP",
    "GLYPH_SAME_HEIGHT",
    "GLYPH_SHARE",
    "GLYPH_WIDTH",
    "INK_DIRECTION_LENGTH",
    "SPECK_AREA",
    "SPECK_CLEAR",
    "SPECK_MIN_PX",
    "fit_words_to_ink",
    "ink_directions",
    "is_rtl",
    "reach_line_ends",
    "synthesize_words",
]

#: Word boxes are fitted to the ink (:func:`fit_words_to_ink`) on a page with at most this share of ink
#: (instead of :data:`ocrplug.crops.PAPER_INK`) whose ground is as plain as paper's
#: (:data:`ocrplug.crops.PAPER_SPREAD`): display type (a shelf label's or a poster's price a third of the
#: page tall) is ink; T11's ``shelf_label`` is 12.2 % ink, and PP-OCR's boxes of its ``Oat`` and ``Art.``
#: stood 12 and 7 px past their first letter's ink, unfitted (issue 24 item 5). Measured with ``python
#: benchmarks/paper_pages.py --fit``: the ``funsd_train`` forms over PAPER_INK with a plain ground hold
#: 12-13.5 % (and two 26 % and 31 %), the ``icdar2015_val`` photos with a ground that plain hold 22 % or
#: more; this lies between (docs/benchmarks.md "Display type and first letters (issue 24, D12)").
FIT_PAPER_INK = 0.18
#: A word box holds an ink component (a glyph, or touching glyphs) as its own when no other word box
#: holds more of its pixels and either no other word box holds any of it or at least this share of its
#: pixels lie inside: a box from CTC timing or a detector's tight edge cuts the glyph it starts or ends
#: with (T6's pages, issue 24 item 5: the ``W`` of ``We`` 82 % inside, ``A`` 68 %; a detector box of a
#: lone ``4`` holds 30 % of it and no other box any), a neighbour's glyph it grazes lies mostly in the
#: neighbour's box.
GLYPH_SHARE = 0.5
#: The farthest (times the word box's height) a side of a word box is moved out to hold one of its
#: glyphs; ink that needs more (an underline touching the glyphs, a table rule, a picture) is left out.
GLYPH_REACH = 0.5
#: A component no word box holds any of lies beside a word box (and is taken in as its glyph) when the
#: blank between them along the line is at most this many times the box's height and it is at most
#: :data:`GLYPH_WIDTH` heights long, on the box's rows: a reader's box that stops short of its first
#: letter (Tesseract's box of a bold italic ``EUR,`` starts 0.08 heights past the ``E``, issue 24 T7),
#: not the next word a word space away. Chosen by ``python benchmarks/word_box_fit.py`` on ``funsd_train``
#: (docs/benchmarks.md "Word boxes that hold every glyph").
GLYPH_GAP = 0.1
#: The longest (along the line, times the word box's height) a component beside a box (:data:`GLYPH_GAP`)
#: is taken in as a glyph; an underline or a table rule is longer. Chosen with :data:`GLYPH_GAP`. Also the
#: longest other word's component a box's end is drawn back from: letters of two words touching across
#: the space on a scan (``funsd_train`` 0001438955: one component 3.8 heights long) are no one's glyph.
GLYPH_WIDTH = 1.0
#: A component no word box holds, beside a box but past :data:`GLYPH_GAP`, is still taken in as the box's
#: glyph when it is a letter of the box's own letters' line: at most this many times the box's height past
#: both the box's end and its own ink along the line, at least :data:`GLYPH_SAME_HEIGHT` of its own ink's
#: height tall, and its top and bottom within :data:`GLYPH_BAND` heights of that ink's (same baseline band).
#: Tesseract's boxes of T7's bold italic ``EUR,`` and ``19%`` start 0.105 and 0.12 heights past their
#: first glyph (issue 24 item 5), its word spaces there are 0.37-0.48 heights. Chosen by ``python
#: benchmarks/word_box_fit.py --same`` on ``funsd_train`` and the generated italic and bold words of
#: ``benchmarks/word_box_gap.py`` (docs/benchmarks.md "Word boxes that cut glyphs (issue 24 item 5, W11)").
GLYPH_SAME_GAP = 0.2
GLYPH_SAME_HEIGHT = 0.5
GLYPH_BAND = 0.1
#: A box's ink direction is measured (:func:`ink_directions`) when the box is at least this many times as
#: long as high: over a shorter box one pixel across moves the angle by more than the error it corrects.
#: On the pages of benchmarks/small_skew.py (300 dpi, 10 pt) ``db``'s footer ``Page 3 of 12`` (4.8 times
#: as long as high) reads within 0.1 degrees of its turn, its box 0.2-0.8 degrees off.
INK_DIRECTION_LENGTH = 3.0
#: Directions within this many degrees of the box's own are searched (:func:`ink_directions`): ``db``'s
#: boxes of the lines of benchmarks/small_skew.py's pages lean up to 0.8 degrees off their ink (a
#: heading whose last word has a descender), 1.3 at ``max_side`` 1024 (``swift``). A best direction at the
#: edge of the range is no peak: the box keeps its own.
INK_DIRECTION_RANGE_DEG = 2.0
# Coarse and fine steps (degrees) of the search: a sharpness peak is about as wide as one pixel across
# over half the line's length (0.1 degrees over 1000 px).
_INK_COARSE_DEG = 0.1
_INK_FINE_DEG = 0.02


def synthesize_words(line: Region) -> list[Region]:
    """Word regions for a line that has text but no word boxes, cut from its quad.

    The quad is cut along its text direction in proportion to each whitespace-separated token's share
    of the characters (a monospaced approximation; right-to-left text from the right end). The words
    carry ``attributes["synthetic"] = True``.
    """
    text = line.text or ""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    if not tokens:
        return []
    q = np.asarray(line.quad, dtype=np.float64)
    n = len(text)
    rtl = is_rtl(text)
    out = []
    for k, (s, e) in enumerate(tokens):
        f0, f1 = (1 - e / n, 1 - s / n) if rtl else (s / n, e / n)
        t0, t1 = q[0] + (q[1] - q[0]) * f0, q[0] + (q[1] - q[0]) * f1
        b0, b1 = q[3] + (q[2] - q[3]) * f0, q[3] + (q[2] - q[3]) * f1
        out.append(
            Region(
                quad=(tuple(t0), tuple(t1), tuple(b1), tuple(b0)),
                level="word",
                text=text[s:e],
                confidence=line.confidence,
                order=k,
                attributes={"synthetic": True},
            )
        )
    return out


def fit_words_to_ink(gray: np.ndarray, regions: Sequence[Region]) -> list[Region]:
    """``regions`` (read, page pixels; same order and count) with each word box fitted to hold its glyphs whole
    and none of its neighbours'.

    ``gray``: the page, uint8 (H, W). The words are the regions' word children and the word-level
    regions themselves. The page's ink (Otsu; light text on a dark ground inverted) is cut into
    8-connected components; a component belongs to the word box holding the most of its pixels, if
    that is at least :data:`GLYPH_SHARE` of them or no other word box holds any. A component no word box
    holds any of (a glyph the reader's box stopped short of: Tesseract's boxes of bold italic words start
    past their first letter's foot) belongs to the word box it lies beside: on that box's rows (its centre
    between the box's top and bottom edges), at most :data:`GLYPH_GAP` times the box's height past one of
    its ends, at most :data:`GLYPH_WIDTH` heights long, and nearer it than any other word box on those rows;
    or, up to :data:`GLYPH_SAME_GAP` heights past both the box's end and its own components' ink, when it
    is a letter of that ink's line (:data:`GLYPH_SAME_HEIGHT` of its height tall, top and bottom within
    :data:`GLYPH_BAND` heights of the ink's: Tesseract's boxes of T7's bold italic ``EUR,`` and ``19%``).
    A word box is grown, in its own frame (along its top edge and its left edge, so tilted quads stay
    tilted), to the extent of each of its components, when its top and bottom move at most
    :data:`GLYPH_REACH` times the box's height and, for a component it holds in part, its ends too (an
    underline touching the letters, a table rule, a photo's blobs are left out); a one-character word
    whose box holds part of one component and no other ink (Tesseract's 3 px box on the edge of an ``a``,
    T10's quiz) is grown to that glyph's ends past :data:`GLYPH_REACH` when it is at most
    :data:`GLYPH_WIDTH` heights long. Then an end of a box that
    runs through a glyph of another word on its rows (at most :data:`GLYPH_WIDTH` heights long; a CTC span
    reaching into the next word's first letter) is drawn back to the middle of the blank between that glyph and the box's own ink (never inside its own
    glyphs). Only text on paper is looked at (:func:`ocrplug.crops.paper_ink`, with up to
    :data:`FIT_PAPER_INK` of the page ink: display type). A region's own quad is
    left as it is (the layout step takes line extents from the words). Raises nothing; a page without ink
    or words comes back unchanged.
    """
    words = [(i, j, w) for i, r in enumerate(regions) for j, w in _own_words(r) if (w.text or "").strip()]
    ink = paper_ink(gray, FIT_PAPER_INK) if words else None
    if ink is None:  # no words, or a photo or a dark scan: its Otsu components are no glyphs
        return list(regions)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if count < 2:
        return list(regions)
    height, width = gray.shape[:2]
    best = np.zeros(count, dtype=np.int64)  # most pixels of each component inside one word box
    owner = np.full(count, -1, dtype=np.int64)
    holders = np.zeros(count, dtype=np.int64)  # word boxes holding some of each component
    inside: list[tuple[np.ndarray, np.ndarray]] = []  # per word: components it holds in part or whole, pixels held
    for n, (_, _, word) in enumerate(words):
        q = np.asarray(word.quad, dtype=np.float64)
        x0, y0 = (max(int(np.floor(v)), 0) for v in q.min(axis=0))
        x1, y1 = min(int(np.ceil(q[:, 0].max())), width), min(int(np.ceil(q[:, 1].max())), height)
        if x1 <= x0 or y1 <= y0:
            inside.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)))
            continue
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        cv2.fillPoly(mask, [np.round(q - (x0, y0)).astype(np.int32)], 1)
        held = np.bincount(labels[y0:y1, x0:x1][mask > 0], minlength=count)
        held[0] = 0
        ids = np.flatnonzero(held)
        inside.append((ids, held[ids]))
        holders[ids] += 1
        better = held[ids] > best[ids]
        best[ids[better]] = held[ids][better]
        owner[ids[better]] = n
    area = stats[:, cv2.CC_STAT_AREA]
    frames = [_Frame(np.asarray(w.quad, dtype=np.float64)) for _, _, w in words]
    beside = _beside(frames, stats, holders)
    wide = _beside(frames, stats, holders, GLYPH_SAME_GAP)
    taken = np.concatenate(beside) if beside else np.zeros(0, dtype=np.int64)
    for n in range(len(words)):
        extra = np.setdiff1d(wide[n], taken)
        if len(extra):
            ids, held = inside[n]
            share = (held >= GLYPH_SHARE * area[ids]) | (holders[ids] == 1)
            extra = _same_line(frames[n], stats, ids[(owner[ids] == n) & share], extra)
            beside[n] = np.concatenate([beside[n], extra])
    grown: dict[tuple[int, int], Region] = {}
    for n, (i, j, word) in enumerate(words):
        ids, held = inside[n]
        share = (held >= GLYPH_SHARE * area[ids]) | (holders[ids] == 1)
        mine = ids[(owner[ids] == n) & share & (held < area[ids])]
        own = np.concatenate([ids[(owner[ids] == n) & share], beside[n]])
        foreign = ids[(owner[ids] >= 0) & (owner[ids] != n)]
        # A one-character word whose box holds part of one component and nothing else: that is its glyph.
        lone = len((word.text or "").strip()) == 1 and len(mine) == 1 and len(own) == 1
        quad = frames[n].fit(stats[mine], stats[beside[n]], stats[own], stats[foreign], lone=lone)
        if quad is not None:
            grown[(i, j)] = word.with_(quad=quad)
    if not grown:
        return list(regions)
    out = []
    for i, region in enumerate(regions):
        if (i, -1) in grown:
            out.append(grown[(i, -1)])
        elif any(k[0] == i for k in grown):
            kids = tuple(grown.get((i, j), c) for j, c in enumerate(region.children))
            out.append(region.with_(children=kids))
        else:
            out.append(region)
    return out


#: Before recognition a detected region's end is moved out to stand :data:`END_MARGIN` of its height past
#: its outermost glyph when that glyph is a mark at most :data:`END_MARK` of the region's height tall (a
#: stop is 0.1 of its ``db`` line on T9's 204 x 98 dpi fax, read on its square-pixel copy, a comma about
#: 0.2, an x-height letter 0.5 or more) and the region cuts or misses it: ``db``'s box there ended before
#: a final ``.`` or on its last pixel, and PP-OCR read ``am.`` as ``am``, ``questions.`` as ``questions``
#: (T9, issue 24); held but with no paper after it, PP-OCR still dropped ``Monday.``'s stop. Chosen by
#: ``python benchmarks/line_ends.py`` (docs/benchmarks.md "Bullets, final stops, specks").
END_MARGIN = 0.15
END_MARK = 0.35
#: A component of at most this share of its region's height squared in pixels, and that at least
#: :data:`SPECK_MIN_PX`, is a speck, never a glyph (a fax's 1-3 px noise on its square-pixel copy, 0.002 of
#: a 40 px line's; its stops are 16-18 px, 0.01, the 1-row stops of a squeezed Liberation Sans 6 px, as a
#: stop or an i's dot at 8-10 pt, 150-300 dpi is about 0.01): a region's end is not moved out for it, and
#: when it also stands :data:`SPECK_CLEAR` heights (at least 1 px) clear of all other ink it is painted over
#: before reading (PP-OCR read one between ``1632`` and ``960`` as a stop: ``1632.960``).
SPECK_AREA = 0.003
SPECK_CLEAR = 0.0
#: A component of at most this many pixels is a speck to the end rule whatever the line's height; specks
#: are painted only where :data:`SPECK_AREA` of the height squared reaches it: on a line under 26 px tall
#: (``funsd_train``'s 100 dpi scans) a lone pixel may be a broken stroke's piece (painting them, and moving
#: ends out to 1 px noise, cost fast 0.005 of order-free CER and 0.008 of H-mean there).
SPECK_MIN_PX = 2.0


def reach_line_ends(gray: np.ndarray, regions: Sequence[Region]) -> tuple[list[Region], np.ndarray | None]:
    """``regions`` (detected, not yet read; page pixels; same order and count) with the ends of each line
    or word region moved out, along its top edge, to stand :data:`END_MARGIN` of its height past its
    outermost glyph when that glyph is a mark (:data:`END_MARK`: a stop, a comma) that the region cuts or
    misses (its ink within a pixel of the end or past it), so that the reader sees a final stop whole and
    with paper after it. Run by :mod:`ocrplug.processing` on pages read on their square-pixel copy only.

    ``gray``: the page, uint8 (H, W). Only text on paper is looked at (:func:`ocrplug.crops.paper_ink`).
    A region's glyphs are the ink components (8-connected) on its rows (centre between its top and
    bottom edges) that it holds in part or whole, and those no region holds lying at most :data:`GLYPH_GAP`
    heights past one of its ends (at most :data:`GLYPH_WIDTH` heights long, not specks: :data:`SPECK_AREA`).
    An end moves out only (never in), by at most :data:`GLYPH_REACH` heights, and at most to the middle
    of the blank between its last glyph and the next ink on its rows. Blocks and their children are left
    as they are. Also returns the specks the regions hold that stand clear of other ink (:data:`SPECK_AREA`,
    :data:`SPECK_CLEAR`, :data:`SPECK_MIN_PX`) as an H x W bool mask for the caller to paint over before reading (None when
    there are none). Raises nothing.
    """
    ink = paper_ink(gray) if regions else None
    if ink is None:
        return list(regions), None
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if count < 2:
        return list(regions), None
    height, width = gray.shape[:2]
    todo = [i for i, r in enumerate(regions) if r.level in ("line", "word")]
    holders = np.zeros(count, dtype=np.int64)
    held: dict[int, np.ndarray] = {}
    for i in todo:
        q = np.asarray(regions[i].quad, dtype=np.float64)
        x0, y0 = (max(int(np.floor(v)), 0) for v in q.min(axis=0))
        x1, y1 = min(int(np.ceil(q[:, 0].max())), width), min(int(np.ceil(q[:, 1].max())), height)
        if x1 <= x0 or y1 <= y0:
            continue
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        cv2.fillPoly(mask, [np.round(q - (x0, y0)).astype(np.int32)], 1)
        ids = np.unique(labels[y0:y1, x0:x1][mask > 0])
        held[i] = ids[ids > 0]
        holders[held[i]] += 1
    frames = {i: _Frame(np.asarray(regions[i].quad, dtype=np.float64)) for i in held}
    order = list(held)
    beside = _beside([frames[i] for i in order], stats, holders)
    out = list(regions)
    area = stats[:, cv2.CC_STAT_AREA]
    specks: list[int] = []
    for n, i in enumerate(order):
        f = frames[i]
        if not f.ok or f.lv > f.lu:  # text along its top edge only (a vertical line's turned quad is left)
            continue
        tiny = max(SPECK_AREA * f.lv * f.lv, SPECK_MIN_PX)
        near = beside[n][area[beside[n]] > tiny]
        own = np.concatenate([held[i][area[held[i]] > tiny], near])
        ext = f.extents(stats[own]) if len(own) else np.zeros((0, 4))
        ext = ext[f.on_rows(ext)]
        if not len(ext):
            continue
        ink_lo, ink_hi = float(ext[:, 0].min()), float(ext[:, 1].max())
        margin, reach = END_MARGIN * f.lv, GLYPH_REACH * f.lv
        # Only an end whose outermost glyph is a mark (a stop, a comma: at most END_MARK heights tall) that
        # the box cuts or misses (its ink reaching to within a pixel of the end, or past it) moves: a
        # detector's box holds letters, it is the small marks it stops short of.
        mark = (ext[:, 3] - ext[:, 2]) <= END_MARK * f.lv
        first, last = int(np.argmin(ext[:, 0])), int(np.argmax(ext[:, 1]))
        lo = min(0.0, max(ink_lo - margin, -reach)) if mark[first] and ink_lo <= 1.0 else 0.0
        hi = max(f.lu, min(ink_hi + margin, f.lu + reach)) if mark[last] and ink_hi >= f.lu - 1.0 else f.lu
        if (lo, hi) != (0.0, f.lu):
            # Not into the next ink on its rows (another word, a table rule's end): half the blank at most.
            others = np.setdiff1d(np.arange(1, count), np.concatenate([own, np.flatnonzero(area <= tiny)]))
            oext = f.extents(stats[others]) if len(others) else np.zeros((0, 4))
            oext = oext[f.on_rows(oext)]
            after = oext[oext[:, 0] >= ink_hi, 0]
            before = oext[oext[:, 1] <= ink_lo, 1]
            if len(after):
                hi = max(f.lu, min(hi, (ink_hi + float(after.min())) / 2))
            if len(before):
                lo = min(0.0, max(lo, (ink_lo + float(before.max())) / 2))
        if (lo, hi) != (0.0, f.lu):
            q, u, v = f.q, f.u, f.v
            pts = [q[0] + u * su + v * sv for su, sv in ((lo, 0.0), (hi, 0.0), (hi, f.lv), (lo, f.lv))]
            out[i] = regions[i].with_(quad=tuple((float(p[0]), float(p[1])) for p in pts), polygon=None)
        # The specks in the region as it is read (their centre inside it) that stand clear of other ink.
        small = np.flatnonzero(area <= tiny)
        small = small[small > 0]
        if len(small) and SPECK_AREA * f.lv * f.lv >= SPECK_MIN_PX:
            sext = f.extents(stats[small])
            cu, cv = (sext[:, 0] + sext[:, 1]) / 2, (sext[:, 2] + sext[:, 3]) / 2
            small = small[(cu >= lo) & (cu <= hi) & (cv >= 0) & (cv <= f.lv)]
            specks += [int(k) for k in small if _clear(labels, stats, int(k), SPECK_CLEAR * f.lv)]
    return out, (np.isin(labels, specks) if specks else None)


def _clear(labels: np.ndarray, stats: np.ndarray, k: int, gap: float) -> bool:
    """Whether component ``k`` has no other ink within ``gap`` pixels of its bounding box."""
    x, y, w, h = (int(v) for v in stats[k, :4])
    d = max(1, math.ceil(gap))
    window = labels[max(y - d, 0):y + h + d, max(x - d, 0):x + w + d]
    return bool(np.all((window == 0) | (window == k)))


class _Frame:
    """A word quad's own frame: ``u`` along its top edge from its top-left corner, ``v`` along its left edge."""

    def __init__(self, q: np.ndarray) -> None:
        self.q = q
        u, v = q[1] - q[0], q[3] - q[0]
        self.lu, self.lv = float(np.hypot(*u)), float(np.hypot(*v))
        self.ok = self.lu >= 1 and self.lv >= 1
        self.u = u / max(self.lu, 1e-9)
        self.v = v / max(self.lv, 1e-9)

    def extents(self, boxes: np.ndarray) -> np.ndarray:
        """(N, 4) ``u`` min, ``u`` max, ``v`` min, ``v`` max of the axis-aligned ``boxes`` (``cv2`` stats rows)."""
        x, y = boxes[:, 0].astype(np.float64), boxes[:, 1].astype(np.float64)
        w, h = boxes[:, 2].astype(np.float64), boxes[:, 3].astype(np.float64)
        corners = np.stack([np.stack([x, y], 1), np.stack([x + w, y], 1), np.stack([x + w, y + h], 1),
                            np.stack([x, y + h], 1)], axis=1) - self.q[0]  # (N, 4, 2)
        pu, pv = corners @ self.u, corners @ self.v
        return np.stack([pu.min(1), pu.max(1), pv.min(1), pv.max(1)], axis=1)

    def on_rows(self, ext: np.ndarray) -> np.ndarray:
        """Which extents (:meth:`extents`) have their centre between the box's top and bottom edges."""
        mid = (ext[:, 2] + ext[:, 3]) / 2
        return (mid >= 0) & (mid <= self.lv)

    def fit(self, part: np.ndarray, beside: np.ndarray, own: np.ndarray, foreign: np.ndarray,
            lone: bool = False) -> tuple[tuple[float, float], ...] | None:
        """The quad grown to hold the components ``part`` (its own, held in part) and ``beside`` (held by no
        box, beside it), then its ends drawn back off the components ``foreign`` (other words' glyphs) they
        run through, never inside ``own`` (its own components); ``cv2`` stats rows (see
        :func:`fit_words_to_ink`). None when nothing moves."""
        if not self.ok:
            return None
        reach = GLYPH_REACH * self.lv
        lo_u, hi_u, lo_v, hi_v = 0.0, self.lu, 0.0, self.lv
        for kind, boxes in (("part", part), ("beside", beside)):
            for a, b, c, d in self.extents(boxes) if len(boxes) else ():
                if -c > reach or d - self.lv > reach:
                    continue
                if kind == "part" and (-a > reach or b - self.lu > reach):
                    if not (lone and b - a <= GLYPH_WIDTH * self.lv):  # a lone glyph's box holds it whole
                        continue
                lo_u, hi_u, lo_v, hi_v = min(lo_u, a), max(hi_u, b), min(lo_v, c), max(hi_v, d)
        if len(own) and len(foreign):
            mine = self.extents(own)
            ink_lo, ink_hi = float(mine[:, 0].min()), float(mine[:, 1].max())
            others = self.extents(foreign)
            glyphs = self.on_rows(others) & (others[:, 1] - others[:, 0] <= GLYPH_WIDTH * self.lv)
            for a, b, _, _ in others[glyphs]:
                if b > hi_u and a > ink_hi - 1e-6 and a < hi_u:  # the right end runs through it
                    hi_u = max(math.floor((ink_hi + a) / 2), ink_hi)
                elif a < lo_u and b < ink_lo + 1e-6 and b > lo_u:  # the left end runs through it
                    lo_u = min(math.ceil((ink_lo + b) / 2), ink_lo)
        if (lo_u, hi_u, lo_v, hi_v) == (0.0, self.lu, 0.0, self.lv):
            return None
        q, u, v = self.q, self.u, self.v
        pts = [q[0] + u * su + v * sv for su, sv in ((lo_u, lo_v), (hi_u, lo_v), (hi_u, hi_v), (lo_u, hi_v))]
        return tuple((float(p[0]), float(p[1])) for p in pts)


def _same_line(f: _Frame, stats: np.ndarray, own: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Of the components ``cand`` beside the box ``f`` (``cv2`` stats rows' indices), those that are letters
    of the line of its own components ``own`` (see :data:`GLYPH_SAME_GAP`): at most :data:`GLYPH_SAME_GAP`
    heights past the ink of ``own`` on the box's rows along the line, at least :data:`GLYPH_SAME_HEIGHT` of
    its height tall, top and bottom within :data:`GLYPH_BAND` heights of its top and bottom."""
    if not f.ok or not len(own) or not len(cand):
        return np.zeros(0, dtype=np.int64)
    mine = f.extents(stats[own])
    mine = mine[f.on_rows(mine)]
    if not len(mine):
        return np.zeros(0, dtype=np.int64)
    lo_u, hi_u, lo_v, hi_v = mine[:, 0].min(), mine[:, 1].max(), mine[:, 2].min(), mine[:, 3].max()
    ext = f.extents(stats[cand])
    gap = np.maximum(lo_u - ext[:, 1], ext[:, 0] - hi_u)  # past the own ink's nearer end (< 0: overlaps)
    band = GLYPH_BAND * f.lv
    ok = (
        (gap <= GLYPH_SAME_GAP * f.lv)
        & (ext[:, 3] - ext[:, 2] >= GLYPH_SAME_HEIGHT * (hi_v - lo_v))
        & (ext[:, 2] >= lo_v - band)
        & (ext[:, 3] <= hi_v + band)
    )
    return cand[ok]


def _beside(frames: list[_Frame], stats: np.ndarray, holders: np.ndarray, most_gap: float = GLYPH_GAP,
            longest: float = GLYPH_WIDTH) -> list[np.ndarray]:
    """Per word, the components no word box holds any of that lie beside it (see :func:`fit_words_to_ink`):
    on its rows, at most ``most_gap`` heights past one of its ends along the line, at most ``longest``
    heights long, and nearer it than any other word box whose rows they lie on."""
    out = [np.zeros(0, dtype=np.int64) for _ in frames]
    loose = np.flatnonzero(holders == 0)
    loose = loose[loose > 0]  # label 0 is the paper
    if not len(loose) or not frames:
        return out
    gaps = np.full((len(frames), len(loose)), np.inf)
    for n, f in enumerate(frames):
        if not f.ok:
            continue
        ext = f.extents(stats[loose])
        gap = np.maximum(-ext[:, 1], ext[:, 0] - f.lu)  # along the line, past the nearer end (< 0: overlaps)
        ok = f.on_rows(ext) & (gap >= 0) & (gap <= most_gap * f.lv) & (ext[:, 1] - ext[:, 0] <= longest * f.lv)
        gaps[n, ok] = gap[ok]
    nearest = np.argmin(gaps, axis=0)
    found = np.isfinite(gaps[nearest, np.arange(len(loose))])
    for n in range(len(frames)):
        out[n] = loose[found & (nearest == n)]
    return out


def _sharpest(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> tuple[int, np.ndarray]:
    """Index of the direction of ``angles`` (radians, y down) along which the ink pixels ``ys``, ``xs``
    (centred) make the sharpest rows, and every direction's sharpness: the sum of squared counts of the
    pixels' offsets across the direction (Postl's projection-profile measure), each pixel shared between
    the two nearest one-pixel bins by its distance to them (whole bins made the measure of a 276 px
    heading flat within 0.25 degrees of its peak). Each pixel is first moved by a fixed pseudo-random
    offset within its own square: along the pixel grid (0 and 90 degrees) every pixel of a row falls in
    one bin, a peak of the grid rather than of the text, which held the boxes of short words on forms
    scanned 1-1.4 degrees off (funsd_train) at exactly 0."""
    rng = np.random.default_rng(0)
    ys = ys + rng.uniform(-0.5, 0.5, len(ys))
    xs = xs + rng.uniform(-0.5, 0.5, len(xs))
    scores = np.empty(len(angles))
    for k, a in enumerate(angles):
        across = ys * math.cos(a) - xs * math.sin(a)
        across -= across.min()
        low = across.astype(np.int64)
        frac = across - low
        size = int(low.max()) + 2
        counts = np.bincount(low, weights=1 - frac, minlength=size) + np.bincount(low + 1, weights=frac, minlength=size)
        scores[k] = float(np.dot(counts, counts))
    return int(np.argmax(scores)), scores


def ink_directions(gray: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """The direction of the ink inside each box: ``quads`` ``(N, 4, 2)`` page pixels (corners from the text's
    top-left, clockwise), ``gray`` the page (uint8 ``(H, W)``). Returns ``N`` angles in radians (y down, as
    :func:`ocrplug.geometry.quad_angle`), NaN where not measured.

    A box's own direction can lean off its text's: ``db``'s minimum-area rectangle of the probability map
    tilts with a descender or a capital at one end (a heading turned -2.5 degrees boxed at -3.09). The ink
    shows the direction itself: the box's glyphs are the page's ink components (8-connected) whose centre
    lies in the box and which reach no further than half the box's height past its bounds (whole glyphs:
    pixels cut at the box's edge make a row along the box's own direction, and a neighbouring line's
    glyphs or a form's rule do not count); among the directions within :data:`INK_DIRECTION_RANGE_DEG` of
    the box's, the one across which their pixels pile up most sharply (baseline and x-height line; the
    projection-profile measure of Postl, as in Hull's survey of skew detection, 1998), searched by
    ``_INK_COARSE_DEG`` steps, then ``_INK_FINE_DEG``. Only text on paper is measured (:func:`ocrplug.crops.paper_ink`),
    only boxes at least :data:`INK_DIRECTION_LENGTH` times as long as high with at least one glyph pixel
    per pixel of length, and a best direction at the edge of the range is no peak (NaN).
    """
    out = np.full(len(quads), np.nan)
    if len(quads) == 0:
        return out
    ink = paper_ink(gray)
    if ink is None:
        return out
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count < 2:
        return out
    left, top = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    right, bottom = left + stats[1:, cv2.CC_STAT_WIDTH], top + stats[1:, cv2.CC_STAT_HEIGHT]
    centroids = centroids[1:]
    span = math.radians(INK_DIRECTION_RANGE_DEG)
    coarse = np.radians(np.arange(-INK_DIRECTION_RANGE_DEG, INK_DIRECTION_RANGE_DEG + 1e-9, _INK_COARSE_DEG))
    fine = np.radians(np.arange(-_INK_COARSE_DEG, _INK_COARSE_DEG + 1e-9, _INK_FINE_DEG))
    for n, quad in enumerate(np.asarray(quads, dtype=np.float64).reshape(-1, 4, 2)):
        along = (quad[1] - quad[0]) + (quad[2] - quad[3])
        side = (quad[3] - quad[0]) + (quad[2] - quad[1])
        length, tall = float(np.linalg.norm(along)) / 2, float(np.linalg.norm(side)) / 2
        if tall < 2 or length < INK_DIRECTION_LENGTH * tall:
            continue
        own = math.atan2(along[1], along[0])
        centre = quad.mean(axis=0)
        rel = centroids - centre
        u = np.array([math.cos(own), math.sin(own)])
        lo, hi = quad.min(axis=0) - tall / 2, quad.max(axis=0) + tall / 2
        ids = np.flatnonzero(
            (np.abs(rel @ u) <= length / 2)
            & (np.abs(rel @ np.array([-u[1], u[0]])) <= tall / 2)
            & (left >= lo[0]) & (top >= lo[1]) & (right <= hi[0]) & (bottom <= hi[1])
        )
        if not len(ids):
            continue
        x0, y0 = int(left[ids].min()), int(top[ids].min())
        window = labels[y0 : int(bottom[ids].max()), x0 : int(right[ids].max())]
        ys, xs = np.nonzero(np.isin(window, ids + 1))
        if len(ys) < length:  # not a pixel of glyph per pixel of length: no text to measure
            continue
        ys, xs = ys + (y0 - centre[1]), xs + (x0 - centre[0])
        k, _ = _sharpest(ys, xs, own + coarse)
        j, _ = _sharpest(ys, xs, own + coarse[k] + fine)
        best = coarse[k] + fine[j]
        if abs(best) < span - math.radians(_INK_COARSE_DEG) / 2:
            out[n] = own + best
    return out


def _own_words(region: Region) -> list[tuple[int, Region]]:
    """A region's word boxes: its word children (index in ``children``), or itself (index -1) at word level."""
    if region.level == "word":
        return [(-1, region)]
    return [(j, c) for j, c in enumerate(region.children) if c.level == "word"]


def is_rtl(text: str) -> bool:
    """Whether the first strongly directional character of ``text`` is right-to-left (Unicode bidi classes R, AL)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


_TOKEN = re.compile(r"\S+")


def _line_words(line: Region) -> list[Region]:
    words = [c for c in line.children if c.level == "word"]
    if words:
        return words
    return synthesize_words(line) if line.text and line.text.strip() else []


def _mean_score(regions: Sequence[Region]) -> float | None:
    values = [r.score for r in regions if r.score is not None]
    return float(sum(values) / len(values)) if values else None
