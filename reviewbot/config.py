"""Configuration: ``[tool.reviewbot]`` in pyproject.toml or a ``.reviewbot.toml``, validated once into frozen values.

Precedence: command-line flags > ``REVIEWBOT_*`` environment variables > config file > defaults. The closest
config file (walking up from the start directory, stopping at the repository root) wins; a pyproject.toml without a
``[tool.reviewbot]`` table is skipped. Unknown keys and bad values are errors naming the file and the key path.
``reviewbot review`` and ``reviewbot baseline`` add the user config below the repository's and screen the
repository config's sensitive keys against the reviewed change's base version (reviewbot/config_trust.py).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reviewbot import analyzers as registry
from reviewbot.analyzers.base import Options
from reviewbot.errors import ConfigError
from reviewbot.filekinds import FileKindSettings
from reviewbot.llm.settings import LLMSettings
from reviewbot.models import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_HOST_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST_NAME = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*")

FilterMode = Literal["added", "diff_context", "file", "nofilter"]
FailLevel = Literal["none", "info", "warning", "error"]


class FileSettings(BaseModel):
    """The keys of ``[tool.reviewbot]`` (kebab-case in TOML). Analyzer option tables are validated separately."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    analyzers: tuple[str, ...] | None = None  # None: the built-in default set
    # What the commit hook (``reviewbot review --hook``) runs; None: the fast ones among ``analyzers``
    hook_analyzers: tuple[str, ...] | None = Field(None, alias="hook-analyzers")
    filter: FilterMode = "added"
    fail_on: FailLevel = Field("error", alias="fail-on")
    include: tuple[str, ...] = ("*.py", "*.pyi")
    exclude: tuple[str, ...] = ()
    max_comments: int = Field(10, alias="max-comments", ge=0)
    max_comments_per_file: int = Field(3, alias="max-comments-per-file", ge=0)
    min_score: float = Field(0.5, alias="min-score", ge=0.0, le=1.0)
    cache_dir: str | None = Field(None, alias="cache-dir")
    cache: bool = True
    jobs: int | None = Field(None, ge=1)
    # The discriminator (docs/ranking.md): re-analyse every suggested fix before showing it.
    verify: bool = True
    # Optional execution check: run this command (argv list, or a string split like a shell would) with each
    # fix applied in a scratch copy of the tree. It RUNS THE PROJECT'S CODE; off unless the trusted config sets it.
    test_command: str | tuple[str, ...] | None = Field(None, alias="test-command")
    test_timeout: float = Field(300.0, alias="test-timeout", gt=0)
    # Hosts that links and images in published text may point to, besides the repository's own host (the Action's
    # GITHUB_SERVER_URL); every other link in model or analyzer text is removed or defanged. Host names only.
    link_hosts: tuple[str, ...] = Field((), alias="link-hosts")
    # The oldest Python the project supports, "3.X": overrides requires-python & co. (reviewbot/pytarget.py).
    python_version: str | None = Field(None, alias="python-version", pattern=r"^3\.[0-9]{1,2}$")
    # What each changed file is (reviewbot/filekinds.py): globs deciding source / tests / data before the heuristics.
    files: FileKindSettings = FileKindSettings()
    llm: LLMSettings = LLMSettings()

    @field_validator("link_hosts")
    @classmethod
    def _host_names(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for host in hosts:
            name = host.strip().rstrip(".").lower()
            if len(name) > 253 or not _HOST_NAME.fullmatch(name):
                raise ValueError(f"{host!r} is not a host name (write e.g. docs.example.com: no scheme, path or port)")
            out.append(name)
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Settings:
    """Everything a review needs to know, resolved from all sources."""

    file: FileSettings = FileSettings()
    analyzer_options: Mapping[str, Options] = field(default_factory=dict)
    config_path: Path | None = None  # where the file settings came from (None: defaults only)

    @property
    def enabled_analyzers(self) -> tuple[str, ...]:
        return self.file.analyzers if self.file.analyzers is not None else registry.DEFAULT_ENABLED

    @property
    def hook_analyzers(self) -> tuple[str, ...]:
        """What the commit hook runs: ``hook-analyzers``, or else the fast built-in analyzers
        (``registry.HOOK_DEFAULT``) among the enabled ones, in that order."""
        if self.file.hook_analyzers is not None:
            return self.file.hook_analyzers
        return tuple(n for n in registry.HOOK_DEFAULT if n in self.enabled_analyzers)

    def for_hook(self) -> Settings:
        """These settings with the commit hook's analyzers as the enabled ones (``reviewbot review --hook``)."""
        return replace(self, file=self.file.model_copy(update={"analyzers": self.hook_analyzers}))

    @property
    def fail_level(self) -> Severity | None:
        return None if self.file.fail_on == "none" else Severity(self.file.fail_on)

    def options_for(self, name: str) -> Options:
        if name in self.analyzer_options:
            return self.analyzer_options[name]
        return registry.load(name).Options()


def _key_path(prefix: str, loc: tuple[Any, ...]) -> str:
    return ".".join([prefix, *(str(p) for p in loc)]) if prefix else ".".join(str(p) for p in loc)


def _validation_message(origin: str, prefix: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = _key_path(prefix, err["loc"])
    if err["type"] == "extra_forbidden":
        return f"{origin}: unknown key {where!r}"
    value = err.get("input")
    shown = f" (got {value!r})" if isinstance(value, (str, int, float, bool)) else ""
    more = f" (and {len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else ""
    return f"{origin}: {where}: {err['msg']}{shown}{more}"


def _kebab(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k.replace("_", "-") if isinstance(k, str) else k: v for k, v in data.items()}


def validate(table: Mapping[str, Any], origin: str, prefix: str) -> Settings:
    """Validate one ``[tool.reviewbot]`` table (already merged with env/CLI overrides)."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{origin}: {prefix or 'config'} must be a table")
    known_analyzers = registry.available()
    plain: dict[str, Any] = {}
    option_tables: dict[str, Any] = {}
    for key, value in table.items():
        name = str(key)
        if name in known_analyzers and isinstance(value, Mapping):
            option_tables[name] = value
        else:
            plain[name] = value
    try:
        file_settings = FileSettings.model_validate(plain)
    except ValidationError as exc:
        raise ConfigError(_validation_message(origin, prefix, exc)) from None
    for key, names in (("analyzers", file_settings.analyzers), ("hook-analyzers", file_settings.hook_analyzers)):
        for name in names or ():
            if name not in known_analyzers:
                known = ", ".join(sorted(known_analyzers)) or "none"
                raise ConfigError(f"{origin}: {_key_path(prefix, (key,))}: unknown analyzer {name!r} ({known})")
    options: dict[str, Options] = {}
    for name, values in option_tables.items():
        cls = registry.load(name).Options
        try:
            options[name] = cls.model_validate(dict(values))
        except ValidationError as exc:
            raise ConfigError(_validation_message(origin, _key_path(prefix, (name,)), exc)) from None
    return Settings(file_settings, options, None)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror or exc})") from exc
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def table_of(path: Path, data: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, str]:
    """The reviewbot table of a parsed config file and its key-path prefix (None: pyproject without one)."""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        if not isinstance(tool, Mapping) or "reviewbot" not in tool:
            return None, "tool.reviewbot"
        return tool["reviewbot"], "tool.reviewbot"
    return data, ""


def find_config(start: Path, stop: Path | None = None) -> Path | None:
    """The closest ``.reviewbot.toml`` or pyproject.toml with ``[tool.reviewbot]``, from ``start`` up to ``stop``."""
    current = start.resolve()
    stop = stop.resolve() if stop else None
    while True:
        for name in (".reviewbot.toml", "pyproject.toml"):
            candidate = current / name
            if candidate.is_file():
                if name == "pyproject.toml":
                    table, _ = table_of(candidate, read_toml(candidate))
                    if table is None:
                        continue
                return candidate
        if current == stop or current.parent == current:
            return None
        current = current.parent


_ENV_PREFIX = "REVIEWBOT_"
_ENV_KEYS = {
    "ANALYZERS": "analyzers",
    "HOOK_ANALYZERS": "hook-analyzers",
    "FILTER": "filter",
    "FAIL_ON": "fail-on",
    "INCLUDE": "include",
    "EXCLUDE": "exclude",
    "MAX_COMMENTS": "max-comments",
    "MAX_COMMENTS_PER_FILE": "max-comments-per-file",
    "MIN_SCORE": "min-score",
    "CACHE_DIR": "cache-dir",
    "JOBS": "jobs",
    "LINK_HOSTS": "link-hosts",
    "PYTHON_VERSION": "python-version",
}
_LIST_KEYS = {"analyzers", "hook-analyzers", "include", "exclude", "link-hosts"}


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """``REVIEWBOT_FAIL_ON=warning`` etc. as config keys; list values are comma-separated."""
    out: dict[str, Any] = {}
    for env_name, key in _ENV_KEYS.items():
        raw = environ.get(_ENV_PREFIX + env_name)
        if raw is None:
            continue
        out[key] = [p.strip() for p in raw.split(",") if p.strip()] if key in _LIST_KEYS else raw
    llm: dict[str, Any] = {}
    for env_name, value in environ.items():
        if env_name.startswith(_ENV_PREFIX + "LLM_"):
            llm[env_name[len(_ENV_PREFIX + "LLM_") :].lower().replace("_", "-")] = value
    if llm:
        out["llm"] = llm
    return out


@dataclass(frozen=True)
class Layer:
    """One config file's ``[tool.reviewbot]`` table, with where it came from (for error messages)."""

    table: Mapping[str, Any]
    origin: str
    prefix: str = ""
    path: Path | None = None


def file_layer(path: Path, *, explicit: bool = False) -> Layer:
    """The reviewbot table of config file ``path``, validated on its own so that errors name this file."""
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    found, prefix = table_of(path, read_toml(path))
    if found is None and explicit:
        raise ConfigError(f"{path}: no [tool.reviewbot] table")
    layer = Layer(dict(found or {}), str(path), prefix, path)
    validate(layer.table, layer.origin, layer.prefix)
    return layer


def user_config_path() -> Path:
    """The user's own config (``config.toml`` in platformdirs' user config dir): outside any repository, trusted."""
    from platformdirs import user_config_path as base

    return base("reviewbot") / "config.toml"


def user_layer() -> Layer | None:
    """The user config as a layer (top-level keys, like ``.reviewbot.toml``), or None when there is none."""
    path = user_config_path()
    return file_layer(path) if path.is_file() else None


def resolve(
    layers: Sequence[Layer],
    *,
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge file layers (later wins), then ``REVIEWBOT_*`` variables, then flags, and validate the result."""
    environ = os.environ if environ is None else environ
    table: dict[str, Any] = {}
    for layer in layers:
        table = merge_tables(table, layer.table)
    origin, prefix = (layers[-1].origin, layers[-1].prefix) if layers else ("defaults", "")
    env = env_overrides(environ)
    merged = _merge(_merge(table, env), {k: v for k, v in (cli or {}).items() if v is not None})
    # Values from env/CLI are reported against their own origin when they are the bad ones.
    try:
        return validate(merged, origin, prefix)
    except ConfigError as exc:
        if env or cli:
            _blame_overrides(env, cli or {}, exc)
        raise


def load(
    *,
    start: Path,
    config_path: Path | None = None,
    stop: Path | None = None,
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve the settings for a review started in ``start`` (CLI > env > file > defaults)."""
    path = config_path or find_config(start, stop)
    layers = [file_layer(path, explicit=config_path is not None)] if path is not None else []
    settings = resolve(layers, cli=cli, environ=environ)
    return Settings(settings.file, settings.analyzer_options, path)


def _canonical(model: type[BaseModel], table: Mapping[str, Any]) -> dict[str, Any]:
    """``table`` with each key of ``model`` spelled as its TOML alias (``fail_on`` -> ``fail-on``); other keys
    (analyzer option tables, header names) as they are."""
    aliases = {name: info.alias or name for name, info in model.model_fields.items()}
    return {aliases.get(k, k) if isinstance(k, str) else k: v for k, v in table.items()}


def merge_tables(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Two reviewbot tables merged key by key, ``over`` winning; sub-tables merge too, except ``llm.headers``."""

    def canonical(table: Mapping[str, Any]) -> dict[str, Any]:
        out = _canonical(FileSettings, table)
        if isinstance(out.get("llm"), Mapping):
            out["llm"] = _canonical(LLMSettings, out["llm"])
        return out

    def deep(a: Mapping[str, Any], b: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
        out = dict(a)
        for key, value in b.items():
            here = (*path, str(key))
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) and here != ("llm", "headers"):
                out[key] = deep(out[key], value, here)
            else:
                out[key] = value
        return out

    return deep(canonical(base), canonical(over), ())


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in _kebab(over).items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _blame_overrides(env: Mapping[str, Any], cli: Mapping[str, Any], exc: ConfigError) -> None:
    """Re-raise a validation error against the flag or environment variable that caused it, if one did."""
    for key, value in _kebab({k: v for k, v in cli.items() if v is not None}).items():
        try:
            validate({key: value}, "", "")
        except ConfigError as bad:
            raise ConfigError(f"command line: --{key}{str(bad).split(key, 1)[-1]}") from None
    env_names = {v: k for k, v in _ENV_KEYS.items()}
    for key, value in env.items():
        try:
            validate({key: value}, "", "")
        except ConfigError as bad:
            name = _ENV_PREFIX + env_names.get(key, key.upper().replace("-", "_"))
            raise ConfigError(f"environment variable {name}{str(bad).split(key, 1)[-1]}") from None
