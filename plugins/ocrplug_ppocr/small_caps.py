"""The case of small capitals: ``PRAIsE`` read from ``PRAISE`` set in small caps (issue 24).

A small capital is a capital drawn at about the x-height. The small ``C O S U V W X Z`` are the shapes of
their lower-case letters, so the model reads them lower case among the other small capitals (T13's
dictionary page: ``RAIsE``, ``ccoUNT``). Here a run of letters that holds capitals after its first
letter gets a lower-case size-case letter (:data:`SMALL_CAP_LETTERS`) in upper case when its ink is as
tall as those capitals' (at least :data:`SMALL_CAP_HEIGHT` of their median ink height): a true lower-case
letter among full capitals (``McDONALD``) stands at the x-height, well under that. The first letter is
no evidence (in small caps it is often a full capital), nor are capitals of size-case pairs (``cC:``
read from a typed ``cc:``); a run's final ``s`` stays (an acronym's plural: ``PPs``, ``CEOs``).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

#: Lower-case letters that are their capital drawn smaller (the size-case pairs, less ``y``, whose
#: descender sets it apart).
SMALL_CAP_LETTERS = frozenset("cosuvwxz")
#: A size-case letter whose ink is at least this share of the median ink height of the capitals after
#: the first letter of its run is a small capital. DejaVu Sans' x-height is 0.75 of its cap height, DejaVu
#: Serif's 0.71, Times' about 0.66, and round letters overshoot by about 3 %, so a lower-case ``c`` beside
#: full capitals stays under 0.8; beside small capitals it measures 0.95-1.05. Chosen by ``python
#: benchmarks/letter_spacing.py`` (docs/benchmarks.md "Tracked words and small capitals").
SMALL_CAP_HEIGHT = 0.9


def _heights(image: np.ndarray, xs: Sequence[float]) -> list[float]:
    """Ink height (pixels) of the glyph at each crop x in ``xs``: of the connected ink components (Otsu
    ink, 8-connected) whose columns hold x, the one whose centre lies nearest to x (else the nearest of
    all); kerned pairs (``Vo``) share columns but not components. 0 where the crop holds no ink."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light text on a dark ground
        ink = 1 - ink
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    stats = stats[1:]
    if not len(stats):
        return [0.0] * len(xs)
    left, width, height = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    centre = left + width / 2
    out = []
    for x in xs:
        inside = (left <= x) & (x < left + width)
        pool = np.flatnonzero(inside) if inside.any() else np.arange(len(stats))
        out.append(float(height[pool[np.argmin(np.abs(centre[pool] - x))]]))
    return out


def small_caps_case(text: str, steps: Sequence[float], image: np.ndarray, px_per_step: float) -> str:
    """``text`` (the model's reading of the crop ``image``, H x W [x 3] uint8) with its small capitals
    read lower case put in upper case; same length.

    ``steps``: the CTC time step of each character; ``px_per_step``: crop pixels per time step. Each
    character's glyph is the ink component at its step centre (:func:`_heights`). Only runs of letters
    with a lower-case :data:`SMALL_CAP_LETTERS` letter and at least one capital after their first letter
    are looked at (no ink is measured otherwise); those capitals exclude ``C O S U V W X Z``, and a run's
    final ``s`` is left. Raises nothing.
    """
    if not any(ch in SMALL_CAP_LETTERS for ch in text):
        return text
    out = list(text)
    k = 0
    while k < len(text):
        if not text[k].isalpha():
            k += 1
            continue
        end = k
        while end < len(text) and text[end].isalpha():
            end += 1
        run = range(k, end)
        # Reference capitals are those of no size-case pair (a ``C`` may be a misread ``c``: ``cC:``); a
        # final ``s`` is an acronym's plural (``PPs``, ``CEOs``), left as read.
        caps = [i for i in run if i > k and text[i].isupper() and text[i].lower() not in SMALL_CAP_LETTERS]
        small = [i for i in run if text[i] in SMALL_CAP_LETTERS and not (i == end - 1 and text[i] == "s")]
        if caps and small and all(text[i].isupper() or text[i] in SMALL_CAP_LETTERS for i in run[1:]):
            hs = _heights(image, [(steps[i] + 0.5) * px_per_step for i in caps + small])
            ref = float(np.median(hs[: len(caps)]))
            for i, h in zip(small, hs[len(caps) :], strict=True):
                if ref > 0 and h >= SMALL_CAP_HEIGHT * ref:
                    out[i] = text[i].upper()
        k = end
    return "".join(out)
