"""Print the table of docs/robustness.md: every bad input and config mistake, what `ocrplug run` says,
and its exit code; then the fuzz figures (files, read, named as failed, tracebacks).

usage: python benchmarks/robustness_table.py [--fuzz N] [--seed S]
       python benchmarks/robustness_table.py --bad-values    # only the "Bad option values" block (issue 23)

Each bad input runs next to a good file (so the exit code is that of a partly failed run); every
case is generated here, in a temporary folder, and the commands run offline (the trocr row needs no
network: it shows the unreachable-hub message). About a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
PLAIN = ["--set", "detector=null", "--set", "recognizer=null", "--set", "renderers=[json]"]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "plugins"), *sys.path]))


def _ocrplug(args: list[str], cwd: Path) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "ocrplug.cli", *args], capture_output=True, text=True,
                          errors="backslashreplace", env=_env(), cwd=cwd, timeout=600)
    return proc.returncode, proc.stderr


def _png_claiming(path: Path, width: int, height: int) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


def _page(path: Path, size: tuple[int, int] = (300, 80), **save) -> Path:
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).rectangle((20, 20, 120, 50), fill=(30, 30, 30))
    img.save(path, **save)
    return path


def _message(stderr: str, tmp: Path, quiet: bool = False) -> str:
    lines = [ln.strip() for ln in stderr.splitlines()]
    if quiet:  # the input rows switch recognition off on purpose: leave out that warning
        lines = [ln for ln in lines if "no text will be read" not in ln]
    picked = [ln for ln in lines if ln.startswith(("ocrplug: error", "ocrplug: warning"))
              or (ln and not ln[0].isdigit() and ": " in ln and "failure(s)" not in ln and "good.png" not in ln)]
    text = " / ".join(picked) if picked else "(nothing on stderr)"
    text = text.replace(str(tmp) + "/", "").replace(str(tmp), "")
    text = re.sub(r"\s+", " ", text)
    return (text[:230] + " ...") if len(text) > 230 else text


def input_cases(tmp: Path) -> list[tuple[str, Path | None, list[str]]]:
    import pikepdf

    cases: list[tuple[str, Path | None, list[str]]] = []
    cases.append(("PNG header claiming 100,000 x 100,000 pixels", _png_claiming(tmp / "claims.png", 100_000, 100_000), []))
    big = tmp / "big_196mp.png"
    Image.new("L", (14_000, 14_000), 255).save(big)
    cases.append(("196-megapixel PNG (over the default input.max_pixels)", big, []))
    raw = _page(tmp / "full.jpg").read_bytes()
    (tmp / "truncated.jpg").write_bytes(raw[: len(raw) // 2])
    cases.append(("truncated JPEG", tmp / "truncated.jpg", []))
    (tmp / "random.png").write_bytes(np.random.default_rng(0).bytes(3000))
    cases.append(("random bytes named .png", tmp / "random.png", []))
    (tmp / "empty.tif").write_bytes(b"")
    cases.append(("empty file (0 bytes)", tmp / "empty.tif", []))
    (tmp / "notes.txt").write_text("hello")
    cases.append(("unsupported file type", tmp / "notes.txt", []))
    cases.append(("missing file", tmp / "nope.png", []))
    os.mkfifo(tmp / "fifo.png")
    cases.append(("named pipe (FIFO) given as input", tmp / "fifo.png", []))
    cases.append(("device given as input (`/dev/null`)", Path(os.devnull), []))
    linked = tmp / "linked"
    linked.mkdir()
    _page(linked / "fine.png")
    (linked / "dangling.png").symlink_to(tmp / "gone.png")
    cases.append(("broken symlink inside an input folder", linked, []))
    pikepdf.Pdf.new().save(tmp / "no_pages.pdf")
    cases.append(("PDF with 0 pages", tmp / "no_pages.pdf", []))
    with pikepdf.Pdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(tmp / "locked.pdf", encryption=pikepdf.Encryption(user="secret", owner="o"))
    cases.append(("encrypted PDF, no password given", tmp / "locked.pdf", []))
    cases.append(("encrypted PDF, wrong password", tmp / "locked.pdf", ["--set", "input.options.password=guess"]))
    good_pdf = tmp / "two.pdf"
    first = Image.open(_page(tmp / "p.png")).convert("RGB")
    first.save(good_pdf, save_all=True, append_images=[first.copy()])
    (tmp / "truncated.pdf").write_bytes(good_pdf.read_bytes()[:400])
    cases.append(("truncated PDF", tmp / "truncated.pdf", []))
    name = b"Rechnung_M\xfcller_4711.png".decode("utf-8", "surrogateescape")
    cases.append(("file name that is not valid UTF-8 (json, hocr, pdf written)", _page(tmp / name),
                  ["--set", "renderers=[json, hocr, pdf]"]))
    cases.append(("fax TIFF, 204 x 98 dpi", _page(tmp / "fax.tif", (1728, 550), dpi=(204, 98)), []))
    pixels = np.ones((60, 200), np.float32)
    pixels[20:40, 10:90] = 0.0
    Image.fromarray(pixels, mode="F").save(tmp / "float01.tif")
    cases.append(("32-bit float TIFF in 0..1", tmp / "float01.tif", []))
    key = Image.new("RGB", (80, 40), (0, 0, 0))
    key.save(tmp / "trns.png", transparency=(0, 0, 0))
    cases.append(("RGB PNG with a tRNS colour key", tmp / "trns.png", []))
    return cases


def config_cases(tmp: Path) -> list[tuple[str, list[str]]]:
    def job(name: str, text: str) -> str:
        path = tmp / name
        path.write_text(text)
        return str(path)

    image = str(_page(tmp / "cfg.png"))
    latin1 = tmp / "latin1.yaml"
    latin1.write_bytes(b"detector: db  # M\xfcller\n")
    return [
        ("YAML with only `renderers: [{name: pdf}]`", [image, "-c", job("pdf_only.yaml", "renderers: [{name: pdf}]\n")]),
        ("typo in a top-level key", [image, "-c", job("typo.yaml", "detecter: db\n")]),
        ("typo in an option, and in input.options", [image, "-c", job("opt.yaml", "detector: {name: db, options: {box_tresh: 0.5}}\ninput: {options: {pasword: x}}\n")]),
        ("CRAFT `text_threshold: 3`", [image, "--set", "detector=craft", "--set", "detector.options.text_threshold=3"]),
        ("unknown component", [image, "--set", "recognizer=tesserakt"]),
        ("three mistakes from file and --set", [image, "-c", job("three.yaml", "detecter: db\n"), "--set", "input.dpi=-1", "--set", "renderers=[jsn]"]),
        ("`--set input.pages=1` (bare number for a string key)", [image, *PLAIN, "--set", "input.pages=1"]),
        ("`--set` without `=`", [image, "--set", "input.dpi"]),
        ("invalid YAML", [image, "-c", job("bad.yaml", "detector: [db\n")]),
        ("config file missing", [image, "-c", str(tmp / "missing.yaml")]),
        ("`recognizer: null` (no text will be read)", [image, "--set", "recognizer=null", "--set", "renderers=[json]"]),
        ("`plugins: [no_such_module]`", [image, "--set", "plugins=[no_such_module]"]),
        ("DB model file missing", [image, "--set", "detector=db", "--set", f"detector.options.model={tmp / 'missing.onnx'}"]),
        ("config file that is not UTF-8 (Latin-1)", [image, "-c", latin1]),
        ("key given twice in a config file", [image, "-c", job("twice.yaml", "input: {dpi: 200}\ndetector: db\ninput: {dpi: 300}\n")]),
        ("`--set` list index past the end", [image, "--set", "renderers.5.name=pdf"]),
        ("`--set` value that is broken YAML", [image, "--set", "renderers=[{name: pdf"]),
        ("reversed page range `5-2`", [image, "--set", "input.pages=5-2"]),
        ("page selection that matches no page", [image, *PLAIN, "--set", "input.pages=2-3"]),
        ("two renderers writing one file", [image, "--set", "renderers=[text, text]"]),
        ("`--jobs 0`", [image, "--jobs", "0"]),
        ("empty output folder `-o ''`", [image, *PLAIN, "-o", ""]),
        ("trocr model not cached, hub unreachable", [image, "--set", "recognizer=trocr", "--set", "renderers=[json]"]),
    ]


def bad_value_cases(tmp: Path) -> list[tuple[str, list[str], Path | None]]:
    """Issue 23, bad values of component options and huge pages: (title, argv, output text file to show)."""
    import pikepdf

    a4 = tmp / "a4.png"
    Image.new("RGB", (2480, 3508), "white").save(a4)
    image = str(_page(tmp / "val.png"))
    wide = tmp / "wide.pdf"
    pdf = pikepdf.Pdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    content = b"BT /F1 48 Tf 100 400 Td (Invoice number 4711 paid in full) Tj ET"
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 20000, 842], Contents=pikepdf.Stream(pdf, content),
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
    )))
    pdf.save(wide)
    tess = ["--set", "detector=null", "--set", "recognizer=tesseract"]
    return [
        ("`db` options `max_side: 32768, limit_side_len: 16384` on an A4 page at 300 dpi (`input.max_memory_mb: 8192`)",
         [str(a4), image, "--set", "detector.options.max_side=32768", "--set", "detector.options.limit_side_len=16384",
          "--set", "input.max_memory_mb=8192", "--set", "recognizer=null", "--set", "renderers=[json]"], None),
        ("`--set recognizer.options.charset=Latin`", [image, "--set", "recognizer.options.charset=Latin"], None),
        ("tesseract `lang: english`", [image, *tess, "--set", "recognizer.options.lang=english"], None),
        ("tesseract `lang: eng+fr`", [image, *tess, "--set", "recognizer.options.lang=eng+fr"], None),
        ("tesseract-layout `lang: english`", [image, "--set", "detector=tesseract-layout",
                                              "--set", "detector.options.lang=english"], None),
        ("a 20000 x 842 pt PDF page (default pipeline)", [str(wide), "--set", "renderers=[text]"], Path("wide.txt")),
    ]


def bad_values(tmp: Path) -> None:
    """Print the issue-23 block of docs/robustness.md (its own table, for its own section)."""
    print("| bad value | what `ocrplug run` prints (stderr) | exit code | text written |")
    print("|---|---|---|---|")
    for title, argv, text in bad_value_cases(tmp):
        out = tmp / "val-out"
        code, err = _ocrplug(["run", *argv, "-o", str(out), "--no-progress"], tmp)
        shown = " ".join((out / text).read_text().split()) if text and (out / text).is_file() else "-"
        print(f"| {title} | {_message(err, tmp, quiet=True)} | {code} | {shown} |")


def fuzz(tmp: Path, count: int, seed: int) -> str:
    sys.path.insert(0, str(ROOT))
    from tests.test_fuzz_inputs import make_corpus

    files = make_corpus(tmp / "fuzz", count, seed)
    out = tmp / "fuzz-out"
    code, err = _ocrplug(["run", str(tmp / "fuzz"), "-o", str(out), "--no-progress", *PLAIN,
                          "--set", "input.dpi=36", "--set", "input.max_pixels=4000000"], tmp)
    summary = [ln.strip() for ln in err.splitlines() if ln.startswith("  ")]
    read = sum((out / f"{p.stem}.json").is_file() for p in files)
    named = sum(any(ln.startswith(str(p)) for ln in summary) for p in files)
    lost = sum(not (out / f"{p.stem}.json").is_file() and not any(ln.startswith(str(p)) for ln in summary) for p in files)
    return (f"fuzz (seed {seed}): {count} files, {read} read, {named} named as failed, {lost} unaccounted, "
            f"{err.count('Traceback')} tracebacks, exit code {code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--bad-values", action="store_true", help="print only the issue-23 bad-value block")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if args.bad_values:
            bad_values(tmp)
            return 0
        good = _page(tmp / "good.png")
        print("| bad input | what `ocrplug run` prints (stderr) | exit code |")
        print("|---|---|---|")
        for title, path, extra in input_cases(tmp):
            out = tmp / "out"
            code, err = _ocrplug(["run", str(path), str(good), "-o", str(out), "--no-progress", *PLAIN, *extra], tmp)
            print(f"| {title} | {_message(err, tmp, quiet=True)} | {code} |")
        print()
        print("| config mistake | what `ocrplug run` prints (stderr) | exit code |")
        print("|---|---|---|")
        for title, argv in config_cases(tmp):
            out = [] if "-o" in argv else ["-o", str(tmp / "cfg-out")]
            code, err = _ocrplug(["run", *argv, *out, "--no-progress"], tmp)
            print(f"| {title} | {_message(err, tmp)} | {code} |")
        print()
        print(fuzz(tmp, args.fuzz, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
