"""A finding on a line the change touched but did not introduce (the base version had the same finding on the same
code, names aside) is not reported: it is counted as ``pre-existing`` and listed in the JSON report's rejected
comments with the reason. What the change adds or changes materially is reported as before. Real repositories,
the real bandit and semgrep, reviewed as a pull request (``--base``/``--head``)."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers import GitRepo

BASE = (
    "import subprocess\n\n\n"
    "def run(cmd):\n"
    "    print('running')\n"
    "    subprocess.call(cmd, shell=True)\n"
)
# the variable renamed, on the flagged line too
RENAMED = (
    "import subprocess\n\n\n"
    "def run(command):\n"
    "    print('running')\n"
    "    subprocess.call(command, shell=True)\n"
)


def review(repo: GitRepo, cli: Any, *analyzers: str) -> dict[str, Any]:
    result = cli(repo.path, "review", "--base", "HEAD~1", "--head", "HEAD", "--analyzers", ",".join(analyzers),
                 "--format", "json", "--no-cache")
    assert result.code in (0, 1), result.err
    report: dict[str, Any] = json.loads(result.out)
    return report


def change(repo: GitRepo, before: dict[str, str], after: dict[str, str]) -> None:
    for path, text in before.items():
        repo.write(path, text)
    repo.commit("base")
    for path, text in after.items():
        repo.write(path, text)
    repo.commit("change")


def posted(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(c["path"], c["line"], c["origin"]) for c in report["comments"]]


def pre_existing(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(c["path"], c["line"], c["origin"]) for c in report["rejected"] if c["reason"].startswith("pre-existing")]


def test_a_renamed_variable_on_a_flagged_line_is_not_reported(repo: GitRepo, cli: Any) -> None:
    change(repo, {"tool.py": BASE}, {"tool.py": RENAMED})
    report = review(repo, cli, "bandit")
    assert posted(report) == []
    assert report["summary"]["cut"].get("pre-existing") == 1
    assert pre_existing(report) == [("tool.py", 6, "bandit:B602")]
    reason = report["rejected"][0]["reason"]
    assert "in run" in reason and "did not introduce" in reason


def test_a_new_copy_in_the_same_function_is_reported(repo: GitRepo, cli: Any) -> None:
    # the flagged line renamed (pre-existing) and a second copy of the call added to the same function (new)
    added = RENAMED + "    subprocess.call(command + ' --again', shell=True)\n    subprocess.call(command, shell=True)\n"
    change(repo, {"tool.py": BASE}, {"tool.py": added})
    report = review(repo, cli, "bandit")
    assert pre_existing(report) == [("tool.py", 6, "bandit:B602")]
    assert posted(report) == [("tool.py", 7, "bandit:B602"), ("tool.py", 8, "bandit:B602")]


def test_a_materially_changed_argument_is_reported(repo: GitRepo, cli: Any) -> None:
    base = BASE + "\n\ndef listing():\n    subprocess.call('ls -l', shell=True)\n"
    # run(): only renamed; listing(): the constant command became the caller's input
    head = RENAMED + "\n\ndef listing(path):\n    subprocess.call(path, shell=True)\n"
    change(repo, {"tool.py": base}, {"tool.py": head})
    report = review(repo, cli, "bandit")
    assert pre_existing(report) == [("tool.py", 6, "bandit:B602")]
    assert posted(report) == [("tool.py", 10, "bandit:B602")]


def test_a_new_file_is_reported(repo: GitRepo, cli: Any) -> None:
    change(repo, {"tool.py": BASE}, {"tool.py": RENAMED, "other.py": RENAMED})
    report = review(repo, cli, "bandit")
    assert pre_existing(report) == [("tool.py", 6, "bandit:B602")]
    assert posted(report) == [("other.py", 6, "bandit:B602")]


SSL_BASE = (
    "import ssl\n\n\n"
    "def create_ssl_context(verify=True):\n"
    "    if verify:\n"
    "        ctx = ssl.create_default_context()\n"
    "    else:\n"
    "        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
    "        ssl_context.check_hostname = False\n"
    "        ssl_context.verify_mode = ssl.CERT_NONE\n"
    "        return ssl_context\n"
    "    return ctx\n"
)
# httpx#3442: the variable of the verify=False branch renamed to the one the other branch uses
SSL_RENAMED = (
    "import ssl\n\n\n"
    "def create_ssl_context(verify=True):\n"
    "    if verify:\n"
    "        ctx = ssl.create_default_context()\n"
    "    else:\n"
    "        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
    "        ctx.check_hostname = False\n"
    "        ctx.verify_mode = ssl.CERT_NONE\n"
    "    return ctx\n"
)


def test_semgrep_a_renamed_verify_false_branch_is_pre_existing(repo: GitRepo, cli: Any) -> None:
    change(repo, {"net.py": SSL_BASE}, {"net.py": SSL_RENAMED})
    report = review(repo, cli, "semgrep")
    assert posted(report) == []
    assert pre_existing(report) == [("net.py", 9, "semgrep:ssl-unverified-context"),
                                    ("net.py", 10, "semgrep:ssl-unverified-context")]


# httpx#3319/#3394: the branch moved out of a method the change removed, into a function, `self` renamed on the way
SSL_METHOD = (
    "import ssl\n\n\n"
    "class Config:\n"
    "    def no_verify(self):\n"
    "        self.check_hostname = False\n"
    "        return self\n"
)
SSL_FUNCTION = (
    "import ssl\n\n\n"
    "def no_verify():\n"
    "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
    "    ctx.check_hostname = False\n"
    "    return ctx\n"
)


def test_semgrep_code_moved_out_of_a_removed_definition_is_pre_existing(repo: GitRepo, cli: Any) -> None:
    change(repo, {"net.py": SSL_METHOD}, {"net.py": SSL_FUNCTION})
    report = review(repo, cli, "semgrep")
    assert posted(report) == []
    assert pre_existing(report) == [("net.py", 6, "semgrep:ssl-unverified-context")]
    assert "removed or renamed" in report["rejected"][0]["reason"]


def test_semgrep_the_same_code_in_another_definition_that_stays_is_new(repo: GitRepo, cli: Any) -> None:
    # the method stays (its flag removed); the function that now switches verification off is a new place for it
    kept = SSL_METHOD.replace("        self.check_hostname = False\n", "")
    change(repo, {"net.py": SSL_METHOD}, {"net.py": kept + "\n\n" + SSL_FUNCTION.split("\n\n\n", 1)[1]})
    report = review(repo, cli, "semgrep")
    assert pre_existing(report) == []
    assert posted(report) == [("net.py", 11, "semgrep:ssl-unverified-context")]
