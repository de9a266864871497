"""Levelling: which small tilts of detected lines and words are box jitter, to be written level.

A detector's quad of level text leans by a degree or so (a capital or a descender moves one end of a
short word's box), and a scene word is truly tilted by the same few degrees: the size of a tilt alone
does not tell them apart. :func:`_jitter` decides from the page (a longer level region on the same row,
the line through two far centres of one row, a level page around a short word), and :func:`_level`
turns what it picks to the page's text frame about its centre. The layout step
(:func:`ocrplug.layout.layout_regions`) applies it per text frame, and so does
:func:`ocrplug.layout.lines_for_recognition` before the crops are made (a jittered line is read from a
level crop); :data:`LEVEL_ANGLE_DEG` is also the
angle under which renderers and the OCRmyPDF engine write text as level. Angles are radians (y down)
unless a name says degrees; lengths and heights page pixels. Where each constant was measured is given
beside it (benchmarks/level_tune.py on funsd_train and icdar2015_val, docs/benchmarks.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.geometry import _frame_angle, turn_jitter_deg
from ocrplug.model import Quad, Region

__all__ = ["LEVEL_ANGLE_DEG", "LEVEL_DRIFT", "fit_steep_lines", "ink_angle", "level_tolerance_deg", "written_angle_deg"]

# Levelling (``_jitter`` / ``_level``). A region whose own direction is off the page's text direction by
# so little that its far end moves by at most _LEVEL_SLACK of its height (and by at most _MAX_LEVEL_DEG)
# *may* be box jitter rather than a tilt: on the first 12 pages of funsd_train (level forms, 702 ``db``
# lines) that share has a 99th percentile of 0.28 and a maximum of 0.74; a short level word such as
# ``City:`` (52 x 20 px at -6.63 degrees) has 0.30. Scene words tilted 5-10 degrees (ICDAR 2015) fall in
# the same range, so the size of the tilt alone does not decide: a region is levelled only where the
# page says its tilt is jitter (see :func:`_jitter`; constants measured by benchmarks/level_tune.py
# on funsd_train and icdar2015_val, docs/benchmarks.md "Reading what is on the page").
_LEVEL_SLACK = 0.5
_MAX_LEVEL_DEG = 10.0
#: Text within this many degrees of level is level: the quad-angle noise of level text. The lines at
#: least 8 heights long of ``db`` on the first 60 pages of funsd_train (level forms, 1135 lines) are off
#: their page's text frame by 0.07 degrees (median), 0.96 (99th percentile), 1.55 at most
#: (benchmarks/level_tune.py). A row neighbour within it is level (:func:`_jitter`); renderers and the
#: OCRmyPDF engine write smaller text angles as 0 (hOCR ``textangle``, ALTO ``ROTATION``, PAGE ``orientation``).
LEVEL_ANGLE_DEG = 1.0
#: Text is *written* level (:func:`written_angle_deg`) when its angle is within ``LEVEL_ANGLE_DEG`` of level
#: and its far end drifts by at most this share of its height over its length (``length * tan(angle)``):
#: a short label stays level, a line 7 inches long at 10 pt keeps a real 1-degree skew (37 px of drift,
#: 0.9 heights, which a level hOCR / ALTO / PAGE line misses at one end). Measured by
#: benchmarks/level_drift.py on the layout's lines of ``fast`` on funsd_train (docs/benchmarks.md
#: "Small angles written right").
LEVEL_DRIFT = 0.25
# A region no longer than its height (a lone character: ``1``, ``I``, ``x``) is too short for its angle to be
# measured. On 60 pages each of funsd_train / icdar2015_val, this adds 5 rightly levelled lines on
# funsd_train and 1 rightly, 2 wrongly on icdar2015_val (1.5 and more: more wrong than right there).
_SHORT_ASPECT = 1.0
# A row neighbour too short to show its own direction (a one-character answer far right of its label)
# still shows the row's: the line through the two regions' centres. It counts as evidence when the
# centres lie at least the region's own length and at least this many of its heights apart along the
# frame (a longer baseline than the region's box gives: a centre a quarter height off moves the line
# by under 1 degree at 15 heights) and that line runs within ``LEVEL_ANGLE_DEG`` of the frame. Chosen by
# benchmarks/level_tune.py on funsd_train / icdar2015_val (docs/benchmarks.md "Level words and
# vertical labels").
_CHORD_HEIGHTS = 4.0
# A short word (at most _PAGE_WORD_HEIGHTS times as long as it is high: ``Qty``, ``Item``, ``City:``) has
# an angle error bound of several degrees (a capital or a descender at one end moves that end's box edge
# by a fifth of the height: atan(0.2 / 2) = 5.7 degrees at two heights), so its own angle is noise. Where
# the page itself is level -- at least _PAGE_MIN_LINES other regions long enough to show a direction
# (longer than ``_SHORT_ASPECT`` heights), their median tilt within ``LEVEL_ANGLE_DEG`` of the frame --
# such a word within the slack is levelled even when its row gives no evidence (both header words of a
# receipt lean). Chosen by benchmarks/level_tune.py on funsd_train / icdar2015_val (docs/benchmarks.md
# "False tilts on short words, square vertical pieces").
_PAGE_WORD_HEIGHTS = 3.0
_PAGE_MIN_LINES = 3
# A read word with a descender (``g j p q y``: ``Signature``, ``Energy``) longer than that leans by its box
# too: the descender moves that end's bottom edge down, and craft's box of a lone ``Energy`` (16 pt, 300 dpi)
# leaned 4.1 degrees, its far end 0.28 of its height off. Once its text is known (the layout step, after
# recognition) a single word with a descender whose far end lies within _DESCENDER_DRIFT of its height of the
# frame is a short word to the page evidence above, whatever its length: on T11's ``comb_form.png``
# ``Signature`` (4.2 heights, 1.43 degrees, 0.10). benchmarks/descender_words.py: the far ends of 12 such
# labels of 32 (``accurate``) lay 0.09-0.28 heights off; 0.3 holds them, half ``_LEVEL_SLACK`` (docs/benchmarks.md
# "Steep lines keep their direction; level words with descenders").
_DESCENDER_DRIFT = 0.3
_DESCENDERS = frozenset("gjpqy")
# A form of labels whose answers are lone glyphs has no long line: db boxes every capital-led label
# leaning the same 1.4-1.6 degrees, so the labels' median tilt is off the frame and a label whose answer
# the detector lost had no evidence at all (issue 24: DejaVu Sans labels at 300 dpi, ``Size:`` written at
# -1.64 degrees). Such a page is level too when its own lines lean alike (every other measurable region,
# at least _PAGE_MIN_LINES, within ``LEVEL_ANGLE_DEG`` of their median signed tilt, as is the word) and its
# rows show the frame (more than half of them, at least _PAGE_MIN_LINES, have a far row neighbour on a
# level centre line, see ``_CHORD_HEIGHTS``): one lean shared by all and level rows is the box jitter of one
# font, a slanted sign's words lie on a slanted row. Checked by benchmarks/level_tune.py --limit 60
# (docs/benchmarks.md "Labels that all lean alike").
# A region at most ``_SHORT_ASPECT`` times as long as high (one glyph: ``y``, ``1``) has no measurable
# direction at all: up to this tilt it takes the page's direction like a short word, past
# ``_MAX_LEVEL_DEG`` (db's box of a lone ``y`` leans 11.3 degrees with its tail). Past 45 degrees a box's
# long side is its other side: it is turned, not tilted. benchmarks/level_tune.py: 10 -> 20 / 30 / 45
# adds 1 / 2 / 3 rightly levelled glyphs on funsd_train and none wrongly on either split.
_MAX_GLYPH_DEG = 45.0
# Past _GLYPH_SLANT_DEG only a box about as high as long is such a glyph: a box more than _TURNED_ASPECT
# times as high as long has a direction, its long side, and one that far off upright is no glyph standing
# in a level row (the most slanted of the 52 installed italic and oblique faces lean 16.3 degrees, their
# ``post`` table's ``italicAngle``): it is a steep word whose corners the detector gave starting on its short
# side (``cv2.boxPoints`` order: a word standing more than 45 degrees steep, or about 45 either way). Craft's
# ``games`` on T11's poster (45 degrees, 49 x 158 px) was levelled into an upright box and read turned
# (``ndme``, hOCR ``textangle 90``). benchmarks/steep_lines.py (lines at 15-60 degrees): craft's boxes of
# steep words starting on their short side are 1.6-4.4 times as high as long, 22-45 degrees off level;
# glyph boxes about 1-1.5 (db's lone ``y``, 32 x 46 px) (docs/benchmarks.md "Steep words keep their
# direction; level words with descenders").
_GLYPH_SLANT_DEG = 20.0
_TURNED_ASPECT = 1.5
# A line alone on its row, longer than a short word (a heading, a footer), has no row evidence, and its box
# leans with a capital or a descender at one end: on benchmarks/small_skew.py's page turned -0.5 degrees
# (under db's SKEW_MIN_DEG, so the boxes stay as db made them) the heading ``Minutes of the March Meeting``
# was boxed at -1.00 and written so, its body lines at -0.52. Where the page has at least _PAGE_MIN_LINES
# other lines at least _PAGE_LINE_HEIGHTS heights long whose median tilt lies within ``LEVEL_ANGLE_DEG`` of
# the frame, a line off the frame by at most ``LEVEL_ANGLE_DEG`` (the 99th percentile of such long lines'
# own quad noise, measured on lines of this length) with no row neighbour leaning like it is jitter.
# Checked by benchmarks/level_tune.py --limit 60 (docs/benchmarks.md "Small angles written right").
_PAGE_LINE_HEIGHTS = 8.0
# Such a line is levelled only where its own angle would be written apart from its page's
# (:func:`written_angle_deg` of each, with the line's length and height): A9's rule without this levelled two
# value-less labels boxed at 0.43 / 0.47 degrees on a level FUNSD form (0001456787), written level either
# way, and the form's label column was then read as one block before its values (``fast`` funsd_train page
# CER +0.0055). With it, re-laid out cached pages of ``fast`` / ``swift`` on funsd_train and icdar2015_val
# read the same text in the same order (benchmarks/lone_line_level.py, docs/benchmarks.md "A heading
# levelled to its page, sparse forms' frame"). ``False``: A9's rule (the benchmark's ``--all-lone``).
_LONE_WRITTEN_APART = True
# Regions not read yet are levelled only on a level frame (:func:`_level_jitter`); ``False``: L10's rule,
# every frame (benchmarks/read_level_frame.py ``--all-frames``).
_READ_LEVEL_FRAME_ONLY = True


def _wrap(angle: np.ndarray) -> np.ndarray:
    """Angles (radians) wrapped into [-pi, pi)."""
    return (angle + math.pi) % (2 * math.pi) - math.pi


def _deviation(quad: Quad, rot: np.ndarray) -> tuple[float, float, float]:
    """(|angle between the quad's direction and the frame's| in radians, its length, its height)."""
    q = np.asarray(quad, dtype=np.float64)
    along = (q[1] - q[0]) + (q[2] - q[3])
    side = (q[3] - q[0]) + (q[2] - q[1])
    dev = math.atan2(along[1], along[0]) - _frame_angle(rot)
    return abs((dev + math.pi) % (2 * math.pi) - math.pi), float(np.linalg.norm(along)), float(np.linalg.norm(side))


def _small_tilt(dev: np.ndarray, length: np.ndarray, height: np.ndarray, glyph_deg: float = _MAX_GLYPH_DEG) -> np.ndarray:
    """Which tilts (radians, with :func:`_deviation`'s lengths and heights) may be box jitter: the far end
    within ``_LEVEL_SLACK`` of the height and at most ``_MAX_LEVEL_DEG``; for a one-glyph region (at most
    ``_SHORT_ASPECT`` times as long as high) at most ``glyph_deg``, past ``_GLYPH_SLANT_DEG`` only when it is
    at most ``_TURNED_ASPECT`` times as high as long (a taller box is a steep word starting on its short side)."""
    glyph = length <= _SHORT_ASPECT * np.maximum(height, 1e-9)
    near = (dev <= math.radians(_MAX_LEVEL_DEG)) & (length * np.tan(np.minimum(dev, 1.5)) <= _LEVEL_SLACK * height)
    # Past _GLYPH_SLANT_DEG only a box about as high as long (``_TURNED_ASPECT``): a taller one is a steep word.
    square = (dev <= math.radians(_GLYPH_SLANT_DEG)) | (height <= _TURNED_ASPECT * length)
    return (dev > 0) & (near | (glyph & square & (dev <= math.radians(glyph_deg))))


def _jitter(
    quads: np.ndarray,
    rot: np.ndarray,
    neighbour_level_deg: float = LEVEL_ANGLE_DEG,
    short_aspect: float = _SHORT_ASPECT,
    chord_heights: float = _CHORD_HEIGHTS,
    page_word_heights: float = _PAGE_WORD_HEIGHTS,
    glyph_deg: float = _MAX_GLYPH_DEG,
    page_line_heights: float | None = None,
    descender: np.ndarray | None = None,
) -> np.ndarray:
    """Which of ``quads`` (``(N, 4, 2)``, page pixels) are off the text frame ``rot`` by box jitter only.

    A quad is jitter when its tilt is small (:func:`_small_tilt`: far end within ``_LEVEL_SLACK`` of its
    height, at most ``_MAX_LEVEL_DEG``; a one-glyph quad at most ``glyph_deg``) and the page gives
    evidence that it is level: a longer region on the same row
    (overlapping by half the smaller height in the frame) runs within ``neighbour_level_deg`` of the
    frame; or a region on the same row whose centre lies at least the quad's length and at least
    ``chord_heights`` times its height away along the frame, the line through the two centres running within
    ``neighbour_level_deg`` of the frame (a one-glyph answer far right of its label: too short to show
    its own direction, but the two centres show the row's; a negative value switches this off); or the
    quad is at most ``page_word_heights`` times as long as high (a short word: its angle is noise; so is a
    word flagged in ``descender``, ``N`` booleans, whose far end lies within ``_DESCENDER_DRIFT`` of its height
    of the frame), no row
    neighbour leans like it, and the page is level (at least ``_PAGE_MIN_LINES`` other quads longer than ``short_aspect`` heights, their
    median tilt within ``neighbour_level_deg``, or all of them and the quad leaning alike within
    ``neighbour_level_deg`` of their median while more than half of them, at least ``_PAGE_MIN_LINES``, lie
    on a level centre line with a far row neighbour; a negative value switches this off); or the quad is at
    most ``short_aspect`` times as long as it is high and tilted at most ``_MAX_LEVEL_DEG`` (too short for
    its angle to be measured); or the quad is off the frame by at most ``neighbour_level_deg``, no row
    neighbour leans like it, and at least ``_PAGE_MIN_LINES`` other quads at least ``page_line_heights``
    times as long as high have their median tilt within ``neighbour_level_deg`` (a heading alone on its
    row on a page of level body lines; a negative value switches this off, None takes
    ``_PAGE_LINE_HEIGHTS``) and its own angle would be written apart from the frame's
    (:func:`written_angle_deg` with its length and height; ``_LONE_WRITTEN_APART``). A scene word tilted
    like its neighbours, or alone, keeps its tilt.
    Returns a boolean array of ``N``.
    """
    n = len(quads)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if page_line_heights is None:
        page_line_heights = _PAGE_LINE_HEIGHTS
    stats = np.array([_deviation(tuple(map(tuple, q)), rot) for q in quads])  # type: ignore[arg-type]
    dev, length, height = stats[:, 0], stats[:, 1], stats[:, 2]
    small = _small_tilt(dev, length, height, glyph_deg)
    pts = quads @ rot.T
    y0, y1 = pts[..., 1].min(axis=1), pts[..., 1].max(axis=1)
    centres = pts.mean(axis=1)
    level = dev <= math.radians(neighbour_level_deg)
    short = length <= short_aspect * np.maximum(height, 1e-9)
    out = small & short & (dev <= math.radians(_MAX_LEVEL_DEG))
    measurable = ~short & (dev <= math.pi / 4)
    along = (quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3])
    tilt = _wrap(np.arctan2(along[:, 1], along[:, 0]) - _frame_angle(rot))  # signed, radians
    limit = math.radians(neighbour_level_deg)

    def row_of(i: int) -> np.ndarray:
        """The regions on ``i``'s row (overlapping it by half the smaller height in the frame)."""
        overlap = np.minimum(y1, y1[i]) - np.maximum(y0, y0[i])
        on_row = overlap >= 0.5 * np.minimum(height, height[i]) / 2
        on_row[i] = False
        return on_row

    def level_chord(i: int, on_row: np.ndarray, plain: np.ndarray) -> np.ndarray:
        """The ``plain`` row neighbours of ``i`` far along the frame on a level centre line with it."""
        # _deviation's length and height are twice the box's (two edges summed).
        dx = np.abs(centres[:, 0] - centres[i, 0])
        dy = np.abs(centres[:, 1] - centres[i, 1])
        far = dx >= max(length[i], chord_heights * height[i]) / 2
        return on_row & far & plain & (np.arctan2(dy, np.maximum(dx, 1e-9)) <= limit)

    def written_apart(i: int) -> bool:
        """Whether ``i``'s own angle would be written apart from the frame's (:func:`written_angle_deg`)."""
        q = tuple(map(tuple, quads[i]))
        own = -math.degrees(math.atan2(along[i, 1], along[i, 0]))
        frame = -math.degrees(_frame_angle(rot))
        return written_angle_deg(own, quad=q) != written_angle_deg(frame, quad=q)  # type: ignore[arg-type]

    level_rows: np.ndarray | None = None  # per region: a level centre line with a far row neighbour
    for i in np.nonzero(small & ~out)[0]:
        on_row = row_of(i)
        evidence = on_row & (length >= length[i]) & level
        if chord_heights >= 0 and not evidence.any():
            # The neighbour itself level, or too short to show a direction of its own (a tilted
            # neighbour on a scene's tilted row says nothing about the frame). A one-glyph region has
            # no direction to be tilted like its neighbour's: the centre line is its row's direction.
            evidence = level_chord(i, on_row, level | short | bool(short[i]))
        # A word with a descender is short to the page evidence only where its own angle would be written
        # (levelling one written level anyway can move a form's reading order, ``_LONE_WRITTEN_APART``).
        short_word = length[i] <= page_word_heights * height[i] or (
            descender is not None
            and bool(descender[i])
            and length[i] * math.tan(dev[i]) <= _DESCENDER_DRIFT * height[i]
            and written_apart(i)
        )
        if page_word_heights >= 0 and not evidence.any() and short_word:
            # The page's own tilts as found: counting those the row evidence levels as level as well
            # levelled one more tilted scene word wrongly on icdar2015_val (benchmarks/level_tune.py).
            others = measurable.copy()
            others[i] = False
            # A row neighbour that leans like the word (within ``neighbour_level_deg`` of its tilt)
            # shows a tilted row (two words of a slanted sign), not jitter.
            alike = on_row & measurable & ~level & (np.abs(_wrap(tilt - tilt[i])) <= limit)
            page_level = others.sum() >= _PAGE_MIN_LINES and not alike.any()
            if page_level and np.median(dev[others]) > limit:
                # Not level by its median: level still when every line leans alike (box jitter of one
                # font) and the rows are level (``_PAGE_MIN_LINES``' comment).
                lean = math.atan2(np.median(np.sin(tilt[others])), np.median(np.cos(tilt[others])))
                alike_page = bool(
                    np.all(np.abs(_wrap(tilt[others] - lean)) <= limit)
                    and abs(_wrap(tilt[i] - lean)) <= limit
                    and small[others].all()
                )
                if alike_page and chord_heights >= 0:
                    if level_rows is None:
                        anyone = np.ones(n, dtype=bool)
                        level_rows = np.array(
                            [measurable[j] and level_chord(j, row_of(j), anyone).any() for j in range(n)]
                        )
                    rows = int(level_rows[others].sum())
                    page_level = rows >= _PAGE_MIN_LINES and 2 * rows > int(others.sum())
                else:
                    page_level = False
            evidence = np.array([page_level])
        if page_line_heights >= 0 and not evidence.any() and dev[i] <= limit:
            # A line alone on its row (a heading, a footer) off the frame by no more than the quad noise of
            # long level lines, on a page whose long lines lie on the frame: db's box of a heading on a
            # page skewed -0.5 degrees leans -1.00 (a capital at one end), the body lines -0.52.
            long = measurable & (length >= page_line_heights * height)
            long[i] = False
            alike = on_row & measurable & ~level & (np.abs(_wrap(tilt - tilt[i])) <= limit)
            page_level = long.sum() >= _PAGE_MIN_LINES and not alike.any() and float(np.median(dev[long])) <= limit
            if page_level and _LONE_WRITTEN_APART:
                # Only where its own angle would be written apart from its page's: levelling a lone label
                # written level anyway changed nothing written but moved a form's reading order.
                page_level = written_apart(i)
            evidence = np.array([page_level])
        out[i] = bool(evidence.any())
    return out


def _level(region: Region, rot: np.ndarray) -> Region:
    """``region`` (and its word children within the same slack) turned to the text frame ``rot`` about
    their centres (length and height kept)."""
    dev, length, height = _deviation(region.quad, rot)
    if length == 0 or height == 0:
        return region
    kids = region.children
    if any(c.level == "word" for c in kids):
        kids = tuple(_level(c, rot) if c.level == "word" else c for c in kids)
    if _small_tilt(np.array([dev]), np.array([length]), np.array([height]))[0]:
        # Turned about its centre, same length and height (its box in the frame would be taller).
        centre = np.asarray(region.quad, dtype=np.float64).mean(axis=0) @ rot.T
        half = np.array([[-length, -height], [length, -height], [length, height], [-length, height]]) / 4
        corners = (centre + half) @ rot
        quad = tuple((float(x), float(y)) for x, y in corners)
        return region.with_(quad=quad, children=kids)  # type: ignore[arg-type]
    return region.with_(children=kids) if kids is not region.children else region


#: The attribute :func:`ocrplug.layout._level_for_reading` tags the regions it levels for their crops with
#: (their index in its input); :func:`_level_jitter` levels such a region only on a level frame.
_READ_LEVEL_TAG = "_level_for_reading"


def _level_jitter(regions: list[Region], rot: np.ndarray) -> list[Region]:
    """``regions`` with those :func:`_jitter` picks levelled (:func:`_level`), the others as given; a read
    word with a descender (:func:`_has_descender` of its text) is flagged to it as ``descender``.

    A region levelled for its crop (tagged by :func:`ocrplug.layout._level_for_reading`, which
    :func:`ocrplug.layout.lines_for_recognition` calls on the detector's quads before they are cropped) is
    levelled only on a level frame (:func:`_level_frame`) or on a skewed page of lines (:func:`_lined_frame`): there its crop
    comes out axis-aligned in the page's rows, rows and rules on the pixel grid (T9's ``Hill Top`` beside a table's rule). On a
    tilted frame of a few words -- a scene photographed at an angle -- the crop is warped either way, and turning it to the
    median of its neighbours' tilts only reads a truly tilted word along another's direction: ICDAR 2015
    img_47's ``GALE`` (boxed -9.5 degrees, turned to the frame's -2.1) read ``wALE``, img_31's sign lines
    (-12 to -15 degrees, turned to -13.2) ``An`` + ``t`` for ``Ant`` (benchmarks/read_level_frame.py,
    docs/benchmarks.md "A sign's last line is no raised mark; levelled crops on level frames only"). The
    layout step levels as before, also where it joins a word detector's words into lines before recognition
    (untagged: taking those to the rule moved `accurate`'s boxes, icdar2015_val H-mean 0.774 -> 0.763).
    """
    if not regions:
        return regions
    descender = np.array([_has_descender(r.text) for r in regions], dtype=bool)
    quads = np.asarray([r.quad for r in regions], dtype=np.float64)
    mask = _jitter(quads, rot, descender=descender)
    if _READ_LEVEL_FRAME_ONLY and not (_level_frame(rot) or _lined_frame(quads, rot)):
        mask &= np.array([_READ_LEVEL_TAG not in r.attributes for r in regions], dtype=bool)
    return [_level(r, rot) if m else r for r, m in zip(regions, mask, strict=True)]


def _level_frame(rot: np.ndarray) -> bool:
    """Whether the text frame ``rot`` (2 x 2) lies within ``LEVEL_ANGLE_DEG`` of a right angle of the page
    (level, or a page turned a quarter: its crops come out axis-aligned)."""
    angle = math.degrees(_frame_angle(rot))
    return abs(math.remainder(angle, 90.0)) <= LEVEL_ANGLE_DEG


def _lined_frame(quads: np.ndarray, rot: np.ndarray) -> bool:
    """Whether the regions ``quads`` (``(N, 4, 2)``, page pixels) of the text frame ``rot`` (2 x 2) show a page
    of lines, a skewed scan rather than a scene: at least ``_PAGE_MIN_LINES`` regions at least
    ``_PAGE_LINE_HEIGHTS`` times as long as high, their median tilt off the frame within ``LEVEL_ANGLE_DEG``
    (the evidence :func:`_jitter` takes for a level page's lines). On such a frame a line levelled for its
    crop is read along its page's rows whatever the skew: funsd_train's ``660978``, a form scanned 1.5 degrees
    skewed, counted as a tilted frame (S13's rule) and its lines were read as boxed (``INC.- MEETING``, the
    stamp's line ahead of the heading: ``swift`` page CER 0.044 -> 0.070). Measured on the reading step's
    direction groups of ``fast`` (funsd_train / icdar2015_val, the first 40 each; docs/benchmarks.md "Steep
    lines' angles from their words' centres; one frame per turned line; skewed scans levelled", E14): the
    tilted frames of funsd_train (1.04-1.27 degrees) hold 10-16 such lines, median tilt 0.07-0.43;
    icdar2015_val's (1.2-22.6 degrees, scenes) at most one.
    """
    if len(quads) < _PAGE_MIN_LINES:
        return False
    stats = np.array([_deviation(tuple(map(tuple, q)), rot) for q in quads])  # type: ignore[arg-type]
    dev, length, height = stats[:, 0], stats[:, 1], stats[:, 2]
    long = (length >= _PAGE_LINE_HEIGHTS * height) & (dev <= math.pi / 4)
    return int(long.sum()) >= _PAGE_MIN_LINES and float(np.median(dev[long])) <= math.radians(LEVEL_ANGLE_DEG)


def _has_descender(text: str | None) -> bool:
    """Whether ``text`` is one word (no white space) with a descender letter (``_DESCENDERS``)."""
    if not text:
        return False
    word = text.strip()
    return bool(word) and not any(c.isspace() for c in word) and any(c in _DESCENDERS for c in word)


def _within_slack(quad: Quad, rot: np.ndarray) -> bool:
    """Whether ``quad`` runs along ``rot`` but for box jitter (see ``_LEVEL_SLACK``, ``_MAX_LEVEL_DEG``)."""
    dev, length, height = _deviation(quad, rot)
    return dev <= math.radians(_MAX_LEVEL_DEG) and length * math.tan(dev) <= _LEVEL_SLACK * height


def level_tolerance_deg(length: float, height: float, min_angle: float = LEVEL_ANGLE_DEG) -> float:
    """Degrees within which text ``length`` long and ``height`` high (pixels, along and across it) is
    written level: at most ``min_angle`` (default ``LEVEL_ANGLE_DEG``, the quad noise of level text), and
    at most the angle at which its far end drifts by ``LEVEL_DRIFT`` of its height,
    ``atan(LEVEL_DRIFT * height / length)`` (0.32 degrees for a line 45 heights long). ``min_angle`` for a
    region without length."""
    if length <= 0:
        return min_angle
    return min(min_angle, math.degrees(math.atan2(LEVEL_DRIFT * max(height, 0.0), length)))


def _extent(quad: Quad) -> tuple[float, float]:
    """(length along, height across) of ``quad`` (page pixels, starting at the text's top-left)."""
    q = np.asarray(quad, dtype=np.float64)
    length = float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    height = float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return length, height


def written_angle_deg(
    angle: float, min_angle: float = LEVEL_ANGLE_DEG, quad: Quad | None = None, *, turn_jitter: bool = True
) -> float:
    """The text angle written for a counter-clockwise ``angle`` (degrees) by the renderers (hOCR
    ``textangle``, ALTO ``ROTATION``, PAGE ``orientation``) and the OCRmyPDF engine: 0 (level: write
    none) within ``min_angle`` of level -- given the text's ``quad`` (page pixels, starting at its
    top-left), within :func:`level_tolerance_deg` of its length and height, so that a long line keeps a
    real skew of a degree --; exactly 90 / 180 / 270 within ``min_angle`` of a turn, or, given ``quad``
    and ``turn_jitter``, within :func:`ocrplug.geometry.turn_jitter_deg` of its length and height when
    that is more (a vertical label turned exactly 90 degrees got a 90.81-degree box); else the angle in
    ``(-45, 315]`` (skews signed, turns as Tesseract writes them: 90, 180, 270).
    """
    a = angle % 360.0
    a = a - 360.0 if a > 315.0 else a
    turn = 90.0 * round(a / 90.0)
    tolerance = min_angle
    if quad is not None:
        length, height = _extent(quad)
        if turn % 180.0:
            if turn_jitter:
                tolerance = max(min_angle, turn_jitter_deg(length, height))
        elif turn == 0.0:
            tolerance = level_tolerance_deg(length, height, min_angle)
    return turn % 360.0 if abs(a - turn) <= tolerance else a


# Steep lines' angles from their ink (issue 24 item 2, E15). A steep word's box leans with its ascenders
# and descenders (craft's one-word ``Parking`` drawn at +50 degrees boxed at 45.8), and a line of one
# word has no other word to set its direction. A line counts as
# steep when its direction is more than _INK_FIT_MIN_DEG off the image axes (the layout's own limit for a
# steep word, ``layout._TILT_MAX_DEG``); its ink's direction is searched within _INK_FIT_SPAN_DEG of the
# box's, every _INK_FIT_STEP_DEG. benchmarks/steep_lines.py's boxes lean at most 4.4 degrees from the
# drawn angle (accurate, before this fit), twice that is searched; the fit from 60 drawn lines at 15-75
# degrees, boxes leaning up to 5 degrees, was 0.15 degrees off on average, 0.40 at most (benchmarks/ink_angles.py,
# docs/benchmarks.md "Mirrored pages and steep lines' angles from their ink").
_INK_FIT_MIN_DEG = 10.0
_INK_FIT_SPAN_DEG = 8.0
_INK_FIT_STEP_DEG = 0.25


def ink_angle(ink: np.ndarray, quad: Quad, span_deg: float = _INK_FIT_SPAN_DEG, step_deg: float = _INK_FIT_STEP_DEG) -> float | None:
    """The direction (radians, y down) of the text whose ``ink`` lies in ``quad``, or ``None``.

    ``ink``: the page's ink mask (H x W, nonzero = ink, e.g. :func:`ocrplug.crops.paper_ink`); ``quad``: the
    text's box (page pixels, starting at the text's top-left). The ink pixels inside the box are
    projected across the text at angles within ``span_deg`` of the box's own direction, every
    ``step_deg``, and the angle whose projection profile has the largest sum of squares is taken: the
    profile is sharpest where the glyphs' baseline, x-height and cap-height rows line up (Postl's
    projection-profile skew criterion, as in Bloomberg, Kopec and Dasari, "Measuring document image skew
    and orientation", SPIE 2422, 1995). Each pixel is split between its two nearest 1-pixel bins and the
    profile smoothed by [1/4, 1/2, 1/4] (1-pixel bins alone peak falsely where the pixel grid lines up
    with the bins: 45 degrees). ``None`` when the box holds fewer than 20 ink pixels or the best angle
    is at the search's edge (the ink is not one line in the box). Raises nothing.
    """
    q = np.asarray(quad, dtype=np.float64)
    length, height = _extent(quad)
    if length <= 0 or height <= 0:
        return None
    d = (q[1] - q[0]) + (q[2] - q[3])
    angle = math.atan2(d[1], d[0])
    lo = np.floor(q.min(axis=0)).astype(int)
    hi = np.ceil(q.max(axis=0)).astype(int) + 1
    x0, y0 = max(int(lo[0]), 0), max(int(lo[1]), 0)
    x1, y1 = min(int(hi[0]), ink.shape[1]), min(int(hi[1]), ink.shape[0])
    if x1 <= x0 or y1 <= y0:
        return None
    ys, xs = np.nonzero(ink[y0:y1, x0:x1])
    centre = q.mean(axis=0)
    pts = np.stack([xs + x0 + 0.5, ys + y0 + 0.5], axis=1) - centre
    along = np.array([math.cos(angle), math.sin(angle)])
    across = np.array([-along[1], along[0]])
    pts = pts[(np.abs(pts @ along) <= length / 2) & (np.abs(pts @ across) <= height / 2)]
    if len(pts) < 20:
        return None
    offsets = np.arange(-span_deg, span_deg + 1e-9, step_deg)
    scores = []
    for d in offsets:
        a = angle + math.radians(float(d))
        r = pts @ np.array([-math.sin(a), math.cos(a)])
        r = r - r.min()
        i = np.floor(r).astype(int)
        f = r - i
        n = int(i.max()) + 2
        profile = np.bincount(i, 1 - f, minlength=n) + np.bincount(i + 1, f, minlength=n)
        profile = np.convolve(profile, [0.25, 0.5, 0.25])
        scores.append(float(profile @ profile))
    k = int(np.argmax(scores))
    if k == 0 or k == len(offsets) - 1:
        return None
    return angle + math.radians(float(offsets[k]))


def _turned_to(quad: Quad, angle: float) -> Quad:
    """``quad``'s rectangle (its length and height) turned about its centre to run at ``angle`` (radians, y down)."""
    q = np.asarray(quad, dtype=np.float64)
    length, height = _extent(quad)
    c = q.mean(axis=0)
    u = np.array([math.cos(angle), math.sin(angle)]) * length / 2
    n = np.array([-math.sin(angle), math.cos(angle)]) * height / 2
    return tuple((float(p[0]), float(p[1])) for p in (c - u - n, c + u - n, c + u + n, c - u + n))  # type: ignore[return-value]


def fit_steep_lines(gray: np.ndarray, regions: Sequence[Region]) -> list[Region]:
    """Laid-out ``regions`` (blocks of lines) with each steep line's box turned to its ink's direction.

    ``gray``: the page the regions were read on (H x W uint8). A line is steep when its box runs more than
    ``_INK_FIT_MIN_DEG`` off the image axes and is at least ``_TURNED_ASPECT`` times as long as high (a
    glyph-sized box has no direction); its box is turned about its centre to :func:`ink_angle` of the
    page's ink (its length and height kept), so that its written angle (hOCR ``textangle``, ALTO
    ``ROTATION``) is its text's and not its box's lean. Only on a page of text on paper
    (:func:`ocrplug.crops.paper_ink`; a photo's ink is no clean glyph rows): elsewhere, and on pages
    without a steep line, the regions are returned as given. Words, text and order are untouched; a
    block of that one line takes the line's box. Raises nothing.
    """
    steep = [ln for b in regions for ln in (b.children if b.level == "block" else (b,)) if _steep(ln)]
    if not steep:
        return list(regions)
    ink = paper_ink(gray)
    if ink is None:
        return list(regions)
    out = []
    for block in regions:
        lines = block.children if block.level == "block" else (block,)
        fitted = [_fit_line(ink, ln) if _steep(ln) else ln for ln in lines]
        if block.level != "block":
            out.append(fitted[0])
        elif all(a is b for a, b in zip(fitted, lines, strict=True)):
            out.append(block)
        else:
            quad = fitted[0].quad if len(fitted) == 1 else block.quad
            out.append(block.with_(children=tuple(fitted), quad=quad))
    return out


def _steep(line: Region) -> bool:
    """Whether ``line`` is a line whose box runs steeply (:func:`fit_steep_lines`)."""
    if line.level != "line":
        return False
    length, height = _extent(line.quad)
    if length < _TURNED_ASPECT * height:
        return False
    q = np.asarray(line.quad, dtype=np.float64)
    d = (q[1] - q[0]) + (q[2] - q[3])
    angle = math.atan2(d[1], d[0])
    return abs((angle + math.pi / 4) % (math.pi / 2) - math.pi / 4) > math.radians(_INK_FIT_MIN_DEG)


def _fit_line(ink: np.ndarray, line: Region) -> Region:
    """Steep ``line`` with its box turned to its ink's direction (as it is when the ink tells none)."""
    fit = ink_angle(ink, line.quad)
    return line if fit is None else line.with_(quad=_turned_to(line.quad, fit))
