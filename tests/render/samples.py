"""Hand-built documents for the renderer tests: blocks, lines, loose words, rotated text, Unicode."""

from __future__ import annotations

import math

import numpy as np

from ocrplug.model import Document, Page, PageImage, Region

# Text that must survive every format: accents, CJK, right-to-left, XML/HTML special characters.
ACCENTED = "Ça coûte 5 € déjà"
CJK = "日本語 テキスト"
RTL = "مرحبا بالعالم"
SPECIAL = 'a<b & "c" \'d\' >e'


def rotated_quad(cx: float, cy: float, w: float, h: float, degrees: float):
    """Quad of a w x h box centred on (cx, cy), text rotated counter-clockwise on screen by degrees."""
    a = math.radians(degrees)
    ux = np.array([math.cos(a), -math.sin(a)])  # text direction (y down)
    uy = np.array([math.sin(a), math.cos(a)])  # down the text
    c = np.array([cx, cy])
    tl = c - ux * w / 2 - uy * h / 2
    tr = c + ux * w / 2 - uy * h / 2
    br = c + ux * w / 2 + uy * h / 2
    bl = c - ux * w / 2 + uy * h / 2
    return tuple(tuple(float(v) for v in p) for p in (tl, tr, br, bl))


def words_line(texts: list[str], x: float, y: float, h: float = 20, char_w: float = 10, conf: float = 0.9,
               gap: float = 10) -> Region:
    """A line region at (x, y) whose word children have the given texts, laid out left to right."""
    words = []
    cx = x
    for k, t in enumerate(texts):
        w = max(len(t), 1) * char_w
        words.append(Region.from_box(cx, y, cx + w, y + h, level="word", text=t, confidence=conf, order=k, score=0.8))
        cx += w + gap
    return Region.from_box(x, y, cx - gap, y + h, level="line", text=" ".join(texts), confidence=conf,
                           children=tuple(words), score=0.85)


def sample_page(index: int = 0, width: int = 640, height: int = 480) -> Page:
    """A page with a block of lines, a top-level line, a wordless line, loose words and a textless region."""
    block = Region.from_box(
        20, 20, 400, 90, level="block", order=0,
        children=(
            words_line(["Hello", "wörld"], 30, 30, conf=0.95),
            words_line(ACCENTED.split(" "), 30, 60, conf=0.8),
        ),
    )
    cjk = words_line(CJK.split(" "), 30, 140, char_w=20)
    special = words_line(SPECIAL.split(" "), 30, 170)
    # A line recognizer's output: text, no word boxes.
    rtl = Region.from_box(30, 240, 180, 262, level="line", text=RTL, confidence=0.7, order=3)
    loose = (
        Region.from_box(30, 320, 80, 340, level="word", text="loose", confidence=0.6),
        Region.from_box(90, 320, 150, 340, level="word", text="words", confidence=0.5),
    )
    # Detector-only region: no text at all.
    bare = Region.from_box(400, 400, 500, 430, level="line", score=0.7)
    return Page(index=index, width=width, height=height, source="sample.png", dpi=300.0,
                regions=(block, cjk, special, rtl, *loose, bare))


def sample_document(pages: int = 2) -> Document:
    """A document of sample pages."""
    return Document(source="sample.png", pages=tuple(sample_page(i) for i in range(pages)))


def sample_image(page: Page, value: int = 255) -> PageImage:
    """A plain page image of the page's size."""
    img = np.full((page.height, page.width, 3), value, dtype=np.uint8)
    return PageImage(image=img, index=page.index, source=page.source, dpi=page.dpi)


def render(renderer, document: Document, info, with_images: bool | None = None):
    """Run a renderer over a document the way the pipeline does; returns the paths written."""
    session = renderer.open(info)
    needs = renderer.needs_image if with_images is None else with_images
    for page in document.pages:
        session.add_page(page, sample_image(page) if needs else None)
    return session.close()
