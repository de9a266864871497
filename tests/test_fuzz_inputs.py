"""Fuzzing the input side: seeded random, truncated and mutated image and PDF files through `ocrplug run`.

Whatever the bytes, the run must print no traceback and account for every file: either its output is
written (the file was read) or the failure summary names it. The quick test runs 80 files; the slow one
400 (about a minute on 2 cores). The table of what users see is in docs/robustness.md.
"""

from __future__ import annotations

import io
import os
import random
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
FORMATS = {".png": "PNG", ".jpg": "JPEG", ".tif": "TIFF", ".bmp": "BMP", ".webp": "WEBP", ".pdf": "PDF"}


def _valid(rng: random.Random, ext: str) -> bytes:
    """A small valid file of the format: text-like boxes, sometimes several pages, odd modes."""
    w, h = rng.randint(8, 160), rng.randint(8, 120)
    mode = rng.choice(["RGB", "L", "1", "P", "RGBA"] if ext in (".png", ".tif", ".webp") else ["RGB", "L"])
    if ext == ".bmp" and mode == "RGBA":
        mode = "RGB"
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(0, 4)):
        x, y = rng.randint(0, w - 1), rng.randint(0, h - 1)
        draw.rectangle((x, y, min(w - 1, x + rng.randint(1, 40)), min(h - 1, y + rng.randint(1, 10))), fill="black")
    img = img.convert(mode)
    buf = io.BytesIO()
    options: dict = {}
    if ext in (".tif", ".pdf") and rng.random() < 0.4:
        options = {"save_all": True, "append_images": [img.copy() for _ in range(rng.randint(1, 2))]}
    if ext == ".tif":
        options["compression"] = rng.choice(["raw", "tiff_lzw", "tiff_adobe_deflate", "packbits"])
        if mode == "1" and rng.random() < 0.5:
            options["compression"] = "group4"
    if ext == ".png" and mode == "RGB" and rng.random() < 0.3:
        options["transparency"] = (255, 255, 255)
    if ext == ".pdf":
        img = img.convert("RGB")
        options["resolution"] = rng.choice([36.0, 72.0])
    img.save(buf, format=FORMATS[ext], **options)
    return buf.getvalue()


def _png_header(rng: random.Random) -> bytes:
    """A PNG whose header claims a random, often absurd, size and depth, with too little data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    width, height = rng.choice([0, 1, 7, 65_535, 100_000, 2**31 - 1]), rng.choice([0, 1, 9, 65_535, 100_000])
    ihdr = struct.pack(">IIBBBBB", width, height, rng.choice([1, 2, 8, 16, 3]), rng.choice([0, 2, 3, 4, 6, 5]), 0, 0,
                       rng.choice([0, 1]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rng.randbytes(64))) + chunk(b"IEND", b"")


def _mutate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["truncate", "flip", "splice", "zero", "repeat", "header-only"])
    n = len(data)
    if kind == "truncate":
        return kind, data[: rng.randint(0, max(0, n - 1))]
    if kind == "flip":
        buf = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            buf[rng.randrange(n)] = rng.randrange(256)
        return kind, bytes(buf)
    if kind == "splice":
        at = rng.randrange(n)
        return kind, data[:at] + rng.randbytes(rng.randint(1, 200)) + data[at:]
    if kind == "zero":
        at = rng.randrange(n)
        return kind, data[:at] + bytes(min(n - at, rng.randint(1, 300))) + data[at + 300:]
    if kind == "repeat":
        at = rng.randrange(n)
        return kind, data[:at] + data[at:at + 100] * rng.randint(2, 20) + data[at:]
    return kind, data[: rng.randint(2, 24)]


def make_corpus(folder: Path, count: int, seed: int) -> list[Path]:
    """``count`` files under ``folder``: about a fifth valid, the rest random, mutated or lying headers."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        ext = rng.choice(list(FORMATS))
        roll = rng.random()
        if roll < 0.2:
            kind, data = "valid", _valid(rng, ext)
        elif roll < 0.3:
            kind, data = "random", rng.randbytes(rng.randint(0, 2000))
        elif roll < 0.35 and ext == ".png":
            kind, data = "claims", _png_header(rng)
        else:
            kind, data = _mutate(rng, _valid(rng, ext))
        path = folder / f"{i:04d}_{kind}{ext}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _run_corpus(tmp_path: Path, count: int, seed: int) -> None:
    files = make_corpus(tmp_path / "in", count, seed)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "plugins"), *sys.path]))
    cmd = [
        sys.executable, "-m", "ocrplug.cli", "run", str(tmp_path / "in"), "-o", str(out), "--no-progress",
        "--set", "detector=null", "--set", "recognizer=null", "--set", "renderers=[json]",
        "--set", "input.dpi=36", "--set", "input.max_pixels=4000000", "--set", "input.options.timeout=20",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    err = proc.stderr
    assert "Traceback" not in err, err[-4000:]
    assert proc.returncode in (0, 1, 3), (proc.returncode, err[-2000:])
    summary = [line.strip() for line in err.splitlines() if line.startswith("  ")]
    unaccounted = []
    for path in files:
        read = (out / f"{path.stem}.json").is_file()
        named = any(line.startswith(str(path)) for line in summary)
        if not (read or named):
            unaccounted.append(path.name)
    assert not unaccounted, f"neither read nor named as failed: {unaccounted}\n{err[-3000:]}"
    valid = [p for p in files if "_valid" in p.name]
    assert all((out / f"{p.stem}.json").is_file() for p in valid), "a valid file was not read"


def test_fuzzed_inputs_quick(tmp_path: Path) -> None:
    _run_corpus(tmp_path, 80, seed=13)


@pytest.mark.slow
def test_fuzzed_inputs_many(tmp_path: Path) -> None:
    _run_corpus(tmp_path, 400, seed=2026)
