"""A local fake of the GitHub REST API, enough for reviewbot's publisher, with state and the real rules.

Started by the tests on 127.0.0.1 (port 0) in a thread, under a GitHub Enterprise Server style prefix (``/api/v3``),
so PyGithub is pointed at it through ``GITHUB_API_URL`` exactly as on GHES. It keeps repositories' pull requests,
reviews, review comments and issue comments, and enforces what GitHub enforces for them:

- 422 for a review comment on a line outside the diff's hunks (right or left side), a ``start_line`` that does not
  precede ``line`` or lies in another hunk, an unknown path or commit, a body over 65,536 characters;
- 401 without a valid token for writes, 403 "Resource not accessible by integration" for a read-only token (a fork
  PR's ``GITHUB_TOKEN``) on writes and on ``GET /user`` for integration tokens;
- pagination of every list (``per_page``, ``page``, ``Link`` headers), capped by ``page_size`` so tests paginate;
- rate-limit headers on every response; injectable faults (a secondary-limit 403 with ``Retry-After``, 5xx...);
- comments outdated (``line: null``) when a new head moves their line out of the diff.

JSON shapes follow GitHub's (``in_reply_to_id`` only on replies, as GitHub omits it otherwise). Known
simplifications: line mapping across pushes looks for the same line text in the new diff; no review threads state,
reactions or GraphQL.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

MAX_BODY = 65_536
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
NOT_ACCESSIBLE = "Resource not accessible by integration"
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."


@dataclass
class Token:
    login: str
    write: bool = True
    user_api: bool = False  # may call GET /user (a personal access token); the Actions token may not
    kind: str = "Bot"


@dataclass
class Fault:
    method: str
    path: str  # regex searched in the path (prefix removed)
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class FileDiff:
    filename: str
    status: str
    patch: str | None
    previous_filename: str | None
    right: list[tuple[int, int]]
    left: list[tuple[int, int]]
    additions: int = 0
    deletions: int = 0


@dataclass
class Pull:
    number: int
    base_sha: str
    head_sha: str
    files: list[FileDiff]
    head_repo: str
    author: str = "contributor"
    shas: set[str] = field(default_factory=set)


def parse_diff(text: str) -> list[FileDiff]:
    """Files of a ``git diff`` (the fake's own small parser, independent of reviewbot's)."""
    out: list[FileDiff] = []
    for chunk in re.split(r"^(?=diff --git )", text, flags=re.MULTILINE):
        if not chunk.startswith("diff --git "):
            continue
        lines = chunk.split("\n")
        status, old, new = "modified", None, None
        for ln in lines:
            if ln.startswith("new file mode"):
                status = "added"
            elif ln.startswith("deleted file mode"):
                status = "removed"
            elif ln.startswith("rename from "):
                status, old = "renamed", ln[len("rename from "):]
            elif ln.startswith("rename to "):
                new = ln[len("rename to "):]
            elif ln.startswith("--- ") and ln != "--- /dev/null":
                old = old or ln[6:].rstrip("\t")
            elif ln.startswith("+++ ") and ln != "+++ /dev/null":
                new = new or ln[6:].rstrip("\t")
            elif ln.startswith("@@"):
                break
        if new is None:
            m = re.match(r"diff --git a/(.*) b/(.*)", lines[0])
            new = m.group(2) if m else "?"
            old = old or (m.group(1) if m else None)
        first = next((i for i, ln in enumerate(lines) if ln.startswith("@@")), None)
        binary = any(ln.startswith("Binary files") for ln in lines)
        patch = None if binary else ("\n".join(lines[first:]).rstrip("\n") if first is not None else "")
        right, left, adds, dels = [], [], 0, 0
        for ln in lines[first or 0:] if first is not None else ():
            m = _HUNK.match(ln)
            if m:
                a, b = int(m.group(1)), int(m.group(2) or 1)
                c, d = int(m.group(3)), int(m.group(4) or 1)
                if d:
                    right.append((c, c + d - 1))
                if b:
                    left.append((a, a + b - 1))
            elif ln.startswith("+"):
                adds += 1
            elif ln.startswith("-"):
                dels += 1
        name = new if status != "removed" else (old or new)
        out.append(FileDiff(name, status, patch, old if status == "renamed" else None, right, left, adds, dels))
    return out


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class FakeGitHub:
    def __init__(
        self,
        repository: str = "octo/demo",
        *,
        prefix: str = "/api/v3",
        page_size: int = 100,
        text_at: Callable[[str, str], str | None] | None = None,
    ) -> None:
        self.repository = repository
        self.prefix = prefix
        self.page_size = page_size
        self.text_at = text_at  # (sha, path) -> file text, for outdating comments and the contents API
        self.tokens: dict[str, Token] = {}
        self.pulls: dict[int, Pull] = {}
        self.review_comments: list[dict[str, Any]] = []
        self.issue_comments: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, int]] = []  # (method, path with query, status)
        self.received: list[tuple[str, str, str]] = []  # (method, path with query, request body as text)
        self.remaining = 5000
        self._ids = 1000
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, headers, payload = fake.handle(self.command, self.path, dict(self.headers), raw)
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if payload is not None:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if data:
                    self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.host + self.prefix

    # -- setup --------------------------------------------------------------------------------------------------------
    def add_token(self, token: str, login: str, *, write: bool = True, user_api: bool = False) -> None:
        self.tokens[token] = Token(login, write, user_api, "User" if user_api else "Bot")

    def add_pull(self, number: int, base_sha: str, head_sha: str, diff: str, *, head_repo: str | None = None) -> Pull:
        pull = Pull(number, base_sha, head_sha, parse_diff(diff), head_repo or self.repository, shas={head_sha})
        self.pulls[number] = pull
        return pull

    def push(self, number: int, head_sha: str, diff: str) -> None:
        """A new head (``synchronize``): the diff changes and comments whose line left it go outdated."""
        with self._lock:
            pull = self.pulls[number]
            pull.head_sha = head_sha
            pull.shas.add(head_sha)
            pull.files = parse_diff(diff)
            for c in self.review_comments:
                if c["_pr"] != number or c["line"] is None:
                    continue
                new_line = self._follow(c, pull)
                if new_line is None:
                    c.update(line=None, start_line=None, position=None)
                else:
                    shift = new_line - c["line"]
                    c["line"] = new_line
                    if c["start_line"] is not None:
                        c["start_line"] += shift
                    c["commit_id"] = head_sha

    def _follow(self, c: dict[str, Any], pull: Pull) -> int | None:
        if self.text_at is None:
            return None
        old = (self.text_at(c["commit_id"], c["path"]) or "").split("\n")
        new = (self.text_at(pull.head_sha, c["path"]) or "").split("\n")
        if not 0 < c["line"] <= len(old):
            return None
        text = old[c["line"] - 1]
        f = self._file(pull, c["path"])
        if f is None:
            return None
        hits = [i + 1 for i, t in enumerate(new) if t == text and any(a <= i + 1 <= b for a, b in f.right)]
        return min(hits, key=lambda n: abs(n - c["line"])) if hits else None

    def seed_review_comment(self, number: int, login: str, body: str, path: str, line: int | None,
                            *, in_reply_to: int | None = None) -> dict[str, Any]:
        pull = self.pulls[number]
        return self._new_review_comment(pull, Token(login, kind="User"), {
            "body": body, "path": path, "line": line, "side": "RIGHT", "commit_id": pull.head_sha,
            "in_reply_to": in_reply_to,
        }, review_id=None)

    def seed_issue_comment(self, number: int, login: str, body: str) -> dict[str, Any]:
        return self._new_issue_comment(number, Token(login, kind="User"), body)

    def fault(self, method: str, path: str, status: int, *, body: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, times: int = 1) -> None:
        self.faults.append(Fault(method, path, status, body or {"message": "fault"}, headers or {}, times))

    # -- views for assertions -----------------------------------------------------------------------------------
    def comments_of(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.review_comments if c["_pr"] == number]

    def issue_comments_of(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.issue_comments if c["_pr"] == number]

    def reviews_of(self, number: int) -> list[dict[str, Any]]:
        return [r for r in self.reviews if r["_pr"] == number]

    def writes(self) -> list[tuple[str, str, int]]:
        return [e for e in self.log if e[0] != "GET"]

    # -- JSON shapes ----------------------------------------------------------------------------------------------
    def _repo_url(self) -> str:
        return f"{self.api_url}/repos/{self.repository}"

    def _user(self, login: str, kind: str = "User") -> dict[str, Any]:
        return {"login": login, "id": abs(hash(login)) % 10**6, "type": kind,
                "url": f"{self.api_url}/users/{login}", "html_url": f"{self.host}/{login}"}

    def _repo_json(self, full_name: str | None = None) -> dict[str, Any]:
        full = full_name or self.repository
        owner, name = full.split("/", 1)
        return {"id": abs(hash(full)) % 10**6, "node_id": "R_1", "name": name, "full_name": full,
                "owner": self._user(owner, "Organization"), "private": False, "fork": full != self.repository,
                "url": f"{self.api_url}/repos/{full}", "html_url": f"{self.host}/{full}", "default_branch": "main"}

    def _pull_json(self, pull: Pull) -> dict[str, Any]:
        url = f"{self._repo_url()}/pulls/{pull.number}"
        return {
            "id": pull.number * 7, "node_id": "PR_1", "number": pull.number, "state": "open", "title": "A change",
            "url": url, "html_url": f"{self.host}/{self.repository}/pull/{pull.number}",
            "issue_url": f"{self._repo_url()}/issues/{pull.number}", "user": self._user(pull.author),
            "head": {"sha": pull.head_sha, "ref": "feature", "label": "feature",
                     "repo": self._repo_json(pull.head_repo), "user": self._user(pull.author)},
            "base": {"sha": pull.base_sha, "ref": "main", "label": "main", "repo": self._repo_json(),
                     "user": self._user(self.repository.split("/")[0])},
        }

    def _public(self, c: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in c.items() if not k.startswith("_")}

    # -- dispatch -------------------------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str], raw: bytes
               ) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            status, extra, payload = self._handle(method, raw_path, headers, raw)
            self.remaining = max(0, self.remaining - 1)
            extra = {
                "X-RateLimit-Limit": "5000",
                "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": str(int(time.time()) + 3600),
                "X-RateLimit-Used": str(5000 - self.remaining),
                "X-RateLimit-Resource": "core",
                **extra,
            }
            self.log.append((method, raw_path, status))
            self.received.append((method, raw_path, raw.decode("utf-8", "replace")))
            return status, extra, payload

    def _handle(self, method: str, raw_path: str, headers: dict[str, str], raw: bytes
                ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        path = parts.path
        if not path.startswith(self.prefix + "/") and path != self.prefix:
            return 404, {}, {"message": "Not Found"}
        path = path[len(self.prefix):] or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        for f in self.faults:
            if f.times > 0 and f.method == method and re.search(f.path, path):
                f.times -= 1
                return f.status, dict(f.headers), dict(f.body)
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        token = None
        if auth:
            secret = auth.split(" ", 1)[-1]
            token = self.tokens.get(secret)
            if token is None:
                return 401, {}, {"message": "Bad credentials"}
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return 400, {}, {"message": "Problems parsing JSON"}
        if method != "GET":
            if token is None:
                return 401, {}, {"message": "Requires authentication"}
            if not token.write:
                return 403, {}, {"message": NOT_ACCESSIBLE}
        return self._route(method, path, query, body, token)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any, token: Token | None
               ) -> tuple[int, dict[str, str], Any]:
        if path == "/user" and method == "GET":
            if token is None:
                return 401, {}, {"message": "Requires authentication"}
            if not token.user_api:
                return 403, {}, {"message": NOT_ACCESSIBLE}
            return 200, {}, self._user(token.login)
        repo = f"/repos/{self.repository}"
        if not (path == repo or path.startswith(repo + "/")):
            return 404, {}, {"message": "Not Found"}
        rest = path[len(repo):]
        if rest == "" and method == "GET":
            return 200, {}, self._repo_json()
        m = re.fullmatch(r"/commits/([0-9a-f]{4,64})", rest)
        if m and method == "GET":
            sha = m.group(1)
            if not any(sha in p.shas or sha == p.base_sha for p in self.pulls.values()):
                return 422, {}, {"message": f"No commit found for SHA: {sha}"}
            return 200, {}, {"sha": sha, "url": f"{self._repo_url()}/commits/{sha}", "html_url": "",
                             "commit": {"message": "a commit"}, "parents": [], "files": []}
        m = re.fullmatch(r"/contents/(.+)", rest)
        if m and method == "GET":
            return self._contents(m.group(1), query.get("ref", ""))
        m = re.fullmatch(r"/pulls/(\d+)(/.*)?", rest)
        if m:
            pull = self.pulls.get(int(m.group(1)))
            if pull is None:
                return 404, {}, {"message": "Not Found"}
            return self._pull_route(method, pull, m.group(2) or "", query, body, token)
        m = re.fullmatch(r"/pulls/comments/(\d+)", rest)
        if m:
            return self._comment_route(method, int(m.group(1)), body, self.review_comments)
        m = re.fullmatch(r"/issues/(\d+)/comments", rest)
        if m:
            number = int(m.group(1))
            if number not in self.pulls:
                return 404, {}, {"message": "Not Found"}
            if method == "GET":
                return self._page(self.issue_comments_of(number), query, f"{self._repo_url()}/issues/{number}/comments")
            if method == "POST":
                text = body.get("body")
                if not isinstance(text, str) or not text:
                    return 422, {}, {"message": "Validation Failed", "errors": [{"field": "body", "code": "missing"}]}
                if len(text) > MAX_BODY:
                    return 422, {}, _too_long("IssueComment")
                assert token is not None
                return 201, {}, self._public(self._new_issue_comment(number, token, text))
        m = re.fullmatch(r"/issues/comments/(\d+)", rest)
        if m:
            return self._comment_route(method, int(m.group(1)), body, self.issue_comments)
        return 404, {}, {"message": "Not Found"}

    def _contents(self, path: str, ref: str) -> tuple[int, dict[str, str], Any]:
        text = self.text_at(ref, path) if self.text_at and ref else None
        if text is None:
            return 404, {}, {"message": "Not Found"}
        data = text.encode()
        return 200, {}, {"type": "file", "encoding": "base64", "content": base64.b64encode(data).decode(),
                         "name": path.rsplit("/", 1)[-1], "path": path, "sha": "0" * 40, "size": len(data),
                         "url": f"{self._repo_url()}/contents/{path}?ref={ref}"}

    def _page(self, items: list[dict[str, Any]], query: dict[str, str], url: str
              ) -> tuple[int, dict[str, str], Any]:
        per_page = min(int(query.get("per_page", 30)), 100, self.page_size)
        page = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []
        if page < last:
            links.append(f'<{url}?{urlencode({"per_page": per_page, "page": page + 1})}>; rel="next"')
            links.append(f'<{url}?{urlencode({"per_page": per_page, "page": last})}>; rel="last"')
        if page > 1:
            links.append(f'<{url}?{urlencode({"per_page": per_page, "page": page - 1})}>; rel="prev"')
            links.append(f'<{url}?{urlencode({"per_page": per_page, "page": 1})}>; rel="first"')
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, headers, [self._public(c) if "_pr" in c else c for c in chunk]

    def _pull_route(self, method: str, pull: Pull, sub: str, query: dict[str, str], body: Any,
                    token: Token | None) -> tuple[int, dict[str, str], Any]:
        base = f"{self._repo_url()}/pulls/{pull.number}"
        if sub == "" and method == "GET":
            return 200, {}, self._pull_json(pull)
        if sub == "/files" and method == "GET":
            files = [{"sha": "0" * 40, "filename": f.filename, "status": f.status, "additions": f.additions,
                      "deletions": f.deletions, "changes": f.additions + f.deletions,
                      "blob_url": "", "raw_url": "", "contents_url": "",
                      **({"patch": f.patch} if f.patch is not None else {}),
                      **({"previous_filename": f.previous_filename} if f.previous_filename else {})}
                     for f in pull.files]
            return self._page(files, query, base + "/files")
        if sub == "/comments" and method == "GET":
            return self._page(self.comments_of(pull.number), query, base + "/comments")
        if sub == "/comments" and method == "POST":
            assert token is not None
            problem = self._check_comment(pull, body, single=True)
            if problem:
                return 422, {}, problem
            return 201, {}, self._public(self._new_review_comment(pull, token, body, review_id=None))
        if sub == "/reviews" and method == "POST":
            assert token is not None
            return self._create_review(pull, body, token)
        if sub == "/reviews" and method == "GET":
            return self._page([self._public(r) for r in self.reviews_of(pull.number)], query, base + "/reviews")
        return 404, {}, {"message": "Not Found"}

    def _file(self, pull: Pull, path: str) -> FileDiff | None:
        return next((f for f in pull.files if f.filename == path), None)

    def _check_comment(self, pull: Pull, c: dict[str, Any], *, single: bool) -> dict[str, Any] | None:
        """None when GitHub would accept this review comment, else its 422 payload."""
        def fail(field_: str, message: str) -> dict[str, Any]:
            if single:
                return {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequestReviewComment", "code": "custom", "field": field_, "message": message}]}
            return {"message": "Unprocessable Entity", "errors": [message]}

        text = c.get("body")
        if not isinstance(text, str) or not text:
            return fail("body", "body can't be blank")
        if len(text) > MAX_BODY:
            return _too_long("PullRequestReviewComment")
        if single and c.get("commit_id") not in pull.shas:
            return fail("commit_id", "commit_id is not part of the pull request")
        if c.get("in_reply_to"):
            return None
        f = self._file(pull, str(c.get("path")))
        if f is None:
            return fail("path", "Path could not be resolved")
        line, start = c.get("line"), c.get("start_line")
        side = c.get("side", "RIGHT")
        if "position" in c and line is None:
            return None
        if not isinstance(line, int) or side not in ("RIGHT", "LEFT"):
            return fail("line", "Line could not be resolved")
        hunks = f.right if side == "RIGHT" else f.left
        hunk = next(((a, b) for a, b in hunks if a <= line <= b), None)
        if hunk is None:
            return fail("pull_request_review_thread.line", "pull_request_review_thread.line must be part of the diff")
        if start is not None:
            if not isinstance(start, int) or start >= line:
                return fail("pull_request_review_thread.start_line",
                            "pull_request_review_thread.start_line must precede the end line.")
            if c.get("start_side", side) != side or not hunk[0] <= start <= hunk[1]:
                return fail("pull_request_review_thread.start_line",
                            "pull_request_review_thread.start_line must be part of the same hunk as the line.")
        return None

    def _create_review(self, pull: Pull, body: dict[str, Any], token: Token) -> tuple[int, dict[str, str], Any]:
        event = body.get("event")
        if event not in (None, "APPROVE", "REQUEST_CHANGES", "COMMENT"):
            return 422, {}, {"message": "Unprocessable Entity", "errors": [f"Unknown event {event!r}"]}
        commit = body.get("commit_id") or pull.head_sha
        if commit not in pull.shas:
            return 422, {}, {"message": "Unprocessable Entity", "errors": ["Commit is not part of the pull request"]}
        text = body.get("body") or ""
        if len(text) > MAX_BODY:
            return 422, {}, _too_long("PullRequestReview")
        comments = body.get("comments") or []
        if event in ("COMMENT", "REQUEST_CHANGES") and not text and not comments:
            return 422, {}, {"message": "Unprocessable Entity", "errors": ["Review body is required"]}
        for c in comments:
            problem = self._check_comment(pull, {**c, "commit_id": commit}, single=False)
            if problem:
                return 422, {}, problem
        self._ids += 1
        review = {"id": self._ids, "node_id": f"PRR_{self._ids}", "user": self._user(token.login, token.kind),
                  "body": text, "state": "COMMENTED" if event == "COMMENT" else (event or "PENDING"),
                  "commit_id": commit, "html_url": "", "submitted_at": _now(), "_pr": pull.number,
                  "pull_request_url": f"{self._repo_url()}/pulls/{pull.number}", "author_association": "NONE"}
        self.reviews.append(review)
        for c in comments:
            self._new_review_comment(pull, token, {**c, "commit_id": commit}, review_id=review["id"])
        return 200, {}, self._public(review)

    def _new_review_comment(self, pull: Pull, token: Token, c: dict[str, Any], *, review_id: int | None
                            ) -> dict[str, Any]:
        self._ids += 1
        cid = self._ids
        parent = next((x for x in self.review_comments if x["id"] == c.get("in_reply_to")), None)
        path = parent["path"] if parent else c.get("path")
        line = parent["line"] if parent else c.get("line")
        item: dict[str, Any] = {
            "id": cid, "node_id": f"PRRC_{cid}", "pull_request_review_id": review_id,
            "url": f"{self._repo_url()}/pulls/comments/{cid}",
            "html_url": f"{self.host}/{self.repository}/pull/{pull.number}#discussion_r{cid}",
            "pull_request_url": f"{self._repo_url()}/pulls/{pull.number}",
            "diff_hunk": "@@", "path": path, "commit_id": c.get("commit_id") or pull.head_sha,
            "original_commit_id": c.get("commit_id") or pull.head_sha, "user": self._user(token.login, token.kind),
            "body": c["body"], "created_at": _now(), "updated_at": _now(), "author_association": "NONE",
            "start_line": c.get("start_line"), "original_start_line": c.get("start_line"),
            "start_side": c.get("start_side") if c.get("start_line") else None,
            "line": line, "original_line": line, "side": c.get("side", "RIGHT"),
            "position": 1 if line is not None else None, "original_position": 1, "subject_type": "line",
            "_pr": pull.number,
        }
        if parent:
            item["in_reply_to_id"] = parent["id"]
        self.review_comments.append(item)
        return item

    def _new_issue_comment(self, number: int, token: Token, text: str) -> dict[str, Any]:
        self._ids += 1
        cid = self._ids
        item = {"id": cid, "node_id": f"IC_{cid}", "url": f"{self._repo_url()}/issues/comments/{cid}",
                "html_url": f"{self.host}/{self.repository}/pull/{number}#issuecomment-{cid}",
                "issue_url": f"{self._repo_url()}/issues/{number}", "body": text,
                "user": self._user(token.login, token.kind), "created_at": _now(), "updated_at": _now(),
                "author_association": "NONE", "_pr": number, "_edits": 0}
        self.issue_comments.append(item)
        return item

    def _comment_route(self, method: str, cid: int, body: Any, store: list[dict[str, Any]]
                       ) -> tuple[int, dict[str, str], Any]:
        item = next((c for c in store if c["id"] == cid), None)
        if item is None:
            return 404, {}, {"message": "Not Found"}
        if method == "GET":
            return 200, {}, self._public(item)
        if method == "DELETE":
            store.remove(item)
            return 204, {}, None
        if method == "PATCH":
            text = body.get("body")
            if not isinstance(text, str) or not text:
                return 422, {}, {"message": "Validation Failed"}
            if len(text) > MAX_BODY:
                return 422, {}, _too_long("IssueComment")
            item.update(body=text, updated_at=_now())
            item["_edits"] = item.get("_edits", 0) + 1
            return 200, {}, self._public(item)
        return 404, {}, {"message": "Not Found"}


def _too_long(resource: str) -> dict[str, Any]:
    return {"message": "Validation Failed", "errors": [
        {"resource": resource, "code": "custom", "field": "body",
         "message": "body is too long (maximum is 65536 characters)"}]}
