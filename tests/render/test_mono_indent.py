"""The text renderer indents the lines of a monospaced listing by their character cells (issue 24, T11 code.png)."""

from __future__ import annotations

from ocrplug_render.text import page_text

from ocrplug.model import Page, Region

PITCH = 15.0


def _line(text: str, x: float, y: float, pitch: float | None = PITCH) -> Region:
    """A level line whose words sit on a monospaced grid starting at page x ``x`` (one cell per character)."""
    words, col = [], 0
    for k, token in enumerate(text.split(" ")):
        if token:
            left = x + col * PITCH
            words.append(Region.from_box(left + 2, y, left + len(token) * PITCH - 2, y + 20, level="word",
                                         text=token, order=k))
        col += len(token) + 1
    attributes = {"pitch": pitch, "cell_left": x} if pitch else {}
    return Region.from_box(x, y, x + len(text) * PITCH, y + 20, level="line", text=" ".join(text.split()),
                           children=tuple(words), attributes=attributes)


def _page(lines: list[Region]) -> Page:
    block = Region.from_box(0, 0, 800, 40 * len(lines), level="block",
                            children=tuple(ln.with_(order=k) for k, ln in enumerate(lines)))
    return Page(index=0, width=800, height=40 * len(lines), source="x", regions=(block,))


def test_monospaced_lines_keep_their_indentation() -> None:
    code = ["def f(xs):", "    if not xs:", "        return 0", "    return 1"]
    lines = [_line(t.strip(), 100 + (len(t) - len(t.lstrip())) * PITCH, 40 * k) for k, t in enumerate(code)]
    assert page_text(_page(lines)) == "\n".join(code)


def test_lines_without_a_pitch_are_not_indented() -> None:
    prose = ["First line of a paragraph", "an indented second line", "third"]
    lines = [_line(t, 100 + 60 * k, 40 * k, pitch=None) for k, t in enumerate(prose)]
    assert page_text(_page(lines)) == "\n".join(prose)


def test_line_numbers_are_a_column_of_their_own() -> None:
    # Numbers (no pitch: too few glyphs) before code lines: the code's indentation counts from the code's column.
    rows = [("1", "def f(xs):"), ("2", "    return xs")]
    lines = []
    for k, (number, code) in enumerate(rows):
        lines.append(Region.from_box(40, 40 * k, 55, 40 * k + 20, level="line", text=number))
        indent = len(code) - len(code.lstrip())
        lines.append(_line(code.strip(), 100 + indent * PITCH, 40 * k))
    assert page_text(_page(lines)) == "1 def f(xs):\n2     return xs"
