"""The plugin host: discovers plugins and collects their components by role.

Plugins come from the ``ocrplug`` entry-point group and from modules named in a pipeline config
(``plugins:``). The built-in plugins (:data:`BUILTIN_PLUGINS`, the ``ocrplug_*`` packages of this
repository) are essential: one that fails to import is a :class:`PluginError` naming it, as pytest treats
its essential plugins. A third-party plugin that fails to import only warns and is left out; a
``plugins:`` module that fails to import (an exception or ``sys.exit()`` at import) is a
:class:`PluginError`. Each :class:`PluginHost` owns its own pluggy manager: there
is no module-global registry, so tests and worker processes build exactly what they need.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from ocrplug import hookspecs
from ocrplug.commands import CliCommand
from ocrplug.components import ROLES, ComponentSpec, Role
from ocrplug.errors import ConfigError, PluginError

__all__ = ["BUILTIN_PLUGINS", "ENTRY_POINT_GROUP", "PluginHost", "closest"]

ENTRY_POINT_GROUP = "ocrplug"

#: The built-in plugins: entry-point name -> module (pyproject.toml, ``[project.entry-points.ocrplug]``).
BUILTIN_PLUGINS: dict[str, str] = {
    "craft": "ocrplug_craft.plugin",
    "db": "ocrplug_db.plugin",
    "inputs": "ocrplug_inputs.plugin",
    "ppocr": "ocrplug_ppocr.plugin",
    "render": "ocrplug_render.plugin",
    "tesseract": "ocrplug_tesseract.plugin",
    "trocr": "ocrplug_trocr.plugin",
}

log = logging.getLogger(__name__)

_ROLE_HOOKS: dict[Role, str] = {
    "rasterizer": "ocrplug_register_rasterizers",
    "detector": "ocrplug_register_detectors",
    "recognizer": "ocrplug_register_recognizers",
    "renderer": "ocrplug_register_renderers",
}


# Broken-plugin warnings already logged in this process: the CLI builds more than one host (commands,
# config check, pipeline), and a user should read each warning once.
_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        log.warning("%s", message)


def _import_failure(exc: BaseException, repr_: bool = True) -> str:
    """What went wrong importing a plugin; ``sys.exit()`` at import is named as such (its own message is empty)."""
    if isinstance(exc, SystemExit):
        return f"the module called sys.exit({exc.code!r}) while being imported"
    return repr(exc) if repr_ else str(exc)


def _broken_install_reason() -> str:
    """Why a built-in plugin cannot import: most often a folder named ``ocrplug`` (a checkout) in the
    working directory, which Python (and Spark's Python workers, which put the working directory on
    ``sys.path``) imports as a namespace package in place of the installed one (T16)."""
    ocrplug = sys.modules.get("ocrplug")  # the package as imported (not re-imported: no import circle)
    if ocrplug is not None and getattr(ocrplug, "__file__", None) is None:
        where = ", ".join(str(p) for p in getattr(ocrplug, "__path__", [])) or "?"
        return (
            f"'ocrplug' was imported as a namespace package from {where}: a folder named ocrplug there "
            "shadows the installed package; run from another folder"
        )
    return "the ocrplug installation is broken"


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most similar to ``name`` (for "did you mean" hints), or None."""
    import difflib

    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass
class _Registry:
    specs: dict[Role, dict[str, ComponentSpec]] = field(default_factory=lambda: {r: {} for r in ROLES})
    owners: dict[tuple[Role, str], str] = field(default_factory=dict)


class PluginHost:
    """Loads plugins and exposes their components by role and name."""

    def __init__(self, extra_plugins: Sequence[str | ModuleType | Any] = (), entry_points: bool = True) -> None:
        """Create a host; ``extra_plugins`` are module names or plugin objects to register as well."""
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.broken: dict[str, str] = {}
        # Plugins a config or caller asked for by name: their failures are errors, not warnings.
        self._explicit: set[str] = set()
        if entry_points:
            self._load_entry_points()
        for plugin in extra_plugins:
            self.register(plugin)
        self._registry: _Registry | None = None

    def _load_entry_points(self) -> None:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if self.pm.get_plugin(ep.name) is not None or self.pm.is_blocked(ep.name):
                continue
            try:
                plugin = ep.load()
            except (Exception, SystemExit) as exc:
                message = f'error importing plugin "{ep.name}" ({ep.value}): {_import_failure(exc)}'
                if BUILTIN_PLUGINS.get(ep.name) == ep.value:
                    raise PluginError(f"built-in {message} ({_broken_install_reason()})") from exc
                # One broken third-party plugin must not take down pipelines that do not use it:
                # remember it, warn, and name it when a component cannot be found.
                self.broken[ep.name] = message
                _warn_once(message)
                continue
            self.pm.register(plugin, name=ep.name)

    def register(self, plugin: str | ModuleType | Any, name: str | None = None) -> None:
        """Register a plugin given as a module name or an object with hook implementations."""
        if isinstance(plugin, str):
            if self.pm.get_plugin(plugin) is not None:
                return
            try:
                module = importlib.import_module(plugin)
            except (Exception, SystemExit) as exc:
                raise PluginError(f'error importing plugin "{plugin}": {_import_failure(exc, repr_=False)}') from exc
            name, plugin = plugin, module
        if self.pm.is_registered(plugin):
            return
        self._explicit.add(name or self.pm.get_canonical_name(plugin))
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f'plugin "{name or plugin}" is invalid: {exc}') from exc
        self._registry = None

    def plugin_names(self) -> list[str]:
        """Names of the registered plugins, sorted."""
        return sorted(n for n, p in self.pm.list_name_plugin() if p is not None)

    def _isolate(self, plugin_name: str, message: str, exc: BaseException | None = None) -> None:
        """Unregister a discovered plugin whose hook failed, remember why, and warn (like an import error).

        A plugin that was asked for by name (``plugins:`` in a config) is not isolated: its failure is
        a :class:`PluginError`, since the run needs it.
        """
        if plugin_name in self._explicit:
            raise PluginError(message) from exc
        self.broken[plugin_name] = message
        _warn_once(message)
        self.pm.unregister(name=plugin_name)

    def _collect(self) -> _Registry:
        if self._registry is not None:
            return self._registry
        while True:
            registry = self._try_collect()
            if registry is not None:
                self._registry = registry
                return registry

    def _try_collect(self) -> _Registry | None:
        """Collect every component; None when a plugin had to be isolated (collect again without it)."""
        registry = _Registry()
        for role, hook_name in _ROLE_HOOKS.items():
            hook = getattr(self.pm.hook, hook_name)
            for impl in hook.get_hookimpls():
                plugin_name = impl.plugin_name
                try:
                    specs = list(impl.function() or ())
                except Exception as exc:
                    self._isolate(plugin_name, f'error in plugin "{plugin_name}" ({hook_name}): {exc!r}', exc)
                    return None
                for spec in specs:
                    if not isinstance(spec, ComponentSpec) or spec.role != role:
                        self._isolate(
                            plugin_name,
                            f'error in plugin "{plugin_name}" ({hook_name}): returned {spec!r}; '
                            f"expected ComponentSpec objects with role={role!r}",
                        )
                        return None
                    key = (role, spec.name)
                    if key in registry.owners:
                        raise PluginError(
                            f"{role} {spec.name!r} is offered by two plugins: "
                            f'"{registry.owners[key]}" and "{plugin_name}"; uninstall or block one of them'
                        )
                    registry.owners[key] = plugin_name
                    registry.specs[role][spec.name] = spec
        return registry

    def components(self, role: Role) -> dict[str, ComponentSpec]:
        """All components of a role, by name, sorted by name."""
        specs = self._collect().specs[role]
        return {name: specs[name] for name in sorted(specs)}

    def owner(self, role: Role, name: str) -> str:
        """Name of the plugin that offers component ``name`` of ``role``."""
        return self._collect().owners[(role, name)]

    def component(
        self, role: Role, name: str, key_path: str = "", source: str | None = None, exclude: Collection[str] = ()
    ) -> ComponentSpec:
        """The component ``name`` of ``role``; a :class:`ConfigError` with a suggestion when unknown.

        ``exclude``: names that may not be chosen here (left out of the suggestion and the list)."""
        specs = {k: v for k, v in self.components(role).items() if k not in exclude}
        if name in specs:
            return specs[name]
        hint = closest(name, specs)
        where = f"{source}: " if source else ""
        key = f" at {key_path!r}" if key_path else ""
        suggestion = f"; did you mean {hint!r}?" if hint else ""
        available = ", ".join(specs) or "none installed"
        broken = "".join(f"; note: {msg}" for msg in self.broken.values())
        raise ConfigError(f"{where}unknown {role} {name!r}{key}{suggestion} (available: {available}){broken}")

    def cli_commands(self) -> list[CliCommand]:
        """Sub-commands contributed by plugins."""
        commands: list[CliCommand] = []
        for impl in self.pm.hook.ocrplug_cli_commands.get_hookimpls():
            try:
                commands.extend(impl.function() or ())
            except Exception as exc:
                self._isolate(impl.plugin_name, f'error in plugin "{impl.plugin_name}" (ocrplug_cli_commands): {exc!r}', exc)
                self._registry = None
        return commands
