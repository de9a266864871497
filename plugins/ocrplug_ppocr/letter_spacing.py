"""Word splits in letter-spaced (tracked) display text: ``G R A N D  O P E N I N G`` read as two words.

The recognizer splits a word where the ink gap between two characters exceeds ``space_gap`` times the
text height or where the model's space class hints at a space (:func:`ocrplug_ppocr.recognizer._fill`).
In a line drawn with extra letter spacing every letter gap passes that test, so the line came out one
letter a word (issue 24: ``S a t u r d a y``), although the model's own spaces were right and the word
gaps stayed about twice as wide as the letter gaps. Here a line whose gaps between neighbouring characters
are mostly wide (their lower quartile, the line's letter gap, at least :data:`TRACK_LETTER` times
``space_gap``) is a tracked line: there a split needs a gap :data:`TRACK_WIDE` times that letter gap,
whatever the space hint. The model's emitted spaces are never touched. The lower quartile, not the
median, is the letter gap so that a line of single-letter words (``C O D E  A 1 B 2``, word gaps
outnumbering letter gaps) still splits.

The detector often boxes each word of a tracked line alone; a crop of one tracked word then shows no word
gap to compare its letter gaps with. :func:`join_tracked_words` takes that word gap from the crop's
neighbours on its row, after reading: a box read as single letters (``R O O M``) whose letter gaps are
even and all well under the gap to the nearest word beside it on the row is one word (issue 24).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ocrplug.api import INK_ENDS, Region

#: A line is tracked only when it has at least this many gaps between neighbouring characters (a two- or
#: three-letter code such as ``A4B`` stays as before) ...
TRACK_MIN_GAPS = 4
#: ... and the lower quartile of those gaps (the line's letter gap) is at least this share of ``space_gap``
#: (ordinary print: about a quarter; three quarters of the gaps must be wide).
TRACK_LETTER = 0.75
#: In a tracked line, a split needs an ink gap at least this many times the line's letter gap. Chosen by
#: ``python benchmarks/letter_spacing.py`` (docs/benchmarks.md "Letter-spaced display text").
TRACK_WIDE = 1.4
#: A short crop of evenly spaced letters is one tracked word only when its narrowest gap is at least this
#: many text heights: one-letter words at ordinary spacing that the model reads with no space (``A B C``
#: read ``ABC``) have 0.35-0.76 (0.6-0.76 only for x-height letters, ``s o u``), one word tracked by 25-40 px
#: 0.75-1.3, by 16-20 px 0.5-1.3. ``python benchmarks/letter_spacing_evidence.py --hints`` (the model's
#: space hints do not tell them apart: up to 0.48 and 0.50); docs/benchmarks.md "Tracked words and small
#: capitals".
TRACK_WORD_GAP = 0.8


def _widest_blank(columns: np.ndarray, x0: int, x1: int) -> int:
    """The longest run of ink-free columns (``columns`` False) in ``[x0, x1)``, in pixels (0 for none); the
    recognizer's word splits use it too."""
    blank = ~columns[max(x0, 0) : max(min(x1, len(columns)), 0)]
    if not blank.any():
        return 0
    # Lengths of runs of True: differences between the edges of the padded run mask.
    edges = np.flatnonzero(np.diff(np.concatenate([[0], blank.astype(np.int8), [0]])))
    return int((edges[1::2] - edges[::2]).max())


def _line_gaps(
    text: str, steps: Sequence[float], columns: np.ndarray, height: float, px_per_step: float, space_gap: float
) -> tuple[dict[int, float], float] | None:
    """The ink gap (share of ``height``) before each non-space character but the first, keyed by its
    index in ``text``, and the line's letter gap (their lower quartile); None when the line is not tracked."""
    if space_gap <= 0 or height <= 0:
        return None
    chars = [k for k, ch in enumerate(text) if not ch.isspace()]
    gap = {
        k: _widest_blank(columns, int((steps[j] + 0.5) * px_per_step), int((steps[k] + 0.5) * px_per_step)) / height
        for j, k in itertools.pairwise(chars)
    }
    if len(gap) < TRACK_MIN_GAPS:
        return None
    letter = float(np.percentile(list(gap.values()), 25))
    if letter < TRACK_LETTER * space_gap:
        return None
    return gap, letter


def tracked_splits(
    text: str, steps: Sequence[float], columns: np.ndarray, height: float, px_per_step: float, space_gap: float
) -> list[bool] | None:
    """Where a tracked line may be split, or None when the line is not tracked.

    ``text``: the model's reading (its spaces are word breaks); ``steps``: the CTC time step of each of
    its characters; ``columns``: which crop columns hold ink (bool, crop width); ``height``: the text's
    ink height (pixels); ``px_per_step``: crop pixels per time step; ``space_gap``: the recognizer's
    ink-gap split threshold (share of ``height``). The gap between two neighbouring non-space characters
    is the widest ink-free run between their step centres, across any space between them. Returns one
    flag per character: True where the gap before it is at least :data:`TRACK_WIDE` times the line's
    letter gap (and wider than ``space_gap``). A crop too short to show a tracked line may be one tracked
    word (:func:`_tracked_word`): all False. Raises nothing.
    """
    line = _line_gaps(text, steps, columns, height, px_per_step, space_gap)
    if line is None:
        return _tracked_word(text, steps, columns, height, px_per_step, space_gap)
    gap, letter = line
    wide = max(space_gap, TRACK_WIDE * letter)
    return [gap.get(k, 0.0) >= wide for k in range(len(text))]


def _tracked_word(
    text: str, steps: Sequence[float], columns: np.ndarray, height: float, px_per_step: float, space_gap: float
) -> list[bool] | None:
    """No split in a short crop that is one tracked word (the detector often boxes each word of a tracked
    line alone: ``ROOM`` read as ``R O O M``), else None: 3 or 4 letters (fewer gaps than
    :data:`TRACK_MIN_GAPS`), no space emitted, every gap at least :data:`TRACK_WORD_GAP` text heights and
    under :data:`TRACK_WIDE` times the narrowest. Digits or marks (``A4B``) leave it."""
    if space_gap <= 0 or height <= 0 or not text.isalpha() or len(text) < 3:
        return None
    gap = [
        _widest_blank(columns, int((steps[k - 1] + 0.5) * px_per_step), int((steps[k] + 0.5) * px_per_step)) / height
        for k in range(1, len(text))
    ]
    if min(gap) < max(TRACK_WORD_GAP, space_gap) or max(gap) >= TRACK_WIDE * min(gap):
        return None
    return [False] * len(text)


def tracked_spaces(
    text: str, steps: Sequence[float], columns: np.ndarray, height: float, px_per_step: float, space_gap: float
) -> set[int]:
    """The model's spaces inside the words of a tracked line (indices into ``text``): those to drop.

    Past about 20 px of tracking (letter gaps as wide as the glyphs) the model itself emits a space
    between letters (``R O O M  A  4  B  7``). On a tracked line (:func:`tracked_splits`, same arguments)
    that also holds a word gap (a gap at least :data:`TRACK_WIDE` times the letter gap: without one a
    spaced word ``O P E N`` cannot be told from a row of one-letter words ``A B C D``), a space the model
    emitted between two characters whose ink gap is narrower than that is dropped when both characters
    are letters or digits and not both digits (spaced digits in a table stay apart). One-letter words,
    initials (``J. R. R.``) and codes (``A 1 B 2``) keep their word gaps, which are the wide ones.
    Raises nothing.
    """
    line = _line_gaps(text, steps, columns, height, px_per_step, space_gap)
    if line is None:
        return set()
    gap, letter = line
    wide = max(space_gap, TRACK_WIDE * letter)
    if max(gap.values()) < wide:
        return set()
    chars = [k for k, ch in enumerate(text) if not ch.isspace()]
    out: set[int] = set()
    for j, k in itertools.pairwise(chars):
        a, b = text[j], text[k]
        if k - j > 1 and gap[k] < wide and a.isalnum() and b.isalnum() and not (a.isdigit() and b.isdigit()):
            out.update(range(j + 1, k))
    return out


#: A box read as single letters is one tracked word (:func:`join_tracked_words`) when the gap to the nearest
#: word beside it on its row is at least this many times its widest letter gap (the same evidence as
#: :data:`TRACK_WIDE`: a tracked line's word gaps against its letter gaps) ...
ROW_WIDE = TRACK_WIDE
#: ... and at most this many times: a table's next column or a form's next field is farther. Tracked
#: lines drawn with word gaps of a space plus 1.5-3 times the tracking measure 1.9-5.3 (letters with wide
#: side bearings, ``to`` at 20 px); ``python benchmarks/letter_spacing.py --words``.
ROW_FAR = 6.0
#: ... and its letter gaps are even: the widest at most this many times the narrowest (tracked letters:
#: 1.0-1.8 between word boxes cut to the ink; ``v i e`` at 16 px: 1.5).
ROW_EVEN = 2.0


def _span(region: Region) -> tuple[float, float, float, float]:
    """``(x0, x1, y0, y1)``: the page-pixel extent of a region's quad."""
    xs = [p[0] for p in region.quad]
    ys = [p[1] for p in region.quad]
    return min(xs), max(xs), min(ys), max(ys)


def _same_row(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two word extents lie on one text row of one size: they overlap by at least half the lower
    one's height and their heights differ by less than half."""
    ha, hb = a[3] - a[2], b[3] - b[2]
    if ha <= 0 or hb <= 0 or max(ha, hb) > 1.5 * min(ha, hb):
        return False
    return min(a[3], b[3]) - max(a[2], b[2]) >= 0.5 * min(ha, hb)


def join_tracked_words(regions: Sequence[Region]) -> list[Region]:
    """``regions`` (read line regions of one page, page pixels; same order and count) with each box read as
    single letters of one tracked word made that one word.

    A line region qualifies when it has at least two words, all letters, at most one of them two letters
    long and the rest one letter (``R O O M``, ``w el c o m e``), unturned (no ``rotation`` attribute),
    the words left to right with even gaps between their boxes (:data:`ROW_EVEN`), and the nearest word of
    another region beside it on its row (:func:`_same_row`, not overlapping it) lies between
    :data:`ROW_WIDE` and :data:`ROW_FAR` times its widest letter gap away on the nearer side. Its words
    are then one word: their text joined, the box from the first word's left edge to the last word's right
    edge, the mean confidence; the region's text becomes that word. Digits or marks (``A 4 B 7``, ``J. R.``)
    and a box with no word beside it (``O P E N`` alone on its line: one-letter words ``A B C D`` look the
    same) leave it. Raises nothing.
    """
    spans = [
        [_span(w) for w in r.children if w.text] if r.level == "line" and not r.attributes.get("rotation") else []
        for r in regions
    ]
    out = list(regions)
    for i, region in enumerate(regions):
        words = [w for w in region.children if w.text]
        texts = [w.text or "" for w in words]
        if (
            len(words) < 2
            or len(words) != len(region.children)
            or not spans[i]
            or not all(t.isalpha() for t in texts)
            or sum(len(t) > 1 for t in texts) > 1
            or max(len(t) for t in texts) > 2
        ):
            continue
        own = spans[i]
        gaps = [b[0] - a[1] for a, b in itertools.pairwise(own)]
        if min(gaps) <= 0 or max(gaps) > ROW_EVEN * min(gaps):
            continue
        x0, x1 = own[0][0], own[-1][1]
        band = (x0, x1, min(s[2] for s in own), max(s[3] for s in own))
        near = [
            max(x0 - s[1], s[0] - x1)
            for j, other in enumerate(spans)
            if j != i
            for s in other
            if (s[1] <= x0 or s[0] >= x1) and _same_row(band, s)
        ]
        if not near or not ROW_WIDE * max(gaps) <= min(near) <= ROW_FAR * max(gaps):
            continue
        first, last = words[0], words[-1]
        ends = [
            bool(first.attributes.get(INK_ENDS, (False, False))[0]),
            bool(last.attributes.get(INK_ENDS, (False, False))[1]),
        ]
        word = Region(
            quad=(first.quad[0], last.quad[1], last.quad[2], first.quad[3]),
            level="word",
            text="".join(texts),
            confidence=float(np.mean([w.confidence or 0.0 for w in words])),
            order=0,
            attributes={INK_ENDS: ends} if any(ends) else {},
        )
        out[i] = region.with_(text=word.text, children=(word,))
    return out
