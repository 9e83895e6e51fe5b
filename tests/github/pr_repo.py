"""A pull request's repository: a real git repository in a directory, commits of whole files, the PR's diff and a
file at a commit (what the fake GitHub serves from its contents API).

A plain module (no pytest) shared by the GitHub tests and bench/action.py, which publishes to the same fake GitHub
(``tests/github/fake_github.py``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class PrRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "t@example.com")
        self.git("config", "user.name", "Test")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(self.root))
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True, text=True,
                              env=env).stdout

    def commit(self, files: dict[str, str | None], message: str = "change") -> str:
        for path, text in files.items():
            target = self.root / path
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def diff(self, base: str, head: str) -> str:
        return self.git("diff", "--no-color", "-M", f"{base}...{head}")

    def text_at(self, sha: str, path: str) -> str | None:
        proc = subprocess.run(["git", "cat-file", "-p", f"{sha}:{path}"], cwd=self.root, capture_output=True,
                              text=True, check=False)
        return proc.stdout if proc.returncode == 0 else None
