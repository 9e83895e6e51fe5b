"""The OpenAI-compatible chat-completions provider: OpenAI, Azure OpenAI, GitHub Models, Ollama, vLLM, llama.cpp
server and LM Studio all speak this protocol.

Servers differ in what they accept, so the provider adapts once per run and remembers it:

- structured output: ``json_schema`` → ``json_object`` → none (the prompt describes the format anyway);
- ``temperature`` rejected (reasoning models): sent without it;
- ``n`` rejected or ignored: the samples are requested one by one;
- ``max_tokens`` rejected: ``max_completion_tokens`` when the server says so, else no limit is sent.
"""

from __future__ import annotations

import re
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

_FALLBACK_STATUSES = (400, 422)
_MAX_ADAPTATIONS = 6


class OpenAICompatible:
    name = "openai"

    def __init__(
        self,
        client: httpx.Client,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        auth_header: str = "bearer",  # "bearer" (Authorization: Bearer), "api-key" (Azure), "none"
        api_version: str = "",
        headers: Mapping[str, str] | None = None,
        params: Params = Params(),
        structured_output: str = "auto",
        policy: RetryPolicy = RetryPolicy(),
        redactor: Redactor | None = None,
    ) -> None:
        self.client = client
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.query = {"api-version": api_version} if api_version else {}
        self.headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
        if api_key and auth_header == "bearer":
            self.headers["Authorization"] = f"Bearer {api_key}"
        elif api_key and auth_header in ("api-key", "x-api-key"):
            self.headers[auth_header] = api_key
        self.params = params
        self.policy = policy
        self.redactor = (redactor or Redactor()).with_secret(api_key)
        self._lock = threading.Lock()
        self._format = "json_schema" if structured_output == "auto" else structured_output
        self._temperature = params.temperature is not None
        self._multi_n = True
        self._max_tokens_param: str | None = "max_tokens"
        self._notes: list[str] = []

    def identity(self) -> str:
        return f"openai|{self.url}|{self.model}"

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
        while len(texts) < n:
            want = n - len(texts) if self._multi_n else 1
            try:
                got, usage, sent, model = self._call(messages, schema, want, gate)
            except LLMError as exc:
                exc.calls += calls  # the samples already received were calls too
                raise
            calls += sent
            if usage is None:
                estimated = True
                usage = (estimate_messages(messages), sum(estimate_tokens(t) for t in got))
            prompt += usage[0]
            completion += usage[1]
            if not got:
                raise LLMError(f"{host_of(self.url)} returned no choices", kind="response", calls=calls)
            if want > 1 and len(got) < want:
                self._adapt_note(
                    "the server returned fewer samples than `n` asked for; the rest are requested one by one"
                )
                with self._lock:
                    self._multi_n = False
            texts.extend(got[: n - len(texts)])
        with self._lock:
            notes = tuple(self._notes)
        return Completion(tuple(texts), prompt, completion, calls, model, estimated, notes)

    def _body(self, messages: Sequence[Message], schema: Schema | None, n: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        }
        with self._lock:
            if n > 1:
                body["n"] = n
            if self._temperature and self.params.temperature is not None:
                body["temperature"] = self.params.temperature
            if self._max_tokens_param:
                body[self._max_tokens_param] = self.params.max_output_tokens
            if schema is not None and self._format == "json_schema":
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": schema.name, "schema": dict(schema.body), "strict": True},
                }
            elif schema is not None and self._format == "json_object":
                body["response_format"] = {"type": "json_object"}
        body.update(self.params.extra)
        return body

    def _call(
        self, messages: Sequence[Message], schema: Schema | None, n: int, gate: Gate | None
    ) -> tuple[list[str], tuple[int, int] | None, int, str]:
        sent = 0
        for _ in range(_MAX_ADAPTATIONS):
            try:
                resp = post_json(
                    self.client,
                    self.url,
                    body=self._body(messages, schema, n if self._multi_n else 1),
                    headers=self.headers,
                    params=self.query,
                    policy=self.policy,
                    redactor=self.redactor,
                    gate=gate,
                )
            except LLMError as exc:
                exc.calls += sent
                raise
            sent += resp.calls
            if 200 <= resp.status < 300:
                texts, usage, model = self._parse(resp.data, sent)
                return texts, usage, sent, model
            if resp.status in _FALLBACK_STATUSES and self._adapt(resp.data, n, schema is not None):
                continue
            err = fail(resp, "chat completion failed", host_of(self.url), self.redactor)
            err.calls = sent
            raise err
        raise LLMError(f"{host_of(self.url)} kept rejecting the request parameters", kind="http", calls=sent)

    def _adapt(self, data: Any, n: int, structured: bool) -> bool:
        """Drop what the server rejected (named in a 400); True when there is something left to try."""
        message, param, _code = error_fields(data)
        low = message.lower()
        with self._lock:
            if self._temperature and (param == "temperature" or "temperature" in low):
                self._temperature = False
                note = "the model rejected `temperature`; samples use its default"
            elif n > 1 and self._multi_n and (param == "n" or re.search(r"['\"`]n['\"`]|\bn\b|choice", low)):
                self._multi_n = False
                note = "the server does not accept `n`; samples are requested one by one"
            elif self._max_tokens_param == "max_tokens" and "max_completion_tokens" in low:
                self._max_tokens_param = "max_completion_tokens"
                note = "the model wants `max_completion_tokens` instead of `max_tokens`"
            elif self._max_tokens_param and (
                param.startswith("max_") or "max_tokens" in low or "max_completion" in low
            ):
                self._max_tokens_param = None
                note = "the server rejected the output token limit; sent without it"
            elif (
                structured
                and self._format != "off"
                and (
                    param.startswith("response_format")
                    or "response_format" in low
                    or "json_schema" in low
                    or "schema" in low
                )
            ):
                self._format = "json_object" if self._format == "json_schema" else "off"
                note = (
                    "the server does not support JSON-schema output; using JSON mode"
                    if self._format == "json_object"
                    else "the server does not support JSON mode; relying on the prompt (plain JSON)"
                )
            else:
                return False
            self._notes.append(note)
        logger.info("%s: %s", host_of(self.url), note)
        return True

    def _adapt_note(self, note: str) -> None:
        with self._lock:
            if note not in self._notes:
                self._notes.append(note)

    def _parse(self, data: Any, sent: int) -> tuple[list[str], tuple[int, int] | None, str]:
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            raise LLMError(
                f"{host_of(self.url)} sent a response without choices", kind="response", calls=sent
            )
        choices = sorted(
            (c for c in data["choices"] if isinstance(c, dict)),
            key=lambda c: c.get("index", 0) if isinstance(c.get("index"), int) else 0,
        )
        texts = [_content(c.get("message")) for c in choices]
        usage = data.get("usage")
        counts = None
        if isinstance(usage, dict) and isinstance(usage.get("prompt_tokens"), int):
            counts = (int(usage["prompt_tokens"]), int(usage.get("completion_tokens") or 0))
        model = data.get("model") if isinstance(data.get("model"), str) else self.model
        return texts, counts, model or self.model


def _content(message: Any) -> str:
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(
            p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
        )
    return ""
