"""Focused copies: untouched function bodies left out, everything kept on its own line, and semgrep on a focused
copy reporting exactly what it reports on the whole file inside the hunks (the shipped rule pack, real semgrep)."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
from reviewbot.analyzers._focus import changed_lines, focus
from reviewbot.analyzers._source import ast_defs
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.semgrep import Semgrep, SemgrepOptions

from tests.analyzers.support import changed, materialize


def real_module() -> str:
    import argparse

    return Path(inspect.getfile(argparse)).read_text(encoding="utf-8")


def test_kept_lines_are_unchanged_and_cut_bodies_become_ellipsis() -> None:
    text = real_module()
    tree = ast.parse(text)
    defs = [d for d in ast_defs(tree) if not d[4]]
    target = next(d for d in defs if d[0] == "ArgumentParser.parse_known_args")
    cut = focus(text, {target[2] - 1})  # the last line of the method's body
    assert cut is not None
    ast.parse(cut.text)
    old, new = text.splitlines(), cut.text.splitlines()
    assert len(new) == len(old)
    assert new[target[1] - 1 : target[2]] == old[target[1] - 1 : target[2]]  # the changed method, whole
    assert 0 < sum(a != b for a, b in zip(old, new)) <= cut.total - cut.kept
    assert cut.kept < cut.total / 3  # argparse is mostly method bodies
    other = next(d for d in defs if d[0] == "ArgumentParser.format_help")
    body = new[other[3] : other[2]]  # after the def line: the ellipsis, then blank lines
    assert body[0].strip() == "..." and not any(line.strip() for line in body[1:])
    classes = {d[0] for d in ast_defs(tree) if d[4]}
    outer = [d for d in defs if "." not in d[0] or d[0].rsplit(".", 1)[0] in classes]
    assert len(outer) > 50
    for name, _first, _last, line, _cls in outer:  # every module- and class-level header stays where it was
        assert new[line - 1] == old[line - 1], name


def test_nothing_to_cut_and_unparsable_files_give_none() -> None:
    assert focus("def f():\n    return 1\n", {2}) is None
    assert focus("x = 1\nclass C:\n    y = 2\n", {1}) is None
    assert focus("def f(:\n    return 1\n", {1}) is None
    assert focus("def f():\n    return 1\n", set()) is None
    assert focus("def f(): return 1\n\nx = 2\n", {3}) is None  # a one-line def has no body of its own to cut


def test_a_body_that_starts_with_a_decorated_def_is_cut_from_its_decorator() -> None:
    text = "def outer():\n    @wraps(f)\n    def inner():\n        pass\n    return inner\n\n\nx = 1\n"
    cut = focus(text, {8})
    assert cut is not None
    assert cut.text == "def outer():\n    ...\n\n\n\n\n\nx = 1\n"


def test_line_breaks_python_knows_and_form_feeds() -> None:
    text = "def a():\r\n    return 1\r\n\x0c\r\ndef b():\r\n    return 2\r\n"
    cut = focus(text, {5})
    assert cut is not None
    assert cut.text == "def a():\r\n    ...\r\n\x0c\r\ndef b():\r\n    return 2\r\n"


def test_offsets_map_back_across_multibyte_text() -> None:
    text = 'def a():\n    return "größer – ≥ 🚀"\n\n\ndef b(x):\n    return x == None\n'
    cut = focus(text, {6})
    assert cut is not None
    data, focused = text.encode(), cut.text.encode()
    pos = focused.index(b"x == None")
    assert data[cut.original_offset(pos) :].startswith(b"x == None")


def test_changed_lines_include_hunk_context() -> None:
    assert changed_lines({5}, [(3, 7), (20, 20)]) == {3, 4, 5, 6, 7, 20}


BEFORE = '''\
import asyncio


async def fetch(url):
    await asyncio.sleep(0)
    return url


def report(rows):
    """A long function the change does not touch: émigré – ≥."""
    total = 0
    for row in rows:
        if row == None:
            continue
        total += row
    return total


class Client:
    async def close(self):
        await asyncio.sleep(0)

    def done(self, value):
        return value
'''

AFTER = BEFORE.replace(
    "    def done(self, value):\n        return value\n",
    "    def done(self, value):\n        self.close()\n        fetch(value)\n        return value == None\n",
)


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[SourceFile, list]]:
    work = tmp_path_factory.mktemp("focus") / "tree"
    sf = changed("pkg/client.py", AFTER, BEFORE)
    materialize(work, [sf])
    out = {}
    for name, scope, opts in (("file", "file", {}), ("hunks", "hunks", {}), ("off", "hunks", {"focus": False})):
        res = Semgrep().analyze([sf], AnalysisContext(work, SemgrepOptions(**opts), scope=scope))
        assert not res.error and not res.notes, (res.error, res.notes)
        out[name] = (sf, list(res.findings))
    return out


def test_semgrep_on_a_focused_copy_finds_the_same_inside_the_hunks(scans: dict) -> None:
    sf, whole = scans["file"]
    _, focused = scans["hunks"]
    lines = changed_lines(sf.added_lines, sf.hunks)
    inside = [f for f in whole if f.line in lines]
    # the async defs live in untouched code, yet both missing-await calls are still seen; the autofix too
    assert {f.rule_id for f in inside} >= {"missing-await", "none-comparison-eq"}
    assert sorted(json.dumps(f.__dict__, default=str) for f in focused) == sorted(
        json.dumps(f.__dict__, default=str) for f in inside
    )
    fix = next(f.fix for f in focused if f.rule_id == "none-comparison-eq")
    assert fix is not None and fix.replacement == "        return value is None\n"
    # what the whole-file scan found in the untouched function is not scanned at all
    assert any(f.line < 20 for f in whole) and all(f.line >= 20 for f in focused)


def test_focus_can_be_turned_off_for_rules_that_need_whole_files(scans: dict) -> None:
    assert scans["off"][1] == scans["file"][1]
