#!/usr/bin/env bash
# One-step set-up on Debian/Ubuntu with Python 3.11: system packages, a virtualenv in .venv,
# torch (CPU) first, then ocrplug with every built-in backend. `--test` adds the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-osd
  poppler-utils qpdf
  ghostscript
  fonts-dejavu-core fonts-liberation fonts-freefont-ttf fonts-noto-core
  fonts-humor-sans fonts-breip fonts-comic-neue
  openjdk-17-jre-headless
)
extras="all"
[[ "${1:-}" == "--test" ]] && extras="all,test"

step() { echo "install.sh: [$1/4] $2" >&2; }
step 1 "Debian packages (Tesseract, poppler, fonts, Java 17 for Spark)"
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [[ "$(id -u)" != "0" ]] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    # openjdk's post-install step fails on slim images that have no man1 folder.
    $SUDO mkdir -p /usr/share/man/man1
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "install.sh: apt-get not found; install Tesseract and poppler-utils yourself" >&2
fi

PYTHON="${PYTHON:-python3}"
step 2 "virtual environment .venv"
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
export PIP_CONSTRAINT="$PWD/constraints.txt"
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install -q --upgrade pip
step 3 "torch 2.13.0, the CPU build (about 200 MB; a minute or two)"
# torch first, pinned: that exact version is the CPU build (no CUDA downloads).
.venv/bin/python -m pip install -q "torch==2.13.0"
step 4 "ocrplug[${extras}] and its dependencies (onnxruntime, rapidocr, pyspark, ocrmypdf...; a few minutes)"
.venv/bin/python -m pip install -q -e ".[${extras}]"
echo "ocrplug installed in .venv ($(.venv/bin/ocrplug --version))"
