"""The Action between runs: action.yml's cache steps (keys, what a hit skips, what is saved), replayed with
bench/action_replay.py (bash steps run for real, actions/cache emulated on a folder); the job summary's timings; and
reviewbot's cache as the action sets it: reused by the next run, and free of the token and the LLM key."""

from __future__ import annotations

import base64
import json
import re
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from reviewbot.cli import main
from reviewbot.github import cachekeys
from tests.github.conftest import RW_TOKEN, ActionEnv
from tests.github.pr_repo import PrRepo
from tests.github.fake_github import FakeGitHub
from tests.llm.fakeserver import FakeServer, Reply, openai_body

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import action_replay as ar  # noqa: E402

RESTORE = "actions/cache/restore@"
SAVE = "actions/cache/save@"
LLM_KEY = "sk-test-llm-key-0123456789abcdef"


def _steps() -> list[dict[str, Any]]:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]


def _step(sid: str) -> dict[str, Any]:
    return next(s for s in _steps() if s.get("id") == sid)


def _save_of(path: str) -> dict[str, Any]:
    return next(s for s in _steps() if str(s.get("uses", "")).startswith(SAVE) and s["with"]["path"] == path)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


# -- action.yml: keys -----------------------------------------------------------------------------------------------


def test_environment_is_keyed_by_os_python_and_the_action_content_and_restored_only_on_an_exact_match() -> None:
    venv = _step("venv")
    assert venv["uses"].startswith(RESTORE) and venv["if"] == "inputs.cache == 'true'"
    key = venv["with"]["key"]
    for part in ("${{ runner.os }}", "${{ runner.arch }}", "${{ steps.python.outputs.python-version }}",
                 "${{ steps.keys.outputs.digest }}", "${{ steps.keys.outputs.version }}"):
        assert part in key, part
    assert "restore-keys" not in venv["with"]  # another version's environment is never used
    keys = _step("keys")
    assert "cachekeys.py" in keys["run"] and keys["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    save = _save_of(venv["with"]["path"])
    assert save["with"]["key"] == "${{ steps.venv.outputs.cache-primary-key }}"
    assert "steps.install.outputs.fresh == 'true'" in save["if"]
    # pip's downloads: only when the environment missed; any entry of the same OS and Python will do
    pip = _step("pip-cache")
    assert "steps.venv.outputs.cache-hit != 'true'" in pip["if"]
    assert pip["with"]["key"].endswith("-${{ steps.keys.outputs.digest }}")
    assert _lines(pip["with"]["restore-keys"]) == [pip["with"]["key"].removesuffix("${{ steps.keys.outputs.digest }}")]
    assert "${{ runner.os }}" in pip["with"]["key"] and "python-version" in pip["with"]["key"]
    assert _step("install")["env"]["PIP_CACHE_DIR"] == pip["with"]["path"]
    assert _save_of(pip["with"]["path"])["with"]["key"] == "${{ steps.pip-cache.outputs.cache-primary-key }}"


def test_reviewbot_cache_is_keyed_by_pr_and_head_and_falls_back_to_the_pr_then_the_base_branch() -> None:
    results = _step("results")
    key = results["with"]["key"]
    assert key.endswith("-pr${{ github.event.pull_request.number }}-${{ github.event.pull_request.head.sha }}")
    assert "${{ runner.os }}" in key and "${{ steps.keys.outputs.base }}" in key
    by_pr, by_base = _lines(results["with"]["restore-keys"])
    assert by_pr == key.removesuffix("${{ github.event.pull_request.head.sha }}")
    assert by_base == key.split("pr${{")[0] and "pull_request.number" not in by_base
    assert "inputs.warm-up != 'true'" in results["if"] and "github.event.pull_request" in results["if"]
    assert "github.event_name != 'pull_request_target'" in results["if"]  # it would save into the base's scope
    review = _step("review")
    assert review["env"]["REVIEWBOT_CACHE_DIR"] == results["with"]["path"]
    save = _save_of(results["with"]["path"])
    assert save["with"]["key"] == "${{ steps.results.outputs.cache-primary-key }}"
    assert "!cancelled()" in save["if"]  # also after a review that exits 1 at the fail-on level
    assert "steps.results.outputs.cache-hit != 'true'" in save["if"]
    names = [s.get("id") or s.get("name") for s in _steps()]
    assert names.index("review") < names.index(save["name"])


def test_cache_key_parts_follow_what_pip_installs(tmp_path: Path) -> None:
    action = tmp_path / "action"
    (action / "reviewbot" / "github").mkdir(parents=True)
    (action / "shared").mkdir()
    (action / "shared" / "rule.yaml").write_text("rules: []\n")
    (action / "reviewbot" / "rules").symlink_to("../shared")
    (action / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["a"]\n')
    (action / "reviewbot" / "__init__.py").write_text('__version__ = "1.2.3"\n')
    (action / "README.md").write_text("docs\n")
    first = cachekeys.digest(action)
    assert re.fullmatch(r"[0-9a-f]{20}", first)
    (action / "README.md").write_text("other docs\n")
    (action / "reviewbot" / "__pycache__").mkdir()
    (action / "reviewbot" / "__pycache__" / "x.cpython-313.pyc").write_bytes(b"\0")
    assert cachekeys.digest(action) == first  # not installed: no new environment
    (action / "shared" / "rule.yaml").write_text("rules: [1]\n")  # reached through the symlink
    second = cachekeys.digest(action)
    assert second != first
    (action / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["a", "b"]\n')
    assert cachekeys.digest(action) not in (first, second)
    out = cachekeys.outputs(action, {"BASE_REF": "release,1 x\ny"})
    assert out["version"] == "1.2.3" and out["base"] == "release_1_x_y"  # no comma, no newline in a key
    assert cachekeys.outputs(action, {})["base"] == "none"


# -- action.yml replayed: a restored environment skips pip -------------------------------------------------------

# The stand-in interpreter: ``-m venv DIR`` makes a venv whose python records its calls (pip writes a file into
# PIP_CACHE_DIR) and whose reviewbot fails when $BROKEN exists and writes into REVIEWBOT_CACHE_DIR; anything else
# runs the real interpreter (setup-python's version, the cache keys step).
VENV_PYTHON = """#!/bin/bash
echo "venv-python $*" >> "$LOG"
mkdir -p "$PIP_CACHE_DIR/http" && echo w > "$PIP_CACHE_DIR/http/w"
"""
VENV_REVIEWBOT = """#!/bin/bash
if [ -e "$BROKEN" ]; then exit 1; fi
if [ "$1" = action ]; then
  mkdir -p "$REVIEWBOT_CACHE_DIR/analyzers" && echo "$REVIEWBOT_INSTALL" > "$REVIEWBOT_CACHE_DIR/analyzers/seen"
fi
"""
FAKE_PYTHON = """#!/bin/bash
echo "python $*" >> "$LOG"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin" && cp "$STUBS/python" "$STUBS/reviewbot" "$3/bin/"
  exit 0
fi
exec {real} "$@"
"""


def _executable(path: Path, content: str) -> Path:
    path.write_text(content)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


class Runs:
    """Replays of action.yml with a stand-in interpreter: its venv has a ``reviewbot`` that only records."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.action = tmp / "action"
        (self.action / "reviewbot" / "github").mkdir(parents=True)
        for rel in ("action.yml", "pyproject.toml", "reviewbot/__init__.py", "reviewbot/github/cachekeys.py"):
            shutil.copy(ROOT / rel, self.action / rel)
        self.log = tmp / "calls.log"
        self.log.touch()
        self.stubs = tmp / "stubs"
        self.stubs.mkdir()
        _executable(self.stubs / "python", VENV_PYTHON)
        _executable(self.stubs / "reviewbot", VENV_REVIEWBOT)
        self.python = _executable(tmp / "python", FAKE_PYTHON.format(real=sys.executable))
        self.store = ar.CacheStore(tmp / "store")
        self.temp = tmp / "runner-temp"
        self.broken = tmp / "broken"

    def run(self, scopes: list[str], *, pr: int = 5, **inputs: str) -> dict[str, ar.StepRun]:
        shutil.rmtree(self.temp, ignore_errors=True)
        self.temp.mkdir()
        self.log.write_text("")
        event = {"pull_request": {"number": pr, "base": {"ref": "main"}, "head": {"sha": "ab" * 20}}}
        env = ar.job_env()
        env.update(LOG=str(self.log), BROKEN=str(self.broken), STUBS=str(self.stubs), GITHUB_WORKSPACE=str(self.tmp))
        replay = ar.Replay(self.action, self.temp, env, event, str(self.python), self.store, scopes, inputs)
        return {s.id: s for s in replay.run()}

    def calls(self) -> str:
        return self.log.read_text()

    def entries(self) -> list[str]:
        return sorted(p.parent.name + " " + p.name.split("-v1-")[0] for p in self.store.root.rglob("*.tar"))


MAIN = ["refs/heads/main"]
PR5 = ["refs/pull/5/merge", "refs/heads/main"]


def test_restored_environment_skips_pip_and_a_changed_action_reinstalls_from_pip_downloads(tmp_path: Path) -> None:
    runs = Runs(tmp_path)
    # warm-up on the default branch: install, save the environment and pip's downloads, no review
    steps = runs.run(MAIN, **{"warm-up": "true"})
    assert all(s.outcome in ("success", "skipped") for s in steps.values()), steps
    assert "-m venv" in runs.calls() and "venv-python -m pip install" in runs.calls()
    assert steps["install"].outputs == {"how": "pip", "fresh": "true"}
    assert steps["review"].outcome == "skipped" and steps["results"].outcome == "skipped"
    assert runs.entries() == ["refs%heads%main reviewbot-pip", "refs%heads%main reviewbot-venv"]

    # a PR's run restores the branch's environment: no venv, no pip
    steps = runs.run(PR5)
    assert steps["venv"].outputs["cache-hit"] == "true"
    assert steps["pip-cache"].outcome == "skipped"
    assert "-m venv" not in runs.calls() and "pip" not in runs.calls()
    assert steps["install"].outputs == {"how": "restored"}
    assert steps["review"].outcome == "success"
    assert (runs.temp / "reviewbot-cache" / "analyzers" / "seen").read_text().strip() == "restored"
    assert "refs%pull%5%merge reviewbot-results" in runs.entries()  # saved in the PR's own scope

    # a restored environment that does not start is built again
    runs.broken.touch()
    steps = runs.run(PR5)
    runs.broken.unlink()
    assert "-m venv" in runs.calls() and "does not start" in steps["install"].stdout

    # a new version of the action: its environment misses, pip's downloads of the same OS and Python are used
    init = runs.action / "reviewbot" / "__init__.py"
    init.write_text(init.read_text() + "# changed\n")
    steps = runs.run(PR5)
    assert steps["venv"].outputs["cache-hit"] == "false"
    assert steps["pip-cache"].outputs["cache-matched-key"].startswith("reviewbot-pip-v1-Linux-X64-py")
    assert steps["install"].outputs["how"] == "pip-cache" and "venv-python -m pip install" in runs.calls()

    # cache: false restores and saves nothing
    before = runs.entries()
    init.write_text(init.read_text() + "# changed again\n")
    steps = runs.run(PR5, pr=6, cache="false")
    assert {steps[k].outcome for k in ("venv", "pip-cache", "results")} == {"skipped"}
    assert steps["install"].outputs["how"] == "pip" and runs.entries() == before


# -- the job summary's timings --------------------------------------------------------------------------------------

BASE_APP = '"""The app."""\n\n\ndef load(path):\n    with open(path) as fh:\n        return fh.read()\n'
HEAD_APP = BASE_APP + '\n\ndef compute(expr):\n    return eval(expr)\n'


def _timings(summary: Path) -> dict[str, tuple[float, str]]:
    text = summary.read_text(encoding="utf-8")
    assert "### Timings" in text
    table = text.split("### Timings", 1)[1]
    rows = {}
    for line in table.splitlines():
        m = re.match(r"^\| ([^|]+?) \| (\d+\.\d) \| ([^|]*?) \|$", line)
        if m:
            rows[m.group(1)] = (float(m.group(2)), m.group(3))
    return rows


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_job_summary_shows_the_time_of_each_stage(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    base = pr_repo.commit({"app.py": BASE_APP, "pyproject.toml": '[tool.reviewbot]\nanalyzers = []\n'}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"app.py": HEAD_APP}, "add compute")
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    action_env.set(number=7, base=base, head=head)
    # what action.yml passes: when its first step ran, when the review step started, how reviewbot got installed
    started = time.time() - 100
    monkeypatch.setenv("REVIEWBOT_ACTION_STARTED", f"{started:.6f}")
    monkeypatch.setenv("REVIEWBOT_STEP_STARTED", f"{started + 4.5:.6f}")
    monkeypatch.setenv("REVIEWBOT_INSTALL", "restored")
    main(["action"])
    rows = _timings(action_env.summary)
    assert list(rows) == ["install / restore", "start", "settings", "diff", "analyzers", "LLM", "discriminator",
                          "publish", "total"]
    assert rows["install / restore"] == (4.5, "Python, caches, reviewbot's environment restored from the cache (no pip)")
    assert rows["start"][0] >= 95  # from the step's start (100 s ago, less 4.5) to the command's
    assert rows["total"][0] >= 100 and rows["total"][1] == "from the action's start to this summary"
    assert rows["LLM"][1] == "no LLM call (static review)"
    assert rows["publish"][1] == "review and summary comment"
    assert all(seconds >= 0 for seconds, _ in rows.values())


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_job_summary_timings_without_the_action_variables(action_env: ActionEnv, pr_repo: PrRepo,
                                                          fake: FakeGitHub) -> None:
    base = pr_repo.commit({"app.py": BASE_APP, "pyproject.toml": '[tool.reviewbot]\nanalyzers = []\n'}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"app.py": HEAD_APP}, "add compute")
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    action_env.set(number=7, base=base, head=head)
    main(["action", "--no-publish"])
    rows = _timings(action_env.summary)
    assert "install / restore" not in rows and "start" not in rows  # not run by action.yml: unknown, not made up
    assert rows["publish"] == (0.0, "nothing written to the pull request")
    assert rows["total"][1] == "from reviewbot's start to this summary"


# -- reviewbot's cache as the action sets it --------------------------------------------------------------------------


@pytest.fixture
def model() -> Iterator[FakeServer]:
    server = FakeServer(lambda seen: Reply(200, openai_body(json.dumps({"comments": []})))).start()
    try:
        yield server
    finally:
        server.stop()


def _action_env_of_review(runner_temp: Path) -> dict[str, str]:
    """The review step's REVIEWBOT_* variables as the runner computes them."""
    ctx = {"runner": {"temp": str(runner_temp), "os": "Linux"}, "steps": {}, "inputs": {}}
    return {k: ar.interpolate(str(v), ctx) for k, v in _step("review")["env"].items() if k.startswith("REVIEWBOT_")}


@pytest.mark.usefixtures("sleeps")
def test_saved_cache_is_reused_by_the_next_run_and_holds_no_secret(action_env: ActionEnv, pr_repo: PrRepo,
                                                                   fake: FakeGitHub, model: FakeServer,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    config = ('[tool.reviewbot]\nanalyzers = ["bandit"]\n\n[tool.reviewbot.llm]\nprovider = "openai"\n'
              f'model = "fake-model"\nbase-url = "{model.url}/v1"\napi-key-env = "REVIEW_LLM_KEY"\n')
    base = pr_repo.commit({"app.py": BASE_APP, "pyproject.toml": config}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"app.py": HEAD_APP}, "add compute")
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    runner_temp = tmp_path / "runner-temp"
    for name, value in _action_env_of_review(runner_temp).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REVIEW_LLM_KEY", LLM_KEY)
    action_env.set(number=7, base=base, head=head)
    main(["action"])
    first = _timings(action_env.summary)
    assert "0 of 1 result(s) from the cache" in first["analyzers"][1]
    assert re.fullmatch(r"[1-9]\d* call\(s\), 0 answered from the cache", first["LLM"][1])
    calls = len(model.seen)

    # the next push's run restores the saved folder: nothing is analyzed or asked again
    saved = Path(ar.interpolate(_save_of(_step("results")["with"]["path"])["with"]["path"],
                                {"runner": {"temp": str(runner_temp)}}))
    assert saved == Path(_action_env_of_review(runner_temp)["REVIEWBOT_CACHE_DIR"])
    action_env.summary.unlink()
    action_env.set(number=7, base=base, head=head, action="synchronize")
    main(["action"])
    second = _timings(action_env.summary)
    assert "1 of 1 result(s) from the cache" in second["analyzers"][1]
    assert re.fullmatch(r"0 call\(s\), [1-9]\d* answered from the cache", second["LLM"][1])
    assert len(model.seen) == calls
    assert model.seen and LLM_KEY in str(model.seen[0].headers)  # the key was in use during the run

    files = [p for p in saved.rglob("*") if p.is_file()]
    assert any("analyzers" in p.parts for p in files) and any("llm" in p.parts for p in files)
    secrets = [s.encode() for s in (RW_TOKEN, LLM_KEY)]
    secrets += [base64.b64encode(s) for s in secrets]
    for path in files:
        data = path.read_bytes()
        assert not [s for s in secrets if s in data], path
