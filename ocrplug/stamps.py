"""Colour layers of a page: black text with a coloured rubber stamp or ink signature over it.

A detector trained on text sees a translucent red ``RECEIVED`` stamp as text too, and its map joins the
stamp's letters and every text line they cross into one region that fits no line (issue 24: DB's map of
T14's ``stamp.png`` fused lines 5-8 and the stamp into two kernels 86-101 px tall over 14 px lines; both
failed ``box_thresh`` and the four lines were lost whole, their parts outside the stamp too). Seen apart,
each layer is plain text: :func:`colour_views` gives the page with the saturated colour dropped (black
text, the stamp gone) and the stamp's own layer (the coloured ink, dark on white), for a detector to look
at again where its first look lost text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A pixel whose channels spread this many grey levels or more (max - min, 0-255) is coloured ink. Stamps
#: composited at alpha 120-220 spread (over paper and over black text alike): red and blue (200, 30, 40) /
#: (30, 60, 200) 80-147, green (20, 140, 60) 57-104; black and grey print and paper spread 0. 50 lies
#: under the faintest (green at alpha 120); checked on ``benchmarks/stamped_pages.py`` (docs/benchmarks.md
#: "Stamps over text").
SATURATION = 50
#: Share of the page's pixels that must be coloured for the views to be made (fewer: no stamp).
MIN_COLOUR_SHARE = 0.002
#: The stamp's brightness on paper is this percentile of the coloured pixels' brightest channel; coloured
#: pixels are brightened by 255 / that level, so the stamp on paper turns white and black text under it
#: stays mid grey (a red stamp at alpha 170: 218 on paper -> 255, 133 over black -> 155).
STAMP_LEVEL_PERCENTILE = 90


@dataclass(frozen=True)
class ColourViews:
    """Two views of one page (each H x W x 3 uint8, the page's size).

    ``dropped``: every pixel's brightest channel, coloured pixels (:data:`SATURATION`) brightened by
    255 / the stamp's level on paper (:data:`STAMP_LEVEL_PERCENTILE`): the black text, the stamp gone.
    ``layer``: the coloured pixels alone, dark by their saturation (255 - spread) on white.
    """

    dropped: np.ndarray
    layer: np.ndarray


def colour_views(image: np.ndarray) -> ColourViews | None:
    """The colour-dropped view and the colour layer of an RGB page (H x W x 3 uint8), or None when fewer
    than :data:`MIN_COLOUR_SHARE` of its pixels are coloured (a grey page, a page of black print).

    Raises ValueError for an image that is not H x W x 3.
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an H x W x 3 image, got shape {image.shape}")
    pixels = image.astype(np.int16)
    top = pixels.max(axis=2)
    spread = top - pixels.min(axis=2)
    colour = spread >= SATURATION
    if colour.mean() < MIN_COLOUR_SHARE:
        return None
    level = max(float(np.percentile(top[colour], STAMP_LEVEL_PERCENTILE)), 1.0)
    dropped = top.astype(np.float32)
    dropped[colour] = np.minimum(dropped[colour] * (255.0 / level), 255.0)
    layer = np.where(colour, 255 - spread, 255).astype(np.uint8)
    return ColourViews(
        dropped=np.repeat(np.round(dropped).astype(np.uint8)[..., None], 3, axis=2),
        layer=np.repeat(layer[..., None], 3, axis=2),
    )
