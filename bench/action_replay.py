"""Replay action.yml (a composite action) on this machine: its ``run`` steps in bash as the runner runs them, and
its ``uses`` steps emulated: actions/setup-python gives a local interpreter, actions/cache/restore and
actions/cache/save work on a folder of zstd tarballs with GitHub's branch scopes and lookup order.

Expressions (``${{ }}`` and ``if:``) support what action.yml uses: contexts (inputs, steps, github, runner), string
and number literals, ``== != && || !``, parentheses, ``always() success() failure() cancelled() !cancelled()``.
Comparison follows GitHub's rules (strings case-insensitively; other mixed types as numbers, null being 0).
Used by bench/action.py and tests/github/test_gh_action_cache.py.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TOKEN = re.compile(r"\s*(?:(==|!=|&&|\|\||[!().,])|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w-]*(?:\.[\w-]+)*))")
_INTERP = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_STATUS = ("always(", "success(", "failure(", "cancelled(")


class ExpressionError(ValueError):
    pass


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0.0
        except ValueError:
            return math.nan
    return math.nan


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b):
        return bool(a == b)
    return _number(a) == _number(b)


def truthy(value: Any) -> bool:
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    return True


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Parser:
    def __init__(self, source: str, contexts: Mapping[str, Any], status: Mapping[str, bool]) -> None:
        self.tokens: list[tuple[str, Any]] = []
        pos, source = 0, source.strip()
        while pos < len(source):
            m = _TOKEN.match(source, pos)
            if not m:
                raise ExpressionError(f"cannot read {source[pos:]!r}")
            op, string, number, name = m.groups()
            if op:
                self.tokens.append(("op", op))
            elif string is not None:
                self.tokens.append(("value", string.replace("''", "'")))
            elif number is not None:
                self.tokens.append(("value", float(number)))
            else:
                self.tokens.append(("name", name))
            pos = m.end()
        self.i, self.contexts, self.status = 0, contexts, status

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.i += 1
            return True
        return False

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.take("||"):
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.not_()
        while self.take("&&"):
            right = self.not_()
            value = right if truthy(value) else value
        return value

    def not_(self) -> Any:
        if self.take("!"):
            return not truthy(self.not_())
        left = self.primary()
        if self.take("=="):
            return equal(left, self.primary())
        if self.take("!="):
            return not equal(left, self.primary())
        return left

    def primary(self) -> Any:
        if self.take("("):
            value = self.or_()
            if not self.take(")"):
                raise ExpressionError("missing )")
            return value
        token = self.peek()
        if token is None:
            raise ExpressionError("unexpected end")
        self.i += 1
        kind, value = token
        if kind == "value":
            return value
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r}")
        if self.take("("):
            if not self.take(")"):
                raise ExpressionError(f"{value}() takes no argument here")
            if value not in self.status:
                raise ExpressionError(f"unknown function {value}()")
            return self.status[value]
        if value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[value]
        node: Any = self.contexts
        for part in value.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        return node


def evaluate(expr: str, contexts: Mapping[str, Any], *, failed: bool = False) -> Any:
    status = {"always": True, "success": not failed, "failure": failed, "cancelled": False}
    return _Parser(expr, contexts, status).parse()


def interpolate(value: str, contexts: Mapping[str, Any]) -> str:
    return _INTERP.sub(lambda m: text(evaluate(m.group(1), contexts)), value)


def condition(raw: Any, contexts: Mapping[str, Any], *, failed: bool) -> bool:
    """A step's ``if:`` (default ``success()``; one without a status function is ANDed with ``success()``)."""
    if raw is None:
        return not failed
    expr = str(raw).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", expr, re.S)
    expr = m.group(1) if m else expr
    if not any(f in expr for f in _STATUS):
        expr = f"success() && ({expr})"
    return truthy(evaluate(expr, contexts, failed=failed))


# -- actions/cache, emulated on a folder --------------------------------------------------------------------------


class CacheStore:
    """Cache entries as ``<root>/<scope>/<key>.tar.zst``. A run saves into its own scope and restores from its own,
    then from the scopes it may read (a PR: its base branch, then the default branch), as GitHub does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.compress = "zstd -T0 --long=30 -3" if shutil.which("zstd") else "gzip -1"
        self.decompress = "zstd -d --long=30" if shutil.which("zstd") else "gzip -d"

    def _entry(self, scope: str, key: str) -> Path:
        if "," in key or len(key) > 512:
            raise ValueError(f"invalid cache key {key!r}")  # what actions/cache rejects
        return self.root / scope.replace("/", "%") / (key.replace("/", "%") + ".tar")

    def _keys(self, scope: str) -> list[tuple[float, str, Path]]:
        folder = self.root / scope.replace("/", "%")
        if not folder.is_dir():
            return []
        found = [(p.stat().st_mtime, p.name[: -len(".tar")].replace("%", "/"), p) for p in folder.glob("*.tar")]
        return sorted(found, reverse=True)

    def lookup(self, scopes: list[str], key: str, restore_keys: list[str]) -> tuple[str, Path] | None:
        for scope in scopes:
            exact = self._entry(scope, key)
            if exact.is_file():
                return key, exact
            for prefix in [key, *restore_keys]:
                for _mtime, name, path in self._keys(scope):
                    if name.startswith(prefix):
                        return name, path
        return None

    def save(self, scope: str, key: str, paths: list[Path]) -> bool:
        entry = self._entry(scope, key)
        if entry.exists():
            return False  # GitHub: "another job may be creating this cache" / already exists
        names = [str(p.relative_to("/")) for p in paths if p.exists()]
        if not names:
            return False  # actions/cache/save: a warning, nothing saved
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(".partial")
        subprocess.run(["tar", "--posix", "-cf", str(tmp), "--use-compress-program", self.compress, "-C", "/",
                        *names], check=True)
        tmp.rename(entry)
        return True

    def restore(self, entry: Path) -> None:
        subprocess.run(["tar", "-xf", str(entry), "--use-compress-program", self.decompress, "-C", "/"], check=True)


# -- the runner ---------------------------------------------------------------------------------------------------


@dataclass
class StepRun:
    name: str
    id: str
    outcome: str  # success, failure, skipped
    seconds: float
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""


@dataclass
class Replay:
    """One run of the composite action. ``env``: the job's environment (GITHUB_*, the runner's); ``python``: what
    actions/setup-python gives; ``scopes``: the cache scopes this run reads, its own first (saves go there)."""

    action_path: Path
    runner_temp: Path
    env: dict[str, str]
    event: dict[str, Any]
    python: str
    store: CacheStore
    scopes: list[str]
    inputs: dict[str, str] = field(default_factory=dict)
    on_step: Callable[[StepRun], None] | None = None
    steps: list[StepRun] = field(default_factory=list)

    def contexts(self, outputs: Mapping[str, StepRun]) -> dict[str, Any]:
        meta = yaml.safe_load((self.action_path / "action.yml").read_text(encoding="utf-8"))
        inputs = {name: text(spec.get("default", "")) for name, spec in meta.get("inputs", {}).items()}
        inputs.update(self.inputs)
        for name, value in list(inputs.items()):
            inputs[name] = interpolate(value, {"github": {"token": self.env.get("GITHUB_TOKEN", "")}})
        return {
            "inputs": inputs,
            "steps": {k: {"outputs": s.outputs, "outcome": s.outcome, "conclusion": s.outcome}
                      for k, s in outputs.items()},
            "github": {"action_path": str(self.action_path), "event": self.event,
                       "event_name": self.env.get("GITHUB_EVENT_NAME", ""), "workspace": self.env.get(
                           "GITHUB_WORKSPACE", ""), "token": self.env.get("GITHUB_TOKEN", "")},
            "runner": {"os": "Linux", "arch": "X64", "temp": str(self.runner_temp)},
        }

    def run(self) -> list[StepRun]:
        meta = yaml.safe_load((self.action_path / "action.yml").read_text(encoding="utf-8"))
        by_id: dict[str, StepRun] = {}
        failed = False
        for n, step in enumerate(meta["runs"]["steps"]):
            ctx = self.contexts(by_id)
            sid = step.get("id") or f"__{n}"
            started = time.monotonic()
            if not condition(step.get("if"), ctx, failed=failed):
                result = StepRun(step.get("name", sid), sid, "skipped", 0.0)
            elif "uses" in step:
                with_ = {k: interpolate(text(v), ctx) for k, v in (step.get("with") or {}).items()}
                result = self._uses(step, sid, with_)
            else:
                result = self._run(step, sid, ctx)
            result.seconds = time.monotonic() - started
            failed = failed or result.outcome == "failure"
            by_id[sid] = result
            self.steps.append(result)
            if self.on_step:
                self.on_step(result)
        return self.steps

    def _run(self, step: Mapping[str, Any], sid: str, ctx: Mapping[str, Any]) -> StepRun:
        script = interpolate(step["run"], ctx)
        env = {**self.env, "GITHUB_ACTION_PATH": str(self.action_path), "RUNNER_TEMP": str(self.runner_temp)}
        env.update({k: interpolate(text(v), ctx) for k, v in (step.get("env") or {}).items()})
        with tempfile.TemporaryDirectory(prefix="step-") as tmp:
            out_file, script_file = Path(tmp) / "output", Path(tmp) / "script.sh"
            out_file.touch()
            script_file.write_text(script, encoding="utf-8")
            env["GITHUB_OUTPUT"] = str(out_file)
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)], env=env,
                                  capture_output=True, text=True, check=False,
                                  cwd=self.env.get("GITHUB_WORKSPACE") or None)
            outputs = read_outputs(out_file.read_text(encoding="utf-8"))
        outcome = "success" if proc.returncode == 0 else "failure"
        return StepRun(step.get("name", sid), sid, outcome, 0.0, outputs, proc.stdout, proc.stderr)

    def _uses(self, step: Mapping[str, Any], sid: str, with_: Mapping[str, str]) -> StepRun:
        action = str(step["uses"]).split("@")[0]
        name = step.get("name", sid)
        if action == "actions/setup-python":
            version = subprocess.run([self.python, "-c", "import platform; print(platform.python_version())"],
                                     capture_output=True, text=True, check=True).stdout.strip()
            return StepRun(name, sid, "success", 0.0, {"python-path": self.python, "python-version": version})
        paths = [Path(p.strip()) for p in with_["path"].splitlines() if p.strip()]
        key = with_["key"]
        if action == "actions/cache/restore":
            restore_keys = [k.strip() for k in with_.get("restore-keys", "").splitlines() if k.strip()]
            found = self.store.lookup(self.scopes, key, restore_keys)
            outputs = {"cache-primary-key": key, "cache-hit": "false", "cache-matched-key": ""}
            if found is not None:
                self.store.restore(found[1])
                outputs.update({"cache-hit": text(found[0] == key), "cache-matched-key": found[0]})
            return StepRun(name, sid, "success", 0.0, outputs)
        if action == "actions/cache/save":
            saved = self.store.save(self.scopes[0], key, paths)
            return StepRun(name, sid, "success", 0.0, {"saved": text(saved)})
        raise ValueError(f"no emulation of {action}")


def read_outputs(content: str) -> dict[str, str]:
    """``$GITHUB_OUTPUT``: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    out: dict[str, str] = {}
    lines = content.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, _, delimiter = line.partition("<<")
            block: list[str] = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            out[name] = "\n".join(block)
        elif "=" in line:
            name, _, value = line.partition("=")
            out[name] = value
        i += 1
    return out


def job_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without what would leak into a replayed job (GitHub, reviewbot, venv)."""
    base = os.environ if base is None else base
    drop = ("GITHUB_", "REVIEWBOT_", "INPUT_", "RUNNER_", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PIP_CACHE_DIR")
    return {k: v for k, v in base.items() if not k.startswith(drop)}
