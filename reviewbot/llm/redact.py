"""Keep secrets out of prompts, logs, cassettes and error messages.

A ``Redactor`` knows the secret values of this run (the API key, the values of the usual token variables and of
every variable whose name looks secret: ``*_TOKEN``, ``*_SECRET``, ``*PASSWORD``, ``*_API_KEY``...) and a few token
shapes (``Bearer ...``, ``sk-...``, GitHub tokens). Everything that leaves the process through this package goes
through ``redact``; the logger of the package carries a filter that does the same to every record; and every text of
a published review goes through it too (``reviewbot.publishable``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "[REDACTED]"
MIN_SECRET_LENGTH = 6  # shorter values are not treated as secrets (they would mask ordinary words)

# Variables whose values are secrets wherever they appear, even when this run does not use them.
KNOWN_SECRET_ENV = (
    "OPENAI_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "REVIEWBOT_GITHUB_TOKEN",
)

# A variable holds a secret when its name has one of these words (``GITHUB_TOKEN``, ``PGPASSWORD``, ``AWS_SECRET_ACCESS_KEY``,
# ``MYSQL_PWD``), unless the name says it only points at one (``API_KEY_ENV``, ``CREDENTIALS_FILE``). Not ``PWD``,
# ``OLDPWD`` (the working directories).
_SECRET_NAME = re.compile(
    r"(?i)(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY"
    r"|ENCRYPTION_?KEY)(?:_|$)|(?:^|_)PWD$"
)
_POINTER_NAME = re.compile(r"(?i)_(?:ENV|FILE|PATH|DIR|URL|SOCK|NAME|TYPE|HEADER)$")
_NOT_SECRET = frozenset({"PWD", "OLDPWD"})

_PATTERNS = (
    # a bearer token has a digit or punctuation in it, or is long: "Bearer authentication" is prose
    re.compile(r"(?i)\b(bearer)\s+(?:(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}|[A-Za-z]{20,})"),
    re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
)
SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-key", "proxy-authorization", "cookie"})


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        self._secrets = sorted(values, key=len, reverse=True)  # longest first: no partial leftovers

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, extra: Iterable[str] = (), names: Iterable[str] = ()
    ) -> Redactor:
        """The secrets of ``environ``: the known variables, ``names`` (e.g. the one ``api-key-env`` names), every
        variable whose name looks secret, and the ``extra`` values."""
        env = os.environ if environ is None else environ
        wanted = {*KNOWN_SECRET_ENV, *(n for n in names if n), *(n for n in env if secret_name(n))}
        return cls([*extra, *(env.get(name, "") for name in sorted(wanted))])

    def with_secret(self, secret: str) -> Redactor:
        return Redactor([*self._secrets, secret])

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(_mask_match, text)
        return text

    def redact_exact(self, text: str) -> str:
        """Only the known secret values (for prompts: code that merely looks like a token stays intact)."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def redact_data(self, value: Any) -> Any:
        """``redact`` applied to every string in a JSON-like value; secret headers are dropped entirely."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, Mapping):
            return {k: self.redact_data(v) for k, v in value.items() if str(k).lower() not in SECRET_HEADERS}
        if isinstance(value, (list, tuple)):
            return [self.redact_data(v) for v in value]
        return value


def secret_name(name: str) -> bool:
    """Does an environment variable of this name hold a secret (by the name alone)?"""
    if name.upper() in _NOT_SECRET or _POINTER_NAME.search(name):
        return False
    return bool(_SECRET_NAME.search(name))


def _mask_match(match: re.Match[str]) -> str:
    word = match.group(1) if match.re.groups else None
    return f"{word} {MASK}" if word else MASK


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message of every record."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self.redactor.redact(message)
        record.args = None
        return True


logger = logging.getLogger("reviewbot.llm")


def install(redactor: Redactor) -> RedactingFilter:
    """Redact every record of the ``reviewbot.llm`` logger (and its children) with ``redactor``."""
    flt = RedactingFilter(redactor)
    logger.addFilter(flt)
    return flt


def uninstall(flt: RedactingFilter) -> None:
    logger.removeFilter(flt)
