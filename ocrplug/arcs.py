"""Lines of text on an arc that the detector missed, found in the page's ink (issue 24, A16).

Found lines carry an outline ``polygon`` along the arc, which :func:`ocrplug.rectify.rectify_region`
straightens for the recognizer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.model import Region

__all__ = ["ARCHED_TAG", "arched_lines"]


# Text on an arc that the detector missed (issue 24, A16: T15's ``arched.png``, "ST MARY'S PRIMARY SCHOOL" on
# a 600 px arc, 60 px bold). ``db``'s quad boxes score a kernel over its rotated rectangle, and an arched
# line's rectangle is mostly white: the kernel fails ``box_thresh`` and the line is dropped with no word.
# :func:`arched_lines` looks for it in the page's ink instead: ink components that no region covers
# (less than ``_ARC_COVERED`` of their pixels in any region's box), glyph-sized (their longer side
# ``_ARC_MIN_SIZE`` px or more, at most ``_ARC_MAX_ASPECT`` times their shorter side), link when their
# centres lie within ``_ARC_LINK`` times their mean longer side and their sizes within ``_ARC_SIZE_RATIO``
# of each other (a word's space included); a group of ``_ARC_MIN_GLYPHS`` or more whose centres lie on a
# circle (Kasa's algebraic fit; residual at most ``_ARC_RESIDUAL`` of the median size) and bend off their
# chord by ``_ARC_MIN_BEND`` sizes or more is a curved line. Where it turns through at most
# ``_ARC_MAX_TURN_DEG`` it is read as one line along the arc (an outline polygon for
# :func:`rectify_region`), left to right; a group that turns further is reported and not read. Measured by
# benchmarks/arched_text.py (docs/benchmarks.md "Steep lines in one box; arched lines found in the ink", A16).
_ARC_COVERED = 0.2
_ARC_MIN_SIZE = 8
_ARC_MAX_ASPECT = 4.0
_ARC_LINK = 2.0
_ARC_SIZE_RATIO = 2.5
_ARC_MIN_GLYPHS = 6
_ARC_RESIDUAL = 0.25
_ARC_MIN_BEND = 0.5
_ARC_MAX_TURN_DEG = 150.0

#: The attribute an arched line found in the ink carries (its turn in degrees).
ARCHED_TAG = "arched_turn_deg"


def _circle(points: np.ndarray) -> tuple[np.ndarray, float, float] | None:
    """(centre, radius, RMS residual) of the least-squares circle through ``points`` (N x 2; Kasa's fit:
    ``x^2 + y^2 + D x + E y + F = 0`` solved linearly), or None when the points are collinear."""
    x, y = points[:, 0], points[:, 1]
    a = np.stack([x, y, np.ones_like(x)], axis=1)
    b = -(x * x + y * y)
    sol, *_ = np.linalg.lstsq(a, b, rcond=None)
    centre = -sol[:2] / 2
    r2 = float(centre @ centre - sol[2])
    if not r2 > 0 or not np.all(np.isfinite(centre)):
        return None
    radius = math.sqrt(r2)
    resid = float(np.sqrt(np.mean((np.linalg.norm(points - centre, axis=1) - radius) ** 2)))
    return centre, radius, resid


def arched_lines(gray: np.ndarray, regions: Sequence[Region]) -> tuple[list[Region], list[str]]:
    """Curved lines of text in ``gray`` (H x W uint8, a page of text on paper) that ``regions`` (the
    detector's, page pixels) miss: one ``line`` region per gentle arc, with an outline ``polygon`` along it
    (read rectified, :func:`rectify_region`) and a quad along its chord, and a message per arc that turns too
    far to be read (see ``_ARC_MAX_TURN_DEG``). Empty on a page that is no text on paper
    (:func:`ocrplug.crops.paper_ink`) or whose ink all lies in ``regions``. Raises nothing."""
    ink = paper_ink(gray)
    if ink is None:
        return [], []
    covered = np.zeros(ink.shape, dtype=np.uint8)
    for r in regions:
        outline = r.polygon if r.polygon and len(r.polygon) > 4 else r.quad
        cv2.fillPoly(covered, [np.round(np.asarray(outline, dtype=np.float64)).astype(np.int32)], 1)
    n, labels, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= _ARC_MIN_GLYPHS:
        return [], []
    inside = np.bincount(labels.ravel(), weights=covered.ravel(), minlength=n)
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    w, h = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64), stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    size = np.maximum(w, h)
    cand = np.flatnonzero(
        (inside < _ARC_COVERED * area) & (size >= _ARC_MIN_SIZE) & (size <= _ARC_MAX_ASPECT * np.minimum(w, h))
        & (size <= 0.25 * min(gray.shape))
    )
    cand = cand[cand > 0]
    if len(cand) < _ARC_MIN_GLYPHS:
        return [], []
    c, s = centres[cand], size[cand]
    parent = np.arange(len(cand))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for start in range(0, len(cand), 512):  # pairs in blocks of rows: memory stays small on busy pages
        rows = slice(start, start + 512)
        dist = np.linalg.norm(c[rows, None] - c[None], axis=2)
        ratio = np.maximum(s[rows, None], s[None]) / np.minimum(s[rows, None], s[None])
        link = (dist <= _ARC_LINK * 0.5 * (s[rows, None] + s[None])) & (ratio <= _ARC_SIZE_RATIO)
        for i, j in zip(*np.nonzero(link), strict=True):
            a, b = root(int(i) + start), root(int(j))
            if a != b:
                parent[b] = a
    roots = np.array([root(i) for i in range(len(cand))])
    lines: list[Region] = []
    notes: list[str] = []
    for g in np.unique(roots):
        members = np.flatnonzero(roots == g)
        if len(members) < _ARC_MIN_GLYPHS:
            continue
        pts = c[members]
        med = float(np.median(s[members]))
        fit = _circle(pts)
        if fit is None:
            continue
        centre, radius, resid = fit
        if resid > _ARC_RESIDUAL * med or radius < 2 * med:
            continue
        angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
        ref = math.atan2(*(pts.mean(axis=0) - centre)[::-1])
        rel = np.remainder(angles - ref + math.pi, 2 * math.pi) - math.pi
        turn = math.degrees(float(rel.max() - rel.min()))
        ends = pts[[int(rel.argmin()), int(rel.argmax())]]
        chord = ends[1] - ends[0]
        norm = float(np.linalg.norm(chord))
        if norm == 0:
            continue
        off = np.abs((pts - ends[0]) @ np.array([-chord[1], chord[0]])) / norm
        if float(off.max()) < _ARC_MIN_BEND * med:
            continue  # a straight run of glyphs: not this step's
        x0, y0 = pts.min(axis=0)
        if turn > _ARC_MAX_TURN_DEG:
            notes.append(f"text on an arc ({len(members)} glyphs near x {x0:.0f}, y {y0:.0f}) turns through "
                         f"{turn:.0f} degrees, more than {_ARC_MAX_TURN_DEG:.0f}: not read")
            continue
        # Reading left to right: from the end with the smaller x; the glyphs' tops face away from the centre
        # when the arc bows up (centre below its middle), towards it when it bows down.
        sense = 1.0 if ends[0][0] <= ends[1][0] else -1.0
        lo, hi = (rel.min(), rel.max()) if sense > 0 else (rel.max(), rel.min())
        ys, xs = np.nonzero(np.isin(labels, cand[members]))
        radial = np.hypot(xs + 0.5 - centre[0], ys + 0.5 - centre[1]) - radius
        inner, outer = float(np.percentile(radial, 1)), float(np.percentile(radial, 99))
        pad = 0.1 * (outer - inner)
        inner, outer = inner - pad, outer + pad
        grow = (0.5 * med) / radius * (1 if hi > lo else -1)
        steps = np.linspace(lo - grow, hi + grow, max(8, int(abs(hi - lo) * radius / med) + 2))
        up = float(np.mean(pts[:, 1])) < centre[1]
        top_r, bottom_r = (radius + outer, radius + inner) if up else (radius + inner, radius + outer)
        unit = np.stack([np.cos(steps + ref), np.sin(steps + ref)], axis=1)
        top = centre + unit * top_r
        bottom = centre + unit * bottom_r
        outline = np.vstack([top, bottom[::-1]])
        along = (top[-1] + bottom[-1] - top[0] - bottom[0]) / 2
        along /= np.linalg.norm(along)
        across = np.array([-along[1], along[0]])
        rel_o = outline - outline.mean(axis=0)
        a_, b_ = rel_o @ along, rel_o @ across
        m = outline.mean(axis=0)
        quad = [m + a_.min() * along + b_.min() * across, m + a_.max() * along + b_.min() * across,
                m + a_.max() * along + b_.max() * across, m + a_.min() * along + b_.max() * across]
        lines.append(Region(
            quad=tuple((float(p[0]), float(p[1])) for p in quad),  # type: ignore[arg-type]
            level="line",
            polygon=tuple((float(p[0]), float(p[1])) for p in outline),
            attributes={ARCHED_TAG: round(turn, 1)},
        ))
    return lines, notes
