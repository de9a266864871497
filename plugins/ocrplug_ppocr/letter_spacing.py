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
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

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
