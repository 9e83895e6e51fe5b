"""Record/replay cassettes, prompt dumps, and the committed demo cassette through the CLI."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reviewbot.cli import main
from reviewbot.config import FileSettings, Settings
from reviewbot.errors import ReviewbotError
from reviewbot.llm.cassette import Recorder, ReplayProvider, request_key
from reviewbot.llm.dump import DumpProvider
from reviewbot.llm.provider import Completion, LLMError, Message
from reviewbot.llm.redact import Redactor
from reviewbot.llm.reviewer import LLMReviewer
from reviewbot.llm.schemas import REVIEW
from reviewbot.pipeline import run_review
from tests.llm.conftest import APP, ROOT, SECRET, Waits, by_prompt, comment, comments_json, demo_source
from tests.llm.fakeserver import FakeServer, Reply, openai_body
from tests.llm.test_reviewer import ENV, EVIDENCE, llm_settings, passthrough, scripted

DEMO_CASSETTE = ROOT / "examples" / "demo.cassette.json"
MSGS = (Message("system", "s"), Message("user", "u"))


class _Fixed:
    name = "openai"
    model = "m"

    def identity(self) -> str:
        return "fixed"

    def complete(self, messages, *, schema=None, n=1, label="", gate=None):  # type: ignore[no-untyped-def]
        return Completion(tuple(f"reply {i} {SECRET}" for i in range(n)), 10, 2, 1, "m")


def test_record_then_replay_by_key_and_by_label(tmp_path: Path) -> None:
    rec = Recorder(_Fixed(), Redactor([SECRET]))
    rec.complete(MSGS, schema=REVIEW, n=2, label="review:a.py")
    path = tmp_path / "c.json"
    assert rec.save(path) == 1
    text = path.read_text()
    assert SECRET not in text and "[REDACTED]" in text
    data = json.loads(text)
    assert data["interactions"][0]["key"] == request_key(MSGS, REVIEW, 2)

    replay = ReplayProvider(path)
    assert replay.model == "m"
    hit = replay.complete(MSGS, schema=REVIEW, n=2, label="review:a.py")
    assert hit.texts == ("reply 0 [REDACTED]", "reply 1 [REDACTED]") and hit.notes == ()
    changed = (Message("system", "s"), Message("user", "u, but with new evidence"))
    by_label = replay.complete(changed, schema=REVIEW, n=2, label="review:a.py")
    assert by_label.texts == hit.texts and by_label.notes == ("replayed by label",)
    with pytest.raises(LLMError) as info:
        replay.complete(changed, schema=REVIEW, n=2, label="review:b.py")
    assert info.value.kind == "cassette-miss"
    assert replay.unused() == []


def test_bad_cassettes_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(ReviewbotError, match="not found"):
        ReplayProvider(tmp_path / "missing.json")
    (tmp_path / "x.json").write_text('{"format": "other"}')
    with pytest.raises(ReviewbotError, match="not a reviewbot cassette"):
        ReplayProvider(tmp_path / "x.json")


def test_dump_provider_writes_prompts_and_index(tmp_path: Path) -> None:
    dump = DumpProvider(tmp_path / "out")
    result = dump.complete(MSGS, schema=REVIEW, label="review:src/a.py")
    assert result.texts == () and result.calls == 0
    dump.write_index()
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["001-review-src_a.py.txt", "index.json"]
    assert (tmp_path / "out" / files[0]).read_text() == "===== system =====\ns\n===== user =====\nu\n"


def test_recorded_review_replays_offline(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    server.handler = by_prompt(scripted())
    record = tmp_path / "run.cassette.json"
    llm = llm_settings(server, record=str(record), cache=False)
    live = run_review(
        demo_source(),
        Settings(FileSettings(llm=llm)),
        analyze=lambda *a: EVIDENCE,
        reviewer=LLMReviewer(llm, client=client, sleep=waits, environ=ENV),
        discriminator=passthrough,
    )
    calls = len(server.seen)
    assert calls == 6 and record.exists()
    assert SECRET not in record.read_text()
    assert any(n.startswith("llm: recorded 6 exchange(s)") for n in live.summary.notes)

    offline = llm_settings(server, cassette=str(record), provider="none")
    replayed = run_review(
        demo_source(),
        Settings(FileSettings(llm=offline)),
        analyze=lambda *a: EVIDENCE,
        reviewer=LLMReviewer(offline, environ={}),
        discriminator=passthrough,
    )
    assert len(server.seen) == calls  # no request reached the server
    assert [(c.path, c.line, c.origin, c.body) for c in replayed.comments] == [
        (c.path, c.line, c.origin, c.body) for c in live.comments
    ]
    assert replayed.stats.llm_calls == 6


@pytest.fixture
def in_repo() -> Iterator[None]:
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(old)


def test_demo_cassette_offline_without_analyzers(in_repo: None, tmp_path: Path) -> None:
    """The committed cassette replays offline; without analyzers the prompts differ, so replies match by label."""
    out = tmp_path / "review.json"
    code = main(
        [
            "review",
            "--patch",
            "examples/demo.patch",
            "--analyzers",
            "",
            "--no-cache",
            "-q",
            "--llm-cassette",
            str(DEMO_CASSETTE),
            "--format",
            "json",
            "--output",
            str(out),
        ]
    )
    assert code in (0, 1)
    data = json.loads(out.read_text())
    llm = [c for c in data["comments"] if c["origin"].startswith("llm:demo-fixture#")]
    assert {(c["path"], c["line"]) for c in llm} >= {(APP, 25), ("examples/demo/inventory/db.py", 23)}
    assert all(c["suggestion"] is None or c["suggestion"].endswith("\n") for c in llm)
    notes = "\n".join(data["summary"]["notes"])
    assert "no model was called" in notes
    assert f"moved to the summary: {APP}:44" in notes  # the deliberately wrong line number
    assert "re-anchored" in notes
    assert data["stats"]["llm_calls"] == 3 + 4  # 3 review prompts, then the verify step's 4 (one per file)
    assert "second look at the model's comments:" in notes


def test_demo_cassette_is_keyed_by_todays_prompts(in_repo: None, tmp_path: Path) -> None:
    """With the real analyzers (the README's demo command) every prompt is found by its key: when templates,
    analyzers or rules change what the demo prompts say, rebuild with `python -m tests.llm.demo_cassette`."""
    out = tmp_path / "review.json"
    argv = ["review", "--patch", "examples/demo.patch", "--no-cache", "-q", "--llm-cassette", str(DEMO_CASSETTE)]
    code = main([*argv, "--format", "json", "--output", str(out)])
    assert code in (0, 1)
    notes = "\n".join(json.loads(out.read_text())["summary"]["notes"])
    assert "no model was called" in notes
    assert "replayed by label" not in notes, "the demo cassette is stale: run `python -m tests.llm.demo_cassette`"


def test_dump_prompts_cli_calls_no_model(in_repo: None, tmp_path: Path) -> None:
    out = tmp_path / "prompts"
    code = main(
        [
            "review",
            "--patch",
            "examples/demo.patch",
            "--analyzers",
            "",
            "--no-cache",
            "-q",
            "--dump-prompts",
            str(out),
            "--format",
            "json",
            "--output",
            str(tmp_path / "r.json"),
        ]
    )
    assert code == 0
    index = json.loads((out / "index.json").read_text())
    assert [r["label"] for r in index["requests"]] == [
        "review:examples/demo/inventory/pricing.py",
        "review:examples/demo/inventory/app.py",
        "review:examples/demo/inventory/db.py,examples/demo/inventory/stock.py",
    ]
    assert all(r["prompt_tokens_estimate"] > 500 for r in index["requests"])


def test_no_evidence_flag_reaches_the_prompts(in_repo: None, tmp_path: Path) -> None:
    out = tmp_path / "prompts"
    main(
        [
            "review",
            "--patch",
            "examples/demo.patch",
            "--analyzers",
            "",
            "--no-cache",
            "-q",
            "--no-evidence",
            "--dump-prompts",
            str(out),
            "--format",
            "json",
            "--output",
            str(tmp_path / "r.json"),
        ]
    )
    texts = [p.read_text() for p in out.glob("*.txt")]
    assert texts and not any("Static analysis" in t or "signature before" in t for t in texts)


def test_missing_cassette_is_exit_2(
    in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "review",
            "--patch",
            "examples/demo.patch",
            "--analyzers",
            "",
            "-q",
            "--llm-cassette",
            str(tmp_path / "nope.json"),
        ]
    )
    assert code == 2 and "cassette not found" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_cassette_matches_the_default_run(in_repo: None, tmp_path: Path) -> None:
    """The "done when" command: the default analyzers, the committed cassette, offline."""
    out = tmp_path / "review.json"
    code = main(
        [
            "review",
            "--patch",
            "examples/demo.patch",
            "--llm-cassette",
            str(DEMO_CASSETTE),
            "--format",
            "json",
            "--output",
            str(out),
        ]
    )
    assert code in (0, 1)
    data = json.loads(out.read_text())
    notes = "\n".join(data["summary"]["notes"])
    assert "no recorded reply" not in notes, "re-build the demo cassette: python -m tests.llm.demo_cassette"
    assert any(c["origin"].startswith("llm:") for c in data["comments"])


def test_replay_by_label_is_reported(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    rules = {
        '### File "examples/demo/inventory/app.py"': Reply(
            200,
            openai_body(
                comments_json(comment(APP, 25, "SQL injection.", severity="error", category="security"))
            ),
        )
    }
    server.handler = by_prompt(rules)
    record = tmp_path / "c.json"
    llm = llm_settings(server, record=str(record), cache=False, evidence=False)
    run_review(
        demo_source(),
        Settings(FileSettings(llm=llm)),
        analyze=lambda *a: EVIDENCE,
        reviewer=LLMReviewer(llm, client=client, sleep=waits, environ=ENV),
        discriminator=passthrough,
    )
    offline = llm_settings(server, cassette=str(record))  # now with evidence: other prompts, same labels
    r = run_review(
        demo_source(),
        Settings(FileSettings(llm=offline)),
        analyze=lambda *a: EVIDENCE,
        reviewer=LLMReviewer(offline, environ={}),
        discriminator=passthrough,
    )
    notes = "\n".join(r.summary.notes)
    assert "3 reply(ies) replayed by label" in notes
    assert "no recorded reply in the cassette (prompts changed? re-record): triage of" in notes
    assert any(c.origin == "llm:fake-model#0" for c in r.comments)


def test_dump_with_a_cassette_replays_the_reviews_and_dumps_only_the_verify_prompts(
    in_repo: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How the verify prompts of recorded reviews are handed out (bench/real_eval.py dump --replay)."""
    monkeypatch.setenv("REVIEWBOT_LLM_VERIFY", "true")
    recorded = json.loads(DEMO_CASSETTE.read_text(encoding="utf-8"))  # the reviews without their verify replies
    recorded["interactions"] = [e for e in recorded["interactions"] if not e["label"].startswith("verify:")]
    cassette = tmp_path / "reviews.cassette.json"
    cassette.write_text(json.dumps(recorded), encoding="utf-8")
    out = tmp_path / "prompts"
    argv = ["review", "--patch", "examples/demo.patch", "--no-cache", "-q", "--llm-cassette", str(cassette),
            "--dump-prompts", str(out), "--format", "json", "--output", str(tmp_path / "r.json")]
    assert main(argv) in (0, 1)
    labels = [r["label"] for r in json.loads((out / "index.json").read_text())["requests"]]
    assert labels and all(label.startswith("verify:") for label in labels), labels
    assert f"verify:{APP}" in labels  # the demo's app.py review has comments to check
    text = next(out.glob("*-verify-*app.py.txt")).read_text(encoding="utf-8")
    assert "Comments to check" in text and "id c1:" in text
