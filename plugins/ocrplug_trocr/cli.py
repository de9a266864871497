"""``ocrplug trocr export-onnx``: write a TrOCR model as ONNX encoder + decoder for the ``onnx`` option."""

from __future__ import annotations

import argparse

from ocrplug.api import ExitCode


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``export-onnx`` sub-command."""
    sub = parser.add_subparsers(dest="trocr_command", required=True)
    exp = sub.add_parser("export-onnx", help="export a TrOCR model to ONNX (encoder.onnx + decoder.onnx)")
    exp.add_argument("model", help="hub id (e.g. microsoft/trocr-small-printed) or save_pretrained directory")
    exp.add_argument("out_dir", help="directory to write (then use: recognizer options onnx: OUT_DIR)")
    exp.add_argument("--opset", type=int, default=17, help="ONNX opset (default 17)")
    exp.add_argument("--no-check", action="store_true", help="skip comparing token ids with torch after export")


def run(args: argparse.Namespace) -> int:
    """Run the export; returns ``ExitCode.ok`` (errors are raised as ocrplug errors)."""
    import logging

    from .onnx_export import export_onnx

    result = export_onnx(args.model, args.out_dir, opset=args.opset, check=not args.no_check)
    logging.getLogger(__name__).info("wrote %s", result)
    print(f"wrote ONNX TrOCR to {result}; use it with recognizer 'trocr' option onnx: {result}")
    return ExitCode.ok
