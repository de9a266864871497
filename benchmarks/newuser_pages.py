"""A new user's pages (issue 24, T5): forms, tables, receipts, margin labels, tilted and dense print.

usage: python benchmarks/newuser_pages.py [--presets fast,accurate,swift] [--work DIR]

Draws 16 deterministic pages with PIL in fonts other than the ones the issue's tests use (Noto Sans /
Serif, URW Nimbus Roman / Sans / Mono, P052, URW Bookman from ``fonts-noto-core`` and ghostscript's URW
base35 fonts): one-character answers (``0 1 7 I l x y X %``) far right of labels and in ruled table
cells, receipts with ``Qty`` / ``Item`` / ``Price`` headers in a monospaced and a serif font, margin
labels turned 90 and 270 degrees beside body text, a paragraph tilted 3 and -4 degrees beside level
labels, two columns, a blank page, a page of specks and 6-7 pt print at 300 dpi (150-300 dpi). Each
preset runs through ``ocrplug run`` (the ``ocrplug`` beside this Python) with the text, hOCR, ALTO and
PDF renderers; per page it prints the words read right (a multiset match against the page's words), the
words in order (longest common subsequence), the share of the text output's words that ``pdftotext``
gives of the PDF, and wrong angles: a level line with an hOCR ``textangle`` or an ALTO ``ROTATION``,
a turned line whose ``textangle`` is not its turn (0.5 degrees), a tilted line read level.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from drawn_pages import canvas, font
from lxml import etree
from PIL import Image, ImageDraw

OUT = Path(".")
truth: dict = {}
def page(dpi, w_in=8.5, h_in=6.0):
    return canvas(dpi, w_in, h_in)


def save(name, img, lines, kind, dpi):
    img.save(OUT / f"{name}.png", dpi=(dpi, dpi))
    truth[name] = {"kind": kind, "lines": lines}


def labels(name, fname, pt, dpi, answers, xs):
    img, d = page(dpi)
    f = font(fname, pt, dpi)
    lines = []
    y = round(0.5 * dpi)
    step = round(pt * dpi / 72 * 2.4)
    for i, (lab, ans) in enumerate(answers):
        x0 = round(0.6 * dpi)
        d.text((x0, y), lab, font=f, fill=0)
        d.text((round(xs[i % len(xs)] * img.width), y), ans, font=f, fill=0)
        lines.append({"words": [*lab.split(), ans], "angle": 0, "lone": ans})
        y += step
    save(name, img, lines, "labels", dpi)


def table(name, fname, pt, dpi, header, rows):
    img, d = page(dpi)
    f = font(fname, pt, dpi)
    px = round(pt * dpi / 72)
    colw = [round(c * dpi) for c in (2.2, 1.1, 1.1, 1.1)]
    rowh = round(px * 2.0)
    x0, y0 = round(0.5 * dpi), round(0.5 * dpi)
    allrows = [header, *rows]
    lines = []
    for r, row in enumerate(allrows):
        x = x0
        for c, cell in enumerate(row):
            d.text((x + round(0.3 * px), y0 + r * rowh + round(0.4 * px)), cell, font=f, fill=0)
            x += colw[c]
        lines.append({"words": " ".join(row).split(), "angle": 0})
    W = sum(colw)
    for r in range(len(allrows) + 1):
        d.line([(x0, y0 + r * rowh), (x0 + W, y0 + r * rowh)], fill=0, width=max(1, dpi // 100))
    x = x0
    for c in range(len(colw) + 1):
        d.line([(x, y0), (x, y0 + len(allrows) * rowh)], fill=0, width=max(1, dpi // 100))
        if c < len(colw):
            x += colw[c]
    save(name, img, lines, "table", dpi)


def receipt(name, fname, pt, dpi, rows):
    img, d = page(dpi, 4.0, 6.0)
    f = font(fname, pt, dpi)
    px = round(pt * dpi / 72)
    lines = []
    y = round(0.4 * dpi)
    d.text((round(0.3 * dpi), y), "CORNER STORE", font=f, fill=0)
    lines.append({"words": ["CORNER", "STORE"], "angle": 0})
    y += px * 3
    cols = [round(0.3 * dpi), round(0.8 * dpi), round(2.9 * dpi)]
    for _i, row in enumerate([("Qty", "Item", "Price"), *rows]):
        for c, cell in enumerate(row):
            d.text((cols[c], y), cell, font=f, fill=0)
        lines.append({"words": " ".join(row).split(), "angle": 0})
        y += round(px * 1.6)
    save(name, img, lines, "receipt", dpi)


BODY = [
    "The committee met on Tuesday to review",
    "the annual budget and the plans for the",
    "new library building near the station.",
    "Members agreed to publish the minutes",
    "before the end of the month.",
]


def turned(text, f, angle):
    bbox = f.getbbox(text)
    im = Image.new("L", (bbox[2] + 8, bbox[3] + 8), 255)
    ImageDraw.Draw(im).text((4, 4), text, font=f, fill=0)
    return im.rotate(angle, expand=True, fillcolor=255)


def vertical(name, fname, pt, dpi, left, right):
    img, d = page(dpi, 8.5, 5.0)
    f = font(fname, pt, dpi)
    px = round(pt * dpi / 72)
    lines = []
    if left:
        im = turned(left, f, 90)
        img.paste(im, (round(0.3 * dpi), round(0.6 * dpi)))
        lines.append({"words": left.split(), "angle": 90})
    y = round(0.8 * dpi)
    for t in BODY:
        d.text((round(1.2 * dpi), y), t, font=f, fill=0)
        lines.append({"words": t.split(), "angle": 0})
        y += round(px * 1.5)
    if right:
        im = turned(right, f, 270)
        img.paste(im, (img.width - round(0.3 * dpi) - im.width, round(0.7 * dpi)))
        lines.append({"words": right.split(), "angle": 270})
    save(name, img, lines, "vertical", dpi)


def tilted(name, fname, pt, dpi, deg):
    img, d = page(dpi, 8.5, 5.0)
    f = font(fname, pt, dpi)
    px = round(pt * dpi / 72)
    blk = Image.new("L", (round(4.6 * dpi), round(px * 1.5 * len(BODY) + px)), 255)
    bd = ImageDraw.Draw(blk)
    lines = []
    for i, t in enumerate(BODY):
        bd.text((4, 4 + round(i * px * 1.5)), t, font=f, fill=0)
        lines.append({"words": t.split(), "angle": "tilt"})
    blk = blk.rotate(deg, expand=True, fillcolor=255, resample=Image.BICUBIC)
    img.paste(blk, (round(0.4 * dpi), round(0.8 * dpi)))
    y = round(0.9 * dpi)
    for lab in ["Date: 14", "Ref: 7", "Desk: B", "Total: 93"]:
        d.text((round(6.0 * dpi), y), lab, font=f, fill=0)
        lines.append({"words": lab.split(), "angle": 0})
        y += round(px * 2.5)
    save(name, img, lines, "tilted", dpi)


def twocol(name, fname, pt, dpi):
    img, d = page(dpi, 8.5, 5.0)
    f = font(fname, pt, dpi)
    px = round(pt * dpi / 72)
    left = ["Rivers carry water from", "the hills down to the", "sea through many small", "valleys and wide plains."]
    right = ["Farmers plant seeds in", "early spring and gather", "the harvest when the", "autumn rains arrive."]
    lines = []
    for _col, (x, txt) in enumerate([(0.5, left), (4.6, right)]):
        y = round(0.7 * dpi)
        for t in txt:
            d.text((round(x * dpi), y), t, font=f, fill=0)
            lines.append({"words": t.split(), "angle": 0})
            y += round(px * 1.5)
    save(name, img, lines, "twocol", dpi)


def smallprint(name, fname, pt, dpi):
    img, d = page(dpi, 7.0, 3.5)
    f = font(fname, pt, dpi)
    px = round(pt * dpi / 72)
    text = ("Terms and conditions apply to every order placed with the company during the period of the "
            "offer. Prices include value added tax but exclude delivery charges, which are shown at the "
            "checkout before payment. Goods may be returned within thirty days if they are unused and in "
            "their original packaging. Refunds are made to the card used for the purchase within ten "
            "working days of the return being received at our warehouse in the north of the city.")
    words = text.split()
    lines, cur = [], []
    maxw = img.width - round(0.8 * dpi)
    for w in words:
        if cur and f.getlength(" ".join([*cur, w])) > maxw:
            lines.append(cur)
            cur = []
        cur.append(w)
    lines.append(cur)
    y = round(0.4 * dpi)
    out = []
    for ln in lines:
        d.text((round(0.4 * dpi), y), " ".join(ln), font=f, fill=0)
        out.append({"words": ln, "angle": 0})
        y += round(px * 1.25)
    save(name, img, out, "smallprint", dpi)


def blank(name, dpi):
    img, _ = page(dpi)
    save(name, img, [], "blank", dpi)


def specks(name, dpi, seed=5):
    rng = random.Random(seed)
    img, d = page(dpi)
    for _ in range(140):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        r = rng.choice([1, 1, 2, 2, 3])
        d.ellipse([x, y, x + r, y + r], fill=rng.randrange(0, 120))
    save(name, img, [], "specks", dpi)




def make_pages(folder: Path) -> dict:
    """Write the pages into ``folder``; return their truth (page -> lines of words with their angle)."""
    global OUT
    OUT = folder
    folder.mkdir(parents=True, exist_ok=True)
    truth.clear()
    A1 = [("Quantity:", "1"), ("Class:", "I"), ("Mark:", "x"), ("Code:", "0"), ("Room:", "7"),
          ("Size:", "l"), ("Axis:", "y"), ("Grade:", "X"), ("Rate:", "%")]
    A2 = [("Rate", "%"), ("Grade", "X"), ("Axis", "y"), ("Size", "l"), ("Room", "7"), ("Code", "0"),
          ("Mark", "x"), ("Class", "I"), ("Quantity", "1")]
    labels("labels_notosans_150", "notosans", 11, 150, A1, [0.45, 0.7, 0.3])
    labels("labels_nimbusroman_300", "nimbusroman", 10, 300, A2, [0.35, 0.55, 0.8])
    labels("labels_nimbusmono_200", "nimbusmono", 12, 200, A1[::-1], [0.5, 0.62])
    table("table_p052_200", "p052", 11, 200, ["Part", "Qty", "Grade", "Mark"],
          [["Washer", "1", "I", "x"], ["Spring", "7", "X", "y"], ["Bracket", "0", "l", "%"]])
    table("table_notosans_300", "notosans", 9, 300, ["Sample", "Lot", "Type", "Flag"],
          [["Copper", "7", "x", "I"], ["Silver", "1", "y", "0"], ["Nickel", "0", "X", "l"]])
    receipt("receipt_nimbusmono_150", "nimbusmono", 11, 150,
            [("2", "Coffee", "3.50"), ("1", "Bagel", "2.25"), ("7", "Napkins", "0.70"), ("4", "Juice", "8.80")])
    receipt("receipt_bookman_250", "bookman", 9, 250,
            [("1", "Bread", "2.10"), ("3", "Apples", "1.95"), ("9", "Eggs", "4.05"), ("1", "Milk", "0.99")])
    vertical("vertical_notosans_200", "notosans", 11, 200, "Form 7 Rev 2", "File No 48")
    vertical("vertical_bookman_300", "bookman", 9, 300, "Sheet 3 of 9", "Case 61 B")
    tilted("tilted_p052_200", "p052", 11, 200, 3.0)
    tilted("tilted_nimbussans_250", "nimbussans", 10, 250, -4.0)
    twocol("twocol_nimbusroman_200", "nimbusroman", 11, 200)
    blank("blank_200", 200)
    specks("specks_200", 200)
    smallprint("smallprint_notosans7_300", "notosans", 7, 300)
    smallprint("smallprint_nimbusroman6_300", "nimbusroman", 6, 300)
    return dict(truth)


def check(truth: dict, OUT: Path) -> int:
    """Print each page's figures for the outputs in ``OUT``; return the words read right."""
    tot_w = tot_ok = 0
    report = []
    for name, t in truth.items():
        txt = OUT / f"{name}.txt"
        if not txt.exists():
            report.append(f"{name}: NO OUTPUT")
            continue
        out_tokens = txt.read_text().split()
        want = [w for ln in t["lines"] for w in ln["words"]]
        have = collections.Counter(out_tokens)
        ok = 0
        missing = []
        for w in want:
            if have[w] > 0:
                have[w] -= 1
                ok += 1
            else:
                missing.append(w)
        extra = [w for w, c in have.items() for _ in range(c)]
        sm = difflib.SequenceMatcher(None, want, out_tokens, autojunk=False)
        inorder = sum(b.size for b in sm.get_matching_blocks())
        tot_w += len(want)
        tot_ok += ok
        # angles from hOCR
        probs = []
        hocr = etree.parse(str(OUT / f"{name}.hocr"), etree.HTMLParser())
        line_angle = {}
        for ln in hocr.iter("span"):
            if ln.get("class") != "ocr_line":
                continue
            m = re.search(r"textangle (-?[\d.]+)", ln.get("title", ""))
            ang = float(m.group(1)) if m else 0.0
            words = " ".join("".join(w.itertext()) for w in ln if w.get("class") == "ocrx_word")
            line_angle[words] = ang
        for tl in t["lines"]:
            exp = tl["angle"]
            for words, ang in line_angle.items():
                ws = words.split()
                if not ws or not (set(ws) & set(tl["words"])):
                    continue
                if len(set(ws) & set(tl["words"])) < max(1, min(len(ws), len(tl["words"])) // 2 + (len(tl["words"]) > 1)):
                    continue
                if exp == 0 and abs(ang) > 0.0:
                    probs.append(f"hocr level line '{words}' textangle {ang}")
                elif exp in (90, 270) and abs(((ang - exp) + 180) % 360 - 180) > 0.5:
                    probs.append(f"hocr {exp} line '{words}' textangle {ang}")
                elif exp == "tilt" and abs(ang) < 1.5:
                    probs.append(f"hocr tilted line '{words}' textangle {ang}")
        # ALTO rotation of level-word lines
        alto = etree.parse(str(OUT / f"{name}.alto.xml"))
        for blk in alto.iter("{*}TextBlock"):
            rot = blk.get("ROTATION")
            words = [s.get("CONTENT") for s in blk.iter("{*}String")]
            for tl in t["lines"]:
                if tl["angle"] == 0 and rot and float(rot) != 0 and set(words) & set(tl["words"]) and len(tl["words"]) <= 3:
                    probs.append(f"alto level block {words} ROTATION {rot}")
                    break
        # pdftotext
        pdf = OUT / f"{name}.pdf"
        pt = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.split()
        ptc = collections.Counter(pt)
        txc = collections.Counter(out_tokens)
        pdf_share = sum((ptc & txc).values()) / max(1, sum(txc.values()))
        report.append(f"{name}: {ok}/{len(want)} words, in order {inorder}/{len(want)}, pdftotext {pdf_share:.2f}"
                      + (f"\n   missing {missing}" if missing else "") + (f"\n   extra {extra}" if extra else "")
                      + "".join(f"\n   {p}" for p in sorted(set(probs))))
    print("\n".join(report))
    print(f"TOTAL {tot_ok}/{tot_w}")
    return tot_ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--work", type=Path, default=None, help="folder for pages and outputs (default: a temporary one)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-newuser-"))
    pages = work / "in"
    truth = make_pages(pages)
    exe = str(Path(sys.executable).parent / "ocrplug")
    for preset in args.presets.split(","):
        out = work / f"out_{preset}"
        subprocess.run([exe, "run", str(pages), "--preset", preset, "--set",
                        "renderers=[{name: text},{name: hocr},{name: alto},{name: pdf}]", "-o", str(out)],
                       check=True, capture_output=True)
        print(f"== {preset}")
        check(truth, out)


if __name__ == "__main__":
    main()
