"""``review --apply``: write the verified suggestions of the reported comments into the working tree.

Safety rules, each checked per file before anything is written:

- only the suggestions of reported comments (never rejected or budget-cut ones);
- the file on disk must hold exactly the text that was reviewed: for a working-tree review that is the diff
  itself; for ``--staged`` or a commit range it means the file has no other (unstaged) edits — a dirty file is
  refused rather than merged into;
- the anchored lines must still hold the code the comment quotes (re-checked just before writing);
- overlapping suggestions: the first (best ranked) wins, the other is skipped;
- symlinks (anywhere on the path) are never followed, special files never opened;
- edits run bottom-up, and the result is written atomically (temp file in the same directory, then rename), keeping
  the file's mode, encoding, BOM and line endings.
"""

from __future__ import annotations

import codecs
import difflib
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewbot.errors import ReviewbotError
from reviewbot.models import Review
from reviewbot.publishers.text import safe
from reviewbot.sources import Source
from reviewbot.textio import UnsafePath, decode_source, read_regular_file, safe_path


@dataclass(frozen=True)
class Edit:
    path: str
    line: int
    end_line: int
    expected: str  # the code the comment quotes (post-image lines line..end_line)
    replacement: str
    origin: str


@dataclass(frozen=True)
class FilePlan:
    path: str
    edits: tuple[Edit, ...]  # bottom-up
    old: bytes
    new: bytes
    text_before: str
    text_after: str


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str


def edits_of(review: Review) -> list[Edit]:
    """The suggestions of the reported comments, best first (as ranked)."""
    return [
        Edit(c.path, c.line, max(c.line, c.end_line), c.code, c.suggestion, c.origin)
        for c in review.comments
        if c.suggestion is not None and c.code
    ]


def _encoding(data: bytes, declared: str) -> tuple[str, bytes]:
    """(codec, BOM prefix) to write the file back as it was."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", codecs.BOM_UTF8
    return declared, b""


def _adapt(replacement: str, replaced: list[str]) -> str:
    """Give the replacement the line ending of the lines it replaces, and no final newline where there was none."""
    crlf = bool(replaced) and replaced[0].endswith("\r\n")
    lines = replacement.splitlines(keepends=True)
    eol = "\r\n" if crlf else "\n"
    fixed = [ln.rstrip("\r\n") + eol if ln.endswith(("\n", "\r")) else ln for ln in lines]
    if fixed and not fixed[-1].endswith(("\n", "\r")):
        fixed[-1] += eol
    if replaced and not replaced[-1].endswith(("\n", "\r")) and fixed:
        fixed[-1] = fixed[-1].rstrip("\r\n")
    return "".join(fixed)


def _splice(text: str, edits: Sequence[Edit]) -> tuple[str, list[Edit], list[str]]:
    """Apply non-overlapping edits bottom-up; (new text, applied, reasons for the skipped ones)."""
    lines = text.splitlines(keepends=True)
    applied: list[Edit] = []
    skipped: list[str] = []
    taken: list[tuple[int, int]] = []
    for e in edits:  # best first: the first of two overlapping suggestions wins
        if any(e.line <= end and start <= e.end_line for start, end in taken):
            skipped.append(f"{e.path}:{e.line}: overlaps another suggestion; not applied")
            continue
        taken.append((e.line, e.end_line))
        applied.append(e)
    applied.sort(key=lambda e: e.line, reverse=True)
    for e in applied:
        current = "".join(lines[e.line - 1 : e.end_line])
        if e.end_line > len(lines) or current.replace("\r\n", "\n") != e.expected.replace("\r\n", "\n"):
            raise _Stale(f"{e.path}:{e.line}: the code there is no longer what was reviewed")
        lines[e.line - 1 : e.end_line] = [_adapt(e.replacement, lines[e.line - 1 : e.end_line])]
    return "".join(lines), applied, skipped


class _Stale(Exception):
    pass


def plan(
    edits: Sequence[Edit], root: Path, reviewed: Callable[[str], bytes | None]
) -> tuple[list[FilePlan], list[Refusal], list[str]]:
    """What would be written: (plans per file, refused files with the reason, notes on skipped edits).

    ``reviewed(path)`` returns the bytes that were reviewed for ``path`` (the post-image).
    """
    by_path: dict[str, list[Edit]] = defaultdict(list)
    for e in edits:
        by_path[e.path].append(e)
    plans: list[FilePlan] = []
    refused: list[Refusal] = []
    notes: list[str] = []
    for path in sorted(by_path):
        try:
            data = read_regular_file(root, path)
        except UnsafePath as exc:
            refused.append(Refusal(path, f"{exc}; not followed"))
            continue
        if data is None:
            refused.append(Refusal(path, "no longer exists"))
            continue
        if data != reviewed(path):
            refused.append(Refusal(path, "has changes that are not in the reviewed diff (unstaged or newer edits)"))
            continue
        decoded = decode_source(data)
        if decoded.lossy:
            refused.append(Refusal(path, f"not valid {decoded.encoding} text"))
            continue
        try:
            text, applied, skipped = _splice(decoded.text, by_path[path])
        except _Stale as exc:
            refused.append(Refusal(path, str(exc)))
            continue
        notes += skipped
        codec, bom = _encoding(data, decoded.encoding)
        try:
            new = bom + text.encode(codec)
        except UnicodeEncodeError:
            refused.append(Refusal(path, f"the fix cannot be written in the file's encoding ({codec})"))
            continue
        if new != data:
            plans.append(FilePlan(path, tuple(applied), data, new, decoded.text, text))
    return plans, refused, notes


def diff(p: FilePlan) -> str:
    """A unified diff of the plan (for showing before asking)."""
    return "".join(
        difflib.unified_diff(
            p.text_before.splitlines(keepends=True),
            p.text_after.splitlines(keepends=True),
            f"a/{p.path}",
            f"b/{p.path}",
            n=1,
        )
    )


def write(p: FilePlan, root: Path) -> None:
    """Replace the file atomically, after checking once more that it is the same regular file with the same bytes."""
    try:
        target = safe_path(root, p.path)
        current = read_regular_file(root, p.path)
    except UnsafePath as exc:
        raise ReviewbotError(f"{p.path}: {exc}; not written") from None
    if current != p.old:
        raise ReviewbotError(f"{p.path}: changed while reviewbot was running; not written")
    mode = stat.S_IMODE(os.lstat(target).st_mode)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".reviewbot-tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(p.new)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise ReviewbotError(f"{p.path}: cannot write ({exc.strerror or exc})") from exc


def reviewed_bytes(source: Source) -> Callable[[str], bytes | None]:
    """``path -> post-image bytes`` as the review saw them (re-read from the source)."""
    files = {f.path: f for f in source.patch().files}

    def reviewed(path: str) -> bytes | None:
        f = files.get(path)
        return source.after(f) if f is not None else None

    return reviewed


def interactive(review: Review, source: Source, *, yes: bool) -> int:
    """Show what would change (stderr), ask unless ``yes``, write. Returns how many files were written."""
    import click

    edits = edits_of(review)
    if not edits:
        click.echo("reviewbot: no verified fix to apply", err=True)
        return 0
    if source.root is None:
        raise ReviewbotError("--apply needs a directory to write to")
    plans, refused, notes = plan(edits, source.root, reviewed_bytes(source))
    for r in refused:
        click.echo(f"reviewbot: not touching {r.path}: {r.reason}", err=True)
    for note in notes:
        click.echo(f"reviewbot: {note}", err=True)
    if not plans:
        click.echo("reviewbot: nothing to apply", err=True)
        return 0
    color = _stderr_color()
    for p in plans:
        for line in diff(p).splitlines():
            fg = "red" if line.startswith("-") else "green" if line.startswith("+") else None
            click.echo(click.style(safe(line), fg=fg) if color and fg else safe(line), err=True, color=color)
    count = sum(len(p.edits) for p in plans)
    question = f"Apply {count} fix{'es' if count != 1 else ''} to {len(plans)} file{'s' if len(plans) != 1 else ''}?"
    if not yes:
        try:
            if not click.confirm(question, default=False, err=True):
                click.echo("reviewbot: nothing applied", err=True)
                return 0
        except click.exceptions.Abort:
            click.echo("\nreviewbot: nothing applied (no answer; use --yes to apply without asking)", err=True)
            return 0
    for p in plans:
        write(p, source.root)
    click.echo(
        f"reviewbot: applied {count} fix{'es' if count != 1 else ''} to "
        f"{', '.join(p.path for p in plans)}; review them and stage them (`git add -p`)",
        err=True,
    )
    return len(plans)


def _stderr_color() -> bool:
    import sys

    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stderr.isatty()
