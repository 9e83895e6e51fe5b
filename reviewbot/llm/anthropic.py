"""The Anthropic Messages API provider (``POST {base}/v1/messages``, ``x-api-key``, ``anthropic-version``).

System messages go to the top-level ``system`` field; there is no ``n``, so samples are separate requests.
Structured output is requested with ``output_config.format`` (JSON schema) and dropped, once per run, when the
model rejects it; the prompt describes the format either way.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from reviewbot.llm.http import RetryPolicy, error_fields, fail, host_of, post_json
from reviewbot.llm.limits import Gate
from reviewbot.llm.provider import (
    Completion,
    LLMError,
    Message,
    Params,
    Schema,
    estimate_messages,
    estimate_tokens,
)
from reviewbot.llm.redact import Redactor, logger

ANTHROPIC_VERSION = "2023-06-01"


class AnthropicMessages:
    name = "anthropic"

    def __init__(
        self,
        client: httpx.Client,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        headers: Mapping[str, str] | None = None,
        params: Params = Params(),
        structured_output: str = "auto",
        policy: RetryPolicy = RetryPolicy(),
        redactor: Redactor | None = None,
    ) -> None:
        self.client = client
        base = base_url.rstrip("/")
        self.url = base + ("/messages" if base.endswith("/v1") else "/v1/messages")
        self.model = model
        self.headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "anthropic-version": ANTHROPIC_VERSION,
            **(headers or {}),
        }
        if api_key:
            self.headers["x-api-key"] = api_key
        self.params = params
        self.policy = policy
        self.redactor = (redactor or Redactor()).with_secret(api_key)
        self._lock = threading.Lock()
        self._structured = structured_output in ("auto", "json_schema")
        self._temperature = params.temperature is not None
        self._notes: list[str] = []

    def identity(self) -> str:
        return f"anthropic|{self.url}|{self.model}"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema | None = None,
        n: int = 1,
        label: str = "",
        gate: Gate | None = None,
    ) -> Completion:
        logger.debug("%s: %s (%d sample(s))", self.model, label or "request", n)
        texts: list[str] = []
        prompt = completion = calls = 0
        estimated = False
        model = self.model
        for _ in range(n):
            try:
                text, usage, sent, model = self._call(messages, schema, gate)
            except LLMError as exc:
                exc.calls += calls  # the samples already received were calls too
                raise
            calls += sent
            if usage is None:
                estimated = True
                usage = (estimate_messages(messages), estimate_tokens(text))
            prompt += usage[0]
            completion += usage[1]
            texts.append(text)
        with self._lock:
            notes = tuple(self._notes)
        return Completion(tuple(texts), prompt, completion, calls, model, estimated, notes)

    def _body(self, messages: Sequence[Message], schema: Schema | None) -> dict[str, Any]:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.params.max_output_tokens,
            "messages": [{"role": m.role, "content": m.content} for m in messages if m.role != "system"],
        }
        if system:
            body["system"] = system
        with self._lock:
            if self._temperature and self.params.temperature is not None:
                body["temperature"] = min(1.0, self.params.temperature)
            if schema is not None and self._structured:
                body["output_config"] = {"format": {"type": "json_schema", "schema": dict(schema.body)}}
        body.update(self.params.extra)
        return body

    def _call(
        self, messages: Sequence[Message], schema: Schema | None, gate: Gate | None
    ) -> tuple[str, tuple[int, int] | None, int, str]:
        sent = 0
        for _ in range(4):
            try:
                resp = post_json(
                    self.client,
                    self.url,
                    body=self._body(messages, schema),
                    headers=self.headers,
                    params=None,
                    policy=self.policy,
                    redactor=self.redactor,
                    gate=gate,
                )
            except LLMError as exc:
                exc.calls += sent
                raise
            sent += resp.calls
            if 200 <= resp.status < 300:
                text, usage = self._parse(resp.data, sent)
                return text, usage, sent, self._model_of(resp.data)
            if resp.status in (400, 422) and self._adapt(resp.data, schema is not None):
                continue
            err = fail(resp, "messages request failed", host_of(self.url), self.redactor)
            err.calls = sent
            raise err
        raise LLMError(f"{host_of(self.url)} kept rejecting the request parameters", kind="http", calls=sent)

    def _adapt(self, data: Any, structured: bool) -> bool:
        message, param, _ = error_fields(data)
        low = message.lower()
        with self._lock:
            if (
                structured
                and self._structured
                and ("output_config" in low or "output_format" in low or "schema" in low)
            ):
                self._structured = False
                note = "the model does not support structured output; relying on the prompt (plain JSON)"
            elif self._temperature and ("temperature" in low or param == "temperature"):
                self._temperature = False
                note = "the model rejected `temperature`; samples use its default"
            else:
                return False
            self._notes.append(note)
        logger.info("%s: %s", host_of(self.url), note)
        return True

    def _parse(self, data: Any, sent: int) -> tuple[str, tuple[int, int] | None]:
        if not isinstance(data, dict) or not isinstance(data.get("content"), list):
            raise LLMError(
                f"{host_of(self.url)} sent a response without content", kind="response", calls=sent
            )
        text = "".join(
            b.get("text", "")
            for b in data["content"]
            if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        )
        usage = data.get("usage")
        counts = None
        if isinstance(usage, dict) and isinstance(usage.get("input_tokens"), int):
            counts = (int(usage["input_tokens"]), int(usage.get("output_tokens") or 0))
        return text, counts

    def _model_of(self, data: Any) -> str:
        model = data.get("model") if isinstance(data, dict) else None
        return model if isinstance(model, str) and model else self.model
