"""From reply text to checked values: JSON extraction (a reply in a code fence or with prose around it is
accepted; truncated JSON is not), schema validation item by item, anchoring of line numbers, and sanitizing of
the text that will be shown.

Model output is data: it only becomes comment text and suggestions. ``sanitize`` makes sure that text cannot
mention people, hide markers for the publisher, or read as a bot command (``/approve``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from reviewbot.llm.context import FileContext
from reviewbot.llm.schemas import FixReply, ReviewComment, ReviewReply, TriageReply, TriageVerdict

T = TypeVar("T", bound=BaseModel)

MAX_BODY = 3000
MAX_SUGGESTION_LINES = 60
_FENCED = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n(.*?)\n?```", re.S)
_MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")
_COMMAND = re.compile(r"(?m)^(\s*)/(?=[A-Za-z])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
ZWSP = "\u200b"


@dataclass
class ParsedReply(Generic[T]):
    items: list[T] = field(default_factory=list)
    dropped: int = 0  # items that failed validation
    problem: str = ""  # what is wrong with the reply (empty: usable as is)

    @property
    def usable(self) -> bool:
        return not self.problem


def extract_json(text: str) -> Any:
    """The JSON value of a reply: bare, in a ```json fence, or with prose around one object. ValueError if none."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("the reply is empty")
    candidates = [stripped]
    candidates += [m.group(1).strip() for m in _FENCED.finditer(stripped)]
    first, last = stripped.find("{"), stripped.rfind("}")
    if 0 <= first < last:
        candidates.append(stripped[first : last + 1])
    error = ""
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as exc:
            error = error or f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if stripped.count("{") > stripped.count("}") or stripped.count("[") > stripped.count("]"):
        raise ValueError(f"the reply is not complete JSON (truncated?): {error}")
    raise ValueError(f"the reply is not valid JSON: {error}")


def _first_error(exc: ValidationError, where: str) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    return f"{where}{'.' + loc if loc else ''}: {err['msg']}"


def _items(text: str, container: type[BaseModel], key: str, item: type[T]) -> ParsedReply[T]:
    try:
        data = extract_json(text)
    except ValueError as exc:
        return ParsedReply(problem=str(exc))
    if isinstance(data, list) and key == "comments":
        data = {key: data}  # a bare list of comments is a common, harmless deviation
    try:
        container.model_validate(data)
    except ValidationError as exc:
        return ParsedReply(problem=_first_error(exc, "the reply"))
    parsed: ParsedReply[T] = ParsedReply()
    for i, raw in enumerate(data[key]):
        try:
            parsed.items.append(item.model_validate(raw))
        except ValidationError as exc:
            parsed.dropped += 1
            parsed.problem = parsed.problem or _first_error(exc, f"{key}[{i}]")
    return parsed


def parse_review(text: str) -> ParsedReply[ReviewComment]:
    return _items(text, ReviewReply, "comments", ReviewComment)


def parse_triage(text: str) -> ParsedReply[TriageVerdict]:
    return _items(text, TriageReply, "verdicts", TriageVerdict)


def parse_fix(text: str) -> ParsedReply[FixReply]:
    try:
        data = extract_json(text)
        return ParsedReply([FixReply.model_validate(data)])
    except ValueError as exc:  # ValidationError is a ValueError
        problem = _first_error(exc, "the reply") if isinstance(exc, ValidationError) else str(exc)
        return ParsedReply(problem=problem)


Parser = Callable[[str], ParsedReply[Any]]


# ---------------------------------------------------------------- sanitizing


def sanitize(text: str, limit: int = MAX_BODY) -> str:
    """Comment text that cannot mention anyone, carry hidden markers, or read as a bot command."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    text = _MENTION.sub("@" + ZWSP, text)
    text = text.replace("<!--", "&lt;!--")
    text = _COMMAND.sub(lambda m: m.group(1) + ZWSP + "/", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_code(text: str) -> str | None:
    """A suggestion's replacement text (whole lines, newline-terminated), or None when it is unusable."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    if "```" in text or text.count("\n") > MAX_SUGGESTION_LINES:
        return None
    return text if text.endswith("\n") or not text else text + "\n"


# ---------------------------------------------------------------- anchoring


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    moved_from: tuple[int, int] | None = (
        None  # the model's lines, when the quoted line text put them elsewhere
    )


def anchor(start: int, end: int, line_text: str, ctx: FileContext) -> tuple[Anchor | None, str]:
    """Check the model's lines against the new file and the diff: (anchor, "") or (None, why not).

    ``line_text`` (what the model says start_line reads) re-anchors a comment whose numbers are off, to the
    nearest line in the diff with that text; a comment whose text is nowhere in the diff is not anchored.
    """
    lines = ctx.lines
    if end < start:
        return None, f"end line {end} is before start line {start}"
    expected = line_text.strip()
    moved = None
    if expected and not (1 <= start <= len(lines) and lines[start - 1].strip() == expected):
        matches = [
            n
            for lo, hi in ctx.hunk_ranges
            for n in range(lo, min(hi, len(lines)) + 1)
            if lines[n - 1].strip() == expected
        ]
        if not matches:
            where = (
                f"line {start} reads differently"
                if 1 <= start <= len(lines)
                else f"line {start} does not exist"
            )
            return None, f"{where} and the quoted line is not in the diff"
        best = min(matches, key=lambda n: (abs(n - start), n))
        moved = (start, end)
        start, end = best, best + (end - start)
    if start < 1 or end > len(lines):
        return None, f"lines {start}-{end} are outside the file ({len(lines)} lines)"
    if not ctx.in_diff(start, end):
        return None, f"lines {start}-{end} are not inside one hunk of the diff"
    return Anchor(start, end, moved), ""


def comment_is_noop(ctx: FileContext, a: Anchor, replacement: str) -> bool:
    current = "\n".join(ctx.lines[a.start - 1 : a.end]) + "\n"
    return current == replacement
