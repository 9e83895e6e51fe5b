"""Large reviews on a pull request: where every comment went, and that every count the output states is true.

A PR adds a generated file with hundreds of real bandit findings, and the trusted config raises ``max-comments`` and
``max-comments-per-file`` so that they all clear the review. ``reviewbot action`` runs against the fake GitHub with a
token that can write (inline comments and the summary comment) or with a fork's read-only token (annotations and the
job summary), with and without ``sarif-output``. Each test parses everything the run wrote (inline comments, the
summary comment, the job summary file, the annotations on stdout, the SARIF file) and checks that:

(a) every comment of the review is in at least one place, or is counted as "listed nowhere else" by a place that
    left it out;
(b) every "N more comment(s) not shown/listed here ... Where they are — place: count" statement is exact, and no
    output names a place that does not exist (a SARIF file when none is written);
(c) the job summary stays within its cap (GitHub's documented 1 MiB per step, with a margin), and is not cut far
    below it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewbot import wiring
from reviewbot.cli import main
from reviewbot.github.markers import is_summary
from reviewbot.models import Review
from tests.github.conftest import RO_TOKEN, RW_TOKEN, ActionEnv
from tests.github.pr_repo import PrRepo
from tests.github.fake_github import FakeGitHub

Key = tuple[str, int, str]  # path, line, origin: one comment of the review
MIB = 1024 * 1024
BOT = "github-actions[bot]"
N = 7  # the PR number


# -- the pull requests ---------------------------------------------------------------------------------------------
def _many() -> str:
    """420 functions, one real bandit finding each: shell=True (error), eval and pickle (warnings). Each flagged line
    has its own text (the argument's name): a finding repeated on lines of the same text is one comment."""
    calls = ["subprocess.call(x{i}, shell=True)", "eval(x{i})", "pickle.loads(x{i})"]
    funcs = [f"def f{i}(x{i}):\n    return {calls[i % 3].format(i=i)}\n" for i in range(420)]
    return "import pickle\nimport subprocess\n\n\n" + "\n\n".join(funcs)


def _huge() -> str:
    """400 hardcoded passwords of 3,000 characters: bandit quotes each in its message (about 1.3 MB of comments)."""
    funcs = [f"def g{i}():\n    password = '{'p' * 3000}{i:04d}'\n    return password\n" for i in range(400)]
    return "\n\n".join(funcs)


SCENARIOS = {
    # name: (file text, config lines); max-comments 400 comes from the action's input
    "many": (_many, 'analyzers = ["bandit"]\nmax-comments-per-file = 1000\n'),
    "huge": (_huge, 'analyzers = ["bandit"]\nmax-comments-per-file = 1000\nmin-score = 0\n'),
}


def _open_pr(pr_repo: PrRepo, fake: FakeGitHub, scenario: str, *, fork: bool) -> tuple[str, str]:
    text, config = SCENARIOS[scenario]
    base = pr_repo.commit({"app.py": "x = 1\n", ".reviewbot.toml": config}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"gen.py": text()}, "generated code")
    fake.add_pull(N, base, head, pr_repo.diff(base, head), head_repo="mallory/demo" if fork else None)
    return base, head


# -- parsing what the run wrote ------------------------------------------------------------------------------------
_HEADING = re.compile(r"^#### \S+ `(?P<where>[^`]+)` — \w+ \((?P<origin>[^)]*)\)$", re.MULTILINE)
_WHERE = r"Where they are — (?P<where>[^\n]*)"
_MORE = re.compile(r"… (?P<k>\d+) more comment\(s\) not (?:shown|listed) here: [^\n]*?" + _WHERE)
_UNSEEN = re.compile(r"(?P<k>\d+) of the (?P<n>\d+) comment\(s\) are not shown as annotations\. " + _WHERE)
_ANNOTATION = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$", re.MULTILINE)


def _listed(markdown: str) -> set[Key]:
    out = set()
    for m in _HEADING.finditer(markdown):
        path, _, lines = m["where"].rpartition(":")
        out.add((path, int(lines.split("-")[0]), m["origin"]))
    return out


def _unescape(text: str) -> str:
    for code, ch in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, ch)
    return text


@dataclass
class Annotations:
    shown: set[Key] = field(default_factory=set)  # the first 10 of each level of the step: what GitHub shows
    emitted: list[Key] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # the shown annotations without a file (our own notes)


def _annotations(stdout: str) -> Annotations:
    out = Annotations()
    per_level: Counter[str] = Counter()
    for m in _ANNOTATION.finditer(stdout):
        props = dict(p.split("=", 1) for p in m["props"].split(",") if "=" in p)
        visible = per_level[m["level"]] < 10
        per_level[m["level"]] += 1
        if "file" not in props:
            assert visible, "reviewbot's own warning must come first, where GitHub still shows it"
            out.messages.append(_unescape(m["message"]))
            continue
        title = _unescape(props["title"]).removeprefix("reviewbot: ")
        key = (_unescape(props["file"]), int(props["line"]), re.sub(r" \(CWE-\d+\)$", "", title))
        out.emitted.append(key)
        if visible:
            out.shown.add(key)
    return out


@dataclass(frozen=True)
class Statement:
    where: str  # which output said it
    missing: frozenset[Key]  # what that output left out, as the test counts it
    text: str  # the "Where they are — ..." part


def _segments(text: str) -> list[tuple[str, int | None, str]]:
    """``(place, count or None for "all N", the count's text)`` of a "Where they are" sentence."""
    out = []
    for seg in text.rstrip().removesuffix(".").split("; "):
        m = re.fullmatch(r"(?P<place>.+?): (?:all (?P<all>\d+)|(?P<n>\d+))(?: \(.*\))?", seg)
        assert m, f"cannot read {seg!r} in {text!r}"
        out.append((m["place"], None if m["all"] else int(m["n"]), m["all"] or m["n"]))
    return out


def _check(statement: Statement, places: dict[str, set[Key]]) -> int:
    """The statement's counts are exact; returns how many it counts as listed nowhere."""
    everywhere = set().union(*places.values())
    nowhere = 0
    for place, n, text in _segments(statement.text):
        if place == "listed nowhere else":
            nowhere = int(text)
            assert nowhere == len(statement.missing - everywhere), (statement.where, statement.text)
            continue
        assert place in places, f"{statement.where} names {place!r}, which this run did not write"
        have = statement.missing & places[place]
        if n is None:
            assert int(text) == len(statement.missing) and have == statement.missing, (statement.where, place)
        else:
            assert n == len(have), (statement.where, place, n, len(have))
    if not nowhere:
        assert statement.missing <= everywhere, (statement.where, "some comments are nowhere, uncounted")
    return nowhere


# -- the run -------------------------------------------------------------------------------------------------------
@dataclass
class Run:
    review: Review
    keys: list[Key]
    stdout: str


def _run(action_env: ActionEnv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *,
         base: str, head: str, fork: bool, sarif: Path | None) -> Run:
    action_env.set(number=N, base=base, head=head, token=RO_TOKEN if fork else RW_TOKEN,
                   head_repo="mallory/demo" if fork else "octo/demo")
    monkeypatch.setenv("INPUT_MAX_COMMENTS", "400")
    if sarif is not None:
        monkeypatch.setenv("INPUT_SARIF_OUTPUT", str(sarif))
    seen: list[Review] = []
    original = wiring.execute

    def spy(source, settings, **kw):  # type: ignore[no-untyped-def]
        seen.append(original(source, settings, **kw))
        return seen[-1]

    monkeypatch.setattr(wiring, "execute", spy)
    capsys.readouterr()
    assert main(["action"]) in (0, 1)
    review = seen[-1]
    keys = [(c.path, c.line, c.origin) for c in (*review.comments, *review.summary.moved_to_summary)]
    assert len(keys) == len(set(keys)) >= 300  # a large review, one comment per line
    return Run(review, keys, capsys.readouterr().out)


def _account(run: Run, action_env: ActionEnv, fake: FakeGitHub, *, fork: bool, sarif: Path | None) -> None:
    everything = set(run.keys)
    places: dict[str, set[Key]] = {}  # place name, as the outputs name it -> the comments it really lists
    outputs: dict[str, str] = {}  # what the user reads: the job summary, the summary comment or our warning

    summary_text = action_env.summary.read_text(encoding="utf-8")
    outputs["job summary"] = summary_text
    places["the job summary of this run"] = _listed(summary_text)
    if sarif is not None:
        data = json.loads(sarif.read_text(encoding="utf-8"))
        places[f"the SARIF file `{sarif}`"] = {
            (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"], r["properties"]["origin"])
            for r in data["runs"][0]["results"]
        }
    if fork:
        assert fake.comments_of(N) == [] and fake.issue_comments_of(N) == []
        notes = _annotations(run.stdout)
        assert notes.emitted == run.keys  # every comment is emitted, in the review's order
        places["the annotations of this step"] = notes.shown
        outputs["warning annotation"] = "\n".join(notes.messages)
    else:
        inline = {(c["path"], c["line"], re.search(r"· `([^`]+)`", c["body"])[1])  # type: ignore[index]
                  for c in fake.comments_of(N) if c["user"]["login"] == BOT}
        [comment] = [c for c in fake.issue_comments_of(N) if is_summary(c["body"])]
        outputs["summary comment"] = comment["body"]
        places["inline comments on the pull request"] = inline
        places["the summary comment on the pull request"] = _listed(comment["body"])

    # no output names a SARIF file when none is written
    if sarif is None:
        for name, text in outputs.items():
            assert "SARIF" not in text.replace("no SARIF file is written", ""), f"the {name} names a SARIF output"

    # each place that cannot hold every comment counts what it left out and says where those are
    statements: list[Statement] = []
    missing = frozenset(everything - places["the job summary of this run"])
    found = list(_MORE.finditer(summary_text))
    assert bool(found) == bool(missing), "the job summary must count what it could not hold"
    for m in found:
        assert int(m["k"]) == len(missing)
        statements.append(Statement("job summary", missing, m["where"]))
    if fork:
        hidden = frozenset(everything - places["the annotations of this step"])
        for name in ("warning annotation", "job summary"):  # both say what the annotations do not show
            found = list(_UNSEEN.finditer(outputs[name]))
            assert found, f"the {name} must say that GitHub shows only part of the annotations"
            for m in found:
                assert (int(m["k"]), int(m["n"])) == (len(hidden), len(everything))
                statements.append(Statement(name, hidden, m["where"]))
    else:
        body = outputs["summary comment"]
        assert len(body) <= 65_536
        not_inline = everything - places["inline comments on the pull request"]
        assert f"### Not posted inline ({len(not_inline)})" in body
        left_out = frozenset(not_inline - places["the summary comment on the pull request"])
        found = list(_MORE.finditer(body))
        assert bool(found) == bool(left_out), "the summary comment must count what it could not hold"
        for m in found:
            assert int(m["k"]) == len(left_out)
            statements.append(Statement("summary comment", left_out, m["where"]))

    # (b) every count is exact
    counted_nowhere: set[Key] = set()
    for st in statements:
        if _check(st, places):
            counted_nowhere |= st.missing - set().union(*places.values())
    # (a) every comment is in a place, or counted as listed nowhere by a place that left it out
    assert everything <= set().union(*places.values()) | counted_nowhere
    # (c) the job summary is within its cap, and a cut one uses its room
    size = len(summary_text.encode("utf-8"))
    assert size <= MIB
    from reviewbot.github import limits

    assert size <= limits.STEP_SUMMARY_BUDGET
    if missing:
        assert size >= limits.STEP_SUMMARY_BUDGET - 2 * 16 * 1024 - 4096, "cut far below its cap"


CASES = [
    # (token, scenario, SARIF): each is a way main's output misreported where the comments went
    ("write", "many", False),  # the summary comment said the (absent) SARIF output has them all
    ("write", "huge", True),  # ... and that the job summary (cut at 250,000 characters) has them all
    ("write", "huge", False),
    ("fork", "many", False),  # 10 of each level shown as annotations, the rest not mentioned
    ("fork", "huge", True),  # the job summary cut mid-way with no count
]


@pytest.mark.usefixtures("sleeps")
@pytest.mark.parametrize(("token", "scenario", "with_sarif"), CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_large_review_accounts_for_every_comment(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                                 monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path, token: str, scenario: str, with_sarif: bool) -> None:
    fork = token == "fork"
    base, head = _open_pr(pr_repo, fake, scenario, fork=fork)
    sarif = tmp_path / "out" / "review.sarif" if with_sarif else None
    run = _run(action_env, monkeypatch, capsys, base=base, head=head, fork=fork, sarif=sarif)
    _account(run, action_env, fake, fork=fork, sarif=sarif)
    if scenario == "many":  # the budget cut is counted with its reason
        assert "20 over-review-budget" in action_env.summary.read_text(encoding="utf-8")


@pytest.mark.usefixtures("sleeps")
def test_rerun_keeps_the_accounting_and_edits_the_summary(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    base, head = _open_pr(pr_repo, fake, "many", fork=False)
    _run(action_env, monkeypatch, capsys, base=base, head=head, fork=False, sarif=None)
    [first] = [c for c in fake.issue_comments_of(N) if is_summary(c["body"])]
    action_env.summary.unlink()
    run = _run(action_env, monkeypatch, capsys, base=base, head=head, fork=False, sarif=None)
    [second] = [c for c in fake.issue_comments_of(N) if is_summary(c["body"])]
    assert second["id"] == first["id"]  # edited in place (or left unchanged), never a second summary
    # the cap is on new inline comments per review: 20 more this time, the first 20 kept (not posted again)
    assert "Inline comments: 20 new, 20 already posted, 0 outdated removed." in second["body"]
    _account(run, action_env, fake, fork=False, sarif=None)



@pytest.mark.usefixtures("sleeps")
def test_job_summary_counts_what_an_earlier_step_wrote(action_env: ActionEnv, pr_repo: PrRepo, fake: FakeGitHub,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The step summary file already holds 900,000 bytes: reviewbot appends only what keeps the file under its cap."""
    base, head = _open_pr(pr_repo, fake, "huge", fork=False)
    action_env.summary.write_text("earlier output\n" * 60_000, encoding="utf-8")  # 900,000 bytes
    sarif = tmp_path / "review.sarif"
    run = _run(action_env, monkeypatch, capsys, base=base, head=head, fork=False, sarif=sarif)
    _account(run, action_env, fake, fork=False, sarif=sarif)


def test_job_summary_cap_is_in_bytes_and_cut_between_comments() -> None:
    """Comments in CJK text (3 bytes a character in UTF-8, 1 UTF-16 unit): the cap holds for the bytes written, the
    listing ends with a whole comment, and the count of the rest is exact."""
    from reviewbot.github import jobsummary, limits
    from reviewbot.models import Comment, Severity, Summary

    comments = tuple(
        Comment(path="gen.py", line=i, end_line=i, severity=Severity.WARNING, origin="llm:model",
                body="危険な入力" * 200 + f" #{i}", score=0.9, reason="model")
        for i in range(1, 401)
    )
    review = Review(comments, Summary(files_reviewed=("gen.py",)))
    plan = jobsummary.plan(review)
    from reviewbot.github.accounting import job_summary_note

    text = plan.render([job_summary_note(plan.listed, plan.total, [])])
    size = len(text.encode("utf-8"))
    assert size <= limits.STEP_SUMMARY_BUDGET < MIB
    assert 0 < plan.listed < plan.total
    assert len(_listed(text)) == plan.listed and f" #{plan.listed}\n" in text  # the last listed one is whole
    assert f"… {plan.total - plan.listed} more comment(s) not listed here" in text
    assert f"listed nowhere else: {plan.total - plan.listed}" in text
