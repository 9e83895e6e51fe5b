"""The project's target Python (reviewbot/pytarget.py): read from real files in real git repositories, the base
version first, setup.py never executed, bad values a one-line warning."""

from __future__ import annotations

import sys

import pytest

from reviewbot import pytarget
from reviewbot.config import FileSettings, validate
from reviewbot.errors import ConfigError
from reviewbot.sources import RangeSource, WorktreeSource
from tests.helpers import GitRepo

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"


def pyproject(requires: str | None = None, classifiers: list[str] | None = None) -> str:
    lines = ["[project]", 'name = "demo"']
    if requires is not None:
        lines.append(f"requires-python = {requires}")
    if classifiers is not None:
        lines.append("classifiers = [" + ", ".join(f'"{c}"' for c in classifiers) + "]")
    return "\n".join(lines) + "\n"


def target_of(repo: GitRepo) -> pytarget.Target:
    """The target of a review of the working tree (base version: HEAD)."""
    return pytarget.for_review(WorktreeSource(repo.path), None)


def committed(repo: GitRepo, files: dict[str, str]) -> GitRepo:
    for rel, text in files.items():
        repo.write(rel, text)
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    return repo


@pytest.mark.parametrize(
    ("requires", "minimum"),
    [
        ('">=3.8"', "3.8"),
        ('">=3.8, <4"', "3.8"),
        ('"~=3.9"', "3.9"),
        ('">=3.8, !=3.8.*"', "3.9"),
        ('">3.8"', "3.8"),  # 3.8.1 is > 3.8
        ('"==3.11.*"', "3.11"),
        ('">=3.8.1"', "3.8"),
        ('">=2.7, !=3.0.*, !=3.1.*"', "2.7"),
    ],
)
def test_requires_python_in_pyproject(repo: GitRepo, requires: str, minimum: str) -> None:
    got = target_of(committed(repo, {"pyproject.toml": pyproject(requires)}))
    assert got.minimum == minimum
    assert got.spec == requires.strip('"')
    assert got.origin == "requires-python in pyproject.toml at HEAD"
    assert got.warnings == ()
    assert got.describe() == (f"judged for Python {got.spec} (requires-python in pyproject.toml at HEAD); "
                              f"standard library of Python {RUNNING}")


def test_python_requires_in_setup_cfg(repo: GitRepo) -> None:
    cfg = "[metadata]\nname = demo\n\n[options]\npython_requires = >=3.7\npackages = find:\n"
    got = target_of(committed(repo, {"setup.cfg": cfg, "pyproject.toml": pyproject()}))
    assert (got.minimum, got.spec, got.origin) == ("3.7", ">=3.7", "python_requires in setup.cfg at HEAD")


def test_setup_py_is_read_with_ast_and_never_run(repo: GitRepo) -> None:
    setup_py = (
        "import pathlib\n"
        "pathlib.Path('EXECUTED').write_text('setup.py ran')\n"
        "raise SystemExit('setup.py must never run')\n"
        "from setuptools import setup\n"
        "setup(name='demo', python_requires='>=3.6', classifiers=['Programming Language :: Python :: 3.9'])\n"
    )
    committed(repo, {"setup.py": setup_py})
    got = target_of(repo)
    assert (got.minimum, got.spec, got.origin) == ("3.6", ">=3.6", "python_requires in setup.py at HEAD")
    assert not (repo.path / "EXECUTED").exists()


def test_setup_py_with_a_computed_value_is_not_evaluated(repo: GitRepo) -> None:
    setup_py = "import setuptools\nPY = '>=3.' + '6'\nsetuptools.setup(name='demo', python_requires=PY)\n"
    got = target_of(committed(repo, {"setup.py": setup_py}))
    assert got.declared is False and got.minimum == RUNNING
    assert got.warnings == ("python_requires in setup.py at HEAD: not a string literal (setup.py is never run); "
                            "ignored",)


@pytest.mark.parametrize(
    ("files", "minimum", "where"),
    [
        ({"pyproject.toml": pyproject(classifiers=["Programming Language :: Python :: 3",
                                                   "Programming Language :: Python :: 3.12",
                                                   "Programming Language :: Python :: 3.10",
                                                   "Programming Language :: Python :: 3.11"])},
         "3.10", "pyproject.toml"),
        ({"setup.cfg": "[metadata]\nname = demo\nclassifiers =\n    Programming Language :: Python :: 3.9\n"
                       "    Programming Language :: Python :: 3.13\n    License :: OSI Approved\n"},
         "3.9", "setup.cfg"),
        ({"setup.py": "from setuptools import setup\nsetup(classifiers=("
                      "'Programming Language :: Python :: 3.8', 'Programming Language :: Python :: 3.14'))\n"},
         "3.8", "setup.py"),
    ],
)
def test_classifiers_when_nothing_else_is_declared(repo: GitRepo, files: dict[str, str], minimum: str,
                                                   where: str) -> None:
    got = target_of(committed(repo, files))
    assert (got.minimum, got.spec) == (minimum, f">={minimum}")
    assert got.origin == f"the Programming Language :: Python :: X.Y classifiers in {where} at HEAD"


def test_requires_python_wins_over_classifiers_and_setup_files(repo: GitRepo) -> None:
    files = {
        "pyproject.toml": pyproject('">=3.10"', ["Programming Language :: Python :: 3.7"]),
        "setup.cfg": "[options]\npython_requires = >=3.6\n",
        "setup.py": "from setuptools import setup\nsetup(python_requires='>=3.5')\n",
    }
    assert target_of(committed(repo, files)).minimum == "3.10"


@pytest.mark.parametrize(
    ("requires", "problem"),
    [
        ('">=three"', "'>=three' is not a version specifier; ignored"),
        ("3.8", "3.8 is not a string; ignored"),
        ('">=4"', "'>=4' admits no Python release; ignored"),
        ('""', "empty; ignored"),
    ],
)
def test_bad_values_are_a_one_line_warning_and_the_next_source_is_used(
    repo: GitRepo, requires: str, problem: str
) -> None:
    committed(repo, {"pyproject.toml": pyproject(requires), "setup.cfg": "[options]\npython_requires = >=3.7\n"})
    got = target_of(repo)
    assert (got.minimum, got.origin) == ("3.7", "python_requires in setup.cfg at HEAD")
    assert got.warnings == (f"requires-python in pyproject.toml at HEAD: {problem}",)


def test_unreadable_files_are_warnings_too(repo: GitRepo) -> None:
    committed(repo, {"pyproject.toml": "[project\nname=", "setup.cfg": "no section header\n",
                     "setup.py": "def broken(:\n"})
    got = target_of(repo)
    assert got.declared is False and got.minimum == RUNNING
    assert len(got.warnings) == 3 and all("\n" not in w for w in got.warnings)
    assert got.warnings[0].startswith("pyproject.toml at HEAD: invalid TOML")
    assert got.warnings[1].startswith("setup.cfg at HEAD: not readable")
    assert got.warnings[2] == "setup.py at HEAD: does not parse; not read for the target Python"
    assert got.describe() == (f"judged for Python {RUNNING} (the running interpreter; the project declares no "
                              f"version); standard library of Python {RUNNING}")


def test_the_base_version_decides_not_the_change(repo: GitRepo) -> None:
    committed(repo, {"pyproject.toml": pyproject('">=3.8"')})
    repo.write("pyproject.toml", pyproject('">=3.12"'))  # the reviewed change relaxes the review for itself
    got = target_of(repo)
    assert (got.minimum, got.origin) == ("3.8", "requires-python in pyproject.toml at HEAD")


def test_the_tree_when_the_base_version_declares_nothing(repo: GitRepo) -> None:
    committed(repo, {})
    repo.write("pyproject.toml", pyproject('">=3.9"'))
    got = target_of(repo)
    assert (got.minimum, got.origin) == ("3.9", "requires-python in pyproject.toml")


def test_a_range_is_judged_by_its_base_commit(repo: GitRepo) -> None:
    base = committed(repo, {"pyproject.toml": pyproject('">=3.9"')}).git("rev-parse", "HEAD").strip()
    repo.write("pyproject.toml", pyproject('">=3.13"'))
    repo.write("app.py", "x = 2\n")
    repo.commit("change")
    got = pytarget.for_review(RangeSource(repo.path, base, "HEAD", True), None)
    assert got.minimum == "3.9"
    assert got.origin == f"requires-python in pyproject.toml at the base commit {base[:12]}"


def test_the_config_overrides_what_the_project_declares(repo: GitRepo) -> None:
    committed(repo, {"pyproject.toml": pyproject('">=3.8"')})
    got = pytarget.for_review(WorktreeSource(repo.path), "3.10")
    assert (got.minimum, got.spec) == ("3.10", ">=3.10")
    assert got.describe() == (f"judged for Python >=3.10 (the python-version setting of reviewbot's config); "
                              f"standard library of Python {RUNNING}")


def test_python_version_setting_is_validated() -> None:
    assert validate({"python-version": "3.9"}, "x.toml", "").file.python_version == "3.9"
    assert FileSettings().python_version is None
    for bad in ("three", "3", "3.9.1", 3.9):
        with pytest.raises(ConfigError, match=r"x\.toml: python-version"):
            validate({"python-version": bad}, "x.toml", "")
