"""Encrypted PDFs with only an owner password (issue 23): readable by anyone, so every route reads them.

The refusal ("wrong password") came from ocrplug's PDF rasterizer (``ocrplug_inputs.pdf``), which gave
``input.options.password`` to poppler as the user password only. Now it is given as both the user and
the owner password, and a PDF with only an owner password is read even when the password does not fit
(a warning says so). OCRmyPDF opens such a PDF itself (pikepdf) and writes its output unencrypted;
a PDF with a user password it refuses (its ``EncryptedPdfError``, exit code 8), whatever the engine.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw

from ocrplug.cli import main
from ocrplug.pipeline import Pipeline
from tests.conftest import REPO_ROOT, shared_path

pikepdf = pytest.importorskip("pikepdf")

PLAIN = ["--set", "input.dpi=150", "--set", "detector=null", "--set", "recognizer=null", "--set", "renderers=[json]"]
OCRMYPDF = shutil.which("ocrmypdf", path=os.path.dirname(sys.executable)) or shutil.which("ocrmypdf")


def _pdf(path: Path, **encryption: str) -> Path:
    """A one-page 288 x 96 pt PDF (a dark box on white) saved with ``pikepdf.Encryption(**encryption)``:
    ``owner="x", user=""`` is a PDF anyone opens whose owner password ``x`` guards copying."""
    plain = path.with_name(path.stem + "-plain.pdf")
    img = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(img).rectangle((40, 60, 300, 120), fill="black")
    img.save(plain, resolution=150)
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(**encryption, allow=pikepdf.Permissions(extract=False)))
    plain.unlink()
    return path


def _pages(out: Path, stem: str) -> list[dict]:
    return json.loads((out / f"{stem}.json").read_text())["pages"]


@pytest.mark.parametrize("password", [None, "x", "not-the-password"])
def test_ocrplug_run_reads_an_owner_only_pdf(
    tmp_path: Path, password: str | None, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _pdf(tmp_path / "owner.pdf", owner="x", user="")
    given = [] if password is None else ["--set", f"input.options.password={password}"]
    with caplog.at_level(logging.WARNING, logger="ocrplug_inputs.pdf"):
        code = main(["run", str(pdf), "-o", str(tmp_path / "out"), *PLAIN, *given])
    assert code == 0, capsys.readouterr().err
    pages = _pages(tmp_path / "out", "owner")
    assert [(p["width"], p["height"]) for p in pages] == [(600, 200)]  # 288 x 96 pt at 150 dpi
    warned = [r.getMessage() for r in caplog.records if "needs none to be read" in r.getMessage()]
    if password == "not-the-password":  # not its password, but none is needed: read, said once
        assert warned == [f"{pdf}: input.options.password is not this PDF's password, but the PDF needs none "
                          "to be read (it has only an owner password); read without it"]
    else:
        assert warned == []


def test_a_user_password_pdf_opens_with_either_password_and_refuses_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _pdf(tmp_path / "locked.pdf", owner="o", user="secret")
    for i, password in enumerate(["secret", "o"]):
        out = tmp_path / f"out{i}"
        assert main(["run", str(pdf), "-o", str(out), *PLAIN, "--set", f"input.options.password={password}"]) == 0
        assert len(_pages(out, "locked")) == 1
    capsys.readouterr()
    assert main(["run", str(pdf), "-o", str(tmp_path / "bad"), *PLAIN, "--set", "input.options.password=zz"]) == 3
    assert f"{pdf}: wrong password for this PDF (input.options.password)" in capsys.readouterr().err
    assert main(["run", str(pdf), "-o", str(tmp_path / "none"), *PLAIN]) == 3
    assert "PDF is password-protected; set input.options.password" in capsys.readouterr().err


def test_python_api_reads_an_owner_only_pdf_with_its_owner_password(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "owner.pdf", owner="x", user="")
    pipeline = Pipeline.from_dict({
        "input": {"dpi": 72, "options": {"password": "x"}}, "detector": None, "recognizer": None, "renderers": [],
    })
    result = pipeline.run(pdf)
    assert [(p.width, p.height) for p in result.pages] == [(288, 96)]


def test_shared_encrypted_pdf_opens_with_its_permission_password(tmp_path: Path) -> None:
    """py-pdf's sample: open password ``openpassword``, permission (owner) password ``permissionpassword``."""
    pdf = shared_path("eval", "pdfs", "files", "libreoffice-writer-password.pdf")
    for password in ("openpassword", "permissionpassword"):
        out = tmp_path / password
        assert main(["run", str(pdf), "-o", str(out), *PLAIN, "--set", f"input.options.password={password}"]) == 0
        assert len(_pages(out, "libreoffice-writer-password")) >= 1


@pytest.mark.skipif(OCRMYPDF is None, reason="needs the ocrmypdf command")
def test_ocrmypdf_engine_reads_an_owner_only_pdf_and_writes_it_unencrypted(tmp_path: Path) -> None:
    pytest.importorskip("ocrmypdf")
    owner = _pdf(tmp_path / "owner.pdf", owner="x", user="")
    locked = _pdf(tmp_path / "locked.pdf", owner="o", user="secret")
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump({
        "plugins": ["tests.fakes.fault_plugin", "tests.integrations.counting_plugin"],
        "detector": {"name": "fake-box"}, "recognizer": {"name": "two-words"},
    }))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "plugins"),
                                                       os.environ.get("PYTHONPATH", "")]))

    def ocrmypdf(pdf: Path, out: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [OCRMYPDF, "--plugin", "ocrplug.integrations.ocrmypdf", "--ocr-engine", "ocrplug", "--ocrplug-config",
             str(job), "--output-type", "pdf", "--sidecar", str(out.with_suffix(".txt")), str(pdf), str(out)],
            capture_output=True, text=True, env=env, timeout=300, check=False,
        )

    proc = ocrmypdf(owner, tmp_path / "out.pdf")
    assert proc.returncode == 0, proc.stderr
    with pikepdf.open(tmp_path / "out.pdf") as out:
        assert not out.is_encrypted  # OCRmyPDF drops the owner password and its permissions
        assert len(out.pages) == 1
    assert (tmp_path / "out.txt").read_text().split() == ["counted", "page0"]
    proc = ocrmypdf(locked, tmp_path / "locked-out.pdf")
    assert proc.returncode == 8, proc.stderr  # OCRmyPDF's ExitCode.encrypted_pdf: it removes no password
    assert "EncryptedPdfError" in proc.stderr
    assert not (tmp_path / "locked-out.pdf").exists()
