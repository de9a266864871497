"""Wide pixel values (16-bit, 32-bit integer, float) to 8-bit: one rule for image files and arrays.

Image files opened by Pillow in modes ``I;16``, ``I`` and ``F`` (the image rasterizer) and numpy arrays or
Pillow images handed to :meth:`ocrplug.Pipeline.run` (:func:`ocrplug.sources.to_rgb_array`) go through
:func:`pixels_to_uint8`, so a page reads the same whichever door it came through.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

#: Share of a float image's pixels that must lie in [0, 1] for it to be taken as a 0..1 image (the
#: convention of scientific and HDR tools; a page in 0..255 has nearly all its paper above 1): a few
#: pixels over 1.0 (a filter's overshoot, 1.02) are clipped instead of turning the whole page into
#: 0..255 values, i.e. black (T14, session 14).
UNIT_RANGE_SHARE = 0.99
#: How far past 0 and 1 a 0..1 page's values may reach and still count as in range: sharpening overshoots
#: (V14's sharpened page: 4.7 % of its pixels over 1, up to 1.71, its 99th percentile 1.24); such values
#: are clipped. A 0..255 page's paper lies far above 1.5.
UNIT_SLACK = 0.5


def pixels_to_uint8(values: np.ndarray, *, top: float | None = None, label: str = "image") -> np.ndarray:
    """``values`` (any shape, any real dtype) scaled to uint8 by the range the values are in.

    ``top`` given (e.g. 65535 for 16-bit files): ``0..top`` is the range. Else unsigned 16-bit is
    ``0..65535``; a float array is ``0..1`` when :data:`UNIT_RANGE_SHARE` of its finite values lie within
    :data:`UNIT_SLACK` of it (the rest clipped); values up to 255 are 8-bit, up to 65535 16-bit; anything else (negative values,
    larger ones) is stretched from its minimum to its maximum. Non-finite pixels (NaN, inf) are taken as
    paper: set to the range's top, with a warning naming ``label``; an image with no finite pixel is blank
    paper. Returns a new uint8 array of the same shape; raises nothing for real dtypes.
    """
    arr = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(arr)
    bad = int(arr.size - np.count_nonzero(finite))
    seen = arr[finite]
    if top is not None:
        low, high = 0.0, float(top)
    elif values.dtype == np.uint16:
        low, high = 0.0, 65535.0
    elif seen.size == 0:
        low, high = 0.0, 1.0
    else:
        lo, hi = float(seen.min()), float(seen.max())
        unit = np.count_nonzero((seen >= -UNIT_SLACK) & (seen <= 1.0 + UNIT_SLACK)) >= UNIT_RANGE_SHARE * seen.size
        if np.issubdtype(values.dtype, np.floating) and unit:
            low, high = 0.0, 1.0
        elif lo >= 0.0 and hi <= 255.0:
            low, high = 0.0, 255.0
        elif lo >= 0.0 and hi <= 65535.0:
            low, high = 0.0, 65535.0
        else:
            low, high = lo, max(hi, lo + 1e-9)
    if bad:
        log.warning("%s: %d pixel(s) are not finite numbers (NaN or infinite): read as paper", label, bad)
        arr = np.where(finite, arr, high)
    return np.clip((arr - low) / (high - low) * 255.0 + 0.5, 0, 255).astype(np.uint8)
