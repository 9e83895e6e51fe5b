"""facts adapter: facts per touched def, and callers of changed signatures in real git repositories."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.facts import Facts, FactsOptions

from reviewbot.models import AnalyzerResult, Confidence, Fact, Severity, finding_fingerprint
from tests.analyzers.support import changed
from tests.helpers import GitRepo

CORE_BEFORE = '''\
import json


def parse(data, strict=False):
    """Parse data."""
    if strict:
        raise ValueError("strict")
    return json.loads(data)


def untouched(a):
    return a


def doomed():
    return 1


class Loader:
    def load(self, path, mode="r"):
        return open(path, mode).read()

    def run(self):
        return self.load("x", mode="rb")

    @staticmethod
    def helper(a, b):
        return a + b


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
'''

CORE_AFTER = '''\
import json


def parse(data, *, mode="fast", retries):
    """Parse data."""
    if mode == "strict":
        raise ValueError("strict")
    result = json.loads(data)
    return result


def untouched(a):
    return a


class Loader:
    def load(self, path, *, encoding="utf-8"):
        return open(path, encoding=encoding).read()

    def run(self):
        return self.load("x", mode="rb")

    @staticmethod
    def helper(a, b, c):
        return a + b + c


class Point:
    def __init__(self, x, y, z=0):
        self.x = x
        self.y = y
        self.z = z


@cache
async def fresh(n):
    yield n
'''

USE = '''\
from pkg.core import parse, Loader, Point
from pkg import core
import pkg.core as aliased


def callers(blob):
    parse(blob, strict=True)
    parse(blob, mode="x", retries=2)
    core.parse(blob, True)
    aliased.parse(blob, retries=1)
    Loader.helper(1, 2)
    Point(1, 2)
    Point(1, 2, 3, 4)
    return parse(data=blob)
'''

RELATIVE = '''\
from .core import parse as p


def go(x):
    return p(x)
'''

OTHER = '''\
def parse(data, strict=False):
    return data


parse("q", strict=True)
'''


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo").init()
    r.write("pkg/__init__.py", "")
    r.write("pkg/core.py", CORE_BEFORE)
    r.write("pkg/use.py", USE)
    r.write("pkg/rel.py", RELATIVE)
    r.write("other.py", OTHER)
    r.write("README.md", "parse parse parse\n")
    r.commit("base")
    r.write("pkg/core.py", CORE_AFTER)
    return r


def run(repo: GitRepo, rev: str | None = None, base: str = "HEAD", **opts: object) -> AnalyzerResult:
    before = repo.git("show", f"{base}:pkg/core.py")
    sf = changed("pkg/core.py", CORE_AFTER, before)
    return Facts().analyze([sf], AnalysisContext(repo.path, FactsOptions(**opts), repo_root=repo.path, rev=rev))


def facts_of(res: AnalyzerResult, symbol: str, side: str = "after") -> dict[str, str]:
    return {f.kind: f.text for f in res.facts if f.symbol == symbol and f.side == side and f.kind != "call-site"}


def test_facts_before_and_after(repo: GitRepo) -> None:
    res = run(repo)
    assert res.error == "" and res.notes == ()
    after = facts_of(res, "parse")
    assert after["signature"] == 'def parse(data, *, mode="fast", retries)'
    assert after["change"].startswith("function modified; signature changed: parameter 'strict' removed")
    assert "parameter 'retries' added (required)" in after["change"]
    assert after["returns"] == "returns result"
    assert after["raises"] == "raises ValueError"
    assert after["calls"] == "calls ValueError, json.loads"
    assert after["assigns"] == "assigns result"
    assert after["reads"] == "reads params data, mode; locals result; module json; builtins ValueError"
    assert after["docstring"] == "has a docstring"
    before = facts_of(res, "parse", "before")
    assert before["signature"] == "def parse(data, strict=False)"
    assert before["returns"] == "returns json.loads(data)"
    assert "docstring" not in before and "raises" not in before  # same as after: not repeated
    fact = next(f for f in res.facts if f.symbol == "parse" and f.kind == "signature" and f.side == "after")
    assert (fact.path, fact.line, fact.end_line) == ("pkg/core.py", 4, 9)


def test_only_touched_defs(repo: GitRepo) -> None:
    res = run(repo)
    symbols = {f.symbol for f in res.facts}
    assert "untouched" not in symbols
    assert "Loader.run" not in symbols  # its text did not change
    assert facts_of(res, "doomed", "before")["change"] == "function removed"
    fresh = facts_of(res, "fresh")
    assert fresh["change"] == "function added"
    assert fresh["signature"] == "async def fresh(n)"
    assert fresh["decorators"] == "@cache"
    assert fresh["returns"] == "generator (yields)"
    assert "Loader" not in symbols  # the class itself did not change, only its methods
    assert facts_of(res, "Point.__init__")["assigns"] == "assigns self.x, self.y, self.z"


def test_callers_that_still_use_the_old_form(repo: GitRepo) -> None:
    res = run(repo)
    sites = sorted((f.path, f.line, f.message.split(": it ")[1]) for f in res.findings)
    assert sites == [
        ("pkg/core.py", 21, "passes keyword 'mode', which is not a parameter"),
        ("pkg/rel.py", 5, "does not pass required 'retries'"),  # from .core import parse as p
        ("pkg/use.py", 7, "passes keyword 'strict', which is not a parameter; does not pass required 'retries'"),
        ("pkg/use.py", 9, "passes 2 positional arguments, at most 1 accepted; does not pass required 'retries'"),
        ("pkg/use.py", 11, "does not pass required 'c'"),  # a staticmethod through its class
        ("pkg/use.py", 14, "does not pass required 'retries'"),
    ]
    first = next(f for f in res.findings if f.line == 7)
    assert first.rule_id == "signature-change-caller" and first.tool == "facts"
    assert first.severity is Severity.ERROR and first.confidence is Confidence.HIGH
    assert first.symbol == "callers"
    assert first.message.startswith("parse() changed its signature in pkg/core.py (parameter 'strict' removed")
    assert first.fingerprint == finding_fingerprint(
        "facts", "signature-change-caller", "pkg/use.py", "    parse(blob, strict=True)\n"
    )
    site_facts = [f for f in res.facts if f.kind == "call-site"]
    assert len(site_facts) == 6
    assert any(f.text.startswith("pkg/use.py:7 parse(blob, strict=True) — ") for f in site_facts)


def test_calls_that_fit_or_are_unrelated_are_not_flagged(repo: GitRepo) -> None:
    res = run(repo)
    flagged = {(f.path, f.line) for f in res.findings}
    assert ("pkg/use.py", 8) not in flagged  # fits the new signature
    assert ("pkg/use.py", 10) not in flagged  # aliased module, fits
    assert ("pkg/use.py", 12) not in flagged and ("pkg/use.py", 13) not in flagged  # Point(): z has a default
    assert not any(f.path == "other.py" for f in res.findings)  # other.py has a parse() of its own
    counts = next(f.text for f in res.facts if f.kind == "call-sites" and f.symbol == "parse")
    assert counts == "6 call sites in 2 file(s); 4 still use the old signature"


def test_calls_already_broken_before_are_not_the_old_form(repo: GitRepo) -> None:
    repo.write("pkg/use.py", USE + "\n\ndef broken(b):\n    return parse(b, bogus=1)\n")
    res = run(repo)
    assert not any(f.path == "pkg/use.py" and f.line == 18 for f in res.findings)


def test_relative_module_imports_resolve(repo: GitRepo) -> None:
    repo.write("pkg/rel.py", "from . import core as c\n\n\ndef go(x):\n    return c.parse(x, True)\n")
    res = run(repo)
    assert ("pkg/rel.py", 5) in {(f.path, f.line) for f in res.findings}


def test_search_at_a_revision(repo: GitRepo) -> None:
    repo.commit("change core")
    repo.write("pkg/use.py", "")  # the working tree no longer has the callers; the revision does
    assert {f.path for f in run(repo, rev="HEAD", base="HEAD~1").findings} == {"pkg/core.py", "pkg/use.py", "pkg/rel.py"}
    assert {f.path for f in run(repo, rev=None, base="HEAD~1").findings} == {"pkg/core.py", "pkg/rel.py"}


def test_scan_is_bounded_and_says_so(repo: GitRepo) -> None:
    res = run(repo, scan_max_files=1)
    assert any(n.startswith("call-site search cut: more than scan_max_files=1") for n in res.notes)
    assert any("(search cut short)" in f.text for f in res.facts if f.kind == "call-sites")


def test_unique_method_names_match_any_receiver(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r").init()
    before = "class Store:\n    def persist_record(self, rec, flush=False):\n        return rec\n"
    after = "class Store:\n    def persist_record(self, rec):\n        return rec\n"
    r.write("store.py", before)
    r.write("app.py", "def f(s):\n    s.persist_record(1, flush=True)\n    s.persist_record(2)\n")
    r.commit()
    r.write("store.py", after)
    res = Facts().analyze([changed("store.py", after, before)], AnalysisContext(r.path, FactsOptions(), repo_root=r.path))
    assert [(f.path, f.line, f.confidence) for f in res.findings] == [("app.py", 2, Confidence.LOW)]
    r.write("other.py", "class Other:\n    def persist_record(self, a, flush):\n        pass\n")
    r.commit("second def")  # now the name is ambiguous: no finding
    res = Facts().analyze([changed("store.py", after, before)], AnalysisContext(r.path, FactsOptions(), repo_root=r.path))
    assert res.findings == ()


def test_syntax_errors_and_newer_syntax(tmp_path: Path) -> None:
    files = [
        changed("bad.py", "def f(:\n    pass\n"),
        changed("new.py", 'def g(x):\n    d = {"a": x}\n    return f"{d["a"]}"\n'),  # PEP 701: libcst reads it
        changed("empty.py", ""),
    ]
    res = Facts().analyze(files, AnalysisContext(tmp_path, FactsOptions()))
    assert [(f.rule_id, f.path, f.line) for f in res.findings] == [("syntax-error", "bad.py", 1)]
    assert any(n.startswith("bad.py: syntax error") for n in res.notes)
    assert facts_of(res, "g")["signature"] == "def g(x)"
    assert not any(f.path == "empty.py" for f in res.facts)


def test_without_a_repository_only_changed_files_are_searched(tmp_path: Path) -> None:
    before = "def area(w, h):\n    return w * h\n\n\ndef use():\n    return area(1, 2)\n"
    after = "def area(w, h, unit):\n    return w * h\n\n\ndef use():\n    return area(1, 2)\n"
    res = Facts().analyze([changed("geo.py", after, before)], AnalysisContext(tmp_path, FactsOptions()))
    assert [(f.path, f.line, f.symbol) for f in res.findings] == [("geo.py", 6, "use")]
    assert "(changed files only: no repository)" in next(f.text for f in res.facts if f.kind == "call-sites")


def test_huge_files_skip_metadata(tmp_path: Path) -> None:
    text = "".join(f"def f{i}(a):\n    return a + {i}\n\n\n" for i in range(500))
    res = Facts().analyze([changed("big.py", text)], AnalysisContext(tmp_path, FactsOptions(metadata_max_lines=100)))
    assert any(n.startswith("facts without names read or qualified calls for big.py") for n in res.notes)
    assert len([f for f in res.facts if f.kind == "signature"]) == 500
    assert not any(f.kind == "reads" for f in res.facts)


def test_cache_key_follows_the_repository(repo: GitRepo) -> None:
    sf = changed("pkg/core.py", CORE_AFTER, repo.git("show", "HEAD:pkg/core.py"))
    ctx = AnalysisContext(repo.path, FactsOptions(), repo_root=repo.path)
    first = Facts().cache_key([sf], ctx)
    assert first and Facts().cache_key([sf], ctx) == first
    repo.write("pkg/use.py", USE + "\n# edited\n")
    assert Facts().cache_key([sf], ctx) != first
    at_rev = AnalysisContext(repo.path, FactsOptions(), repo_root=repo.path, rev="HEAD")
    assert Facts().cache_key([sf], at_rev) == Facts().cache_key([sf], at_rev)
    not_git = AnalysisContext(repo.path, FactsOptions(), repo_root=repo.path.parent)
    assert Facts().cache_key([sf], not_git) is None


def test_non_utf8_candidate_files_are_read(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r").init()
    before = "def area(w, h):\n    return w * h\n"
    after = "def area(w):\n    return w * w\n"
    r.write("geo.py", before)
    r.write("use.py", "# -*- coding: latin-1 -*-\nfrom geo import area\n# caf\xe9\narea(1, 2)\n".encode("latin-1"))
    r.commit()
    r.write("geo.py", after)
    res = Facts().analyze([changed("geo.py", after, before)], AnalysisContext(r.path, FactsOptions(), repo_root=r.path))
    assert [(f.path, f.line) for f in res.findings] == [("use.py", 4)]


def test_facts_are_short() -> None:
    for f in Facts().analyze(
        [changed("m.py", "def f(" + ", ".join(f"a{i}=1" for i in range(200)) + "):\n    return 1\n")],
        AnalysisContext(Path("."), FactsOptions()),
    ).facts:
        assert isinstance(f, Fact) and len(f.text) <= 500


def test_added_file_facts_have_no_before(tmp_path: Path) -> None:
    sf: SourceFile = changed("n.py", "def a():\n    return 1\n")
    res = Facts().analyze([sf], AnalysisContext(tmp_path, FactsOptions()))
    assert {f.side for f in res.facts} == {"after"}
    assert facts_of(res, "a")["change"] == "function added"


NEWER = [((3, 12), 'd = {"a": 1}\ns = f"{d["a"]}"\n'), ((3, 14), 'n = 1\ns = t"{n}"\n')]


def test_callers_in_files_only_libcst_can_parse(tmp_path: Path) -> None:
    newer = next((text for version, text in NEWER if sys.version_info[:2] < version), None)
    if newer is None:
        pytest.skip("the running Python parses every sample")
    r = GitRepo(tmp_path / "r").init()
    before = "def area(w, h):\n    return w * h\n"
    after = "def area(w):\n    return w * w\n"
    r.write("geo.py", before)
    r.write("use.py", newer + "from geo import area\n\n\ndef f():\n    return area(1, 2)\n")
    r.commit()
    r.write("geo.py", after)
    res = Facts().analyze([changed("geo.py", after, before)], AnalysisContext(r.path, FactsOptions(), repo_root=r.path))
    assert [(f.path, f.line, f.symbol) for f in res.findings] == [("use.py", 7, "f")]


def test_without_descriptions_the_findings_are_the_same_and_nothing_is_described(repo: GitRepo) -> None:
    full, lean = run(repo), run(repo, descriptions=False)
    assert lean.findings == full.findings and lean.findings
    assert {f.kind for f in lean.facts} <= {"call-site", "call-sites"}  # what the findings cite, no descriptions
    assert {f.kind for f in full.facts} > {"signature", "calls", "call-site"}


def test_without_descriptions_callers_in_added_files_and_syntax_errors_are_still_found(tmp_path: Path) -> None:
    before = "def area(w, h):\n    return w * h\n"
    after = "def area(w):\n    return w * w\n"
    files = [
        changed("geo.py", after, before),
        changed("use.py", "from geo import area\n\n\ndef f():\n    return area(1, 2)\n"),  # added, never compared
        changed("bad.py", "def g(:\n    pass\n"),
    ]
    res = Facts().analyze(files, AnalysisContext(tmp_path, FactsOptions(descriptions=False)))
    assert sorted((f.rule_id, f.path, f.line) for f in res.findings) == [
        ("signature-change-caller", "use.py", 5),
        ("syntax-error", "bad.py", 1),
    ]


def test_calls_that_still_bind_are_listed_for_the_prompt(repo: GitRepo) -> None:
    """The call sites the LLM prompt lists come from here (``caller`` facts), not from a search of its own."""
    res = run(repo)
    callers = sorted((f.path, f.line, f.symbol, f.text) for f in res.facts if f.kind == "caller")
    assert callers == [
        ("pkg/use.py", 8, "parse", 'parse(blob, mode="x", retries=2)'),  # fits the new signature
        ("pkg/use.py", 10, "parse", "aliased.parse(blob, retries=1)"),
        ("pkg/use.py", 12, "Point.__init__", "Point(1, 2)"),
        ("pkg/use.py", 13, "Point.__init__", "Point(1, 2, 3, 4)"),  # binds to neither: not the old form either
    ]  # other.py's parse() is another function; the stale calls are findings and call-site facts instead
    lean = run(repo, descriptions=False)
    assert lean.findings == res.findings and not any(f.kind == "caller" for f in lean.facts)


def test_callers_of_a_signature_whose_annotations_alone_changed(tmp_path: Path) -> None:
    """No call can stop binding, so the repository is not searched; the changed files' callers are still listed."""
    r = GitRepo(tmp_path / "r").init()
    before = "def area(w, h):\n    return w * h\n\n\ndef use():\n    return area(1, 2)\n"
    after = "def area(w: int, h: int) -> int:\n    return w * h\n\n\ndef use():\n    return area(1, 2)\n"
    r.write("geo.py", before)
    r.write("room.py", "from geo import area\n\nSIZE = area(3, 4)\n")
    r.commit()
    r.write("geo.py", after)
    ctx = AnalysisContext(r.path, FactsOptions(), repo_root=r.path)
    res = Facts().analyze([changed("geo.py", after, before)], ctx)
    assert res.findings == () and res.notes == ()
    assert [(f.path, f.line, f.symbol, f.text) for f in res.facts if f.kind == "caller"] == [
        ("geo.py", 6, "area", "return area(1, 2)")
    ]
    assert not any(f.kind in ("call-site", "call-sites") for f in res.facts)
    assert "signature text changed" in facts_of(res, "area")["change"]
