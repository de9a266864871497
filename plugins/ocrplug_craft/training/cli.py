"""``ocrplug craft train --config train.yaml``: the training sub-command, wired by the craft CLI.

``add_train_command(subparsers)`` adds the ``train`` parser to the ``ocrplug craft`` sub-parsers;
``run_train(args)`` runs it and returns the exit code. ``python -m ocrplug_craft.training.cli`` runs the
same command without the host CLI.
"""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any

from ocrplug.api import ExitCode

log = logging.getLogger(__name__)

__all__ = ["add_train_command", "main", "run_train"]


def add_train_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``train`` to an ``argparse`` sub-parsers object and return its parser."""
    p = subparsers.add_parser(
        "train",
        help="train a CRAFT model on synthetic documents (+ weak supervision on real word boxes), or its link refiner",
        description="Train CRAFT as configured in a YAML file (see docs/model-card-craft-lite.md). "
        "A run resumes from OUTPUT_DIR/last.pt when present. A config with previous_stage runs that stage "
        "first (a finished stage is not trained again), so the last stage's config reproduces a whole recipe. "
        "A config with stage: refiner trains the link refiner on a frozen CRAFT model (docs/model-card-craft-refiner.md).",
    )
    p.add_argument("--config", required=True, help="training config (YAML)")
    p.add_argument("--output-dir", help="override output_dir of the config (not of its previous stages)")
    p.add_argument("--steps", type=int, help="override steps of the config (not of its previous stages)")
    p.add_argument("--max-minutes", type=float, help="override max_minutes of the config (not of its previous stages)")
    p.add_argument("--init-weights", help="override init_weights of the config (start from these weights)")
    p.add_argument("--no-resume", action="store_true", help="start every stage from scratch even if a checkpoint exists")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (log lines only)")
    p.set_defaults(craft_train=run_train)
    return p


def run_train(args: argparse.Namespace) -> int:
    """Load the config (and its previous stages), apply overrides, train each stage in order.

    Prints the last stage's summary as JSON (earlier stages' summaries are logged); exit code 0.
    """
    from ocrplug_craft.training.refiner_train import is_refiner_config, load_refiner_config, train_refiner
    from ocrplug_craft.training.train import load_chain, train

    overrides: dict[str, Any] = {}
    if args.output_dir:
        overrides["output_dir"] = args.output_dir
    if args.steps is not None:
        overrides["steps"] = args.steps
    if args.max_minutes is not None:
        overrides["max_minutes"] = args.max_minutes
    if args.init_weights:
        overrides["init_weights"] = args.init_weights
    shared = {"progress": False} if args.no_progress else {}
    if is_refiner_config(args.config):
        summary = train_refiner(load_refiner_config(args.config, {**overrides, **shared}), resume=not args.no_resume)
        print(json.dumps(summary, indent=2))
        return 0
    chain = load_chain(args.config, overrides, shared)
    summary: dict[str, Any] = {}
    for i, cfg in enumerate(chain, 1):
        if len(chain) > 1:
            log.info("stage %d/%d: %s", i, len(chain), cfg.output_dir)
        summary = train(cfg, resume=not args.no_resume)
        if i < len(chain):
            log.info("stage %d/%d finished: %s", i, len(chain), json.dumps(summary))
    print(json.dumps(summary, indent=2))
    return ExitCode.ok


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m ocrplug_craft.training.cli train --config ...``."""
    from ocrplug.api import OcrplugError

    parser = argparse.ArgumentParser(prog="ocrplug-craft-train")
    add_train_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.craft_train(args)
    except OcrplugError as exc:
        parser.exit(exc.exit_code, f"error: {exc}\n")


if __name__ == "__main__":
    raise SystemExit(main())
