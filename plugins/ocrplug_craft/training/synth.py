"""Synthetic document generator with exact character quadrilaterals, for CRAFT training.

Each sample is a page (or a crop of one) with text laid out like a document: paragraphs, forms with
labels and rules, tables with grid lines, receipts in monospace, and sparse large words. Fonts come from
the Debian ``fonts-*`` packages: printed faces from DejaVu, Liberation, FreeFont and Noto, and
handwriting-like faces from Humor Sans, Breip and Comic Neue (form values and some paragraphs). A
"handwritten" style also draws italic/oblique or handwriting faces one character at a time with
baseline, size and spacing jitter.

The whole page then goes through a slight perspective/rotation warp (applied to the image and to every
quadrilateral with the same homography), a paper-like background, blur, noise and JPEG artefacts.
Everything is drawn from one ``numpy.random.Generator``, so a seed gives the same sample on every run.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "FONT_DIRS",
    "HANDWRITING_FONT_DIRS",
    "FontFace",
    "SynthSample",
    "available_fonts",
    "generate_page",
    "sample_seed",
]

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/freefont",
    "/usr/share/fonts/truetype/noto",
)

# Handwriting-like faces (Debian fonts-humor-sans, fonts-breip, fonts-comic-neue): drawn only where a layout
# asks for "handwritten" text (form values, some paragraphs), never for printed text.
HANDWRITING_FONT_DIRS = (
    "/usr/share/fonts/truetype/humor-sans",
    "/usr/share/fonts/truetype/breip",
    "/usr/share/fonts/opentype/comic-neue",
)

# Latin-script faces only: the generator writes Latin text, and e.g. NotoSansArabic has no Latin glyphs.
_FONT_PREFIXES = (
    "DejaVuSans", "DejaVuSerif", "Liberation", "FreeSans", "FreeSerif", "FreeMono",
    "NotoSans-", "NotoSerif-", "NotoSansDisplay-", "NotoSerifDisplay-", "NotoSansMono-",
)


@dataclass(frozen=True)
class FontFace:
    """One font file and the style families it belongs to (used to pick fonts per layout)."""

    path: str
    mono: bool
    italic: bool
    bold: bool
    hand: bool = False


@dataclass(frozen=True)
class SynthSample:
    """A synthetic image with its ground truth.

    ``char_quads``: (N, 4, 2) float32 corners of every character in image pixels, clockwise from the
    top-left corner of the glyph as read. ``char_word``: (N,) index into ``words`` of each character.
    ``word_quads``: (M, 4, 2) float32, one quad per word (same corner order). Characters are listed word
    by word, in reading order inside each word, which is what the affinity ground truth relies on.
    ``char_line``: (N,) index of the text line of each character (line ids increase in drawing order): a
    line is a run of words of one row with ordinary word spacing; a table cell, a form label and its value,
    a receipt's price are lines of their own. The link refiner's ground truth joins consecutive characters
    of a line (:func:`ocrplug_craft.training.gt.line_link_map`). ``line_polygons``: one outline per line,
    (K, 2) float32 points, the characters' top corners in reading order then their bottom corners back.
    """

    image: np.ndarray
    char_quads: np.ndarray
    char_word: np.ndarray
    words: tuple[str, ...]
    word_quads: np.ndarray
    char_line: np.ndarray | None = None

    def line_polygons(self) -> list[np.ndarray]:
        """The outline of every line (characters' top corners, then bottom corners reversed), in line order."""
        if self.char_line is None or not len(self.char_line):
            return []
        out = []
        for line in np.unique(self.char_line):
            q = self.char_quads[self.char_line == line]
            top = q[:, :2].reshape(-1, 2)
            bottom = q[:, [3, 2]].reshape(-1, 2)[::-1]
            out.append(np.concatenate([top, bottom]).astype(np.float32))
        return out


def available_fonts(dirs: Sequence[str] = FONT_DIRS, *, handwriting: bool = True,
                    handwriting_dirs: Sequence[str] = HANDWRITING_FONT_DIRS) -> list[FontFace]:
    """Latin-script TrueType fonts found under ``dirs``, sorted by path (stable across runs).

    ``handwriting``: also the handwriting-like faces under ``handwriting_dirs`` (``hand=True``; TrueType
    or OpenType), listed after the printed ones.
    """
    faces = []
    for d in dirs:
        for path in sorted(Path(d).glob("*.ttf")) if Path(d).is_dir() else []:
            name = path.name
            if not name.startswith(_FONT_PREFIXES) or "MathTeX" in name or "ExtraLight" in name:
                continue
            low = name.lower()
            faces.append(
                FontFace(
                    path=str(path),
                    mono="mono" in low,
                    italic="italic" in low or "oblique" in low,
                    bold="bold" in low,
                )
            )
    faces.sort(key=lambda f: f.path)
    hand = []
    for d in handwriting_dirs if handwriting else ():
        paths = sorted(p for p in Path(d).glob("*") if p.suffix.lower() in {".ttf", ".otf"}) if Path(d).is_dir() else []
        for path in paths:
            low = path.name.lower()
            hand.append(FontFace(path=str(path), mono=False, italic="italic" in low, bold="bold" in low, hand=True))
    return faces + sorted(hand, key=lambda f: f.path)


@functools.lru_cache(maxsize=512)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: glyph advances are then exactly font.getlength(prefix), which is how character
    # positions are computed below (raqm's shaping could move glyphs by kerning).
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def sample_seed(seed: int, index: int) -> int:
    """Seed of sample ``index`` of a run seeded with ``seed``: independent streams, resumable anywhere."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


# ---------------------------------------------------------------------------------------------- text

_WORDS = (
    "the of and to in for is on that by this with you it not or be are from at as your all have new more an "
    "was we will home can us about if page my has search free but our one other do no information time they "
    "site he up may what which their news out use any there see only so his when contact here business who "
    "web also now help get view online first am been would how were me services some these click its like "
    "service than find price date back top people had list name just over state year day into email two "
    "health world next used go work last most products music buy data make them should product system post "
    "her city add policy number such please available copyright support message after best software then "
    "jan good video well where info rights public books high school through each links she review years "
    "order very privacy book items company read group need many user said does set under general research "
    "university january mail full map reviews program life know games way days management part could great "
    "united hotel real item international center ebay must store travel comments made development report off "
    "member details line terms before hotels did send right type because local those using results office "
    "education national car design take posted internet address community within states area want phone "
    "shipping reserved subject between forum family long based code show even black check special prices "
    "website index being women much sign file link open today technology south case project same pages uk "
    "version section own found sports house related security both county american photo game members power "
    "while care network down computer systems three total place end following download him without per access "
    "think north resources current posts big media law control water history pictures size art personal "
    "since including guide shop directory board location change white text small rating rate government "
    "children during usa return students shopping account times sites level digital profile previous form "
    "events love old john main call hours image department title description non insurance another why shall "
    "property class still money quality every listing content country private little visit save tools low "
    "reply customer december compare movies include college value article york man card jobs provide food "
    "source author different press learn sale around print course job canada process teen room stock training "
    "too credit point join science men categories advanced west sales look english left team estate box "
    "conditions select windows photos gay thread week category note live large gallery table register however "
    "june october november market library really action start series model features air industry plan human "
    "provided tv yes required second hot accessories cost movie forums march la september better say questions "
    "july going medical test friend come dec server pc study application cart staff articles san feedback "
    "again play looking issues april never users complete street topic comment financial things working "
    "against standard tax person below mobile less got blog party payment equipment login student let "
    "programs offers legal above recent park stores side act problem red give memory performance social "
    "august quote language story sell options experience rates create key body young america important field "
    "few east paper single age activities club example girls additional password latest something road gift "
    "question changes night ca hard texas oct pay four poker status browse issue range building seller court "
    "february always result audio light write war nov offer blue groups al easy given files event release "
    "analysis request fax china making picture needs possible might professional yet month major star areas "
    "future space committee hand sun cards problems london washington meeting rss become interest id child "
    "keep enter california share similar garden schools million added reference companies listed baby "
    "learning energy run delivery net popular term film stories put computers journal reports co try welcome "
    "central images president notice god original head radio until cell color self council away includes "
    "track australia discussion archive once others entertainment agreement format least society months log "
    "safety friends sure faq trade edition cars messages marketing tell further updated association able "
    "having provides david fun already green studies close common drive specific several gold feb living sep "
    "collection called short arts lot ask display limited powered solutions means director daily beach past "
    "natural whether due et electronics five upon period planning database says official weather mar land "
    "average done technical window france pro region island record direct microsoft conference environment "
    "records st district calendar costs style url front statement update parts aug ever downloads early miles "
    "sound resource present applications either ago document word works material bill apr written talk "
    "federal hosting rules final adult tickets thing centre requirements via cheap kids finance true minutes "
    "else mark third rock gifts europe reading topics bad individual tips plus auto cover usually edit "
    "together videos percent fast function fact unit getting global tech meet far economic en player projects "
    "lyrics often subscribe submit germany amount watch included feel though bank risk thanks everything deals "
    "various words linux jul production commercial james weight town heart advertising received choose treatment "
    "newsletter archives points knowledge magazine error camera jun girl currently construction toys registered "
    "clear golf receive domain methods chapter makes protection policies loan wide beauty manager india position "
    "taken sort listings models michael known half cases step engineering florida simple quick none wireless "
    "license paul friday lake whole annual published later basic sony shows corporate google church method "
    "purchase customers active response practice hardware figure materials fire holiday chat enough designed "
    "along among death writing speed html countries loss face brand discount higher effects created remember "
    "standards oil bit yellow political increase advertise kingdom base near environmental thought stuff french "
    "storage oh japan doing loans shoes entry stay nature orders availability africa summary turn mean growth "
    "notes agency king monday european activity copy although drug pics western income force cash employment "
    "overall bay river commission ad package contents seen players engine port album regional stop supplies "
    "started administration bar institute views plans double dog build screen exchange types soon sponsored "
    "lines electronic continue across benefits needed season apply someone held ny anything printer condition "
    "effective believe organization effect asked eur mind sunday selection casino pdf lost tour menu volume "
    "cross anyone mortgage hope silver corporation wish inside solution mature role rather weeks addition came "
    "supply nothing certain usr executive running lower necessary union jewelry according dc clothing mon com "
    "particular fine names robert homepage hour gas skills six bush islands advice career military rental "
    "decision leave british teens pre huge sat woman facilities zip bid kind sellers middle move cable "
    "opportunities taking values division coming tuesday object lesbian appropriate machine logo length actually "
    "nice score statistics client ok returns capital follow sample investment sent shown saturday christmas "
    "england culture band flash ms lead george choice went starting registration fri thursday courses consumer "
    "hi airport foreign artist outside furniture levels channel letter mode phones ideas wednesday structure "
    "fund summer allow degree contract button releases wed homes super male matter custom virginia almost took "
    "located multiple asian distribution editor inn industrial cause potential song cnet ltd los hp focus late "
    "fall featured idea rooms female responsible inc communications win associated thomas primary cancer "
    "numbers reason tool browser spring foundation answer voice eg friendly schedule documents communication "
    "purpose feature bed comes police everyone independent ip approach cameras brown physical operating hill "
    "maps medicine deal hold ratings chicago forms glass happy tue smith wanted developed thank safe unique "
    "survey prior telephone sport ready feed animal sources mexico population pa regular secure navigation "
    "operations therefore simply evidence station christian round paypal favorite understand option master "
    "valley recently probably thu rentals sea built publications blood cut worldwide improve connection "
    "publisher hall larger anti networks earth parents nokia impact transfer introduction kitchen strong tel "
    "carolina wedding properties hospital ground overview ship accommodation owners disease tx excellent paid "
    "italy perfect hair opportunity kit classic basis command cities william express anal award distance tree "
    "peter assessment ensure thus wall ie involved el extra especially interface pussy partners budget rated "
    "guides success maximum ma operation existing quite selected boy amazon patients restaurants beautiful "
    "warning wine locations horse vote forward flowers stars significant lists technologies owner retail animals "
    "useful directly manufacturer ways est son providing rule mac housing takes iii gmt bring catalog searches "
    "max trying mother authority considered told xml traffic programme joined input strategy feet agent valid "
    "bin modern senior ireland teaching door grand testing trial charge units instead canadian cool normal "
    "wrote enterprise ships entire educational md leading metal positive fl fitness chinese opinion mb asia "
    "football abstract uses output funds mr greater likely develop employees artists alternative processing "
    "responsibility resolution java guest seems publication pass relations trust van contains session multi "
    "photography republic fees components vacation century academic assistance completed skin graphics indian "
    "prev ads mary il expected ring grade dating pacific mountain organizations pop filter mailing vehicle "
    "longer consider int northern behind panel floor german buying match proposed default require iraq boys "
    "outdoor deep morning otherwise allows rest protein plant reported hit transportation mm pool mini politics "
    "partner disclaimer authors boards faculty parties fish membership mission eye string sense modified pack "
    "released stage internal goods recommended born unless richard detailed japanese race approved background "
    "target except character usb maintenance ability maybe functions ed moving brands places php pretty "
    "trademarks phentermine spain southern yourself etc winter battery youth pressure submitted boston debt "
    "keywords medium television interested core break purposes throughout sets dance wood msn itself defined "
    "papers playing awards fee studio reader virtual device established answers rent las remote dark external"
).split()

_PUNCT_AFTER = (",", ".", ":", ";", ")", "?", "!", "%")


def _random_word(rng: np.random.Generator) -> str:
    """A document-like token: dictionary word, number, amount, date, code, with case and punctuation."""
    kind = rng.random()
    if kind < 0.62:
        w = _WORDS[int(rng.integers(len(_WORDS)))]
        case = rng.random()
        if case < 0.18:
            w = w.upper()
        elif case < 0.5:
            w = w.capitalize()
    elif kind < 0.74:
        w = str(int(rng.integers(0, 10 ** int(rng.integers(1, 7)))))
    elif kind < 0.82:
        w = f"{'$' if rng.random() < 0.5 else ''}{rng.integers(0, 9999)}.{rng.integers(0, 100):02d}"
    elif kind < 0.88:
        sep = "/-."[int(rng.integers(3))]
        w = f"{rng.integers(1, 32):02d}{sep}{rng.integers(1, 13):02d}{sep}{rng.integers(1950, 2030)}"
    elif kind < 0.95:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        n = int(rng.integers(1, 4))
        w = "".join(letters[int(i)] for i in rng.integers(0, 26, n)) + "-" + str(int(rng.integers(10, 99999)))
    else:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#&@*+=/"
        w = "".join(alphabet[int(i)] for i in rng.integers(0, len(alphabet), int(rng.integers(1, 9))))
    if rng.random() < 0.12:
        w += _PUNCT_AFTER[int(rng.integers(len(_PUNCT_AFTER)))]
    if rng.random() < 0.03:
        w = "(" + w
    return w


# ---------------------------------------------------------------------------------------------- layout


class _Canvas:
    """Ink layers of a page being laid out, and the ground truth recorded while drawing."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.text = Image.new("L", (width, height), 0)
        self.rules = Image.new("L", (width, height), 0)
        self.text_draw = ImageDraw.Draw(self.text)
        self.rule_draw = ImageDraw.Draw(self.rules)
        self.char_boxes: list[tuple[float, float, float, float]] = []
        self.char_word: list[int] = []
        self.words: list[str] = []
        self.word_boxes: list[tuple[float, float, float, float]] = []
        self.word_line: list[int] = []
        # Exact quads of rotated characters / words (curved lines), by index; others are their boxes.
        self.char_quad_override: dict[int, np.ndarray] = {}
        self.word_quad_override: dict[int, np.ndarray] = {}
        self._last: tuple[float, float, float] | None = None  # right edge, top, size of the last word
        self._n_lines = 0

    def break_line(self) -> None:
        """The next word starts a new line (a table cell, a form value, a price column)."""
        self._last = None

    def _line_of(self, x0: float, y: float, size: float) -> int:
        """Line id of a word drawn at ``y`` whose ink starts at ``x0``: the last word's line when it sits
        on the same row at ordinary word spacing (gap at most 1.2 font sizes), else a new line."""
        last = self._last
        if last is None or abs(y - last[1]) > 0.5 * size or not -0.2 * size <= x0 - last[0] <= 1.2 * size \
                or abs(size - last[2]) > 0.3 * size:
            self._n_lines += 1
        return self._n_lines - 1

    def new_line_id(self) -> int:
        """A fresh line id (for layouts that place words themselves, e.g. curved lines)."""
        self._last = None
        self._n_lines += 1
        return self._n_lines - 1

    def char_quads(self) -> np.ndarray:
        """(N, 4, 2) quads of the characters drawn so far (exact for rotated ones)."""
        quads = _boxes_to_quads(self.char_boxes)
        for i, q in self.char_quad_override.items():
            quads[i] = q
        return quads

    def word_quads(self) -> np.ndarray:
        """(M, 4, 2) quads of the words drawn so far (reading-order quads for rotated ones)."""
        quads = _boxes_to_quads(self.word_boxes)
        for i, q in self.word_quad_override.items():
            quads[i] = q
        return quads

    def char_line(self) -> np.ndarray:
        """(N,) line id of every character drawn so far."""
        lines = np.asarray(self.word_line, np.int32)
        return lines[np.asarray(self.char_word, np.int64)] if len(self.char_word) else np.zeros(0, np.int32)

    def draw_word(
        self, x: float, y: float, word: str, font: ImageFont.FreeTypeFont, rng: np.random.Generator | None = None
    ) -> float:
        """Draw ``word`` with its top-left at (x, y) and record its glyph boxes; return its advance width.

        With ``rng`` the characters are drawn one by one with baseline/size jitter (handwriting-like).
        Words whose glyph boxes would leave the canvas are not drawn (partial words have no clean GT).
        """
        boxes = []
        if rng is None:
            for i, ch in enumerate(word):
                if ch.isspace():
                    continue
                off = font.getlength(word[:i])
                left, top, right, bottom = font.getbbox(ch)
                boxes.append((x + off + left, y + top, x + off + right, y + bottom, ch, None, 0.0, 0.0))
            advance = font.getlength(word)
        else:
            cx = 0.0
            size = font.size
            for ch in word:
                f = _font(font.path, max(6, round(size * rng.uniform(0.9, 1.1))))
                dy = rng.normal(0.0, 0.05 * size)
                left, top, right, bottom = f.getbbox(ch)
                boxes.append((x + cx + left, y + dy + top, x + cx + right, y + dy + bottom, ch, f, cx, dy))
                cx += f.getlength(ch) * rng.uniform(0.92, 1.08)
            advance = cx
        boxes = [b for b in boxes if b[2] > b[0] and b[3] > b[1]]
        if not boxes:
            return advance
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[2] for b in boxes)
        y1 = max(b[3] for b in boxes)
        if x0 < 1 or y0 < 1 or x1 > self.width - 1 or y1 > self.height - 1:
            return advance
        if rng is None:
            self.text_draw.text((x, y), word, font=font, fill=255)
        else:
            for b in boxes:
                self.text_draw.text((x + b[6], y + b[7]), b[4], font=b[5], fill=255)
        index = len(self.words)
        self.words.append(word)
        self.word_boxes.append((x0, y0, x1, y1))
        size = float(font.size)
        self.word_line.append(self._line_of(x0, y, size))
        self._last = (x1, y, size)
        for b in boxes:
            self.char_boxes.append(b[:4])
            self.char_word.append(index)
        return advance


def _pick_font(rng: np.random.Generator, fonts: Sequence[FontFace], *, mono: bool | None = None,
               italic: bool | None = None, bold: bool | None = None, hand: bool = False) -> FontFace:
    """A random face with the asked styles: printed faces unless ``hand``, then handwriting-like ones."""
    pool = [
        f for f in fonts
        if f.hand == hand and (mono is None or f.mono == mono) and (italic is None or f.italic == italic)
        and (bold is None or f.bold == bold)
    ]
    pool = pool or [f for f in fonts if f.hand == hand] or list(fonts)
    return pool[int(rng.integers(len(pool)))]


def _has_hand(fonts: Sequence[FontFace]) -> bool:
    # Only then do layouts draw the extra random numbers that choose handwriting: without handwriting
    # faces every sample is exactly what it was before they were supported.
    return any(f.hand for f in fonts)


def _font_size(rng: np.random.Generator, lo: float, hi: float) -> int:
    # Log-uniform: small print is as common as headings in documents.
    return round(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _layout_paragraphs(c: _Canvas, rng: np.random.Generator, fonts: Sequence[FontFace], size_range: tuple[float, float]) -> None:
    y = rng.uniform(0.0, 0.15) * c.height
    while y < c.height:
        size = _font_size(rng, *size_range)
        face = _pick_font(rng, fonts, mono=bool(rng.random() < 0.15) or None)
        hand = face.italic and rng.random() < 0.5
        if _has_hand(fonts) and rng.random() < 0.12:  # a handwritten note
            face, hand = _pick_font(rng, fonts, hand=True), bool(rng.random() < 0.5)
        font = _font(face.path, size)
        spacing = size * rng.uniform(1.1, 2.2)
        left = rng.uniform(0.0, 0.25) * c.width
        right = c.width - rng.uniform(0.0, 0.2) * c.width
        space = font.getlength(" ") * rng.uniform(1.0, 2.2)
        for _ in range(int(rng.integers(1, 9))):
            x = left + (rng.uniform(0, 4) * size if rng.random() < 0.2 else 0.0)
            while True:
                word = _random_word(rng)
                if x + font.getlength(word) > right:
                    break
                x += c.draw_word(x, y, word, font, rng if hand else None) + space
            y += spacing
            if y > c.height:
                break
        y += size * rng.uniform(0.5, 3.0)


def _layout_form(c: _Canvas, rng: np.random.Generator, fonts: Sequence[FontFace], size_range: tuple[float, float]) -> None:
    size = _font_size(rng, *size_range)
    label_face = _pick_font(rng, fonts, mono=False)
    value_face = _pick_font(rng, fonts)
    hand = value_face.italic and rng.random() < 0.6
    if _has_hand(fonts) and rng.random() < 0.5:  # values filled in by hand
        value_face, hand = _pick_font(rng, fonts, hand=True), bool(rng.random() < 0.5)
    y = rng.uniform(0.0, 0.1) * c.height
    while y < c.height:
        s = max(6, int(size * rng.uniform(0.85, 1.15)))
        lf, vf = _font(label_face.path, s), _font(value_face.path, s)
        x = rng.uniform(0.01, 0.1) * c.width
        for _col in range(int(rng.integers(1, 4))):
            c.break_line()  # each field's label is a line of its own
            label = " ".join(_random_word(rng) for _ in range(int(rng.integers(1, 4)))) + ":"
            for i, w in enumerate(label.split(" ")):
                x += c.draw_word(x, y, w, lf) + (lf.getlength(" ") if i < len(label.split(" ")) - 1 else s * 0.6)
            field_w = s * rng.uniform(4, 14)
            base = y + s * 1.15
            style = rng.random()
            if style < 0.45:
                c.rule_draw.line([(x, base), (x + field_w, base)], fill=int(rng.integers(150, 256)), width=max(1, s // 12))
            elif style < 0.7:
                c.rule_draw.rectangle([x - 3, y - s * 0.25, x + field_w, base + 2], outline=int(rng.integers(150, 256)), width=1)
            c.break_line()  # and so is its value
            if rng.random() < 0.75:
                vx = x + s * 0.3
                for _ in range(int(rng.integers(1, 4))):
                    w = _random_word(rng)
                    if vx + vf.getlength(w) > x + field_w:
                        break
                    vx += c.draw_word(vx, y + rng.normal(0, s * 0.05), w, vf, rng if hand else None) + vf.getlength(" ") * 1.3
            if rng.random() < 0.15:  # a check box
                bx = x + field_w + s
                c.rule_draw.rectangle([bx, y + s * 0.1, bx + s * 0.8, y + s * 0.9], outline=200, width=1)
            x += field_w + s * rng.uniform(1.5, 4)
            if x > c.width * 0.9:
                break
        y += s * rng.uniform(1.8, 3.2)


def _layout_table(c: _Canvas, rng: np.random.Generator, fonts: Sequence[FontFace], size_range: tuple[float, float]) -> None:
    size = _font_size(rng, *size_range)
    face = _pick_font(rng, fonts, italic=False)
    bold = _pick_font(rng, fonts, italic=False, bold=True)
    ncols = int(rng.integers(2, 7))
    x0 = rng.uniform(0.0, 0.1) * c.width
    widths = rng.uniform(0.6, 1.6, ncols)
    widths = widths / widths.sum() * (c.width - x0 - rng.uniform(0.0, 0.1) * c.width)
    xs = x0 + np.concatenate([[0.0], np.cumsum(widths)])
    row_h = size * rng.uniform(1.5, 2.4)
    y = rng.uniform(0.0, 0.15) * c.height
    grid = rng.random()
    lw = max(1, size // 14)
    first = True
    while y + row_h < c.height:
        font = _font((bold if first else face).path, size)
        for j in range(ncols):
            n_words = int(rng.integers(0 if not first else 1, 3))
            cx = xs[j] + size * 0.3
            right_align = rng.random() < 0.3
            words = [_random_word(rng) for _ in range(n_words)]
            total = sum(font.getlength(w) for w in words) + font.getlength(" ") * max(0, n_words - 1)
            if right_align:
                cx = xs[j + 1] - size * 0.3 - total
            c.break_line()  # a table cell never merges with its neighbour
            for w in words:
                if cx + font.getlength(w) > xs[j + 1] - 2:
                    break
                cx += c.draw_word(cx, y + (row_h - size) / 2, w, font) + font.getlength(" ")
        if grid < 0.6:
            c.rule_draw.line([(xs[0], y), (xs[-1], y)], fill=230, width=lw)
        elif first or grid < 0.8:
            c.rule_draw.line([(xs[0], y + row_h), (xs[-1], y + row_h)], fill=230, width=lw)
        y += row_h
        first = False
    if grid < 0.6:
        top = rng.uniform(0.0, 0.15) * c.height
        for xv in xs:
            c.rule_draw.line([(xv, top), (xv, y)], fill=230, width=lw)


def _layout_receipt(c: _Canvas, rng: np.random.Generator, fonts: Sequence[FontFace], size_range: tuple[float, float]) -> None:
    size = _font_size(rng, *size_range)
    face = _pick_font(rng, fonts, mono=True) if rng.random() < 0.75 else _pick_font(rng, fonts)
    font = _font(face.path, size)
    left = rng.uniform(0.0, 0.3) * c.width
    right = c.width - rng.uniform(0.0, 0.3) * c.width
    y = rng.uniform(0.0, 0.1) * c.height
    space = font.getlength(" ")
    while y < c.height:
        r = rng.random()
        if r < 0.12:
            c.rule_draw.line([(left, y + size / 2), (right, y + size / 2)], fill=200, width=1)
        elif r < 0.25:  # centred header line
            words = [_random_word(rng).upper() for _ in range(int(rng.integers(1, 4)))]
            total = sum(font.getlength(w) for w in words) + space * (len(words) - 1)
            x = (left + right - total) / 2
            for w in words:
                x += c.draw_word(x, y, w, font) + space
        else:  # item ... price
            x = left
            for _ in range(int(rng.integers(1, 4))):
                w = _random_word(rng)
                x += c.draw_word(x, y, w, font) + space
            price = f"{rng.integers(0, 999)}.{rng.integers(0, 100):02d}"
            c.break_line()  # the price column is a segment of its own (as in SROIE's ground truth)
            c.draw_word(right - font.getlength(price), y, price, font)
        y += size * rng.uniform(1.2, 1.8)


def _layout_sparse(c: _Canvas, rng: np.random.Generator, fonts: Sequence[FontFace], size_range: tuple[float, float]) -> None:
    """A few larger words at random places: headings, stamps, signs (closer to scene text)."""
    for _ in range(int(rng.integers(3, 14))):
        size = _font_size(rng, size_range[0] * 1.5, size_range[1] * 2.5)
        face = _pick_font(rng, fonts)
        font = _font(face.path, size)
        x = rng.uniform(0, 0.8) * c.width
        y = rng.uniform(0, 0.9) * c.height
        for _ in range(int(rng.integers(1, 4))):
            w = _random_word(rng)
            x += c.draw_word(x, y, w, font, rng if face.italic and rng.random() < 0.4 else None) + font.getlength(" ") * 1.5


def _polyline(kind: str, rng: np.random.Generator, c: _Canvas, size: float, length: float) -> np.ndarray | None:
    """A dense centre line (M, 2) of ``length`` pixels or more for a line of ``kind``, inside the canvas."""
    for _ in range(8):
        x0, y0 = rng.uniform(0.05, 0.95) * c.width, rng.uniform(0.05, 0.95) * c.height
        if kind == "arc":
            radius = rng.uniform(2.5, 10.0) * size
            sweep = length / radius
            start = rng.uniform(0, 2 * np.pi)
            sign = 1.0 if rng.random() < 0.5 else -1.0  # text on the outside or the inside of the circle
            t = start + sign * np.linspace(0.0, sweep, 200)
            pts = np.stack([x0 + radius * np.cos(t), y0 + radius * np.sin(t)], 1)
        elif kind == "wave":
            amp, period = rng.uniform(0.3, 1.5) * size, rng.uniform(6.0, 20.0) * size
            angle = np.deg2rad(rng.normal(0.0, 10.0))
            u = np.linspace(0.0, length * 1.3, 300)
            v = amp * np.sin(2 * np.pi * u / period + rng.uniform(0, 2 * np.pi))
            pts = np.stack([x0 + u * np.cos(angle) - v * np.sin(angle), y0 + u * np.sin(angle) + v * np.cos(angle)], 1)
        else:  # a straight line at any angle; a quarter of them vertical (reading up or down)
            angle = rng.choice([-90.0, 90.0]) if rng.random() < 0.25 else rng.uniform(-75.0, 75.0)
            a = np.deg2rad(angle)
            u = np.linspace(0.0, length, 50)
            pts = np.stack([x0 + u * np.cos(a), y0 + u * np.sin(a)], 1)
        margin = 1.2 * size
        if (pts.min(0) > margin).all() and (pts.max(0) < np.array([c.width, c.height]) - margin).all():
            return pts
    return None


def _layout_curved(c: _Canvas, rng: np.random.Generator, fonts: Sequence[FontFace], size_range: tuple[float, float]) -> None:
    """1-4 lines of 1-5 words on arcs, sine waves or straight lines at any angle (vertical included).

    Each character is drawn upright relative to the line: rotated by the line's direction at its centre,
    so its quad is exact. A word that leaves the canvas or crosses an earlier line is left out.
    """
    text = np.asarray(c.text).copy()
    taken = np.zeros(text.shape, bool)
    for _ in range(int(rng.integers(1, 5))):
        size = _font_size(rng, max(size_range[0], 10.0), size_range[1] * 1.5)
        font = _font(_pick_font(rng, fonts, italic=False).path, size)
        kind = ("arc", "wave", "straight")[int(rng.choice(3, p=[0.4, 0.3, 0.3]))]
        words = [_random_word(rng) for _ in range(int(rng.integers(1, 6)))]
        space = font.getlength(" ") * rng.uniform(1.0, 1.8)
        total = sum(font.getlength(w) for w in words) + space * (len(words) - 1)
        pts = _polyline(kind, rng, c, size, total)
        if pts is None:
            continue
        seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
        arc = np.concatenate([[0.0], np.cumsum(seg)])
        ascent, descent = font.getmetrics()
        mid = (ascent + descent) / 2.0  # the centre line runs at half the text height
        line = c.new_line_id()
        s = 0.0
        for word in words:
            placed = _place_curved_word(c, text, taken, font, word, pts, arc, s, mid, line)
            s += font.getlength(word) + space
            if not placed:
                c.break_line()
                line = c.new_line_id()  # a gap in the line: the rest is another line
    c.text = Image.fromarray(text)
    c.text_draw = ImageDraw.Draw(c.text)


def _place_curved_word(c: _Canvas, text: np.ndarray, taken: np.ndarray, font: ImageFont.FreeTypeFont, word: str,
                       pts: np.ndarray, arc: np.ndarray, start: float, mid: float, line: int) -> bool:
    """Draw ``word`` along the centre line from arc length ``start``; record its characters. False if left out."""
    quads, patches = [], []
    for i, ch in enumerate(word):
        left, top, right, bottom = font.getbbox(ch)
        if right <= left or bottom <= top:
            continue
        off = font.getlength(word[:i])
        centre_s = start + off + font.getlength(ch) / 2.0
        if centre_s > arc[-1]:
            return False
        j = int(np.clip(np.searchsorted(arc, centre_s), 1, len(arc) - 1))
        f = (centre_s - arc[j - 1]) / max(arc[j] - arc[j - 1], 1e-9)
        point = pts[j - 1] + f * (pts[j] - pts[j - 1])
        d = pts[j] - pts[j - 1]
        cos, sin = d / max(np.linalg.norm(d), 1e-9)
        rot = np.array([[cos, -sin], [sin, cos]])
        ref = np.array([off + font.getlength(ch) / 2.0, mid])  # in the word's own drawing frame
        corners = np.array([[off + left, top], [off + right, top], [off + right, bottom], [off + left, bottom]], float)
        quad = (corners - ref) @ rot.T + point
        # Render the glyph upright in a small patch, then map it onto the page with the same rotation.
        pad = 2
        pw, ph = int(np.ceil(right - left)) + 2 * pad, int(np.ceil(bottom - top)) + 2 * pad
        patch = Image.new("L", (pw, ph), 0)
        ImageDraw.Draw(patch).text((pad - left, pad - top), ch, font=font, fill=255)
        origin = np.array([off + left - pad, top - pad])  # patch pixel (0, 0) in the word frame
        affine = np.hstack([rot, (rot @ (origin - ref) + point)[:, None]])
        quads.append(quad)
        patches.append((np.asarray(patch), affine))
    if not quads:
        return False
    allq = np.concatenate(quads)
    x0, y0 = np.floor(allq.min(0)).astype(int)
    x1, y1 = np.ceil(allq.max(0)).astype(int)
    if x0 < 1 or y0 < 1 or x1 > c.width - 1 or y1 > c.height - 1 or taken[y0:y1, x0:x1].any():
        return False
    taken[y0:y1, x0:x1] = True
    for patch, affine in patches:
        warped = cv2.warpAffine(patch, affine, (c.width, c.height), flags=cv2.INTER_LINEAR)
        np.maximum(text, warped, out=text)
    index = len(c.words)
    c.words.append(word)
    c.word_boxes.append((float(allq[:, 0].min()), float(allq[:, 1].min()), float(allq[:, 0].max()), float(allq[:, 1].max())))
    c.word_line.append(line)
    c.word_quad_override[index] = np.array([quads[0][0], quads[-1][1], quads[-1][2], quads[0][3]], np.float32)
    for q in quads:
        c.char_quad_override[len(c.char_boxes)] = q.astype(np.float32)
        c.char_boxes.append((float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())))
        c.char_word.append(index)
    return True


_LAYOUTS = (
    (_layout_paragraphs, 0.3),
    (_layout_form, 0.25),
    (_layout_table, 0.15),
    (_layout_receipt, 0.12),
    (_layout_sparse, 0.18),
)


# ---------------------------------------------------------------------------------------------- rendering


def _boxes_to_quads(boxes: Sequence[tuple[float, float, float, float]]) -> np.ndarray:
    if not boxes:
        return np.zeros((0, 4, 2), np.float32)
    b = np.asarray(boxes, np.float32)
    return np.stack(
        [np.stack([b[:, 0], b[:, 1]], 1), np.stack([b[:, 2], b[:, 1]], 1),
         np.stack([b[:, 2], b[:, 3]], 1), np.stack([b[:, 0], b[:, 3]], 1)],
        axis=1,
    )


def _random_homography(rng: np.random.Generator, width: int, height: int, max_angle: float, perspective: float) -> np.ndarray:
    """Rotation about the centre, slight scale and a perspective jitter of the corners."""
    r = rng.random()
    angle = rng.normal(0.0, 1.5) if r < 0.7 else rng.uniform(-max_angle, max_angle)
    rot = cv2.getRotationMatrix2D((width / 2, height / 2), float(angle), float(rng.uniform(0.95, 1.05)))
    rot3 = np.vstack([rot, [0.0, 0.0, 1.0]])
    src = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    jitter = rng.uniform(-perspective, perspective, (4, 2)) * np.float32([width, height])
    persp = cv2.getPerspectiveTransform(src, (src + jitter).astype(np.float32))
    return persp @ rot3


def _warp_quads(quads: np.ndarray, h: np.ndarray) -> np.ndarray:
    if len(quads) == 0:
        return quads
    pts = cv2.perspectiveTransform(quads.reshape(-1, 1, 2).astype(np.float64), h)
    return pts.reshape(-1, 4, 2).astype(np.float32)


def _background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Paper: a light base colour, a low-frequency illumination gradient, fibre-like noise, speckles."""
    base = rng.uniform(200, 255)
    tint = rng.normal(0.0, 6.0, 3)
    img = np.empty((height, width, 3), np.float32)
    img[:] = base + tint
    if rng.random() < 0.7:  # uneven illumination / yellowed paper
        low = rng.normal(0.0, 1.0, (4, 4)).astype(np.float32)
        low = cv2.resize(low, (width, height), interpolation=cv2.INTER_CUBIC)
        img += low[..., None] * rng.uniform(2, 14)
    if rng.random() < 0.5:  # paper texture
        tex = rng.normal(0.0, 1.0, (max(1, height // 2), max(1, width // 2))).astype(np.float32)
        tex = cv2.GaussianBlur(cv2.resize(tex, (width, height)), (0, 0), rng.uniform(0.5, 2.0))
        img += tex[..., None] * rng.uniform(2, 10)
    if rng.random() < 0.08:  # dark background (inverted text blocks, stamps, scene-like)
        img *= rng.uniform(0.15, 0.6)
    return img


def generate_page(
    rng: np.random.Generator,
    width: int,
    height: int,
    fonts: Sequence[FontFace] | None = None,
    *,
    size_range: tuple[float, float] = (9.0, 40.0),
    max_angle: float = 12.0,
    perspective: float = 0.03,
    degrade: bool = True,
    curved: float = 0.0,
) -> SynthSample:
    """Generate one synthetic document image of ``width`` x ``height`` pixels.

    ``size_range``: font sizes in pixels (log-uniform). ``max_angle``: largest page rotation in degrees
    (most pages get only ~1.5 degrees). ``perspective``: corner jitter as a fraction of the page size.
    ``degrade``: add blur, noise and JPEG artefacts. ``curved``: share of pages that hold lines on arcs,
    waves and straight lines at any angle (vertical included, see :func:`_layout_curved`), alone or next to
    an ordinary block; with 0 (the default) no random number is drawn for it, so every page is exactly what
    it was before curved lines existed. Raises ValueError when no font is found.
    """
    fonts = list(fonts) if fonts is not None else available_fonts()
    if not fonts:
        raise ValueError(f"no usable TrueType font found under {', '.join(FONT_DIRS)}")
    c = _Canvas(width, height)
    probs = np.array([p for _, p in _LAYOUTS])
    if curved > 0.0 and rng.random() < curved:
        _layout_curved(c, rng, fonts, size_range)
        n_blocks = 1 if rng.random() < 0.5 else 0  # an ordinary block next to the curved lines
    else:
        n_blocks = 1 if rng.random() < 0.6 else 2
    for _ in range(n_blocks):
        layout = _LAYOUTS[int(rng.choice(len(_LAYOUTS), p=probs / probs.sum()))][0]
        layout(c, rng, fonts, size_range)
    # A second block may overdraw the first: overlapping words are erased and dropped from the GT.
    char_quads = c.char_quads()
    word_quads = c.word_quads()
    char_word = np.asarray(c.char_word, np.int32)
    char_line = c.char_line()
    words = tuple(c.words)
    char_quads, word_quads, char_word, words, char_line = _drop_overlaps(
        char_quads, word_quads, char_word, words, c, char_line
    )

    text = np.asarray(c.text, np.float32) / 255.0
    rules = np.asarray(c.rules, np.float32) / 255.0
    h = _random_homography(rng, width, height, max_angle, perspective)
    text = cv2.warpPerspective(text, h, (width, height), flags=cv2.INTER_LINEAR)
    rules = cv2.warpPerspective(rules, h, (width, height), flags=cv2.INTER_LINEAR)
    char_quads = _warp_quads(char_quads, h)
    word_quads = _warp_quads(word_quads, h)

    img = _background(rng, width, height)
    dark_bg = float(img.mean()) < 128
    ink = rng.uniform(200, 255, 3) if dark_bg else rng.uniform(0, 90, 3)
    if not dark_bg and rng.random() < 0.15:  # coloured ink: blue pen, red stamp, ...
        ink = rng.uniform(0, 200, 3)
    rule_ink = rng.uniform(0, 140, 3) if not dark_bg else rng.uniform(180, 255, 3)
    alpha = np.clip(text * rng.uniform(0.75, 1.0), 0, 1)[..., None]
    img = img * (1 - rules[..., None]) + rule_ink * rules[..., None]
    img = img * (1 - alpha) + ink * alpha
    if degrade:
        img = _degrade(rng, img)
    image = np.clip(img, 0, 255).astype(np.uint8)
    return SynthSample(image=image, char_quads=char_quads, char_word=char_word, words=words, word_quads=word_quads,
                       char_line=char_line)


def _drop_overlaps(char_quads: np.ndarray, word_quads: np.ndarray, char_word: np.ndarray, words: tuple[str, ...],
                   c: _Canvas, char_line: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...], np.ndarray]:
    """Remove words whose box overlaps an earlier word (second layout blocks may overdraw the first).

    The ink of a dropped word stays on the page, so the word is erased from the text layer as well to
    keep image and ground truth consistent. ``char_line`` (line id per character) is filtered alike.
    """
    if char_line is None:
        char_line = np.zeros(len(char_word), np.int32)
    n = len(word_quads)
    if n < 2:
        return char_quads, word_quads, char_word, words, char_line
    b = np.asarray(c.word_boxes, np.float32)
    keep = np.ones(n, bool)
    # Pairwise intersection test; pages hold at most a few hundred words, so n^2 booleans are cheap.
    ix = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0])
    iy = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1])
    hit = (ix > 0) & (iy > 0)
    np.fill_diagonal(hit, False)
    for i in range(n):
        if keep[i] and hit[i, :i][keep[:i]].any():
            keep[i] = False
    if keep.all():
        return char_quads, word_quads, char_word, words, char_line
    draw = c.text_draw
    for i in np.flatnonzero(~keep):
        x0, y0, x1, y1 = b[i]
        draw.rectangle([x0, y0, x1, y1], fill=0)
    # Erasing a rectangle may clip a kept word that overlapped it; redraw nothing, but drop those too.
    erased = ~keep
    clipped = (hit[:, erased].any(axis=1)) & keep
    keep &= ~clipped
    for i in np.flatnonzero(clipped):
        x0, y0, x1, y1 = b[i]
        draw.rectangle([x0, y0, x1, y1], fill=0)
    new_index = np.cumsum(keep) - 1
    char_keep = keep[char_word]
    # A line that lost a word in its middle is two lines now (never linked across the erased gap).
    word_line = np.zeros(n, np.int64)
    word_line[char_word] = char_line
    dropped_before = np.zeros(n, np.int64)
    for i in np.flatnonzero(~keep):
        dropped_before[i + 1:] += word_line[i + 1:] == word_line[i]
    split = word_line * (n + 1) + dropped_before
    _, line_ids = np.unique(split[char_word[char_keep]], return_inverse=True)
    return (
        char_quads[char_keep],
        word_quads[keep],
        new_index[char_word[char_keep]].astype(np.int32),
        tuple(w for w, k in zip(words, keep, strict=True) if k),
        line_ids.astype(np.int32).reshape(-1),
    )


def _degrade(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Scanner/camera artefacts: blur, sensor noise, salt-and-pepper specks, grey scale, JPEG."""
    if rng.random() < 0.6:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.3))
    if rng.random() < 0.6:
        img = img + rng.normal(0.0, rng.uniform(2, 12), img.shape).astype(np.float32)
    if rng.random() < 0.2:
        specks = rng.random(img.shape[:2]) < rng.uniform(0.0005, 0.004)
        img[specks] = rng.uniform(0, 80)
    if rng.random() < 0.4:  # grey-scale scans (FUNSD-like)
        img[:] = img.mean(axis=2, keepdims=True)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 95))])
        if ok:
            img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return img.astype(np.float32)


def save_preview(sample: SynthSample, path: str | Path) -> None:
    """Write the image with character (green) and word (red) quads drawn on it, for eyeballing the GT."""
    vis = sample.image.copy()
    cv2.polylines(vis, [q.astype(np.int32) for q in sample.char_quads], True, (0, 200, 0), 1)
    cv2.polylines(vis, [q.astype(np.int32) for q in sample.word_quads], True, (255, 0, 0), 1)
    buf = io.BytesIO()
    Image.fromarray(vis).save(buf, format="PNG")
    from ocrplug.api import write_bytes_atomic

    write_bytes_atomic(path, buf.getvalue())
