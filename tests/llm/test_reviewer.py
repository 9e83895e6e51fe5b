"""The LLM reviewer end to end: the demo patch through the real pipeline, a scripted model behind the local fake
server, and the resulting Review — comments, summary notes, calls, cache hits on a re-run, degradation."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from reviewbot.config import FileSettings, Settings
from reviewbot.contracts import Ranked, ReviewInput
from reviewbot.llm.prompting import finding_id
from reviewbot.llm.reviewer import LLMReviewer
from reviewbot.llm.settings import LLMSettings
from reviewbot.models import Candidate, Comment, Evidence, Review
from reviewbot.pipeline import run_review
from tests.llm.conftest import (
    APP,
    DB,
    PRICING,
    SECRET,
    STOCK,
    Waits,
    by_prompt,
    comment,
    comments_json,
    demo_evidence,
    demo_source,
    line_of,
    prompt_of,
)
from tests.llm.fakeserver import FakeServer, Reply, Seen, error_body, openai_body

ENV = {"FAKE_KEY": SECRET}
EVIDENCE = demo_evidence()
IDS = {(f.path, f.rule_id): finding_id(f) for f in EVIDENCE.findings}


def passthrough(candidates: Sequence[Candidate], inp: ReviewInput) -> Ranked:
    """A discriminator that shows every candidate (these tests are about the reviewer, not the ranking)."""
    return Ranked(
        tuple(
            Comment(
                path=c.path,
                line=c.line,
                end_line=c.end_line,
                severity=c.severity,
                origin=c.origin,
                body=c.body,
                score=c.confidence,
                reason="test",
                category=c.category,
                cwe=c.cwe,
                suggestion=c.fix.replacement if c.fix else None,
                sources=(c.origin,),
                fingerprint=c.fingerprint,
            )
            for c in candidates
        )
    )


def llm_settings(server: FakeServer, **over: Any) -> LLMSettings:
    data: dict[str, Any] = {
        "provider": "openai",
        "model": "fake-model",
        "base-url": server.url + "/v1",
        "api-key-env": "FAKE_KEY",
        "concurrency": 1,
        "max-retries": 2,
        "backoff-base": 0.01,
        "backoff-max": 0.05,
        # The verify step (on by default) has its own tests (test_verify.py); these count review and triage calls.
        "verify": False,
    }
    data.update(over)
    return LLMSettings.model_validate(data)


def review(
    server: FakeServer,
    client: httpx.Client,
    waits: Waits,
    tmp_path: Path,
    *,
    ev: Evidence = EVIDENCE,
    environ: Mapping[str, str] = ENV,
    **over: Any,
) -> Review:
    llm = llm_settings(server, **over)
    settings = Settings(FileSettings(llm=llm))
    reviewer = LLMReviewer(llm, cache_dir=tmp_path / "cache", client=client, sleep=waits, environ=environ)
    return run_review(
        demo_source(),
        settings,
        analyze=lambda files, workdir, source: ev,
        reviewer=reviewer,
        discriminator=passthrough,
    )


def triage_reply(*verdicts: dict[str, Any]) -> Reply:
    return Reply(
        200, openai_body(json.dumps({"verdicts": list(verdicts)}), prompt_tokens=300, completion_tokens=60)
    )


def verdict(
    path: str, rule: str, v: str, reason: str, fix: dict[str, Any] | None = None, confidence: float = 0.9
) -> dict[str, Any]:
    return {"id": IDS[(path, rule)], "verdict": v, "reason": reason, "confidence": confidence, "fix": fix}


SQL = line_of(APP, "SELECT id, name FROM items")
SHELL = line_of(APP, "shell=True")
DB_SQL = line_of(DB, "WHERE name LIKE")
RESERVE = line_of(STOCK, "def reserve")
COUPON = line_of(PRICING, "coupon == None")


def scripted() -> dict[str, Reply]:
    app_review = comments_json(
        comment(
            APP,
            SHELL - 1,
            "`name` comes from the query string and ends up in a shell command and a path: "
            "`../` or `;rm -rf` work. Validate it against a safe pattern.",
            text="name = request.args.get(" '"name", "inventory")',
            severity="error",
            category="security",
            confidence=0.85,
        ),
        comment(APP, 99, "This line does not exist.", text="", confidence=0.4),
        comment(
            APP,
            SQL + 3,
            "Off by three, but it quotes the right line.",
            text="    term = request.args.get(" '"q", "")',
            confidence=0.6,
        ),
    )
    stock_review = comments_json(
        comment(
            STOCK,
            RESERVE,
            "`warehouse` is now required: callers such as `place_order` still call `reserve(item_id, "
            "qty)` and will raise `TypeError`. Give it a default or update the callers. cc @octocat",
            severity="error",
            category="compatibility",
            confidence=0.9,
            suggestion='def reserve(item_id, quantity, warehouse="main"):\n',
        )
    )
    return {
        'triage static-analysis findings in "examples/demo/inventory/app.py"': triage_reply(
            verdict(
                APP,
                "B608",
                "true_positive",
                "`term` is user input interpolated into SQL.",
                {
                    "start_line": SQL,
                    "end_line": SQL,
                    "replacement": '        rows = conn.execute("SELECT id, name FROM items WHERE name LIKE ?", (f"%{term}%",))'
                    ".fetchall()\n",
                },
            ),
            verdict(APP, "B602", "true_positive", "`name` is user input in a shell command."),
            verdict(
                APP, "B108", "false_positive", "A fixed archive path, not a temporary file.", confidence=0.5
            ),
        ),
        'triage static-analysis findings in "examples/demo/inventory/db.py"': triage_reply(
            verdict(DB, "B608", "true_positive", "`term` reaches the query unescaped.", None),
        ),
        "Your previous reply could not be used": Reply(
            200,
            openai_body(
                comments_json(
                    comment(
                        PRICING,
                        COUPON,
                        "Use `is None`.",
                        severity="info",
                        category="style",
                        confidence=0.5,
                        suggestion="    if coupon is None:\n",
                        cites=(IDS[(PRICING, "C0121")],),
                    )
                )
            ),
        ),
        '### File "examples/demo/inventory/app.py"': Reply(200, openai_body(app_review)),
        '### File "examples/demo/inventory/pricing.py"': Reply(
            200, openai_body('{"comments": [{"path": "exam')
        ),
        # JSON in a code fence, as models like to answer:
        '### File "examples/demo/inventory/stock.py"': Reply(200, openai_body(f"```json\n{stock_review}\n```")),
    }


def by_origin(r: Review, prefix: str) -> list[Comment]:
    return [c for c in r.comments if c.origin.startswith(prefix)]


def test_demo_review_end_to_end_then_cached(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.handler = by_prompt(scripted())
    with caplog.at_level(logging.DEBUG, logger="reviewbot.llm"):
        r = review(server, client, waits, tmp_path)
    # 2 triage + 3 review prompts (db.py and stock.py are small and share one) + 1 repair
    assert r.stats.llm_calls == 6 and r.stats.llm_cache_hits == 0
    assert r.stats.prompt_tokens == 2 * 300 + 4 * 100 and r.stats.completion_tokens == 2 * 60 + 4 * 20
    notes = "\n".join(r.summary.notes)
    assert "llm: 6 call(s) to fake-model" in notes
    assert "triage of findings: 3 confirmed, 1 rejected as false positive" in notes
    assert "1 comment(s) re-anchored" in notes
    assert "1 malformed reply(ies) repaired" in notes
    assert (
        f"moved to the summary: {APP}:99: This line does not exist. (lines 99-99 are outside the file"
        in notes
        or f"{APP}:99" in notes
    )

    llm = {(c.path, c.line): c for c in by_origin(r, "llm:")}
    assert all(c.origin == "llm:fake-model#0" for c in llm.values())
    assert (APP, SHELL - 1) in llm and llm[(APP, SHELL - 1)].category == "security"
    assert (APP, SQL - 2) in llm  # re-anchored from SQL + 3 to the quoted line
    stock = llm[(STOCK, RESERVE)]
    assert stock.suggestion == 'def reserve(item_id, quantity, warehouse="main"):\n'
    assert "@octocat" not in stock.body and "@\u200boctocat" in stock.body
    coupon = llm[(PRICING, COUPON)]
    assert coupon.suggestion == "    if coupon is None:\n"
    assert coupon.sources == ("llm:fake-model#0",)
    fix = llm[(APP, SQL)]  # the triage fix, an extra candidate citing the finding
    assert "?" in (fix.suggestion or "") and "Fix proposed by LLM triage" in fix.body

    static = {(c.path, c.origin): c for c in r.comments if not c.origin.startswith("llm:")}
    assert "Confirmed by LLM triage" in static[(APP, "bandit:B608")].body
    assert static[(APP, "bandit:B608")].score > 0.9
    rejected = static[(APP, "bandit:B108")]
    assert "likely a false positive" in rejected.body and rejected.score < 0.6  # kept, lower confidence
    assert (PRICING, "pylint:C0121") in static  # below the triage level: untouched
    assert len(r.comments) == 5 + 5  # every static finding kept, plus 5 LLM candidates

    assert SECRET not in caplog.text
    assert all(SECRET not in prompt_of(s) for s in server.seen)
    assert server.seen[0].headers["authorization"] == f"Bearer {SECRET}"

    again = review(server, client, waits, tmp_path)  # the same diff again: everything from the cache
    assert again.stats.llm_calls == 0 and again.stats.llm_cache_hits == 6
    assert len(server.seen) == 6
    assert [c.body for c in again.comments] == [c.body for c in r.comments]


def test_no_evidence_ablation(server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path) -> None:
    server.handler = by_prompt({}, Reply(200, openai_body('{"comments": [], "verdicts": []}')))
    review(server, client, waits, tmp_path)
    with_evidence = [prompt_of(s) for s in server.seen]
    server.seen.clear()
    r = review(server, client, waits, tmp_path, evidence=False)
    without = [prompt_of(s) for s in server.seen]
    assert any("Static analysis of this file" in p for p in with_evidence)
    assert any("Task: triage" in p for p in with_evidence)
    assert len(without) == 3 and not any("Static analysis" in p or "B608" in p for p in without)
    assert "llm: --no-evidence" in "\n".join(r.summary.notes)
    assert len(r.comments) == len(EVIDENCE.findings)  # the static review is unchanged


def test_failed_model_degrades_to_static(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    server.handler = lambda seen: Reply(500, error_body("boom", type_="server_error"))
    r = review(server, client, waits, tmp_path)
    assert {c.origin for c in r.comments} == {f.origin for f in EVIDENCE.findings}
    assert len(r.comments) == len(EVIDENCE.findings)
    notes = "\n".join(r.summary.notes)
    assert (
        "llm: failed, static review only: review of examples/demo/inventory/app.py: chat completion"
        not in notes
    )
    assert "llm: failed, static review only:" in notes and "HTTP 500" in notes
    assert r.stats.llm_calls == 5 * 3  # 5 requests, each tried 3 times (max-retries 2)


def test_budget_stops_spending_and_says_what_it_skipped(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    server.handler = by_prompt({}, Reply(200, openai_body('{"comments": [], "verdicts": []}')))
    r = review(server, client, waits, tmp_path, **{"max-calls": 2})
    assert r.stats.llm_calls == 2 and len(server.seen) == 2
    skipped = [n for n in r.summary.notes if n.startswith("llm: skipped (budget)")]
    assert len(skipped) == 3 and all("max-calls 2" in n for n in skipped)


def test_auth_failure_stops_after_the_first_call(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    server.handler = lambda seen: Reply(401, error_body("bad key"))
    r = review(server, client, waits, tmp_path)
    assert len(server.seen) == 1
    notes = "\n".join(r.summary.notes)
    assert "refused the credentials (401)" in notes
    assert len(r.comments) == len(EVIDENCE.findings)


def test_missing_key_means_static_review_and_no_call(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    r = review(server, client, waits, tmp_path, environ={})
    assert server.seen == [] and len(r.comments) == len(EVIDENCE.findings)
    assert any("FAKE_KEY is not set" in n for n in r.summary.notes)


def test_temperature_rejection_and_rate_limit_in_a_review(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    state = {"limited": False}

    def handler(seen: Seen) -> Reply:
        if "temperature" in seen.body:
            return Reply(400, error_body("Unsupported value: 'temperature'", param="temperature"))
        if not state["limited"]:
            state["limited"] = True
            return Reply(429, error_body("slow down"), {"Retry-After": "0.03"})
        return by_prompt(scripted())(seen)

    server.handler = handler
    r = review(server, client, waits, tmp_path, ev=Evidence())
    assert waits == [0.03]
    assert r.stats.llm_calls == 1 + 1 + 3 + 1  # rejected, rate-limited, 3 reviews, 1 repair
    assert any("rejected `temperature`" in n for n in r.summary.notes)
    assert by_origin(r, "llm:")


def test_samples_and_fix_step(server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path) -> None:
    rules = scripted()
    rules["Task: write a fix"] = Reply(
        200,
        openai_body(
            [
                json.dumps(
                    {
                        "replacement": '    subprocess.run(["tar", "czf", f"/tmp/{name}.tgz", "data/"], check=True)\n',
                        "description": "no shell",
                    }
                ),
                json.dumps(
                    {
                        "replacement": '    subprocess.run(f"tar czf /tmp/{name}.tgz data/", shell=True)\n',
                        "description": "unchanged",
                    }
                ),
            ]
        ),
    )
    rules['### File "examples/demo/inventory/app.py"'] = Reply(
        200,
        openai_body(
            [
                comments_json(comment(APP, SHELL, "Shell injection.", severity="error", category="security")),
                comments_json(
                    comment(APP, SHELL, "Shell injection via `name`.", severity="error", category="security")
                ),
            ]
        ),
    )
    server.handler = by_prompt(rules)
    r = review(server, client, waits, tmp_path, ev=Evidence(), samples=2, fix=True, **{"fix-samples": 2})
    origins = {c.origin for c in r.comments if (c.path, c.line) == (APP, SHELL)}
    assert {"llm:fake-model#0", "llm:fake-model#1"} <= origins
    fixes = [c for c in r.comments if (c.path, c.line) == (APP, SHELL) and c.suggestion]
    assert len(fixes) >= 1 and all(
        "shell=True" not in (c.suggestion or "") for c in fixes
    )  # the no-op is dropped
    assert any(s.body.get("n") == 2 for s in server.seen)


def test_secret_in_the_code_never_reaches_the_prompt(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    leaky = Evidence(findings=(replace(EVIDENCE.findings[0], message=f"hard-coded key {SECRET} in query"),))
    server.handler = by_prompt({}, Reply(200, openai_body('{"comments": [], "verdicts": []}')))
    review(server, client, waits, tmp_path, ev=leaky)
    assert server.seen and all(SECRET not in prompt_of(s) for s in server.seen)
    assert any("[REDACTED]" in prompt_of(s) for s in server.seen)


def test_concurrency_gives_the_same_review(server: FakeServer, client: httpx.Client, waits: Waits,
                                           tmp_path: Path) -> None:
    server.handler = by_prompt(scripted())
    one = review(server, client, waits, tmp_path / "a", cache=False)
    four = review(server, client, waits, tmp_path / "b", cache=False, concurrency=4)
    assert [(c.path, c.line, c.origin, c.body) for c in four.comments] == \
        [(c.path, c.line, c.origin, c.body) for c in one.comments]
    assert four.stats.llm_calls == one.stats.llm_calls == 6


def test_file_too_large_for_one_prompt_is_listed(server: FakeServer, client: httpx.Client, waits: Waits,
                                                 tmp_path: Path) -> None:
    server.handler = by_prompt({}, Reply(200, openai_body('{"comments": [], "verdicts": []}')))
    r = review(server, client, waits, tmp_path, ev=Evidence(), **{"max-prompt-tokens": 1200})
    listed = [n for n in r.summary.notes if n.startswith("llm: not reviewed by the model (too large")]
    assert len(listed) == 3 and all("tokens)" in n for n in listed)  # 300 tokens: only db.py's section fits
    assert not any(DB in n for n in listed)
    assert [prompt_of(s).count("### File") for s in server.seen] == [1]


def test_unrepairable_reply_is_dropped_and_counted(server: FakeServer, client: httpx.Client, waits: Waits,
                                                   tmp_path: Path) -> None:
    bad_item = comments_json(comment(APP, 25, "ok", severity="error"), {"path": APP, "body": "no lines"})
    server.handler = by_prompt({
        '### File "examples/demo/inventory/app.py"': Reply(200, openai_body(bad_item)),
        '### File "examples/demo/inventory/pricing.py"': Reply(200, openai_body("I think the code is fine!")),
    }, Reply(200, openai_body('{"comments": [{"path": "exam')))  # everything else: truncated, repairs too
    r = review(server, client, waits, tmp_path, ev=Evidence())
    notes = "\n".join(r.summary.notes)
    assert "dropped 2 unusable reply(ies) and 1 invalid item(s) after one repair attempt" in notes
    assert [(c.path, c.line) for c in r.comments] == [(APP, 25)]  # the valid item of the half-valid reply
    assert r.stats.llm_calls == 3 + 3  # three prompts, three repair attempts


def test_cut_requests_are_named_and_the_rest_of_the_review_stands(
    server: FakeServer, client: httpx.Client, waits: Waits, tmp_path: Path
) -> None:
    """The server trickles its answer to app.py's review without end: that request is cut at the request timeout;
    every static finding, the triage and the other files' comments are still in the review."""
    rules = scripted()
    rules['### File "examples/demo/inventory/app.py"'] = Reply(200, "", trickle=0.05, endless=True)
    server.handler = by_prompt(rules)
    started = time.monotonic()
    r = review(server, client, waits, tmp_path, cache=False, concurrency=4, **{"request-timeout": 0.5})
    assert time.monotonic() - started < 30  # without the cut: never
    notes = "\n".join(r.summary.notes)
    assert (
        "llm: cut (request timeout), static review only: review of examples/demo/inventory/app.py: "
        "request-timeout 0.5s reached talking to 127.0.0.1:" in notes
    )
    assert "after 3 attempts" in notes  # max-retries 2: a timeout is retried, each try cut again
    assert {f.origin for f in EVIDENCE.findings} <= {c.origin for c in r.comments}  # all static findings
    assert "confirmed" in notes and by_origin(r, "llm:")  # the triage and stock.py's review arrived
    assert not any("ends up in a shell command" in c.body for c in r.comments)  # app.py's review was cut
