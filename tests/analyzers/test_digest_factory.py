"""SHA-1 digest factories (analyzers/_digest_factory.py): bandit's B324 is not reported in a function that only
returns ``hashlib.sha1(...)`` and is handed on as a digest method; real bandit on real files."""

from __future__ import annotations

import pytest
from reviewbot.analyzers._digest_factory import factory_lines
from reviewbot.analyzers.bandit import Bandit, BanditOptions
from reviewbot.analyzers.base import AnalysisContext

from reviewbot.models import AnalyzerResult
from tests.analyzers.support import changed, materialize

# The shape of Flask's sessions.py and itsdangerous' signer.py: the signer's HMAC digest, created lazily.
SIGNER = '''\
import hashlib
import hmac


def _lazy_sha1(string: bytes = b"") -> object:
    """Don't access ``hashlib.sha1`` until runtime (FIPS builds)."""
    return hashlib.sha1(string)


class SecureCookieInterface:
    digest_method = staticmethod(_lazy_sha1)
    key_derivation = "hmac"


def sign(key: bytes, value: bytes) -> bytes:
    return hmac.new(key, value, digestmod=_lazy_sha1).digest()
'''

# A SHA-1 helper the module calls on a password, and MD5 handed on: both stay flagged.
PASSWORDS = '''\
import hashlib


def _sha1(data):
    return hashlib.sha1(data)


def _md5(data):
    return hashlib.md5(data)


HASHERS = {"md5": _md5}


def password_digest(password):
    return _sha1(password.encode()).hexdigest()
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AnalyzerResult:
    work = tmp_path_factory.mktemp("digest") / "tree"
    files = [changed("app/sessions.py", SIGNER), changed("app/passwords.py", PASSWORDS)]
    materialize(work, files)
    return Bandit().analyze(files, AnalysisContext(work, BanditOptions()))


def lines(res: AnalyzerResult, path: str) -> list[int]:
    return sorted(f.line for f in res.findings if f.path == path and f.rule_id == "B324")


def test_a_sha1_digest_factory_handed_on_is_not_a_weak_hash(result: AnalyzerResult) -> None:
    assert lines(result, "app/sessions.py") == []
    assert ("app/sessions.py: 1 SHA-1 digest factory(ies) handed on as a digest method (HMAC, signers) not reported "
            "as a weak hash") in result.notes


def test_a_called_sha1_helper_and_md5_stay_flagged(result: AnalyzerResult) -> None:
    assert lines(result, "app/passwords.py") == [5, 9]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("def f(s=b''):\n    return hashlib.sha1(s)\nD = f\n", {2}),
        ("def f(s=b''):\n    return hashlib.new('sha1', s)\nx = g(digest=f)\n", {2}),
        ("def f(s=b''):\n    return hashlib.sha1(s)\nD = f(b'x')\n", set()),  # only called
        ("def f(s=b''):\n    h = hashlib.sha1(s)\n    return h\nD = f\n", set()),  # not only a return
        ("def f(s=b''):\n    return hashlib.md5(s)\nD = f\n", set()),
        ("def f(:\n", set()),
    ],
)
def test_what_is_a_digest_factory(text: str, expected: set[int]) -> None:
    assert factory_lines(text) == expected
