"""The wheel: builds, installs into a fresh venv, and reviews from a directory with a decoy `analyzers` package."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.helpers import GitRepo

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [whl] = out.glob("pyreviewbot-*.whl")
    return whl


def test_wheel_ships_the_folders_inside_the_namespace(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "reviewbot/analyzers/base.py" in names
    assert "reviewbot/rules/__init__.py" in names
    assert "reviewbot/prompts/__init__.py" in names
    assert "reviewbot/schema/review.schema.json" in names
    assert not any(n.startswith(("analyzers/", "rules/", "prompts/", "tests/", "examples/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "reviewbot = reviewbot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def _install(wheel: Path, env_dir: Path) -> Path:
    """A fresh venv at ``env_dir`` with only ``wheel`` installed. The dependencies come from this test run's
    environment (no network): a .pth line appends its site-packages. Only the wheel's own `reviewbot` is importable
    there (this checkout is installed as an editable finder, which a .pth-appended path does not activate)."""
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    fresh_site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True,
        check=True,
    ).stdout.strip()
    Path(fresh_site, "_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([py, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True)
    return env_dir


def test_installed_wheel_reviews_next_to_a_decoy_analyzers_package(wheel: Path, tmp_path: Path) -> None:
    env_dir = _install(wheel, tmp_path / "venv")
    py = env_dir / "bin" / "python"

    repo = GitRepo(tmp_path / "project").init()
    repo.write("analyzers/__init__.py", "raise SystemExit('decoy analyzers package was imported')\n")
    repo.write("rules/__init__.py", "raise SystemExit('decoy rules package was imported')\n")
    repo.write("app.py", "x = 1\n")
    repo.commit()
    repo.write("app.py", "x = 2\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["PYTHONPATH"] = "."  # the project directory itself is importable: `analyzers` there must not matter
    proc = subprocess.run(
        [env_dir / "bin" / "reviewbot", "review", "--format", "json", "--analyzers", ""],
        cwd=repo.path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"files_reviewed": [\n      "app.py"\n    ]' in proc.stdout
    # Analyzers run in worker processes: a `reviewbot/` folder in the reviewed repository must not replace ours
    # there either (the process that forks the workers starts with the current directory on its path).
    repo.write("reviewbot/__init__.py", "raise SystemExit('decoy reviewbot package was imported')\n")
    repo.write("app.py", "import subprocess\nsubprocess.call(input(), shell=True)\n")
    env.pop("PYTHONPATH")
    worker_run = subprocess.run(
        [env_dir / "bin" / "reviewbot", "review", "--format", "json", "--analyzers", "bandit", "--no-cache"],
        cwd=repo.path, capture_output=True, text=True, env=env,
    )
    assert worker_run.returncode == 1, worker_run.stderr
    assert '"origin": "bandit:B602"' in worker_run.stdout
    env["PYTHONPATH"] = "."
    (repo.path / "reviewbot" / "__init__.py").unlink()
    (repo.path / "reviewbot").rmdir()
    probe = subprocess.run(
        [py, "-c", "import reviewbot.analyzers, reviewbot.rules; print(reviewbot.analyzers.__file__)"],
        cwd=repo.path, capture_output=True, text=True, env=env, check=True,
    )
    assert str(env_dir) in probe.stdout


def test_the_checkout_is_the_package_tree(wheel: Path, tmp_path: Path) -> None:
    """From the repository root, the checkout's `reviewbot/` comes first on the path: its analyzers, prompts and
    rules must be reachable from there too (through reviewbot/{analyzers,prompts,rules} -> the top-level folders),
    so `python -m reviewbot`, the bench scripts and mypy work with a normal install as with an editable one."""
    py = _install(wheel, tmp_path / "venv") / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run(
        [py, "-c", "import reviewbot.analyzers, reviewbot.prompts, reviewbot.rules; print(reviewbot.analyzers.__file__)"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == str(ROOT / "reviewbot" / "analyzers" / "__init__.py")
    for folder in ("analyzers", "prompts", "rules"):
        assert (ROOT / "reviewbot" / folder).resolve() == ROOT / folder
    run = subprocess.run([py, "-m", "reviewbot", "rules", "--help"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
