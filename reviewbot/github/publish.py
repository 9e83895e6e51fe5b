"""Publish a Review on a pull request: one review of inline comments, one summary comment edited in place.

Idempotent re-runs: every inline comment ends with a hidden fingerprint marker. A run lists the PR's review comments,
keeps the bot's live comments whose finding is still reported (no duplicate is posted), posts only the new ones, and
deletes the bot's comments whose finding is gone (or whose line went outdated and that are re-posted) unless someone
replied to them.

Ownership: a comment is the bot's when it carries the marker AND its author is the bot's login. The login comes from
the ``bot-login`` input, else ``GET /user`` (a personal access token), else ``github-actions[bot]`` (the Actions
token cannot call ``GET /user``). A marker pasted into someone else's comment is ignored; nobody else's comment is
ever edited or deleted.

Nothing is lost silently: a comment that cannot be anchored in the diff, is over the inline cap, or that GitHub
rejects goes into the summary comment with the reason; those the summary comment cannot hold (GitHub's 65,536
characters) are counted there, with the places in ``PublishOptions.elsewhere`` (the job summary, the SARIF file)
that have them (``accounting``). When the token cannot write (a fork PR), ``PermissionDenied`` propagates and the
caller falls back to annotations and the job summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewbot.diff import Patch
from reviewbot.models import Comment, Review

from . import anchors, bodies, markers
from .accounting import Place, everything
from .client import Api, GitHubError, PermissionDenied, Unprocessable

DEFAULT_BOT_LOGIN = "github-actions[bot]"


@dataclass(frozen=True)
class PublishOptions:
    max_inline: int = 20  # new inline comments per review; the rest go to the summary
    bot_login: str = ""  # "" -> GET /user, else github-actions[bot]
    elsewhere: tuple[Place, ...] = ()  # other places that list the review's comments (job summary, SARIF file)
    hint: str = ""  # said after the count of comments no place lists


@dataclass(frozen=True)
class Posted:
    """A comment already on the PR (review comment or issue comment), as listed."""

    id: int
    author: str
    body: str
    line: int | None  # None: outdated (its line is gone from the current diff); issue comments: None
    in_reply_to: int | None
    obj: Any  # the PyGithub object, for edit/delete


@dataclass
class PublishOutcome:
    login: str = ""
    posted: list[tuple[Comment, str]] = field(default_factory=list)  # (comment, fingerprint) posted now
    kept: int = 0
    removed: int = 0
    not_inline: list[bodies.NotInline] = field(default_factory=list)
    inline: set[int] = field(default_factory=set)  # indices of the comments that are inline on the PR (new or kept)
    summary_listed: frozenset[int] = frozenset()  # indices of the comments the summary comment lists
    summary_id: int | None = None
    summary_action: str = ""  # created, edited, unchanged
    notes: list[str] = field(default_factory=list)


def _raw(obj: Any) -> dict[str, Any]:
    # The JSON the object was listed with. PyGithub's attribute access (and ``raw_data``) fetches the object again
    # when a key is absent, as ``in_reply_to_id`` is on every comment that is not a reply: one GET per comment.
    data = getattr(obj, "_rawData", None)
    return data if isinstance(data, dict) else obj.raw_data


def _posted(obj: Any) -> Posted:
    raw = _raw(obj)
    user = raw.get("user") or {}
    return Posted(
        id=int(raw["id"]),
        author=str(user.get("login") or ""),
        body=str(raw.get("body") or ""),
        line=raw.get("line"),
        in_reply_to=raw.get("in_reply_to_id"),
        obj=obj,
    )


def owned(p: Posted, login: str) -> bool:
    return bool(login) and p.author.lower() == login.lower()


class Publisher:
    def __init__(self, api: Api, repo: Any, pull: Any, head_sha: str,
                 options: PublishOptions = PublishOptions(), *,
                 log: Callable[[str], None] = lambda _m: None) -> None:
        self.api = api
        self.repo = repo
        self.pull = pull
        self.head_sha = head_sha
        self.options = options
        self.log = log

    # -- reading -------------------------------------------------------------------------------------------------
    def identity(self) -> str:
        if self.options.bot_login:
            return self.options.bot_login
        try:
            return str(self.api.read(lambda: self.api.gh.get_user().login, "GET /user"))
        except GitHubError:
            return DEFAULT_BOT_LOGIN  # the Actions token (an integration) may not call GET /user

    def review_comments(self) -> list[Posted]:
        return self.api.read(lambda: [_posted(c) for c in self.pull.get_review_comments()], "listing review comments")

    def issue_comments(self) -> list[Posted]:
        return self.api.read(lambda: [_posted(c) for c in self.pull.get_issue_comments()], "listing PR comments")

    # -- publishing ----------------------------------------------------------------------------------------------
    def publish(self, review: Review, patch: Patch) -> PublishOutcome:
        out = PublishOutcome(login=self.identity())
        existing = self.review_comments()
        replied = {p.in_reply_to for p in existing if p.in_reply_to}
        mine = [p for p in existing if owned(p, out.login) and markers.read_fp(p.body)]
        live: dict[str, Posted] = {}
        for p in mine:
            fp = markers.read_fp(p.body)
            if p.line is not None and fp and fp not in live:
                live[fp] = p

        comments = everything(review)
        fps = markers.assign(comments)
        files = anchors.files_by_path(patch)
        new: list[tuple[int, Comment, str, anchors.Anchor]] = []
        for i, c in enumerate(comments):
            fp = fps[i]
            if fp in live:
                out.kept += 1
                out.inline.add(i)
                continue
            where = anchors.anchor(c, files) if i < len(review.comments) else "outside the diff"
            if isinstance(where, str):
                out.not_inline.append(bodies.NotInline(c, where, i))
            elif len(new) >= self.options.max_inline:
                out.not_inline.append(bodies.NotInline(
                    c, f"over the cap of {self.options.max_inline} new inline comments per review", i))
            else:
                new.append((i, c, fp, where))

        if new:
            self._post(new, out)
        keep_ids = {live[fp].id for fp in fps if fp in live}
        for p in mine:
            if p.id in keep_ids:
                continue
            if p.id in replied:
                out.notes.append(f"kept an outdated reviewbot comment that has replies (id {p.id})")
                continue
            self._delete(p)
            out.removed += 1
        self._summary(review, out)
        return out

    def _post(self, new: Sequence[tuple[int, Comment, str, anchors.Anchor]], out: PublishOutcome) -> None:
        payload = [
            {**a.api_fields(), "body": bodies.inline_body(c, fp, with_suggestion=not a.narrowed)}
            for _, c, fp, a in new
        ]
        fps = {fp for _, _, fp, _ in new}
        commit = self.api.read(lambda: self.repo.get_commit(self.head_sha), f"GET commit {self.head_sha[:12]}")

        def landed() -> bool:
            return any(owned(p, out.login) and markers.read_fp(p.body) in fps for p in self.review_comments())

        try:
            self.api.write(
                lambda: self.pull.create_review(
                    commit=commit, body=bodies.review_body(len(new), self.head_sha), event="COMMENT", comments=payload
                ),
                f"posting a review with {len(new)} comment(s)",
                landed=landed,
            )
            out.posted.extend((c, fp) for _, c, fp, _ in new)
            out.inline.update(i for i, _, _, _ in new)
            return
        except Unprocessable as exc:
            self.log(f"GitHub rejected the batched review ({exc}); posting the comments one by one")
        for (i, c, fp, a), item in zip(new, payload):
            self._post_one(i, c, fp, a, item, out)

    def _post_one(
        self, i: int, c: Comment, fp: str, a: anchors.Anchor, item: dict[str, Any], out: PublishOutcome
    ) -> None:
        extra: dict[str, Any] = {}
        if a.start_line < a.line:
            extra = {"start_line": a.start_line, "start_side": "RIGHT"}

        def landed() -> bool:
            return any(owned(p, out.login) and markers.read_fp(p.body) == fp for p in self.review_comments())

        try:
            self.api.write(
                lambda: self.pull.create_review_comment(
                    item["body"], self.head_sha, a.path, line=a.line, side="RIGHT", **extra
                ),
                f"posting a comment on {a.path}:{a.line}",
                landed=landed,
            )
            out.posted.append((c, fp))
            out.inline.add(i)
        except Unprocessable as exc:
            why = "; ".join(exc.errors) or str(exc)
            out.not_inline.append(bodies.NotInline(c, f"GitHub rejected the inline comment: {why}", i))

    def _delete(self, p: Posted) -> None:
        try:
            self.api.write(p.obj.delete, f"deleting outdated comment {p.id}", idempotent=True)
        except PermissionDenied as exc:
            if exc.status != 404:  # 404: already gone (a concurrent run)
                raise

    def _summary(self, review: Review, out: PublishOutcome) -> None:
        out.not_inline.sort(key=lambda item: item.index)  # the review's order (a 422 fallback appends late)
        drafted = bodies.summary_body(
            review,
            head_sha=self.head_sha,
            not_inline=out.not_inline,
            posted=len(out.posted),
            kept=out.kept,
            removed=out.removed,
            notes=out.notes,
            elsewhere=self.options.elsewhere,
            hint=self.options.hint,
        )
        body = drafted.body
        out.summary_listed = drafted.listed
        summaries = [p for p in self.issue_comments() if owned(p, out.login) and markers.is_summary(p.body)]
        if summaries:
            first = summaries[0]
            out.summary_id = first.id
            if first.body.strip() == body.strip():
                out.summary_action = "unchanged"
            else:
                self.api.write(lambda: first.obj.edit(body), "editing the summary comment", idempotent=True)
                out.summary_action = "edited"
            for extra in summaries[1:]:  # duplicates of our own (an earlier race): remove
                self._delete(extra)
            return

        def landed() -> bool:
            return any(owned(p, out.login) and markers.is_summary(p.body) for p in self.issue_comments())

        created = self.api.write(lambda: self.pull.create_issue_comment(body), "posting the summary comment",
                                 landed=landed)
        out.summary_action = "created"
        if created is not None:
            made = _posted(created)
            out.summary_id = made.id
            if made.author and made.author.lower() != out.login.lower():
                self.log(
                    f"the token posts as {made.author!r}, not {out.login!r}: set the bot-login input to "
                    f"{made.author!r}, or later runs will not recognise (and update) this bot's comments"
                )
