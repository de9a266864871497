"""The ``overlay`` renderer: each page image with its regions drawn on it, one PNG or JPEG per page."""

from __future__ import annotations

import contextlib
import functools
import logging
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont
from pydantic import Field, field_validator

from ocrplug.api import ConfigError, DocumentInfo, Options, Page, PageImage, PluginError, Region, SessionRenderer
from ocrplug_render.common import PerPageFilesSession

__all__ = ["OverlayOptions", "OverlayRenderer", "draw_overlay", "parse_color"]

log = logging.getLogger(__name__)

LabelField = Literal["index", "score", "confidence", "text"]
LevelName = Literal["block", "line", "word"]

# Fonts tried for labels, in order; the first that loads wins. Pillow searches the system font
# folders for bare file names. DejaVu covers Latin, Greek, Cyrillic, Arabic and Hebrew.
_FONT_CANDIDATES = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf")


def parse_color(value: str) -> tuple[int, int, int]:
    """An RGB triple from a colour name (``"red"``), ``#rgb``/``#rrggbb`` hex, or ``rgb(r, g, b)``."""
    try:
        rgb = ImageColor.getrgb(value.strip())
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"unknown colour {value!r}: use a name such as 'red' or a hex value such as '#ff0000'") from exc
    return (int(rgb[0]), int(rgb[1]), int(rgb[2]))


class OverlayOptions(Options):
    """Options of the ``overlay`` renderer."""

    format: Literal["png", "jpeg"] = Field("png", description="image format of the output pages: png or jpeg")
    jpeg_quality: int = Field(90, ge=1, le=100, description="JPEG quality (1-100) when format is jpeg")
    levels: list[LevelName] = Field(
        ["block", "line", "word"], description="which region levels to draw (block, line, word)"
    )
    color: str | None = Field(
        None, description="one outline colour for every level (overrides word_color, line_color, block_color)"
    )
    word_color: str = Field("red", description="outline colour of word regions: a name or #rrggbb")
    line_color: str = Field("#00c000", description="outline colour of line regions: a name or #rrggbb")
    block_color: str = Field("blue", description="outline colour of block regions: a name or #rrggbb")
    line_width: int = Field(2, ge=1, le=50, description="outline thickness in pixels")
    shape: Literal["quad", "polygon", "box"] = Field(
        "polygon",
        description="what to draw: the rotated quadrilateral (quad), the finer polygon when there is one "
        "(polygon, else the quad), or the axis-aligned bounding box (box)",
    )
    fill_opacity: float = Field(
        0.0, ge=0.0, le=1.0, description="fill each region with its colour at this opacity (0: outline only)"
    )
    labels: list[LabelField] = Field(
        [],
        description="what to write beside each region: any of index (position on the page per level), "
        "score (detector), confidence (recognizer), text",
    )
    label_size: int = Field(14, ge=4, le=200, description="label font size in pixels")
    label_background: str | None = Field(
        "white", description="colour of the box behind labels (a name or #rrggbb); null for none"
    )
    font: str | None = Field(
        None,
        description="TrueType/OpenType font file for labels (needed for scripts DejaVu lacks, e.g. CJK); "
        "default: the first of DejaVu Sans, Noto Sans, Liberation Sans, FreeSans found",
    )

    @field_validator("color", "word_color", "line_color", "block_color", "label_background")
    @classmethod
    def _check_color(cls, value: str | None) -> str | None:
        if value is not None:
            parse_color(value)
        return value

    @field_validator("font")
    @classmethod
    def _check_font(cls, value: str | None) -> str | None:
        """Load the font now, so a file that is missing or no font is a config error (exit 2, naming
        ``renderers.N.options.font``) before any page is read, not a failure of every document."""
        if value is not None:
            try:
                ImageFont.truetype(value, 14)
            except OSError as exc:
                raise ValueError(f"cannot load font file {value!r} ({exc}): give a TrueType/OpenType font") from exc
        return value

    @property
    def suffix(self) -> str:
        """File suffix of the chosen format."""
        return ".png" if self.format == "png" else ".jpg"

    def level_color(self, level: str) -> tuple[int, int, int]:
        """RGB colour for a region level."""
        if self.color is not None:
            return parse_color(self.color)
        return parse_color({"word": self.word_color, "line": self.line_color, "block": self.block_color}[level])


@functools.lru_cache(maxsize=16)
def _load_font(path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is not None:
        try:
            return ImageFont.truetype(path, size)
        except OSError as exc:
            raise ConfigError(f"overlay option font: cannot load font file {path!r}: {exc}") from exc
    for name in _FONT_CANDIDATES:
        with contextlib.suppress(OSError):
            return ImageFont.truetype(name, size)
    log.warning("overlay: no TrueType font found for labels; using Pillow's built-in font")
    return ImageFont.load_default(size)


def _outline(region: Region, shape: str, sx: float, sy: float) -> np.ndarray:
    if shape == "box":
        x0, y0, x1, y1 = region.bbox
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    elif shape == "polygon" and region.polygon:
        pts = list(region.polygon)
    else:
        pts = list(region.quad)
    arr = np.asarray(pts, dtype=np.float64) * (sx, sy)
    return np.round(arr).astype(np.int32).reshape(-1, 1, 2)


def _label(region: Region, index: int, fields: list[str]) -> str:
    parts: list[str] = []
    for name in fields:
        if name == "index":
            parts.append(str(index))
        elif name == "score" and region.score is not None:
            parts.append(f"{region.score:.2f}")
        elif name == "confidence" and region.confidence is not None:
            parts.append(f"{region.confidence:.2f}")
        elif name == "text" and region.text:
            parts.append(region.text)
    return " ".join(parts)


def draw_overlay(page: Page, image: np.ndarray, options: OverlayOptions | None = None) -> np.ndarray:
    """A copy of ``image`` (RGB uint8) with the page's regions drawn; coordinates follow the image size."""
    import cv2  # imported here so listing plugins does not load OpenCV

    opts = options or OverlayOptions()
    canvas = np.ascontiguousarray(image[..., :3], dtype=np.uint8).copy()
    sx = canvas.shape[1] / page.width if page.width else 1.0
    sy = canvas.shape[0] / page.height if page.height else 1.0
    # Coarse levels first so finer outlines stay visible on top of them.
    order = [lvl for lvl in ("block", "line", "word") if lvl in opts.levels]
    by_level: dict[str, list[Region]] = {lvl: page.regions_at(lvl) for lvl in order}  # type: ignore[arg-type]
    if opts.fill_opacity > 0:
        fill = canvas.copy()
        for lvl in order:
            for region in by_level[lvl]:
                cv2.fillPoly(fill, [_outline(region, opts.shape, sx, sy)], opts.level_color(lvl))
        canvas = cv2.addWeighted(fill, opts.fill_opacity, canvas, 1 - opts.fill_opacity, 0)
    for lvl in order:
        outlines = [_outline(r, opts.shape, sx, sy) for r in by_level[lvl]]
        if outlines:
            # LINE_8 (no anti-aliasing): outline pixels carry exactly the chosen colour.
            cv2.polylines(canvas, outlines, isClosed=True, color=opts.level_color(lvl), thickness=opts.line_width,
                          lineType=cv2.LINE_8)
    if opts.labels:
        canvas = _draw_labels(canvas, by_level, order, opts, sx, sy)
    return canvas


def _draw_labels(canvas: np.ndarray, by_level: dict[str, list[Region]], order: list[str], opts: OverlayOptions,
                 sx: float, sy: float) -> np.ndarray:
    # Pillow draws labels because OpenCV's Hershey fonts only know ASCII.
    font = _load_font(opts.font, opts.label_size)
    pil = Image.fromarray(canvas)
    draw = ImageDraw.Draw(pil)
    background = parse_color(opts.label_background) if opts.label_background else None
    for lvl in order:
        color = opts.level_color(lvl)
        for index, region in enumerate(by_level[lvl]):
            label = _label(region, index, list(opts.labels))
            if not label:
                continue
            x0, y0, _, _ = region.bbox
            left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
            x = max(0, min(x0 * sx, canvas.shape[1] - (right - left)))
            # Above the region when there is room, else just inside its top edge.
            y = y0 * sy - (bottom - top) - opts.line_width - 1
            if y < 0:
                y = y0 * sy + opts.line_width + 1
            if background is not None:
                draw.rectangle((x + left - 1, y + top - 1, x + right + 1, y + bottom + 1), fill=background)
            draw.text((x, y), label, fill=color, font=font)
    return np.asarray(pil)


def page_file_name(stem: str, page_index: int, suffix: str) -> str:
    """``<stem>_p<NNNN><suffix>`` with the 1-based page number."""
    return f"{stem}_p{page_index + 1:04d}{suffix}"


class OverlaySession(PerPageFilesSession):
    """Writes one image per page as pages arrive; nothing of a page is kept after ``add_page``."""

    options: OverlayOptions


    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Draw the page's regions on its image and write the file atomically."""
        if image is None:
            raise PluginError(f"overlay renderer: page {page.index + 1} of {page.source} came without its image")
        drawn = draw_overlay(page, image.image, self.options)
        path = Path(self.info.out_dir) / page_file_name(self.info.stem, page.index, self.options.suffix)
        pil = Image.fromarray(drawn)
        with self.page_file(path) as tmp:
            if self.options.format == "jpeg":
                pil.save(tmp, format="JPEG", quality=self.options.jpeg_quality)
            else:
                pil.save(tmp, format="PNG")


class OverlayRenderer(SessionRenderer):
    """Page images with the detected regions drawn (outlines, optional fill and labels)."""

    needs_image = True
    options_model = OverlayOptions
    session_class = OverlaySession
    options: OverlayOptions

    def planned_outputs(self, info: DocumentInfo) -> list[Path]:
        """The page images ``open(info)`` writes (pages 1..page_count)."""
        return [Path(info.out_dir) / page_file_name(info.stem, i, self.options.suffix) for i in range(info.page_count)]

    def draw(self, page: Page, image: PageImage) -> np.ndarray:
        """The page's drawing in memory (what ``add_page`` writes): :func:`draw_overlay` on the image."""
        return draw_overlay(page, image.image, self.options)
