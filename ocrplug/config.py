"""Pipeline configuration: typed models, validated once at the boundary, with precise errors.

A config is YAML (or the same dict built in Python)::

    input: {dpi: 200, pages: "1-5", rasterizer: pdf2image}
    detector: {name: craft, options: {text_threshold: 0.7}}
    recognizer: {name: tesseract, options: {lang: eng}}
    renderers: [{name: overlay, options: {color: green}}, {name: json}]
    output: {dir: out/}
    plugins: [my_package.my_plugin]

A config file is **layered over a base**, the default pipeline (:data:`DEFAULT_CONFIG`) unless a caller
gives another (a preset): a key the file does not give keeps the base's value; mappings merge key by
key; a list (``renderers``, ``plugins``) replaces the base's list; ``detector: null`` or
``recognizer: null`` switches that stage off; naming another component (``detector: craft``) drops the
base component's options. ``--set KEY.PATH=VALUE`` overrides apply last.

Every error names where its key came from (the config file, ``--set KEY`` or the default), the dotted
key path and, for typos, the closest valid name; all errors of a config are reported at once.
"""

from __future__ import annotations

import copy
import importlib.metadata
import logging
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ocrplug.components import DEFAULT_MAX_PIXELS, ComponentSpec, Options, PageRange, Role
from ocrplug.errors import ConfigError
from ocrplug.layout import LayoutOptions
from ocrplug.manager import ENTRY_POINT_GROUP, PluginHost, closest
from ocrplug.presets import DEFAULT_PRESET, PRESET_SUMMARIES, preset_config

log = logging.getLogger(__name__)

__all__ = [
    "AUTO_DPI",
    "DEFAULT_CONFIG",
    "DEFAULT_SOURCE",
    "LOW_DPI",
    "MAX_DPI",
    "MAX_ERRORS",
    "MIN_DPI",
    "ComponentConfig",
    "InputConfig",
    "LoadedConfig",
    "OutputConfig",
    "PipelineConfig",
    "ResolvedComponent",
    "apply_overrides",
    "default_config_yaml",
    "layer_config",
    "load_config",
    "load_yaml",
    "no_text_reason",
    "plugin_host",
    "resolve_component",
    "resolve_components",
    "validate_config",
]

# The default pipeline: the preset chosen by measurement (ocrplug.presets.DEFAULT_PRESET; the rule and the
# table are in docs/benchmarks.md). It runs offline: its models ship inside installed wheels.
DEFAULT_CONFIG: dict[str, Any] = preset_config(DEFAULT_PRESET)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ComponentConfig(_Strict):
    """A component chosen by name, with its options (validated later by the component's own model)."""

    name: str = Field(description="Component name, as listed by `ocrplug plugins`.")
    options: dict[str, Any] = Field(default_factory=dict, description="The component's options.")

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        # `detector: craft` is shorthand for `detector: {name: craft}`.
        return {"name": value} if isinstance(value, str) else value


#: The dpi of ``input.dpi: auto`` for a page that is not one scanned image (vector or born-digital
#: pages), and for a scan of a higher resolution: the value the presets had before ``auto``
#: (docs/configuration.md "PDF pages: resolution and file types"; a 400 dpi scan read at its own
#: resolution took 1.5x the CPU for the same CER, docs/benchmarks.md).
AUTO_DPI = 300.0
#: The lowest ``input.dpi`` accepted: below it 10-12 pt text no longer reads (``fast``, born-digital pages,
#: mean CER 0.92 at 20 dpi, 0.56 at 30, 0.15 at 40, 0.02 at 50, 0 from 72: benchmarks/text_pages.py dpi,
#: docs/benchmarks.md "Pages that already hold text"), so a lower value is a slip (``1``, ``true`` read as
#: 1, a missing zero). pdftoppm itself renders any positive dpi.
MIN_DPI = 30.0
#: Below this ``input.dpi`` is accepted with a warning (small print reads worse: Courier 10 pt CER 0.05 at
#: 50 dpi, 0 at 72): Tesseract's lowest credible resolution (``kMinCredibleResolution``, 70; a lower one is
#: replaced by 70 there).
LOW_DPI = 70.0
#: The highest ``input.dpi`` accepted (Tesseract's ``kMaxCredibleResolution``).
MAX_DPI = 2400.0

log = logging.getLogger(__name__)
_warned_dpi: set[float] = set()  # low dpi values warned about in this process (configs are validated often)


class InputConfig(_Strict):
    """How input files become page images."""

    dpi: Annotated[float, Field(ge=MIN_DPI, le=MAX_DPI)] | Literal["auto"] = Field(
        200.0,
        description="Resolution at which PDF pages are rasterized, for every page; `auto` (the presets'): "
        f"{AUTO_DPI:g}, but a page that is one scanned image of a lower resolution at that resolution.",
    )
    pages: str | None = Field(None, description="1-based page selection, e.g. '1-5,8'; all pages when empty.")
    rasterizer: str | None = Field(
        None,
        description="Rasterizer to prefer for the file types it reads (default: the installed one for each "
        "suffix); it receives `input.options`.",
    )
    options: dict[str, Any] = Field(default_factory=dict, description="Options of the PDF rasterizer.")
    max_pixels: int = Field(
        DEFAULT_MAX_PIXELS,
        ge=1,
        description="Most pixels (width x height) one page may decode to: larger images fail with a named "
        "error, larger PDF pages are rendered at a lower dpi. Default 100 million (about 300 MB as RGB).",
    )

    max_memory_mb: int | None = Field(
        None,
        ge=1,
        description="Most memory (MiB) the detector may add to read one page, as the detector estimates it "
        "before allocating (db, craft and tesseract-layout do): a page over it fails with an error naming the "
        "detector options set, and the other pages go on. Default: half of the machine's physical memory.",
    )

    @field_validator("dpi", mode="before")
    @classmethod
    def _dpi_value(cls, value: Any) -> Any:
        # One message for every bad value (V13: `true` was taken as 1 dpi; `0`, `Auto`, `300dpi` gave the
        # union's two internal messages); `auto` in any case and with spaces, a number in a string taken.
        message = f"must be 'auto' or a number of dots per inch in [{MIN_DPI:g}, {MAX_DPI:g}]"
        if isinstance(value, bool) or value is None:
            raise ValueError(message)
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "auto":
                return "auto"
            try:
                value = float(text)
            except ValueError:
                raise ValueError(message) from None
        if isinstance(value, (int, float)):
            if 0 < value < MIN_DPI:
                raise ValueError(
                    f"{message}: at {value:g} dpi text does not read (10-12 pt text: CER 0.92 at 20 dpi, 0.56 at 30; "
                    f"{LOW_DPI:g} or more reads small print, 'auto' reads a PDF at {AUTO_DPI:g} or a scan at its own)"
                )
            if not 0 < value <= MAX_DPI:
                raise ValueError(message)
            if value < LOW_DPI and float(value) not in _warned_dpi:
                _warned_dpi.add(float(value))
                log.warning(
                    "input.dpi %g is below %g dpi: small print reads worse (10 pt text: CER 0.05 at 50 dpi, 0 at 72; "
                    "docs/configuration.md); 'auto' reads a PDF at %g dpi, a scan at its own resolution",
                    value, LOW_DPI, AUTO_DPI,
                )
            return float(value)  # stored as a float: the union's serializer warned on an int
        return value

    @field_validator("pages", mode="before")
    @classmethod
    def _page_number(cls, value: Any) -> Any:
        # `pages: 3` in YAML is the integer 3: one page, as the text "3" would be.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    # -- issue 24 (U14): pages that already hold text
    text_pages: Literal["ocr", "skip", "text-layer"] = Field(
        "ocr",
        description="A PDF page that already holds text (a text layer on a page that is no scan; on a scan, visible "
        "text holding most of the page's ink, or an earlier OCR's invisible layer of at least 0.3 characters per square "
        "inch): `ocr` reads it like any page "
        "(the default); `skip` does not read it (no words; its JSON says `text_source: skipped`, the `pdf` "
        "renderer keeps the page as it is); `text-layer` takes its words and boxes from that layer "
        "(pdftotext) through the same layout and renderers. Other pages, and image files, are read.",
    )

    @field_validator("text_pages", mode="before")
    @classmethod
    def _text_pages_value(cls, value: Any) -> Any:
        """``Skip``, ``TEXT-LAYER`` and ``text_layer`` are the values they spell (as ``input.dpi: AUTO`` and
        ``--preset FAST`` are taken); anything else is refused naming the nearest value."""
        if not isinstance(value, str):
            return value
        folded = value.strip().lower().replace("_", "-")
        if folded in ("ocr", "skip", "text-layer"):
            return folded
        import difflib

        near = difflib.get_close_matches(folded, ["ocr", "skip", "text-layer"], n=1, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise ValueError(f"must be 'ocr', 'skip' or 'text-layer'{hint}")
    # -- issue 14: page orientation
    orientation: Literal["auto", "none"] = Field(
        "auto",
        description="auto: detect 0/90/180/270 per page and read the page upright (coordinates stay in the "
        "original image); none: read pages as given.",
    )

    @field_validator("pages")
    @classmethod
    def _check_pages(cls, value: str | None) -> str | None:
        return PageRange.validate_spec(value) if value else value

    def render_dpi(self) -> float:
        """The dpi rasterizers get for ``iter_pages``: ``dpi``, or :data:`AUTO_DPI` for ``auto``."""
        return AUTO_DPI if self.dpi == "auto" else float(self.dpi)

    def memory_limit(self) -> int | None:
        """``max_memory_mb`` in bytes; by default half the physical memory (None where it cannot be read)."""
        if self.max_memory_mb is not None:
            return self.max_memory_mb * 2**20
        try:
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
        except (AttributeError, ValueError, OSError):  # no sysconf (Windows) or no such name
            return None


class OutputConfig(_Strict):
    """Where renderers write."""

    dir: str | None = Field(None, description="Output folder (created if missing).")


class PipelineConfig(_Strict):
    """The whole pipeline configuration."""

    input: InputConfig = Field(default_factory=InputConfig)
    detector: ComponentConfig | None = None
    recognizer: ComponentConfig | None = None
    renderers: list[ComponentConfig] = Field(default_factory=list)
    output: OutputConfig = Field(default_factory=OutputConfig)
    plugins: list[str] = Field(default_factory=list, description="Extra plugin modules to register.")
    jobs: int = Field(1, ge=1, le=256, description="Worker processes for pages.")
    # -- issue 14: the host layout step (structure and reading order)
    layout: LayoutOptions = Field(default_factory=LayoutOptions, description="Structure and reading order.")

    @field_validator("renderers", mode="before")
    @classmethod
    def _renderer_list(cls, value: Any) -> Any:
        if isinstance(value, (str, Mapping)):
            return [value]
        return value


@dataclass(frozen=True)
class ResolvedComponent:
    """A component spec with its validated options and the config key it came from."""

    spec: ComponentSpec
    options: Options
    key: str


def _dotted(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc if p not in ("function-before", "function-after"))


def _model_fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Valid field names of the (sub)model that contains the key at ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        current = _inner_model(annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _format_errors(exc: ValidationError, model: type[BaseModel], source: str, prefix: str = "") -> ConfigError:
    lines = [message for _, message, _ in _error_items(exc, model, prefix)]
    return ConfigError(f"{source}: " + "; ".join(lines))


def _duplicate_keys(node: yaml.Node, path: str = "", seen: set[int] | None = None) -> Iterator[tuple[str, int, int]]:
    """Every key given twice in one mapping of a composed YAML document, in document order: (dotted key,
    line of its first and of its repeated occurrence, 1-based). Merge keys (``<<``) are not counted."""
    seen = set() if seen is None else seen
    if id(node) in seen:  # an alias to a node already checked (or a recursive anchor)
        return
    seen.add(id(node))
    children: list[tuple[str, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        lines: dict[tuple[str, str], int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                children.append((path, value_node))
                continue
            key = str(key_node.value)
            dotted = f"{path}.{key}" if path else key
            line = key_node.start_mark.line + 1
            if (key_node.tag, key) in lines:
                yield dotted, lines[(key_node.tag, key)], line
            else:
                lines[(key_node.tag, key)] = line
            children.append((dotted, value_node))
    elif isinstance(node, yaml.SequenceNode):
        children = [(f"{path}.{i}" if path else str(i), item) for i, item in enumerate(node.value)]
    for child_path, child in children:
        yield from _duplicate_keys(child, child_path, seen)


def _safe_load_unique(text: str, source: str) -> Any:
    """``yaml.safe_load`` that refuses a key given twice in one mapping (YAML would silently keep the
    last one): ConfigError naming ``source`` and, for each such key, its dotted path and both lines."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        duplicates = [
            f"key {key!r} is given twice (lines {first} and {second})" for key, first, second in _duplicate_keys(node)
        ]
        if duplicates:
            raise ConfigError(f"{source}: " + "; ".join(duplicates) + "; keep one of each")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _load_tolerating_trailing_tabs(text: str, p: Path) -> Any:
    """Parse ``text``; a tab PyYAML (YAML 1.1) refuses where YAML 1.2 takes it as white space, after a
    line's content (``dpi: 300<TAB># note``, ``- text<TAB>``: invisible in an editor, T16), is read as a
    space. A tab in a line's indentation stays an error, said plainly.

    Raises :class:`ConfigError` naming the file, line and column.
    """
    lines = text.split("\n")
    for _ in range(64):  # each pass mends one tab; a file with more is refused as it stands
        try:
            return _safe_load_unique("\n".join(lines), str(p))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            if "'\\t'" in str(exc) and mark is not None and mark.line < len(lines):
                line = lines[mark.line]
                col = mark.column
                if col < len(line) and line[col] == "\t" and line[:col].strip():
                    lines[mark.line] = line[:col] + " " + line[col + 1:]
                    continue
                raise ConfigError(
                    f"{p}: invalid YAML (line {mark.line + 1}: YAML indents with spaces: a tab cannot "
                    f"start a key): {exc}"
                ) from exc
            raise ConfigError(f"{p}: invalid YAML: {exc}") from exc
    raise ConfigError(f"{p}: invalid YAML: too many tabs where YAML takes spaces; use spaces")


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML config file into a dict; errors name the file (and line for syntax errors).

    A key given twice in one mapping is a :class:`ConfigError` naming both lines.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{p}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
    data = _load_tolerating_trailing_tabs(text, p)
    if data is None:
        log.warning("%s: the config file holds no keys (empty or comments only): the default pipeline runs", p)
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: the top level of a config must be a mapping, got {type(data).__name__}")
    return data


def apply_overrides(data: Mapping[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """Apply ``key.path=value`` overrides (values parsed as YAML) to a copy of ``data``.

    List items are addressed by index: ``renderers.0.options.color=red``.
    """
    result = copy.deepcopy(dict(data))
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected KEY.PATH=VALUE")
        key, raw = item.split("=", 1)
        parts = [p for p in key.strip().split(".") if p]
        if not parts:
            raise ConfigError(f"--set {item!r}: empty key path")
        try:
            value = _safe_load_unique(raw, f"--set {item!r}") if raw.strip() else None
        except yaml.YAMLError as exc:
            if raw.strip()[:1] in "[{":  # meant as a list or mapping: say why it does not parse
                problem = getattr(exc, "problem", None) or "invalid YAML"
                raise ConfigError(f"--set {item!r}: the value is not valid YAML ({problem})") from None
            value = raw
        node: Any = result
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if isinstance(node, list):
                idx = _list_slot(node, part, item, ".".join(parts[:i]))
                node = node[idx]
                continue
            if not isinstance(node, dict):
                raise ConfigError(f"--set {item!r}: {'.'.join(parts[:i])!r} is not a mapping")
            if part not in node or node[part] is None or isinstance(node[part], str):
                existing = node.get(part)
                if isinstance(existing, str) and part in ("detector", "recognizer"):
                    node[part] = {"name": existing}
                else:
                    node[part] = [] if nxt.isdigit() else {}
            node = node[part]
        last = parts[-1]
        if isinstance(node, list):
            idx = _list_slot(node, last, item, ".".join(parts[:-1]))
            node[idx] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise ConfigError(f"--set {item!r}: cannot set {key!r}")
    return result


def _list_slot(node: list[Any], part: str, item: str, where: str) -> int:
    """The list index ``part`` of ``node``; one past the end appends an item, further is an error."""
    if not part.isdigit():
        raise ConfigError(f"--set {item!r}: {part!r} must be a list index")
    idx = int(part)
    if idx > len(node):
        raise ConfigError(
            f"--set {item!r}: {where} has {len(node)} item(s); index {idx} is past its end "
            f"(use {where}.{len(node)} to add one)"
        )
    if idx == len(node):
        node.append({})
    return idx


def validate_config(data: Mapping[str, Any], source: str = "<config>") -> PipelineConfig:
    """Validate the structure of a config dict (not yet the components' own options)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the top level of a config must be a mapping")
    try:
        return PipelineConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise _format_errors(exc, PipelineConfig, source) from None


def resolve_component(
    host: PluginHost, role: Role, config: ComponentConfig, key: str, source: str, exclude: Collection[str] = ()
) -> ResolvedComponent:
    """Find the named component and validate its options against the component's own model;
    ``exclude``: names that may not be chosen at ``key`` (ConfigError, not listed as available)."""
    spec = host.component(role, config.name, key_path=f"{key}.name", source=source, exclude=exclude)
    try:
        options = spec.options.model_validate(config.options)
    except ValidationError as exc:
        raise _format_errors(exc, spec.options, source, prefix=f"{key}.options") from None
    return ResolvedComponent(spec=spec, options=options, key=key)


# One plugin host per process and plugin list: discovering entry points and registering plugins is done
# once, however many doors (CLI, Pipeline, workers) ask.
_HOSTS: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], PluginHost] = {}


def plugin_host(plugins: Sequence[str] = ()) -> PluginHost:
    """This process's plugin host for the installed plugins plus the modules ``plugins`` (made once).

    Raises :class:`~ocrplug.errors.PluginError` naming a module of ``plugins`` that cannot be imported.
    """
    # Keyed by the installed entry points too: a plugin installed while the process runs is seen.
    installed = tuple(sorted((ep.name, ep.value) for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)))
    key = (tuple(plugins), installed)
    host = _HOSTS.get(key)
    if host is None:
        from ocrplug.profile import stage

        with stage("plugin discovery"):
            host = _HOSTS[key] = PluginHost(extra_plugins=list(plugins))
    return host


def resolve_components(
    host: PluginHost, config: PipelineConfig, source: str = "<config>", skip: Collection[str] = ()
) -> dict[str, ResolvedComponent]:
    """Every component ``config`` names (``detector``, ``recognizer``, ``renderers.N``), with validated
    options, by config key; keys in ``skip`` (components given as objects) are left out.

    Raises one :class:`ConfigError` listing every unknown name and invalid option (up to
    :data:`MAX_ERRORS`, the PDF rasterizer's options included), each with its dotted key path and
    prefixed with ``source``.
    """
    data = config.model_dump()
    for key in skip:
        if key.startswith("renderers."):
            data["renderers"][int(key.split(".")[1])] = None
        else:
            data[key] = None
    _raise_all(_component_items(host, data, {}), lambda key: source)
    wanted: list[tuple[Role, str, ComponentConfig | None]] = [
        ("detector", "detector", config.detector),
        ("recognizer", "recognizer", config.recognizer),
    ]
    wanted += [("renderer", f"renderers.{i}", rc) for i, rc in enumerate(config.renderers)]
    return {
        key: resolve_component(host, role, rc, key, source)
        for role, key, rc in wanted
        if rc is not None and key not in skip
    }


def default_config_yaml() -> str:
    """The default pipeline configuration as commented YAML (``ocrplug config --default``)."""
    header = (
        f"# ocrplug default pipeline (preset {DEFAULT_PRESET!r}, see `--preset`): {PRESET_SUMMARIES[DEFAULT_PRESET]};\n"
        "# every model ships in an installed wheel, nothing is downloaded. Change `name:` to swap components\n"
        "# (see `ocrplug plugins` for every component and its options).\n"
    )
    return header + yaml.safe_dump(DEFAULT_CONFIG, sort_keys=False)


# --------------------------------------------------------------------------------------------------
# Layering, sources and all-errors-at-once loading

DEFAULT_SOURCE = "default config"
# At most this many errors are listed (a wrong file can yield hundreds); the count says how many more.
MAX_ERRORS = 20

_COMPONENT_KEYS = ("detector", "recognizer")

ErrorItem = tuple[str, str]  # (dotted key path, message)


def _forget(sources: dict[str, str], path: str) -> None:
    for key in [k for k in sources if k == path or k.startswith(path + ".")]:
        del sources[key]


def _record_all(data: Any, sources: dict[str, str], source: str, prefix: str) -> None:
    if isinstance(data, Mapping):
        for key, value in data.items():
            path = f"{prefix}{key}"
            sources[path] = source
            _record_all(value, sources, source, path + ".")


def _as_component(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


def _layer(base: Mapping[str, Any], data: Mapping[str, Any], sources: dict[str, str], source: str, prefix: str) -> dict[str, Any]:
    result = copy.deepcopy(dict(base))
    for key, value in data.items():
        path = f"{prefix}{key}"
        old = result.get(key)
        if not prefix and key in _COMPONENT_KEYS:
            new_c, old_c = _as_component(value), _as_component(old)
            same = (
                isinstance(new_c, Mapping)
                and isinstance(old_c, Mapping)
                and new_c.get("name", old_c.get("name")) == old_c.get("name")
            )
            if same:  # the same component: its options merge key by key
                result[key] = _layer(old_c, new_c, sources, source, path + ".")
                continue
        elif isinstance(value, Mapping) and isinstance(old, Mapping):
            result[key] = _layer(old, value, sources, source, path + ".")
            continue
        _forget(sources, path)
        result[key] = copy.deepcopy(value)
        sources[path] = source
        _record_all(value, sources, source, path + ".")
    return result


def _drop_options_of_replaced_component(data: dict[str, Any], sources: dict[str, str], item: str, key: str) -> None:
    """``--set detector.name=db`` over a base whose detector is another component: that component's
    options do not apply to the new one, so they are dropped (as a config file's ``detector:`` does)."""
    parts = key.split(".")
    if "=" not in item or parts[-1] != "name" or not (
        (len(parts) == 2 and parts[0] in _COMPONENT_KEYS) or (len(parts) == 3 and parts[0] == "renderers" and parts[1].isdigit())
    ):
        return
    try:
        new_name = yaml.safe_load(item.split("=", 1)[1])
    except yaml.YAMLError:
        return
    container: Any = data
    for part in parts[:-2]:
        container = container[int(part)] if isinstance(container, list) and part.isdigit() else (
            container.get(part) if isinstance(container, Mapping) else None
        )
        if container is None:
            return
    slot = parts[-2]
    if isinstance(container, list):
        if not slot.isdigit() or int(slot) >= len(container):
            return
        index: Any = int(slot)
    elif isinstance(container, dict):
        index = slot
    else:
        return
    current = _as_component(container[index] if isinstance(container, list) else container.get(index))
    if isinstance(current, Mapping) and current.get("name") not in (None, new_name):
        container[index] = {"name": current.get("name")}
        _forget(sources, ".".join(parts[:-1]) + ".options")


def layer_config(base: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` layered over ``base`` (neither is changed), by the rules in the module docstring.

    ``base`` is the default pipeline or a preset; ``data`` a config file's mapping. Keys are not
    validated here: an unknown key is carried over and reported by :func:`validate_config`.
    """
    return _layer(base, data, {}, "", "")


@dataclass(frozen=True)
class LoadedConfig:
    """An effective configuration: the layered dict, its validated model, and where each key came from.

    ``sources`` maps dotted key paths to a label (the config file's path, ``--set KEY`` or
    :data:`DEFAULT_SOURCE`); ``label`` names the config as a whole (the file, else the base).
    """

    data: dict[str, Any]
    config: PipelineConfig
    sources: dict[str, str]
    label: str

    def source_of(self, key: str) -> str:
        """Where ``key`` (dotted path) came from: the label of its longest recorded prefix."""
        return _source_of(self.sources, key, self.label)


def _source_of(sources: Mapping[str, str], key: str, fallback: str) -> str:
    parts = key.split(".")
    for i in range(len(parts), 0, -1):
        found = sources.get(".".join(parts[:i]))
        if found is not None:
            return found
    # An error on a key that only exists through a longer key (`--set detecter.name=db` -> 'detecter').
    below = sorted(k for k in sources if k.startswith(key + "."))
    return sources[below[0]] if below else fallback


def _error_items(exc: ValidationError, model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str]]:
    """(key path, message, pydantic error type) for every error of ``exc``."""
    items = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        key = ".".join(filter(None, [prefix, _dotted(loc)]))
        if err["type"] == "extra_forbidden":
            valid = _model_fields_at(model, loc)
            hint = closest(str(loc[-1]), valid) if loc else None
            msg = f"unknown key {key!r}"
            msg += f"; did you mean {hint!r}?" if hint else ""
            if key == "preset":
                msg += "; a preset is chosen with `--preset NAME` or `Pipeline.from_preset(NAME)`, not in the config"
            if valid:
                msg += f" (valid keys here: {', '.join(valid)})"
        else:
            got = err.get("input")
            shown = repr(got)
            shown = f" (got {shown[:57] + '...' if len(shown) > 60 else shown})"
            msg = f"{key}: {err['msg']}{shown}"
        items.append((key, msg, err["type"]))
    return items


def _set_path(data: Any, key: str, value: Any) -> bool:
    node = data
    parts = key.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) and part.isdigit() else (node.get(part) if isinstance(node, dict) else None)
        if node is None:
            return False
    last = parts[-1]
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        return False
    return True


def _stringify(data: dict[str, Any], items: Sequence[tuple[str, str, str]], raw: Mapping[str, str], prefix: str = "") -> bool:
    """Give ``--set`` values that YAML read as numbers back as text where a string is expected.

    ``--set input.pages=3`` is read by YAML as the integer 3; a string-typed key takes the text "3".
    Returns True when something changed (validate again).
    """
    changed = False
    for key, _, kind in items:
        if kind == "string_type" and key in raw:
            local = key[len(prefix) + 1:] if prefix else key
            changed |= _set_path(data, local, raw[key].strip())
    return changed


def _validate_structure(data: dict[str, Any], raw: Mapping[str, str]) -> tuple[PipelineConfig | None, list[tuple[str, str, str]]]:
    for _ in range(2):
        try:
            return PipelineConfig.model_validate(data), []
        except ValidationError as exc:
            items = _error_items(exc, PipelineConfig)
            if not _stringify(data, items, raw):
                return None, items
    return None, items


def _component_items(host: PluginHost, data: dict[str, Any], raw: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """Errors of every component named in ``data``: unknown names and invalid options."""
    wanted: list[tuple[Role, str, Any, str, str]] = []  # role, name key, config, options key
    for key in _COMPONENT_KEYS:
        if data.get(key) is not None:
            wanted.append((key, f"{key}.name", data[key], f"{key}.options", key))  # type: ignore[arg-type]
    renderers = data.get("renderers")
    if isinstance(renderers, (str, Mapping)):
        renderers = [renderers]
    for i, item in enumerate(renderers if isinstance(renderers, list) else []):
        wanted.append(("renderer", f"renderers.{i}.name", item, f"renderers.{i}.options", f"renderers.{i}"))
    inp = data.get("input") if isinstance(data.get("input"), Mapping) else {}
    rasterizer = inp.get("rasterizer") or _rasterizer_for_options(host, inp.get("options"))
    if rasterizer:
        wanted.append((
            "rasterizer", "input.rasterizer", {"name": rasterizer, "options": inp.get("options") or {}}, "input.options", "input",
        ))
    items: list[tuple[str, str, str]] = []
    for role, name_key, value, options_key, _ in wanted:
        try:
            component = ComponentConfig.model_validate(value)
        except ValidationError:
            continue  # reported by the structure check
        try:
            spec = host.component(role, component.name, key_path=name_key)
        except ConfigError as exc:
            items.append((name_key, str(exc), "unknown_component"))
            continue
        options = dict(component.options)
        for _ in range(2):
            try:
                spec.options.model_validate(options)
                break
            except ValidationError as exc:
                found = _error_items(exc, spec.options, prefix=options_key)
                if not _stringify(options, found, raw, prefix=options_key):
                    items.extend(found)
                    break
        if options != dict(component.options):  # stringified --set values: keep them in the data
            target = data["input"] if role == "rasterizer" else _container(data, name_key)
            if isinstance(target, dict):
                target["options"] = options
    return items


def _rasterizer_for_options(host: PluginHost, options: Any) -> str | None:
    """With no ``input.rasterizer`` named, the rasterizer whose options ``input.options`` are checked
    against: one that accepts them, else the one sharing most keys with them (for "did you mean")."""
    if not options or not isinstance(options, Mapping):
        return None
    specs = host.components("rasterizer")
    for name, spec in specs.items():
        try:
            spec.options.model_validate(dict(options))
            return name
        except (ValidationError, ValueError):
            continue
    def overlap(name: str) -> tuple[int, int]:
        fields = specs[name].options.model_fields
        near = sum(1 for key in options if key in fields or closest(str(key), fields))
        return near, len(fields)
    return max(specs, key=overlap) if specs else None


def _container(data: dict[str, Any], name_key: str) -> Any:
    parts = name_key.split(".")[:-1]
    node: Any = data
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node.get(part)
    if isinstance(node, str):
        return None
    return node


def _raise_all(items: Sequence[tuple[str, str, str]], source_of: Any) -> None:
    if not items:
        return
    lines = [f"{source_of(key)}: {msg}" for key, msg, _ in items[:MAX_ERRORS]]
    if len(items) == 1:
        raise ConfigError(lines[0])
    more = f"\n  ... and {len(items) - MAX_ERRORS} more" if len(items) > MAX_ERRORS else ""
    raise ConfigError(f"{len(items)} configuration errors:\n  " + "\n  ".join(lines) + more)


def load_config(
    path: str | Path | None = None,
    overrides: Sequence[str] = (),
    *,
    data: Mapping[str, Any] | None = None,
    source: str = "<config>",
    base: Mapping[str, Any] | None = None,
    base_source: str = DEFAULT_SOURCE,
    host: PluginHost | None = None,
    components: bool = True,
) -> LoadedConfig:
    """The effective config: ``base`` (default: :data:`DEFAULT_CONFIG`), then the YAML file at
    ``path`` layered over it, then ``data`` (a config mapping given in Python, layered the same way:
    ``None`` switches a stage off; its keys are named ``source`` in errors), then the ``--set`` style
    ``overrides``. Every door (``ocrplug run``,
    :class:`~ocrplug.pipeline.Pipeline`, Spark, OCRmyPDF) resolves its config here, once per process.

    Validates the structure and (with ``components``) every component's name and options, with the
    plugins the config names (``host`` is built when not given). Raises one :class:`ConfigError` with
    every error found (up to :data:`MAX_ERRORS`), each prefixed with where its key came from. A preset
    is another ``base`` (with its name as ``base_source``).
    """
    given = data
    base = DEFAULT_CONFIG if base is None else base
    sources: dict[str, str] = {}
    _record_all(base, sources, base_source, "")
    layered = copy.deepcopy(dict(base))
    label = base_source
    if path is not None:
        label = str(path)
        layered = _layer(layered, load_yaml(path), sources, label, "")
    if given is not None:
        if not isinstance(given, Mapping):
            raise ConfigError(f"{source}: the top level of a config must be a mapping, got {type(given).__name__}")
        label = source
        layered = _layer(layered, given, sources, source, "")
    data = layered
    raw: dict[str, str] = {}
    items: list[tuple[str, str, str]] = []
    for item in overrides:
        key = ".".join(p for p in item.split("=", 1)[0].strip().split(".") if p)
        _drop_options_of_replaced_component(data, sources, item, key)
        try:
            data = apply_overrides(data, [item])
        except ConfigError as exc:
            sources[key] = f"--set {key}"
            message = str(exc)
            prefix = f"--set {item!r}: "
            items.append((key, message[len(prefix):] if message.startswith(prefix) else message, "override"))
            continue
        _forget(sources, key)
        sources[key] = f"--set {key}"
        raw[key] = item.split("=", 1)[1]
    config, found = _validate_structure(data, raw)
    items.extend(found)
    if components:
        plugins = data.get("plugins") if isinstance(data.get("plugins"), list) else []
        host = host or plugin_host([p for p in plugins if isinstance(p, str)])
        items.extend(_component_items(host, data, raw))
    _raise_all(items, lambda key: _source_of(sources, key, label))
    if config is None or _options_changed(config, data):
        # Component options took `--set` numbers as text: validate the changed data once more.
        config = PipelineConfig.model_validate(data)
    return LoadedConfig(data=data, config=config, sources=sources, label=label)


def _options_changed(config: PipelineConfig, data: Mapping[str, Any]) -> bool:
    """Whether the component options in ``data`` differ from the validated ``config``'s."""
    for key in _COMPONENT_KEYS:
        component, raw = getattr(config, key), data.get(key)
        if component is not None and isinstance(raw, Mapping) and dict(raw.get("options") or {}) != component.options:
            return True
    renderers = data.get("renderers")
    if isinstance(renderers, list):
        for rc, raw in zip(config.renderers, renderers, strict=False):
            if isinstance(raw, Mapping) and dict(raw.get("options") or {}) != rc.options:
                return True
    inp = data.get("input")
    return isinstance(inp, Mapping) and dict(inp.get("options") or {}) != config.input.options


def no_text_reason(config: PipelineConfig) -> str | None:
    """Why a run of ``config`` will produce no text (for a warning), or None when it reads text."""
    if config.recognizer is None:
        stage = "detector only" if config.detector is not None else "no detector either"
        return f"the pipeline has no recognizer (recognizer: null; {stage}), so no text will be read"
    return None
