"""The rules that classify a changed file as source, tests or data (reviewbot/filekinds.py)."""

from __future__ import annotations

import pytest

from reviewbot.filekinds import FileKindSettings, by_path, classify, summary_line
from reviewbot.models import Confidence, FileKind, Finding, Severity, SourceFile

NONE = FileKindSettings()


@pytest.mark.parametrize(("path", "kind"), [
    ("src/black/linegen.py", FileKind.SOURCE),
    ("setup.py", FileKind.SOURCE),
    ("docs/conf.py", FileKind.SOURCE),
    ("tests/test_black.py", FileKind.TESTS),
    ("tests/util.py", FileKind.TESTS),
    ("conftest.py", FileKind.TESTS),
    ("src/pkg/parser_test.py", FileKind.TESTS),
    ("tests/data/cases/comments.py", FileKind.DATA),
    ("tests/fixtures/broken.py", FileKind.DATA),
    ("pkg/testdata/x.py", FileKind.DATA),
    ("test_data/input.py", FileKind.DATA),
    ("web/__snapshots__/view.py", FileKind.DATA),
    ("tests/unit/resources/module.py", FileKind.DATA),
    ("tests/data/test_not_a_test.py", FileKind.DATA),
    ("examples/app.py", FileKind.SOURCE),  # examples run: only examples under tests are inputs
])
def test_by_path(path: str, kind: FileKind) -> None:
    assert by_path(path, NONE).kind is kind


def test_the_longest_matching_glob_of_the_config_wins() -> None:
    config = FileKindSettings(data=["tests/*"], source=["tests/data/real.py"], tests=["golden/*"])
    assert by_path("tests/data/real.py", config).reason == "config: source = 'tests/data/real.py'"
    assert by_path("tests/data/other.py", config).kind is FileKind.DATA
    assert by_path("golden/a.py", config).kind is FileKind.TESTS


def sf(path: str, text: str) -> SourceFile:
    return SourceFile(path=path, text=text, before=None, old_path=None, added_lines=frozenset(), hunks=())


def undefined(path: str, n: int) -> list[Finding]:
    return [Finding("pylint", "undefined-variable", path, i + 1, i + 1, Severity.ERROR, Confidence.HIGH, "x")
            for i in range(n)]


def test_helper_files_under_tests_that_are_inputs_become_data() -> None:
    files = [
        sf("tests/test_format.py", "def test_it():\n    src = open(HERE / 'inputs_x.py').read()\n"),
        sf("tests/inputs_x.py", "x = 1\n"),  # read as text by the test module
        sf("tests/py312_only.py", "type X = int\nmatch = (\n"),  # does not parse
        sf("tests/broken.py", "a = b\n"),  # three undefined names
        sf("tests/helpers.py", "def helper():\n    return 1\n"),  # a real helper
        sf("src/pkg/mod.py", "a = b\n"),  # source is never reclassified by its findings
    ]
    findings = undefined("tests/broken.py", 3) + undefined("src/pkg/mod.py", 9) + undefined("tests/helpers.py", 2)
    got = {f.path: (f.kind, f.reason) for f in classify(files, NONE, findings).files}
    assert got["tests/inputs_x.py"] == (FileKind.DATA, "read as text by tests/test_format.py")
    assert got["tests/py312_only.py"] == (FileKind.DATA, "does not parse as Python")
    assert got["tests/broken.py"] == (FileKind.DATA, "3 undefined names or redefinitions")
    assert got["tests/helpers.py"][0] is FileKind.TESTS
    assert got["src/pkg/mod.py"][0] is FileKind.SOURCE
    assert got["tests/test_format.py"][0] is FileKind.TESTS


def test_summary_line_names_where_the_data_is() -> None:
    files = [by_path(p, NONE) for p in ("a/b.py", "tests/test_a.py", "tests/data/x/1.py", "tests/data/y/2.py")]
    assert summary_line(files) == "4 files: 1 source, 1 tests, 2 data (tests/data/)"
    assert summary_line([]) == ""
