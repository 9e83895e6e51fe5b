"""The documentation's links and paths exist: every relative Markdown link (and its #anchor) and every backticked
repository path in README.md and docs/*.md, and every repository path named in .pre-commit-hooks.yaml, action.yml and
pyproject.toml. The README's snippets pin the current release, and its two commands are the ones CI runs.

Markdown is parsed with markdown-it (a dependency already), so code blocks are not mistaken for links; anchors are
GitHub's heading slugs.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reviewbot import __version__

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OTHER = [ROOT / ".pre-commit-hooks.yaml", ROOT / "action.yml", ROOT / "pyproject.toml"]
# A backticked repository path: segments of word characters, dots and dashes joined by "/", nothing else (a glob,
# a placeholder such as `v<n>/<path>`, a command line or a URL is not one).
PATH = re.compile(r"\.?[\w.-]+(?:/[\w.-]+)+/?|[\w.-]+/")
SKIP_DIRS = {".git", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "__pycache__", "build", "dist"}


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark")


@cache
def top_level(root: Path) -> frozenset[str]:
    """The repository's top-level folders: a path in the docs that starts with one of them names a file of ours."""
    return frozenset(p.name for p in root.iterdir()
                     if p.is_dir() and p.name not in SKIP_DIRS and not p.name.endswith("-info"))


def slug(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (``_`` and ``-`` kept), spaces to ``-``."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def _heading_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))


@cache
def anchors(path: Path) -> frozenset[str]:
    """Every heading anchor of a Markdown file, duplicates numbered as GitHub does (``x``, ``x-1``, ...)."""
    tokens = _md().parse(path.read_text(encoding="utf-8"))
    seen: Counter[str] = Counter()
    out = set()
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            base = slug(_heading_text(tokens[i + 1]))
            out.add(base if not seen[base] else f"{base}-{seen[base]}")
            seen[base] += 1
    return frozenset(out)


def _inline_tokens(tokens: list[Token]) -> list[Token]:
    return [child for tok in tokens if tok.type == "inline" for child in tok.children or ()]


def check_markdown(path: Path, root: Path) -> list[str]:
    """Broken relative links, anchors and backticked repository paths of one Markdown file."""
    problems = []
    where = path.relative_to(root)
    tops = top_level(root)
    for tok in _inline_tokens(_md().parse(path.read_text(encoding="utf-8"))):
        if tok.type == "link_open":
            href = str(tok.attrs.get("href", ""))
            if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):  # https:, mailto: ...
                continue
            target, _, anchor = href.partition("#")
            dest = (path.parent / unquote(target)).resolve() if target else path
            if not dest.exists():
                problems.append(f"{where}: link to {href}: {target} does not exist")
            elif anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
                problems.append(f"{where}: link to {href}: no heading #{anchor} in {dest.relative_to(root)}")
        elif tok.type == "code_inline" and PATH.fullmatch(tok.content):
            name = tok.content
            if name.lstrip("./").split("/")[0] in tops and not (root / name).exists():
                problems.append(f"{where}: `{name}` does not exist in the repository")
    return problems


def check_text(path: Path, root: Path) -> list[str]:
    """Repository paths named anywhere in a non-Markdown file (comments, descriptions)."""
    tops = "|".join(re.escape(t) for t in sorted(top_level(root)))
    found = re.findall(rf"(?<![\w/.{{-])((?:{tops})/(?:[\w./-]*[\w/])?)", path.read_text(encoding="utf-8"))
    where = path.relative_to(root)
    return [f"{where}: {name} does not exist in the repository"
            for name in found if not (root / name).exists()]


def test_every_link_anchor_and_path_in_the_docs_exists() -> None:
    problems = [p for f in MARKDOWN for p in check_markdown(f, ROOT)]
    problems += [p for f in OTHER for p in check_text(f, ROOT)]
    assert not problems, "\n".join(problems)


def test_the_files_the_repository_points_users_to_exist() -> None:
    assert "docs/local.md" in (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("local", "configuration", "rules", "ranking", "action", "llm", "security", "quality", "speed",
                 "output"):
        assert (ROOT / "docs" / f"{page}.md").is_file(), page
        assert f"(docs/{page}.md" in readme, f"the README does not link docs/{page}.md"


def test_the_checker_finds_broken_links_anchors_and_paths(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "reviewbot").mkdir()
    (tmp_path / "reviewbot" / "procs.py").write_text("")
    (tmp_path / "docs" / "a.md").write_text("# Title\n\n## Two words `x`\n\n## Two words `x`\n")
    good = ("[t](docs/a.md) [t](docs/a.md#title) [t](docs/a.md#two-words-x-1) [t](#top) [w](https://x.example/y)\n"
            "`reviewbot/procs.py` `tests/*.py` `v<n>/<path>` `src/pkg`\n\n# Top\n\n```sh\n[no](nowhere.md)\n```\n")
    (tmp_path / "README.md").write_text(good)
    assert check_markdown(tmp_path / "README.md", tmp_path) == []
    (tmp_path / "README.md").write_text(
        "[a](docs/missing.md) [b](docs/a.md#nope) [c](#nowhere) `reviewbot/gone.py` `docs/b.md`\n")
    problems = check_markdown(tmp_path / "README.md", tmp_path)
    assert len(problems) == 5, problems
    assert "docs/missing.md does not exist" in problems[0] and "no heading #nope in docs/a.md" in problems[1]
    (tmp_path / "hooks.yaml").write_text("# Usage: docs/a.md, docs/gone.md.\nentry: reviewbot review\n")
    assert check_text(tmp_path / "hooks.yaml", tmp_path) == ["hooks.yaml: docs/gone.md does not exist in the repository"]


def test_snippets_pin_the_current_release() -> None:
    version = f"v{__version__}"
    texts = {f.relative_to(ROOT): f.read_text(encoding="utf-8") for f in MARKDOWN}
    pins = [(f, m) for f, t in texts.items() for m in re.findall(r"rev: (\S+)|reviewbot@([\w.-]*\w)", t)]
    assert any(f == Path("README.md") and m[0] for f, m in pins), "the README has no pre-commit snippet with rev:"
    assert any(f == Path("README.md") and m[1] for f, m in pins), "the README has no `uses: ...reviewbot@` snippet"
    for f, (rev, uses) in pins:
        assert (rev or uses) == version, f"{f}: pins {rev or uses}, the package is {version}"
    for f, t in texts.items():
        for stale in ("vX.Y.Z", "FULL_COMMIT_SHA"):
            assert stale not in t, f"{f}: placeholder {stale}"


def test_readme_commands_are_the_ones_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert first is not None
    lines = [line.split("#")[0].strip() for line in first.group(1).splitlines() if line.strip()]
    assert lines[0].startswith("pip install . && reviewbot review --patch examples/")
    assert lines[1] == "pip install -e '.[test]' && pytest"
    assert (ROOT / lines[0].split("--patch ")[1].split()[0]).is_file()
    assert f"# README test command: {lines[1]}" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("heading, anchor", [
    ("`[tool.reviewbot.llm]`: the LLM reviewer", "toolreviewbotllm-the-llm-reviewer"),
    ("Security detection: `bench/security.py`", "security-detection-benchsecuritypy"),
    ("The pylint *defects* profile", "the-pylint-defects-profile"),
    ("Source, tests and data", "source-tests-and-data"),
])
def test_anchor_slugs_are_githubs(tmp_path: Path, heading: str, anchor: str) -> None:
    (tmp_path / "x.md").write_text(f"## {heading}\n")
    assert anchors(tmp_path / "x.md") == {anchor}
