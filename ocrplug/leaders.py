"""Dotted leaders are no text: a form's dotted fill-in line or a contents page's leader read as ``.. .22``.

A detector boxes a form's answer together with the dotted line it is written on (``Address: .... 22 Elm
Grove``), or boxes a run of leader dots alone, and the recognizer reads the dots beside the answer as full
stops: T15's ``dotted_form.png`` came out ``Address: .. .22 Elm Grove`` (issue 24, S16). Leader dots are
told from written stops by the page's ink, not by the reading: a leader is a row of at least
:data:`LEADER_DOTS` dot-sized components (each side at most :data:`DOT_SIZE` text heights) on one level,
each at most :data:`DOT_PITCH` text heights from the next, evenly spaced (each pitch within
:data:`PITCH_EVEN` of the row's median; the row is cut where one is not, as where a written glyph hides
dots, and each piece must have the dots). An ellipsis (three dots), a decimal point, a stop or the dots
of ``J. R. R.`` are no such row.

:func:`drop_leader_dots` then takes from each read word the stops (``.``, ``·``, ``…``) at its start and end
that stand for leader dots: the word keeps as many of them as its box holds dot components that are not
leader dots before (after) its first (last) other component, so a real ``.22`` or ``...`` on a dotted
line keeps its points. A word left empty goes, and its box shrinks to the ink it keeps.

Constants chosen with ``python benchmarks/leader_dots.py`` (generated forms and contents pages with dotted
fill-in lines in several fonts and sizes); docs/benchmarks.md "Dotted leaders and song sheets".
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.fills import text_height
from ocrplug.model import Region

__all__ = ["DOT_PITCH", "DOT_SIZE", "LEADER_DOTS", "PITCH_EVEN", "drop_leader_dots", "leader_dots"]

#: A leader dot's sides are at most this many text heights (a full stop of the text: about 0.1-0.15).
DOT_SIZE = 0.3
#: Neighbouring dots of a leader are at most this many text heights apart (centre to centre).
DOT_PITCH = 1.2
#: A leader has at least this many dots in its row (an ellipsis has three).
LEADER_DOTS = 5
#: Every pitch of a leader's row lies within this share of the row's median pitch.
PITCH_EVEN = 0.2
#: The characters a recognizer writes for a leader dot.
_STOPS = ".·…"


def leader_dots(ink: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The page's dot components and which of them are leader dots.

    ``ink``: H x W uint8 mask (1 = ink); ``height``: the page's text height in pixels. Returns ``(stats,
    dot, leader)``: the ``cv2.connectedComponentsWithStats`` stats (row per component, background 0 included),
    a bool per component for dot-sized ones and a bool per component for those in a leader row (see the
    module doc). Raises nothing.
    """
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    n = len(stats)
    dot = np.zeros(n, dtype=bool)
    leader = np.zeros(n, dtype=bool)
    if height <= 0 or n < LEADER_DOTS + 1:
        return stats, dot, leader
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    most = max(DOT_SIZE * height, 2.0)
    dot[1:] = (w[1:] <= most) & (h[1:] <= most) & (w[1:] <= 3 * h[1:]) & (h[1:] <= 3 * w[1:])
    ids = np.flatnonzero(dot)
    if len(ids) < LEADER_DOTS:
        return stats, dot, leader
    cx = stats[ids, cv2.CC_STAT_LEFT] + w[ids] / 2.0
    cy = stats[ids, cv2.CC_STAT_TOP] + h[ids] / 2.0
    size = np.maximum(w[ids], h[ids]).astype(np.float64)
    pitch_most = DOT_PITCH * height
    order = np.argsort(cx, kind="stable")
    nxt = np.full(len(ids), -1)
    has_prev = np.zeros(len(ids), dtype=bool)
    # Each dot's right neighbour: the nearest dot to its right on its level, within the pitch.
    for a_pos, a in enumerate(order):
        best, best_dx = -1, pitch_most
        for b in order[a_pos + 1 :]:
            dx = cx[b] - cx[a]
            if dx > best_dx:
                break
            if dx > 0 and abs(cy[b] - cy[a]) <= max(size[a], size[b]) / 2.0 + 1.0 and dx <= best_dx:
                best, best_dx = b, dx
        if best >= 0 and not has_prev[best]:
            nxt[a] = best
            has_prev[best] = True
    for start in np.flatnonzero(~has_prev):
        chain = [start]
        while nxt[chain[-1]] >= 0:
            chain.append(nxt[chain[-1]])
        if len(chain) < LEADER_DOTS:
            continue
        # The row is cut where a pitch leaves the even run (a glyph written over the line hides dots):
        # each even piece of at least LEADER_DOTS dots is a leader.
        pitches = np.diff(cx[chain])
        med = float(np.median(pitches))
        even = np.abs(pitches - med) <= PITCH_EVEN * med
        piece = [chain[0]]
        for k, ok in enumerate(even):
            if ok:
                piece.append(chain[k + 1])
                continue
            if len(piece) >= LEADER_DOTS:
                leader[ids[piece]] = True
            piece = [chain[k + 1]]
        if len(piece) >= LEADER_DOTS:
            leader[ids[piece]] = True
    return stats, dot, leader


def _x_span(region: Region) -> tuple[float, float, float, float]:
    xs = [p[0] for p in region.quad]
    ys = [p[1] for p in region.quad]
    return min(xs), max(xs), min(ys), max(ys)


def _trim(word: Region, stats: np.ndarray, dot: np.ndarray, leader: np.ndarray) -> Region | None:
    """``word`` without the stops at its ends that stand for leader dots; None when nothing is left; the
    word itself when it keeps every character."""
    text = word.text or ""
    lead = len(text) - len(text.lstrip(_STOPS))
    tail = len(text) - len(text.rstrip(_STOPS)) if lead < len(text) else 0
    if not lead and not tail:
        return word
    x0, x1, y0, y1 = _x_span(word)
    left, top = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    cx = left + stats[:, cv2.CC_STAT_WIDTH] / 2.0
    cy = top + stats[:, cv2.CC_STAT_HEIGHT] / 2.0
    inside = (cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)
    inside[0] = False
    if not (inside & leader).any():
        return word
    ink = np.flatnonzero(inside & ~dot)
    real = np.flatnonzero(inside & dot & ~leader)
    if len(ink):
        first, last = cx[ink].min(), cx[ink].max()
        keep_lead = min(lead, int((cx[real] < first).sum()))
        keep_tail = min(tail, int((cx[real] > last).sum()))
    else:  # the word is all stops: keep as many as its box holds dots that are no leader's
        keep_lead, keep_tail = min(lead, len(real)), 0
    if keep_lead == lead and keep_tail == tail:
        return word
    new = text[lead - keep_lead : len(text) - (tail - keep_tail)]
    if not new:
        return None
    # The box keeps the ink it reads: from its first to its last kept component.
    kept = np.flatnonzero(inside & ~leader)
    nx0 = float(left[kept].min()) if lead > keep_lead and len(kept) else x0
    nx1 = float((left[kept] + stats[kept, cv2.CC_STAT_WIDTH]).max()) if tail > keep_tail and len(kept) else x1
    quad = tuple((min(max(p[0], nx0), nx1), p[1]) for p in word.quad) if nx1 > nx0 else word.quad
    return word.with_(text=new, quad=quad)


def drop_leader_dots(gray: np.ndarray, lines: Sequence[Region]) -> list[Region]:
    """``lines`` (read regions of one page, page pixels; same order) with the stops read for leader dots
    taken from their words (see the module doc); a word left empty goes and its line's text is its words
    joined by spaces. A line with no words (a reader that gives no word boxes) and a page that is no text
    on paper (:func:`ocrplug.crops.paper_ink`) are left as they are; so is every line when the page has no
    leader. ``gray``: the page (H x W uint8). Raises nothing.
    """
    if not any(any((w.text or "").strip(_STOPS) != (w.text or "") for w in r.children) for r in lines):
        return list(lines)
    ink = paper_ink(gray)
    if ink is None:
        return list(lines)
    stats, dot, leader = leader_dots(ink, text_height(lines))
    if not leader.any():
        return list(lines)
    out = []
    for line in lines:
        words = list(line.children)
        trimmed = [_trim(w, stats, dot, leader) if w.level == "word" and w.text else w for w in words]
        if all(a is b for a, b in zip(words, trimmed, strict=True)):
            out.append(line)
            continue
        kept = [w for w in trimmed if w is not None]
        kept = [w.with_(order=i) for i, w in enumerate(kept)]
        text = " ".join(w.text or "" for w in kept if w.text)
        out.append(line.with_(text=text, children=tuple(kept)))
    return out
