"""The code's own markers, respected through reviewbot with the real analyzers: ``# noqa`` codes mapped to our
findings, the tools' own comments (``# pylint: disable``, ``# nosec``, ``# nosemgrep``), and ``unreachable`` after a
call that never returns."""

from __future__ import annotations

import json
from typing import Any

from reviewbot.models import Confidence, Finding, Severity
from reviewbot.noqa import targets
from reviewbot.noreturn import Module
from tests.helpers import GitRepo

COMPLEX_BODY = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12)) + "    return -1\n"


def review(cli, repo: GitRepo, analyzers: str, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = cli(repo.path, "review", "--analyzers", analyzers, "--no-cache", "--format", "json", "--fail-on", "none", *args)
    assert r.code == 0, r
    return json.loads(r.out)  # type: ignore[no-any-return]


def origins(doc: dict[str, Any]) -> list[tuple[str, int]]:
    """Every finding that reached the discriminator, reported or ranked below the threshold."""
    return sorted((c["origin"], c["line"]) for c in doc["comments"] + doc["rejected"])


def marker_note(doc: dict[str, Any]) -> str:
    notes = [n for n in doc["summary"]["notes"] if "suppressed by the code's own markers" in n]
    assert len(notes) <= 1, notes
    return notes[0] if notes else ""


def test_noqa_c901_silences_radon_complexity_on_that_def(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", "X = 1\n")
    repo.commit("base")
    repo.write(
        "app.py",
        "X = 1\n\n\ndef marked(x):  # noqa: C901\n" + COMPLEX_BODY
        + "\n\ndef split(\n    x,\n):  # noqa: C901 - the def spans three lines\n" + COMPLEX_BODY
        + "\n\ndef other_code(x):  # noqa: E501\n" + COMPLEX_BODY
        + "\n\ndef plain(x):\n" + COMPLEX_BODY,
    )
    doc = review(cli, repo, "radon")
    assert origins(doc) == [("radon:complexity-threshold", 62), ("radon:complexity-threshold", 90)]
    assert marker_note(doc) == "2 findings suppressed by the code's own markers (noqa: 2)"
    assert doc["summary"]["cut"]["suppressed"] == 2
    # the change adds the noqa that hides our finding: the reviewer is told
    assert any("app.py:4: the change adds a suppression (noqa)" in n and "radon:complexity-threshold" in n
               for n in doc["summary"]["notes"])
    # ... but not of the noqa that hides nothing of ours
    assert not any("app.py:62: the change adds" in n for n in doc["summary"]["notes"])


MAPPED = '''\
import subprocess


def defaults(x=[]):  # noqa: B006
    return x


def defaults_unmarked(x=[]):
    return x


def run(cmd):
    subprocess.call(cmd, shell=True)  # noqa: S602
    subprocess.call(cmd, shell=True)  # noqa: S603 (another bandit test)
    subprocess.call(cmd, shell=True)  # noqa
    return undefined_name  # noqa: F821


def locals_():
    unused = 1  # noqa: F841
    also_unused = 2  # noqa: E501
    dead = 3  # noqa: PLW0612
    return 0
'''


def test_noqa_codes_map_to_pylint_and_bandit(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", "X = 1\n")
    repo.commit("base")
    repo.write("app.py", MAPPED)
    doc = review(cli, repo, "pylint,bandit")
    assert origins(doc) == [("bandit:B404", 1), ("bandit:B602", 14), ("pylint:dangerous-default-value", 8),
                            ("pylint:unused-variable", 21)]
    assert marker_note(doc) == "6 findings suppressed by the code's own markers (noqa: 6)"


NORETURN = '''\
import os
import sys
from sys import exit as leave
from typing import NoReturn, assert_never


def fail(msg: str) -> NoReturn:
    raise SystemExit(msg)


def boom(msg):
    """Always raises."""
    raise ValueError(msg)


def after_noreturn():
    fail("x")
    raise AssertionError("unreachable")


def after_raising_function():
    boom("x")
    raise AssertionError("unreachable")


def after_exits(kind):
    if kind == 1:
        sys.exit(1)
        raise AssertionError("unreachable")
    if kind == 2:
        os._exit(1)
        raise AssertionError("unreachable")
    if kind == 3:
        leave(2)
        raise AssertionError("unreachable")
    return kind


class Handler:
    def stop(self) -> NoReturn:
        raise SystemExit(0)

    def run(self):
        self.stop()
        raise AssertionError("unreachable")


def after_return():
    return 1
    print("really dead")
'''


def test_no_unreachable_after_calls_that_never_return(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", "X = 1\n")
    repo.commit("base")
    repo.write("app.py", NORETURN)
    doc = review(cli, repo, "pylint", "--filter", "file")
    assert origins(doc) == [("pylint:unreachable", 50)]
    note = marker_note(doc)
    # pylint 4 does not flag the raise after boom() (it does not infer that boom never returns): 5, not 6
    assert note == "5 findings suppressed by the code's own markers (NoReturn: 5)"


def unreachable(line: int) -> Finding:
    return Finding("pylint", "unreachable", "app.py", line, line, Severity.WARNING, Confidence.HIGH, "Unreachable code")


def test_only_calls_that_surely_never_return_count() -> None:
    text = (
        "import asyncio\n"
        "def boom():\n    raise ValueError\n"  # 2-3: only raises
        "def maybe(x):\n    if x:\n        raise ValueError\n    return 1\n"  # 4-7: may return
        "def twice() -> NoReturn:\n    raise ValueError\n"  # 8-9
        "class C:\n    def twice(self):\n        return 1\n"  # 10-12: another twice() returns
        "async def aboom():\n    raise ValueError\n"  # 13-14
        "def f(obj):\n"  # 15
        "    boom()\n    x = 1\n"  # 16-17: dropped
        "    maybe(1)\n    x = 2\n"  # 18-19: kept
        "    twice()\n    x = 3\n"  # 20-21: kept (the name also means a method that returns)
        "    obj.exit()\n    x = 4\n"  # 22-23: kept (not ours to resolve)
        "    aboom()\n    x = 5\n"  # 24-25: kept (an un-awaited coroutine)
        "    return x\n"
        "async def g():\n    await aboom()\n    x = 6\n"  # 27-29: dropped
        "    exit(1)\n    x = 7\n"  # 30-31: kept: the site's exit() is not on the list (it may be rebound)
    )
    m = Module(text)
    assert [n for n in (17, 19, 21, 23, 25, 29, 31) if m.follows_no_return(unreachable(n))] == [17, 29]
    assert not Module("def f(:\n").follows_no_return(unreachable(2))  # unparsable: nothing is dropped


def test_noqa_table() -> None:
    assert targets("c901") == ("radon:complexity-threshold", "radon:complexity-jump")
    assert targets("S602") == ("bandit:B602",)
    assert targets("S307") == ("semgrep:code-injection-eval", "bandit:B307")
    assert targets("PLW0101") == ("pylint:unreachable",)
    assert targets("PLE9999") == () and targets("E501") == () and targets("B602") == ()


NATIVE = '''\
import subprocess


def defaults(x=[]):  # pylint: disable=dangerous-default-value
    return x


def block():
    # pylint: disable=unused-variable
    first = 1
    second = 2
    # pylint: enable=unused-variable
    third = 3
    return 0


class Holder:  # pylint: disable=unused-variable
    def method(self):
        inner = 1
        return 0


def run(cmd):
    subprocess.call(cmd, shell=True)  # nosec B602
    subprocess.call(cmd, shell=True)  # nosec B101 (names another test: still reported)
    subprocess.call(cmd, shell=True)  # nosec
    subprocess.call(cmd, shell=True)  # pylint: disable=unused-variable (not bandit's)
    return 0
'''


def test_the_tools_own_markers_keep_working_and_are_counted(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", "X = 1\n")
    repo.commit("base")
    repo.write("app.py", NATIVE)
    doc = review(cli, repo, "pylint,bandit")
    assert origins(doc) == [("bandit:B404", 1), ("bandit:B602", 25), ("bandit:B602", 27), ("pylint:unused-variable", 13)]
    assert marker_note(doc) == "6 findings suppressed by the code's own markers (pylint: disable: 4, nosec: 2)"
    assert "app.py:24: the change adds a suppression (bandit): `# nosec B602`; it hides bandit:B602" \
        in doc["summary"]["notes"]
    # counted only where the filter looks: once committed, a new function counts only its own nosec
    repo.commit("markers")
    repo.write("app.py", NATIVE + "\n\ndef more(cmd):\n    subprocess.call(cmd, shell=True)  # nosec\n")
    doc = review(cli, repo, "pylint,bandit")
    assert marker_note(doc) == "1 finding suppressed by the code's own markers (nosec: 1)"


SEMGREP = '''\
def quiet(f):
    try:
        f()
    except:  # nosemgrep: bare-except
        pass
    try:
        f()
    except:  # noqa: E722
        pass
    try:
        f()
    except:
        pass
'''


def test_nosemgrep_keeps_working_and_noqa_maps_to_our_rules(repo: GitRepo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", "X = 1\n")
    repo.commit("base")
    repo.write("app.py", SEMGREP)
    doc = review(cli, repo, "semgrep")
    assert [o for o in origins(doc) if o[0].endswith("bare-except")] == [("semgrep:bare-except", 12)]
    assert marker_note(doc) == "1 finding suppressed by the code's own markers (noqa: 1)"
