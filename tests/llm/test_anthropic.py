"""The Anthropic Messages provider against the local fake server."""

from __future__ import annotations

import httpx
import pytest

from reviewbot.llm.anthropic import ANTHROPIC_VERSION, AnthropicMessages
from reviewbot.llm.http import RetryPolicy
from reviewbot.llm.provider import LLMError, Message
from reviewbot.llm.schemas import TRIAGE
from tests.llm.conftest import SECRET, Waits
from tests.llm.fakeserver import FakeServer, Reply, Seen, anthropic_body, error_body

MESSAGES = (Message("system", "You triage findings. Reply in JSON."), Message("user", "Task: triage."))


def provider(server: FakeServer, client: httpx.Client, waits: Waits, **kw: object) -> AnthropicMessages:
    args: dict[str, object] = {
        "base_url": server.url,
        "model": "claude-test",
        "api_key": SECRET,
        "policy": RetryPolicy(max_retries=2, backoff_base=0.01, backoff_max=0.05, sleep=waits),
    }
    args.update(kw)
    return AnthropicMessages(client, **args)  # type: ignore[arg-type]


def test_request_shape_and_usage(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(200, anthropic_body('{"verdicts": []}', input_tokens=400, output_tokens=25)))
    result = provider(server, client, waits).complete(MESSAGES, schema=TRIAGE)
    assert result.texts == ('{"verdicts": []}',)
    assert (result.prompt_tokens, result.completion_tokens, result.calls) == (400, 25, 1)
    seen = server.seen[0]
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == SECRET and "authorization" not in seen.headers
    assert seen.headers["anthropic-version"] == ANTHROPIC_VERSION
    body = seen.body
    assert body["system"] == MESSAGES[0].content
    assert body["messages"] == [{"role": "user", "content": "Task: triage."}]
    assert body["max_tokens"] == 2048 and body["temperature"] == 0.2
    assert body["output_config"]["format"]["type"] == "json_schema"


def test_samples_are_separate_requests(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(200, anthropic_body("a")), Reply(200, anthropic_body("b")))
    result = provider(server, client, waits).complete(MESSAGES, n=2)
    assert result.texts == ("a", "b") and result.calls == 2
    assert all("n" not in b for b in server.bodies())


def test_model_without_structured_output(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    def handler(seen: Seen) -> Reply:
        if "output_config" in seen.body:
            return Reply(
                400, error_body("output_config.format: structured output is not supported for this model")
            )
        return Reply(200, anthropic_body("{}"))

    server.handler = handler
    result = provider(server, client, waits).complete(MESSAGES, schema=TRIAGE)
    assert result.texts == ("{}",) and result.calls == 2
    assert "output_config" not in server.bodies()[-1]


def test_overloaded_529_is_retried(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(
        Reply(529, error_body("Overloaded", type_="overloaded_error"), {"retry-after": "0.02"}),
        Reply(200, anthropic_body("ok")),
    )
    assert provider(server, client, waits).complete(MESSAGES).texts == ("ok",)
    assert waits == [0.02]


def test_base_url_with_v1_suffix(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(200, anthropic_body("ok")))
    provider(server, client, waits, base_url=server.url + "/v1").complete(MESSAGES)
    assert server.seen[0].path == "/v1/messages"


def test_error_is_redacted(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(403, error_body(f"key {SECRET} has no access", type_="permission_error")))
    with pytest.raises(LLMError) as info:
        provider(server, client, waits).complete(MESSAGES)
    assert info.value.kind == "auth" and SECRET not in str(info.value)
