"""The one small interface every LLM provider satisfies, and the values it exchanges.

``complete(messages, schema=..., n=...) -> Completion``: the messages of one chat, the JSON schema the reply must
follow (sent as structured output where the server supports it; the prompt describes the format anyway), and how
many independent samples to return. A provider talks HTTP through an injected ``httpx.Client`` and turns every
transport or protocol failure into an ``LLMError`` whose message is already redacted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from reviewbot.errors import ReviewbotError

if TYPE_CHECKING:
    from reviewbot.llm.limits import Gate

Role = Literal["system", "user", "assistant"]
Limit = Literal["call budget", "token budget", "request timeout", "stage deadline"]


@dataclass(frozen=True)
class Stop:
    """A run limit that keeps a request from being sent (or cuts it), and the sentence saying so."""

    limit: Limit
    reason: str


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Schema:
    """A named JSON schema for the reply (``name`` matches ``^[a-zA-Z0-9_-]{1,64}$``)."""

    name: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class Completion:
    """What a provider returns: one text per sample, and what it cost."""

    texts: tuple[str, ...]
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0  # HTTP requests sent (retries and fallbacks included); 0 for a replay or a dump
    model: str = ""  # the model that answered, as the server reports it
    estimated: bool = False  # token counts are chars/4 estimates (the server reported no usage)
    notes: tuple[str, ...] = ()  # e.g. "the server rejected temperature; sent without it"


class LLMError(ReviewbotError):
    """An LLM call failed (transport, HTTP status, unusable response). The message is redacted."""

    def __init__(
        self,
        message: str,
        *,
        kind: str = "error",
        status: int | None = None,
        calls: int = 0,
        limit: Limit | None = None,
    ) -> None:
        super().__init__(message)
        # "timeout", "transport", "http", "auth", "response", "cassette-miss", "config", "limit"
        self.kind = kind
        self.status = status
        self.calls = calls  # requests that were sent before giving up
        self.limit = limit  # the run limit that stopped or cut the request, if one did


class Provider(Protocol):
    name: str  # "openai", "anthropic", "replay", "dump"
    model: str

    def identity(self) -> str:
        """What distinguishes this provider's replies in the response cache (kind, endpoint, model)."""
        ...

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema | None = None,
        n: int = 1,
        label: str = "",
        gate: Gate | None = None,
    ) -> Completion:
        """``n`` replies to ``messages``. ``label`` names the request ("review:app.py") for logs and cassettes;
        every HTTP request the provider sends for it passes ``gate`` first (the run's limits)."""
        ...


@dataclass(frozen=True)
class Params:
    """Sampling parameters a provider sends (part of the cache key)."""

    temperature: float | None = 0.2
    max_output_tokens: int = 2048
    extra: Mapping[str, Any] = field(default_factory=dict)


def estimate_tokens(text: str) -> int:
    """A rough token count (chars / 4), used only where the server reports none. Downloads nothing."""
    return max(1, (len(text) + 3) // 4) if text else 0


def estimate_messages(messages: Sequence[Message]) -> int:
    return sum(estimate_tokens(m.content) + 4 for m in messages)
