"""The page work, apart from any orchestration: one object that holds the built components.

A :class:`PageProcessor` is made from a resolved :class:`~ocrplug.config.PipelineConfig` in whatever
process does the work (the caller's, a ``--jobs`` worker, a Spark worker, an OCRmyPDF worker). It
resolves every component of the config at once (one :class:`~ocrplug.errors.ConfigError` listing every
unknown name and bad option), builds the detector and recognizer on first use, and turns page images
into pages: detect (one ``detect_batch`` call per batch), orientation, recognize, layout, clipping.
It pickles as its config, so it can be handed to another process and rebuilt there.

:func:`process_batch` is the page work that never raises for a page (a failed page becomes its
:class:`~ocrplug.model.PageFailure`); :func:`worker_processor` is the one per-process worker set-up
(processor cache, thread share, torch thread limit) every executor and front end uses.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

import cv2
import numpy as np

from ocrplug.arcs import ARCHED_TAG, arched_lines
from ocrplug.checkboxes import place_checkboxes, take_checkboxes, without_icon_boxes
from ocrplug.combs import join_comb_words, pack_comb_words, take_combs
from ocrplug.components import Detector, Recognizer, Renderer
from ocrplug.config import PipelineConfig, ResolvedComponent, plugin_host, resolve_components
from ocrplug.crops import paper_ink, to_gray
from ocrplug.drop_caps import find_drop_caps, join_drop_caps
from ocrplug.errors import ConfigError, OcrplugError
from ocrplug.fills import MIN_UNITS, glyphless, off_staves, text_height
from ocrplug.layout import adopt_words, layout_regions, lines_for_recognition
from ocrplug.leaders import drop_leader_dots
from ocrplug.levelling import fit_steep_lines
from ocrplug.manager import PluginHost
from ocrplug.model import Page, PageFailure, PageImage, Region
from ocrplug.mrz import read_mrz
from ocrplug.orientation import (
    detect_orientation,
    map_regions,
    mirror_page,
    mirror_points,
    read_both_senses,
    rotate_page,
    shelf_order,
    to_original,
)
from ocrplug.profile import count_pages, stage
from ocrplug.raised_marks import attach_raised_marks
from ocrplug.sources import Sources
from ocrplug.threads import WORKER_THREADS_ENV, safe_torch_threads
from ocrplug.words import fit_words_to_ink, reach_line_ends

__all__ = [
    "DEFAULT_BATCH_PAGES",
    "PageProcessor",
    "PageResult",
    "PageWork",
    "limit_torch_threads",
    "process_batch",
    "worker_processor",
]

log = logging.getLogger(__name__)

PageResult = Page | PageFailure

#: Consecutive pages of one document handed to a detector's ``detect_batch`` at once (or to a worker).
DEFAULT_BATCH_PAGES = 4


class PageWork(Protocol):
    """What :func:`process_batch` needs: a :class:`PageProcessor` or a :class:`~ocrplug.pipeline.Pipeline`."""

    def build(self) -> Any:
        """Load the detector and recognizer now."""

    def process_batch(self, images: Sequence[PageImage]) -> list[Page]:
        """Pages for ``images``; raises on failure."""

    def process_page(self, page_image: PageImage) -> Page:
        """The page for one image; raises on failure."""


class PageProcessor:
    """Detect, orient, recognize and lay out pages with the components of one resolved config.

    ``config``: the validated :class:`PipelineConfig`; ``host``: the plugin host that names its
    components (default: this process's host for ``config.plugins``, :func:`ocrplug.config.plugin_host`);
    ``instances``: components given as ready-made objects, by config key (``detector``,
    ``recognizer``, ``renderers.N``), which are used instead of the key's config (a processor holding
    them cannot be pickled). Raises :class:`ConfigError` listing every unknown component and invalid
    option of ``config`` at once, each with its dotted key path and prefixed with ``source``.
    """

    def __init__(
        self,
        config: PipelineConfig,
        host: PluginHost | None = None,
        *,
        source: str = "<pipeline>",
        instances: Mapping[str, Any] | None = None,
        batch_pages: int = DEFAULT_BATCH_PAGES,
    ) -> None:
        """Resolve the components of ``config`` (nothing is loaded yet); see the class docstring."""
        self.config = config
        self.source = source
        self.batch_pages = max(1, batch_pages)
        self.host = host if host is not None else plugin_host(config.plugins)
        self._instances = dict(instances or {})
        resolved = resolve_components(self.host, config, source, skip=self._instances)
        self._det: ResolvedComponent | None = resolved.get("detector")
        self._rec: ResolvedComponent | None = resolved.get("recognizer")
        self._ren = [resolved.get(f"renderers.{i}") for i in range(len(config.renderers))]
        self._sources: Sources | None = None
        self._renderers: list[Renderer] | None = None
        self._built = False
        self.detector: Detector | None = None
        self.recognizer: Recognizer | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its config: the receiving process resolves and builds its own components.
        if self._instances:
            raise ConfigError(f"{self.source}: components given as Python objects cannot go to another process")
        return (_rebuild, (self.config, self.source, self.batch_pages))

    # -- components ---------------------------------------------------------------------------

    @property
    def instances(self) -> Mapping[str, Any]:
        """Components given as Python objects, by config key."""
        return self._instances

    def build(self) -> PageProcessor:
        """Build (load) the detector and recognizer now instead of on the first page; returns self.

        Raises what a component factory raises (:class:`~ocrplug.errors.WeightsError`,
        :class:`~ocrplug.errors.MissingExtraError`, ...).
        """
        if self._built:
            return self
        with stage("model loading"):
            self._load()
        return self

    def _load(self) -> None:
        self.detector = self._instances.get("detector") or (self._det.spec.build(self._det.options) if self._det else None)
        self.recognizer = self._instances.get("recognizer") or (
            self._rec.spec.build(self._rec.options) if self._rec else None
        )
        safe_torch_threads()
        self._built = True

    @property
    def renderers(self) -> list[Renderer]:
        """The renderers, built on first use (the detector and recognizer are not needed for them)."""
        if self._renderers is None:
            self._renderers = [
                self._instances[f"renderers.{i}"] if rc is None else rc.spec.build(rc.options)
                for i, rc in enumerate(self._ren)
            ]
        return self._renderers

    def named_renderers(self) -> list[tuple[str, Renderer]]:
        """``(label, renderer)`` pairs, labels like ``"text#0"`` for messages."""
        return [(f"{rc.name}#{i}", r) for i, (rc, r) in enumerate(zip(self.config.renderers, self.renderers, strict=True))]

    @property
    def sources(self) -> Sources:
        """How inputs become documents and page images (rasterizers chosen by suffix), made on first use."""
        if self._sources is None:
            self._sources = Sources(self.host, self.config, self.source)
        return self._sources

    def batch_size(self, jobs: int | None = None) -> int:
        """Pages per batch: ``batch_pages`` when pages go to workers (``jobs`` > 1) or the detector
        batches (overrides ``detect_batch``), else 1 (so pages stream one at a time).

        With one job the components are built here: missing weights or extras fail the run before
        any page (no page could succeed).
        """
        if (jobs or self.config.jobs) > 1:
            return self.batch_pages
        self.build()
        own = self.detector is not None and type(self.detector).detect_batch is not Detector.detect_batch
        return self.batch_pages if own else 1

    # -- per page -----------------------------------------------------------------------------

    def process_batch(self, images: Sequence[PageImage]) -> list[Page]:
        """Detect (one ``detect_batch`` call), orient, recognize and lay out several pages of one document.

        Returns one :class:`Page` per image, in order, coordinates in each image's own frame. A page that
        already holds text (``PageImage.text_source`` ``skipped`` or ``text-layer``, ``input.text_pages``)
        is not detected nor recognized: :meth:`text_layer_page`. Exceptions propagate;
        :func:`process_batch` (the module function) turns them into page failures.
        """
        self.build()
        todo = [image for image in images if image.text_source == "ocr"]
        if not todo:
            found: list[list[Region]] = []
        elif self.detector is not None:
            found = self.detect_batch(todo)
        else:
            found = [self._whole_page(image) for image in todo]
        read = iter([self.finish(image, list(regions)) for image, regions in zip(todo, found, strict=True)])
        return [next(read) if image.text_source == "ocr" else self.text_layer_page(image) for image in images]

    def text_layer_page(self, image: PageImage) -> Page:
        """The page of an image whose words are not to be read (``input.text_pages``): for ``text-layer``
        its layer's lines (``PageImage.text_layer``, page pixels) laid out like recognized lines (the same
        layout step, so every renderer gets blocks, lines and words); for ``skipped`` no regions. The
        page's ``text_source`` says which; ``orientation`` is 0 (the layer's boxes are the page's own)."""
        count_pages(1)  # a page of the run's stage profile (--profile), though not read
        page = image.empty_page()
        if image.text_source != "text-layer" or not image.text_layer:
            return page
        with stage("layout"):
            found = without_empty_lines(layout_regions(list(image.text_layer), self.config.layout))
        return page.with_(regions=tuple(found))

    def detect_batch(self, images: Sequence[PageImage]) -> list[list[Region]]:
        """The detector's regions of each page (one ``detect_batch`` call), in each image's own pixels.

        A page whose pixels are not square (a 204 x 98 dpi fax) is detected on its square-pixel copy
        (:func:`square_pixels`) and the regions are mapped back. Raises
        :class:`~ocrplug.errors.OcrplugError` when the detector returns another number of pages.
        """
        self.build()
        assert self.detector is not None
        squares = [square_pixels(image) for image in images]
        for square, _ in squares:
            self.check_memory(square)
        with stage("detect"):
            found = self.detector.detect_batch([square for square, _ in squares])
        if len(found) != len(images):
            raise OcrplugError(f"detector returned {len(found)} pages of regions for {len(images)} pages")
        return [_scaled(list(regions), 1 / sx, 1 / sy) for regions, (_, (sx, sy)) in zip(found, squares, strict=True)]

    def check_memory(self, image: PageImage) -> None:
        """Refuse a page the detector estimates to need more than ``input.max_memory_mb`` for
        (:meth:`Detector.estimate_memory`), before it allocates anything.

        Raises :class:`~ocrplug.errors.ConfigError` naming the page, the estimate and the detector
        options that were set (issue 23); a detector without an estimate is never refused.
        """
        self.build()
        if self.detector is None:
            return
        need = self.detector.estimate_memory(image.width, image.height)
        limit = self.config.input.memory_limit()
        if need is None or limit is None or need <= limit:
            return
        options = self._det.options if self._det is not None else None
        chosen = ", ".join(
            f"detector.options.{k}={getattr(options, k)!r}" for k in sorted(options.model_fields_set)
        ) if options else ""
        name = self.config.detector.name if self.config.detector is not None else type(self.detector).__name__
        where = "" if self.config.input.max_memory_mb else ", by default half of the physical memory"
        raise ConfigError(
            f"{image.source} page {image.index + 1} ({image.width} x {image.height} px): detector {name!r} "
            f"would need about {need / 2**30:.1f} GiB for it ({chosen or 'its default options'}), more than "
            f"input.max_memory_mb ({limit // 2**20:,} MiB{where}); lower those options (see the detector's docs) "
            "or raise input.max_memory_mb"
        )

    def process_page(self, page_image: PageImage) -> Page:
        """Detect, orient, recognize and lay out one page image; exceptions propagate."""
        return self.process_batch([page_image])[0]

    def _whole_page(self, image: PageImage) -> list[Region]:
        # Recognizer-only pipeline: the whole image is one line (e.g. pre-cropped line images).
        if self.recognizer is None:
            return []
        return [Region.from_box(0, 0, image.width, image.height, level="line")]

    def finish(self, image: PageImage, regions: Sequence[Region], orient: bool = True, *, squeezed: bool = False) -> Page:
        """Orientation, recognition, layout and clipping of one page whose regions were detected.

        The one layout call of a page: :attr:`Page.text` and every renderer use its result. With
        ``orient`` (and ``input.orientation: auto``, a detector and a recognizer) a turned page is
        detected again upright (issue 14). Coordinates of the result are in the frame of ``image``
        as given, whatever its orientation, and inside it. A page whose pixels are not square is read
        on its square-pixel copy (:func:`square_pixels`), ``regions`` and the result mapped to and fro
        (``squeezed``: ``image`` is such a copy; see :meth:`recognize`).
        """
        self.build()
        square, (sx, sy) = square_pixels(image)
        if square is not image:
            page = self.finish(square, _scaled(list(regions), sx, sy), orient, squeezed=True)
            back = _scaled(list(page.regions), 1 / sx, 1 / sy)
            return image.empty_page().with_(regions=tuple(back), orientation=page.orientation, warnings=page.warnings)
        count_pages(1)
        upright, angle, found, mirrored = image, 0, list(regions), False
        if orient and self.config.input.orientation == "auto" and self.detector is not None and self.recognizer is not None:
            with stage("orientation"):  # the re-detection of a turned page is orientation's cost too
                result = detect_orientation(image, found, self.recognizer.recognize)
                angle, mirrored = result.angle, result.mirrored
                if angle:
                    upright = rotate_page(image, angle)
                    found = list(self.detector.detect(upright))
                elif mirrored:  # read as its mirror image, the boxes mirrored back (issue 24, E15)
                    upright = mirror_page(image)
                    found = list(self.detector.detect(upright))
        # Text on an arc the detector missed, found in the ink (issue 24, A16); an arc too curved is reported.
        arched, notes = arched_lines(to_gray(upright.image), found) if self.recognizer is not None else ([], [])
        found = self.recognize(upright, [*found, *arched], both_senses=angle in (90, 270), squeezed=squeezed)
        where = f"{image.source}: page {image.index + 1}"
        warnings = [f"{where}: {note}" for note in notes]
        unread = [r for r in found if ARCHED_TAG in r.attributes and not (r.text or "").strip()]
        if unread:
            warnings.append(f"{where}: {len(unread)} line(s) of text on an arc found in the ink but read as nothing")
        # Layout (issue 14): blocks -> lines -> words in reading order, in the upright frame.
        with stage("layout"):
            found = layout_regions(found, self.config.layout)
            # A shelf's spines are read left to right whichever way their titles run (issue 24, T10 4b).
            found = shelf_order(found, angle, image.width, image.height, overlap=self.config.layout.line_overlap)
            # A line read as nothing is no line (issue 24, T10): dropped once the page is laid out, so
            # the layout of the others is what it was with it.
            found = without_empty_lines(found)
            # A steep line's box leans with its ascenders and descenders: turned to its ink's direction
            # (issue 24 item 2, E15: a one-word line has no other word to set it).
            found = fit_steep_lines(to_gray(upright.image), found)
        # Every coordinate inside the page: lines read with lengthened ends and boxes of text that
        # touches the edge can reach a pixel or two past it.
        bound = np.array([upright.width, upright.height], dtype=np.float64)
        found = map_regions(found, lambda p: np.clip(p, 0.0, bound), reorder=False)
        if angle:
            w, h = image.width, image.height
            found = map_regions(found, lambda p: to_original(p, angle, w, h), reorder=False)
        page = image.empty_page()  # it carries the rasterizer's warnings (a damaged page): kept, ours after
        page = page.with_(regions=tuple(found), orientation=angle, warnings=(*page.warnings, *warnings))
        if mirrored:
            # Boxes re-sorted from the top-left: a mirror is no turn, its text is written level.
            found = map_regions(found, lambda p: mirror_points(p, image.width), reorder=True)
            scores = ", ".join(f"{a}: {v:.2f}" for a, v in sorted(result.scores.items()))
            warning = (f"{image.source}: page {image.index + 1} reads as a mirror image (left and right swapped): "
                       f"read mirrored back (the recognizer's confidence as given {scores})")
            page = page.with_(regions=tuple(found), warnings=(*page.warnings, warning))
        return page

    def recognize(
        self, image: PageImage, regions: Sequence[Region], both_senses: bool = False, *, squeezed: bool = False
    ) -> list[Region]:
        """Recognize the detected ``regions`` of one page image (page pixels); no layout step yet.

        A form's combs (one box per letter) are found first (:func:`ocrplug.combs.take_combs`): the regions
        on them are cut off them, their walls painted over in the image read, and each run of filled cells
        is read as one word, its glyphs moved together (:func:`ocrplug.combs.pack_comb_words`) and written
        back in its cells (:func:`ocrplug.combs.join_comb_words`).
        Checkboxes among the rest (or in them: ``□ Yes``) are taken out and not read
        (:func:`ocrplug.checkboxes.take_checkboxes`); they come back after recognition as ``☑`` or ``☐``
        words in their rows' lines (:func:`ocrplug.checkboxes.place_checkboxes`, ``layout.empty_checkboxes``);
        so do list bullets, written ``•`` at the start of their item's line. A box sign (``☐ ☑ □``) on a
        turned square or on an icon over its caption is then dropped (:func:`ocrplug.checkboxes.without_icon_boxes`).
        Superscripts and footnote markers are put with their lines (:func:`ocrplug.raised_marks.attach_raised_marks`:
        a line's box may grow to hold one, and a missed marker becomes a region of its own). On a page read
        on its square-pixel copy (``squeezed``: a fax, whose stops the squeeze thinned to a row or two and
        whose specks it stretched) the regions' ends are then moved out to hold a final mark they cut or
        miss, and specks clear of other ink are painted over in the image the recognizer reads
        (:func:`ocrplug.words.reach_line_ends`). Loose
        words are then joined into lines and read whole when ``layout.read_lines`` is on
        (:func:`ocrplug.layout.lines_for_recognition`), so the result may hold fewer, line-level
        regions than ``regions``. On a page of text on paper (:func:`ocrplug.crops.paper_ink`) a region that
        holds no glyph (:func:`ocrplug.fills.glyphless`: a chart's bar, a box of one fill or of blank
        paper) is not read and not kept (a line the recognizer reads as empty text is
        dropped after layout, in :meth:`finish`: :func:`without_empty_lines`). A drop cap no region holds is
        read alone (:func:`ocrplug.drop_caps.find_drop_caps`) and, read, joined to the word it begins on the
        first line beside it (:func:`ocrplug.drop_caps.join_drop_caps`). A machine-readable zone's lines
        (passports, ID cards) are read by their layout (:func:`ocrplug.mrz.read_mrz`). Each word box is then grown to hold its glyphs' ink whole
        (:func:`ocrplug.words.fit_words_to_ink`). With ``both_senses`` (a page turned by 90 or 270 degrees
        in :meth:`finish`) each line read level is read upside down too and the better-scored sense kept
        (:func:`ocrplug.orientation.read_both_senses`: spines of both senses on one shelf). Raises
        :class:`~ocrplug.errors.OcrplugError` when the recognizer does not return one region per region it
        was given.
        """
        self.build()
        if self.recognizer is None or not regions:
            return list(regions)
        gray = to_gray(image.image)
        with stage("layout"):
            # A comb's cells are read as the words they hold, its walls by no one (issue 24, T11 fault 1).
            regions, combs, walls = take_combs(gray, regions)
            if walls is not None:
                image = replace(image, image=_painted(image.image, walls))
                gray = to_gray(image.image)
            # A checkbox is written from its own ink, not guessed by the reader (issue 24, c9).
            regions, boxes = take_checkboxes(gray, regions)
            # A superscript or a footnote's marker is read with its line, once (issue 24, F10).
            regions = attach_raised_marks(gray, regions, [b.region for b in boxes])
            # A fax's final stops are read whole and its specks are not read (issue 24, B10): only there,
            # as a scan's halftone dots beside its words look like marks too (funsd_train).
            if squeezed:
                regions, specks = reach_line_ends(gray, regions)
                if specks is not None:
                    image = replace(image, image=_painted(image.image, specks))
            # A drop cap no region holds is read alone, then joined to its word (issue 24, D12).
            regions = [*regions, *find_drop_caps(gray, regions)]
            # A comb's words are read with their glyphs moved together (in the image read only).
            read = image
            if combs:
                packed, combs = pack_comb_words(image.image, combs)
                read = replace(image, image=packed)
            # A tall region or joined column that is a stack of level glyph rows is read row by row.
            units = lines_for_recognition([*regions, *combs], self.config.layout, read.image)
            # A chart's bar or a box of one fill holds no glyph: not read, not kept (issue 24, T10 fault 6).
            # Text on paper only: a photo's sign (white letters on a red board) is one fill with glyphs cut
            # out of it that reach its box's edges (ICDAR 2015 "FINAL SALE", "SKINCARE" were lost).
            # The text height is the median of the page's regions: with fewer than three, a bar or a box
            # would set it itself (a page of one dark box, as the host's test fakes draw, is left alone).
            if len(units) >= MIN_UNITS and paper_ink(gray) is not None:
                height = text_height(units)
                units = [u for u in units if not glyphless(gray, u, height)]
                # Notes on a staff are a drawing, not text (issue 24, S16: a song sheet's heads read ``Q 0 0 2 2``).
                units = off_staves(gray, units)
        with stage("recognize"):  # a CropRecognizer's cropping is the nested "crop" stage
            recognized = list(self.recognizer.recognize(read, units))
            if both_senses and len(recognized) == len(units):
                recognized = read_both_senses(
                    read, units, recognized, self.recognizer.recognize, overlap=self.config.layout.line_overlap
                )
        if len(recognized) != len(units):
            raise OcrplugError(
                f"recognizer returned {len(recognized)} regions for {len(units)} (it must keep the count)"
            )
        lines = join_comb_words(units, [adopt_words(unit, region) for unit, region in zip(units, recognized, strict=True)])
        # A drop cap read as a letter of its own goes to the start of the first line beside it.
        lines = join_drop_caps(lines)
        # A passport's machine-readable zone is read by its layout: letters where letters go (T16: J0HN).
        lines = read_mrz(lines)
        # Word boxes come from CTC timing, a reader's own segmentation or the detector's words (just
        # adopted): whichever it is, each is grown to hold its glyphs whole (issue 24 item 5).
        lines = fit_words_to_ink(gray, lines)
        # A dotted fill-in line or a contents page's leader is read as no stops (issue 24, S16).
        lines = drop_leader_dots(gray, lines)
        layout = self.config.layout
        lines = place_checkboxes(lines, boxes, layout.empty_checkboxes, layout.word_gap) if boxes else lines
        # A box sign read on a turned square (a hazard diamond) or on an icon over its caption is no check
        # box, whoever wrote it (issue 24, K15).
        return without_icon_boxes(lines, layout.word_gap)


def without_empty_lines(regions: Sequence[Region]) -> list[Region]:
    """Laid-out ``regions`` without the lines a recognizer read as empty text (whitespace only), nor the
    blocks left with no line; ``order`` renumbered where something went.

    A line with ``text`` None (a detector-only pipeline's region, never read) is kept. Tesseract reads a
    smudge, a rule or a box frame as nothing (empty text, confidence 0), and an engine error leaves its
    group so (after its warning): such a line held no text for any renderer, but ``page.lines`` held it
    and the hOCR / ALTO / PAGE files wrote an empty line. Raises nothing.
    """
    out: list[Region] = []
    for r in regions:
        if r.level == "line" and r.text is not None and not r.text.strip():
            continue
        if r.children and r.level == "block":
            kids = without_empty_lines(r.children)
            if not kids:
                continue
            if len(kids) != len(r.children):
                r = r.with_(children=tuple(k.with_(order=i) for i, k in enumerate(kids)))
        out.append(r)
    if len(out) != len(regions):
        out = [r.with_(order=i) for i, r in enumerate(out)]
    return out


def _painted(array: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of the page ``array`` (H x W or H x W x C) with the pixels of ``mask`` (H x W bool) and those
    next to them (a speck's grey rim) painted in the page's paper colour (the median of the pixels
    around them)."""
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    ring = cv2.dilate(grown.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~grown
    out = array.copy()
    out[grown] = np.median(array[ring], axis=0).astype(array.dtype)
    return out


#: Pixels whose two resolutions differ by less than this share are square (no resampling).
_SQUARE_TOLERANCE = 0.01


def square_pixels(image: PageImage) -> tuple[PageImage, tuple[float, float]]:
    """``image`` with square pixels, and the (x, y) scale from its pixels to the copy's.

    A page scanned at two resolutions (a fax: 204 dpi across, 98 down) shows its text squashed: the
    detector sees letters half as tall as wide, and the layout measures word gaps against a line height
    halved, so ``4711`` came out as ``471 1`` (shared/cases/fax_204x98.tif). The coarser axis is
    resampled (bicubic) up to the finer one's resolution; the copy's ``dpi`` is that resolution and its
    ``dpi_y`` None. A page with square pixels, or without a resolution, is returned itself, scale (1, 1).
    """
    res = image.resolution
    if res is None or min(res) <= 0 or abs(res[0] - res[1]) <= _SQUARE_TOLERANCE * max(res):
        return image, (1.0, 1.0)
    finer = max(res)
    width, height = round(image.width * finer / res[0]), round(image.height * finer / res[1])
    array = cv2.resize(image.image, (width, height), interpolation=cv2.INTER_CUBIC)
    square = replace(image, image=np.ascontiguousarray(array), dpi=finer, dpi_y=None)
    return square, (width / image.width, height / image.height)


def _scaled(regions: list[Region], sx: float, sy: float) -> list[Region]:
    if sx == sy == 1.0:
        return regions
    factor = np.array([sx, sy], dtype=np.float64)
    return map_regions(regions, lambda p: np.asarray(p, dtype=np.float64) * factor, reorder=False)


def _rebuild(config: PipelineConfig, source: str, batch_pages: int) -> PageProcessor:
    return PageProcessor(config, source=source, batch_pages=batch_pages)


def process_batch(work: PageWork, images: Sequence[PageImage]) -> list[PageResult]:
    """Run ``work`` on ``images``; one ``Page`` or ``PageFailure`` per image, in order.

    A failed page never raises; components that cannot be built raise that error
    (:class:`~ocrplug.errors.WeightsError`, :class:`~ocrplug.errors.PluginError`), since no page could
    succeed. When the batch as a whole fails, each page is retried alone so one bad page costs only itself.
    """
    if not images:
        return []
    work.build()  # a component that cannot be built (weights, extras) fails the run, not each page
    try:
        return list(work.process_batch(images))
    except Exception:
        if len(images) == 1:
            return [_failed(images[0])]
        log.debug("batch failed, retrying page by page: %s", traceback.format_exc())
    out: list[PageResult] = []
    for image in images:
        try:
            out.append(work.process_page(image))
        except Exception:
            out.append(_failed(image))
    return out


def _failed(image: PageImage) -> PageFailure:
    exc = sys.exc_info()[1]
    log.debug("page failed: %s", traceback.format_exc())
    return PageFailure(source=image.source, index=image.index, error=f"{type(exc).__name__}: {exc}")


# -- the one worker set-up -----------------------------------------------------------------------

_PROCESSORS: dict[str, PageProcessor] = {}
# Page workers may be threads of one process (OCRmyPDF's default): they share one processor, so the
# models load once per process, not once per thread that asks first.
_PROCESSORS_LOCK = threading.Lock()


def worker_processor(
    config: PipelineConfig | Mapping[str, Any], *, threads: int | None = None, source: str = "<worker>"
) -> PageProcessor:
    """This process's built processor for ``config``, made once per process and config (threads asking
    at once wait for the one build and share it).

    Every worker (``--jobs`` pool, Spark Python worker, OCRmyPDF worker) sets itself up here:
    ``threads`` is the worker's share of the cores; it becomes ``OCRPLUG_WORKER_THREADS`` (read by
    components whose thread option says "decide", :func:`ocrplug.threads.default_threads`) and the
    default ``OMP_NUM_THREADS`` (read by torch when a component first imports it), and torch, when a
    component loaded it, is kept to it (and to ``OMP_THREAD_LIMIT``, :func:`safe_torch_threads`).
    A mapping ``config`` is layered over the default pipeline like every other door
    (:func:`ocrplug.config.load_config`). Raises what resolving or building the components raises.
    """
    from ocrplug.config import load_config

    given = config.model_dump(mode="json") if isinstance(config, PipelineConfig) else dict(config)
    key = json.dumps([given, isinstance(config, PipelineConfig), threads], sort_keys=True, default=str)
    with _PROCESSORS_LOCK:
        processor = _PROCESSORS.get(key)
        if processor is None:
            if not isinstance(config, PipelineConfig):  # validated once per process and config
                config = load_config(data=config, source=source, components=False).config
            if threads is not None:
                os.environ[WORKER_THREADS_ENV] = str(threads)
                os.environ.setdefault("OMP_NUM_THREADS", str(threads))
            processor = PageProcessor(config, source=source).build()
            _PROCESSORS[key] = processor
    limit_torch_threads(threads)
    return processor


def limit_torch_threads(threads: int | None) -> None:
    """Keep torch, when a component loaded it, to ``threads`` and to ``OMP_THREAD_LIMIT``."""
    torch = sys.modules.get("torch")
    if torch is not None and threads is not None and torch.get_num_threads() > threads:
        torch.set_num_threads(threads)
    safe_torch_threads()
