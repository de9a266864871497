"""Detection (ICDAR 2015 protocol) and recognition (CER, WER) metrics of one page.

Detection follows the ICDAR 2015 Incidental Scene Text protocol (Robust Reading Competition, task 4.1):

1. Polygon areas and intersections come from shapely (GEOS); an invalid quad (self-crossing) is
   repaired with ``make_valid`` so its area is still meaningful.
2. A detection that covers a "don't care" GT region by more than ``dont_care_area`` (0.5) of the
   detection's own area is dropped before matching: it is neither a true nor a false positive.
3. Remaining detections and cared-for GT regions are matched one-to-one when IoU > ``iou_threshold``
   (0.5, strictly greater as in the official script), best IoU first.
4. precision = matched / cared-for detections, recall = matched / cared-for GT regions,
   H-mean = harmonic mean of the two. Per image, no cared-for GT gives recall 1 and precision 1 if there
   are no detections either, else 0 (the official script's convention).

Recognition: character and word error rates (edit distance / reference length) on whitespace-normalized
text, for the page text in reading order and, per matched region, the mean CER over matched GT regions
that carry text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from rapidfuzz.distance import Levenshtein

from ocrplug.evaluation.dataset import GT_LEVELS, GroundTruth, GtRegion, normalize_text
from ocrplug.geometry import scale_quad
from ocrplug.model import Page, Region

__all__ = [
    "DONT_CARE_AREA",
    "IOU_THRESHOLD",
    "LevelScores",
    "Match",
    "PageScores",
    "TextScores",
    "char_error_rate",
    "edit_distance",
    "polygon_iou",
    "score_detection",
    "score_page",
    "word_error_rate",
]

IOU_THRESHOLD = 0.5
DONT_CARE_AREA = 0.5


def edit_distance(hypothesis: Sequence[str] | str, reference: Sequence[str] | str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions, each cost 1) between two sequences."""
    return int(Levenshtein.distance(hypothesis, reference))


def char_error_rate(hypothesis: str, reference: str) -> float:
    """CER of ``hypothesis`` against a non-empty ``reference`` after whitespace normalization (may exceed 1)."""
    ref = normalize_text(reference)
    if not ref:
        raise ValueError("CER is undefined for an empty reference")
    return edit_distance(normalize_text(hypothesis), ref) / len(ref)


def word_error_rate(hypothesis: str, reference: str) -> float:
    """WER: word-level edit distance over the number of reference words (whitespace-separated)."""
    ref = reference.split()
    if not ref:
        raise ValueError("WER is undefined for an empty reference")
    return edit_distance(hypothesis.split(), ref) / len(ref)


def _geometries(quads: Sequence[Sequence[Sequence[float]]]) -> np.ndarray:
    if not quads:
        return np.empty(0, dtype=object)
    geoms = shapely.polygons(np.asarray(quads, dtype=np.float64))
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def polygon_iou(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> float:
    """Intersection over union of two polygons (any vertex order; self-crossing ones are repaired)."""
    ga, gb = _geometries([a, b])
    inter = shapely.area(shapely.intersection(ga, gb))
    union = shapely.area(ga) + shapely.area(gb) - inter
    return float(inter / union) if union > 0 else 0.0


def _intersections(gts: np.ndarray, dets: np.ndarray) -> np.ndarray:
    """Dense (n_gt, n_det) matrix of intersection areas, computed only for pairs whose boxes touch."""
    out = np.zeros((len(gts), len(dets)), dtype=np.float64)
    if len(gts) == 0 or len(dets) == 0:
        return out
    # The tree prunes the n*m pairs to those that intersect, so a 200-word form stays fast.
    gi, di = shapely.STRtree(dets).query(gts, predicate="intersects")
    if len(gi):
        out[gi, di] = shapely.area(shapely.intersection(gts[gi], dets[di]))
    return out


@dataclass(frozen=True)
class Match:
    """A matched pair: GT index and detection index (in their level's lists) and their IoU."""

    gt: int
    det: int
    iou: float


@dataclass(frozen=True)
class LevelScores:
    """Detection counts of one level (word or line) on one page or summed over pages.

    ``gt_care`` / ``det_care`` exclude don't-care GT and the detections dropped for covering one.
    ``region_cer_sum`` / ``region_count``: summed CER and count of matched GT regions with text
    (recognition only); ``region_exact``: how many of those were read exactly.
    """

    level: str
    gt_care: int
    gt_dont_care: int
    det_care: int
    det_dont_care: int
    matched: int
    region_cer_sum: float = 0.0
    region_count: int = 0
    region_exact: int = 0
    matches: tuple[Match, ...] = ()

    @property
    def precision(self) -> float:
        """Matched over cared-for detections (1.0 when there is nothing to find and nothing found)."""
        if self.det_care:
            return self.matched / self.det_care
        return 1.0 if self.gt_care == 0 else 0.0

    @property
    def recall(self) -> float:
        """Matched over cared-for GT regions (1.0 when there are none)."""
        return self.matched / self.gt_care if self.gt_care else 1.0

    @property
    def hmean(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def region_cer(self) -> float | None:
        """Mean CER over matched GT regions with text; None without recognition or matches."""
        return self.region_cer_sum / self.region_count if self.region_count else None

    @property
    def region_accuracy(self) -> float | None:
        """Share of matched GT regions with text whose text was read exactly (after normalization)."""
        return self.region_exact / self.region_count if self.region_count else None

    @classmethod
    def total(cls, level: str, items: Iterable[LevelScores]) -> LevelScores:
        """Sum the counts of several pages (the overall score is computed from the sums)."""
        items = list(items)
        return cls(
            level=level,
            gt_care=sum(s.gt_care for s in items),
            gt_dont_care=sum(s.gt_dont_care for s in items),
            det_care=sum(s.det_care for s in items),
            det_dont_care=sum(s.det_dont_care for s in items),
            matched=sum(s.matched for s in items),
            region_cer_sum=sum(s.region_cer_sum for s in items),
            region_count=sum(s.region_count for s in items),
            region_exact=sum(s.region_exact for s in items),
        )

    def to_dict(self) -> dict[str, float | int | None]:
        """JSON-ready counts and rates (matches left out)."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "hmean": self.hmean,
            "matched": self.matched,
            "gt_care": self.gt_care,
            "gt_dont_care": self.gt_dont_care,
            "det_care": self.det_care,
            "det_dont_care": self.det_dont_care,
            "region_cer": self.region_cer,
            "region_accuracy": self.region_accuracy,
            "region_count": self.region_count,
        }


@dataclass(frozen=True)
class TextScores:
    """Edit counts of page text against the reference: characters and words (sums over pages add up)."""

    char_edits: int
    char_ref: int
    word_edits: int
    word_ref: int

    @property
    def cer(self) -> float:
        """Character error rate: character edits / reference characters."""
        return self.char_edits / self.char_ref if self.char_ref else 0.0

    @property
    def wer(self) -> float:
        """Word error rate: word edits / reference words."""
        return self.word_edits / self.word_ref if self.word_ref else 0.0

    @classmethod
    def of(cls, hypothesis: str, reference: str) -> TextScores:
        """Score a page's text against its reference (both whitespace-normalized here)."""
        hyp, ref = normalize_text(hypothesis), normalize_text(reference)
        return cls(
            char_edits=edit_distance(hyp, ref),
            char_ref=len(ref),
            word_edits=edit_distance(hyp.split(), ref.split()),
            word_ref=len(ref.split()),
        )

    @classmethod
    def total(cls, items: Iterable[TextScores]) -> TextScores:
        """Sum several pages' counts."""
        items = list(items)
        return cls(
            char_edits=sum(s.char_edits for s in items),
            char_ref=sum(s.char_ref for s in items),
            word_edits=sum(s.word_edits for s in items),
            word_ref=sum(s.word_ref for s in items),
        )

    def to_dict(self) -> dict[str, float | int]:
        """JSON-ready rates and counts."""
        return {
            "cer": self.cer,
            "wer": self.wer,
            "char_edits": self.char_edits,
            "char_ref": self.char_ref,
            "word_edits": self.word_edits,
            "word_ref": self.word_ref,
        }


@dataclass(frozen=True)
class PageScores:
    """Everything measured on one page: detection per GT level, page text, and notes."""

    levels: Mapping[str, LevelScores] = field(default_factory=dict)
    text: TextScores | None = None
    notes: tuple[str, ...] = ()


def score_detection(
    gt: Sequence[GtRegion],
    detections: Sequence[Region],
    level: str = "word",
    *,
    recognition: bool = False,
    iou_threshold: float = IOU_THRESHOLD,
    dont_care_area: float = DONT_CARE_AREA,
) -> LevelScores:
    """Match ``detections`` to ``gt`` regions (all with quads) under the ICDAR 2015 rules.

    With ``recognition``, each match whose GT carries text also scores the detection's text (CER).
    """
    if any(r.quad is None for r in gt):
        raise ValueError(f"every {level} GT region needs a quad to score detection")
    gt_geoms = _geometries([r.quad for r in gt])  # type: ignore[misc]
    det_geoms = _geometries([d.quad for d in detections])
    inter = _intersections(gt_geoms, det_geoms)
    gt_area = shapely.area(gt_geoms) if len(gt) else np.zeros(0)
    det_area = shapely.area(det_geoms) if len(detections) else np.zeros(0)

    gt_dc = np.array([r.dont_care for r in gt], dtype=bool)
    det_dc = np.zeros(len(detections), dtype=bool)
    if gt_dc.any() and len(detections):
        # Share of each detection's own area inside each don't-care region; a zero-area detection
        # is never don't care (as in the official script).
        with np.errstate(divide="ignore", invalid="ignore"):
            covered = np.where(det_area[None, :] > 0, inter[gt_dc] / det_area[None, :], 0.0)
        det_dc = (covered > dont_care_area).any(axis=0)

    union = gt_area[:, None] + det_area[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(union > 0, inter / union, 0.0)
    gi, di = np.nonzero((iou > iou_threshold) & ~gt_dc[:, None] & ~det_dc[None, :])
    # Best IoU first, ties by index, so the result does not depend on list order beyond ties.
    order = np.lexsort((di, gi, -iou[gi, di]))
    gt_used = np.zeros(len(gt), dtype=bool)
    det_used = np.zeros(len(detections), dtype=bool)
    matches: list[Match] = []
    for k in order:
        g, d = int(gi[k]), int(di[k])
        if not gt_used[g] and not det_used[d]:
            gt_used[g] = det_used[d] = True
            matches.append(Match(gt=g, det=d, iou=float(iou[g, d])))
    matches.sort(key=lambda m: m.gt)

    cer_sum, count, exact = 0.0, 0, 0
    if recognition:
        for m in matches:
            ref = gt[m.gt]
            if not ref.has_text:
                continue
            hyp = detections[m.det].text or ""
            cer = char_error_rate(hyp, ref.text or "")
            cer_sum += cer
            count += 1
            exact += cer == 0.0
    return LevelScores(
        level=level,
        gt_care=int((~gt_dc).sum()),
        gt_dont_care=int(gt_dc.sum()),
        det_care=int((~det_dc).sum()),
        det_dont_care=int(det_dc.sum()),
        matched=len(matches),
        region_cer_sum=cer_sum,
        region_count=count,
        region_exact=exact,
        matches=tuple(matches),
    )


def _page_has_text(page: Page) -> bool:
    return any(r.text is not None for r, _ in page.walk())


def score_page(
    gt: GroundTruth,
    page: Page | None,
    *,
    levels: Sequence[str] | None = None,
    recognition: bool | None = None,
    iou_threshold: float = IOU_THRESHOLD,
    dont_care_area: float = DONT_CARE_AREA,
) -> PageScores:
    """Score one predicted page against its ground truth (pure: no OCR, no file reading).

    ``page`` None stands for a page the pipeline failed on: every GT region is missed.
    ``levels``: GT levels to score detection at; default: those this GT has quads for. A level asked
    for that this GT has no regions at still counts its detections as false positives.
    ``recognition``: score text (page CER/WER, region CER); default: when the page carries any text.
    """
    notes: list[str] = []
    if levels is None:
        levels = [lv for lv in GT_LEVELS if gt.has_geometry(lv)]
    if recognition is None:
        recognition = page is not None and _page_has_text(page)

    sx = sy = 1.0
    if page is not None and gt.width and gt.height and (page.width, page.height) != (gt.width, gt.height):
        # A rasterizer may render at another size; compare in the annotation's pixel grid.
        sx, sy = gt.width / page.width, gt.height / page.height
        notes.append(f"prediction page {page.width}x{page.height} scaled to the annotation's {gt.width}x{gt.height}")

    scores: dict[str, LevelScores] = {}
    for level in levels:
        regions = gt.regions(level)
        if any(r.quad is None for r in regions):
            notes.append(f"{level} level not scored: some GT {level}s have no quad")
            continue
        dets: list[Region] = page.regions_at(level) if page is not None else []  # type: ignore[arg-type]
        if (sx, sy) != (1.0, 1.0):
            dets = [d.with_(quad=scale_quad(d.quad, sx, sy), polygon=None) for d in dets]
        scores[level] = score_detection(
            regions,
            dets,
            level,
            recognition=recognition,
            iou_threshold=iou_threshold,
            dont_care_area=dont_care_area,
        )

    text: TextScores | None = None
    reference = gt.page_text
    if recognition and normalize_text(reference):
        text = TextScores.of(page.text if page is not None else "", reference)
    return PageScores(levels=scores, text=text, notes=tuple(notes))
