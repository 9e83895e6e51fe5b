"""The one-line summary of the reviewed files' kinds (source, tests, data), for the publishers.

Kept apart from ``reviewbot.filekinds`` (which classifies, and needs pydantic for its settings) so that rendering a
review imports nothing heavy: a replayed review (``reviewbot.rerun``) is rendered without the pipeline's modules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from reviewbot.models import ClassifiedFile, FileKind


def _data_dirs(files: Sequence[ClassifiedFile], limit: int = 3) -> str:
    dirs = Counter("/".join(f.path.split("/")[:-1][:2]) + "/" if "/" in f.path else "./" for f in files)
    shown = [d for d, _ in dirs.most_common(limit)]
    return ", ".join(shown) + (", ..." if len(dirs) > limit else "")


def summary_line(files: Sequence[ClassifiedFile]) -> str:
    """``216 files: 12 source, 40 tests, 164 data (tests/data/...)``; "" when there are none."""
    if not files:
        return ""
    counts = Counter(f.kind for f in files)
    data = [f for f in files if f.kind is FileKind.DATA]
    parts = [f"{counts[k]} {k.value}" for k in FileKind]
    if data:
        parts[-1] += f" ({_data_dirs(data)})"
    total = len(files)
    return f"{total} file{'s' if total != 1 else ''}: " + ", ".join(parts)
