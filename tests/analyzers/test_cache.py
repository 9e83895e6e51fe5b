"""The result cache: hits on re-runs, misses on any change, corrupt entries ignored and rewritten."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from reviewbot.analyzers.bandit import Bandit
from reviewbot.analyzers.base import AnalysisContext, Options, SourceFile, Traits
from reviewbot.analyzers.pylint import Pylint, PylintOptions
from reviewbot.analyzers.semgrep import Semgrep, SemgrepOptions

from reviewbot.analysis import run_analyzers
from reviewbot.analysis_cache import fingerprint, lookup
from reviewbot.cache import Cache, CorruptEntry, decode_entry, encode_entry, make_key
from reviewbot.models import (
    AnalyzerResult,
    Confidence,
    Evidence,
    Fact,
    Finding,
    Fix,
    Metric,
    Severity,
    Silenced,
    Status,
)
from tests.analyzers.analyzer_fakes import Echo, LogOptions, WholeEcho
from tests.analyzers.support import changed, materialize


def run(analyzers: list[object], files: list[SourceFile], workdir: Path, cache: Cache,
        options: dict[str, Options] | None = None) -> Evidence:
    return run_analyzers(analyzers, files, workdir, options or {}, repo_root=None, rev=None,  # type: ignore[arg-type]
                         cache=cache, jobs=2)


@pytest.fixture
def setup(workdir: Path, tmp_path: Path) -> tuple[list[SourceFile], Path, Cache]:
    files = [changed(f"m{i}.py", f"x = {i}  # TODO\n") for i in range(4)]
    materialize(workdir, files)
    log = tmp_path / "log"
    log.mkdir()
    return files, log, Cache(tmp_path / "cache")


def analyzed(log: Path, name: str = "echo") -> list[str]:
    path = log / f"{name}.log"
    return path.read_text().split() if path.exists() else []


def test_rerun_is_served_from_the_cache(workdir: Path, setup: tuple[list[SourceFile], Path, Cache]) -> None:
    files, log, cache = setup
    opts = {"echo": LogOptions(log=str(log))}
    first = run([Echo()], files, workdir, cache, opts)
    assert first.statuses[0].cached == 0 and len(analyzed(log)) == 4
    second = run([Echo()], files, workdir, cache, opts)
    assert len(analyzed(log)) == 4  # nothing ran again
    assert second.statuses[0].cached == 4 and second.statuses[0].status is Status.OK
    assert (second.findings, second.facts, second.metrics) == (first.findings, first.facts, first.metrics)
    assert second.statuses[0].notes == first.statuses[0].notes


def test_only_changed_files_are_analyzed_again(workdir: Path, setup: tuple[list[SourceFile], Path, Cache]) -> None:
    files, log, cache = setup
    opts = {"echo": LogOptions(log=str(log))}
    run([Echo()], files, workdir, cache, opts)
    files[2] = changed("m2.py", "y = 2  # TODO TODO\n")
    materialize(workdir, files)
    ev = run([Echo()], files, workdir, cache, opts)
    assert analyzed(log)[4:] == ["m2.py"]
    assert ev.statuses[0].cached == 3 and [f.path for f in ev.findings] == ["m0.py", "m1.py", "m2.py", "m3.py"]


def test_different_options_miss(workdir: Path, setup: tuple[list[SourceFile], Path, Cache]) -> None:
    files, log, cache = setup
    run([Echo()], files, workdir, cache, {"echo": LogOptions(log=str(log), tag="a")})
    ev = run([Echo()], files, workdir, cache, {"echo": LogOptions(log=str(log), tag="b")})
    assert ev.statuses[0].cached == 0 and len(analyzed(log)) == 8
    assert {f.message for f in ev.findings} == {"todo b"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"\x00\xff garbage",
        lambda raw: raw.replace(b"todo x", b"todo EVIL"),  # valid JSON, payload no longer matches its checksum
        lambda raw: json.dumps({"schema": 1, "key": "k", "sha256": "0", "result": {}}).encode(),
    ],
)
def test_corrupt_entries_are_ignored_and_rewritten(
    workdir: Path, setup: tuple[list[SourceFile], Path, Cache], damage: object
) -> None:
    files, log, cache = setup
    opts = {"echo": LogOptions(log=str(log))}
    first = run([Echo()], files, workdir, cache, opts)
    entries = sorted(cache.root.rglob("*.json"))
    assert len(entries) == 4
    for entry in entries:
        entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    second = run([Echo()], files, workdir, cache, opts)
    assert len(analyzed(log)) == 8 and second.statuses[0].cached == 0
    assert second.findings == first.findings
    assert {f.message for f in second.findings} == {"todo x"}
    third = run([Echo()], files, workdir, cache, opts)  # the entries were rewritten and are good again
    assert len(analyzed(log)) == 8 and third.statuses[0].cached == 4


def test_decoding_validates_every_field() -> None:
    good = AnalyzerResult(
        findings=(Finding("t", "r", "p.py", 1, 2, Severity.ERROR, Confidence.LOW, "m", cwe=89,
                          fix=Fix(1, 2, "x\n", "d"), fingerprint="f", column=3, symbol="s"),),
        facts=(Fact("p.py", 1, "s", "k", "t", "before", 4),),
        metrics=(Metric("p.py", "s", 1, "cc", None, 3.0, None, "A"),),
        notes=("p.py: n",),
        silenced=(Silenced("bandit", "B602", "p.py", 3, "nosec"),),
    )
    raw = encode_entry(good, "k")
    assert decode_entry(raw, "k") == good
    with pytest.raises(CorruptEntry):
        decode_entry(raw, "other-key")
    entry = json.loads(raw)
    for path, value in [
        (("findings", 0, "severity"), "catastrophic"),
        (("findings", 0, "line"), "1"),
        (("findings", 0, "line"), True),
        (("findings", 0, "fix"), {"start_line": 1}),
        (("facts", 0, "extra_field"), 1),
        (("metrics", 0, "after"), "3"),
        (("notes", 0), 5),
        (("silenced", 0, "line"), "3"),
    ]:
        broken = json.loads(raw)
        target = broken["result"]
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        body = json.dumps(broken["result"], sort_keys=True, ensure_ascii=False)
        broken["sha256"] = hashlib.sha256(body.encode()).hexdigest()  # even with a matching checksum
        with pytest.raises(CorruptEntry):
            decode_entry(json.dumps(broken).encode(), "k")
    assert entry["schema"] == 2  # 2: results carry what the code's own markers silenced


def test_errors_are_not_cached(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = make_key("a")
    cache.put(key, AnalyzerResult(error="tool crashed"))
    assert cache.get(key) is None and not list(tmp_path.rglob("*.json"))


def test_whole_results_are_cached_by_key(workdir: Path, setup: tuple[list[SourceFile], Path, Cache]) -> None:
    files, log, cache = setup
    opts = {"whole": LogOptions(log=str(log))}
    first = run([WholeEcho()], files, workdir, cache, opts)
    second = run([WholeEcho()], files, workdir, cache, opts)
    assert len(analyzed(log, "whole")) == 4 and second.statuses[0].cached == 4
    assert second.facts == first.facts
    run([WholeEcho()], files[:3], workdir, cache, opts)
    assert len(analyzed(log, "whole")) == 7


def test_a_real_adapter_round_trips(workdir: Path, tmp_path: Path) -> None:
    files = [changed("s.py", "import subprocess\nsubprocess.call(input(), shell=True)\n")]
    materialize(workdir, files)
    cache = Cache(tmp_path / "c")
    first = run([Bandit()], files, workdir, cache)
    second = run([Bandit()], files, workdir, cache)
    assert second.statuses[0].cached == 1 and first.findings == second.findings
    assert any(f.rule_id == "B602" and f.cwe == 78 for f in second.findings)


def test_unwritable_cache_only_costs_speed(workdir: Path, setup: tuple[list[SourceFile], Path, Cache], tmp_path: Path) -> None:
    files, log, _ = setup
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    ev = run([Echo()], files, workdir, Cache(blocker), {"echo": LogOptions(log=str(log))})
    assert ev.statuses[0].status is Status.OK and len(ev.findings) == 4


class BrokenSettings(Echo):
    def settings_key(self, ctx: object) -> str:
        raise OSError("rule directory vanished")


def test_a_failing_cache_hook_only_costs_the_cache(workdir: Path, setup: tuple[list[SourceFile], Path, Cache]) -> None:
    files, log, cache = setup
    ev = run([BrokenSettings()], files, workdir, cache, {"echo": LogOptions(log=str(log))})
    assert ev.statuses[0].status is Status.OK and len(ev.findings) == 4 and ev.statuses[0].cached == 0
    assert not list(cache.root.rglob("*.json"))


def test_a_changed_adapter_misses(workdir: Path, setup: tuple[list[SourceFile], Path, Cache],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade that changes an adapter's filters without a new version number is not served old results."""
    import reviewbot.analysis_cache as analysis_cache
    import reviewbot.cache as cache_module

    files, log, cache = setup
    opts = {"echo": LogOptions(log=str(log))}
    run([Echo()], files, workdir, cache, opts)
    monkeypatch.setattr(analysis_cache, "adapters_digest", lambda: "another-adapter-code")
    ev = run([Echo()], files, workdir, cache, opts)
    assert ev.statuses[0].cached == 0 and len(analyzed(log)) == 8
    assert len(cache_module.adapters_digest()) == 16


def _per_file_key(analyzer: object, options: Options, sf: SourceFile, cache: Cache) -> str:
    """The key a per-file adapter's result for ``sf`` is cached under."""
    name = Traits.of(analyzer).name
    cached, _ = lookup(analyzer, name, "1.0", AnalysisContext(Path("."), options), [sf], cache)  # type: ignore[arg-type]
    return cached.keys[sf.path]


def test_the_key_follows_the_files_and_options_an_adapter_is_given(tmp_path: Path) -> None:
    """What an adapter is constructed with (semgrep's extra rule files, pylint's rc file) and its options decide
    its results, so they are part of the key: a changed rule or rc file, or changed options, miss."""
    cache = Cache(tmp_path / "cache")
    sf = changed("a.py", "print(1)\n")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: no-print\n    languages: [python]\n    severity: INFO\n    message: m\n"
                     "    pattern: print(...)\n", encoding="utf-8")
    opts = SemgrepOptions(builtin=False)
    first = _per_file_key(Semgrep(rules=[rules]), opts, sf, cache)
    assert _per_file_key(Semgrep(rules=[rules]), opts, sf, cache) == first
    assert _per_file_key(Semgrep(), opts, sf, cache) != first
    assert _per_file_key(Semgrep(rules=[rules]), SemgrepOptions(builtin=False, exclude_rules=("x",)), sf, cache) != first
    memo = fingerprint([Semgrep(rules=[rules])], {"semgrep": opts})  # type: ignore[list-item]
    rules.write_text(rules.read_text(encoding="utf-8").replace("print(...)", "print(1)"), encoding="utf-8")
    assert _per_file_key(Semgrep(rules=[rules]), opts, sf, cache) != first
    assert fingerprint([Semgrep(rules=[rules])], {"semgrep": opts}) != memo  # type: ignore[list-item]

    rc = tmp_path / "own.pylintrc"
    rc.write_text("[MESSAGES CONTROL]\ndisable=all\n", encoding="utf-8")
    plain = _per_file_key(Pylint(), PylintOptions(), sf, cache)
    with_rc = _per_file_key(Pylint(rcfile=rc), PylintOptions(), sf, cache)
    assert with_rc != plain and _per_file_key(Pylint(rcfile=rc), PylintOptions(), sf, cache) == with_rc
    assert _per_file_key(Pylint(rcfile=rc), PylintOptions(profile="all"), sf, cache) != with_rc
    rc.write_text("[MESSAGES CONTROL]\ndisable=all\nenable=undefined-variable\n", encoding="utf-8")
    assert _per_file_key(Pylint(rcfile=rc), PylintOptions(), sf, cache) != with_rc
