"""Step 1: a fix replaces exactly the anchored lines, in memory."""

from __future__ import annotations

from dataclasses import replace

from reviewbot.discriminator.patching import Applied, apply_fix, changed_tokens, map_line
from reviewbot.models import Fix
from tests.discriminator.conftest import llm

TEXT = "def f(x):\n    if x == None:\n        return 1\n    return 2\n"


def test_replaces_exactly_the_anchored_lines() -> None:
    applied = apply_fix(TEXT, llm("a.py", 2, "    if x is None:\n"))
    assert isinstance(applied, Applied)
    assert applied.text == TEXT.replace("x == None", "x is None")
    assert (applied.start_line, applied.new_lines, applied.old_lines, applied.delta) == (2, 1, 1, 0)


def test_fix_range_must_match_the_comment() -> None:
    c = replace(llm("a.py", 2, None), fix=Fix(2, 3, "    if x is None:\n        return 1\n"))
    assert apply_fix(TEXT, c) == "fix replaces lines 2-3 but the comment is on 2-2"


def test_out_of_range_and_bad_ranges() -> None:
    assert "the file has 4" in str(apply_fix(TEXT, llm("a.py", 9, "x\n")))
    assert str(apply_fix(TEXT, llm("a.py", 0, "x\n"))).startswith("bad line range")


def test_multi_line_replacement_and_line_mapping() -> None:
    c = llm("a.py", 3, "        y = 1\n        return y\n")
    applied = apply_fix(TEXT, c)
    assert isinstance(applied, Applied)
    assert applied.delta == 1 and applied.end_line == 4
    assert map_line(2, applied) == 2  # before the fix
    assert map_line(3, applied) is None and map_line(4, applied) is None  # inside it
    assert map_line(5, applied) == 4  # after it, shifted back


def test_deletion() -> None:
    applied = apply_fix(TEXT, llm("a.py", 3, ""))
    assert isinstance(applied, Applied)
    assert applied.text == "def f(x):\n    if x == None:\n    return 2\n"
    assert applied.new_lines == 0 and map_line(3, applied) == 4


def test_keeps_the_files_newline_style_and_adds_a_missing_newline() -> None:
    crlf = TEXT.replace("\n", "\r\n")
    applied = apply_fix(crlf, llm("a.py", 2, "    if x is None:"))
    assert isinstance(applied, Applied)
    assert applied.text == crlf.replace("x == None", "x is None")


def test_last_line_without_newline_stays_without() -> None:
    text = "a = 1\nb = 2"
    applied = apply_fix(text, llm("a.py", 2, "b = 3"))
    assert isinstance(applied, Applied) and applied.text == "a = 1\nb = 3"


def test_changed_tokens_ignores_layout_and_comments() -> None:
    assert changed_tokens("if x == None:\n", "if x is None:\n") == 2
    assert changed_tokens("f(a,b)\n", "f( a, b )  # same\n") == 0
    assert changed_tokens("x = (\n", "x = (1,\n") == 2  # an unbalanced snippet still counts
