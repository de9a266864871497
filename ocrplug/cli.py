"""The ``ocrplug`` command line: run, plugins, config, eval, and plugin-contributed commands.

This is the only module that prints or exits. It imports nothing heavy at start-up, so ``--help``
works without torch.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ocrplug import __version__
from ocrplug.errors import ExitCode, OcrplugError

__all__ = ["build_parser", "main"]

BUILTIN_COMMANDS = ("run", "plugins", "config", "eval", "spark")


def _add_config_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--config", type=_config_file, help="pipeline YAML (default: the built-in default pipeline)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a config value, e.g. --set detector.options.box_thresh=0.7 (repeatable)",
    )
    from ocrplug.presets import PRESETS

    parser.add_argument(
        "--preset",
        type=_preset_name,
        help=f"start from a named pipeline ({', '.join(PRESETS)}) instead of the default; see README",
    )


def _preset_name(text: str) -> str:
    """``--preset``: a name; an empty one is a usage error (exit 2), not the default pipeline (V14)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty preset name (give one of the presets, or leave --preset out)")
    return text


def _jobs(text: str) -> int:
    """``--jobs N``: a whole number from 1 to 256 (as the config's ``jobs``), else a usage error (exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"{value} is out of range (1 to 256)")
    return value


def _config_file(text: str) -> Path:
    """``-c/--config``: a file path; an empty one is a usage error (exit 2), not the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty config path (give a YAML file)")
    return Path(text)


def _output_dir(text: str) -> Path:
    """``-o/--output``: a folder path; an empty one is a usage error (exit 2), not the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty output folder (give a path; '.' means the current folder)")
    return Path(text)


def build_parser(plugin_commands: Sequence[Any] = ()) -> argparse.ArgumentParser:
    """The argument parser, with the sub-commands plugins contribute."""
    parser = argparse.ArgumentParser(prog="ocrplug", description="OCR pipelines built from plugins.")
    parser.add_argument("--version", action="version", version=f"ocrplug {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="OCR images, PDFs or folders", description="OCR images, PDFs or folders.")
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="image/PDF files or folders")
    _add_config_args(run)
    run.add_argument("-o", "--output", type=_output_dir, help="output folder (default: output.dir or ./ocrplug-out)")
    run.add_argument("-j", "--jobs", type=_jobs, help="worker processes for pages (default: config jobs or 1)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_print0(run)
    run.add_argument(
        "--profile", action="store_true",
        help="print CPU and wall seconds per stage and per page on stderr at the end (docs/benchmarks.md)",
    )
    run.add_argument(
        "--no-resume",
        action="store_true",
        help="redo every input, even those an earlier run into the same output folder finished",
    )
    _add_resume_check(run)

    plugins = sub.add_parser("plugins", help="list installed plugins, components and options")
    plugins.add_argument("--json", action="store_true", help="machine-readable output")

    config = sub.add_parser(
        "config", help="print pipeline configuration",
        description="Print the default pipeline (--default) or the effective config: the -c file layered "
        "over the default, then --set overrides (--show, the default action), after checking it.",
    )
    config.add_argument("--default", action="store_true", help="print the default pipeline YAML")
    config.add_argument("--show", action="store_true", help="print the effective config (the default action)")
    config.add_argument("--sources", action="store_true", help="with --show: say where each key came from")
    _add_config_args(config)

    ev = sub.add_parser("eval", help="score a pipeline on a dataset folder (images/ + annotations/)")
    ev.add_argument("dataset", type=Path, metavar="DATASET_DIR", nargs="?")
    _add_config_args(ev)
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--limit", type=int, help="evaluate only the first N images")
    ev.add_argument("-j", "--jobs", type=_jobs, help="worker processes")
    ev.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("A.json", "B.json"),
        help="per-image differences between two --json reports (biggest first, wins and losses); runs no OCR",
    )

    _add_spark_command(sub)

    for command in plugin_commands:
        if command.name in BUILTIN_COMMANDS:
            continue
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(p)
        p.set_defaults(_plugin_run=command.run)
    return parser


def _load_config(args: argparse.Namespace, warn: bool = True) -> tuple[dict[str, Any], str]:
    """The effective config (``-c`` file layered over the default, then ``--set``), fully checked.

    Every config error is raised at once (ConfigError, exit code 2); with ``warn``, a config that will
    read no text says so on stderr. ``--preset NAME`` replaces the default pipeline as the base.
    """
    loaded = _checked_config(args, warn)
    return loaded.data, loaded.label


def _checked_config(args: argparse.Namespace, warn: bool = True) -> Any:
    """:func:`_load_config`'s ``LoadedConfig`` (validated once: ``ocrplug run`` builds from it)."""
    from ocrplug.config import no_text_reason

    loaded = _loaded_config(args)
    reason = no_text_reason(loaded.config)
    if warn and reason:
        print(f"ocrplug: warning: {reason}", file=sys.stderr)
    return loaded


def _loaded_config(args: argparse.Namespace) -> Any:
    """``load_config`` for the command's ``--preset``, ``-c`` and ``--set`` arguments."""
    from ocrplug.config import DEFAULT_SOURCE, load_config

    preset = getattr(args, "preset", None)
    if not preset:
        return load_config(args.config, args.overrides, base_source=DEFAULT_SOURCE)
    from ocrplug.presets import preset_config

    return load_config(args.config, args.overrides, base=preset_config(preset), base_source=f"preset {preset}")


def _cmd_run(args: argparse.Namespace) -> int:
    from ocrplug import profile

    if args.profile:
        cpu, wall = profile.process_start_seconds()
        profile.start().add("import", cpu, wall if wall is not None else cpu)
    jobs = [args.jobs or 1]
    try:
        report = _run_command(args, jobs)
    finally:
        done = profile.stop() if args.profile else None
        if done is not None:
            from ocrplug.executors import worker_threads

            print(profile.format_profile(done, jobs=jobs[0], worker_threads=worker_threads(jobs[0])), file=sys.stderr)
    return _run_report(report)


def _run_command(args: argparse.Namespace, jobs: list[int]) -> Any:
    """Load the config and run it; ``jobs[0]`` is set to the worker count the run uses."""
    from ocrplug.pipeline import Pipeline
    from ocrplug.profile import stage

    with stage("config"):
        loaded = _checked_config(args)
        pipeline = Pipeline.from_config(loaded.config, source=loaded.label)
    if not pipeline.config.renderers:
        print("warning: the pipeline has no renderers, so nothing will be written", file=sys.stderr)
    show = not args.no_progress and sys.stderr.isatty()
    jobs[0] = args.jobs or pipeline.config.jobs
    return _run_with_progress(pipeline, args, show)  # prints each output path as its document commits


def _print_warnings(report: Any) -> None:
    """The pages a run read with a warning (``RunReport.warnings``), each naming its file and page."""
    if report.warnings:
        print(f"\n{len(report.warnings)} page(s) read with a warning (may be incomplete):", file=sys.stderr)
        for warning in report.warnings:
            print(f"  {warning}", file=sys.stderr)


#: How many left-out folder entries ``ocrplug run`` names before "and N more".
LEFT_OUT_SHOWN = 5


def _print_left_out(report: Any) -> None:
    """The entries of input folders that were not read (``RunReport.left_out_inputs``): other file
    types and sub-folders, so that no input is passed over without a word."""
    left = report.left_out_inputs
    if left:
        names = ", ".join(left[:LEFT_OUT_SHOWN]) + (f" and {len(left) - LEFT_OUT_SHOWN} more" if len(left) > LEFT_OUT_SHOWN else "")
        print(
            f"{len(left)} entr{'y' if len(left) == 1 else 'ies'} of the input folder(s) left out "
            f"(a type no installed rasterizer reads, or a sub-folder; folders are read one level deep): {names}",
            file=sys.stderr,
        )



def _run_report(report: Any) -> int:
    """Print what the run's report says beyond the outputs; the exit code."""
    if report.skipped:
        print(
            f"{len(report.skipped)} document(s) skipped, already done (--no-resume redoes them)", file=sys.stderr
        )
    if report.pages_resumed:
        print(f"{report.pages_resumed} page(s) taken from an interrupted earlier run", file=sys.stderr)
    if report.removed:
        names = ", ".join(str(p) for p in report.removed[:5]) + (" ..." if len(report.removed) > 5 else "")
        print(f"{len(report.removed)} output(s) of an earlier config removed: {names}", file=sys.stderr)
    for left in report.left_over:
        print(f"output of an earlier config left over: {left}", file=sys.stderr)
    _print_left_out(report)
    _print_warnings(report)
    if report.failures:
        print(f"\n{len(report.failures)} failure(s):", file=sys.stderr)
        for failure in report.failures:
            where = failure.source if failure.index is None else f"{failure.source} page {failure.index + 1}"
            message = failure.error if failure.error.startswith(failure.source) else f"{where}: {failure.error}"
            print(f"  {message}", file=sys.stderr)
    if report.failures or report.skipped:
        print(
            f"{report.pages_ok} page(s) processed; outputs written for {report.documents_written} document(s)",
            file=sys.stderr,
        )
    if not report.failures:
        return ExitCode.ok
    # No page of any input could be read (every input unreadable, or every page of it: a truncated image
    # opens but its only page cannot be decoded): the same code whether the header or the pixels were bad.
    # A page read but failed in processing is a failed run (1).
    nothing_read = report.pages_read == 0 and not report.skipped
    return ExitCode.input_error if nothing_read else ExitCode.failures


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (finished documents kept) but exiting with ``ExitCode.terminated`` (143)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`_Terminated` (``main`` prints the interrupted message
    and returns 143), unless the program (an embedding caller) already handles SIGTERM itself."""
    import signal

    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        if previous is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, previous)


def _run_with_progress(pipeline: Any, args: argparse.Namespace, show: bool) -> Any:
    with _sigterm_interrupts():
        return _run(pipeline, args, show)


_C_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", '"': '\\"'}


def quote_path(path: str) -> str:
    """``path`` as one line: unchanged unless it holds a control character (a newline in a file
    name), then C-quoted the way ``git`` quotes such names (``"out/new\\nline.txt"``: ``\\n``, ``\\t``,
    ``\\r``, ``\\\\``, ``\\"``, other control characters as 3-digit octal)."""
    if not any(ord(c) < 32 or ord(c) == 127 for c in path):
        return path
    return '"' + "".join(
        _C_ESCAPES.get(c) or (f"\\{ord(c):03o}" if ord(c) < 32 or ord(c) == 127 else c) for c in path
    ) + '"'


def _print_output(path: Path, nul: bool = False) -> None:
    """Print a written file's path on stdout at once (scripts read them even from an interrupted run):
    NUL-terminated and raw with ``nul`` (``--print0``), else one line, C-quoted when it holds a
    control character (:func:`quote_path`)."""
    if nul:
        sys.stdout.write(f"{path}\0")
        sys.stdout.flush()
    else:
        print(quote_path(str(path)), flush=True)


def _add_print0(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-z", "--print0", action="store_true",
        help="end each output path printed with a NUL byte instead of a newline, unquoted (for xargs -0); "
        "without it a path holding a newline or other control character is printed C-quoted, as git does",
    )


def _run(pipeline: Any, args: argparse.Namespace, show: bool) -> Any:
    options = {
        "out_dir": args.output, "jobs": args.jobs, "resume": not args.no_resume, "keep_pages": False,
        "on_output": functools.partial(_print_output, nul=args.print0), "resume_check": args.resume_check,
    }
    if not show:
        return pipeline.run_many(args.inputs, **options)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    ]
    # The bar is drawn on stderr (the terminal it was shown for): stdout carries only the output paths,
    # straight to a file or pipe (rich would move them above the bar, onto stderr, if it redirected them).
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=False, redirect_stdout=sys.stdout.isatty()) as bar:
        # Two bars: documents finished of those opened (written or failed), then pages of all of them.
        docs = bar.add_task("documents", total=None, unit="documents", rate="")
        task = bar.add_task("pages", total=None, unit="pages", rate="- pages/s")

        started = time.monotonic()

        def update(source: str, done: int, total: int | None) -> None:
            elapsed = time.monotonic() - started
            rate = f"{done / elapsed:.2f}" if elapsed > 0 else "-"
            bar.update(task, completed=done, total=total, rate=f"{rate} pages/s", description=Path(source).name[:30])

        def documents(done: int, total: int) -> None:
            bar.update(docs, completed=done, total=total)

        return pipeline.run_many(args.inputs, progress=update, on_document=documents, **options)


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
                    "choices": _choices(f.annotation),
                }
            listing["components"].setdefault(role, {})[name] = {
                "plugin": host.owner(role, name),
                "description": spec.description,
                "extra": spec.extra,
                "options": options,
            }
    if args.json:
        print(json.dumps(listing, indent=2, default=str))
        return ExitCode.ok
    print("plugins: " + ", ".join(listing["plugins"]))
    for role in ROLES:
        comps = listing["components"].get(role, {})
        print(f"\n{role}s:")
        for name, comp in comps.items():
            print(f"  {name}  [plugin {comp['plugin']}]  {comp['description']}")
            for key, opt in comp["options"].items():
                bounds = f" {opt['bounds']}" if opt["bounds"] else ""
                print(f"      {key}: {opt['type']} = {opt['default']!r}{bounds}  {opt['description']}")
    return ExitCode.ok


def _type_name(annotation: Any) -> str:
    choices = _choices(annotation)
    if choices:
        return "one of " + ", ".join(repr(c) for c in choices)
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _choices(annotation: Any) -> list[Any]:
    """The allowed values of a ``Literal[...]`` option (also inside ``Optional``), else []."""
    import typing

    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    found: list[Any] = []
    for arg in typing.get_args(annotation):
        found += _choices(arg)
    if found and type(None) in typing.get_args(annotation):
        found.append(None)
    return found


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

    from ocrplug.config import default_config_yaml, no_text_reason

    if args.default and args.config is None and not args.overrides and not args.preset:
        print(default_config_yaml(), end="")
        return ExitCode.ok
    loaded = _loaded_config(args)
    effective = loaded.config.model_dump(exclude_none=False)
    print(yaml.safe_dump(effective, sort_keys=False), end="")
    if args.sources:
        print("# where each key came from:")
        for key in sorted(loaded.sources):
            print(f"#   {key}: {loaded.sources[key]}")
    reason = no_text_reason(loaded.config)
    if reason:
        print(f"ocrplug: warning: {reason}", file=sys.stderr)
    return ExitCode.ok


def _cmd_eval(args: argparse.Namespace) -> int:
    from ocrplug.errors import ConfigError
    from ocrplug.evaluation import run_compare, run_eval

    if args.compare:
        if args.dataset is not None:
            raise ConfigError("ocrplug eval: give either DATASET_DIR or --compare A.json B.json, not both")
        ignored = [flag for flag, given in (
            ("-c/--config", args.config), ("--set", args.overrides), ("--preset", args.preset),
            ("--limit", args.limit is not None), ("-j/--jobs", args.jobs),
        ) if given]
        if ignored:
            raise ConfigError(
                f"ocrplug eval --compare runs no OCR, so {', '.join(ignored)} would be ignored: give them "
                "to the runs that made the reports"
            )
        text, code = run_compare(*args.compare, as_json=args.json)
        print(text)
        return code
    if args.dataset is None:
        raise ConfigError("ocrplug eval: DATASET_DIR is required (or --compare A.json B.json)")
    data, source = _load_config(args)
    if args.jobs:
        data["jobs"] = args.jobs
    if args.json or not sys.stderr.isatty():
        text, code = run_eval(data, args.dataset, limit=args.limit, as_json=args.json, source=source)
    else:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("images", total=None)

            def update(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=name[:30])

            text, code = run_eval(data, args.dataset, limit=args.limit, as_json=False, progress=update, source=source)
    print(text)
    return code


def _add_resume_check(parser: Any) -> None:
    """``--resume-check``, the same for ``ocrplug run`` and ``ocrplug spark run``."""
    from ocrplug.manifest import RESUME_CHECKS

    parser.add_argument(
        "--resume-check",
        choices=RESUME_CHECKS,
        default="size-mtime",
        help="what tells an input is unchanged since an earlier run: its size and modification time "
        "(default) or a sha256 of its content (hash; reads each input once more)",
    )


def _add_spark_command(sub: Any) -> None:
    """``ocrplug spark run``: the same pipeline on Spark (``ocrplug.spark``, extra ``[spark]``)."""
    spark = sub.add_parser("spark", help="run a pipeline on Spark (needs ocrplug[spark] and Java 17)")
    spark_sub = spark.add_subparsers(dest="spark_command", metavar="SPARK_COMMAND", required=True)
    run = spark_sub.add_parser(
        "run", help="OCR files with Spark", description="OCR files with Spark: renderer files per document, "
        "page results as Parquet (OUT/pages.parquet), resumable."
    )
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders every executor can read")
    _add_config_args(run)
    run.add_argument("-o", "--output", type=_output_dir, help="output folder, written by the driver (default: output.dir)")
    run.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's, else local[*])")
    run.add_argument("--partitions", type=int, help="Spark tasks per wave of documents (default: one per document)")
    run.add_argument("--no-resume", action="store_true", help="redo documents an earlier run finished")
    _add_resume_check(run)
    _add_print0(run)


def _cmd_spark(args: argparse.Namespace) -> int:
    from ocrplug.spark.job import run_spark_job

    loaded = _checked_config(args)
    with _sigterm_interrupts():
        job = run_spark_job(
            args.inputs, loaded.config, args.output, source=loaded.label, master=args.master,
            resume=not args.no_resume, partitions=args.partitions,
            on_output=functools.partial(_print_output, nul=args.print0),
            resume_check=args.resume_check,
        )
    report = job.run
    if report.skipped:
        print(f"{len(report.skipped)} document(s) skipped, already done (--no-resume redoes them)", file=sys.stderr)
    print(
        f"{report.pages_done} page(s) in {len(report.documents)} document(s) in {report.seconds:.1f} s "
        f"(Spark start-up {job.startup_seconds:.1f} s, writing {job.write_seconds:.1f} s)",
        file=sys.stderr,
    )
    _print_left_out(report)
    _print_warnings(report)
    if report.failures:
        print(f"{len(report.failures)} failure(s):", file=sys.stderr)
        for failure in report.failures:
            where = "" if failure.source in failure.error else f"{failure.source}: "
            print(f"  {where}{failure.error}", file=sys.stderr)
        return ExitCode.failures
    return ExitCode.ok


def _not_an_interrupt(record: logging.LogRecord) -> bool:
    """Drop a logged traceback of an interrupt (Py4J logs the KeyboardInterrupt a Ctrl-C or SIGTERM
    raises inside its calls): ``main`` reports the interrupt once, in one line."""
    return not (record.exc_info and isinstance(record.exc_info[1], KeyboardInterrupt))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ocrplug`` command; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if hasattr(sys.stdout, "reconfigure"):
        # Paths printed on stdout are the file's bytes, also when its name is not valid UTF-8 (a
        # strict UTF-8 locale would otherwise raise on the surrogates Python keeps for such bytes).
        sys.stdout.reconfigure(errors="surrogateescape")
    plugin_commands: list[Any] = []
    try:
        # A built-in command needs no plugin's command: the run builds the one host its config needs.
        if not (argv and argv[0] in BUILTIN_COMMANDS):
            from ocrplug.config import plugin_host

            plugin_commands = plugin_host().cli_commands()
    except OcrplugError as exc:
        print(f"ocrplug: warning: {exc}", file=sys.stderr)
    parser = build_parser(plugin_commands)
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_not_an_interrupt)
    handlers = {"run": _cmd_run, "plugins": _cmd_plugins, "config": _cmd_config, "eval": _cmd_eval, "spark": _cmd_spark}
    try:
        if getattr(args, "_plugin_run", None) is not None:
            return int(args._plugin_run(args))
        if args.command is None:
            parser.print_help()
            return ExitCode.ok
        return handlers[args.command](args)
    except OcrplugError as exc:
        print(f"ocrplug: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print(
            "ocrplug: interrupted; documents finished before are complete, the unfinished one was not written "
            "(run the same command again to resume)",
            file=sys.stderr,
        )
        return ExitCode.terminated if isinstance(exc, _Terminated) else ExitCode.interrupted


if __name__ == "__main__":
    sys.exit(main())
