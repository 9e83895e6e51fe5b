"""The scanned tree is untrusted: no analyzer may import or execute code from it, or take configuration from it.

Every adapter runs against a tree planted with a pylint plugin, rc files with ``init-hook`` and ``load-plugins``
(pylintrc, .pylintrc, setup.cfg, tox.ini, pyproject.toml), a ``.bandit``, a ``.semgrepignore`` and ``.gitignore``
that ignore everything, modules that shadow the tools themselves, and ``sitecustomize``. Each planted file writes
a marker when executed. The results must equal those of a clean tree holding only the source files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reviewbot.analyzers.bandit import Bandit
from reviewbot.analyzers.facts import Facts
from reviewbot.analyzers.pylint import Pylint
from reviewbot.analyzers.radon import Radon
from reviewbot.analyzers.semgrep import Semgrep, SemgrepOptions

from reviewbot.analysis import run_analyzers
from reviewbot.models import Evidence, SourceFile, Status
from tests.analyzers.support import changed
from tests.helpers import GitRepo

APP_BEFORE = "import subprocess\n\n\ndef run(cmd, shell=False):\n    return subprocess.call(cmd, shell=shell)\n"
APP_AFTER = '''\
import subprocess


def run(cmd, *, env=None, bucket=[]):
    subprocess.call(cmd, shell=True)
    print(cmd)
    return bucket
'''
CALLER = "from app import run\n\nrun('ls', shell=True)\n"
RULE = """\
rules:
  - id: no-print
    languages: [python]
    severity: WARNING
    message: print() left in
    pattern: print(...)
"""


def hook(marker: Path, name: str) -> str:
    return f"import pathlib; pathlib.Path({str(marker / name)!r}).write_text('ran')"


def plant(root: Path, marker: Path) -> None:
    """Everything a hostile pull request could add to make a tool run its code or change its configuration."""
    for module in ("evil_plugin", "pylint", "bandit", "radon", "semgrep", "libcst", "yaml", "sitecustomize",
                   "usercustomize", "astroid", "json", "ast"):
        (root / f"{module}.py").write_text(hook(marker, f"import-{module}") + "\n", encoding="utf-8")
    for rc, section in ((".pylintrc", "MAIN"), ("pylintrc", "MAIN"), ("setup.cfg", "pylint.MAIN"),
                        ("tox.ini", "pylint.MAIN")):
        (root / rc).write_text(
            f"[{section}]\ninit-hook={hook(marker, 'init-hook-' + rc)}\nload-plugins=evil_plugin\n"
            "disable=all\n\n[bandit]\nskips = B602\n", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f"[tool.pylint.main]\ninit-hook = {hook(marker, 'init-hook-pyproject')!r}\nload-plugins = ['evil_plugin']\n"
        "disable = ['all']\n\n[tool.bandit]\nskips = ['B602']\nexclude_dirs = ['.']\n\n"
        "[tool.semgrep]\nexclude = ['*']\n", encoding="utf-8")
    (root / ".bandit").write_text("[bandit]\nskips: B602,B404\nexclude: ./app.py\n", encoding="utf-8")
    (root / ".semgrepignore").write_text("*\n*.py\n", encoding="utf-8")
    (root / ".gitignore").write_text("*\n", encoding="utf-8")
    (root / ".semgrep.yml").write_text(RULE.replace("no-print", "planted-rule"), encoding="utf-8")
    (root / "semgrep_rules").mkdir()
    (root / "semgrep_rules" / "planted.yaml").write_text(RULE.replace("no-print", "planted"), encoding="utf-8")


def make_repo(path: Path, marker: Path | None) -> GitRepo:
    repo = GitRepo(path).init()
    repo.write("app.py", APP_BEFORE)
    repo.write("caller.py", CALLER)
    if marker is not None:
        plant(path, marker)
    repo.git("add", "-f", "-A")
    repo.git("commit", "-q", "-m", "base")
    repo.write("app.py", APP_AFTER)
    return repo


def review(repo: GitRepo, rules: Path) -> Evidence:
    files: list[SourceFile] = [changed("app.py", APP_AFTER, APP_BEFORE)]
    analyzers = [Facts(), Bandit(), Pylint(), Radon(), Semgrep(rules=[rules])]
    return run_analyzers(
        analyzers,  # type: ignore[arg-type]
        files,
        repo.path,  # the tool is pointed straight at the hostile tree, not at a scratch copy
        {"semgrep": SemgrepOptions(builtin=False)},
        repo_root=repo.path,
        rev=None,
        cache=None,
        jobs=2,
    )


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Evidence, Evidence, Path]:
    base = tmp_path_factory.mktemp("trust")
    marker = base / "markers"
    marker.mkdir()
    rules = base / "rules"
    rules.mkdir()
    (rules / "rule.yaml").write_text(RULE, encoding="utf-8")
    (rules / "rule.py").write_text(hook(marker, "rule-test-case") + "\n", encoding="utf-8")
    hostile = review(make_repo(base / "hostile", marker), rules)
    clean = review(make_repo(base / "clean", None), rules)
    return hostile, clean, marker


def test_nothing_from_the_tree_ran(outcomes: tuple[Evidence, Evidence, Path]) -> None:
    _, _, marker = outcomes
    assert sorted(p.name for p in marker.iterdir()) == []


def test_every_analyzer_ran(outcomes: tuple[Evidence, Evidence, Path]) -> None:
    hostile, clean, _ = outcomes
    for ev in (hostile, clean):
        assert [(s.name, s.status) for s in ev.statuses] == [
            (name, Status.OK) for name in ("facts", "bandit", "pylint", "radon", "semgrep")
        ], [s.message for s in ev.statuses]


def test_results_are_those_of_a_clean_tree(outcomes: tuple[Evidence, Evidence, Path]) -> None:
    hostile, clean, _ = outcomes

    def summary(ev: Evidence) -> list[tuple[str, str, str, int]]:
        return [(f.tool, f.rule_id, f.path, f.line) for f in ev.findings]

    assert summary(hostile) == summary(clean)
    got = set(summary(hostile))
    # planted configuration would have removed each of these
    assert ("bandit", "B602", "app.py", 5) in got  # .bandit / setup.cfg / pyproject skip B602
    assert ("pylint", "dangerous-default-value", "app.py", 4) in got  # rc files disable=all
    assert ("semgrep", "no-print", "app.py", 6) in got  # .semgrepignore, .gitignore
    assert ("facts", "signature-change-caller", "caller.py", 3) in got
    assert not any(f.rule_id.startswith("planted") for f in hostile.findings)  # tree rules are not loaded
    assert [(f.kind, f.text) for f in hostile.facts] == [(f.kind, f.text) for f in clean.facts]
