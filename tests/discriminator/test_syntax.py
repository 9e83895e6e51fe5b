"""Step 2: libcst and ast must parse the patched file; the normalised tree drives the no-op check."""

from __future__ import annotations

from reviewbot.discriminator.syntax import Parser, text_hash

ORIGINAL = "def f(x):\n    return x + 1\n"


def test_ok_and_broken() -> None:
    p = Parser(ORIGINAL)
    assert p.check("def f(x):\n    return x + 2\n").ok
    broken = p.check("def f(x):\n    return (x + 2\n")
    assert not broken.ok
    assert "libcst" in broken.message and "ast" in broken.message


def test_layout_and_comment_changes_are_a_noop() -> None:
    p = Parser(ORIGINAL)
    same = p.check("def f(x):  # comment\n    return (x+1)\n")
    assert same.ok and p.is_noop(same)
    assert not p.is_noop(p.check("def f(x):\n    return x - 1\n"))
    assert text_hash("x = 1  # a\n") == text_hash("x=1\n") != text_hash("x = 2\n")


def test_a_parser_that_rejects_the_original_is_not_held_against_the_fix() -> None:
    # ``match`` soft keyword used as a name is fine everywhere; an f-string nesting the same quotes (PEP 701) is
    # rejected by ast before 3.12 but accepted by libcst. Simulate with a text ast cannot parse but libcst can.
    import sys

    newer = 'x = f"{"a"}"\n'
    p = Parser(newer)
    result = p.check('x = f"{"b"}"\n')
    if sys.version_info >= (3, 12):
        assert result.ok and result.tree_hash
    else:
        assert result.ok and result.tree_hash == ""  # ast could not parse either version: libcst decides
