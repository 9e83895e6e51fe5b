"""bench/static_real.py without the network: sdists made here -> a case repository, label keys, the metrics of a
given JSON report, and the skip when no sdist was fetched."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import static_real as sr  # noqa: E402

PAIR = sr.Pair("More-Itertools", "1.0", "1.1")


def sdist(folder: Path, filename: str, top: str, files: dict[str, str]) -> Path:
    """A source distribution like PyPI's: every member under one ``top/`` folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    if filename.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as z:
            for name, text in files.items():
                z.writestr(f"{top}/{name}", text)
        return path
    with tarfile.open(path, "w:gz") as t:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


OLD = {"PKG-INFO": "Version: 1.0\n", "more_itertools/more.py": "def a():\n    return 1\n",
       "more_itertools/gone.py": "x = 1\n", ".gitignore": "*.py\nbuild/\n", "build/keep.txt": "kept\n"}
NEW = {"PKG-INFO": "Version: 1.1\n", "more_itertools/more.py": "def a():\n    return 2\n\n\ndef b():\n    return 3\n",
       "tests/test_more.py": "def test_b():\n    assert True\n", ".gitignore": "*.py\nbuild/\n"}


def test_a_pair_becomes_a_repository_with_the_old_release_as_base(tmp_path: Path) -> None:
    sdists = tmp_path / "sdists"
    # names as PyPI spells them: normalised when looked up
    sdist(sdists, "more_itertools-1.0.tar.gz", "more_itertools-1.0", OLD)
    sdist(sdists, "More-Itertools-1.1.zip", "More-Itertools-1.1", NEW)
    sdist(sdists, "more_itertools-1.10.tar.gz", "more_itertools-1.10", {"x.py": ""})  # not 1.1
    assert sr.sdist_for(sdists, "more-itertools", "1.1") == sdists / "More-Itertools-1.1.zip"
    assert sr.sdist_for(sdists, "more-itertools", "2.0") is None
    repo = sr.prepare(PAIR, sdists, tmp_path / "repos")
    assert repo == tmp_path / "repos" / "more-itertools-1.0-1.1"
    # the top-level NAME-X/ folder is stripped; the sdist's own .gitignore hides nothing
    assert sorted(git(repo, "ls-tree", "-r", "--name-only", "base").split()) == sorted(OLD)
    assert sorted(git(repo, "ls-tree", "-r", "--name-only", "head").split()) == sorted(NEW)
    assert git(repo, "rev-list", "--count", "head").strip() == "2"
    assert git(repo, "rev-parse", "head~1") == git(repo, "rev-parse", "base")
    added = sr.parse_numstat(git(repo, "diff", "--numstat", "--no-renames", "base", "head"))
    assert added == {"more_itertools/more.py": 5, "more_itertools/gone.py": 0, "tests/test_more.py": 2}
    assert sr.prepare(PAIR, tmp_path / "elsewhere", tmp_path / "repos") == repo  # built once


def test_a_missing_sdist_gives_no_repository(tmp_path: Path) -> None:
    sdist(tmp_path / "sdists", "more_itertools-1.0.tar.gz", "more_itertools-1.0", OLD)
    assert sr.prepare(PAIR, tmp_path / "sdists", tmp_path / "repos") is None


def test_members_leaving_the_folder_are_refused(tmp_path: Path) -> None:
    bad = sdist(tmp_path, "evil-1.0.tar.gz", "evil-1.0", {"ok.py": "x = 1\n", "../../escaped.py": "y = 2\n"})
    with pytest.raises(tarfile.OutsideDestinationError):
        sr.unpack(bad, tmp_path / "out")
    assert not (tmp_path / "escaped.py").exists()


def comment(path: str, rule: str, code: str, **extra: object) -> dict[str, object]:
    tool, _, rule_id = rule.partition(":")
    return {"path": path, "line": 3, "tool": tool, "rule": rule_id, "code": code, "severity": "warning",
            "kind": "source", **extra}


def test_label_keys_name_the_case_file_rule_and_line_text() -> None:
    c = comment("src/m.py", "pylint:lost-exception", "        return x  \n        pass\n")
    key = sr.comment_key(PAIR, c)
    assert key == f"more-itertools 1.0..1.1 src/m.py pylint:lost-exception {sr.line_hash('return x')}"
    # the same line re-indented, or elsewhere in the file, is the same comment; another line is not
    assert sr.comment_key(PAIR, comment("src/m.py", "pylint:lost-exception", "return   x", line=90)) == key
    assert sr.comment_key(PAIR, comment("src/m.py", "pylint:lost-exception", "return y")) != key
    assert sr.comment_key(sr.Pair("more-itertools", "1.1", "1.2"), c) != key


def test_labels_must_be_a_verdict(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"labels": {"k": "useful", "j": "great"}}))
    with pytest.raises(SystemExit, match="great"):
        sr.load_labels(path)
    path.write_text(json.dumps({"labels": {"k": "nit"}, "fixtures": {"p 1..2 tests/apps/a.py": "an input"}}))
    labels = sr.load_labels(path)
    assert labels.verdicts == {"k": "nit"} and labels.fixtures == frozenset({"p 1..2 tests/apps/a.py"})
    assert sr.load_labels(tmp_path / "absent.json") == sr.Labels()


def test_metrics_of_a_report() -> None:
    useful = comment("src/m.py", "pylint:lost-exception", "return x")
    report = {
        "comments": [
            useful,
            comment("tests/test_m.py", "radon:complexity-threshold", "def test_a():", kind="tests"),
            comment("tests/apps/app.py", "pylint:undefined-variable", "NOT", severity="error"),  # a fixture, by hand
            comment("tests/data/x.py", "pylint:function-redefined", "def f():", severity="error", kind="data"),
            comment("tests/data/y.py", "pylint:unused-variable", "v = 1", severity="info", kind="data"),
        ],
        "over_budget": [useful, useful],
        "rejected": [useful],
    }
    labels = sr.Labels({sr.comment_key(PAIR, useful): "useful",
                        sr.comment_key(PAIR, report["comments"][1]): "wrong"},  # type: ignore[arg-type]
                       frozenset({f"{PAIR.id} tests/apps/app.py"}))
    m = sr.case_metrics(PAIR, report, {"src/m.py": 1500, "tests/test_m.py": 500, "docs/conf.py": 0}, labels)
    assert (m.py_files, m.added, m.posted, m.over_budget, m.rejected) == (3, 2000, 5, 2, 1)
    assert m.any_posted and m.per_kloc == 2.5
    assert m.kinds == {"source": 2, "tests": 1, "data": 2}
    assert m.fixture_names == 2  # the hand-marked fixture and the data file; info level does not count
    assert m.verdicts == {"useful": 1, "nit": 0, "wrong": 1} and len(m.unlabelled) == 3
    quiet = sr.case_metrics(sr.Pair("idna", "3.7", "3.8"), {"comments": []}, {"idna/core.py": 8}, sr.Labels())
    assert not quiet.any_posted and quiet.per_kloc == 0.0
    total = sr.totals([m, quiet])
    assert (total["changes_with_comment"], total["share_with_comment"]) == (1, 0.5)
    assert total["per_kloc"] == pytest.approx(1000 * 5 / 2008)
    assert total["kinds"] == {"source": 2, "tests": 1, "data": 2} and total["unlabelled"] == 3


def test_run_without_sdists_skips_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sr.main(["run", "--cache", str(tmp_path), "--only", "idna"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("static_real: skipped, the sdists of 1 case(s) are not in ")
    assert "idna 3.7..3.8" in out and "python bench/static_real.py fetch" in out


def test_the_pinned_pairs() -> None:
    pairs = sr.load_pairs()
    assert len(pairs) >= 12 and len({p.name for p in pairs}) >= 8
    reserved = {"black", "cookiecutter", "fastapi", "httpie", "luigi", "pysnooper", "sanic", "scrapy", "thefuck",
                "tornado", "tqdm"}
    assert not {p.name.lower() for p in pairs} & reserved
    assert len({p.id for p in pairs}) == len(pairs)
