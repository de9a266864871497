"""Pipeline configuration: typed models, validated once at the boundary, with precise errors.

A config is YAML (or the same dict built in Python)::

    input: {dpi: 200, pages: "1-5", rasterizer: pdf2image}
    detector: {name: craft, options: {text_threshold: 0.7}}
    recognizer: {name: tesseract, options: {lang: eng}}
    renderers: [{name: overlay, options: {color: green}}, {name: json}]
    output: {dir: out/}
    plugins: [my_package.my_plugin]

Every error names the config file, the dotted key path and, for typos, the closest valid name.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ocrplug.components import ComponentSpec, Options, PageRange, Role
from ocrplug.errors import ConfigError
from ocrplug.layout import LayoutOptions
from ocrplug.manager import PluginHost, closest

__all__ = [
    "DEFAULT_CONFIG",
    "ComponentConfig",
    "InputConfig",
    "OutputConfig",
    "PipelineConfig",
    "ResolvedComponent",
    "apply_overrides",
    "default_config_yaml",
    "load_yaml",
    "resolve_component",
    "validate_config",
]

# The default pipeline: runs on a fresh machine with no weights to fetch (the PP-OCR models ship inside
# the rapidocr wheel). Chosen by benchmarks/default_pipeline.py; the table is in docs/benchmarks.md.
DEFAULT_CONFIG: dict[str, Any] = {
    "input": {"dpi": 300},
    "detector": {"name": "db"},
    "recognizer": {"name": "ppocr"},
    "renderers": [{"name": "text"}, {"name": "json"}],
    "output": {"dir": "ocrplug-out"},
}


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


class InputConfig(_Strict):
    """How input files become page images."""

    dpi: float = Field(200, gt=0, le=2400, description="Resolution at which PDF pages are rasterized.")
    pages: str | None = Field(None, description="1-based page selection, e.g. '1-5,8'; all pages when empty.")
    rasterizer: str | None = Field(
        None, description="Rasterizer for PDF files (default: pdf2image); images always use `image`."
    )
    options: dict[str, Any] = Field(default_factory=dict, description="Options of the PDF rasterizer.")
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
    lines = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        key = ".".join(filter(None, [prefix, _dotted(loc)]))
        if err["type"] == "extra_forbidden":
            valid = _model_fields_at(model, loc)
            hint = closest(str(loc[-1]), valid) if loc else None
            msg = f"unknown key {key!r}"
            msg += f"; did you mean {hint!r}?" if hint else ""
            if valid:
                msg += f" (valid keys here: {', '.join(valid)})"
        else:
            got = err.get("input")
            shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
            msg = f"{key}: {err['msg']}{shown}"
        lines.append(msg)
    return ConfigError(f"{source}: " + "; ".join(lines))


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML config file into a dict; errors name the file (and line for syntax errors)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config file: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: invalid YAML: {exc}") from exc
    if data is None:
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
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        node: Any = result
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if isinstance(node, list):
                idx = _index(part, item)
                while len(node) <= idx:
                    node.append({})
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
            idx = _index(last, item)
            while len(node) <= idx:
                node.append({})
            node[idx] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise ConfigError(f"--set {item!r}: cannot set {key!r}")
    return result


def _index(part: str, item: str) -> int:
    if not part.isdigit():
        raise ConfigError(f"--set {item!r}: {part!r} must be a list index")
    return int(part)


def validate_config(data: Mapping[str, Any], source: str = "<config>") -> PipelineConfig:
    """Validate the structure of a config dict (not yet the components' own options)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the top level of a config must be a mapping")
    try:
        return PipelineConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise _format_errors(exc, PipelineConfig, source) from None


def resolve_component(
    host: PluginHost, role: Role, config: ComponentConfig, key: str, source: str
) -> ResolvedComponent:
    """Find the named component and validate its options against the component's own model."""
    spec = host.component(role, config.name, key_path=f"{key}.name", source=source)
    try:
        options = spec.options.model_validate(config.options)
    except ValidationError as exc:
        raise _format_errors(exc, spec.options, source, prefix=f"{key}.options") from None
    return ResolvedComponent(spec=spec, options=options, key=key)


def default_config_yaml() -> str:
    """The default pipeline configuration as commented YAML (``ocrplug config --default``)."""
    header = (
        "# ocrplug default pipeline: DBNet detection + PP-OCR recognition (ONNX models shipped in the\n"
        "# rapidocr wheel, run offline with onnxruntime); change `name:` to swap components\n"
        "# (see `ocrplug plugins` for every component and its options).\n"
    )
    return header + yaml.safe_dump(DEFAULT_CONFIG, sort_keys=False)
