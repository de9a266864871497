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

Recognition, with three kinds of scores (docs/eval.md):

* **order-free** (:class:`BagScores`): the page's words against the reference words as two bags
  (multisets); no reading-order convention can move them. The primary text scores on sets without a
  reading order of their own (FUNSD, ICDAR 2015).
* **end to end** (``LevelScores.e2e_*``): a detection counts when it is matched at IoU > 0.5 (the rules
  above) *and* its text equals the GT region's text, exactly or ignoring case (the ICDAR 2015 end-to-end
  protocol, task 4.4, without its vocabularies and without stripping punctuation).
* **ordered** (:class:`TextScores`): CER / WER of the page text against the reference text in the
  dataset's own order (:attr:`GroundTruth.reference_kind`), and the mean CER of matched regions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ocrplug.evaluation.dataset import GT_LEVELS, GroundTruth, GtRegion, normalize_text
from ocrplug.geometry import scale_quad
from ocrplug.model import Page, Region

__all__ = [
    "DONT_CARE_AREA",
    "IOU_THRESHOLD",
    "BagScores",
    "LevelScores",
    "Match",
    "PageScores",
    "TextScores",
    "char_error_rate",
    "dont_care_detections",
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


def _covered_by_dont_care(
    inter: np.ndarray, gt_dc: np.ndarray, det_area: np.ndarray, dont_care_area: float
) -> np.ndarray:
    """Detections with more than ``dont_care_area`` of their own area inside one don't-care GT region."""
    if not gt_dc.any() or inter.shape[1] == 0:
        return np.zeros(inter.shape[1], dtype=bool)
    # A zero-area detection is never don't care (as in the official script).
    with np.errstate(divide="ignore", invalid="ignore"):
        covered = np.where(det_area[None, :] > 0, inter[gt_dc] / det_area[None, :], 0.0)
    return (covered > dont_care_area).any(axis=0)


def dont_care_detections(gt: Sequence[GtRegion], detections: Sequence[Region], dont_care_area: float) -> list[bool]:
    """For each detection, whether rule 2 (don't care) removes it against ``gt`` (all with quads)."""
    gt_geoms = _geometries([r.quad for r in gt])  # type: ignore[misc]
    det_geoms = _geometries([d.quad for d in detections])
    inter = _intersections(gt_geoms, det_geoms)
    det_area = shapely.area(det_geoms) if len(detections) else np.zeros(0)
    gt_dc = np.array([r.dont_care for r in gt], dtype=bool)
    return [bool(x) for x in _covered_by_dont_care(inter, gt_dc, det_area, dont_care_area)]


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
    ``e2e_exact`` / ``e2e_nocase``: matched pairs whose detection text equals the GT text exactly /
    ignoring case (both NFC, whitespace-normalized): the true positives of end-to-end recognition.
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
    e2e_exact: int = 0
    e2e_nocase: int = 0
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

    def _f1(self, hits: int) -> float:
        # Same conventions as precision/recall above, with `hits` true positives.
        p = hits / self.det_care if self.det_care else (1.0 if self.gt_care == 0 else 0.0)
        r = hits / self.gt_care if self.gt_care else 1.0
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def e2e_f1(self) -> float:
        """End-to-end word F1: harmonic mean of ``e2e_exact / det_care`` and ``e2e_exact / gt_care``."""
        return self._f1(self.e2e_exact)

    @property
    def e2e_f1_nocase(self) -> float:
        """End-to-end F1 with case-insensitive text comparison (``str.casefold``)."""
        return self._f1(self.e2e_nocase)

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
            e2e_exact=sum(s.e2e_exact for s in items),
            e2e_nocase=sum(s.e2e_nocase for s in items),
        )

    def to_dict(self, recognition: bool = True) -> dict[str, float | int | None]:
        """JSON-ready counts and rates (matches left out; end-to-end figures only with ``recognition``)."""
        out: dict[str, float | int | None] = {
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
        if recognition:
            out.update(
                e2e_f1=self.e2e_f1,
                e2e_f1_nocase=self.e2e_f1_nocase,
                e2e_exact=self.e2e_exact,
                e2e_nocase=self.e2e_nocase,
            )
        return out


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
class BagScores:
    """Order-free text scores: the page's words against the reference words, both taken as bags.

    Words are whitespace-separated tokens after NFC normalization; case and punctuation count.

    * ``word_matched``: size of the multiset intersection (words read exactly, wherever they are).
    * ``word_errors`` = max(reference words, hypothesis words) - ``word_matched``: the fewest word
      substitutions, insertions and deletions when the words may be put in any order, so
      **order-free WER** = ``word_errors / word_ref`` (never above the ordered WER).
    * ``char_edits``: after the exact matches are set aside, the remaining hypothesis and reference
      words are paired greedily, the pair with the smallest Levenshtein distance first (ties by
      reference, then hypothesis position); each pair costs its distance and each word left unpaired its
      length. **Order-free CER** = ``char_edits / char_ref``, ``char_ref`` the reference characters without
      spaces. Greedy pairing can only overestimate the best pairing's cost; a word split in two costs
      about one word's length more than in an ordered CER.
    """

    char_edits: int
    char_ref: int
    word_errors: int
    word_ref: int
    word_hyp: int
    word_matched: int

    @property
    def cer(self) -> float:
        """Order-free character error rate (0 when the reference is empty)."""
        return self.char_edits / self.char_ref if self.char_ref else 0.0

    @property
    def wer(self) -> float:
        """Order-free word error rate (0 when the reference is empty)."""
        return self.word_errors / self.word_ref if self.word_ref else 0.0

    @property
    def precision(self) -> float:
        """Hypothesis words that are in the reference bag (1.0 when there are none)."""
        return self.word_matched / self.word_hyp if self.word_hyp else 1.0

    @property
    def recall(self) -> float:
        """Reference words found in the hypothesis bag (1.0 when there are none)."""
        return self.word_matched / self.word_ref if self.word_ref else 1.0

    @property
    def f1(self) -> float:
        """Bag-of-words F1 (harmonic mean of precision and recall)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @classmethod
    def of(cls, hypothesis: Sequence[str], reference: Sequence[str]) -> BagScores:
        """Score two word lists (order ignored); words are NFC-normalized here and empty ones dropped."""
        hyp = Counter(w for w in (normalize_text(x) for x in hypothesis) if w)
        ref = Counter(w for w in (normalize_text(x) for x in reference) if w)
        matched = hyp & ref
        rest_h = list((hyp - matched).elements())
        rest_r = list((ref - matched).elements())
        edits = 0
        if rest_h and rest_r:
            dist = process.cdist(rest_r, rest_h, scorer=Levenshtein.distance, dtype=np.int32)
            order = np.lexsort(
                (
                    np.tile(np.arange(len(rest_h)), len(rest_r)),
                    np.repeat(np.arange(len(rest_r)), len(rest_h)),
                    dist.ravel(),
                )
            )
            used_r = np.zeros(len(rest_r), dtype=bool)
            used_h = np.zeros(len(rest_h), dtype=bool)
            pairs = 0
            for k in order:
                i, j = divmod(int(k), len(rest_h))
                if used_r[i] or used_h[j]:
                    continue
                used_r[i] = used_h[j] = True
                edits += int(dist[i, j])
                pairs += 1
                if pairs == min(len(rest_r), len(rest_h)):
                    break
            edits += sum(len(w) for w, u in zip(rest_r, used_r, strict=True) if not u)
            edits += sum(len(w) for w, u in zip(rest_h, used_h, strict=True) if not u)
        else:
            edits = sum(len(w) for w in rest_r) + sum(len(w) for w in rest_h)
        n_ref, n_hyp, n_match = sum(ref.values()), sum(hyp.values()), sum(matched.values())
        return cls(
            char_edits=edits,
            char_ref=sum(len(w) * n for w, n in ref.items()),
            word_errors=max(n_ref, n_hyp) - n_match,
            word_ref=n_ref,
            word_hyp=n_hyp,
            word_matched=n_match,
        )

    @classmethod
    def total(cls, items: Iterable[BagScores]) -> BagScores:
        """Sum several pages' counts (pages are scored apart: a word never matches across pages)."""
        items = list(items)
        return cls(
            char_edits=sum(s.char_edits for s in items),
            char_ref=sum(s.char_ref for s in items),
            word_errors=sum(s.word_errors for s in items),
            word_ref=sum(s.word_ref for s in items),
            word_hyp=sum(s.word_hyp for s in items),
            word_matched=sum(s.word_matched for s in items),
        )

    def to_dict(self) -> dict[str, float | int]:
        """JSON-ready rates and counts."""
        return {
            "cer": self.cer,
            "wer": self.wer,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "char_edits": self.char_edits,
            "char_ref": self.char_ref,
            "word_errors": self.word_errors,
            "word_ref": self.word_ref,
            "word_hyp": self.word_hyp,
            "word_matched": self.word_matched,
        }


@dataclass(frozen=True)
class PageScores:
    """Everything measured on one page: detection per GT level, page text, and notes.

    ``text``: ordered page CER/WER against the reference in ``reference`` order (a
    :data:`~ocrplug.evaluation.dataset.REFERENCE_KINDS` value); ``bag``: the order-free scores. Both are
    None when recognition is not scored or the truth holds no readable text (every word don't-care, as
    on ICDAR 2015 ``img_1``'s ``###`` words).
    """

    levels: Mapping[str, LevelScores] = field(default_factory=dict)
    text: TextScores | None = None
    notes: tuple[str, ...] = ()
    bag: BagScores | None = None
    reference: str | None = None


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
    det_dc = _covered_by_dont_care(inter, gt_dc, det_area, dont_care_area)

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

    cer_sum, count, exact, e2e_exact, e2e_nocase = 0.0, 0, 0, 0, 0
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
            e2e_exact += cer == 0.0
            e2e_nocase += normalize_text(hyp).casefold() == normalize_text(ref.text or "").casefold()
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
        e2e_exact=e2e_exact,
        e2e_nocase=e2e_nocase,
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
    bag: BagScores | None = None
    reference = gt.page_text
    if recognition and normalize_text(reference):
        hypothesis = page.text if page is not None else ""
        text = TextScores.of(hypothesis, reference)
        words = normalize_text(hypothesis).split()
        if page is not None:
            # Words read inside don't-care regions are neither rewarded nor charged (detection's rule 2).
            dropped = Counter(_dont_care_tokens(gt, page, sx, sy, dont_care_area))
            if dropped:
                words = list((Counter(words) - dropped).elements())
        bag = BagScores.of(words, gt.reference_words)
    return PageScores(
        levels=scores, text=text, notes=tuple(notes), bag=bag, reference=gt.reference_kind if text else None
    )


def _dont_care_tokens(gt: GroundTruth, page: Page, sx: float, sy: float, dont_care_area: float) -> list[str]:
    """Tokens of the page's words that lie in a don't-care GT word (rule 2), for the order-free scores."""
    if not gt.has_geometry("word") or not any(r.dont_care for r in gt.words):
        return []
    dets = [w for w in page.words if w.text]
    if (sx, sy) != (1.0, 1.0):
        dets = [d.with_(quad=scale_quad(d.quad, sx, sy), polygon=None) for d in dets]
    flags = dont_care_detections(gt.words, dets, dont_care_area)
    return [tok for d, dc in zip(dets, flags, strict=True) if dc for tok in normalize_text(d.text or "").split()]
