"""The ``craft`` detector component: options, model loading, and score maps -> page regions.

Words come from the region and affinity maps exactly as in the official code. With ``refiner: true``,
lines come from the refined affinity map (as the official ``--refine`` path, which also forces
polygons) and each line's words (from the non-refined affinity) are attached as its children.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from ocrplug.api import (
    Detector,
    Options,
    PageImage,
    Region,
    add_background_margin,
    find_lone_dashes,
    find_lone_glyphs,
    paper_ink,
    require,
    to_gray,
)
from ocrplug_craft.postprocess import Detections, adjust_coordinates, get_det_boxes, split_stacked
from ocrplug_craft.preprocess import Canvas, resize_aspect_ratio, to_batch

__all__ = ["CraftDetector", "CraftOptions", "build_detector", "regions_from_maps"]

log = logging.getLogger(__name__)


#: Peak memory (bytes) detecting one page adds: MEMORY_BASE + MEMORY_PER_PIXEL x canvas pixels of the largest
#: network call. Least-squares fit of measured peak RSS (torch backend, default options) on page sizes apart
#: from the ones it is checked on: ``benchmarks/memory_estimate.py --fit`` (docs/benchmarks.md).
MEMORY_BASE = 20_082_676
MEMORY_PER_PIXEL = 661.2


class CraftOptions(Options):
    """Options of the ``craft`` detector (official names and defaults where the official code has them)."""

    text_threshold: float = Field(0.7, gt=0, le=1, description="region score a component must reach somewhere to be kept")
    link_threshold: float = Field(0.4, gt=0, le=1, description="affinity score above which characters are linked")
    low_text: float = Field(0.4, gt=0, le=1, description="region score above which a pixel belongs to text")
    canvas_size: int = Field(1280, ge=32, description="longest side of the resized page, at most")
    mag_ratio: float = Field(1.5, gt=0, description="page magnification before detection (capped by canvas_size)")
    poly: bool = Field(False, description="also return the official 14-point polygons of curved words")
    min_size: int = Field(
        -1, ge=-1, description="drop regions whose longer side is under this many page pixels; -1 keeps all"
    )
    width: int | None = Field(
        None, ge=32, description="resize the page to this width before detection instead of using mag_ratio"
    )
    refiner: bool = Field(False, description="run the link refiner: output lines with their words as children")
    weights: str = Field("craft_mlt_25k", description="CRAFT weights: a known name or a file path")
    refiner_weights: str = Field(
        "craft-refiner-synth",
        description="link refiner weights: a known name or a file path; the default ships with ocrplug "
        "(trained here on synthetic data for craft_mlt_25k, see docs/model-card-craft-refiner.md); the "
        "official one is craft_refiner_CTW1500 (a download)",
    )
    backend: Literal["torch", "onnx"] = Field("torch", description="inference backend")
    onnx_model: str | None = Field(
        None, description="ONNX model for backend 'onnx' (default: exported once into the weights cache)"
    )
    device: str = Field("auto", description="'auto', 'cpu', 'cuda' or 'cuda:N'")
    precision: Literal["auto", "fp32", "fp16", "bf16", "int8"] = Field(
        "auto", description="'auto' (see docs), 'fp32', 'fp16' (CUDA), 'bf16' (torch), 'int8' (ONNX Runtime)"
    )
    batch_size: int = Field(4, ge=1, description="pages of the same canvas size run through the network together")
    threads: int | None = Field(None, ge=1, description="CPU threads for inference (default: the library's choice)")
    margin: int = Field(
        16,
        ge=0,
        le=1024,
        description="blank border (page pixels, the image's own background colour, at most half its shorter "
        "side) around a small image (shorter side under 128 px: a crop, not a page) before detection, so text "
        "that touches the frame, as in a cropped word, is found; pages never get it",
    )
    tile_aspect: float = Field(
        4.0,
        ge=0,
        description="a page longer than this many times its short side, that canvas_size would shrink, is "
        "detected in overlapping tiles along its long side at mag_ratio (a 4700 x 28 px line is not squeezed "
        "to 8 px high text); 0: never tile",
    )
    short_words: bool = Field(
        False,
        description="on text on paper, a small or faint component the official rule drops (under 10 heatmap "
        "pixels, or peaking under text_threshold) that stands on a kept word's row joins that word's box: short "
        "words such as 'or', '5', a list's '1.' on a page the canvas shrinks; no box is added (docs/craft.md "
        "\"Short words\"); false (default): the official output only. The accurate preset sets it",
    )
    steep_words: bool = Field(
        False,
        description="on text on paper, the components that lie one after another along a line 10-80 degrees off "
        "level are one line: a word the affinity map breaks into pieces is one box, and each of its words is boxed "
        "along the line, not level (docs/craft.md \"Steep words\"); false (default): the official output only. "
        "The accurate preset sets it",
    )
    lone_glyphs: bool = Field(
        False,
        description="also find lone thin glyphs (a lone I, l, i, !, |) the region score misses, in the page's ink "
        "beside the words found (a component much taller than wide, as tall as a word on its row, with no ink "
        "around it; text on paper only), and lone dashes (a short flat bar on a word's row, docs/db.md); false "
        "(default): the official output only. The accurate preset sets it",
    )


def _clip_quad(box: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.clip(box, [0, 0], [width, height])


def _region(box: np.ndarray, poly: np.ndarray | None, score: float, level: str, page_w: int, page_h: int) -> Region:
    polygon = None if poly is None else tuple(map(tuple, _clip_quad(poly, page_w, page_h)))
    return Region(
        quad=tuple(map(tuple, _clip_quad(box.astype(np.float64), page_w, page_h))),
        level=level,  # type: ignore[arg-type]
        score=float(np.clip(score, 0.0, 1.0)),
        polygon=polygon,
    )


def _lone_glyph_regions(page: PageImage, regions: list[Region]) -> list[Region]:
    """Word regions (a line holding one word, for line-level output) of the lone thin glyphs beside
    ``regions`` that the region score missed (:func:`~ocrplug.api.find_lone_glyphs`).

    Their ``score`` is 0: the region score gave them none."""
    words = [w for r in regions for w in (r.children or (r,))]
    if not words:
        return []
    boxes = np.asarray([w.quad for w in words], dtype=np.float64).reshape(-1, 4, 2)
    gray = to_gray(page.image)
    found = find_lone_glyphs(gray, boxes)
    # A lone dash is flat, not a glyph the shape rules above take (docs/craft.md "Lone glyphs"); a word box
    # that held one alone is not replaced here: CRAFT boxes a found dash at the row's scale already.
    found += [d.box for d in find_lone_dashes(gray, boxes) if not d.replaces]
    level = regions[0].level
    out = []
    for box in found:
        word = _region(box, None, 0.0, "word", page.width, page.height)
        out.append(word if level == "word" else word.with_(level="line", children=(word.with_(order=0),)))
    return out


def _keep(boxes: np.ndarray, min_size: int) -> np.ndarray:
    if min_size < 0 or not len(boxes):
        return np.ones(len(boxes), dtype=bool)
    sides = np.linalg.norm(boxes - np.roll(boxes, -1, axis=1), axis=2)  # (N, 4) edge lengths
    return sides.max(axis=1) >= min_size


def _assign_words(words: Detections, lines: Detections) -> np.ndarray:
    """Index of the line holding each word (-1 for none): the line label covering most of its pixels."""
    if not len(words) or not len(lines):
        return np.full(len(words), -1, dtype=np.int64)
    word_lut = np.full(words.n_labels, -1, dtype=np.int64)
    word_lut[words.mapper] = np.arange(len(words))
    line_lut = np.full(lines.n_labels, -1, dtype=np.int64)
    line_lut[lines.mapper] = np.arange(len(lines))
    w = word_lut[words.labels]
    ln = line_lut[lines.labels]
    both = (w >= 0) & (ln >= 0)
    pairs, counts = np.unique(w[both] * len(lines) + ln[both], return_counts=True)
    owner = np.full(len(words), -1, dtype=np.int64)
    best = np.zeros(len(words), dtype=np.int64)
    # Ascending order of (word, count) so the last write per word is its largest overlap.
    order = np.lexsort((counts, pairs // len(lines)))
    for pair, count in zip(pairs[order].tolist(), counts[order].tolist(), strict=True):
        word = pair // len(lines)
        if count >= best[word]:
            owner[word], best[word] = pair % len(lines), count
    return owner


def regions_from_maps(
    score_text: np.ndarray,
    score_link: np.ndarray,
    refined_link: np.ndarray | None,
    canvas: Canvas,
    page_size: tuple[int, int],
    options: CraftOptions,
) -> list[Region]:
    """Turn one page's score maps into regions in page pixels (unordered: the host layout step orders).

    ``page_size`` is ``(width, height)``. Without ``refined_link``: words. With it: lines whose children
    are the words found with the non-refined affinity.
    """
    page_w, page_h = page_size
    # Heatmap pixels are half canvas pixels; the canvas is the page scaled by ``ratio``.
    inv = 1 / canvas.ratio
    o = options
    words = get_det_boxes(
        score_text, score_link, o.text_threshold, o.link_threshold, o.low_text, o.poly, short_words=o.short_words,
        steep_words=o.steep_words,
    )
    words = split_stacked(words, score_text, o.low_text)  # characters linked across rows
    word_boxes = adjust_coordinates(words.boxes, inv, inv)
    word_polys = adjust_coordinates(words.polys, inv, inv)
    word_keep = _keep(word_boxes, o.min_size)
    word_regions = [
        _region(word_boxes[i], word_polys[i], words.scores[i], "word", page_w, page_h)
        for i in np.flatnonzero(word_keep)
    ]
    if refined_link is None:
        return word_regions  # the host layout step orders them

    # The official --refine path forces polygons for the refined (line) boxes.
    lines = get_det_boxes(score_text, refined_link, o.text_threshold, o.link_threshold, o.low_text, poly=True)
    line_boxes = adjust_coordinates(lines.boxes, inv, inv)
    line_polys = adjust_coordinates(lines.polys, inv, inv)
    line_keep = _keep(line_boxes, o.min_size)
    owner = _assign_words(words, lines)
    children: dict[int, list[Region]] = {}
    orphans: list[Region] = []
    for region, word_index in zip(word_regions, np.flatnonzero(word_keep).tolist(), strict=True):
        line = int(owner[word_index])
        if line >= 0 and line_keep[line]:
            children.setdefault(line, []).append(region)
        else:
            orphans.append(region)
    line_regions = [
        _region(line_boxes[i], line_polys[i], lines.scores[i], "line", page_w, page_h).with_(
            children=tuple(children.get(int(i), []))
        )
        for i in np.flatnonzero(line_keep)
    ]
    # A word no kept line covers becomes a line of its own, so the output is uniformly line-level.
    line_regions += [w.with_(level="line", children=(w.with_(order=0),)) for w in orphans]
    return line_regions


class CraftDetector(Detector):
    """CRAFT text detector (words, or lines with word children when the link refiner is on)."""

    def __init__(self, options: CraftOptions, backend: object) -> None:
        """Use an already built inference ``backend`` (see :mod:`ocrplug_craft.backends`)."""
        self.options = options
        self.backend = backend
        if options.refiner and not getattr(backend, "has_refiner", False):
            raise ValueError("refiner: true needs a backend with the link refiner loaded")

    def memory_pixels(self, width: int, height: int) -> int:
        """Canvas pixels of the largest network call for a ``width`` x ``height`` page (tiles of an
        elongated page go through in batches of ``batch_size``)."""
        o = self.options
        short = min(width, height)
        if short < SMALL_SIDE:
            m = min(o.margin, short // 2)
            width, height = width + 2 * m, height + 2 * m
        long_side, short_side = max(width, height), max(1, min(width, height))
        count = 1
        if o.tile_aspect and long_side / short_side >= o.tile_aspect and long_side * o.mag_ratio > o.canvas_size:
            length = max(int(o.canvas_size / o.mag_ratio), 2 * short_side)
            overlap = min(length // 2, max(4 * short_side, length // 4))
            count = min(o.batch_size, max(1, -(-(long_side - overlap) // (length - overlap))))
            long_side = min(long_side, length)
            width, height = (long_side, short_side) if width >= height else (short_side, long_side)
        longest = max(width, height)
        target = o.width / width * longest if o.width is not None else o.mag_ratio * longest
        ratio = min(target, o.canvas_size) / longest
        h, w = max(int(height * ratio), 1), max(int(width * ratio), 1)
        return count * (-(-h // 32) * 32) * (-(-w // 32) * 32)

    def estimate_memory(self, width: int, height: int) -> int:
        """Peak bytes detecting one ``width`` x ``height`` page adds: fitted on the torch backend
        (:data:`MEMORY_PER_PIXEL`); the refiner and the ONNX backends are estimated with the same fit."""
        return round(MEMORY_BASE + MEMORY_PER_PIXEL * self.memory_pixels(width, height))

    def _canvas(self, page: PageImage) -> Canvas:
        o = self.options
        image = page.image
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        return resize_aspect_ratio(image[:, :, :3], o.canvas_size, o.mag_ratio, target_width=o.width)

    def detect(self, page: PageImage) -> list[Region]:
        """Regions of one page, in page pixels (the host layout step orders them)."""
        return self.detect_batch([page])[0]

    def detect_batch(self, pages: Sequence[PageImage]) -> list[list[Region]]:
        """Detect on several pages; pages whose canvases have the same size share a forward pass.

        A very elongated page (see ``tile_aspect``) is cut into overlapping tiles along its long side,
        detected with the other canvases, and its regions are put back in page pixels: a word found
        whole in two tiles is kept once (the larger box), and a word cut by a tile's inner edge is kept
        only where no whole detection covers it.
        """
        margins = [self._margin(page) for page in pages]
        originals = list(pages)
        pages = [_with_margin(page, m) if m else page for page, m in zip(pages, margins, strict=True)]
        parts: list[PageImage] = []
        owners: list[tuple[int, int, int, bool, bool]] = []  # page, axis, offset, first tile, last tile
        for i, page in enumerate(pages):
            for axis, offset, first, last, tile in self._tiles(page):
                parts.append(tile)
                owners.append((i, axis, offset, first, last))
        found = self._detect_parts(parts)
        results: list[list[Region]] = [[] for _ in pages]
        candidates: dict[int, list[tuple[Region, bool]]] = {}
        for (i, axis, offset, first, last), tile, regions in zip(owners, parts, found, strict=True):
            if axis < 0:
                results[i] = regions
                continue
            size = tile.width if axis == 0 else tile.height
            for region in regions:
                b = region.bbox
                lo, hi = (b[0], b[2]) if axis == 0 else (b[1], b[3])
                cut = (not first and lo <= 2) or (not last and hi >= size - 3)
                candidates.setdefault(i, []).append((_shifted(region, offset, axis), cut))
        for i, found_here in candidates.items():
            results[i] = _merge_tiles(found_here)
        for i, (page, m) in enumerate(zip(originals, margins, strict=True)):
            if m:
                results[i] = [_unpadded(r, m, page.width, page.height) for r in results[i]]
            if self.options.lone_glyphs:
                results[i] = results[i] + _lone_glyph_regions(page, results[i])
        return results

    def _margin(self, page: PageImage) -> int:
        """The margin ``page`` gets: ``margin`` (at most half its shorter side) when it is small, else 0."""
        short = min(page.width, page.height)
        return min(self.options.margin, short // 2) if short < SMALL_SIDE else 0

    def _tiles(self, page: PageImage) -> list[tuple[int, int, bool, bool, PageImage]]:
        """``(axis, offset, first, last, tile)`` for each tile of ``page`` (axis -1: the whole page)."""
        o = self.options
        h, w = page.height, page.width
        long_side, short_side = max(h, w), max(1, min(h, w))
        if not o.tile_aspect or long_side / short_side < o.tile_aspect or long_side * o.mag_ratio <= o.canvas_size:
            return [(-1, 0, True, True, page)]
        axis = 0 if w >= h else 1
        length = max(int(o.canvas_size / o.mag_ratio), 2 * short_side)
        overlap = min(length // 2, max(4 * short_side, length // 4))  # longer than any word of the line
        step = length - overlap
        starts = list(range(0, max(long_side - length, 0) + 1, step))
        if starts[-1] + length < long_side:
            starts.append(long_side - length)
        tiles = []
        for k, start in enumerate(starts):
            image = page.image[:, start : start + length] if axis == 0 else page.image[start : start + length]
            tile = PageImage(image=np.ascontiguousarray(image), index=page.index, source=page.source, dpi=page.dpi)
            tiles.append((axis, start, k == 0, k == len(starts) - 1, tile))
        return tiles

    def _detect_parts(self, pages: Sequence[PageImage]) -> list[list[Region]]:
        canvases = [self._canvas(p) for p in pages]
        groups: dict[tuple[int, ...], list[int]] = {}
        for i, canvas in enumerate(canvases):
            groups.setdefault(canvas.image.shape, []).append(i)
        results: list[list[Region]] = [[] for _ in pages]
        step = self.options.batch_size
        for members in groups.values():
            for start in range(0, len(members), step):
                chunk = members[start : start + step]
                maps = self.backend.run(to_batch([canvases[i].image for i in chunk]))  # type: ignore[attr-defined]
                for j, i in enumerate(chunk):
                    refined = maps.refined_link[j] if (self.options.refiner and maps.refined_link is not None) else None
                    options = self.options
                    if (options.short_words or options.steep_words) and paper_ink(to_gray(pages[i].image)) is None:
                        # Short words are looked for on text on paper only: on a photo the small blobs on
                        # a word's row are mostly scene text too small to read (icdar2015_val, docs/craft.md);
                        # steep words too (a scene's clutter of blobs lines up at any angle).
                        options = options.model_copy(update={"short_words": False, "steep_words": False})
                    results[i] = regions_from_maps(
                        maps.score_text[j],
                        maps.score_link[j],
                        refined,
                        canvases[i],
                        (pages[i].width, pages[i].height),
                        options,
                    )
        return results


#: An image whose shorter side is under this many pixels is a crop (a word, a line), not a page: it is
#: detected inside a ``margin``. The word crops of icdar2015_words are 13-84 px high; the smallest image
#: of the official conformance vectors (a 411 x 157 strip) stays above it and gets the official boxes.
SMALL_SIDE = 128


def _with_margin(page: PageImage, margin: int) -> PageImage:
    """``page`` inside a border of ``margin`` pixels of its background (:func:`ocrplug.crops.add_background_margin`)."""
    padded, _ = add_background_margin(np.asarray(page.image), margin)
    return PageImage(image=padded, index=page.index, source=page.source, dpi=page.dpi)


def _unpadded(region: Region, margin: int, width: int, height: int) -> Region:
    """``region`` of a page detected with ``margin``, back in the page's pixels (clipped to it)."""

    def move(points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
        return tuple((min(max(x - margin, 0.0), width), min(max(y - margin, 0.0), height)) for x, y in points)

    return region.with_(
        quad=move(region.quad),
        polygon=move(region.polygon) if region.polygon else None,
        children=tuple(_unpadded(c, margin, width, height) for c in region.children),
    )


def _merge_tiles(found: Sequence[tuple[Region, bool]]) -> list[Region]:
    """Regions of overlapping tiles, in page pixels, without duplicates (see ``detect_batch``)."""

    def area(b: tuple[float, float, float, float]) -> float:
        return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

    def inter(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
        return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))

    kept: list[Region] = []
    whole = sorted((r for r, cut in found if not cut), key=lambda r: -area(r.bbox))
    for region in whole:  # larger first: of two copies of one word, the larger box stays
        b = region.bbox
        if all(inter(b, k.bbox) <= 0.5 * min(area(b), area(k.bbox)) for k in kept):
            kept.append(region)
    for region, cut in found:
        b = region.bbox
        if cut and all(inter(b, k.bbox) <= 0.3 * area(b) for k in kept):
            kept.append(region)
    return kept


def _shifted(region: Region, offset: int, axis: int) -> Region:
    """``region`` (and its children) moved by ``offset`` pixels along ``axis`` (0: x, 1: y)."""

    def move(points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
        return tuple((x + offset, y) if axis == 0 else (x, y + offset) for x, y in points)

    return region.with_(
        quad=move(region.quad),
        polygon=move(region.polygon) if region.polygon else None,
        children=tuple(_shifted(c, offset, axis) for c in region.children),
    )


def _onnx_cache_path(craft_sha: str, refiner_sha: str | None, suffix: str = "") -> Path:
    from ocrplug_craft.weights import weights_home

    name = f"craft-{craft_sha[:16]}" + (f"-refiner-{refiner_sha[:16]}" if refiner_sha else "") + suffix + ".onnx"
    return weights_home() / "onnx" / name


def int8_cache_path(craft_sha: str, refiner_sha: str | None = None) -> Path:
    """Where the int8 model of the CRAFT weights with this SHA-256 is kept (made once, see quantize.py);
    with ``refiner_sha``, the int8 CRAFT with that link refiner kept in float32.

    The name holds the quantization recipe (:data:`ocrplug_craft.quantize.INT8_RECIPE`), so that a model
    made with another recipe (before 2026-12-06: ``...-int8.onnx``, 8-bit weights) is never reused."""
    from ocrplug_craft.quantize import INT8_RECIPE

    return _onnx_cache_path(craft_sha, refiner_sha, f"-int8-{INT8_RECIPE}")


def _int8_backend(craft_path: Path, craft_sha: str, device: str, threads: int | None,
                  refiner_path: Path | None = None, refiner_sha: str | None = None,
                  options: CraftOptions | None = None) -> object:
    """ONNX Runtime backend of the int8 model of these weights: cached, or quantized now with the shipped
    ranges (once; a cached file that does not load is quantized again, and when the cache folder cannot
    be written it is quantized for this process only, see :func:`ocrplug.runtime.load_derived_model`).
    With ``refiner_path`` the link refiner is part of the model and stays in float32 (it is small: its
    share of the time is measured in docs/benchmarks.md, "CRAFT link refiner (issue 27)").

    Raises :class:`WeightsError` when no activation ranges exist for these weights and nothing is cached.
    """
    import tempfile

    from ocrplug.api import WeightsError, load_derived_model
    from ocrplug_craft.backends import OnnxBackend, export_onnx, fuse_conv_bn
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.quantize import quantize_int8, shipped_calibration
    from ocrplug_craft.refiner import load_refiner_checkpoint

    path = int8_cache_path(craft_sha, refiner_sha)
    ranges = shipped_calibration(craft_sha)

    def make(output: Path) -> None:
        if ranges is None:
            raise WeightsError(
                f"precision: 'int8' needs activation ranges for the weights {craft_path} (only craft_mlt_25k's "
                f"ship with ocrplug): run `ocrplug craft quantize --weights {craft_path} --calibration DIR` once, "
                f"with DIR a folder of representative pages; it writes {path}"
            )
        require("onnx", "craft", "onnx")  # onnxruntime's quantization tools read the graph with it
        craft = load_checkpoint(craft_path)
        refiner = load_refiner_checkpoint(refiner_path) if refiner_path else None
        if options is not None:
            _check_refiner_fits(craft, refiner, options)
        with tempfile.TemporaryDirectory(prefix="ocrplug-craft-") as tmp:
            fp32 = export_onnx(fuse_conv_bn(craft), None if refiner is None else fuse_conv_bn(refiner),
                               Path(tmp) / "craft.onnx")
            quantize_int8(fp32, output, calibration_cache=ranges,
                          keep_fp32_prefix="/refiner/" if refiner is not None else None)

    def load(model: Path) -> OnnxBackend:
        return OnnxBackend(model, device, threads, what="int8 CRAFT model")

    return load_derived_model(path, make, load, "int8 CRAFT model")


def _fp32_backend(craft_path: Path, refiner_path: Path | None, path: Path, device: str, threads: int | None,
                  options: CraftOptions) -> object:
    """ONNX Runtime backend of the fp32 export cached at ``path`` (exported once, again when it does not
    load, or for this process only when the cache folder cannot be written)."""
    from ocrplug.api import load_derived_model
    from ocrplug_craft.backends import OnnxBackend, export_onnx
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.refiner import load_refiner_checkpoint

    def make(output: Path) -> None:
        craft = load_checkpoint(craft_path)
        refiner = load_refiner_checkpoint(refiner_path) if refiner_path else None
        _check_refiner_fits(craft, refiner, options)
        export_onnx(craft, refiner, output)

    def load(model: Path) -> OnnxBackend:
        return OnnxBackend(model, device, threads, what="exported CRAFT model")

    return load_derived_model(path, make, load, "exported CRAFT model")


def auto_precision(device: str, backend: str, int8_ready: bool) -> str:
    """What ``precision: auto`` means: the fastest path that keeps the word H-mean of fp32 (within 0.01).

    CUDA: fp16. CPU with ``backend: onnx``: int8 when activation ranges exist for the weights
    (``int8_ready``), else fp32. CPU with torch: bf16 when the CPU computes it natively (AVX512-BF16 or
    AMX, :func:`ocrplug.runtime.torch_bf16_supported`), else fp32. Measured in docs/benchmarks.md,
    "Official CRAFT (issue 15)".
    """
    if device.startswith("cuda"):
        return "fp16"
    if backend == "onnx":
        return "int8" if int8_ready else "fp32"
    from ocrplug.api import torch_bf16_supported

    return "bf16" if torch_bf16_supported() else "fp32"


def _check_refiner_fits(craft: object, refiner: object | None, options: CraftOptions) -> None:
    """Refuse a refiner trained on another CRAFT's features (the feature channel counts differ)."""
    from ocrplug.api import WeightsError

    if refiner is None:
        return
    wanted = int(refiner.last_conv[0].in_channels) - 2  # type: ignore[attr-defined]
    have = int(craft.feature_channels)  # type: ignore[attr-defined]
    if wanted != have:
        raise WeightsError(
            f"refiner_weights {options.refiner_weights!r} read {wanted} CRAFT feature channels, but weights "
            f"{options.weights!r} give {have}: a link refiner works only with the CRAFT model it was trained on "
            "(craft-refiner-synth: craft_mlt_25k)"
        )


def build_detector(options: CraftOptions) -> CraftDetector:
    """Factory of the ``craft`` component: resolve weights, load the networks, pick the backend.

    ``precision: int8`` runs on ONNX Runtime (``backend: onnx``; the link refiner, when on, stays float32
    inside the int8 model); ``bf16`` and
    ``fp16`` run on torch. Raises :class:`ConfigError` for other combinations, :class:`WeightsError` for
    missing or corrupt weights.
    """
    from ocrplug.api import ConfigError
    from ocrplug_craft.quantize import shipped_calibration
    from ocrplug_craft.weights import resolve_weights

    if options.precision == "int8" and options.backend != "onnx":
        raise ConfigError(
            f"precision: 'int8' runs on ONNX Runtime: set backend: onnx (backend {options.backend!r}"
            f"{', refiner: true' if options.refiner else ''} with int8 does not exist)"
        )
    if options.precision in ("bf16", "fp16") and options.backend == "onnx":
        raise ConfigError(f"precision: {options.precision!r} runs on torch: set backend: torch (or precision: int8)")
    if options.backend == "onnx" and options.onnx_model:
        require("onnxruntime", "craft", "onnx")
        from ocrplug_craft.backends import OnnxBackend

        return CraftDetector(options, OnnxBackend(options.onnx_model, options.device, options.threads))

    require("torch", "craft", "craft")
    import torch

    from ocrplug.api import select_torch_device
    from ocrplug_craft.backends import TorchBackend
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.refiner import load_refiner_checkpoint

    if options.threads:
        torch.set_num_threads(options.threads)
    craft_w = resolve_weights(options.weights, "craft", "weights")
    craft_sha = craft_w.verify()
    refiner_w = resolve_weights(options.refiner_weights, "refiner", "refiner_weights") if options.refiner else None
    refiner_sha = refiner_w.verify() if refiner_w else None
    if options.backend == "onnx":
        require("onnxruntime", "craft", "onnx")
        precision = options.precision
        if precision == "auto":
            device = "cuda" if options.device.startswith("cuda") else "cpu"
            if options.device == "auto":
                from ocrplug.api import onnx_providers

                device = "cuda" if onnx_providers("auto")[0].startswith("CUDA") else "cpu"
            ready = refiner_w is None and (
                int8_cache_path(craft_sha).is_file() or shipped_calibration(craft_sha) is not None
            )
            precision = "fp32" if device == "cuda" else auto_precision(device, "onnx", ready)
        if precision == "int8":
            backend = _int8_backend(craft_w.path, craft_sha, options.device, options.threads,
                                    refiner_w.path if refiner_w else None, refiner_sha, options)
            return CraftDetector(options, backend)
        path = _onnx_cache_path(craft_sha, refiner_sha)
        refiner_path = refiner_w.path if refiner_w else None
        backend = _fp32_backend(craft_w.path, refiner_path, path, options.device, options.threads, options)
        return CraftDetector(options, backend)
    craft = load_checkpoint(craft_w.path)
    refiner = load_refiner_checkpoint(refiner_w.path) if refiner_w else None
    _check_refiner_fits(craft, refiner, options)
    device = select_torch_device(options.device)
    precision = auto_precision(device, "torch", False) if options.precision == "auto" else options.precision
    return CraftDetector(options, TorchBackend(craft, refiner, device, precision))
