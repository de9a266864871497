"""CRAFT ground truth as in the paper: region and affinity score maps from character quadrilaterals.

Region map: an isotropic 2D Gaussian drawn on a square template is warped by the perspective transform
that maps the template's corners onto each character quad; overlapping characters keep the maximum.
Affinity map: for two consecutive characters of a word, each character quad is split by its diagonals'
centre into an upper triangle (top-left, top-right, centre) and a lower one (bottom-left, bottom-right,
centre); the affinity box joins the centres of the upper and lower triangles of both characters, and the
same Gaussian is warped into it.

Numpy/OpenCV only, so it runs in data-loader workers and is tested without torch.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

__all__ = [
    "DEFAULT_EDGE_VALUE",
    "affinity_quads",
    "gaussian_template",
    "line_link_map",
    "render_score_map",
    "score_maps",
]

# Score at the middle of each edge of a box. 0.3 keeps the blob inside its box while the default
# post-processing thresholds (low_text 0.4, text 0.7) still cut a component close to the glyph.
DEFAULT_EDGE_VALUE = 0.3
_TEMPLATE_SIZE = 64
_SHIFT_IN = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]], np.float64)
_SHIFT_OUT = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]], np.float64)


@functools.lru_cache(maxsize=8)
def gaussian_template(size: int = _TEMPLATE_SIZE, edge_value: float = DEFAULT_EDGE_VALUE) -> np.ndarray:
    """A ``size`` x ``size`` float32 isotropic Gaussian: 1 at the centre, ``edge_value`` at edge midpoints.

    Pixel (i, j) samples the Gaussian at its centre ((j + 0.5), (i + 0.5)); the template square is
    [0, size] x [0, size] so it maps exactly onto a quad with ``cv2.getPerspectiveTransform``.
    """
    if not 0.0 < edge_value < 1.0:
        raise ValueError(f"edge_value must be in (0, 1), got {edge_value}")
    half = size / 2.0
    sigma2 = half * half / (-2.0 * np.log(edge_value))
    coords = np.arange(size, dtype=np.float64) + 0.5 - half
    d2 = coords[None, :] ** 2 + coords[:, None] ** 2
    template = np.exp(-d2 / (2.0 * sigma2)).astype(np.float32)
    template.setflags(write=False)
    return template


def _valid_quad(quad: np.ndarray) -> bool:
    # A perspective transform needs a non-degenerate convex quad.
    d1, d2 = quad[2] - quad[0], quad[3] - quad[1]
    area = 0.5 * abs(float(d1[0] * d2[1] - d1[1] * d2[0]))
    return np.isfinite(quad).all() and area >= 0.25


def render_score_map(
    shape: tuple[int, int], quads: np.ndarray, edge_value: float = DEFAULT_EDGE_VALUE, out: np.ndarray | None = None
) -> np.ndarray:
    """Draw the warped Gaussian into every quad of ``quads`` ((N, 4, 2), x/y pixels) on a (H, W) map.

    Overlaps keep the maximum. Quads partly outside the map are clipped; degenerate quads are skipped.
    Each quad only touches its own bounding window, so the cost scales with the text area.
    """
    height, width = shape
    score = np.zeros((height, width), np.float32) if out is None else out
    if len(quads) == 0:
        return score
    template = gaussian_template(_TEMPLATE_SIZE, edge_value)
    t = float(_TEMPLATE_SIZE)
    src = np.float32([[0, 0], [t, 0], [t, t], [0, t]])
    for quad in np.asarray(quads, np.float32):
        if not _valid_quad(quad):
            continue
        x0 = max(int(np.floor(quad[:, 0].min())), 0)
        y0 = max(int(np.floor(quad[:, 1].min())), 0)
        x1 = min(int(np.ceil(quad[:, 0].max())) + 1, width)
        y1 = min(int(np.ceil(quad[:, 1].max())) + 1, height)
        if x1 <= x0 or y1 <= y0:
            continue
        # Quads are in continuous coordinates (pixel x covers [x, x + 1]) while OpenCV indexes pixel
        # centres: convert template index -> continuous (+0.5), warp, continuous -> map index (-0.5).
        dst = (quad - np.float32([x0, y0])).astype(np.float32)
        m = _SHIFT_OUT @ cv2.getPerspectiveTransform(src, dst) @ _SHIFT_IN
        patch = cv2.warpPerspective(
            template, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0
        )
        window = score[y0:y1, x0:x1]
        np.maximum(window, patch, out=window)
    return score


def affinity_quads(char_quads: np.ndarray, char_word: np.ndarray) -> np.ndarray:
    """Affinity boxes (K, 4, 2) between consecutive characters of the same word.

    ``char_quads`` (N, 4, 2) clockwise from top-left, listed word by word in reading order;
    ``char_word`` (N,) the word index of each character. Each box is
    [upper centre of char a, upper centre of char b, lower centre of char b, lower centre of char a].
    """
    quads = np.asarray(char_quads, np.float32).reshape(-1, 4, 2)
    words = np.asarray(char_word).reshape(-1)
    if len(quads) < 2:
        return np.zeros((0, 4, 2), np.float32)
    centre = quads.mean(axis=1)
    upper = (quads[:, 0] + quads[:, 1] + centre) / 3.0
    lower = (quads[:, 3] + quads[:, 2] + centre) / 3.0
    same = words[1:] == words[:-1]
    a = np.flatnonzero(same)
    b = a + 1
    return np.stack([upper[a], upper[b], lower[b], lower[a]], axis=1).astype(np.float32)


def score_maps(
    shape: tuple[int, int],
    char_quads: np.ndarray,
    char_word: np.ndarray,
    scale: float = 0.5,
    edge_value: float = DEFAULT_EDGE_VALUE,
) -> tuple[np.ndarray, np.ndarray]:
    """Region and affinity maps for an image of ``shape`` (H, W), at ``scale`` of its resolution.

    CRAFT predicts at half the input resolution, hence the default ``scale`` 0.5. Returns two float32
    arrays of shape (round(H * scale), round(W * scale)).
    """
    out_shape = (round(shape[0] * scale), round(shape[1] * scale))
    quads = np.asarray(char_quads, np.float32).reshape(-1, 4, 2) * scale
    region = render_score_map(out_shape, quads, edge_value)
    affinity = render_score_map(out_shape, affinity_quads(quads, char_word), edge_value)
    return region, affinity


def line_link_map(
    shape: tuple[int, int],
    char_quads: np.ndarray,
    char_line: np.ndarray,
    scale: float = 0.5,
    edge_value: float = DEFAULT_EDGE_VALUE,
) -> np.ndarray:
    """The link refiner's target: affinity between consecutive characters of the same *line*.

    Like the affinity map of :func:`score_maps`, but characters are grouped by line (``char_line``, (N,))
    instead of by word, so the affinity boxes also span the gaps between the words of a line and the
    post-processing's text mask (region or link) joins a whole line. Characters must be listed in reading
    order within each line. Returns float32 (round(H * scale), round(W * scale)).
    """
    out_shape = (round(shape[0] * scale), round(shape[1] * scale))
    quads = np.asarray(char_quads, np.float32).reshape(-1, 4, 2) * scale
    return render_score_map(out_shape, affinity_quads(quads, char_line), edge_value)
