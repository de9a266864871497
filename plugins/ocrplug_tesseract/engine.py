"""Tesseract in-process: finding tessdata, checking languages, and reading many images per call.

Two backends share one interface (:class:`TesseractEngine.read`):

* ``tesserocr`` (preferred): the C++ API in-process. One ``PyTessBaseAPI`` per worker thread is built
  once and reused for every crop (``SetImageBytes`` per crop), so there is no process start and no
  model load per region.
* ``pytesseract`` (fallback): one ``tesseract`` process per *call*, not per region: crops are scaled to
  a common height and stacked into one tall image separated by blank bands, and the words Tesseract
  returns are split back by the band they fall in. The program is the one ``pytesseract`` is set to
  (``pytesseract.pytesseract.tesseract_cmd``); it runs with ``OMP_THREAD_LIMIT=1`` in *its own*
  environment unless the variable is already set (never in this process's ``os.environ``: below
  torch's thread count it makes torch CPU kernels return wrong results, see :mod:`ocrplug.threads`).

Results are :class:`TessWord` boxes in the coordinates of the image that was given.
"""

from __future__ import annotations

import logging
import os
import queue
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ocrplug.api import ConfigError, MissingExtraError, PluginError, WeightsError

log = logging.getLogger(__name__)

__all__ = [
    "TessLine",
    "TessWord",
    "TesseractEngine",
    "apt_package",
    "find_tessdata",
    "parse_config",
]

_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "/opt/local/share/tessdata",
)

INSTALL_HINT = "install Tesseract with e.g. `apt-get install tesseract-ocr` (Debian/Ubuntu) or `brew install tesseract`"


@dataclass(frozen=True)
class TessWord:
    """One word Tesseract read: text, confidence in [0, 1], box (left, top, right, bottom) in image pixels."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class TessLine:
    """One text line: its words, box, line confidence in [0, 1], baseline and the block it belongs to.

    ``reach`` is how far the row's text reaches above and below the baseline, ``(ascent, descent)`` in
    image pixels, from Tesseract's row attributes (x-height + ascenders, and -descenders); ``None`` where
    the backend does not give it (pytesseract).
    """

    words: tuple[TessWord, ...]
    box: tuple[float, float, float, float]
    confidence: float
    block: int = 0
    baseline: tuple[tuple[float, float], tuple[float, float]] | None = None
    reach: tuple[float, float] | None = None

    @property
    def text(self) -> str:
        """Words joined by single spaces."""
        return " ".join(w.text for w in self.words)


def apt_package(lang: str) -> str:
    """Debian/Ubuntu package holding a Tesseract language (``chi_sim`` -> ``tesseract-ocr-chi-sim``)."""
    return "tesseract-ocr-" + lang.lower().replace("_", "-")


def find_tessdata(explicit: str | None = None) -> Path | None:
    """The tessdata folder: ``explicit``, else ``$TESSDATA_PREFIX``, else the usual system places."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise ConfigError(f"tesseract option 'tessdata': {path} is not a directory")
        return path
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env, str(Path(env) / "tessdata")] if env else []) + list(_TESSDATA_CANDIDATES)
    for cand in candidates:
        path = Path(cand)
        if path.is_dir() and any(path.glob("*.traineddata")):
            return path
    return None


#: Language and script codes of Tesseract's trained data (the ``tessdata``/``tessdata_fast``/``tessdata_best``
#: repositories of tesseract-ocr, 4.x and 5.x): the names ``lang`` takes. ``script/...`` models are codes too.
TESSERACT_CODES = frozenset(
    """afr amh ara asm aze aze_cyrl bel ben bod bos bre bul cat ceb ces chi_sim chi_sim_vert chi_tra chi_tra_vert
    chr cos cym dan deu deu_latf div dzo ell eng enm epo equ est eus fao fas fil fin fra frk frm fry gla gle glg
    grc guj hat heb hin hrv hun hye iku ind isl ita ita_old jav jpn jpn_vert kan kat kat_old kaz khm kir kmr kor
    kor_vert kur lao lat lav lit ltz mal mar mkd mlt mon mri msa mya nep nld nor oci ori osd pan pol por pus que
    ron rus san sin slk slv snd spa spa_old sqi srp srp_latn sun swa swe syr tam tat tel tgk tgl tha tir ton tur
    uig ukr urd uzb uzb_cyrl vie yid yor""".split()
)


def is_tesseract_code(name: str) -> bool:
    """Whether ``name`` is a language or script code of Tesseract's trained data (see :data:`TESSERACT_CODES`)."""
    return name in TESSERACT_CODES or name.startswith("script/")


def suggest_code(name: str, installed: Sequence[str] = ()) -> str | None:
    """The Tesseract code ``name`` probably means: ``english`` / ``en`` / ``fre`` -> ``eng`` / ``eng`` /
    ``fra`` (ISO 639 names and codes looked up with pycountry; Tesseract uses ISO 639-2/T codes), ``chi`` ->
    ``chi_sim``; else the closest installed or known code by spelling (``eng `` typo'd as ``enf``); None."""
    import difflib

    import pycountry

    try:
        language = pycountry.languages.lookup(name.strip())
    except LookupError:
        language = None
    if language is not None:
        for code in (getattr(language, "alpha_3", None), getattr(language, "bibliographic", None)):
            if code in TESSERACT_CODES:
                return code
            # Chinese (zho / chi) comes as chi_sim and chi_tra: the installed one first.
            variants = sorted(c for c in TESSERACT_CODES if code and c.startswith(code + "_"))
            variants = [c for c in variants if c in installed] + variants
            if variants:
                return variants[0]
    near = difflib.get_close_matches(name.lower(), [*installed, *sorted(TESSERACT_CODES)], n=1, cutoff=0.6)
    return near[0] if near else None


def check_languages(lang: str, tessdata: Path | None, option: str = "tesseract option 'lang'") -> None:
    """Check every ``+``-joined name of ``lang`` before Tesseract is set up.

    Raises :class:`ConfigError` naming ``option`` for a name that is not a Tesseract language code
    (``english``, ``fr``: "did you mean 'eng' / 'fra'?", with the installed codes), and
    :class:`WeightsError` naming the Debian package to install for a real code whose data is missing.
    A custom model (any name) is accepted once its ``.traineddata`` is in the tessdata folder.
    """
    names = [part.strip().lstrip("~") for part in lang.split("+") if part.strip()]
    if not names:
        raise ConfigError(f"{option} is empty (use e.g. 'eng' or 'eng+deu')")
    have = sorted(p.stem for p in tessdata.glob("*.traineddata")) if tessdata is not None else []
    missing = [n for n in names if n not in have]
    unknown = [n for n in missing if not is_tesseract_code(n)]
    if unknown:
        hints = []
        for name in unknown:
            guess = suggest_code(name, have)
            hints.append(f"{name!r} is not a Tesseract language code" + (f"; did you mean {guess!r}?" if guess else ""))
        where = f" in {tessdata}" if tessdata is not None else ""
        raise ConfigError(
            f"{option} {lang!r}: " + "; ".join(hints) + f" (installed{where}: {', '.join(have) or 'none'}; codes "
            "are ISO 639-2 like 'eng', 'fra', 'deu', joined by '+'; a custom model is used once its "
            "<name>.traineddata is in the tessdata folder)"
        )
    if tessdata is None:
        raise WeightsError(
            "no Tesseract language data (tessdata) found; "
            f"{INSTALL_HINT}, plus `apt-get install {' '.join(apt_package(n) for n in names)}`, "
            "or set TESSDATA_PREFIX / the 'tessdata' option to the folder holding *.traineddata"
        )
    if missing:
        raise WeightsError(
            f"Tesseract language(s) {', '.join(missing)} not installed in {tessdata} "
            f"(installed: {', '.join(have) or 'none'}); install with "
            f"`apt-get install {' '.join(apt_package(n) for n in missing)}` "
            "or copy <lang>.traineddata from https://github.com/tesseract-ocr/tessdata_fast there"
        )


def parse_config(config: str) -> tuple[dict[str, str], int | None]:
    """Split Tesseract command-line style flags into ``-c name=value`` variables and ``--dpi``.

    Only these flags make sense for an in-process engine; anything else is a :class:`ConfigError`.
    """
    variables: dict[str, str] = {}
    dpi: int | None = None
    try:
        tokens = shlex.split(config)
    except ValueError as exc:
        raise ConfigError(f"tesseract option 'config': {exc}") from exc
    it = iter(tokens)
    for tok in it:
        if tok == "-c" or tok.startswith("-c"):
            assignment = tok[2:] if tok != "-c" else next(it, "")
            if "=" not in assignment:
                raise ConfigError(f"tesseract option 'config': expected '-c name=value', got {assignment!r}")
            name, value = assignment.split("=", 1)
            variables[name.strip()] = value
        elif tok == "--dpi" or tok.startswith("--dpi="):
            raw = tok.split("=", 1)[1] if "=" in tok else next(it, "")
            if not raw.isdigit():
                raise ConfigError(f"tesseract option 'config': --dpi needs a number, got {raw!r}")
            dpi = int(raw)
        else:
            raise ConfigError(
                f"tesseract option 'config': unsupported flag {tok!r} "
                "(use '-c name=value' for Tesseract variables and '--dpi N'; psm, oem, lang and "
                "whitelist have their own options)"
            )
    return variables, dpi


class TesseractEngine:
    """Reads batches of 8-bit grayscale images with one Tesseract setup (language, engine mode, variables).

    ``backend``: ``"auto"`` (tesserocr when importable, else pytesseract), ``"tesserocr"`` or
    ``"pytesseract"``. ``threads``: tesserocr APIs working in parallel (one per thread).
    """

    def __init__(
        self,
        lang: str = "eng",
        oem: int = 3,
        variables: dict[str, str] | None = None,
        dpi: int | None = None,
        tessdata: str | None = None,
        backend: str = "auto",
        threads: int = 1,
        option: str = "tesseract option 'lang'",
    ) -> None:
        """Check the installation and languages, then set up the backend (APIs are built lazily).

        ``option`` names the ``lang`` option in errors (the component's). Raises :class:`ConfigError` for
        a name that is not a Tesseract language code, :class:`WeightsError` for missing language data.
        """
        self.lang = lang
        self.oem = oem
        self.variables = dict(variables or {})
        self.dpi = dpi
        self.threads = max(1, threads)
        self.backend = self._pick_backend(backend)
        self.tessdata = find_tessdata(tessdata)
        check_languages(lang, self.tessdata, option)
        self._pool: queue.Queue[Any] = queue.Queue()
        self._built = 0
        if self.backend == "tesserocr":
            self._release(self._acquire())  # fail now (bad variable, broken data), not on the first page

    # ---------------------------------------------------------------- backends
    @staticmethod
    def _pick_backend(backend: str) -> str:
        if backend in ("auto", "tesserocr"):
            try:
                import tesserocr  # noqa: F401

                return "tesserocr"
            except ImportError as exc:
                if backend == "tesserocr":
                    raise MissingExtraError("tesseract", "tesserocr", "tesserocr") from exc
        try:
            import pytesseract
        except ImportError as exc:
            raise MissingExtraError("tesseract", "tesseract", "pytesseract") from exc
        if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
            raise PluginError(f'plugin "tesseract": the tesseract program was not found on PATH; {INSTALL_HINT}')
        return "pytesseract"

    def _new_api(self) -> Any:
        import tesserocr

        path = str(self.tessdata).rstrip("/") + "/" if self.tessdata else ""
        try:
            api = tesserocr.PyTessBaseAPI(path=path, lang=self.lang, oem=self.oem)
        except RuntimeError as exc:
            raise WeightsError(
                f"Tesseract could not load language {self.lang!r} with oem={self.oem} from {path or 'default'}: "
                f"{exc} (oem 0/2 need legacy models, which tessdata_fast/best lack)"
            ) from exc
        for name, value in self.variables.items():
            if not api.SetVariable(name, value):
                api.End()
                raise ConfigError(f"tesseract option 'config'/'whitelist': unknown Tesseract variable {name!r}")
        return api

    def _acquire(self) -> Any:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            self._built += 1
            return self._new_api()

    def _release(self, api: Any) -> None:
        self._pool.put(api)

    @contextmanager
    def _api(self) -> Iterator[Any]:
        api = self._acquire()
        try:
            yield api
        finally:
            self._release(api)

    def close(self) -> None:
        """Free the Tesseract APIs (they are rebuilt on the next call)."""
        while True:
            try:
                self._pool.get_nowait().End()
            except queue.Empty:
                break

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing sensible to do
            pass

    # ---------------------------------------------------------------- reading
    def read(self, images: Sequence[np.ndarray], psm: int) -> list[list[TessLine]]:
        """Read each grayscale uint8 image with page segmentation mode ``psm``: its lines, in order."""
        if not images:
            return []
        if self.backend == "pytesseract":
            return _read_stacked(images, psm, self)
        if self.threads == 1 or len(images) < 2 * self.threads:
            with self._api() as api:
                return [_read_one(api, img, psm, self.dpi) for img in images]
        chunks = np.array_split(np.arange(len(images)), self.threads)

        def work(idx: np.ndarray) -> list[list[TessLine]]:
            with self._api() as api:
                return [_read_one(api, images[i], psm, self.dpi) for i in idx]

        with ThreadPoolExecutor(self.threads) as pool:
            parts = list(pool.map(work, chunks))
        return [lines for part in parts for lines in part]

    def read_page(self, image: np.ndarray, psm: int) -> list[TessLine]:
        """Layout analysis + recognition of a whole page (gray or RGB uint8)."""
        if self.backend == "pytesseract":
            return _read_page_pytesseract(image, psm, self)
        with self._api() as api:
            return _read_one(api, image, psm, self.dpi)


def _read_one(api: Any, image: np.ndarray, psm: int, dpi: int | None) -> list[TessLine]:
    import tesserocr

    img = np.ascontiguousarray(image)
    h, w = img.shape[:2]
    if h < 2 or w < 2:
        return []
    bpp = 1 if img.ndim == 2 else img.shape[2]
    api.SetPageSegMode(psm)
    api.SetImageBytes(img.tobytes(), w, h, bpp, w * bpp)
    # Without a resolution Tesseract warns and guesses; 300 is what it assumes for scans anyway.
    api.SetSourceResolution(dpi or 300)
    if not api.Recognize():
        return []
    it = api.GetIterator()
    if it is None:
        return []
    RIL = tesserocr.RIL
    lines: list[TessLine] = []
    words: list[TessWord] = []
    line_box: tuple[float, float, float, float] | None = None
    line_conf = 0.0
    baseline = None
    reach: tuple[float, float] | None = None
    block = -1

    def flush() -> None:
        if words and line_box is not None:
            lines.append(TessLine(tuple(words), line_box, line_conf, block, baseline, reach))

    while True:
        if it.Empty(RIL.WORD):
            if not it.Next(RIL.WORD):
                break
            continue
        if it.IsAtBeginningOf(RIL.BLOCK):
            block += 1
        if it.IsAtBeginningOf(RIL.TEXTLINE) or line_box is None:
            flush()
            words = []
            line_box = it.BoundingBox(RIL.TEXTLINE)
            line_conf = _conf(it.Confidence(RIL.TEXTLINE))
            baseline = it.Baseline(RIL.TEXTLINE)
            reach = _reach(it.RowAttributes())
        text = (it.GetUTF8Text(RIL.WORD) or "").strip()
        box = it.BoundingBox(RIL.WORD)
        if text and box is not None:
            words.append(TessWord(text, _conf(it.Confidence(RIL.WORD)), tuple(float(v) for v in box)))  # type: ignore[arg-type]
        if not it.Next(RIL.WORD):
            break
    flush()
    return lines


def _reach(attrs: dict | None) -> tuple[float, float] | None:
    """``(ascent, descent)`` above and below the baseline from Tesseract's row attributes, whose
    ``row_height`` is x-height + ascenders - descenders (``LTRResultIterator::RowAttributes``)."""
    if not attrs:
        return None
    height, desc = float(attrs.get("row_height", 0.0)), float(attrs.get("descenders", 0.0))
    if not (height > 0 and height == height and desc == desc):
        return None
    return height + desc, -desc


def _conf(value: float | None) -> float:
    if value is None or value != value:
        return 0.0
    return float(min(max(value / 100.0, 0.0), 1.0))


# ------------------------------------------------------------------------ pytesseract fallback
def _tess_config(engine: TesseractEngine, psm: int) -> str:
    parts = [f"--psm {psm}", f"--oem {engine.oem}"]
    if engine.tessdata:
        parts.append(f'--tessdata-dir "{engine.tessdata}"')
    if engine.dpi:
        parts.append(f"--dpi {engine.dpi}")
    parts += [f"-c {k}={v}" for k, v in engine.variables.items()]
    return " ".join(parts)


def _data_to_lines(data: dict[str, list[Any]], dx: float = 0.0, dy: float = 0.0) -> list[TessLine]:
    """Group the rows of Tesseract's TSV word table (level 5 = word) into lines."""
    groups: dict[tuple[int, int, int, int], list[TessWord]] = {}
    for i, level in enumerate(data.get("level", [])):
        if int(level) != 5:
            continue
        text = str(data["text"][i]).strip()
        if not text:
            continue
        left, top = float(data["left"][i]) - dx, float(data["top"][i]) - dy
        box = (left, top, left + float(data["width"][i]), top + float(data["height"][i]))
        key = (int(data["page_num"][i]), int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        groups.setdefault(key, []).append(TessWord(text, _conf(float(data["conf"][i])), box))
    lines = []
    for key, words in groups.items():
        xs0, ys0, xs1, ys1 = zip(*(w.box for w in words), strict=True)
        conf = float(np.mean([w.confidence for w in words]))
        lines.append(TessLine(tuple(words), (min(xs0), min(ys0), max(xs1), max(ys1)), conf, key[1]))
    return lines


def _read_page_pytesseract(image: np.ndarray, psm: int, engine: TesseractEngine) -> list[TessLine]:
    return _data_to_lines(_image_to_data(image, engine.lang, _tess_config(engine, psm)))


def _program_env() -> dict[str, str]:
    """The environment of a ``tesseract`` child process: ours plus ``OMP_THREAD_LIMIT=1`` if unset.

    Debian's tesseract program uses OpenMP threads that fight with ours and with other workers; one
    is fastest per call. Only the child gets it: in this process it would cap torch (ocrplug.threads).
    """
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def _image_to_data(image: np.ndarray, lang: str, config: str) -> dict[str, list[str]]:
    """Run the ``tesseract`` program on a uint8 image (gray or RGB); its TSV word table as columns.

    Same table as ``pytesseract.image_to_data(..., output_type=DICT)`` (keys ``level``, ``page_num``,
    ``block_num``, ``par_num``, ``line_num``, ``word_num``, ``left``, ``top``, ``width``, ``height``,
    ``conf``, ``text``; values as strings), but the child gets :func:`_program_env`. Raises
    :class:`PluginError` with Tesseract's message when the program fails.
    """
    import pytesseract
    from PIL import Image

    program = pytesseract.pytesseract.tesseract_cmd
    with tempfile.TemporaryDirectory(prefix="ocrplug-tess-") as tmp:
        src, base = Path(tmp) / "in.png", Path(tmp) / "out"
        Image.fromarray(np.ascontiguousarray(image)).save(src)
        cmd = [program, str(src), str(base), "-l", lang, "-c", "tessedit_create_tsv=1", *shlex.split(config)]
        try:
            proc = subprocess.run(cmd, capture_output=True, env=_program_env(), check=False)
        except OSError as exc:
            raise PluginError(f'plugin "tesseract": cannot run {program!r}: {exc.strerror or exc}; {INSTALL_HINT}') from exc
        if proc.returncode != 0:
            message = " ".join(proc.stderr.decode("utf-8", "replace").split())[:300]
            raise PluginError(f'plugin "tesseract": the tesseract program failed (exit {proc.returncode}): {message}')
        rows = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace").splitlines()
    if not rows:
        return {}
    header = rows[0].split("\t")
    columns: dict[str, list[str]] = {name: [] for name in header}
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) < len(header) - 1:
            continue
        cells += [""] * (len(header) - len(cells))  # a word row whose text is empty may lose its last tab
        for name, cell in zip(header, cells, strict=False):
            columns[name].append(cell)
    return columns


_STACK_HEIGHT = 48  # every crop is scaled to this height so one block of lines is uniform for Tesseract
_STACK_GAP = 24
_STACK_MAX_ROWS = 200


def _read_stacked(images: Sequence[np.ndarray], psm: int, engine: TesseractEngine) -> list[list[TessLine]]:
    """One tesseract process per batch of up to 200 crops stacked vertically; words split back by band."""
    import cv2

    if psm not in (7, 8, 13):
        # Multi-line crops (blocks) would be squashed by the common band height: one call each.
        return [_read_page_pytesseract(img, psm, engine) for img in images]
    # Single-line / single-word modes cannot read a stack; "uniform block of text" reads it line by line
    # and keeps each crop's words together since the bands are far apart.
    stack_psm = 6
    results: list[list[TessLine]] = []
    for start in range(0, len(images), _STACK_MAX_ROWS):
        batch = images[start : start + _STACK_MAX_ROWS]
        scales, widths = [], []
        for img in batch:
            s = _STACK_HEIGHT / max(img.shape[0], 1)
            scales.append(s)
            widths.append(max(1, round(img.shape[1] * s)))
        band = _STACK_HEIGHT + _STACK_GAP
        canvas = np.full((band * len(batch) + _STACK_GAP, max(widths) + 2 * _STACK_GAP), 255, np.uint8)
        for k, img in enumerate(batch):
            small = cv2.resize(img, (widths[k], _STACK_HEIGHT), interpolation=cv2.INTER_AREA)
            y = _STACK_GAP + k * band
            canvas[y : y + _STACK_HEIGHT, _STACK_GAP : _STACK_GAP + widths[k]] = small
        data = _image_to_data(canvas, engine.lang, _tess_config(engine, stack_psm))
        per_row: list[list[TessWord]] = [[] for _ in batch]
        for line in _data_to_lines(data):
            for word in line.words:
                cy = (word.box[1] + word.box[3]) / 2 - _STACK_GAP
                k = int(np.clip(np.floor((cy + _STACK_GAP / 2) / band), 0, len(batch) - 1))
                s, y0 = scales[k], _STACK_GAP + k * band
                x0, y0w, x1, y1w = word.box
                box = ((x0 - _STACK_GAP) / s, (y0w - y0) / s, (x1 - _STACK_GAP) / s, (y1w - y0) / s)
                per_row[k].append(TessWord(word.text, word.confidence, box))
        for words in per_row:
            if not words:
                results.append([])
                continue
            words.sort(key=lambda w: w.box[0])
            xs0, ys0, xs1, ys1 = zip(*(w.box for w in words), strict=True)
            conf = float(np.mean([w.confidence for w in words]))
            results.append([TessLine(tuple(words), (min(xs0), min(ys0), max(xs1), max(ys1)), conf)])
    return results
