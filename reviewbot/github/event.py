"""The pull request a run is about, read from the standard GitHub Actions environment.

``GITHUB_EVENT_PATH`` (the webhook payload), ``GITHUB_REPOSITORY``, ``GITHUB_API_URL`` and ``GITHUB_SERVER_URL``
(GitHub Enterprise Server sets its own), ``GITHUB_TOKEN`` and ``GITHUB_WORKSPACE``. Any CI that sets the same variables (or passes ``--pr``,
``--base-sha``, ``--head-sha``) can run ``reviewbot action`` too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewbot.errors import ReviewbotError

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"
_SHA_CHARS = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class PullRequestRun:
    repository: str  # "owner/name" of the base repository
    number: int
    base_sha: str  # may be "" when neither the event nor the flags give it (then read from the API)
    head_sha: str
    api_url: str
    token: str
    workspace: Path
    event_name: str = "pull_request"
    action: str = ""  # opened, synchronize, reopened, ...
    head_repository: str = ""  # "owner/name" the PR comes from; differs from ``repository`` for a fork PR
    server_url: str = DEFAULT_SERVER_URL  # the web UI (GITHUB_SERVER_URL): its host is the repository's own host

    @property
    def is_fork(self) -> bool:
        return bool(self.head_repository) and self.head_repository.lower() != self.repository.lower()

    @property
    def server_host(self) -> str:
        """The repository's own host (github.com, or the GHES host): links to it are the only ones allowed by
        default in what the bot publishes."""
        return _host_of(self.server_url)


def _host_of(url: str) -> str:
    m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)", url.strip())
    return m.group(1).lower().rstrip(".") if m else ""


def server_url_of(environ: Mapping[str, str], api_url: str) -> str:
    """GITHUB_SERVER_URL, else derived from the API URL (``https://api.github.com`` -> ``https://github.com``,
    ``https://ghes.example/api/v3`` -> ``https://ghes.example``)."""
    if environ.get("GITHUB_SERVER_URL"):
        return environ["GITHUB_SERVER_URL"].rstrip("/")
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://)(?:api\.)?([^/?#]+)", api_url)
    if m is None or api_url.rstrip("/") == DEFAULT_API_URL:
        return DEFAULT_SERVER_URL
    return m.group(1) + m.group(2)


def _payload(environ: Mapping[str, str]) -> dict[str, Any]:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReviewbotError(f"GITHUB_EVENT_PATH={path}: cannot read the event ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise ReviewbotError(f"GITHUB_EVENT_PATH={path}: not JSON ({exc})") from exc
    return data if isinstance(data, dict) else {}


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _sha(value: Any, what: str) -> str:
    if value in (None, ""):
        return ""
    text = str(value).strip().lower()
    if not (4 <= len(text) <= 64) or not set(text) <= _SHA_CHARS:
        raise ReviewbotError(f"{what}: not a commit id ({value!r})")
    return text


def read(
    environ: Mapping[str, str],
    *,
    number: int | None = None,
    base_sha: str | None = None,
    head_sha: str | None = None,
    token: str | None = None,
    workspace: Path | None = None,
) -> PullRequestRun:
    """The run's pull request; flags win over the event payload. A clear error when it is not a PR run."""
    payload = _payload(environ)
    raw_pr = payload.get("pull_request")
    pr: dict[str, Any] = raw_pr if isinstance(raw_pr, dict) else {}
    event_name = environ.get("GITHUB_EVENT_NAME", "")
    repository = environ.get("GITHUB_REPOSITORY") or _get(payload, "repository", "full_name") or ""
    if not repository or "/" not in repository:
        raise ReviewbotError("GITHUB_REPOSITORY is not set (expected owner/name)")
    if number is None:
        raw = pr.get("number") or payload.get("number") or environ.get("REVIEWBOT_PR_NUMBER")
        if raw in (None, ""):
            raise ReviewbotError(
                f"event {event_name or '(unknown)'!r} is not about a pull request: run on `pull_request` "
                "or pass --pr NUMBER"
            )
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise ReviewbotError(f"pull request number {raw!r} is not a number") from None
    if number <= 0:
        raise ReviewbotError(f"pull request number {number} is not valid")
    api_url = (environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    return PullRequestRun(
        repository=repository,
        number=number,
        base_sha=_sha(base_sha if base_sha is not None else _get(pr, "base", "sha"), "base sha"),
        head_sha=_sha(head_sha if head_sha is not None else _get(pr, "head", "sha"), "head sha"),
        api_url=api_url,
        token=token if token is not None else environ.get("GITHUB_TOKEN", ""),
        workspace=workspace or Path(environ.get("GITHUB_WORKSPACE") or "."),
        event_name=event_name or "pull_request",
        action=str(payload.get("action") or ""),
        head_repository=str(_get(pr, "head", "repo", "full_name") or ""),
        server_url=server_url_of(environ, api_url),
    )
