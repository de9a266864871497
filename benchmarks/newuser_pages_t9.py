"""Tables a fresh user reads (issue 24, T9 faults 1 and 3): bank statements and bus timetables.

usage: python benchmarks/newuser_pages_t9.py [--presets fast,accurate,swift] [--work DIR]

Draws 4 deterministic pages with PIL in fonts Debian ships (Liberation Sans, Noto Serif, DejaVu Sans,
URW Nimbus Sans): two bank statements (a title and address over a table ``Date Description Ref Debit
Credit Balance`` whose Debit / Credit / Balance cells are right-aligned and Debit / Credit each left
empty on half the rows, a closing balance and a footer; 300 and 200 dpi, one with ruled header) and two
timetables (a ``Stop`` column of stop names and 8 or 10 trip columns of ``HH:MM`` times with ``-`` where a
trip does not stop, a footnote; one in a ruled grid with shaded rows at 200 dpi, one unruled at 300 dpi).
The truth of every page is its rows, each left to right: a table is read row by row (docs/layout.md).

Each preset runs through ``ocrplug run`` (the ``ocrplug`` beside this Python) with the text and JSON renderers.
Per page it prints the word error rate of the text output against the truth in reading order (WER,
``ocrplug.evaluation.metrics.word_error_rate``: word-level Levenshtein distance over the truth's word count) and the bag-of-words error rate (words
missing plus extra, over the truth's word count): a WER far above the bag rate means the words were
read but put in the wrong order.
"""

from __future__ import annotations

import argparse
import collections
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from drawn_pages import canvas, font

from ocrplug.evaluation.metrics import word_error_rate


def money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


DESCRIPTIONS = [
    "Card payment TESCO STORES", "Direct debit YORKSHIRE WATER", "Salary ACME LTD", "Transfer to savings",
    "Card payment SHELL 4412", "Standing order RENT", "ATM withdrawal", "Interest", "Refund AMAZON EU",
    "Direct debit COUNCIL TAX", "Cheque 000231", "Transfer from J CARTER", "Bank charges",
    "Card payment TRAINLINE", "Direct debit BT GROUP", "Card payment LIDL",
]


def statement(name: str, face: str, dpi: int, rows: int, seed: int, ruled: bool, out: Path) -> list[str]:
    """A bank statement page; returns its truth lines (rows, each left to right)."""
    rng = random.Random(seed)
    img, d = canvas(dpi, 8.27, 7.0)
    f, fb, ft = font(face, 10, dpi), font(face + "b", 10, dpi), font(face + "b", 16, dpi)
    px = lambda inch: round(inch * dpi)  # noqa: E731
    lines: list[str] = []
    y = 0.5
    for text, fo, step in [
        ("NORDSTADT SAVINGS BANK", ft, 0.42),
        (f"Statement of Account No. {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}", f, 0.22),
        ("Period 01.03.2026 to 31.03.2026", f, 0.22),
        ("Mr Omar Haddad, 7 Quay Street, Bristol BS1 4DJ", f, 0.4),
    ]:
        d.text((px(0.6), px(y)), text, font=fo, fill=0)
        lines.append(text)
        y += step
    # Columns: left edges of Date, Description, Ref; right edges of Debit, Credit, Balance (inches).
    x_date, x_desc, x_ref, r_debit, r_credit, r_bal = 0.6, 1.55, 4.35, 5.75, 6.75, 7.7
    head = ["Date", "Description", "Ref", "Debit", "Credit", "Balance"]
    for text, x, right in zip(head, [x_date, x_desc, x_ref, r_debit, r_credit, r_bal], [0, 0, 0, 1, 1, 1], strict=True):
        width = d.textlength(text, font=fb) if right else 0
        d.text((px(x) - width, px(y)), text, font=fb, fill=0)
    lines.append(" ".join(head))
    y += 0.2
    if ruled:
        d.line([(px(0.6), px(y + 0.03)), (px(7.7), px(y + 0.03))], fill=0, width=max(1, dpi // 100))
    y += 0.1
    balance = rng.randint(150_000, 400_000)
    for k in range(rows):
        date = f"{2 + 2 * k:02d}.03.26"
        desc = DESCRIPTIONS[(seed + 5 * k) % len(DESCRIPTIONS)]
        ref = f"{rng.randint(100000, 999999)}"
        amount = rng.randint(500, 45_000)
        credit = desc.startswith(("Salary", "Refund", "Interest", "Transfer from"))
        balance += amount if credit else -amount
        cells = [(date, x_date, 0), (desc, x_desc, 0), (ref, x_ref, 0),
                 (money(amount), r_credit if credit else r_debit, 1), (money(balance), r_bal, 1)]
        for text, x, right in cells:
            width = d.textlength(text, font=f) if right else 0
            d.text((px(x) - width, px(y)), text, font=f, fill=0)
        lines.append(" ".join(c[0] for c in cells))
        y += 0.19
    if ruled:
        d.line([(px(0.6), px(y + 0.05)), (px(7.7), px(y + 0.05))], fill=0, width=max(1, dpi // 100))
    y += 0.2
    text = f"Closing balance {money(balance)}"
    d.text((px(r_bal) - d.textlength(text, font=fb), px(y)), text, font=fb, fill=0)
    lines.append(text)
    y += 0.4
    text = "Report any error within 30 days."
    d.text((px(0.6), px(y)), text, font=f, fill=0)
    lines.append(text)
    img.save(out / f"{name}.png", dpi=(dpi, dpi))
    return lines


STOPS = ["Central Station", "Market Square", "Royal Hospital", "Park Road", "University", "Hill Top", "Airport"]


def timetable(name: str, face: str, dpi: int, trips: int, stops: int, seed: int, grid: bool, out: Path) -> list[str]:
    """A bus timetable page (landscape); returns its truth lines (rows, each left to right)."""
    rng = random.Random(seed)
    img, d = canvas(dpi, 11.0, 6.0)
    f, fb, ft = font(face, 10, dpi), font(face + "b", 10, dpi), font(face + "b", 16, dpi)
    px = lambda inch: round(inch * dpi)  # noqa: E731
    route = rng.randint(10, 99)
    title = f"Route {route} Weekday Timetable"
    d.text((px(0.6), px(0.4)), title, font=ft, fill=0)
    lines = [title]
    names = STOPS[:stops]
    start = [6 * 60 + rng.randint(0, 20) + 37 * k for k in range(trips)]
    skip = {rng.randrange(trips) for _ in range(2)}  # trips that do not stop at the skipped stop
    skipped = rng.randrange(1, stops - 1)
    x0, first_w, cell_w, row_h = 0.6, 1.7, (10.4 - 0.6 - 1.7) / trips, 0.34
    y0 = 1.1
    table = [["Stop", *[str(100 + route * 10 + k) for k in range(trips)]]]
    for s, stop in enumerate(names):
        row = [stop]
        for k in range(trips):
            t = start[k] + 7 * s
            row.append("-" if (s == skipped and k in skip) else f"{t // 60:02d}:{t % 60:02d}")
        table.append(row)
    for r, row in enumerate(table):
        top = y0 + r * row_h
        if grid and r % 2 == 1:
            d.rectangle([px(x0), px(top), px(x0 + first_w + trips * cell_w), px(top + row_h)], fill=226)
        for c, text in enumerate(row):
            fo = fb if r == 0 else f
            if c == 0:
                x = px(x0 + 0.06)
            else:
                centre = x0 + first_w + (c - 0.5) * cell_w
                x = px(centre) - round(d.textlength(text, font=fo) / 2)
            d.text((x, px(top + 0.09)), text, font=fo, fill=0)
        lines.append(" ".join(row))
    if grid:
        bottom = y0 + len(table) * row_h
        for r in range(len(table) + 1):
            d.line([(px(x0), px(y0 + r * row_h)), (px(x0 + first_w + trips * cell_w), px(y0 + r * row_h))], fill=0, width=2)
        for c in range(trips + 2):
            x = x0 if c == 0 else x0 + first_w + (c - 1) * cell_w
            d.line([(px(x), px(y0)), (px(x), px(bottom))], fill=0, width=2)
    note = f"- does not stop at {names[skipped]}. Valid from 4 January 2027."
    d.text((px(x0), px(y0 + len(table) * row_h + 0.2)), note, font=font(face, 9, dpi), fill=0)
    lines.append(note)
    img.save(out / f"{name}.png", dpi=(dpi, dpi))
    return lines


def build(out: Path) -> dict[str, list[str]]:
    out.mkdir(parents=True, exist_ok=True)
    return {
        "statement_libsans_300": statement("statement_libsans_300", "libsans", 300, 16, 3, True, out),
        "statement_notoserif_200": statement("statement_notoserif_200", "notoserif", 200, 12, 8, False, out),
        "timetable_dejavu_200": timetable("timetable_dejavu_200", "dejavu", 200, 10, 7, 4, True, out),
        "timetable_nimbussans_300": timetable("timetable_nimbussans_300", "nimbussans", 300, 8, 6, 9, False, out),
    }


def scores(truth: list[str], text: str) -> tuple[float, float]:
    """(WER in reading order, bag-of-words error rate) of ``text`` against the truth lines."""
    tw = " ".join(truth).split()
    ow = text.split()
    bt, bo = collections.Counter(tw), collections.Counter(ow)
    bag = (sum((bt - bo).values()) + sum((bo - bt).values())) / max(1, len(tw))
    return word_error_rate(text, " ".join(tw)), bag


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--work", type=Path, default=None, help="folder for pages and outputs (default: a temporary one)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-newuser-t9-"))
    truth = build(work / "in")
    exe = str(Path(sys.executable).parent / "ocrplug")
    inputs = [str(work / "in" / f"{n}.png") for n in truth]
    for preset in args.presets.split(","):
        out = work / f"out_{preset}"
        r = subprocess.run([exe, "run", *inputs, "--preset", preset, "--no-progress", "--no-resume",
                            "--set", "renderers=[{name: text},{name: json}]", "-o", str(out)], capture_output=True, text=True)
        print(f"== {preset} (exit code {r.returncode})")
        if r.returncode:
            print(r.stderr[-2000:])
        wers = []
        for name, lines in truth.items():
            path = out / f"{name}.txt"
            wer, bag = scores(lines, path.read_text(encoding="utf-8") if path.exists() else "")
            wers.append(wer)
            print(f"  {name:26s} WER {wer:.3f}  bag {bag:.3f}")
        print(f"  {'mean':26s} WER {sum(wers) / len(wers):.3f}")


if __name__ == "__main__":
    main()
