"""Build one run's provider and session from the settings: the only place that reads the API key (from the
environment variable the config names) and the only place that knows every provider kind.

``open_session`` is a context manager: on exit it writes the recorded cassette or the dump index, closes the HTTP
client it created (an injected client belongs to the caller) and removes the log redaction filter. The stage
deadline (``deadline``) starts when the session opens.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from reviewbot import __version__
from reviewbot.llm.anthropic import AnthropicMessages
from reviewbot.llm.reply_cache import ResponseCache
from reviewbot.llm.cassette import Recorder, ReplayProvider
from reviewbot.llm.dump import DumpProvider, ReplayThenDump
from reviewbot.llm.http import RetryPolicy, Sleep
from reviewbot.llm.limits import RunLimits
from reviewbot.llm.openai import OpenAICompatible
from reviewbot.llm.provider import LLMError, Params, Provider
from reviewbot.llm.quota import Quota
from reviewbot.llm.redact import Redactor, install, uninstall
from reviewbot.llm.session import Session
from reviewbot.llm.settings import DEFAULT_BASE_URL, LLMSettings

GITHUB_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
HAND_WRITTEN = "hand-written"


@dataclass
class Opened:
    session: Session
    provider: Provider
    mode: str  # "live", "replay", "dump"
    notes: list[str] = field(default_factory=list)  # after the run (what was written where)
    replay: ReplayProvider | None = None


def api_key(llm: LLMSettings, environ: Mapping[str, str]) -> str:
    """The key from the named environment variable; LLMError(kind="config") when a needed key is missing."""
    name = llm.resolved_key_env()
    value = environ.get(name, "") if name else ""
    if value:
        return value
    default_endpoint = not llm.base_url or llm.resolved_base_url() == DEFAULT_BASE_URL.get(llm.provider)
    needed = (
        bool(llm.api_key_env)
        or llm.provider in ("azure", "github", "anthropic")
        or (llm.provider == "openai" and default_endpoint)
    )
    if needed:
        raise LLMError(f"environment variable {name} is not set (it should hold the API key)", kind="config")
    return ""  # a local server (Ollama, vLLM, llama.cpp, LM Studio) needs none


def live_provider(
    llm: LLMSettings,
    client: httpx.Client,
    policy: RetryPolicy,
    redactor: Redactor,
    environ: Mapping[str, str],
) -> Provider:
    model = llm.resolved_model()
    if not model:
        raise LLMError("llm.model is not set", kind="config")
    base_url = llm.resolved_base_url()
    if not base_url:
        raise LLMError(
            f"llm.base-url is not set (provider {llm.provider} has no default endpoint)", kind="config"
        )
    key = api_key(llm, environ)
    params = Params(temperature=llm.temperature, max_output_tokens=llm.max_output_tokens)
    headers = {"User-Agent": f"reviewbot/{__version__}", **llm.headers}
    if llm.provider == "anthropic":
        return AnthropicMessages(
            client,
            base_url=base_url,
            model=model,
            api_key=key,
            headers=headers,
            params=params,
            structured_output=llm.structured_output,
            policy=policy,
            redactor=redactor,
        )
    auth = llm.auth_header
    if auth == "auto":
        auth = "api-key" if llm.provider == "azure" else "bearer"
    if llm.provider == "github":
        headers = {**GITHUB_HEADERS, **headers}
    return OpenAICompatible(
        client,
        base_url=base_url,
        model=model,
        api_key=key,
        auth_header=auth,
        api_version=llm.api_version,
        headers=headers,
        params=params,
        structured_output=llm.structured_output,
        policy=policy,
        redactor=redactor,
    )


@contextmanager
def open_session(
    llm: LLMSettings,
    *,
    cache_dir: Path | None = None,
    client: httpx.Client | None = None,
    sleep: Sleep | None = None,
    environ: Mapping[str, str] | None = None,
) -> Iterator[Opened]:
    env = os.environ if environ is None else environ
    redactor = Redactor.from_env(env, names=[llm.resolved_key_env()])
    log_filter = install(redactor)
    owned: httpx.Client | None = None
    recorder: Recorder | None = None
    dump: DumpProvider | None = None
    replay: ReplayProvider | None = None
    params = Params(temperature=llm.temperature, max_output_tokens=llm.max_output_tokens)
    limits = RunLimits(
        Quota(llm.max_calls, llm.max_tokens), request_timeout=llm.request_timeout, deadline=llm.deadline
    )
    try:
        cache = None
        provider: Provider
        if llm.dump_prompts and not llm.cassette:
            provider = dump = DumpProvider(Path(llm.dump_prompts), llm.resolved_model())
            mode = "dump"
        elif llm.cassette or llm.provider == "replay":
            if not llm.cassette:
                raise LLMError("provider 'replay' needs llm.cassette (or --llm-cassette FILE)", kind="config")
            provider = replay = ReplayProvider(Path(llm.cassette))
            mode = "replay"
            if llm.dump_prompts:  # replay what is recorded, dump the prompts that have no reply
                dump = DumpProvider(Path(llm.dump_prompts), llm.resolved_model())
                provider = ReplayThenDump(replay, dump)
        else:
            if client is None:
                client = owned = httpx.Client(
                    timeout=httpx.Timeout(llm.read_timeout, connect=llm.connect_timeout),
                    limits=httpx.Limits(
                        max_connections=llm.concurrency, max_keepalive_connections=llm.concurrency
                    ),
                    follow_redirects=False,
                )
            policy = RetryPolicy(
                llm.max_retries,
                llm.backoff_base,
                llm.backoff_max,
                **({"sleep": sleep} if sleep is not None else {}),
            )
            provider = live_provider(llm, client, policy, redactor, env)
            mode = "live"
            if llm.cache and cache_dir is not None:
                cache = ResponseCache(cache_dir / "llm")
        if llm.record and mode != "dump":
            provider = recorder = Recorder(provider, redactor)
        session = Session(
            provider,
            params=params,
            limits=limits,
            cache=cache,
            concurrency=llm.concurrency,
            redactor=redactor,
        )
        opened = Opened(session, provider, mode, replay=replay)
        yield opened
        if recorder is not None:
            keep = replay.unused() if replay is not None else []
            note = str(replay.data.get("note", "")) if replay is not None else ""
            count = recorder.save(Path(llm.record), note=note, keep=keep)
            opened.notes.append(f"llm: recorded {count} exchange(s) to {llm.record}")
        if dump is not None:
            dump.write_index()
            opened.notes.append(
                f"llm: wrote {len(dump.entries)} prompt(s) to {llm.dump_prompts}; no model was called"
            )
    finally:
        if owned is not None:
            owned.close()
        uninstall(log_filter)
