"""Page results and page images as Arrow rows: the column layout of every ocrplug Spark DataFrame.

This module needs pyarrow but not pyspark, so the layout can be tested (and Parquet files read) without
a JVM. The Spark schemas in :mod:`ocrplug.spark.frames` are derived from the Arrow schemas here, so the
two never disagree.

Regions (a tree in :class:`~ocrplug.model.Region`) are stored as a **flat array** because Spark schemas
cannot recurse: every region of the page, depth first in reading order (a block, then its lines, each
line followed by its words), with

- ``id``: its position in that array (0-based),
- ``parent``: the ``id`` of the enclosing region, null at the top level,
- ``children``: the ``id`` s of its direct children, in reading order,

plus ``level`` (word/line/block), ``order``, ``quad`` (4 ``[x, y]`` corners in page pixels, clockwise
from the top-left corner of the text), ``polygon`` (finer outline or null), ``score`` (detector
objectness in [0, 1] or null), ``text`` and ``confidence`` (recognizer output or null) and
``attributes`` (the region's extra fields as a JSON string, null when empty). Any depth round-trips
losslessly (:func:`page_to_row` / :func:`page_from_row`).

Page images use the column layout of Spark's own image data source (``spark.read.format("image")``,
``pyspark.ml.image.ImageSchema``): ``origin, height, width, nChannels, mode, data`` with ``data`` the
row-major pixel bytes in **BGR** order and ``mode`` the OpenCV type (16 = 8-bit, 3 channels), so images
Spark reads itself can go straight into the detector stage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import cv2
import numpy as np
import pyarrow as pa

from ocrplug.model import Page, PageImage, Region

__all__ = [
    "IMAGE_TYPE",
    "PAGE_SCHEMA",
    "REGIONS_TYPE",
    "REGION_TYPE",
    "bgr_pixels",
    "error_row",
    "image_from_struct",
    "image_struct",
    "page_from_row",
    "page_orientation",
    "page_to_row",
    "regions_from_rows",
    "regions_to_rows",
]

_POINTS = pa.list_(pa.list_(pa.float64()))

REGION_TYPE = pa.struct(
    [
        ("id", pa.int32()),
        ("parent", pa.int32()),
        ("children", pa.list_(pa.int32())),
        ("level", pa.string()),
        ("order", pa.int32()),
        ("quad", _POINTS),
        ("polygon", _POINTS),
        ("score", pa.float64()),
        ("text", pa.string()),
        ("confidence", pa.float64()),
        ("attributes", pa.string()),
    ]
)
"""One region of the flat region array (see the module docstring)."""

REGIONS_TYPE = pa.list_(REGION_TYPE)

IMAGE_TYPE = pa.struct(
    [
        ("origin", pa.string()),
        ("height", pa.int32()),
        ("width", pa.int32()),
        ("nChannels", pa.int32()),
        ("mode", pa.int32()),
        ("data", pa.binary()),
    ]
)
"""Spark's image struct (``ImageSchema.columnSchema``): BGR bytes, OpenCV ``mode``."""

# OpenCV type codes Spark's image source uses (ImageSchema.ocvTypes): CV_8UC1, CV_8UC3, CV_8UC4.
_OCV_TYPES = {1: 0, 3: 16, 4: 24}

PAGE_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("page_index", pa.int32()),
        ("page_count", pa.int32()),
        ("width", pa.int32()),
        ("height", pa.int32()),
        ("dpi", pa.float64()),
        ("regions", REGIONS_TYPE),
        ("text", pa.string()),
        ("orientation", pa.int32()),
        ("error", pa.string()),
        ("seconds", pa.float64()),
        ("dpi_y", pa.float64()),
        ("warnings", pa.list_(pa.string())),
        ("text_source", pa.string()),
    ]
)
"""One row per page (``page_index`` 0-based), or per unreadable file (``page_index`` null).

``width``/``height`` in pixels of the page image, ``dpi`` as rasterized (null when unknown), ``text``
the page text in reading order (lines joined by newlines), ``orientation`` the page rotation in degrees
the pipeline reported (null when it reports none), ``error`` null for a good page, ``seconds`` the time
spent on the page (detector + recognizer, not rasterizing; a batch's time shared among its pages),
``dpi_y`` the vertical resolution where it differs from ``dpi`` (a 204 x 98 dpi fax; else null) and
``warnings`` what may be incomplete on a page that was read (``Page.warnings``: damaged image data; an
empty list for a sound page, null on an error row), ``text_source`` where the words came from
(``Page.text_source``: ``ocr``, or for a PDF page that already held text under ``input.text_pages``
``skipped`` / ``text-layer``; null on an error row). Appended columns keep older readers' positions.
"""


def regions_to_rows(regions: Sequence[Region]) -> list[dict[str, Any]]:
    """Flatten a region tree into the flat array layout (depth first, ids = positions)."""
    rows: list[dict[str, Any]] = []

    def add(region: Region, parent: int | None) -> int:
        rid = len(rows)
        row: dict[str, Any] = {
            "id": rid,
            "parent": parent,
            "children": [],
            "level": region.level,
            "order": region.order,
            "quad": [list(p) for p in region.quad],
            "polygon": None if region.polygon is None else [list(p) for p in region.polygon],
            "score": region.score,
            "text": region.text,
            "confidence": region.confidence,
            "attributes": json.dumps(dict(region.attributes), ensure_ascii=False) if region.attributes else None,
        }
        rows.append(row)
        row["children"] = [add(child, rid) for child in region.children]
        return rid

    for region in regions:
        add(region, None)
    return rows


def regions_from_rows(rows: Sequence[Mapping[str, Any]] | None) -> tuple[Region, ...]:
    """Rebuild the region tree from the flat array; ``ValueError`` when an id or parent is inconsistent."""
    if not rows:
        return ()
    by_id = {int(r["id"]): r for r in rows}
    if len(by_id) != len(rows):
        raise ValueError("region ids are not unique")

    def build(rid: int, depth: int) -> Region:
        if depth > len(rows):
            raise ValueError(f"region {rid}: children form a cycle")
        r = by_id.get(rid)
        if r is None:
            raise ValueError(f"region id {rid} is referenced but missing")
        return Region(
            quad=[tuple(p) for p in r["quad"]],  # type: ignore[arg-type]
            level=r["level"],
            score=r.get("score"),
            polygon=None if r.get("polygon") is None else [tuple(p) for p in r["polygon"]],  # type: ignore[arg-type]
            text=r.get("text"),
            confidence=r.get("confidence"),
            order=int(r.get("order") or 0),
            children=tuple(build(int(c), depth + 1) for c in (r.get("children") or ())),
            attributes=json.loads(r["attributes"]) if r.get("attributes") else {},
        )

    return tuple(build(int(r["id"]), 0) for r in rows if r.get("parent") is None)


def page_orientation(page: Page) -> int | None:
    """The page rotation in degrees when the pipeline reports one (``Page.orientation``), else None."""
    value = getattr(page, "orientation", None)
    return None if value is None else int(value)


def page_to_row(page: Page, path: str, page_count: int | None, seconds: float | None = None) -> dict[str, Any]:
    """One ``PAGE_SCHEMA`` row for a processed page; ``path`` replaces ``page.source``."""
    return {
        "path": path,
        "page_index": page.index,
        "page_count": page_count,
        "width": page.width,
        "height": page.height,
        "dpi": page.dpi,
        "regions": regions_to_rows(page.regions),
        "text": page.text,
        "orientation": page_orientation(page),
        "error": None,
        "seconds": seconds,
        "dpi_y": page.dpi_y,
        "warnings": list(page.warnings),
        "text_source": page.text_source,
    }


def error_row(
    path: str, error: str, page_index: int | None = None, page_count: int | None = None,
    image: PageImage | None = None,
) -> dict[str, Any]:
    """One ``PAGE_SCHEMA`` row for a page (or, with ``page_index`` None, a whole file) that failed."""
    return {
        "path": path,
        "page_index": page_index,
        "page_count": page_count,
        "width": None if image is None else image.width,
        "height": None if image is None else image.height,
        "dpi": None if image is None else image.dpi,
        "regions": None,
        "text": None,
        "orientation": None,
        "error": error,
        "seconds": None,
        "dpi_y": None if image is None else image.dpi_y,
        "warnings": None,
        "text_source": None,
    }


def page_from_row(row: Mapping[str, Any]) -> Page:
    """Rebuild the :class:`~ocrplug.model.Page` of a good ``PAGE_SCHEMA`` row (``source`` = ``path``).

    Every field the row holds comes back (orientation, vertical dpi and warnings included), so a Spark
    job writes the same JSON, hOCR and manifest as ``ocrplug run``. Rows written before ``dpi_y``,
    ``warnings`` and ``text_source`` existed read as None / none / ``ocr``. Raises ``ValueError`` for an error row (it has no page).
    """
    if row.get("error") is not None or row.get("page_index") is None:
        raise ValueError(f"{row.get('path')}: error row has no page: {row.get('error')}")
    return Page(
        index=int(row["page_index"]),
        width=int(row["width"]),
        height=int(row["height"]),
        source=str(row["path"]),
        dpi=row.get("dpi"),
        regions=regions_from_rows(row.get("regions")),
        dpi_y=row.get("dpi_y"),
        orientation=int(row.get("orientation") or 0),
        warnings=tuple(row.get("warnings") or ()),
        text_source=row.get("text_source") or "ocr",
    )


def _convert(pixels: np.ndarray, code: int, channels: int) -> np.ndarray:
    """``pixels`` (H x W x C uint8) in another channel order by ``cv2.cvtColor`` (exact channel moves).

    OpenCV swaps channels several times faster than numpy copies a reversed view; an empty image
    (which OpenCV refuses) gives an empty H x W x ``channels`` array.
    """
    if pixels.size == 0:
        return np.zeros((*pixels.shape[:2], channels), dtype=np.uint8)
    return cv2.cvtColor(np.ascontiguousarray(pixels), code)


def bgr_pixels(rgb: np.ndarray) -> np.ndarray:
    """The BGR pixels (H x W x 3 uint8, C-contiguous) of an RGB image: the byte order of Spark's image struct."""
    return _convert(rgb, cv2.COLOR_RGB2BGR, 3)


def image_struct(image: PageImage, origin: str | None = None, channels: int = 3) -> dict[str, Any]:
    """Spark's image struct for a page image (RGB in memory; BGR bytes in the struct).

    ``channels``: 3 (BGR, the default), 1 (8-bit gray, ITU-R 601 luma as Pillow's ``L`` conversion
    computes it) or 4 (BGRA, opaque), the three layouts of Spark's image source. ``ValueError`` otherwise.
    """
    if channels == 3:
        pixels = bgr_pixels(image.image)
    elif channels == 1:
        from PIL import Image

        pixels = np.asarray(Image.fromarray(np.ascontiguousarray(image.image[:, :, :3])).convert("L"))
    elif channels == 4:
        pixels = _convert(image.image, cv2.COLOR_RGB2BGRA, 4)  # alpha 255: opaque
    else:
        raise ValueError(f"image struct channels must be 1, 3 or 4, not {channels}")
    return {
        "origin": origin if origin is not None else image.source,
        "height": image.height,
        "width": image.width,
        "nChannels": channels,
        "mode": _OCV_TYPES[channels],
        "data": pixels.tobytes(),
    }


def image_from_struct(struct: Mapping[str, Any], index: int = 0, dpi: float | None = None) -> PageImage:
    """The RGB :class:`~ocrplug.model.PageImage` of a Spark image struct (1, 3 or 4 channels, 8-bit).

    Raises ``ValueError`` when the byte count does not match ``height x width x nChannels``.
    """
    h, w, c = int(struct["height"]), int(struct["width"]), int(struct["nChannels"])
    data = struct["data"]
    if c not in _OCV_TYPES or len(data) != h * w * c:
        raise ValueError(
            f"{struct.get('origin')}: image struct holds {len(data)} bytes for {h}x{w}x{c} (8-bit 1/3/4 channels)"
        )
    arr = np.frombuffer(data, dtype=np.uint8).reshape(h, w, c)
    rgb = _convert(arr, {1: cv2.COLOR_GRAY2RGB, 3: cv2.COLOR_BGR2RGB, 4: cv2.COLOR_BGRA2RGB}[c], 3)  # alpha dropped
    return PageImage(image=rgb, index=index, source=str(struct.get("origin") or ""), dpi=dpi)
