"""Publishers turn a Review into output. Formats are looked up lazily so ``--help`` stays fast."""

from __future__ import annotations

import importlib
from typing import Protocol

from reviewbot.models import Review

FORMATS: dict[str, str] = {
    "text": "reviewbot.publishers.text",
    "json": "reviewbot.publishers.json_format",
    "markdown": "reviewbot.publishers.markdown",
    "sarif": "reviewbot.publishers.sarif",
}


class Renderer(Protocol):
    def __call__(self, review: Review, *, source: str = "", color: bool = False) -> str: ...


def renderer(fmt: str) -> Renderer:
    module = importlib.import_module(FORMATS[fmt])
    return module.render
