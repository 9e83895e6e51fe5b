"""The settings a reviewed change may not choose: they can send a secret, run code, or read or write files outside
the review. One list, used by the CLI (reviewbot/config_trust.py, which takes these from the base version when the
reviewed change edits the config) and by the Action (reviewbot/github/trust.py, which reads all settings from the
base commit and names these in its note when a pull request changes them).

Each entry names its config keys and, for the few where a changed value can still be harmless (a local model
server, a provider's own endpoint), when it is. Everything else in the config only shapes the review (filters,
budgets, analyzer options without paths): a hostile change can make its own review quieter, not take anything.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from reviewbot import analyzers as registry
from reviewbot.config import FileSettings, Settings
from reviewbot.llm.settings import DEFAULT_BASE_URL, DEFAULT_KEY_ENV, LLMSettings

# (candidate, reference) -> is the candidate's differing value harmless anyway?
Allowed = Callable[[Settings, Settings], bool]


def _never(candidate: Settings, reference: Settings) -> bool:
    return False


def is_loopback_url(url: str) -> bool:
    """A plain http(s) URL of this machine: ``localhost``, 127.0.0.0/8 or ::1 (no user info, query or fragment,
    which could make another parser see another host). Parsed as the HTTP client parses it."""
    import httpx  # only when a configuration names a URL: a review without an LLM never loads the HTTP client

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    if parsed.scheme not in ("http", "https") or parsed.userinfo or parsed.query or parsed.fragment:
        return False
    host = parsed.host.lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _endpoint_ok(candidate: Settings, reference: Settings) -> bool:
    """Where the requests and the key go: no network at all, this machine, the provider's own endpoint with the
    provider's own key variable, or exactly the pair the trusted config already uses."""
    llm = candidate.file.llm
    if llm.provider in ("none", "replay"):
        return True
    url, key_env = llm.resolved_base_url(), llm.resolved_key_env()
    if is_loopback_url(url):
        return True
    default = DEFAULT_BASE_URL.get(llm.provider)
    if default is not None and url == default.rstrip("/") and key_env == DEFAULT_KEY_ENV.get(llm.provider):
        return True
    ref = reference.file.llm
    same_pair = (url, key_env) == (ref.resolved_base_url(), ref.resolved_key_env())
    return ref.provider not in ("none", "replay") and same_pair


def _default_key_env(candidate: Settings, reference: Settings) -> bool:
    """Naming the provider's own key variable (or none) picks no other secret; the endpoint check pairs it."""
    llm = candidate.file.llm
    return llm.api_key_env in ("", DEFAULT_KEY_ENV.get(llm.provider))


def _no_new_plugin(candidate: Settings, reference: Settings) -> bool:
    """Built-in analyzers are reviewbot's own; an installed third-party one is code the trusted config did not pick."""
    extra = set(candidate.enabled_analyzers) - set(registry.BUILTIN) - set(reference.enabled_analyzers)
    return not extra


def _no_new_execution(candidate: Settings, reference: Settings) -> bool:
    """``verify`` may change, unless that turns on the execution check (a test command) the trusted config left off."""
    return not (candidate.file.verify and candidate.file.test_command and not reference.file.verify)


@dataclass(frozen=True)
class Key:
    paths: tuple[str, ...]  # dotted config key paths, kebab-case, replaced together
    why: str
    allowed: Allowed = _never


# Order matters: each entry is judged on the candidate as screened by the entries before it (the endpoint check
# sees the screened api-key-env, and puts back all three when the endpoint is not acceptable).
KEYS: tuple[Key, ...] = (
    Key(("llm.api-key-env",), "names the environment variable sent as the API key", _default_key_env),
    Key(("llm.headers",), "sent along with the API key"),
    Key(("llm.provider", "llm.base-url", "llm.api-key-env"), "where the LLM requests and the API key go",
        _endpoint_ok),
    Key(("test-command",), "runs a command"),
    Key(("verify",), "turns on running the test command", _no_new_execution),
    Key(("analyzers",), "loads installed third-party analyzers", _no_new_plugin),
    Key(("cache-dir",), "writes the cache files there"),
    Key(("llm.record",), "writes the cassette there"),
    Key(("llm.dump-prompts",), "writes the prompts there"),
    Key(("llm.cassette",), "reads that file"),
)

NAMES: tuple[str, ...] = tuple(dict.fromkeys(p for k in KEYS for p in k.paths))


def _field_name(model: type[BaseModel], key: str) -> str:
    for name, info in model.model_fields.items():
        if info.alias == key or name == key.replace("-", "_"):
            return name
    raise KeyError(key)


def get(settings: Settings, path: str) -> Any:
    """The value of ``path`` (``"llm.base-url"``) in validated settings."""
    *outer, leaf = path.split(".")
    model: BaseModel = settings.file
    for part in outer:
        model = getattr(model, _field_name(type(model), part))
    return getattr(model, _field_name(type(model), leaf))


def _set(settings: Settings, path: str, value: Any) -> Settings:
    if path.startswith("llm."):
        llm: LLMSettings = settings.file.llm
        llm = llm.model_copy(update={_field_name(LLMSettings, path[4:]): value})
        file = settings.file.model_copy(update={"llm": llm})
    else:
        file = settings.file.model_copy(update={_field_name(FileSettings, path): value})
    return replace(settings, file=file)


@dataclass(frozen=True)
class Screened:
    settings: Settings
    replaced: tuple[str, ...]  # key paths whose value was not used


def screen(candidate: Settings, reference: Settings | None, fallback: Settings) -> Screened:
    """``candidate`` with every sensitive value that differs from ``reference`` (the base version; None: unknown,
    so every value counts as changed) and is not harmless replaced by ``fallback``'s value: the trusted settings,
    which are the base version's, or the defaults when there is no base version to take values from (a patch,
    whose pre-image is only compared with)."""
    out, replaced = candidate, list[str]()
    for key in KEYS:
        changed = [p for p in key.paths if reference is None or get(out, p) != get(reference, p)]
        if not changed or key.allowed(out, fallback):
            continue
        differs = [p for p in key.paths if get(out, p) != get(fallback, p)]
        if not differs:
            continue
        for p in key.paths:
            out = _set(out, p, get(fallback, p))
        replaced.extend(p for p in differs if p not in replaced)
    return Screened(out, tuple(replaced))


def _raw(table: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(table, Mapping):
            return None
        table = table.get(part, table.get(part.replace("-", "_")))
    return table


def changed_in(head: Any, base: Any) -> tuple[str, ...]:
    """The sensitive key paths whose raw values differ between two ``[tool.reviewbot]`` tables (the Action's note)."""
    head_t = head if isinstance(head, Mapping) else {}
    base_t = base if isinstance(base, Mapping) else {}
    return tuple(p for p in NAMES if _raw(head_t, p) != _raw(base_t, p))
