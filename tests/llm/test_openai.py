"""The OpenAI-compatible provider against the local fake server: request shape per backend, usage, retries with
backoff and Retry-After, timeouts, and the fallbacks for servers that reject parameters."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from reviewbot.llm.http import RetryPolicy
from reviewbot.llm.openai import OpenAICompatible
from reviewbot.llm.provider import LLMError, Message, Params
from reviewbot.llm.schemas import REVIEW
from tests.llm.conftest import SECRET, Waits, make_client
from tests.llm.fakeserver import FakeServer, Reply, Seen, error_body, openai_body

MESSAGES = (Message("system", "You review code. Reply in JSON."), Message("user", "Task: review."))


def provider(server: FakeServer, client: httpx.Client, waits: Waits, **kw: object) -> OpenAICompatible:
    args: dict[str, object] = {
        "base_url": server.url + "/v1",
        "model": "fake-model",
        "api_key": SECRET,
        "policy": RetryPolicy(max_retries=3, backoff_base=0.01, backoff_max=0.05, sleep=waits),
    }
    args.update(kw)
    return OpenAICompatible(client, **args)  # type: ignore[arg-type]


def test_plain_request_shape_and_usage(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(200, openai_body('{"comments": []}', prompt_tokens=321, completion_tokens=12)))
    result = provider(server, client, waits).complete(MESSAGES, schema=REVIEW)
    assert result.texts == ('{"comments": []}',)
    assert (result.prompt_tokens, result.completion_tokens, result.calls) == (321, 12, 1)
    assert not result.estimated
    seen = server.seen[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {SECRET}"
    body = seen.body
    assert body["model"] == "fake-model"
    assert body["messages"][0] == {"role": "system", "content": MESSAGES[0].content}
    assert body["temperature"] == 0.2 and "n" not in body
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "review_comments"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert waits == []


def test_azure_deployment_url_api_version_and_api_key_header(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    server.push(Reply(200, openai_body("{}")))
    p = provider(
        server,
        client,
        waits,
        base_url=server.url + "/openai/deployments/my-gpt",
        auth_header="api-key",
        api_version="2024-10-21",
    )
    p.complete(MESSAGES)
    seen = server.seen[0]
    assert seen.path == "/openai/deployments/my-gpt/chat/completions"
    assert seen.query == {"api-version": ["2024-10-21"]}
    assert seen.headers["api-key"] == SECRET
    assert "authorization" not in seen.headers


def test_local_server_without_key_sends_no_auth(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    server.push(Reply(200, openai_body("{}", prompt_tokens=None)))
    result = provider(server, client, waits, api_key="").complete(MESSAGES)
    assert "authorization" not in server.seen[0].headers
    assert result.estimated and result.prompt_tokens > 0  # no usage reported: chars/4 estimate


def test_n_samples_in_one_request(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(200, openai_body(["a", "b", "c"])))
    result = provider(server, client, waits).complete(MESSAGES, n=3)
    assert result.texts == ("a", "b", "c") and result.calls == 1
    assert server.seen[0].body["n"] == 3


def test_server_rejecting_n_gets_sequential_samples(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    server.push(
        Reply(400, error_body("Only one completion choice is allowed")),
        Reply(200, openai_body("a")),
        Reply(200, openai_body("b")),
    )
    p = provider(server, client, waits)
    result = p.complete(MESSAGES, n=2)
    assert result.texts == ("a", "b") and result.calls == 3
    assert [("n" in b) for b in server.bodies()] == [True, False, False]
    assert any("one by one" in n for n in result.notes)


def test_server_ignoring_n_gets_the_rest_one_by_one(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    server.push(Reply(200, openai_body("a")), Reply(200, openai_body("b")), Reply(200, openai_body("c")))
    result = provider(server, client, waits).complete(MESSAGES, n=3)
    assert result.texts == ("a", "b", "c") and result.calls == 3


def test_model_rejecting_temperature(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    def reasoning_model(seen: Seen) -> Reply:
        if "temperature" in seen.body:
            return Reply(
                400,
                error_body(
                    "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) "
                    "value is supported.",
                    param="temperature",
                    code="unsupported_value",
                ),
            )
        if "max_tokens" in seen.body:
            return Reply(
                400,
                error_body(
                    "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' "
                    "instead.",
                    param="max_tokens",
                    code="unsupported_parameter",
                ),
            )
        return Reply(200, openai_body("ok"))

    server.handler = reasoning_model
    p = provider(server, client, waits)
    assert p.complete(MESSAGES).texts == ("ok",)
    assert p.complete(MESSAGES).texts == ("ok",)  # remembered: no second round of rejections
    bodies = server.bodies()
    assert len(bodies) == 4
    assert "temperature" not in bodies[-1] and bodies[-1]["max_completion_tokens"] == 2048


def test_structured_output_falls_back_to_json_mode_then_plain(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    def old_server(seen: Seen) -> Reply:
        fmt = seen.body.get("response_format")
        if fmt is not None:
            return Reply(
                400,
                error_body(f"response_format type {fmt['type']!r} is not supported", param="response_format"),
            )
        return Reply(200, openai_body('{"comments": []}'))

    server.handler = old_server
    result = provider(server, client, waits).complete(MESSAGES, schema=REVIEW)
    assert result.texts == ('{"comments": []}',)
    assert [b.get("response_format", {}).get("type") for b in server.bodies()] == [
        "json_schema",
        "json_object",
        None,
    ]
    assert any("JSON mode" in n for n in result.notes)


def test_429_with_retry_after_then_success(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(
        Reply(429, error_body("Rate limit reached", type_="rate_limit_error"), {"Retry-After": "0.04"}),
        Reply(200, openai_body("ok")),
    )
    result = provider(server, client, waits).complete(MESSAGES)
    assert result.texts == ("ok",) and result.calls == 2
    assert waits == [0.04]  # Retry-After honoured (and not slept for real)


def test_retry_after_is_capped(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(503, "busy", {"Retry-After": "3600"}), Reply(200, openai_body("ok")))
    provider(server, client, waits).complete(MESSAGES)
    assert waits == [0.05]


def test_500s_exhaust_retries_with_backoff(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.handler = lambda seen: Reply(500, error_body("internal", type_="server_error"))
    with pytest.raises(LLMError) as info:
        provider(server, client, waits).complete(MESSAGES)
    assert info.value.calls == 4 and info.value.status == 500
    assert "HTTP 500" in str(info.value) and "after 4 attempts" in str(info.value)
    assert len(waits) == 3 and all(0 <= w <= 0.05 for w in waits)


def test_read_timeout_is_retried(server: FakeServer, waits: Waits) -> None:
    server.push(Reply(200, openai_body("late"), delay=0.6), Reply(200, openai_body("ok")))
    with make_client(httpx.Timeout(0.2, connect=1.0)) as short:
        started = time.monotonic()
        result = provider(server, short, waits).complete(MESSAGES)
    assert result.texts == ("ok",) and result.calls == 2
    assert len(waits) == 1
    assert time.monotonic() - started < 2


def test_connection_refused_becomes_llm_error(client: httpx.Client, waits: Waits) -> None:
    p = OpenAICompatible(
        client,
        base_url="http://127.0.0.1:9/v1",
        model="m",
        api_key=SECRET,
        policy=RetryPolicy(max_retries=1, backoff_base=0.01, sleep=waits),
    )
    with pytest.raises(LLMError) as info:
        p.complete(MESSAGES)
    assert info.value.kind == "transport" and info.value.calls == 2
    assert SECRET not in str(info.value)


def test_auth_error_is_not_retried_and_redacted(
    server: FakeServer, client: httpx.Client, waits: Waits
) -> None:
    server.push(Reply(401, error_body(f"Incorrect API key provided: {SECRET}.", code="invalid_api_key")))
    with pytest.raises(LLMError) as info:
        provider(server, client, waits).complete(MESSAGES)
    assert info.value.kind == "auth" and info.value.calls == 1
    assert SECRET not in str(info.value) and "[REDACTED]" in str(info.value)
    assert waits == []


def test_extra_params_and_headers(server: FakeServer, client: httpx.Client, waits: Waits) -> None:
    server.push(Reply(200, openai_body("{}")))
    p = provider(
        server,
        client,
        waits,
        headers={"X-Team": "review"},
        params=Params(temperature=None, max_output_tokens=500, extra={"seed": 7}),
    )
    p.complete(MESSAGES)
    seen = server.seen[0]
    assert seen.headers["x-team"] == "review"
    assert seen.body["seed"] == 7 and seen.body["max_tokens"] == 500 and "temperature" not in seen.body
    assert json.loads(json.dumps(seen.body))  # plain JSON
