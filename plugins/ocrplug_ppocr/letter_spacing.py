"""Word splits in letter-spaced (tracked) display text: ``G R A N D  O P E N I N G`` read as two words.

The recognizer splits a word where the ink gap between two characters exceeds ``space_gap`` times the
text height or where the model's space class hints at a space (:func:`ocrplug_ppocr.recognizer._fill`).
In a line drawn with extra letter spacing every letter gap passes that test, so the line came out one
letter a word (issue 24: ``S a t u r d a y``), although the model's own spaces were right and the word
gaps stayed about twice as wide as the letter gaps. Here a line whose median letter gap is near or above
``space_gap`` is a tracked line: there a split needs a gap :data:`TRACK_WIDE` times the line's median
letter gap, whatever the space hint. The model's emitted spaces are never touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: A line is tracked when it has at least this many letter gaps (between two characters with no emitted
#: space on either side) ... (a two- or three-letter code such as ``A4B`` stays as before).
TRACK_MIN_GAPS = 4
#: ... and its median letter gap is at least this share of ``space_gap`` (ordinary print: about a quarter).
TRACK_MEDIAN = 0.75
#: In a tracked line, a split needs an ink gap at least this many times the median letter gap. Chosen by
#: ``python benchmarks/letter_spacing.py`` (docs/benchmarks.md "Letter-spaced display text").
TRACK_WIDE = 1.4


def tracked_splits(text: str, gaps: Sequence[float], space_gap: float) -> list[bool] | None:
    """Where a tracked line may be split, or None when the line is not tracked.

    ``text``: the model's reading (its spaces are word breaks); ``gaps[k]``: the widest ink gap between
    character ``k`` and the one before, as a share of the text's ink height (0 for the first);
    ``space_gap``: the recognizer's ink-gap split threshold (same unit). Returns one flag per character:
    True where the gap before it is at least :data:`TRACK_WIDE` times the median letter gap (and wider
    than ``space_gap``). Raises nothing; a ``gaps`` shorter than ``text`` counts missing gaps as 0.
    """
    if space_gap <= 0:
        return None
    n = len(text)
    g = [gaps[k] if k < len(gaps) else 0.0 for k in range(n)]
    letter = [g[k] for k in range(1, n) if not text[k].isspace() and not text[k - 1].isspace()]
    if len(letter) < TRACK_MIN_GAPS:
        return None
    median = float(np.median(letter))
    if median < TRACK_MEDIAN * space_gap:
        return None
    wide = max(space_gap, TRACK_WIDE * median)
    return [k > 0 and g[k] >= wide for k in range(n)]
