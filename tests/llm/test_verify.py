"""The verify step: a second prompt per file shows the model its own review comments and asks for a verdict on each;
the verdict is recorded on the comment's candidates (every sample's) and the discriminator weighs it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from reviewbot.config import FileSettings, Settings
from reviewbot.contracts import Ranked, ReviewInput
from reviewbot.discriminator import scoring
from reviewbot.llm.reviewer import LLMReviewer
from reviewbot.llm.settings import LLMSettings
from reviewbot.models import Candidate, Severity
from reviewbot.pipeline import run_review
from tests.llm.conftest import APP, Waits, by_prompt, comment, comments_json, demo_source, line_of, prompt_of
from tests.llm.fakeserver import FakeServer, Reply, openai_body
from tests.llm.test_reviewer import ENV, EVIDENCE, llm_settings, passthrough

SHELL = line_of(APP, "shell=True")
VERIFY_APP = 'another reviewer commented on the change to "examples/demo/inventory/app.py"'


def _review_reply() -> Reply:
    return Reply(200, openai_body(comments_json(
        comment(APP, SHELL, "User input reaches a shell command.", severity="error", category="security",
                confidence=0.8),
        comment(APP, SHELL + 2, "This looks odd.", confidence=0.7),
    )))


def _verdicts(*items: tuple[str, str, float]) -> Reply:
    body = {"verdicts": [{"id": i, "verdict": v, "reason": "checked", "confidence": c, "fix": None}
                         for i, v, c in items]}
    return Reply(200, openai_body(json.dumps(body)))


def _run(server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path, **over: Any
         ) -> tuple[list[Candidate], Any]:
    got: list[Candidate] = []

    def capture(candidates: Sequence[Candidate], inp: ReviewInput) -> Ranked:
        got.extend(candidates)
        return passthrough(candidates, inp)

    llm = llm_settings(server, triage=False, **over)
    reviewer = LLMReviewer(llm, cache_dir=tmp_path / "cache", client=client, sleep=waits, environ=ENV)
    result = run_review(demo_source(), Settings(FileSettings(llm=llm)), analyze=lambda f, w, s: EVIDENCE,
                        reviewer=reviewer, discriminator=capture)
    return [c for c in got if c.origin.startswith("llm:")], result


def test_each_comment_gets_its_verdict_from_a_second_prompt(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    server.handler = by_prompt({
        VERIFY_APP: _verdicts(("c1", "true_positive", 0.9), ("c2", "false_positive", 0.8)),
        '### File "examples/demo/inventory/app.py"': _review_reply(),
    })
    llm, result = _run(server, client, waits, tmp_path, verify=True, samples=2)
    by_line = {(c.line, c.origin): c for c in llm}
    for sample in (0, 1):  # both samples' comments carry the verdict of the comment they make
        assert by_line[(SHELL, f"llm:fake-model#{sample}")].recheck == "true_positive"
        assert by_line[(SHELL, f"llm:fake-model#{sample}")].recheck_confidence == 0.9
        assert by_line[(SHELL + 2, f"llm:fake-model#{sample}")].recheck == "false_positive"
    verify = [prompt_of(s) for s in server.seen if VERIFY_APP in prompt_of(s)]
    assert len(verify) == 1  # one verify prompt per file, each comment once
    assert "id c1: line %d, error, security: User input reaches a shell command." % SHELL in verify[0]
    assert "id c2: line %d, warning, correctness: This looks odd." % (SHELL + 2) in verify[0]
    assert "shell=True" in verify[0]  # the file as the review showed it ...
    assert "Static analysis of this file" not in verify[0]  # ... without the evidence
    assert any("second look at the model's comments: 2 confirmed, 2 rejected, 0 uncertain" in n
               for n in result.summary.notes), result.summary.notes


def test_verify_is_on_by_default_can_be_turned_off_and_a_missing_verdict_leaves_the_comment_unchecked(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    assert LLMSettings().verify and LLMSettings.model_validate({"verify": False}).verify is False
    server.handler = by_prompt({
        VERIFY_APP: _verdicts(("c1", "true_positive", 0.9)),
        '### File "examples/demo/inventory/app.py"': _review_reply(),
    })
    llm, _ = _run(server, client, waits, tmp_path, verify=False)
    assert llm and all(c.recheck == "" for c in llm)
    assert not any(VERIFY_APP in prompt_of(s) for s in server.seen)
    llm, _ = _run(server, client, waits, tmp_path / "on", verify=True)
    assert {c.line: c.recheck for c in llm} == {SHELL: "true_positive", SHELL + 2: ""}


def test_the_second_look_moves_the_score() -> None:
    base = dict(severity=Severity.WARNING, confidence=0.7, from_llm=True, samples_flag=(2, 2))

    confirmed = scoring.score(scoring.Signals(**base, recheck="true_positive", recheck_confidence=0.9))  # type: ignore[arg-type]
    doubted = scoring.score(scoring.Signals(**base, recheck="false_positive", recheck_confidence=0.9))  # type: ignore[arg-type]
    uncertain = scoring.score(scoring.Signals(**base, recheck="uncertain", recheck_confidence=0.9))  # type: ignore[arg-type]
    assert doubted[0] < 0.5 and uncertain[0] < 0.5 and doubted[0] < uncertain[0] < confirmed[0]
    sure = scoring.score(scoring.Signals(**{**base, "severity": Severity.ERROR, "confidence": 0.8},  # type: ignore[arg-type]
                                         recheck="true_positive", recheck_confidence=0.9))
    assert sure[0] >= 0.5  # a confirmed, confident error is posted
    assert "second-look" in confirmed[1] and "second-look" not in scoring.score(scoring.Signals(**base))[1]  # type: ignore[arg-type]
