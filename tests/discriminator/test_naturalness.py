"""Part of step 4: which token pairs of a fix the rest of its file never uses."""

from __future__ import annotations

from reviewbot.discriminator.naturalness import Vocabulary, bigrams

TEXT = """def total(items):
    n = 0
    for item in items:
        n += item.size
    return n


def count(items):
    return items.size
"""


def test_bigrams_ignore_layout_and_comments() -> None:
    assert bigrams("return  n  # done") == bigrams("return n") == {("return", "n")}
    assert bigrams("f(a, b") == {("f", "("), ("(", "a"), ("a", ","), (",", "b")}  # does not tokenize alone


def test_novel_counts_pairs_found_on_no_other_line() -> None:
    v = Vocabulary(TEXT)
    assert v.novel(9, 9, "    return n\n") == 0  # `return n` is line 5's
    assert v.novel(9, 9, "    return len(items)\n") == 2  # `return len`, `len (`; `( items` and `items )` are line 1's
    assert v.novel(9, 9, "    return n  # the total\n") == 0
    assert v.novel(9, 9, "    print(n)\n    return n\n") == 3  # print (, ( n, n )


def test_the_replaced_lines_are_not_their_own_evidence() -> None:
    v = Vocabulary(TEXT)
    assert v.novel(9, 9, "    return items.size\n") == 2  # `return items`, `items .` are line 9's only; `. size` is not
    assert v.novel(4, 4, "        n += item.size\n") == 3  # `n +=`, `+= item`, `item .`: line 4 only; `. size`: 9
