"""``--format json``: the versioned review document (schema: reviewbot/schema/review.schema.json)."""

from __future__ import annotations

import json

from reviewbot.models import Review
from reviewbot.publishers.serialize import review_data


def render(review: Review, *, source: str = "", color: bool = False) -> str:
    return json.dumps(review_data(review, source=source), indent=2, ensure_ascii=False) + "\n"
