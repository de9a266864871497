"""A fresh user's pages (issue 24, T7): invoice, receipt, forms, article, letter, turned / skewed scans.

usage: python benchmarks/newuser_pages_t7.py [--presets fast,accurate,swift] [--work DIR]

Draws 19 deterministic pages with PIL (150, 200 and 300 dpi) in faces that ``newuser_pages.py`` does
not use (URW Gothic, C059, Nimbus Sans Narrow, P052 Italic / Bold, Comic Neue, Liberation Sans Bold /
Italic, URW Bookman Demi, DejaVu Serif Condensed, Nimbus Roman Bold Italic, DejaVu Sans Mono Bold,
Nimbus Sans Italic): an invoice with a ruled table and ``$1,299.00`` / ``12.5 kg`` / ``15%``, a
narrow receipt, a form with boxed one-character answers and check boxes, a two-column article, margin
labels turned 90 and 270, a page skewed 2 degrees, pages turned 90, 180 and 270, 6-7 pt print and
bold italic, a 150 dpi statement skewed -3 degrees with a shaded header and white-on-black title, a
noisy JPEG receipt, comb (one box per digit) fields, a letter with an underlined subject and an IBAN,
faded grey-on-grey print, a table of contents with dot leaders, currency / unit signs and accented
names (``€1.299,00``, ``21.5 °C``, ``m²``, ``±0.5``, ``µm``, ``½``, ``Ångström``), a letter under uneven
light with a red ``PAID`` stamp turned 20 degrees and answers in a hand-like face on ruled lines;
plus a 3-page PDF of three of them.
Each preset runs through ``ocrplug run`` (the ``ocrplug`` beside this Python) with the text, JSON,
hOCR and PDF renderers. Per page it prints the words found / expected (multiset match of the JSON's
words), words in order (longest common subsequence), misses, extra words, wrong reads (aligned
replacements), lines whose JSON quad angle or hOCR ``textangle`` is off (1 degree; 0.4 for a skew),
level word boxes whose left or right edge runs through ink (>= 3 rows with ink on both sides of the
edge: a cut glyph) and the share of the JSON's words that ``pdftotext`` gives of the searchable PDF.

On main 90f30b5 (2-core shared AMD EPYC, 2026-12-07), words found / expected over the 19 pages and the
PDF's 3: fast 703/705, accurate 701/705, swift 699/705.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import html
import io
import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from drawn_pages import canvas, font
from PIL import Image, ImageDraw


class Page:
    def __init__(self, name: str, dpi: int, w_in: float = 8.5, h_in: float = 5.5):
        self.name, self.dpi = name, dpi
        self.img, self.d = canvas(dpi, w_in, h_in)
        self.lines: list[dict] = []

    def px(self, inch: float) -> int:
        return round(inch * self.dpi)

    def text(self, x_in, y_in, s, f, angle=0, record=True):
        self.d.text((self.px(x_in), self.px(y_in)), s, font=f, fill=0)
        if record:
            self.lines.append({"words": s.split(), "angle": angle})


def invoice(dpi=300) -> Page:
    p = Page("invoice", dpi, 8.5, 6.0)
    hb, f, fb = font("gothicb", 16, dpi), font("gothic", 10, dpi), font("gothicb", 10, dpi)
    p.text(0.6, 0.4, "INVOICE No. 2026-0417", hb)
    p.text(0.6, 0.85, "Date: 07/12/2026  Due: 2027-01-06", f)
    p.text(0.6, 1.1, "Bill to: billing@nordhaven.example", f)
    cols = [0.6, 1.5, 4.6, 5.8, 7.0, 7.95]
    head = ["Qty", "Description", "Weight", "Unit", "Total"]
    rows = [
        ["2", "Steel bracket", "12.5 kg", "$1,299.00", "$2,598.00"],
        ["10", "Hex bolts M8", "0.8 kg", "$0.45", "$4.50"],
        ["1", "Freight", "-", "$85.00", "$85.00"],
        ["", "Discount", "", "15%", "-$401.03"],
    ]
    top, rh = 1.55, 0.38
    for r in range(len(rows) + 2):
        p.d.line([(p.px(cols[0]), p.px(top + r * rh)), (p.px(cols[-1]), p.px(top + r * rh))], fill=0, width=3)
    for c in cols:
        p.d.line([(p.px(c), p.px(top)), (p.px(c), p.px(top + (len(rows) + 1) * rh))], fill=0, width=3)
    for r, row in enumerate([head, *rows]):
        words = []
        for c, cell in enumerate(row):
            if cell:
                p.text(cols[c] + 0.1, top + r * rh + 0.09, cell, fb if r == 0 else f, record=False)
                words += cell.split()
        p.lines.append({"words": words, "angle": 0})
    p.text(4.6, top + 5 * rh + 0.25, "Amount due: $2,286.47 (VAT 20% incl.)", fb)
    p.text(0.6, 5.3, "Pay at https://pay.nordhaven.example/inv/2026-0417", f)
    return p


def receipt(dpi=200) -> Page:
    p = Page("receipt", dpi, 3.0, 6.0)
    f = font("monob", 7.5, dpi)
    p.text(0.75, 0.25, "GREEN GROCER", font("monob", 10, dpi))
    p.text(0.2, 0.6, "12/05/2026 14:32  #00871", f)
    items = [("Apples 1.2 kg", "3.58"), ("Milk 2 L", "2.19"), ("Bread", "1.99"), ("Coffee 500 g", "7.45"),
             ("Eggs x12", "3.20"), ("Tax 7%", "1.29")]
    y = 0.95
    for name, price in items:
        p.text(0.2, y, name, f, record=False)
        p.text(2.35, y, price, f, record=False)
        p.lines.append({"words": [*name.split(), price], "angle": 0})
        y += 0.22
    p.d.line([(p.px(0.2), p.px(y + 0.05)), (p.px(2.8), p.px(y + 0.05))], fill=0, width=2)
    y += 0.15
    p.text(0.2, y, "TOTAL", f, record=False)
    p.text(2.25, y, "$19.70", f, record=False)
    p.lines.append({"words": ["TOTAL", "$19.70"], "angle": 0})
    p.text(0.2, y + 0.35, "Thank you! www.greengrocer.example", f)
    return p


def form(dpi=150) -> Page:
    p = Page("form", dpi, 8.5, 5.5)
    f, fb = font("c059", 11, dpi), font("c059b", 14, dpi)
    p.text(0.6, 0.4, "Membership Application", fb)
    qs = [("Member since (year):", "2019"), ("Number of children:", "3"), ("Blood group:", "A"),
          ("Shirt size:", "M"), ("Initial of surname:", "K"), ("Floor:", "7")]
    y = 1.0
    for q, a in qs:
        p.text(0.6, y, q, f, record=False)
        p.d.rectangle([p.px(4.0), p.px(y - 0.05), p.px(4.9), p.px(y + 0.28)], outline=0, width=2)
        p.text(4.15, y, a, f, record=False)
        p.lines.append({"words": [*q.split(), a], "angle": 0})
        y += 0.45
    # check boxes: box, X (or empty), label
    y += 0.1
    opts = [("Email newsletter", True), ("Printed newsletter", False), ("Volunteer", True)]
    x = 0.6
    words = []
    for lab, on in opts:
        p.d.rectangle([p.px(x), p.px(y), p.px(x + 0.2), p.px(y + 0.2)], outline=0, width=2)
        if on:
            p.d.line([(p.px(x + 0.03), p.px(y + 0.03)), (p.px(x + 0.17), p.px(y + 0.17))], fill=0, width=2)
            p.d.line([(p.px(x + 0.03), p.px(y + 0.17)), (p.px(x + 0.17), p.px(y + 0.03))], fill=0, width=2)
        p.text(x + 0.3, y - 0.02, lab, f, record=False)
        words += lab.split()
        x += 2.5
    p.lines.append({"words": words, "angle": 0})
    return p


def article(dpi=300) -> Page:
    p = Page("article", dpi, 8.5, 6.0)
    p.text(0.6, 0.35, "Harbour Bridge Reopens After Repairs", font("p052b", 18, dpi))
    body = font("narrow", 10, dpi)
    left = ["The old harbour bridge opened to", "traffic again on Friday after nine",
            "months of work on its deck and", "cables. Engineers replaced 340",
            "rivets and repainted the whole", "span in a darker shade of green."]
    right = ["Cyclists get a lane of their own", "and the speed limit drops to 30",
             "km/h. The council expects about", "18,000 crossings a day by spring,",
             "up 12% on last year. Details at", "www.harbourcity.example/bridge"]
    for i, s in enumerate(left):
        p.text(0.6, 1.1 + i * 0.2, s, body)
    for i, s in enumerate(right):
        p.text(4.5, 1.1 + i * 0.2, s, body)
    p.text(0.6, 2.6, "Photo caption in italic: the bridge at dawn, 6 May 2026.", font("p052i", 9, dpi))
    return p


def margins(dpi=200) -> Page:
    p = Page("margins", dpi, 8.5, 6.0)
    f = font("comic", 11, dpi)
    body = ["Meeting notes for the spring fair", "Stalls open at 9:30 and close at 17:00",
            "Parking costs 4 EUR per car", "Contact fair@villagehall.example"]
    for i, s in enumerate(body):
        p.text(1.3, 0.8 + i * 0.35, s, f)
    fl = font("comic", 10, dpi)
    for s, ang, x in (("DRAFT copy 2", 90, 0.3), ("Filed 2026-04-02", 270, 7.8)):
        w = round(fl.getlength(s)) + 12
        strip = Image.new("L", (w, round(fl.size * 1.5)), 255)
        ImageDraw.Draw(strip).text((6, 2), s, font=fl, fill=0)
        strip = strip.rotate(ang, expand=True, fillcolor=255)
        p.img.paste(strip, (p.px(x), p.px(1.0)))
        p.lines.append({"words": s.split(), "angle": ang})
    # reading order: the left label, the body, the right label
    p.lines = [p.lines[-2], *p.lines[:-2], p.lines[-1]]
    return p


def skewed(dpi=300, deg=2.0) -> Page:
    p = Page("skewed", dpi, 8.5, 5.5)
    fb, fi = font("libsansb", 12, dpi), font("libsi", 11, dpi)
    s = ["Quarterly results: revenue rose 8.4% to $3.2 million", "Costs fell to $2,750,000 in Q3 2026",
         "Shipments: 1,450 units of 25 kg each", "Questions? investors@lakeside.example"]
    for i, t in enumerate(s):
        p.text(0.7, 0.8 + i * 0.45, t, fb if i % 2 == 0 else fi)
    p.img = p.img.rotate(deg, resample=Image.BICUBIC, fillcolor=255)
    for ln in p.lines:
        ln["angle"] = deg
    return p


def turned(dpi=300) -> Page:
    p = Page("turned180", dpi, 8.5, 5.0)
    f = font("bookd", 12, dpi)
    s = ["Delivery note 5531", "Received 14 boxes in good order", "Signed at 08:45 on 2026-11-03",
         "Driver phone +44 20 7946 0958"]
    for i, t in enumerate(s):
        p.text(0.8, 0.8 + i * 0.45, t, f)
    p.img = p.img.rotate(180)
    for ln in p.lines:
        ln["angle"] = 180
    return p


def small(dpi=300) -> Page:
    p = Page("small", dpi, 8.5, 4.0)
    s = ["Terms: goods remain our property until paid in full. Interest of 1.5% per month",
         "applies to late payments. Returns within 30 days only, in the original packaging.",
         "Warranty 24 months from 01.03.2026; see www.example.org/terms for details.",
         "Questions: support@example.org or call 0800 123 456 between 8 am and 6 pm."]
    for i, t in enumerate(s):
        pt = 6 if i < 2 else 7
        p.text(0.5, 0.5 + i * 0.16, t, font("dvsc", pt, dpi))
    p.text(0.5, 1.4, "Bold italic notice: prices in EUR, 19% VAT included.", font("romanbi", 11, dpi))
    p.text(0.5, 1.8, "Oblique sans: shipping weight 3.75 kg, size 40 x 30 cm.", font("sansi", 11, dpi))
    return p


def shaded_invoice(dpi=150, deg=-3.0) -> Page:
    p = Page("shaded_invoice", dpi, 8.5, 5.0)
    p.d.rectangle([p.px(0.5), p.px(0.3), p.px(8.0), p.px(0.8)], fill=0)
    p.d.text((p.px(0.7), p.px(0.38)), "ACME TOOLS LTD  Statement", font=font("narrowb", 16, dpi), fill=255)
    p.lines.append({"words": "ACME TOOLS LTD Statement".split(), "angle": deg})
    f, fb = font("narrow", 11, dpi), font("narrowb", 11, dpi)
    cols = [0.5, 2.0, 4.5, 6.2, 8.0]
    rows = [["Ref", "Item", "Qty", "Amount"], ["A-17", "Drill 18 V", "1", "$149.99"],
            ["B-220", "Saw blades", "6", "$35.40"], ["C-9", "Gloves (L)", "12", "$22.80"]]
    top, rh = 1.1, 0.4
    p.d.rectangle([p.px(cols[0]), p.px(top), p.px(cols[-1]), p.px(top + rh)], fill=205)
    for r in range(len(rows) + 1):
        p.d.line([(p.px(cols[0]), p.px(top + r * rh)), (p.px(cols[-1]), p.px(top + r * rh))], fill=0, width=1)
    for c in cols:
        p.d.line([(p.px(c), p.px(top)), (p.px(c), p.px(top + len(rows) * rh))], fill=0, width=1)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            p.text(cols[c] + 0.08, top + r * rh + 0.08, cell, fb if r == 0 else f, angle=deg, record=False)
        p.lines.append({"words": " ".join(row).split(), "angle": deg})
    p.text(0.5, 3.0, "Balance 30.11.2026: $208.19", fb, angle=deg)
    p.img = p.img.rotate(deg, resample=Image.BICUBIC, fillcolor=255)
    return p


def page_turned(turn: int, dpi=200) -> Page:
    p = Page(f"turned{turn}", dpi, 8.5, 4.5)
    f = font("p052b", 12, dpi)
    s = ["Chapter 3: Water supply", "The reservoir holds 2.4 million m3", "Level on 1 June: 87%",
         "Report by j.meyer@waterboard.example"]
    for i, t in enumerate(s):
        p.text(0.7, 0.6 + i * 0.45, t, f, angle=turn)
    p.img = p.img.rotate(turn, expand=True)
    return p


def noisy_receipt(dpi=150) -> Page:
    p = Page("noisy_receipt", dpi, 3.2, 5.0)
    f = font("monob", 8, dpi)
    rows = [("CAFE LUNA", None), ("2x Espresso", "5.00"), ("1x Croissant", "2.80"), ("1x Orange juice", "3.90"),
            ("Service 10%", "1.17"), ("TOTAL EUR", "12.87"), ("VISA ****4421", None)]
    y = 0.3
    for name, price in rows:
        p.text(0.2, y, name, f, record=False)
        words = name.split()
        if price:
            p.text(2.45, y, price, f, record=False)
            words.append(price)
        p.lines.append({"words": words, "angle": 0})
        y += 0.3
    rng = np.random.default_rng(7)
    a = np.asarray(p.img).astype(float)
    a = a * 0.75 + 40 + rng.normal(0, 18, a.shape)
    im = Image.fromarray(np.clip(a, 0, 255).astype("uint8"))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=25)
    p.img = Image.open(buf).convert("L")
    return p


def comb_form(dpi=300) -> Page:
    p = Page("comb_form", dpi, 8.5, 4.0)
    f = font("gothic", 11, dpi)
    p.text(0.5, 0.4, "Date of birth (DD MM YYYY):", f, record=False)
    words = "Date of birth (DD MM YYYY):".split()
    x = 3.4
    for ch in "14031987":
        p.d.rectangle([p.px(x), p.px(0.33), p.px(x + 0.3), p.px(0.7)], outline=0, width=2)
        p.text(x + 0.08, 0.38, ch, f, record=False)
        words.append(ch)
        x += 0.3
    p.lines.append({"words": words, "angle": 0})
    qs = [("Do you smoke? (Y/N)", "N"), ("Dependants", "0"), ("Vehicle class", "B"), ("Rating 1-5", "4")]
    y = 1.1
    for q, a in qs:
        p.text(0.5, y, q, f, record=False)
        p.d.rectangle([p.px(3.4), p.px(y - 0.07), p.px(3.7), p.px(y + 0.3)], outline=0, width=2)
        p.text(3.48, y, a, f, record=False)
        p.lines.append({"words": [*q.split(), a], "angle": 0})
        y += 0.5
    return p


def letter(dpi=300) -> Page:
    p = Page("letter", dpi, 8.5, 5.5)
    f = font("c059", 10.5, dpi)
    p.text(0.8, 0.4, "Riverside Dental Practice", font("c059b", 15, dpi))
    p.text(0.8, 0.8, "12 Mill Lane, Oxford OX1 4AB  Tel. 01865 555 0199", f)
    subj = "Subject: Overdue account 4471"
    p.text(0.8, 1.4, subj, font("c059b", 11, dpi))
    wl = font("c059b", 11, dpi).getlength(subj)
    yb = p.px(1.4) + round(font("c059b", 11, dpi).size * 1.15)
    p.d.line([(p.px(0.8), yb), (p.px(0.8) + round(wl), yb)], fill=0, width=3)
    body = ["Dear Ms Okafor, our records show an unpaid balance of", "GBP 240.00 for the treatment on 3 October 2026.",
            "Please transfer it to IBAN GB33 BUKB 2020 1555 5555 55", "within 14 days, quoting reference RDP/4471/B."]
    for i, t in enumerate(body):
        p.text(0.8, 1.9 + i * 0.25, t, f)
    p.text(0.8, 3.2, "Yours sincerely,", f)
    p.text(0.8, 3.5, "Dr. A. Lindqvist", font("p052i", 11, dpi))
    return p


def faded(dpi=200) -> Page:
    p = Page("faded", dpi, 8.5, 4.0)
    p.d.rectangle([0, 0, p.img.width, p.img.height], fill=232)
    f = font("bookd", 11, dpi)
    s = ["Photocopy of a photocopy: light grey text", "Serial number SN-88213-X, batch 7",
         "Tested at 230 V / 50 Hz, 1.5 A max", "Inspector: R. Alvarez, 2026-09-14"]
    for i, t in enumerate(s):
        p.d.text((p.px(0.6), p.px(0.5 + i * 0.4)), t, font=f, fill=150)
        p.lines.append({"words": t.split(), "angle": 0})
    return p


def leaders(dpi=300) -> Page:
    p = Page("toc", dpi, 8.5, 4.5)
    f = font("c059", 11, dpi)
    p.text(0.8, 0.4, "Contents", font("c059b", 14, dpi))
    items = [("Introduction", "1"), ("Site survey", "7"), ("Costs and budget", "23"), ("Appendix A: tables", "118")]
    for i, (t, n) in enumerate(items):
        y = 1.0 + i * 0.4
        p.text(0.8, y, t, f, record=False)
        x0 = p.px(0.8) + round(f.getlength(t)) + 20
        x1 = p.px(7.0) - 20
        dots = "." * int((x1 - x0) / f.getlength(". ")) if x1 > x0 else ""
        p.d.text((x0, p.px(y)), " ".join(dots), font=f, fill=0)
        p.text(7.1, y, n, f, record=False)
        p.lines.append({"words": [*t.split(), n], "angle": 0})
    return p

def symbols(dpi=300) -> Page:
    p = Page("symbols", dpi, 8.5, 4.5)
    f = font("gothic", 12, dpi)
    s = ["Price €1.299,00 or £45.00 (was $1,499.00)", "Keep at 21.5 °C, area 3 m², tolerance ±0.5 mm",
         "Film 50 µm thick, 10 × 20 cm, ½ cup of water", "José Müller, Zoë Ångström, François Ødegaard",
         "§ 12 Abs. 3 — see page 4–7; 100 kg/m³"]
    for i, t in enumerate(s):
        p.text(0.6, 0.5 + i * 0.55, t, f)
    return p


def stamped(dpi=200) -> Page:
    p = Page("stamped", dpi, 8.5, 5.0)
    f = font("c059", 12, dpi)
    s = ["Invoice 88-1203 settled in full", "Amount received: $4,120.00", "Cheque no. 004417 dated 2 Nov 2026",
         "Thank you for your business"]
    for i, t in enumerate(s):
        p.text(0.8, 0.8 + i * 0.5, t, f)
    # uneven light: darker toward the right, then a red PAID stamp (not truth) over the text
    a = np.asarray(p.img).astype(float)
    ramp = np.linspace(1.0, 0.62, a.shape[1])[None, :]
    rgb = np.stack([a * ramp] * 3, -1)
    img = Image.fromarray(rgb.clip(0, 255).astype("uint8"), "RGB")
    st = Image.new("RGBA", (p.px(2.6), p.px(0.9)), (0, 0, 0, 0))
    sd = ImageDraw.Draw(st)
    sd.rectangle([4, 4, st.width - 5, st.height - 5], outline=(200, 30, 30, 170), width=8)
    sd.text((p.px(0.35), p.px(0.08)), "PAID", font=font("libsansb", 40, dpi), fill=(200, 30, 30, 150))
    st = st.rotate(20, expand=True)
    img.paste(st, (p.px(4.2), p.px(1.0)), st)
    p.img = img
    return p


def handfilled(dpi=200) -> Page:
    p = Page("handfilled", dpi, 8.5, 4.0)
    f, h = font("c059", 11, dpi), font("comic", 14, dpi)
    qs = [("Name:", "Maria Santos"), ("Phone:", "0176 2234 981"), ("Guests:", "4"), ("Arrival:", "24.12.2026")]
    for i, (q, a) in enumerate(qs):
        y = 0.5 + i * 0.6
        p.text(0.6, y, q, f, record=False)
        p.d.line([(p.px(1.9), p.px(y + 0.3)), (p.px(5.5), p.px(y + 0.3))], fill=0, width=2)
        p.d.text((p.px(2.1), p.px(y - 0.07)), a, font=h, fill=(40))
        p.lines.append({"words": [q, *a.split()], "angle": 0})
    return p


def build(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    pages = [invoice(), receipt(), form(), article(), margins(), skewed(), turned(), small(),
             shaded_invoice(), page_turned(90), page_turned(270), noisy_receipt(), comb_form(), letter(),
             faded(), leaders(), symbols(), stamped(), handfilled()]
    truth = {}
    for p in pages:
        p.img.save(out / f"{p.name}.png", dpi=(p.dpi, p.dpi))
        truth[p.name] = {"dpi": p.dpi, "lines": p.lines}
    # 3-page PDF: invoice, form, turned180 (pages at their own dpi)
    ims = [pg.img.convert("RGB") for pg in (pages[0], pages[2], pages[6])]
    ims[0].save(out / "three.pdf", save_all=True, append_images=ims[1:], resolution=300)
    truth["three"] = {"pages": ["invoice", "form", "turned180"]}
    (out / "truth.json").write_text(json.dumps(truth, indent=1))
    return truth


def json_pages(path: Path) -> list[dict]:
    d = json.loads(path.read_text())
    return d["pages"]


def walk(region: dict, level: str):
    if region.get("level") == level:
        yield region
        return
    for c in region.get("children", []) or []:
        yield from walk(c, level)


def page_lines(page: dict) -> list[dict]:
    out = []
    for r in page.get("regions", []) or []:
        out += list(walk(r, "line"))
    return out


def quad_angle(q) -> float:
    """Counter-clockwise degrees of a quad's top edge (image y down)."""
    (x0, y0), (x1, y1) = q[0], q[1]
    return math.degrees(math.atan2(-(y1 - y0), x1 - x0)) % 360


def adiff(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def hocr_lines(path: Path) -> list[list]:
    """Per page: [(angle, [words], [word bboxes])] from our hOCR."""
    s = path.read_text()
    pages = re.split(r"class=['\"]ocr_page['\"]", s)[1:]
    out = []
    for pg in pages:
        lines = []
        for m in re.finditer(r"class=['\"]ocr_line['\"][^>]*title=['\"]([^'\"]*)['\"](.*?)</span>\s*</span>", pg, re.S):
            title, body = m.group(1), m.group(2)
            a = re.search(r"textangle (-?[\d.]+)", title)
            words = [re.sub(r"<[^>]+>", "", w) for w in re.findall(r"ocrx_word[^>]*>(.*?)</span>", body, re.S)]
            lines.append((float(a.group(1)) if a else 0.0, [html.unescape(w) for w in words]))
        out.append(lines)
    return out


def tol(angle: float) -> float:
    """Allowed angle error: 1 degree for level or turned (0/90/180/270) lines, 0.4 for skewed ones."""
    return 1.0 if angle % 90 == 0 else 0.4


def cuts(img: np.ndarray, words: list[dict]) -> list[str]:
    """Level word boxes whose left or right edge runs through a glyph (ink on both sides, >=3 rows)."""
    ink = img < 128
    h, w = ink.shape
    bad = []
    for wd in words:
        q = np.array(wd["quad"])
        x0, y0 = np.floor(q.min(0)).astype(int)
        x1, y1 = np.ceil(q.max(0)).astype(int)
        y0, y1 = max(y0, 0), min(y1, h - 1)
        for x, xo in ((x0, x0 - 1), (x1, x1 + 1)):
            if 1 <= x < w - 1 and 0 <= xo < w:
                rows = ink[y0:y1, x] & ink[y0:y1, xo]
                if rows.sum() >= 3:
                    bad.append(f"{wd['text']}@x={x}")
                    break
    return bad


def compare(truth_lines: list[dict], page: dict, img: np.ndarray | None, hoc: list | None) -> dict:
    exp = [w for ln in truth_lines for w in ln["words"]]
    lines = page_lines(page)
    got = [w["text"] for ln in lines for w in walk(ln, "word")]
    c_exp, c_got = collections.Counter(exp), collections.Counter(got)
    found = sum((c_exp & c_got).values())
    sm = difflib.SequenceMatcher(a=exp, b=got, autojunk=False)
    in_order = sum(b.size for b in sm.get_matching_blocks())
    miss = list((c_exp - c_got).elements())
    extra = list((c_got - c_exp).elements())
    wrong = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "replace":
            wrong.append(f"{' '.join(exp[i1:i2])!r}->{' '.join(got[j1:j2])!r}")
    # angles: each output line against the truth line sharing most words
    angle_bad = []
    for ln in lines:
        ws = [w["text"] for w in walk(ln, "word")]
        best = max(truth_lines, key=lambda t: len(set(t["words"]) & set(ws)), default=None)
        if not best or not set(best["words"]) & set(ws):
            continue
        a = quad_angle(ln["quad"])
        if adiff(a, best["angle"]) > tol(best["angle"]):
            angle_bad.append(f"json {' '.join(ws)[:30]!r} quad {a:.1f} want {best['angle']}")
    for a, ws in hoc or []:
        best = max(truth_lines, key=lambda t: len(set(t["words"]) & set(ws)), default=None)
        if not best or not set(best["words"]) & set(ws):
            continue
        if adiff(a, best["angle"]) > tol(best["angle"]):
            angle_bad.append(f"hocr {' '.join(ws)[:30]!r} textangle {a} want {best['angle']}")
    cut = []
    if img is not None and all(t["angle"] == 0 for t in truth_lines) and page.get("orientation", 0) == 0:
        cut = cuts(img, [w for ln in lines for w in walk(ln, "word")])
    return {"found": found, "expected": len(exp), "in_order": in_order, "miss": miss, "extra": extra,
            "wrong": wrong, "angle": angle_bad, "cut": cut, "got": got}


def pdf_words(pdf: Path) -> list[list[str]]:
    r = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    return [pg.split() for pg in r.stdout.split("\f")]


def check(pages_dir: Path, truth: dict, od: Path) -> tuple[int, int]:
    """Print one preset's per-page figures from its output folder; returns (found, expected)."""
    tf = te = 0
    jobs = [(n, n, 0) for n in truth if n != "three"]
    jobs += [("three", n, i) for i, n in enumerate(truth["three"]["pages"])]
    for stem, name, idx in jobs:
        label = f"{stem}[{idx + 1}]" if stem == "three" else stem
        jp = od / f"{stem}.json"
        if not jp.exists():
            print(f"{label:15s} NO JSON OUTPUT")
            continue
        pages = json_pages(jp)
        if idx >= len(pages):
            print(f"{label:15s} page missing in the JSON")
            continue
        img = None if stem == "three" else np.asarray(Image.open(pages_dir / f"{stem}.png").convert("L"))
        hp = od / f"{stem}.hocr"
        hoc = hocr_lines(hp)[idx] if hp.exists() else None
        r = compare(truth[name]["lines"], pages[idx], img, hoc)
        pp = od / f"{stem}.pdf"
        pdfw = pdf_words(pp)[idx] if pp.exists() else []
        share = sum((collections.Counter(pdfw) & collections.Counter(r["got"])).values()) / max(len(r["got"]), 1)
        tf += r["found"]
        te += r["expected"]
        print(f"{label:15s} found {r['found']:3d}/{r['expected']:3d} in-order {r['in_order']:3d} "
              f"orientation {pages[idx].get('orientation')} pdftotext {share:.2f}")
        for k in ("miss", "extra", "wrong", "angle", "cut"):
            if r[k]:
                print(f"   {k}: {r[k]}")
    return tf, te


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--work", type=Path, default=None, help="folder for pages and outputs (default: a temporary one)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-newuser-t7-"))
    pages = work / "in"
    truth = build(pages)
    exe = str(Path(sys.executable).parent / "ocrplug")
    inputs = sorted(str(f) for f in pages.iterdir() if f.suffix in (".png", ".pdf"))
    totals = {}
    for preset in args.presets.split(","):
        out = work / f"out_{preset}"
        r = subprocess.run([exe, "run", *inputs, "--preset", preset, "--no-progress", "--no-resume", "--set",
                            "renderers=[{name: text},{name: json},{name: hocr},{name: pdf}]", "-o", str(out)],
                           capture_output=True, text=True)
        print(f"== {preset} (exit code {r.returncode})")
        if r.returncode:
            print(r.stderr[-2000:])
        totals[preset] = check(pages, truth, out)
    print("TOTAL " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in totals.items()))


if __name__ == "__main__":
    main()
