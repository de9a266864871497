"""Fonts and blank canvases shared by the benchmarks that draw their own pages (the new-user pages of
``newuser_pages.py``, ``newuser_pages_t7.py``, ``newuser_pages_t9.py`` and ``short_marks.py``).

Fonts are the Debian packages ``install.sh`` installs (fonts-liberation, fonts-noto-core, fonts-dejavu,
fonts-urw-base35, fonts-comic-neue), named by a short key; a size is given in points at a resolution in
dots per inch, as a word processor sets it (``pt * dpi / 72`` pixels for the em). Pages are 8-bit grey
(``L``), white.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

URW = "/usr/share/fonts/opentype/urw-base35/"
TRUETYPE = "/usr/share/fonts/truetype/"

#: Font key -> font file.
FONTS = {
    "notosans": TRUETYPE + "noto/NotoSans-Regular.ttf",
    "notoserif": TRUETYPE + "noto/NotoSerif-Regular.ttf",
    "notoserifb": TRUETYPE + "noto/NotoSerif-Bold.ttf",
    "nimbusroman": URW + "NimbusRoman-Regular.otf",
    "nimbussans": URW + "NimbusSans-Regular.otf",
    "nimbussansb": URW + "NimbusSans-Bold.otf",
    "p052": URW + "P052-Roman.otf",
    "p052i": URW + "P052-Italic.otf",
    "p052b": URW + "P052-Bold.otf",
    "bookman": URW + "URWBookman-Light.otf",
    "bookd": URW + "URWBookman-Demi.otf",
    "nimbusmono": URW + "NimbusMonoPS-Regular.otf",
    "gothic": URW + "URWGothic-Book.otf",
    "gothicb": URW + "URWGothic-Demi.otf",
    "c059": URW + "C059-Roman.otf",
    "c059b": URW + "C059-Bold.otf",
    "narrow": URW + "NimbusSansNarrow-Regular.otf",
    "narrowb": URW + "NimbusSansNarrow-Bold.otf",
    "romanbi": URW + "NimbusRoman-BoldItalic.otf",
    "sansi": URW + "NimbusSans-Italic.otf",
    "comic": "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
    "libmono": TRUETYPE + "liberation/LiberationMono-Regular.ttf",
    "libsans": TRUETYPE + "liberation/LiberationSans-Regular.ttf",
    "libsansb": TRUETYPE + "liberation/LiberationSans-Bold.ttf",
    "libsi": TRUETYPE + "liberation/LiberationSans-Italic.ttf",
    "libserif": TRUETYPE + "liberation/LiberationSerif-Regular.ttf",
    "dejavu": TRUETYPE + "dejavu/DejaVuSans.ttf",
    "dejavub": TRUETYPE + "dejavu/DejaVuSans-Bold.ttf",
    "dvsc": TRUETYPE + "dejavu/DejaVuSerifCondensed.ttf",
    "monob": TRUETYPE + "dejavu/DejaVuSansMono-Bold.ttf",
}


def font(name: str, pt: float, dpi: int) -> ImageFont.FreeTypeFont:
    """The font ``FONTS[name]`` at ``pt`` points on a page of ``dpi``; KeyError for an unknown key, OSError
    when its file is not installed."""
    return ImageFont.truetype(FONTS[name], round(pt * dpi / 72))


def save_pages(folder: str, pages: list) -> None:
    """Write each page's image (the second item of each tuple, an H x W (x 3) uint8 array) to
    ``folder/<name>.png`` (the first item); nothing when ``folder`` is empty (a ``--save`` option unset)."""
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for name, image, *_ in pages:
        Image.fromarray(image).save(Path(folder) / f"{name}.png")


def canvas(dpi: int, w_in: float, h_in: float) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A white grey page ``w_in`` x ``h_in`` inches at ``dpi`` and a drawing context on it."""
    img = Image.new("L", (round(w_in * dpi), round(h_in * dpi)), 255)
    return img, ImageDraw.Draw(img)
