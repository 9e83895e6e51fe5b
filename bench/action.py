"""How long the GitHub Action makes a pull request wait: action.yml replayed on this machine, cold and warm.

The action is a snapshot of this checkout (tracked and untracked, not ignored files), as GitHub downloads it. Its
steps run through bench/action_replay.py: ``run`` steps in bash, actions/setup-python as a local Python 3.13,
actions/cache/restore and actions/cache/save on a folder of zstd tarballs (GitHub's branch scopes and lookup order).
``reviewbot action`` publishes to the fake GitHub of tests/github/fake_github.py, with the real analyzers and no LLM.

- ``cold``: no cache entry at all (a fresh venv, an empty pip cache, an empty reviewbot cache); PR #1 with 10
  changed Python files.
- ``pip`` (``--pip-run``): the environment's entry is gone but pip's downloads are there (a new action version).
- ``warm``: everything the cold run saved, restored; a new push to PR #1 that changes one of the 10 files.

``runner.temp`` is the same folder in every run and is emptied before each, as on a GitHub-hosted runner. Printed
for each run: the steps' seconds, the time before the review starts, the review's time, and the job summary's
timings table. Cache entries are restored from local disk: GitHub adds the download (sizes are printed).

Usage: python bench/action.py [--python PATH] [--pip-run] [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import glob
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import action_replay as ar  # noqa: E402

from tests.github.fake_github import FakeGitHub  # noqa: E402
from tests.github.pr_repo import PrRepo  # noqa: E402

REPO = "octo/demo"
TOKEN = "ghs_bench_token"
FILES = 10


def find_python(given: str | None) -> str:
    """The interpreter actions/setup-python would give (3.13): ``given``, else a local 3.13, else this one."""
    candidates = [given] if given else []
    pyenv = glob.glob(str(Path.home() / ".pyenv/versions/3.13*/bin/python3.13"))
    candidates += [shutil.which("python3.13") or "", *sorted(pyenv)]
    for c in candidates:
        if c and subprocess.run([c, "-c", "import venv"], capture_output=True, check=False).returncode == 0:
            return str(Path(c).resolve()) if "shims" not in c else c
    return sys.executable


def snapshot(dest: Path) -> Path:
    """The action as downloaded: this checkout's tracked and untracked (not ignored) files, symlinks kept."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src, dst = ROOT / rel, dest / rel
        if not src.exists() and not src.is_symlink():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(src.readlink())
        elif src.is_file():
            shutil.copy2(src, dst)
    return dest


def module(i: int, *, head: bool, push: int = 0) -> str:
    """A module of the reviewed project; the head adds code with things to say about it (one with a fix that the
    discriminator verifies by re-running the analyzers), a push one more function."""
    body = [f'"""Module {i} of the demo service."""', "", "import json", "import subprocess", "", "",
            f"def load_{i}(path):", "    with open(path) as fh:", "        return json.load(fh)", ""]
    for j in range(6):
        body += ["", f"def helper_{i}_{j}(items):", "    total = 0", "    for item in items:",
                 f"        if item > {j}:", "            total += item", "    return total", ""]
    if head:
        body += ["", f"def run_{i}(command):", "    return subprocess.run(command, shell=True)", "",
                 "", f"def parse_{i}(text):", "    try:", "        return eval(text)", "    except:",
                 "        return None", "", "", f"def report_{i}(value, seen=[]):", "    seen.append(value)",
                 "    print(value)", "    return seen", "", "", f"def check_{i}(x):", "    if x == None:",
                 "        return 0", "    return x", ""]
    if push:
        body += ["", f"def pushed_{i}_{push}(a, b):", "    if a == None:", "        return b", "    return a", ""]
    return "\n".join(body) + "\n"


def event(number: int, base: str, head: str, action: str) -> dict[str, Any]:
    return {"action": action, "number": number, "repository": {"full_name": REPO},
            "pull_request": {"number": number, "base": {"sha": base, "ref": "main", "repo": {"full_name": REPO}},
                             "head": {"sha": head, "ref": "feature", "repo": {"full_name": REPO}}}}


def replay(name: str, work: Path, action_path: Path, repo: PrRepo, fake: FakeGitHub, store: ar.CacheStore,
           python: str, ev: dict[str, Any]) -> dict[str, Any]:
    temp = work / "runner-temp"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(parents=True)
    job = work / f"job-{name}"
    job.mkdir()
    (job / "event.json").write_text(json.dumps(ev), encoding="utf-8")
    summary = job / "step_summary.md"
    env = ar.job_env()
    env.update(GITHUB_EVENT_PATH=str(job / "event.json"), GITHUB_EVENT_NAME="pull_request", GITHUB_REPOSITORY=REPO,
               GITHUB_API_URL=fake.api_url, GITHUB_SERVER_URL=f"http://{fake.host}", GITHUB_TOKEN=TOKEN,
               GITHUB_WORKSPACE=str(repo.root), GITHUB_STEP_SUMMARY=str(summary), HOME=env.get("HOME", str(job)))
    number = ev["pull_request"]["number"]
    started = time.monotonic()
    marks: dict[str, float] = {}

    def on_step(step: ar.StepRun) -> None:
        marks[step.id] = time.monotonic() - started
        flag = "" if step.outcome != "failure" else f"  FAILED\n{step.stdout[-2000:]}{step.stderr[-2000:]}"
        print(f"  {step.name:<34} {step.outcome:<8} {step.seconds:7.1f} s{flag}", file=sys.stderr)

    print(f"{name}:", file=sys.stderr)
    run = ar.Replay(action_path, temp, env, ev, python, store, [f"refs/pull/{number}/merge", "refs/heads/main"],
                    inputs={"fail-on": "none"}, on_step=on_step)
    steps = run.run()
    review = next(s for s in steps if s.id == "review")
    review_end = marks["review"]
    before = review_end - review.seconds
    return {
        "name": name,
        "steps": [{"name": s.name, "outcome": s.outcome, "seconds": round(s.seconds, 2)} for s in steps],
        "before_review": round(before, 1),
        "review": round(review.seconds, 1),
        "after_review": round(time.monotonic() - started - review_end, 1),
        "total": round(time.monotonic() - started, 1),
        "summary_timings": summary.read_text(encoding="utf-8").split("### Timings", 1)[-1].strip()
        if summary.exists() else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", help="the interpreter setup-python gives (default: a local 3.13)")
    parser.add_argument("--pip-run", action="store_true", help="also a run with pip's downloads but no environment")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    python = find_python(args.python)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-action-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder {work}; setup-python gives {python}", file=sys.stderr)
    action_path = snapshot(work / "_actions" / "reviewbot")
    store = ar.CacheStore(work / "cache-store")
    repo = PrRepo(work / "repo")
    base = repo.commit({f"svc/mod_{i}.py": module(i, head=False) for i in range(FILES)}, "base")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({f"svc/mod_{i}.py": module(i, head=True) for i in range(FILES)}, f"change {FILES} files")
    results = []
    try:
        with FakeGitHub(REPO, text_at=repo.text_at) as fake:
            fake.add_token(TOKEN, "github-actions[bot]")
            fake.add_pull(1, base, head, repo.diff(base, head))
            results.append(replay("cold", work, action_path, repo, fake, store, python, event(1, base, head, "opened")))
            if args.pip_run:
                venv_entries = list(store.root.glob("*/reviewbot-venv-*"))
                moved = [(p, p.with_name(p.name + ".aside")) for p in venv_entries]
                for src, dst in moved:
                    src.rename(dst)
                results.append(replay("pip", work, action_path, repo, fake, store, python,
                                      event(1, base, head, "reopened")))
                for src, dst in moved:
                    if not src.exists():
                        dst.rename(src)
            head2 = repo.commit({"svc/mod_3.py": module(3, head=True, push=1)}, "one more change")
            fake.push(1, head2, repo.diff(base, head2))
            results.append(replay("warm", work, action_path, repo, fake, store, python,
                                  event(1, base, head2, "synchronize")))
        sizes = {p.name: round(p.stat().st_size / 1e6, 1) for p in sorted(store.root.rglob("*.tar"))}
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"runs": results, "cache_entries_mb": sizes}, indent=2))
        return 0
    print("\n| run | before the review starts | review | after (saves) | total |\n|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['before_review']:.1f} s | {r['review']:.1f} s | {r['after_review']:.1f} s | "
              f"{r['total']:.1f} s |")
    print("\ncache entries (MB, compressed):", ", ".join(f"{k} {v}" for k, v in sizes.items()))
    for r in results:
        print(f"\n{r['name']}: the job summary's timings\n{r['summary_timings']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
