"""Multi-column magazine pages read column by column: a generated guard set for the layout (issue 24).

usage: python benchmarks/multi_column.py [--presets fast,swift,accurate] [--pages 8] [--seed 24]
           [--names NAME,...] [--out DIR]

Session 11 found two reading-order regressions on multi-column magazine pages of ``tesseract_testing`` (a
test set) that no guard caught: the guard sets (``icdar2015_val``, ``funsd_train``) hold no multi-column
page. This draws deterministic pages with PIL (:mod:`drawn_pages` fonts, seeded per page, letter width at
200 or 300 dpi): 2 or 3 columns of prose, justified or ragged, paragraphs indented or spaced; a title and
often a standfirst spanning the columns; column headings; a letter-spaced pull quote between rules, in one
column's flow or in an inset over the gutter between the first two columns; or there a photo with a caption
of letter-spaced capitals (as on the UNLV magazine page 8087_054.3B): the lines of both columns beside an
inset run on, shortened; a figure box with a caption in a column's flow; vertical rules in wide gutters;
gutters narrow (12-25 px at 300 dpi, scaled by dpi / 300) or wide (0.2-0.4 in); serif and sans fonts of 9-12
pt; a footer line; and on some pages a table below the prose (a header and 4-6 rows, ruled or not).

Truth is the text in reading order: title, standfirst, column one top to bottom, column two, ...,
the table row by row (cells left to right), the footer. A pull quote inside a column is read where it
stands in that column; an inset over a gutter (quote or caption) after the first column.

Each page goes through each preset by the public API (``Pipeline.from_preset(preset,
["renderers=[]"]).run(png)``, as tests/test_magazine_order.py does). Per preset it prints the page CER
(``ocrplug.evaluation.metrics.TextScores``: edits / truth characters after whitespace normalization), the
order-free CER (``BagScores``, the words as bags), and the pages read column by column: the anchors
(each column's first and last line of 3+ words, each table row) found in the page text in truth order.
A line is found at the window of the page's words that holds most of its words (at least 60 %); a line
not found (misread) is left out of the check. Per page it also prints two kinds of failure apart: the
**column runs** (body lines of 3+ words found, taken in the order read: how often the column changes, plus
one; as many as columns when read column by column, about one a line when read row by row across the
columns) and the **lines joining columns** (a line of the page text holding 2+ words found only in one
column and 2+ only in another: a line box drawn across a gutter). Failing pages are listed with the first
pair of anchors out of order. ``--out DIR`` writes ``NAME.png`` and ``NAME.truth.txt`` and each preset's
``PRESET/NAME.txt`` and ``PRESET/NAME.json`` (``Page.to_dict``: lay a page out again without OCR).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "benchmarks")]

from drawn_pages import font  # noqa: E402

# Sentences of the prose, written for these pages; each page draws them without repeating one, so no
# line of a page's truth is found twice.
SENTENCES = [
    "The harbour was quiet in the early morning and the boats lay still against the stone wall.",
    "Gulls waited on the roofs of the sheds for the first of the fishermen to come down the hill.",
    "Nobody spoke much at that hour, because the work was known to all of them.",
    "By seven the first boat had cast off and the others followed one by one into the grey light.",
    "The market opened at nine, when the carts rolled in from the farms along the valley road.",
    "Apples, pears and late plums were piled on the trestles beside sacks of flour and salt.",
    "A baker from the next village sold bread from the back of a green van with a dented door.",
    "Children ran between the stalls and were told, more than once, to mind the eggs.",
    "The town council met on Tuesdays in the long room above the old customs house.",
    "Its members argued about the price of coal, the state of the pier and the new school roof.",
    "Minutes were kept in a ledger bound in red cloth that had served for forty years.",
    "In the winter of the great storm the sea broke through the dunes north of the lighthouse.",
    "Three cottages were lost and the road to the station was closed for most of a month.",
    "Volunteers filled sandbags in the church hall and carried them along the flooded lanes.",
    "The keeper of the lighthouse wrote a careful account of the wind on each night of the storm.",
    "His notes were later printed by the county paper and read aloud in every school.",
    "Farmers on the higher ground sent wagons of hay and turnips for the animals below.",
    "When the water went down the fields were left white with salt for a whole season.",
    "A new sea wall was begun the following spring with stone brought by barge from the quarry.",
    "Engineers from the city measured the tides for a year before they drew the final plans.",
    "The wall took six summers to finish and cost twice what the council had first agreed.",
    "It still stands today, though the railings along its top have been replaced twice.",
    "Walkers use it in every weather, and on clear evenings the islands can be seen from its end.",
    "The museum in the old school keeps a model of the harbour as it was a century ago.",
    "Visitors can see the rope works, the fish cellars and the chapel that burned down in 1911.",
    "A volunteer guide shows the collection on weekend afternoons from April to October.",
    "Most of the photographs on the walls were taken by a chemist who lived above his shop.",
    "He carried a heavy plate camera to the quay each week and sold prints for a penny.",
    "His negatives were found in a tin trunk in the attic when the shop was sold in 1968.",
    "The river that runs into the harbour rises on the moor some twenty miles inland.",
    "Trout are caught in its upper reaches, and herons stand in the shallows near the mill.",
    "The mill ground corn until the last war and now houses a small bakery and a tea room.",
    "Its wheel was restored by a group of retired engineers who meet there every Thursday.",
    "On the south bank a footpath follows the water through woods of oak and hazel.",
    "In May the floor of the woods is blue with bluebells and the air smells of wild garlic.",
    "The path crosses the river twice, once by a stone bridge and once by stepping stones.",
    "After heavy rain the stones are under water and walkers must turn back to the bridge.",
    "A ferry once carried passengers across the mouth of the harbour for a few pence.",
    "The ferryman rowed in all weathers and was said never to have missed a crossing.",
    "When a road bridge was built upstream the ferry lost its trade and stopped in 1953.",
    "The boathouse where it was kept is now the home of the sailing club.",
    "Club members race small dinghies on summer evenings when the wind is from the west.",
    "A regatta is held each August with swimming races, a greasy pole and a brass band.",
    "The band practises in a hut behind the football ground and welcomes new players.",
    "Its oldest member has played the cornet for more than sixty years.",
    "The football ground floods at the highest spring tides, so fixtures are planned around them.",
    "A tide table is pinned to the door of every pub and shop along the front.",
    "Fishermen still read the sky as their fathers did, though most boats now carry radar.",
    "The catch is mostly crab and lobster, landed in the afternoon and sent inland by lorry.",
    "Restaurants in the city pay well for it, and some buyers come down to the quay in person.",
    "Young people often leave for work elsewhere, but many return when they have families.",
    "House prices have risen as cottages are bought as holiday homes by people from away.",
    "A housing trust was formed to build homes that local workers can afford to rent.",
    "Its first twelve houses were finished last year on land given by a farming family.",
    "The school has grown again for the first time in decades and a new class was opened.",
    "Teachers take the pupils to the rock pools to count crabs, anemones and starfish.",
    "Their records are sent to a university that studies the health of the coast.",
    "Scientists say the water is cleaner now than at any time since records began.",
    "Seals have returned to the rocks below the headland and can be seen at low tide.",
    "In autumn the pups lie on the shingle while their mothers hunt in the bay.",
    "Walkers are asked to keep their dogs on leads and to stay well back from the beach.",
    "A small charity watches the colony and reports any animal that seems hurt or lost.",
    "Its volunteers have rescued dozens of pups washed off the rocks by storms.",
    "The rescued seals are fed at a centre along the coast until they can swim strongly.",
    "They are then released from the harbour steps while a crowd watches from the wall.",
]
TITLES = ["Life on the Harbour", "The Valley Road", "A Town by the Sea", "Tides and Seasons",
          "Notes from the Quay", "The Long Winter", "Mill and River", "Voices of the Coast"]
STANDFIRSTS = ["A year in the life of a small fishing town, told by the people who live there.",
               "How one community rebuilt its sea defences and kept its harbour alive.",
               "From the moor to the sea: a walk along the river and the stories it carries."]
HEADINGS = ["Morning", "The Market", "The Storm", "The Wall", "The Museum", "The River", "The Ferry",
            "The Regatta", "Fishing Today", "New Homes", "The School", "The Seals", "Visitors", "Work"]
# Pull quotes: words of their own (a quote repeating a body line would be found in place of that line).
QUOTES = ["Every boat came home that night", "The sea gives and the sea takes",
          "Ask the tide, not the clock", "Nothing here stays the same for long", "We kept our harbour alive"]
CAPTIONS = ["The quay at low tide, about 1910.", "Sandbags along the church lane after the storm.",
            "The mill wheel after its restoration.", "Seal pups on the shingle below the headland."]
TABLE_HEADER = ["Year", "Boats", "Crew", "Catch (t)", "Main species"]
TABLE_ROWS = [["1950", "42", "180", "1,240", "Herring"], ["1960", "38", "151", "980", "Herring"],
              ["1970", "29", "110", "760", "Mackerel"], ["1980", "24", "92", "655", "Cod"],
              ["1990", "19", "71", "430", "Crab"], ["2000", "15", "52", "390", "Crab"],
              ["2010", "12", "40", "310", "Lobster"], ["2020", "11", "35", "295", "Lobster"]]
FOOTERS = ["The Coastal Review, Spring 2026", "Harbour Life Magazine, Issue 12", "County Quarterly, June"]

# (regular, bold, italic) font keys of drawn_pages.FONTS.
FAMILIES = [("libserif", "libsansb", "libsi"), ("notoserif", "notoserifb", "p052i"),
            ("p052", "p052b", "p052i"), ("c059", "c059b", "romanbi"), ("dvsc", "dejavub", "sansi"),
            ("libsans", "libsansb", "libsi"), ("notosans", "nimbussansb", "sansi"),
            ("nimbussans", "nimbussansb", "sansi"), ("gothic", "gothicb", "sansi"), ("bookman", "bookd", "p052i")]


@dataclass
class Line:
    """One drawn line of truth: its text, where it belongs (``col`` -1 for spanning text) and its kind."""

    text: str
    col: int
    kind: str  # title, standfirst, heading, body, quote, caption, table, footer


@dataclass
class Spec:
    """The drawn page's choices (see the module doc), all from the page's seed."""

    name: str
    dpi: int
    cols: int
    family: tuple[str, str, str]
    pt: float
    leading: float
    justify: bool
    indent: bool
    gutter: int
    rules: bool
    headings: bool
    quote: str  # "", "column" (in a column), "inset" (over a gutter), "photo" (a photo and caption there)
    figure: bool
    table: bool
    table_rules: bool
    height_in: float
    extra: dict = field(default_factory=dict)


def page_spec(seed: int, index: int) -> Spec:
    """The choices of page ``index`` under ``seed`` (deterministic: ``random.Random(seed * 1000 + index)``)."""
    rng = random.Random(seed * 1000 + index)
    cols = rng.choice([2, 3])
    dpi = rng.choice([200, 300, 300])
    narrow = rng.random() < 0.5
    gutter = round(rng.randint(12, 25) * dpi / 300) if narrow else round(rng.uniform(0.2, 0.4) * dpi)
    family = rng.choice(FAMILIES)
    pt = rng.choice([9, 9.5, 10, 10.5]) if cols == 3 else rng.choice([10, 10.5, 11, 12])
    justify = rng.random() < 0.5
    quote = rng.choice(["", "column", "inset", "photo"])
    name = (f"p{index:02d}_{cols}col_{'narrow' if narrow else 'wide'}{gutter}_{family[0]}_{pt:g}pt_{dpi}"
            f"_{'just' if justify else 'rag'}{'_q' + quote if quote else ''}")
    spec = Spec(
        name=name, dpi=dpi, cols=cols, family=family, pt=pt, leading=rng.uniform(1.15, 1.35),
        justify=justify, indent=rng.random() < 0.5, gutter=gutter, rules=not narrow and rng.random() < 0.5,
        headings=rng.random() < 0.5, quote=quote, figure=rng.random() < 0.4, table=rng.random() < 0.35,
        table_rules=rng.random() < 0.5, height_in=rng.uniform(3.6, 5.2),
    )
    spec.extra["rng"] = rng
    if spec.figure:
        spec.name += "_fig"
    if spec.table:
        spec.name += "_table"
    return spec


def _wrap(words: list[str], f: ImageFont.FreeTypeFont, width: float, first_indent: float) -> list[str]:
    lines, cur, limit = [], "", width - first_indent
    for word in words:
        if cur and f.getlength(cur + " " + word) > limit:
            lines.append(cur)
            cur, limit = word, width
        else:
            cur = f"{cur} {word}".strip()
    if cur:
        lines.append(cur)
    return lines


def _draw_line(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, f: ImageFont.FreeTypeFont,
               width: float | None = None) -> None:
    """Draw ``text`` at (x, y); with ``width``, justified to it (the extra space spread between words)."""
    words = text.split()
    if width is None or len(words) < 2:
        draw.text((x, y), text, font=f, fill=0)
        return
    extra = (width - f.getlength(text)) / (len(words) - 1)
    space = f.getlength(" ")
    for word in words:
        draw.text((round(x), y), word, font=f, fill=0)
        x += f.getlength(word) + space + extra


def _spaced(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, f: ImageFont.FreeTypeFont,
            track: float) -> float:
    """Draw ``text`` letter-spaced by ``track`` px (word spaces get three times that); its width."""
    start = x
    for ch in text:
        if ch != " ":
            draw.text((round(x), y), ch, font=f, fill=0)
        x += f.getlength(ch) + (3 * track if ch == " " else track)
    return x - track - start


def _spaced_width(text: str, f: ImageFont.FreeTypeFont, track: float) -> float:
    return sum(f.getlength(ch) + (3 * track if ch == " " else track) for ch in text) - track


def _spaced_lines(text: str, f: ImageFont.FreeTypeFont, track: float, width: float) -> list[str]:
    """``text`` broken into lines of at most ``width`` px letter-spaced by ``track`` (a word may overrun)."""
    lines, cur = [], ""
    for word in text.split():
        if cur and _spaced_width(cur + " " + word, f, track) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return [*lines, cur] if cur else lines


def draw_page(spec: Spec) -> tuple[Image.Image, list[Line]]:
    """The page of ``spec`` (grey ``L``, white) and its truth lines in reading order."""
    rng: random.Random = spec.extra["rng"]
    dpi = spec.dpi
    reg, bold, ital = spec.family
    body = font(reg, spec.pt, dpi)
    pitch = round(spec.pt * spec.leading * dpi / 72)
    margin = round(rng.uniform(0.55, 0.85) * dpi)
    width = round(8.5 * dpi)
    inner = width - 2 * margin
    colw = (inner - (spec.cols - 1) * spec.gutter) / spec.cols
    xs = [margin + k * (colw + spec.gutter) for k in range(spec.cols)]
    body_h = round(spec.height_in * dpi)
    table_h = round(((7 if spec.table else 0) * 1.6 * spec.pt + 40) * dpi / 72) if spec.table else 0
    height = margin * 2 + round(2.0 * dpi) + body_h + table_h + round(0.5 * dpi)  # cropped at the end
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    truth: list[Line] = []

    # Title and standfirst, spanning the columns.
    y = margin
    title = rng.choice(TITLES)
    tf = font(bold, rng.choice([22, 26, 30, 34]), dpi)
    draw.text((margin, y), title, font=tf, fill=0)
    truth.append(Line(title, -1, "title"))
    y += round(tf.size * 1.35)
    if rng.random() < 0.7:
        sf = font(ital, rng.choice([12, 13, 14]), dpi)
        for ln in _wrap(rng.choice(STANDFIRSTS).split(), sf, inner, 0):
            draw.text((margin, y), ln, font=sf, fill=0)
            truth.append(Line(ln, -1, "standfirst"))
            y += round(sf.size * 1.3)
    y += round(0.15 * dpi)
    draw.line((margin, y, width - margin, y), fill=0, width=max(2, dpi // 150))
    top = y + round(0.15 * dpi)
    bottom = top + body_h

    # A letter-spaced pull quote: in a column's flow between two rules, or in an inset over the gutter
    # between the first two columns (as a magazine sets a photo and its caption), both columns' lines
    # running on beside it, shortened.
    quote_lines: list[str] = []
    qf = font(ital, spec.pt * rng.choice([1.4, 1.6]), dpi)
    track = qf.size * rng.uniform(0.12, 0.3)
    inset: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1
    inset_lines: list[str] = []
    pad = round(0.12 * dpi)
    if spec.quote:
        qwidth = colw * (0.95 if spec.quote == "column" else 0.7)
        quote_lines = _spaced_lines(rng.choice(QUOTES), qf, track, qwidth)
    qpitch = round(qf.size * 1.4)
    qheight = len(quote_lines) * qpitch + round(0.2 * dpi)

    def draw_quote(x0: float, x1: float, y0: int) -> None:
        draw.line((x0, y0, x1, y0), fill=0, width=max(2, dpi // 150))
        yy = y0 + round(0.1 * dpi)
        for ln in quote_lines:
            w = _spaced_width(ln, qf, track)
            _spaced(draw, (x0 + x1 - w) / 2, yy, ln, qf, track)
            yy += qpitch
        draw.line((x0, yy, x1, yy), fill=0, width=max(2, dpi // 150))

    if spec.quote in ("inset", "photo"):
        share = rng.uniform(0.3, 0.42)  # of each column's width under the inset
        x0, x1 = round(xs[0] + colw * (1 - share)), round(xs[1] + colw * share)
        at = rng.uniform(0.2, 0.45)  # of the body's height left above the inset
        if spec.quote == "inset":
            y0 = top + round(at * (body_h - qheight - 2 * pitch))  # the inset ends 2 lines above the body's end
            draw_quote(x0, x1, y0)
            inset_lines, y1 = quote_lines, y0 + qheight
        else:  # a photo over the gutter, its caption letter-spaced capitals below it
            fh = round((x1 - x0) * rng.uniform(0.6, 0.9))
            capf = font(reg, spec.pt * 0.8, dpi)
            ctrack = capf.size * rng.uniform(0.15, 0.35)
            inset_lines = _spaced_lines(rng.choice(CAPTIONS).upper(), capf, ctrack, x1 - x0)
            cap_h = round(0.08 * dpi) + len(inset_lines) * round(capf.size * 1.5)
            y0 = top + max(round(at * (body_h - fh - cap_h - 2 * pitch)), 0)
            draw.rectangle((x0, y0, x1, y0 + fh), fill=rng.choice([90, 150, 200]))
            draw.line((x0, y0, x1, y0 + fh), fill=255, width=3)
            yy = y0 + fh + round(0.08 * dpi)
            for ln in inset_lines:
                _spaced(draw, (x0 + x1 - _spaced_width(ln, capf, ctrack)) / 2, yy, ln, capf, ctrack)
                yy += round(capf.size * 1.5)
            y1 = yy
        inset = (x0, y0, x1, y1)

    # Prose flowed column by column, a paragraph carried on into the next column.
    sentences = rng.sample(SENTENCES, len(SENTENCES))
    quote_col = rng.randrange(spec.cols) if spec.quote == "column" else -1
    figure_col = rng.randrange(spec.cols) if spec.figure else -1
    cf = font(ital, spec.pt * 0.9, dpi)
    hf = font(bold, spec.pt * rng.choice([1.2, 1.4]), dpi)
    pending: list[str] = []  # words of the paragraph being set
    first_of_para = False
    para_gap = 0 if spec.indent else pitch // 2
    indent = round(spec.pt * dpi / 72) if spec.indent else 0
    heads = rng.sample(HEADINGS, spec.cols)
    for k in range(spec.cols):
        x, yc = xs[k], top
        if k == 1 and inset_lines:  # the inset is read after the first column
            truth.extend(Line(q, -1, "quote") for q in inset_lines)
        if spec.headings:
            draw.text((x, yc), heads[k], font=hf, fill=0)
            truth.append(Line(heads[k], k, "heading"))
            yc += round(hf.size * 1.5)
        quote_at = top + round(rng.uniform(0.25, 0.6) * body_h) if k == quote_col else None
        figure_at = top + round(rng.uniform(0.2, 0.6) * body_h) if k == figure_col else None
        if figure_at is not None and quote_at is not None and abs(figure_at - quote_at) < 0.3 * body_h:
            figure_at = None
        while True:
            if quote_at is not None and yc >= quote_at:
                draw_quote(x, x + colw, yc)
                truth.extend(Line(q, k, "quote") for q in quote_lines)
                yc += qheight + round(0.15 * dpi)
                quote_at = None
            fh = round(colw * rng.uniform(0.5, 0.75))
            fig_end = yc + fh + round(0.06 * dpi) + 2 * round(cf.size * 1.3) + round(0.1 * dpi)
            if (figure_at is not None and yc >= figure_at and inset and k < 2 and yc < inset[3] + pitch
                    and fig_end > inset[1] - pitch):
                figure_at = inset[3] + pitch  # not beside the inset: below it
            elif figure_at is not None and yc >= figure_at and fig_end + pitch > bottom:
                figure_at = None  # no room left in the column
            elif figure_at is not None and yc >= figure_at:
                draw.rectangle((x, yc, x + colw, yc + fh), outline=0, width=max(2, dpi // 100))
                draw.line((x, yc, x + colw, yc + fh), fill=128, width=2)
                draw.line((x, yc + fh, x + colw, yc), fill=128, width=2)
                yc += fh + round(0.06 * dpi)
                caption = rng.choice(CAPTIONS)
                for ln in _wrap(caption.split(), cf, colw, 0):
                    draw.text((x, yc), ln, font=cf, fill=0)
                    truth.append(Line(ln, k, "caption"))
                    yc += round(cf.size * 1.3)
                yc += round(0.1 * dpi)
                figure_at = None
            if yc + pitch > bottom:
                break
            if not pending:
                if not sentences:
                    break
                count = rng.randint(2, 4)
                para, sentences = sentences[:count], sentences[count:]
                pending = " ".join(para).split()
                first_of_para = True
                if yc > top and para_gap:
                    yc += para_gap
                    continue
            lx, lw = x, colw  # this line's start and width: shortened beside the inset
            if inset and k < 2 and yc + pitch > inset[1] - pad // 2 and yc < inset[3] + pad // 2:
                lx, lw = (x, inset[0] - pad - x) if k == 0 else (inset[2] + pad, x + colw - inset[2] - pad)
            lead = indent if first_of_para else 0
            n = 1
            while n < len(pending) and body.getlength(" ".join(pending[: n + 1])) <= lw - lead:
                n += 1
            line, pending = " ".join(pending[:n]), pending[n:]
            last = not pending
            _draw_line(draw, lx + lead, yc, line, body, None if last or not spec.justify else lw - lead)
            truth.append(Line(line, k, "body"))
            first_of_para = False
            yc += pitch
    if spec.rules:
        for k in range(spec.cols - 1):
            gx = round(xs[k] + colw + spec.gutter / 2)
            if inset and k == 0:
                draw.line((gx, top, gx, inset[1] - pad), fill=0, width=2)
                draw.line((gx, inset[3] + pad, gx, bottom), fill=0, width=2)
            else:
                draw.line((gx, top, gx, bottom), fill=0, width=2)
    y = bottom + round(0.2 * dpi)

    # A table below the prose, read row by row.
    if spec.table:
        ncell = rng.choice([3, 4, 5])
        rows = [TABLE_HEADER[:ncell]] + [r[:ncell] for r in rng.sample(TABLE_ROWS, rng.randint(4, 6))]
        rows[1:] = sorted(rows[1:])
        tfont = font(reg, spec.pt, dpi)
        cellw = inner / ncell
        rpitch = round(spec.pt * 1.6 * dpi / 72)
        if spec.table_rules:
            draw.rectangle((margin, y, width - margin, y + rpitch * len(rows)), outline=0, width=2)
        for r, row in enumerate(rows):
            f = font(bold, spec.pt, dpi) if r == 0 else tfont
            for c, cell in enumerate(row):
                draw.text((margin + c * cellw + 0.1 * dpi, y + (rpitch - f.size) // 2), cell, font=f, fill=0)
            truth.append(Line(" ".join(row), -1, "table"))
            y += rpitch
            if spec.table_rules or r == 0:
                draw.line((margin, y, width - margin, y), fill=0, width=2)
        if spec.table_rules:
            for c in range(1, ncell):
                draw.line((margin + c * cellw, y - rpitch * len(rows), margin + c * cellw, y), fill=0, width=2)
        y += round(0.2 * dpi)

    # The footer line: a title at the left, the page number at the right.
    ff = font(reg, 8, dpi)
    fy = y + round(0.25 * dpi)
    left, number = rng.choice(FOOTERS), str(rng.randint(2, 98))
    draw.text((margin, fy), left, font=ff, fill=0)
    draw.text((width - margin - ff.getlength(number), fy), number, font=ff, fill=0)
    truth.append(Line(f"{left} {number}", -1, "footer"))
    return img.crop((0, 0, width, fy + ff.size + margin // 2)), truth


def make_pages(seed: int, n: int) -> list[tuple[Spec, Image.Image, list[Line]]]:
    """The first ``n`` pages under ``seed``: (spec, image, truth lines)."""
    out = []
    for i in range(n):
        spec = page_spec(seed, i)
        img, truth = draw_page(spec)
        out.append((spec, img, truth))
    return out


# --- scoring -------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return [w for w in (re.sub(r"[^0-9a-z]", "", t.lower()) for t in text.split()) if w]


def locate(line: str, words: list[str], share: float = 0.6) -> int | None:
    """Index in ``words`` (the page's tokens) of the window of ``len(line)`` tokens that holds most of the
    line's tokens; None when even the best holds fewer than ``share`` of them."""
    want = _tokens(line)
    if not want or not words:
        return None
    wanted = set(want)
    hits = [1 if w in wanted else 0 for w in words]
    size = len(want)
    best, where, run = -1, 0, sum(hits[:size])
    for start in range(max(len(words) - size + 1, 1)):
        if start:
            run += (hits[start + size - 1] if start + size - 1 < len(hits) else 0) - hits[start - 1]
        if run > best:
            best, where = run, start
    return where if best >= share * size else None


def anchors(truth: list[Line]) -> list[tuple[str, str]]:
    """The lines whose order makes "column by column": (label, text) for each column's first and last body
    line of 3+ words, then each table row, in truth order."""
    out = []
    cols = sorted({ln.col for ln in truth if ln.col >= 0})
    for k in cols:
        body = [ln for ln in truth if ln.col == k and ln.kind == "body" and len(ln.text.split()) >= 3]
        if body:
            out.append((f"col{k + 1} first", body[0].text))
            if len(body) > 1:
                out.append((f"col{k + 1} last", body[-1].text))
    rows = [ln for ln in truth if ln.kind == "table"]
    out += [(f"table row {r}", ln.text) for r, ln in enumerate(rows)]
    return out


def column_order(truth: list[Line], text: str) -> tuple[bool, str]:
    """(whether the anchors found in ``text`` come in truth order, the first pair that does not)."""
    words = _tokens(text)
    found = [(label, pos) for label, line in anchors(truth) if (pos := locate(line, words)) is not None]
    for (la, pa), (lb, pb) in itertools.pairwise(found):
        if pb <= pa:
            return False, f"{lb} (word {pb}) before {la} (word {pa})"
    return True, ""


def column_runs(truth: list[Line], text: str) -> tuple[int, int]:
    """(runs of one column among the body lines of 3+ words found in ``text``, taken in the order read;
    columns): as many runs as columns when read column by column, about one per line when read across."""
    words = _tokens(text)
    found = sorted((pos, ln.col) for ln in truth if ln.kind == "body" and len(ln.text.split()) >= 3
                   and (pos := locate(ln.text, words)) is not None)
    cols = [c for _, c in found]
    runs = sum(1 for a, b in itertools.pairwise(cols) if a != b) + (1 if cols else 0)
    return runs, len({ln.col for ln in truth if ln.col >= 0})


def joined_lines(truth: list[Line], text: str) -> int:
    """Lines of ``text`` that join two columns: 2+ words found in one column's body only and 2+ in another's
    (a line box drawn across a gutter)."""
    owner: dict[str, set[int]] = {}
    for ln in truth:
        for w in _tokens(ln.text):
            owner.setdefault(w, set()).add(ln.col if ln.kind == "body" else -1)
    joined = 0
    for line in text.splitlines():
        cols = [next(iter(owner[w])) for w in _tokens(line) if len(owner.get(w, ())) == 1]
        if sum(1 for c in set(cols) if c >= 0 and cols.count(c) >= 2) >= 2:
            joined += 1
    return joined


def score(truth: list[Line], text: str) -> dict:
    """Page CER, order-free CER and the column check of one page's text."""
    from ocrplug.evaluation.metrics import BagScores, TextScores

    ref = "\n".join(ln.text for ln in truth)
    ok, why = column_order(truth, text)
    return {"text": TextScores.of(text, ref), "bag": BagScores.of(text.split(), ref.split()), "ok": ok,
            "why": why, "runs": column_runs(truth, text), "joined": joined_lines(truth, text)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--names", default="", help="only these page names (comma-separated)")
    ap.add_argument("--out", type=Path, default=None, help="write pages, truth and each preset's text here")
    args = ap.parse_args(argv)

    from ocrplug.evaluation.metrics import BagScores, TextScores
    from ocrplug.pipeline import Pipeline

    pages = make_pages(args.seed, args.pages)
    if args.names:
        keep = set(args.names.split(","))
        pages = [p for p in pages if p[0].name in keep]
    tmp = tempfile.TemporaryDirectory()
    folder = args.out or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec, img, truth in pages:
        path = folder / f"{spec.name}.png"
        img.save(path, dpi=(spec.dpi, spec.dpi))
        (folder / f"{spec.name}.truth.txt").write_text("\n".join(ln.text for ln in truth) + "\n", encoding="utf-8")
        paths.append(path)
    print(f"{len(pages)} pages, seed {args.seed}")
    summary = []
    for preset in [p for p in args.presets.split(",") if p]:
        pipeline = Pipeline.from_preset(preset, ["renderers=[]"])
        rows, start = [], time.perf_counter()
        for (spec, _, truth), path in zip(pages, paths, strict=True):
            page = pipeline.run(path).pages[0]
            text = page.text
            if args.out:
                (folder / preset).mkdir(exist_ok=True)
                (folder / preset / f"{spec.name}.txt").write_text(text, encoding="utf-8")
                (folder / preset / f"{spec.name}.json").write_text(json.dumps(page.to_dict()), encoding="utf-8")
            s = score(truth, text)
            rows.append((spec.name, s))
            print(f"{preset} {spec.name}: page CER {s['text'].cer:.3f}, order-free CER {s['bag'].cer:.3f}, "
                  f"column runs {s['runs'][0]} for {s['runs'][1]} columns, lines joining columns {s['joined']}, "
                  f"{'column by column' if s['ok'] else 'OUT OF ORDER: ' + s['why']}", flush=True)
        seconds = time.perf_counter() - start
        text_total = TextScores.total(s["text"] for _, s in rows)
        bag_total = BagScores.total(s["bag"] for _, s in rows)
        good = sum(1 for _, s in rows if s["ok"])
        joined = sum(1 for _, s in rows if s["joined"])
        summary.append((preset, text_total.cer, bag_total.cer, good, joined, len(rows), seconds,
                        [n for n, s in rows if not s["ok"]]))
    print("\n| preset | page CER | order-free CER | pages read column by column | pages with lines joining "
          "columns | s/page | failing pages |")
    print("|---|---|---|---|---|---|---|")
    for preset, cer, bag, good, joined, n, seconds, failing in summary:
        print(f"| {preset} | {cer:.3f} | {bag:.3f} | {good} of {n} | {joined} of {n} | {seconds / max(n, 1):.1f} | "
              f"{', '.join(failing) or '-'} |")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
