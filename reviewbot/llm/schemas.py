"""The reply formats of the three tasks: JSON schemas sent as structured output (strict-mode compatible: every
property required, no additional properties, optional values as null), and the pydantic models that validate
what actually comes back. Validation is lenient about form (case, a missing optional value, a number as text)
and strict about meaning (a line number must be a positive integer, a verdict one of three words).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reviewbot.llm.provider import Schema

SEVERITIES = ("error", "warning", "info")
CATEGORIES = (
    "security",
    "correctness",
    "performance",
    "maintainability",
    "complexity",
    "error-handling",
    "compatibility",
    "style",
    "documentation",
    "testing",
)
VERDICTS = ("true_positive", "false_positive", "uncertain")

_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
_FIX_OBJECT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["start_line", "end_line", "replacement"],
    "properties": {
        "start_line": {"type": "integer"},
        "end_line": {"type": "integer"},
        "replacement": {"type": "string"},
    },
}

REVIEW = Schema(
    "review_comments",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["comments"],
        "properties": {
            "comments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [
                        "path",
                        "start_line",
                        "end_line",
                        "line_text",
                        "severity",
                        "category",
                        "body",
                        "suggestion",
                        "confidence",
                        "cites",
                    ],
                    "properties": {
                        "path": {"type": "string"},
                        "start_line": {"type": "integer"},
                        "end_line": {"type": "integer"},
                        "line_text": {"type": "string"},
                        "severity": {"type": "string", "enum": list(SEVERITIES)},
                        "category": {"type": "string", "enum": list(CATEGORIES)},
                        "body": {"type": "string"},
                        "suggestion": _NULLABLE_STRING,
                        "confidence": {"type": "number"},
                        "cites": {"type": "array", "items": {"type": "string"}},
                    },
                },
            }
        },
    },
)

TRIAGE = Schema(
    "finding_verdicts",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["verdicts"],
        "properties": {
            "verdicts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "verdict", "reason", "confidence", "fix"],
                    "properties": {
                        "id": {"type": "string"},
                        "verdict": {"type": "string", "enum": list(VERDICTS)},
                        "reason": {"type": "string"},
                        "confidence": {"type": "number"},
                        "fix": {"anyOf": [{"type": "null"}, _FIX_OBJECT]},
                    },
                },
            }
        },
    },
)

FIX = Schema(
    "code_fix",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["replacement", "description"],
        "properties": {"replacement": {"type": "string"}, "description": {"type": "string"}},
    },
)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


def _clamp(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.5
    return 0.0 if number != number else min(1.0, max(0.0, number))  # NaN -> 0


class ReviewComment(_Lenient):
    path: str = Field(min_length=1)
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    line_text: str = ""
    severity: Literal["error", "warning", "info"] = "warning"
    category: str = "correctness"
    body: str = Field(min_length=1)
    suggestion: str | None = None
    confidence: float = 0.5
    cites: tuple[str, ...] = ()

    @field_validator("severity", "category", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        return value if value in CATEGORIES else "correctness"

    @field_validator("confidence", mode="before")
    @classmethod
    def _confidence(cls, value: Any) -> float:
        return _clamp(value)

    @field_validator("cites", mode="before")
    @classmethod
    def _cites(cls, value: Any) -> Any:
        return () if value is None else value


class ReviewReply(_Lenient):
    comments: list[dict[str, Any]]  # items are validated one by one (a bad item does not sink the others)


class FixSpan(_Lenient):
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    replacement: str


class TriageVerdict(_Lenient):
    id: str = Field(min_length=1)
    verdict: Literal["true_positive", "false_positive", "uncertain"]
    reason: str = ""
    confidence: float = 0.5
    fix: FixSpan | None = None

    @field_validator("verdict", mode="before")
    @classmethod
    def _verdict(cls, value: Any) -> Any:
        if isinstance(value, str):
            v = value.strip().lower().replace(" ", "_").replace("-", "_")
            return {"tp": "true_positive", "fp": "false_positive", "true": "true_positive"}.get(v, v)
        return value

    @field_validator("confidence", mode="before")
    @classmethod
    def _confidence(cls, value: Any) -> float:
        return _clamp(value)


class TriageReply(_Lenient):
    verdicts: list[dict[str, Any]]


class FixReply(_Lenient):
    replacement: str
    description: str = ""
