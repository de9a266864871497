"""Render the sample documents shipped in examples/ (text written for this project, DejaVu fonts).

Run: python examples/make_sample.py   (rewrites examples/sample.png and examples/sample.pdf)
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

PAGES = [
    [
        ("DejaVuSans-Bold.ttf", 44, "Quarterly Maintenance Report"),
        ("DejaVuSans.ttf", 26, ""),
        ("DejaVuSerif.ttf", 28, "The north pumping station was inspected on"),
        ("DejaVuSerif.ttf", 28, "Monday morning. All three motors started"),
        ("DejaVuSerif.ttf", 28, "normally and the pressure held steady at"),
        ("DejaVuSerif.ttf", 28, "four bar for the whole test period."),
        ("DejaVuSans.ttf", 26, ""),
        ("DejaVuSans-Bold.ttf", 30, "Actions"),
        ("DejaVuSans.ttf", 28, "Replace the worn valve seal before winter."),
        ("DejaVuSans.ttf", 28, "Order spare filters for the east station."),
        ("DejaVuSansMono.ttf", 26, "Invoice 2041 total 318.40 EUR"),
    ],
    [
        ("DejaVuSans-Bold.ttf", 40, "Appendix"),
        ("DejaVuSans.ttf", 26, ""),
        ("DejaVuSerif.ttf", 28, "Readings were taken every hour by the"),
        ("DejaVuSerif.ttf", 28, "operator on duty and stored in the log."),
        ("DejaVuSans.ttf", 28, "Next inspection is planned for March."),
    ],
]


def render(lines: list[tuple[str, int, str]], size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """Draw the lines on a white A4 page at 150 dpi."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    y = 140
    for font_name, points, text in lines:
        font = ImageFont.truetype(str(FONT_DIR / font_name), points)
        if text:
            draw.text((120, y), text, font=font, fill=0)
        y += int(points * 1.9)
    return page


def main() -> None:
    """Write sample.png (page 1) and sample.pdf (both pages, 150 dpi)."""
    pages = [render(lines) for lines in PAGES]
    pages[0].save(HERE / "sample.png", optimize=True, dpi=(150, 150))
    pages[0].save(HERE / "sample.pdf", save_all=True, append_images=pages[1:], resolution=150)


if __name__ == "__main__":
    main()
