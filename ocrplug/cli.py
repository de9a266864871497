"""The ``ocrplug`` command line: run, plugins, config, eval, and plugin-contributed commands.

This is the only module that prints or exits. It imports nothing heavy at start-up, so ``--help``
works without torch.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ocrplug import __version__
from ocrplug.errors import OcrplugError

__all__ = ["build_parser", "main"]

BUILTIN_COMMANDS = ("run", "plugins", "config", "eval")


def _add_config_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--config", type=Path, help="pipeline YAML (default: the built-in default pipeline)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a config value, e.g. --set detector.options.text_threshold=0.6 (repeatable)",
    )
    parser.add_argument(
        "--preset", help="start from a named pipeline (fast, accurate) instead of the default; see README"
    )


def build_parser(plugin_commands: Sequence[Any] = ()) -> argparse.ArgumentParser:
    """The argument parser, with the sub-commands plugins contribute."""
    parser = argparse.ArgumentParser(prog="ocrplug", description="OCR pipelines built from plugins.")
    parser.add_argument("--version", action="version", version=f"ocrplug {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="OCR images, PDFs or folders", description="OCR images, PDFs or folders.")
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="image/PDF files or folders")
    _add_config_args(run)
    run.add_argument("-o", "--output", type=Path, help="output folder (default: output.dir or ./ocrplug-out)")
    run.add_argument("-j", "--jobs", type=int, help="worker processes for pages (default: config jobs or 1)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")

    plugins = sub.add_parser("plugins", help="list installed plugins, components and options")
    plugins.add_argument("--json", action="store_true", help="machine-readable output")

    config = sub.add_parser("config", help="print pipeline configuration")
    config.add_argument("--default", action="store_true", help="print the default pipeline YAML")
    _add_config_args(config)

    ev = sub.add_parser("eval", help="score a pipeline on a dataset folder (images/ + annotations/)")
    ev.add_argument("dataset", type=Path, metavar="DATASET_DIR")
    _add_config_args(ev)
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--limit", type=int, help="evaluate only the first N images")
    ev.add_argument("-j", "--jobs", type=int, help="worker processes")

    for command in plugin_commands:
        if command.name in BUILTIN_COMMANDS:
            continue
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(p)
        p.set_defaults(_plugin_run=command.run)
    return parser


def _load_config(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from ocrplug.config import DEFAULT_CONFIG, apply_overrides, load_yaml

    base, source = json.loads(json.dumps(DEFAULT_CONFIG)), "<default config>"
    if getattr(args, "preset", None):
        from ocrplug.presets import preset_config

        base, source = preset_config(args.preset), f"<preset {args.preset}>"
    if args.config is not None:
        data, source = load_yaml(args.config), str(args.config)
        if getattr(args, "preset", None):
            data = {**base, **data}  # the file's top-level sections replace the preset's
    else:
        data = base
    return apply_overrides(data, args.overrides), source


def _cmd_run(args: argparse.Namespace) -> int:
    from ocrplug.pipeline import Pipeline

    data, source = _load_config(args)
    pipeline = Pipeline.from_dict(data, source=source)
    if not pipeline.config.renderers:
        print("warning: the pipeline has no renderers, so nothing will be written", file=sys.stderr)
    show = not args.no_progress and sys.stderr.isatty()
    report = _run_with_progress(pipeline, args, show)
    for path in report.outputs:
        print(path)
    if report.failures:
        print(f"\n{len(report.failures)} failure(s):", file=sys.stderr)
        for failure in report.failures:
            where = failure.source if failure.index is None else f"{failure.source} page {failure.index + 1}"
            print(f"  {where}: {failure.error}", file=sys.stderr)
        ok_docs = sum(1 for d in report.documents if d.pages)
        print(f"{report.pages_done} page(s) processed; outputs written for {ok_docs} document(s)", file=sys.stderr)
        return 1
    return 0


def _run_with_progress(pipeline: Any, args: argparse.Namespace, show: bool) -> Any:
    if not show:
        return pipeline.run_many(args.inputs, out_dir=args.output, jobs=args.jobs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} pages/s"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("pages", total=None, rate="-")

        def update(source: str, done: int, total: int | None) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{done / elapsed:.2f}" if elapsed > 0 else "-"
            bar.update(task, completed=done, total=total, rate=rate, description=Path(source).name[:30])

        return pipeline.run_many(args.inputs, out_dir=args.output, jobs=args.jobs, progress=update)


def _cmd_plugins(args: argparse.Namespace) -> int:
    from ocrplug.components import ROLES
    from ocrplug.manager import PluginHost

    host = PluginHost()
    listing: dict[str, Any] = {"plugins": host.plugin_names(), "components": {}}
    for role in ROLES:
        for name, spec in host.components(role).items():
            options = {}
            for key, f in spec.options.model_fields.items():
                options[key] = {
                    "type": _type_name(f.annotation),
                    "default": None if f.is_required() else _jsonable(f.get_default(call_default_factory=True)),
                    "description": f.description or "",
                    "bounds": _bounds(f),
                }
            listing["components"].setdefault(role, {})[name] = {
                "plugin": host.owner(role, name),
                "description": spec.description,
                "extra": spec.extra,
                "options": options,
            }
    if args.json:
        print(json.dumps(listing, indent=2, default=str))
        return 0
    print("plugins: " + ", ".join(listing["plugins"]))
    for role in ROLES:
        comps = listing["components"].get(role, {})
        print(f"\n{role}s:")
        for name, comp in comps.items():
            print(f"  {name}  [plugin {comp['plugin']}]  {comp['description']}")
            for key, opt in comp["options"].items():
                bounds = f" {opt['bounds']}" if opt["bounds"] else ""
                print(f"      {key}: {opt['type']} = {opt['default']!r}{bounds}  {opt['description']}")
    return 0


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def _bounds(field: Any) -> str:
    parts = []
    for meta in field.metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{sym}{value}")
    return " ".join(parts)


def _cmd_config(args: argparse.Namespace) -> int:
    import yaml

    from ocrplug.config import default_config_yaml, validate_config

    if args.default and args.config is None and not args.overrides and not args.preset:
        print(default_config_yaml(), end="")
        return 0
    data, source = _load_config(args)
    validate_config(data, source)
    print(yaml.safe_dump(data, sort_keys=False), end="")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from ocrplug.evaluation import run_eval

    data, source = _load_config(args)
    if args.jobs:
        data["jobs"] = args.jobs
    if args.json or not sys.stderr.isatty():
        text, code = run_eval(data, args.dataset, limit=args.limit, as_json=args.json, source=source)
    else:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("images", total=None)

            def update(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=name[:30])

            text, code = run_eval(data, args.dataset, limit=args.limit, as_json=False, progress=update, source=source)
    print(text)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ocrplug`` command; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    plugin_commands: list[Any] = []
    try:
        from ocrplug.manager import PluginHost

        plugin_commands = PluginHost().cli_commands()
    except OcrplugError as exc:
        print(f"ocrplug: warning: {exc}", file=sys.stderr)
    parser = build_parser(plugin_commands)
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    handlers = {"run": _cmd_run, "plugins": _cmd_plugins, "config": _cmd_config, "eval": _cmd_eval}
    try:
        if getattr(args, "_plugin_run", None) is not None:
            return int(args._plugin_run(args))
        if args.command is None:
            parser.print_help()
            return 0
        return handlers[args.command](args)
    except OcrplugError as exc:
        print(f"ocrplug: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ocrplug: interrupted; finished outputs are complete, unfinished ones were not written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
