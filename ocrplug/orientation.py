"""Page orientation (0, 90, 180, 270 degrees): detection and the maps between the two frames.

Detection uses only the pipeline's own detector and recognizer (plugin-neutral, no extra model):

1. The detector's regions on the page as given tell the axis: when more of the largest regions are
   clearly taller than wide than the other way round, the text runs vertically and the page is turned
   by 90 or 270 degrees; else it is upright or upside down (0 or 180). Only regions that can be a line
   of text vote: near-square ones do not, nor one glyph alone (:func:`ocrplug.crops.is_lone_glyph`: a
   ``1`` or ``7`` is taller than wide), and a tall region that is a stack of level glyph rows (a column
   of numbers boxed as one, :func:`ocrplug.vertical.split_glyph_stacks`) is split into its rows first.
   A page of numbers one per line (``1`` .. ``20``, a receipt's prices) was turned by 90 degrees so.
2. The largest regions that run along that axis (``sample`` of them, :func:`sample_lines`) are each
   cut to a window of at most ``WINDOW`` line heights at its centre (:func:`window_region`), so a
   long line costs the recognizer like a word.
3. The windows are turned into the first candidate frame (0, or 90 for vertical text) and read by the
   recognizer. When the readings are confident (:func:`is_confident`: enough windows read with high
   confidence), that frame wins and the second is never read (the cascade).
4. Else they are read in the second frame (180 or 270) too, and the frame whose readings have the
   higher mean confidence (weighted by the number of characters read, :func:`frame_score`) wins. An
   upside-down line reads as low-confidence garbage.
5. A turn by 90 or 270 degrees that neither frame read confidently rests on the regions' shapes alone:
   the regions that run across the page are then read in 0 and 180 too (same cascade), and the page
   is only turned when a turned frame reads better than the page as given (ties keep it as given).
6. The sense found is the page's. On a page turned by 90 or 270 degrees the pipeline reads each row of
   level lines upside down too (:func:`read_both_senses`): spines of both senses on one shelf.

The constants were chosen on FUNSD training pages (``benchmarks/orientation.py --tune``) and measured
against Tesseract's OSD and the rapidocr wheel's 0/180 line classifier on the four rotations of 20
FUNSD test pages (``benchmarks/orientation.py``; figures in docs/benchmarks.md, "Page orientation").

Frames: ``angle`` is the clockwise rotation that makes the page upright. :func:`to_upright` maps page
points of the original image into the rotated (upright) image; :func:`to_original` maps them back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocrplug.crops import CropOptions, crop_regions, is_lone_glyph, paper_ink, to_gray
from ocrplug.errors import OcrplugError
from ocrplug.geometry import order_quad, quad_height, quad_width
from ocrplug.model import PageImage, Region
from ocrplug.vertical import split_glyph_stacks

__all__ = [
    "ANGLES",
    "CONFIDENT_MIN",
    "CONFIDENT_READING",
    "CONFIDENT_SHARE",
    "SENSE_MARGIN",
    "SHELF_GAP",
    "WINDOW",
    "OrientationResult",
    "detect_orientation",
    "frame_score",
    "is_confident",
    "map_regions",
    "mirror_page",
    "mirror_points",
    "read_both_senses",
    "read_frame",
    "rotate_image",
    "rotate_page",
    "sample_lines",
    "sense_gain",
    "sense_rows",
    "shelf_order",
    "shelf_rows",
    "to_original",
    "to_upright",
    "window_region",
]

ANGLES: tuple[int, ...] = (0, 90, 180, 270)

#: A recognizer's ``recognize(page, regions) -> regions`` (same count, text and confidence filled).
ReadFn = Callable[[PageImage, Sequence[Region]], Sequence[Region]]

# A region counts as vertical text when it is this many times taller than wide.
_VERTICAL_RATIO = 1.5
# A tall region of this many level glyph rows or more (ocrplug.vertical's stack rule) is split into its
# rows before the axis vote: craft boxes ``11`` over ``10`` of a column of numbers as one 44 x 82 px
# word (DejaVu Sans 11 pt, 200 dpi, the page turned 180), which alone outvoted the near-square rest.
# Recognition splits three rows or more only; the vote is only spared a region that is no turned line.
_VOTE_STACK_ROWS = 2

#: Each sampled region is read through a window of at most this many line heights, centred on it, so a
#: 460 px FUNSD line 13 px high costs the recognizer like a short word. 3, 4 and 6 were compared on 60
#: FUNSD training pages x 4 turns (one-off, with an earlier sample that still held cross-axis regions):
#: at the cascade rule below none let a wrong first frame through; 4 reads 6-8 characters a window.
WINDOW = 4.0
#: The cascade: the first frame read wins alone when at least ``CONFIDENT_MIN`` windows were read and
#: at least ``CONFIDENT_SHARE`` of them read non-empty with confidence >= ``CONFIDENT_READING`` (an
#: upside-down window reads as low-confidence garbage). Chosen on 60 FUNSD training pages x 4 turns,
#: ``db`` and ``craft`` regions (``benchmarks/orientation.py --tune``): at 0.85 the loosest share that
#: let no wrong first frame through was 0.375 (``craft``), and 0.5 keeps one step of margin; 117 of
#: 118 right first frames (``craft``) and 120 of 120 (``db``) still skip the second read.
CONFIDENT_READING = 0.85
CONFIDENT_SHARE = 0.5
CONFIDENT_MIN = 4

_CV2_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass(frozen=True)
class OrientationResult:
    """The chosen clockwise ``angle`` and the :func:`frame_score` of every candidate frame read.

    ``scores`` has one entry when the cascade settled the orientation on the first frame. ``mirrored``:
    the page reads as its mirror image (left and right swapped, :func:`detect_orientation`); ``angle`` is
    then 0.
    """

    angle: int
    scores: dict[int, float]
    mirrored: bool = False


def rotate_image(image: np.ndarray, angle: int) -> np.ndarray:
    """The image turned clockwise by ``angle`` (0, 90, 180 or 270 degrees); lossless."""
    if angle not in ANGLES:
        raise ValueError(f"orientation angle must be one of {ANGLES}, got {angle!r}")
    return image if angle == 0 else cv2.rotate(image, _CV2_ROTATE[angle])


def rotate_page(page: PageImage, angle: int) -> PageImage:
    """A page image turned clockwise by ``angle``; same index, source and dpi."""
    if angle == 0:
        return page
    return PageImage(
        image=np.ascontiguousarray(rotate_image(page.image, angle)), index=page.index, source=page.source, dpi=page.dpi
    )


def to_upright(points: np.ndarray, angle: int, width: int, height: int) -> np.ndarray:
    """Points ``(n, 2)`` of the original image (``width`` x ``height``) in the image turned by ``angle``.

    Pixel corners map exactly: the point (0, 0) of a 90-degree turn lands at (height, 0).
    """
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    x, y = p[:, 0], p[:, 1]
    if angle == 0:
        return p.copy()
    if angle == 90:
        return np.stack([height - y, x], axis=1)
    if angle == 180:
        return np.stack([width - x, height - y], axis=1)
    if angle == 270:
        return np.stack([y, width - x], axis=1)
    raise ValueError(f"orientation angle must be one of {ANGLES}, got {angle!r}")


def to_original(points: np.ndarray, angle: int, width: int, height: int) -> np.ndarray:
    """Inverse of :func:`to_upright`; ``width`` x ``height`` are the ORIGINAL image's."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    x, y = p[:, 0], p[:, 1]
    if angle == 0:
        return p.copy()
    if angle == 90:
        return np.stack([y, height - x], axis=1)
    if angle == 180:
        return np.stack([width - x, height - y], axis=1)
    if angle == 270:
        return np.stack([width - y, x], axis=1)
    raise ValueError(f"orientation angle must be one of {ANGLES}, got {angle!r}")


def map_regions(regions: Sequence[Region], fn: Callable[[np.ndarray], np.ndarray], reorder: bool) -> list[Region]:
    """Regions (and their children) with every quad and polygon mapped by ``fn``.

    ``reorder``: re-sort each quad's corners geometrically (clockwise from the top-left on screen), for
    detector quads entering the upright frame. Without it the corner order is kept, so a quad mapped
    back to the original frame still starts at the top-left corner of the text as read. Two-point
    baselines in ``attributes["baseline"]`` are mapped too.
    """
    out = []
    for r in regions:
        quad = fn(np.asarray(r.quad))
        changes: dict = {
            "quad": order_quad(quad) if reorder else quad,
            "children": tuple(map_regions(r.children, fn, reorder)),
        }
        if r.polygon is not None:
            changes["polygon"] = fn(np.asarray(r.polygon))
        base = r.attributes.get("baseline")
        if isinstance(base, (list, tuple)) and base and isinstance(base[0], (list, tuple)):
            changes["attributes"] = {**r.attributes, "baseline": fn(np.asarray(base, dtype=np.float64)).tolist()}
        out.append(r.with_(**changes))
    return out


def _leaves(regions: Sequence[Region]) -> list[Region]:
    """The lines (or top-level words) of a detector's output, children dropped."""
    out: list[Region] = []
    for r in regions:
        if r.level == "block" and r.children:
            out += _leaves(r.children)
        else:
            out.append(r.with_(children=()))
    return out


def window_region(region: Region, window: float) -> Region:
    """The centre part of a region's quad, at most ``window`` times its height long; no children, no polygon.

    Height and length are the quad's shorter and longer side pairs (mean of each pair, page pixels), so
    the window runs along the text whichever way the quad lies; the corner order is kept. A region
    already shorter than ``window`` heights is returned with only its children and polygon dropped.
    The window is centred so that it covers the same pixels in both candidate frames of a page turned
    by 180 degrees.
    """
    q = np.asarray(region.quad, dtype=np.float64)
    top, right, bottom, left = (float(np.linalg.norm(q[(i + 1) % 4] - q[i])) for i in range(4))
    along, across = (top + bottom) / 2, (left + right) / 2
    if along < across:  # the text runs along q0 -> q3
        q = q[[1, 2, 3, 0]]  # now it runs along q0 -> q1; rolled back below
        along, across = across, along
        roll = True
    else:
        roll = False
    if along <= window * across or along <= 0:
        return region.with_(children=(), polygon=None)
    t0 = 0.5 - window * across / (2 * along)
    t1 = 1.0 - t0
    a, b, c, d = q
    out = np.array([a + t0 * (b - a), a + t1 * (b - a), d + t1 * (c - d), d + t0 * (c - d)])
    if roll:
        out = out[[3, 0, 1, 2]]
    return region.with_(quad=out, children=(), polygon=None)


def _size(r: Region) -> tuple[float, float]:
    x0, y0, x1, y1 = r.bbox
    return x1 - x0, y1 - y0


def sample_lines(
    regions: Sequence[Region], sample: int = 8, image: np.ndarray | None = None, vertical: bool | None = None
) -> tuple[list[Region], bool]:
    """The ``sample`` largest lines (or words) of a detector's output along the text's axis, and that axis.

    Axis: vertical (the page turned by 90 or 270 degrees) when more of the ``sample`` largest regions
    are taller than ``_VERTICAL_RATIO`` times their width than wider than that times their height, on
    the page as given (near-square regions, such as single characters, do not vote). The sample is then the
    ``sample`` largest regions that do not run across that axis (taller than ``_VERTICAL_RATIO`` times
    their width on a horizontal page, wider than that times their height on a vertical one): a
    recognizer turns such crops itself before reading them (:class:`ocrplug.crops.CropOptions`
    ``"auto"``), so they read alike in both candidate frames, tell nothing and cost it several reads
    (on FUNSD, the form ID printed up the margin). Regions under 4 pixels across are left out.

    With the page's ``image`` (H x W or H x W x C uint8, the regions' pixels) only regions that can be
    a line of text vote: a tall region that is a stack of level glyph rows (two or more,
    ``_VOTE_STACK_ROWS``) is first split into its rows (:func:`ocrplug.vertical.split_glyph_stacks`, the
    recognition step's own rule), and a region whose box holds one glyph alone
    (:func:`ocrplug.crops.is_lone_glyph`: a ``3``, ``4`` or ``9`` is up to 2.3 times taller than wide in
    db's boxes, DejaVu Sans 11 pt at 200 dpi) votes neither way. Without ``image`` every region votes
    by its shape. ``vertical`` given: that axis, no vote.
    """
    leaves = _leaves(regions)
    if image is not None:
        leaves = split_glyph_stacks(image, leaves, _VOTE_STACK_ROWS)
    leaves = [r for r in leaves if min(_size(r)) >= 4]
    leaves.sort(key=lambda r: -_size(r)[0] * _size(r)[1])
    top = leaves[:sample]
    tall = [r for r in top if _size(r)[1] > _VERTICAL_RATIO * _size(r)[0]]
    wide = [r for r in top if _size(r)[0] > _VERTICAL_RATIO * _size(r)[1]]
    if image is not None and (tall or wide):
        # One glyph is no line: a column of lone numbers must not read as a turned page.
        shaped = tall + wide
        crops = crop_regions(image, shaped, CropOptions(margin=0.0, orientation="quad"))
        lone = {id(r) for r, c in zip(shaped, crops, strict=True) if is_lone_glyph(c.image)}
        tall = [r for r in tall if id(r) not in lone]
        wide = [r for r in wide if id(r) not in lone]
    # Near-square regions (a single character, a short number) run neither way and do not vote: on a
    # turned page of a few words, "J." beside "Smith" must not outvote the one word that shows the axis.
    if vertical is None:
        vertical = len(tall) > len(wide)

    def across(r: Region) -> bool:
        w, h = _size(r)
        return w > _VERTICAL_RATIO * h if vertical else h > _VERTICAL_RATIO * w

    return [r for r in leaves if not across(r)][:sample], vertical


def read_frame(page: PageImage, samples: Sequence[Region], angle: int, read: ReadFn) -> list[Region]:
    """``samples`` (regions in the original frame) read by ``read`` on the page turned clockwise by ``angle``.

    The readings come back in the turned frame, one per sample, in order.
    """

    def fn(p: np.ndarray) -> np.ndarray:
        return to_upright(p, angle, page.width, page.height)

    return list(read(rotate_page(page, angle), map_regions(samples, fn, reorder=True)))


def frame_score(readings: Sequence[Region]) -> float:
    """Mean confidence of ``readings``, weighted by the number of characters each read (0 when none)."""
    chars = [len((r.text or "").strip()) for r in readings]
    total = sum(chars)
    if not total:
        return 0.0
    return float(sum((r.confidence or 0.0) * n for r, n in zip(readings, chars, strict=True)) / total)


def is_confident(readings: Sequence[Region]) -> bool:
    """Whether one frame's readings settle the orientation alone (the cascade's rule, constants above).

    At least ``CONFIDENT_MIN`` readings, and at least ``CONFIDENT_SHARE`` of them confident: with
    confidence >= ``CONFIDENT_READING`` and at least one letter. A window of digits and signs alone never
    counts: "0", "1", "6", "8", "9" read as digits upside down too (a tester's page of numbers turned by
    180 degrees was settled at 0 by the cascade); such pages are decided by reading both frames.
    """
    if len(readings) < CONFIDENT_MIN:
        return False
    sure = sum(
        1 for r in readings if any(c.isalpha() for c in (r.text or "")) and (r.confidence or 0.0) >= CONFIDENT_READING
    )
    return sure >= CONFIDENT_SHARE * len(readings)


def detect_orientation(
    page: PageImage,
    regions: Sequence[Region],
    read: ReadFn,
    sample: int = 8,
    window: float | None = WINDOW,
    cascade: bool = True,
    mirror: bool = True,
) -> OrientationResult:
    """The clockwise angle that makes ``page`` upright, from its detected ``regions`` (original frame).

    ``read`` is the pipeline recognizer's ``recognize``. The ``sample`` largest regions that can be
    lines of text give the axis (:func:`sample_lines`, with the page's image when it is text on paper,
    :func:`ocrplug.crops.paper_ink`; a photo's regions vote by their shapes alone); each is cut to its
    centre ``window`` line heights (:func:`window_region`; ``None`` reads whole regions). The windows
    are read in the first candidate frame (0, or 90 for vertical text); with ``cascade`` that frame
    wins at once when its readings are confident (:func:`is_confident`), else the windows are read in
    the second frame (180 or 270) too. When neither of 90 and 270 read confidently, a turn rests on
    the regions' shapes alone: the regions that run across the page are read in 0 and 180 too (the
    same cascade), and a turn must read better than the page as given. The frame with the
    higher :func:`frame_score` wins (ties: the smaller angle, so the page as given wins a tie).
    ``scores`` holds the frames read. Returns angle 0 with no scores when there is nothing to read.

    With ``mirror``, a page of level text whose windows read confidently in neither 0 nor 180 is read
    once more mirrored left to right (:func:`mirror_page`), and is ``mirrored`` when those readings are
    confident (:func:`is_confident`, the cascade's own rule) and score higher than either frame: a
    mirrored page's windows read as garbage of middling confidence both ways up. No new constant; no
    cost on a page whose first frame reads confidently, nor where no window read a letter (digits
    read as digits mirrored too), nor with fewer than ``CONFIDENT_MIN`` windows (``benchmarks/mirrored_pages.py``, ``fast``: none of the
    first 40 pages of funsd_train called mirrored, all 40 of them mirrored found; the regression guard's
    pages of every preset carry no warning; docs/benchmarks.md "Mirrored pages and steep lines' angles
    from their ink").
    """
    scores: dict[int, float] = {}
    sure: set[int] = set()  # the frames whose readings were confident (is_confident)
    lettered: set[int] = set()  # the frames with a letter read (a mirrored page of digits never reads confidently)

    def read_axis(chosen: list[Region], candidates: tuple[int, int]) -> int | None:
        # Reads the first frame, and the second unless the cascade settles on the first (returned).
        samples = chosen if window is None else [window_region(r, window) for r in chosen]
        for angle in candidates:
            readings = read_frame(page, samples, angle, read)
            scores[angle] = frame_score(readings)
            if any(c.isalpha() for r in readings for c in (r.text or "")):
                lettered.add(angle)
            if is_confident(readings):
                sure.add(angle)
                if cascade and angle == candidates[0]:
                    return angle
        return None

    # The ink tests of the vote (lone glyphs, glyph stacks) read a page's ink components as glyphs: text
    # on paper only (a photo's turned sign words were taken for lone glyphs: ICDAR 2015 img_20 unturned).
    ink_page = page.image if paper_ink(to_gray(page.image)) is not None else None
    picked, vertical = sample_lines(regions, sample, ink_page)
    if not picked:
        return OrientationResult(0, {})
    settled = read_axis(picked, (90, 270) if vertical else (0, 180))
    if settled is None and vertical and not sure:
        # Neither turn read confidently (a page of numbers: digits never do) and short regions looked
        # turned: the page as given is read too, and a turn must read better.
        level, _ = sample_lines(regions, sample, ink_page, vertical=False)
        settled = read_axis(level, (0, 180)) if level else None
    if settled is not None:
        return OrientationResult(settled, scores)
    best = max(scores, key=lambda a: (scores[a], -a))
    if mirror and not vertical and not sure and lettered and len(picked) >= CONFIDENT_MIN:
        # Neither 0 nor 180 read confidently: a page printed or scanned mirrored (T14's mirrored_lr.png
        # read as confident-looking garbage) reads confidently as its mirror image.
        samples = picked if window is None else [window_region(r, window) for r in picked]
        readings = list(read(mirror_page(page), map_regions(samples, lambda p: mirror_points(p, page.width), reorder=True)))
        if is_confident(readings) and frame_score(readings) > scores[best]:
            return OrientationResult(0, scores, mirrored=True)
    return OrientationResult(best, scores)


def mirror_page(page: PageImage) -> PageImage:
    """``page`` with its image mirrored left to right (a mirrored page's text then reads as printed)."""
    return replace(page, image=np.ascontiguousarray(page.image[:, ::-1]))


def mirror_points(points: np.ndarray, width: int) -> np.ndarray:
    """Page points (N x 2, x y) of an image ``width`` pixels wide in its left-right mirror image (and back)."""
    p = np.asarray(points, dtype=np.float64)
    return np.stack([width - p[:, 0], p[:, 1]], axis=1)


#: On a page turned by 90 or 270 degrees, each row of level lines in the upright frame (a spine's title
#: and author) is read upside down too (:func:`read_both_senses`), and those readings replace the first
#: only when their confidence, averaged over the row by characters, is higher by more than this: a row
#: whose two readings are close keeps the page's sense. Chosen with ``python
#: benchmarks/vertical_senses.py`` (docs/eval.md, table of constants).
SENSE_MARGIN = 0.01


def sense_rows(quads: Sequence[Sequence[Sequence[float]]], overlap: float = 0.5) -> list[list[int]]:
    """Rows of level quads (upright frame, page pixels): groups of indices into ``quads``, in input order.

    Two quads share a row when their extents down the page overlap by at least ``overlap`` of the lower
    one's height (``layout.line_overlap``); rows are the connected groups of that relation. On a turned
    shelf a row is one spine (its title and author); a page's lines one above another are rows of one.
    """
    spans = [(min(p[1] for p in q), max(p[1] for p in q)) for q in quads]
    parent = list(range(len(spans)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (a0, a1) in enumerate(spans):
        for j in range(i):
            b0, b1 = spans[j]
            if min(a1, b1) - max(a0, b0) >= overlap * max(min(a1 - a0, b1 - b0), 1e-9):
                parent[root(i)] = root(j)
    rows: dict[int, list[int]] = {}
    for i in range(len(spans)):
        rows.setdefault(root(i), []).append(i)
    return list(rows.values())


def sense_gain(kept: Sequence[Region], flipped: Sequence[Region]) -> float:
    """How much better a row reads upside down: the confidence gain of each line's upside-down reading
    over its first, averaged with weights the characters of the longer of its two readings (0 when
    none read anything)."""
    weights = [max(len((a.text or "").strip()), len((b.text or "").strip())) for a, b in zip(kept, flipped, strict=True)]
    if not sum(weights):
        return 0.0
    gains = [(b.confidence or 0.0) - (a.confidence or 0.0) for a, b in zip(kept, flipped, strict=True)]
    return float(sum(w * g for w, g in zip(weights, gains, strict=True)) / sum(weights))


def read_both_senses(
    page: PageImage,
    regions: Sequence[Region],
    readings: Sequence[Region],
    read: ReadFn,
    margin: float = SENSE_MARGIN,
    overlap: float = 0.5,
) -> list[Region]:
    """``readings`` with each row of level lines read upside down as well, the better-scored sense kept.

    For a page turned by 90 or 270 degrees (:func:`detect_orientation` chooses the sense once for the
    page): book spines on one shelf read top to bottom and bottom to top, so the lines whose sense is
    not the page's are upside down in the upright frame and read as garbage ("Kitchen Chemistry" as
    "Kitssn cstry"). ``page``: the upright page; ``regions``: what was read (page pixels), ``readings``
    the recognizer's results for them (same order and count), ``read`` the recognizer's ``recognize``.
    Each region that was read unturned with some text (no ``attributes["rotation"]``; no polygon: a
    curved line is read from its own rectified strip) is read again from its quad's corners rolled by
    two (the crop turned by 180 degrees, :func:`ocrplug.crops.crop_regions` honours the corner order),
    all in one ``read`` call. The sense is chosen per row (:func:`sense_rows` with ``overlap``: a spine's
    title and author): its lines' second readings replace the first when the row's :func:`sense_gain`
    exceeds ``margin`` (:data:`SENSE_MARGIN`), so a word that reads about as well both ways ("VOSS"
    upside down reads "SSOA") follows its title. A replaced line is marked ``attributes["rotation"] =
    180`` as :func:`ocrplug.crops.with_rotation` marks a turned crop, its quads starting at the text's
    own top-left, so renderers write its own text angle (90 where the page's lines say 270). Returns a
    new list (same order and count). Raises :class:`~ocrplug.errors.OcrplugError` when ``read``
    returns another count of regions than it was given.
    """
    out = list(readings)
    todo = [
        i for i, (r, got) in enumerate(zip(regions, readings, strict=True))
        if not got.attributes.get("rotation") and r.polygon is None and (got.text or "").strip()
    ]
    if not todo:
        return out
    flipped = [regions[i].with_(quad=tuple(regions[i].quad[(k + 2) % 4] for k in range(4))) for i in todo]
    again = list(read(page, flipped))
    if len(again) != len(flipped):
        raise OcrplugError(f"recognizer returned {len(again)} regions for {len(flipped)} (it must keep the count)")
    for row in sense_rows([regions[i].quad for i in todo], overlap):
        if sense_gain([readings[todo[k]] for k in row], [again[k] for k in row]) <= margin:
            continue
        for k in row:
            if (again[k].text or "").strip():
                out[todo[k]] = again[k].with_(attributes={**again[k].attributes, "rotation": 180})
    return out


#: A turned page is a shelf of book spines (read left to right in the page as given, not in the upright
#: frame's row order) when the rows of its level lines (upright frame; a spine's title and author) all
#: stand apart by at least this many line heights (the taller of the two rows' lines), half of them
#: holding two lines or more (:func:`shelf_rows`). Chosen with ``python benchmarks/shelf_order.py``
#: (drawn shelves, and sideways pages of prose, lists and forms turned both ways): the sideways forms
#: of labels and values 4 lines apart stand 2.16-2.33 line heights apart, the widest sideways pages; 2.5
#: keeps every sideways page in its order and still finds the one-sense shelves whose spines are about
#: three title heights wide or wider (2.72-2.81 of the drawn ones; T10's 2.39-2.91); docs/eval.md.
SHELF_GAP = 2.5


def _run(quad: Sequence[Sequence[float]]) -> np.ndarray:
    # The direction the text runs (top-left to top-right corner, both edges), page pixels.
    q = np.asarray(quad, dtype=np.float64)
    return (q[1] - q[0]) + (q[2] - q[3])


def _level(quad: Sequence[Sequence[float]]) -> bool:
    d = _run(quad)
    return bool(abs(d[0]) >= abs(d[1]))


def _lines_of(region: Region) -> list[Region]:
    if region.level == "line":
        return [region]
    lines = [ln for c in region.children for ln in _lines_of(c)]
    return lines or ([region] if region.level == "word" else [])


def shelf_rows(blocks: Sequence[Region], gap: float = SHELF_GAP, overlap: float = 0.5) -> list[list[int]] | None:
    """The rows of a turned page's level blocks when the page is a shelf of spines, else None.

    ``blocks``: the laid-out top-level regions of a page turned by 90 or 270 degrees, in the upright
    frame (page pixels). The blocks whose lines all run level there, one of them at least
    ``_VERTICAL_RATIO`` times longer than tall (a spine's title and author; a line that runs down the
    upright page, such as the shelf's own label, and a lone glyph's box are left out), are grouped into rows
    (:func:`sense_rows` of their lines with ``overlap``). The page is a shelf when there are two rows or
    more, no block holds lines of two rows (a paragraph), and either some line was read in the other
    sense (its quad, which starts at the text's own top-left, runs right to left: :func:`read_both_senses`
    turned it; spines of both senses on one shelf, which no page scanned sideways has) or every two neighbouring rows stand apart by at least
    ``gap`` times the height of the taller line of the two (:data:`SHELF_GAP`) and at least half the
    rows hold two lines or more (a spine's title at one end, its author at the other; a sideways list
    or slide has one line a row). Returns lists of
    indices into ``blocks``, one a row, rows top to bottom, each in ``blocks`` order.
    """
    owners: list[int] = []
    lines: list[Region] = []
    for i, block in enumerate(blocks):
        own = _lines_of(block)
        # A near-square box (one glyph, "F" cut from a turned label) shows no direction: such a block
        # keeps its place.
        long = [ln for ln in own if quad_width(ln.quad) >= _VERTICAL_RATIO * quad_height(ln.quad)]
        if long and all(_level(ln.quad) for ln in own):
            owners += [i] * len(own)
            lines += own
    if not lines:
        return None
    row_of = [0] * len(lines)
    for r, members in enumerate(sense_rows([ln.quad for ln in lines], overlap)):
        for k in members:
            row_of[k] = r
    rows: dict[int, set[int]] = {}
    for k, i in enumerate(owners):
        rows.setdefault(i, set()).add(row_of[k])
    if any(len(r) > 1 for r in rows.values()):
        return None  # a block holds two rows: the lines of a paragraph
    by_row: dict[int, list[int]] = {}
    for i in sorted(rows):
        by_row.setdefault(next(iter(rows[i])), []).append(i)
    if len(by_row) < 2:
        return None
    spans = {}
    for r, members in by_row.items():
        own = [lines[k] for k in range(len(lines)) if owners[k] in members]
        top = min(min(p[1] for p in ln.quad) for ln in own)
        bottom = max(max(p[1] for p in ln.quad) for ln in own)
        spans[r] = (top, bottom, max(quad_height(ln.quad) for ln in own))
    order = sorted(by_row, key=lambda r: (spans[r][0] + spans[r][1]) / 2)
    both = any(_run(ln.quad)[0] < 0 for ln in lines)  # a line that runs right to left: the other sense
    apart = all(
        spans[b][0] - spans[a][1] >= gap * max(spans[a][2], spans[b][2]) for a, b in itertools.pairwise(order)
    )
    # Title and author: a row of two lines or more (its words more than ``layout.word_gap`` apart).
    split = sum(1 for r in order if sum(1 for k in range(len(lines)) if owners[k] in by_row[r]) >= 2)
    return [by_row[r] for r in order] if both or (apart and 2 * split >= len(order)) else None


def shelf_order(
    blocks: Sequence[Region], angle: int, width: int, height: int, gap: float = SHELF_GAP, overlap: float = 0.5
) -> list[Region]:
    """A turned page's laid-out ``blocks`` with a shelf's spines in their order on the shelf.

    ``blocks``: top-level regions in reading order, in the frame of the page turned upright by ``angle``
    (clockwise, 90 or 270; other angles return ``blocks`` as a new list); ``width`` x ``height``: the
    ORIGINAL image's. When :func:`shelf_rows` finds a shelf, its rows (spines) take the places of its
    blocks in the reading order sorted by their centres' x in the original image, left to right: a
    reader lists a shelf's spines left to right whichever way their titles run, while the upright
    frame's rows top to bottom run right to left on a shelf turned by 270 degrees (titles reading top to
    bottom, the English way). Other blocks keep their places; ``order`` is renumbered.
    """
    out = list(blocks)
    if angle not in (90, 270):
        return out
    rows = shelf_rows(blocks, gap, overlap)
    if rows is None:
        return out

    def left(row: list[int]) -> float:
        centre = np.mean([np.mean(np.asarray(blocks[i].quad, dtype=np.float64), axis=0) for i in row], axis=0)
        return float(to_original(centre, angle, width, height)[0, 0])

    slots = sorted(i for row in rows for i in row)
    placed = [i for row in sorted(rows, key=left) for i in row]
    for slot, i in zip(slots, placed, strict=True):
        out[slot] = blocks[i]
    return [r.with_(order=k) for k, r in enumerate(out)]
