"""Pickle round trips (analyzers/_roundtrip.py): bandit's B301 is not reported on ``loads(dumps(obj))``; real
bandit on real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from reviewbot.analyzers._roundtrip import round_trip_lines
from reviewbot.analyzers.bandit import Bandit, BanditOptions
from reviewbot.analyzers.base import AnalysisContext

from reviewbot.models import AnalyzerResult
from tests.analyzers.support import changed, materialize

# The shape of jinja2's tests/test_utils.py and test_runtime.py: objects must survive pickling.
PICKLING_TESTS = '''\
import pickle

import pytest

from app.markers import Missing, Undefined


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_missing_survives_pickling(protocol):
    assert pickle.loads(pickle.dumps(Missing, protocol)) is Missing


def test_undefined_copies():
    undef = Undefined(name="x")
    data = pickle.dumps(undef)
    copied = pickle.loads(data)
    assert copied == undef
'''

# Deserializing bytes from elsewhere stays flagged, also under a name that once held a dumps() result.
LOADS_UNTRUSTED = '''\
import pickle


def receive(payload):
    return pickle.loads(payload)


def relay(sock, obj):
    data = pickle.dumps(obj)
    sock.sendall(data)
    data = sock.recv(4096)
    return pickle.loads(data)
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AnalyzerResult:
    work = tmp_path_factory.mktemp("roundtrip") / "tree"
    files = [changed("tests/test_pickling.py", PICKLING_TESTS), changed("app/wire.py", LOADS_UNTRUSTED)]
    materialize(work, files)
    return Bandit().analyze(files, AnalysisContext(work, BanditOptions()))


def lines(res: AnalyzerResult, path: str, rule: str = "B301") -> list[int]:
    return sorted(f.line for f in res.findings if f.path == path and f.rule_id == rule)


def test_a_round_trip_is_not_unsafe_deserialization(result: AnalyzerResult) -> None:
    assert lines(result, "tests/test_pickling.py") == []
    assert ("tests/test_pickling.py: 2 pickle round trip(s) (loads of what dumps just made) not reported as unsafe "
            "deserialization") in result.notes


def test_bytes_from_elsewhere_are_still_flagged(result: AnalyzerResult) -> None:
    assert lines(result, "app/wire.py") == [5, 12]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("import dill\nx = dill.loads(dill.dumps(obj))\n", {2}),
        ("from pickle import dumps, loads\nx = loads(dumps(obj, 2))\n", {2}),
        ("def f(obj):\n    s = pickle.dumps(obj)\n    return pickle.loads(s)\n", {3}),
        ("def f(s):\n    s = pickle.dumps(s)\n    return pickle.loads(s)\n", set()),  # a parameter: who knows
        ("s = pickle.dumps(obj)\ndef f():\n    return pickle.loads(s)\n", set()),  # another scope
        ("x = pickle.loads(json.dumps(obj).encode())\n", set()),
        ("x = pickle.loads(blob)\n", set()),
        ("def f(:\n", set()),
    ],
)
def test_what_is_a_round_trip(text: str, expected: set[int]) -> None:
    assert round_trip_lines(text) == expected
