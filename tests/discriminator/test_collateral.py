"""Step 2b, collateral: a fix that applies and parses must change nothing outside its target (collateral.py).

Unit cases compare a real original with a real patched text (apply_fix, then Collateral.check); the Discriminator
cases show the step, the reason line and the withheld note; the end-to-end case runs `reviewbot review` with the
real semgrep rule pack on a git repository, whose yaml autofix re-indents a triple-quoted argument.
"""

from __future__ import annotations

import json

import pytest

from reviewbot.cli import main
from reviewbot.discriminator.patching import Applied, apply_fix
from reviewbot.discriminator.collateral import Collateral, Problem
from reviewbot.discriminator.core import Discriminator
from reviewbot.discriminator.syntax import Parser
from reviewbot.models import Candidate, Fix, Severity
from tests.discriminator.conftest import Counting, llm, options, review_input, source_file
from tests.helpers import GitRepo

YAML = '''import yaml


def config(path):
    """Read the settings.

    Lines here are indented.
    """
    data = yaml.load("""
defaults:
  retries: 3
""")  # the built-in defaults
    return data
'''
# lines 9-12: the call with its multi-line literal argument
EXACT = '    data = yaml.safe_load("""\ndefaults:\n  retries: 3\n""")  # the built-in defaults\n'
# what semgrep's yaml autofix produces: the argument's continuation lines indented to the fix's column
REINDENTED = (
    '    data = yaml.safe_load("""\n              defaults:\n                retries: 3\n'
    '              """)  # the built-in defaults\n'
)


def problem(original: str, start: int, end: int, replacement: str) -> Problem | None:
    c = Candidate("a.py", start, end, Severity.WARNING, "x", "semgrep:r", fix=Fix(start, end, replacement))
    applied = apply_fix(original, c)
    assert isinstance(applied, Applied), applied
    return Collateral(original, Parser(original).top_level_starts).check(applied, start, end)


def message(original: str, start: int, end: int, replacement: str) -> str:
    p = problem(original, start, end, replacement)
    return "" if p is None else str(p)


# -- legitimate fixes pass --------------------------------------------------------------------------------------


def test_yaml_safe_load_keeping_the_multiline_literal_exactly_passes() -> None:
    assert problem(YAML, 9, 12, EXACT) is None


def test_none_comparison_fix_passes() -> None:
    src = "def f(coupon):\n    if coupon == None:  # no coupon\n        return 0\n    return 1\n"
    assert problem(src, 2, 2, "    if coupon is None:  # no coupon\n") is None


def test_parameterised_sql_rewrite_changes_its_target_string() -> None:
    src = 'def q(cur, name):\n    cur.execute("SELECT * FROM users WHERE name = \'%s\'" % name)\n'
    fix = '    cur.execute("SELECT * FROM users WHERE name = %s", (name,))\n'
    assert problem(src, 2, 2, fix) is None


def test_multiline_sql_string_rewritten_as_the_target_passes() -> None:
    src = (
        'def q(cur, name):\n    cur.execute("""\n        SELECT * FROM users\n        WHERE name = \'%s\'\n'
        '    """ % name)\n'
    )
    fix = '    cur.execute("""\n        SELECT * FROM users\n        WHERE name = %s\n    """, (name,))\n'
    assert problem(src, 2, 5, fix) is None


def test_one_line_inside_a_multiline_sql_string_may_be_fixed() -> None:
    src = 'def q(cur, name):\n    cur.execute("""\n        SELECT * FROM users\n        WHERE name = \'%s\'\n    """ % name)\n'
    assert problem(src, 4, 4, "        WHERE name = '%s' LIMIT 1\n") is None


def test_layout_around_the_target_may_change() -> None:
    src = "def f(a,b):\n    x=a == None\n    y = {'k':b}\n    return x, y\n"
    fix = "    x = a is None\n    y = {'k': b}\n"
    assert problem(src, 2, 3, fix) is None


def test_quote_style_and_wrapping_keep_values_and_comments() -> None:
    src = "x = call('a', 'b')  # why\n"
    fix = 'x = call(\n    "a",\n    "b",\n)  # why\n'
    assert problem(src, 1, 1, fix) is None


def test_a_fix_may_add_a_comment() -> None:
    assert problem("x = eval(s)\n", 1, 1, "x = ast.literal_eval(s)  # only literals\n") is None


# -- string literals ---------------------------------------------------------------------------------------------


def test_reindented_triple_quoted_argument_is_withheld() -> None:
    assert message(YAML, 9, 12, REINDENTED) == "changes a string literal outside its target: line 9"


def test_dedented_docstring_is_withheld() -> None:
    src = 'def f(s):\n    """Doc.\n\n    More.\n    """\n    return eval(s)\n'
    fix = '    """Doc.\n\nMore.\n"""\n    return ast.literal_eval(s)\n'
    assert message(src, 2, 6, fix) == "changes a string literal outside its target: line 2"


def test_trailing_whitespace_stripped_in_a_multiline_string_is_withheld() -> None:
    src = 'x = f("""a  \nb\n""", eval(s))\n'
    fix = 'x = f("""a\nb\n""", ast.literal_eval(s))\n'
    assert message(src, 1, 3, fix) == "changes a string literal outside its target: line 1"


def test_reindented_multiline_fstring_is_withheld() -> None:
    src = 'def f(n):\n    print(f"""\nname: {n}\n""", eval(n))\n'
    fix = '    print(f"""\n      name: {n}\n      """, ast.literal_eval(n))\n'
    assert message(src, 2, 4, fix) == "changes a string literal outside its target: line 2"


def test_reindented_bytes_literal_is_withheld() -> None:
    src = 'x = f(b"""\nkey\n""", eval(s))\n'
    fix = 'x = f(b"""\n    key\n    """, ast.literal_eval(s))\n'
    assert message(src, 1, 3, fix) == "changes a string literal outside its target: line 1"


def test_single_quoted_string_changed_in_the_span_is_the_target() -> None:
    # a one-line literal that changes is what the fix is about (the SQL case); only re-indentation is collateral
    assert problem("x = f('a  b', 1)\n", 1, 1, "x = f('a b', 1)\n") is None


# -- comments ----------------------------------------------------------------------------------------------------


def test_dropped_comment_is_withheld() -> None:
    fix = '    data = yaml.safe_load("""\ndefaults:\n  retries: 3\n""")\n'
    assert message(YAML, 9, 12, fix) == "drops a comment: line 12"


def test_changed_comment_is_withheld() -> None:
    src = "def f(coupon):\n    if coupon == None:  # no coupon\n        return 0\n"
    assert message(src, 2, 2, "    if coupon is None:  # no coupon given\n") == "changes a comment: line 2"


def test_moved_comment_is_withheld() -> None:
    src = "def f(coupon):\n    if coupon == None:  # no coupon\n        return 0\n"
    fix = "    # no coupon\n    if coupon is None:\n"
    assert message(src, 2, 2, fix) == "moves a comment: line 2"


def test_comment_on_a_neighbouring_replaced_line_dropped_is_withheld() -> None:
    src = "def f(a):\n    # check a\n    if a == None:\n        return 0\n"
    assert message(src, 2, 3, "    if a is None:\n") == "drops a comment: line 2"


# -- code outside the target -------------------------------------------------------------------------------------


def test_replacement_that_swallows_later_code_into_a_string_is_withheld() -> None:
    src = 'x = f(s)\ny = g(1)\nw = 1  # """\n'
    # the new line opens a string that ends in line 3's comment: y = g(1) becomes string content, and it parses
    p = problem(src, 1, 1, 'x = f(s) + """\n')
    assert p is not None and p.what == "changes code outside its target" and p.line == 2


# -- through the Discriminator ------------------------------------------------------------------------------------


def static(line: int, end: int, replacement: str) -> Candidate:
    return Candidate("cfg.py", line, end, Severity.ERROR, "use safe_load", "semgrep:yaml-load-missing-loader",
                     fix=Fix(line, end, replacement))




def test_discriminator_withholds_the_suggestion_keeps_the_comment_and_counts_it() -> None:
    inp = review_input([source_file("cfg.py", YAML)])
    comments, notes = Discriminator().judge([static(9, 12, REINDENTED), static(9, 12, EXACT)], inp)
    bad, good = comments
    assert bad.suggestion is None and bad.verdict is not None
    assert bad.verdict.steps["collateral"] == "yes: changes a string literal outside its target: line 9"
    assert bad.verdict.steps["suggestion"] == "withheld: changes a string literal outside its target: line 9"
    assert bad.reason.startswith("fix not shown: changes a string literal outside its target: line 9")
    assert "verified" not in bad.reason and bad.body == "use safe_load"  # the comment stays, without the suggestion
    assert good.suggestion == EXACT and good.verdict is not None
    assert good.verdict.steps["collateral"].startswith("none")
    assert "1 suggested fix withheld (changes a string literal outside its target: 1)" in notes


def test_collateral_fix_is_neither_tested_nor_an_alternative(bandit_reanalyze: Counting) -> None:
    inp = review_input([source_file("cfg.py", YAML)])
    d = Discriminator(bandit_reanalyze, options(test_command=["true"]))
    candidates = [llm("cfg.py", 9, REINDENTED, end_line=12), llm("cfg.py", 9, EXACT, end_line=12, sample=1)]
    comments, _ = d.judge(candidates, inp)
    bad, good = comments
    assert bad.suggestion is None and good.suggestion == EXACT
    assert bad.verdict is not None and good.verdict is not None
    assert "tests" not in bad.verdict.steps and "most familiar other fix" not in good.verdict.steps["naturalness"]


# -- end to end: `reviewbot review` with the real rule pack -------------------------------------------------------

BASE = "import yaml\n\n\ndef config(path):\n    return {}\n"
CHANGED = '''import yaml


def config(path):
    if path:
        data = yaml.load("""
defaults:
  retries: 3
""")
        return data
    return {}
'''


@pytest.mark.slow
def test_review_withholds_the_semgrep_autofix_that_reindents_a_literal(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("cfg.py", BASE)
    repo.commit("base")
    repo.write("cfg.py", CHANGED)
    monkeypatch.chdir(repo.path)
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    code = main(["review", "--analyzers", "semgrep", "--format", "json", "--no-cache"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    doc = json.loads(out)
    (c,) = [c for c in doc["comments"] if c["origin"] == "semgrep:yaml-load-missing-loader"]
    assert c["suggestion"] is None, c["reason"]  # before the check: shown, "verified: ..., introduces nothing"
    assert c["reason"].startswith("fix not shown: changes a string literal outside its target: line 6")
    steps = c["verdict"]["steps"]
    assert steps["applies"].startswith("yes") and steps["parses"].startswith("yes")
    assert steps["collateral"] == "yes: changes a string literal outside its target: line 6"
    notes = doc["summary"]["notes"]
    assert any("withheld (changes a string literal outside its target: 1)" in n for n in notes), notes


# -- the window: only the top-level statements the fix touches are tokenized ---------------------------------------

MODULE = '''"""Module."""

import yaml

HELP = """
  usage: tool
"""


@decorated
def first(s):
    return yaml.load(s)  # untrusted


class Second:
    TEXT = """
        kept
    """

    def method(self, s):
        return yaml.load(s)
# \'\'\' the end
'''


def test_window_is_the_touched_top_level_statements() -> None:
    guard = Collateral(MODULE, Parser(MODULE).top_level_starts)
    assert guard._window(12, 12) == (10, 15)  # the decorated def, decorator included
    assert guard._window(21, 21) == (15, 23)  # the class, to the end of the file
    assert guard._window(12, 16) == (10, 23)  # a fix across two statements
    assert guard._window(1, 1) == (1, 3)


@pytest.mark.parametrize("windowed", [True, False])
def test_window_and_whole_file_agree(windowed: bool) -> None:
    starts = Parser(MODULE).top_level_starts if windowed else ()

    def check(start: int, end: int, replacement: str) -> str:
        c = Candidate("a.py", start, end, Severity.WARNING, "x", "semgrep:r", fix=Fix(start, end, replacement))
        applied = apply_fix(MODULE, c)
        assert isinstance(applied, Applied)
        p = Collateral(MODULE, starts).check(applied, start, end)
        return "" if p is None else str(p)

    assert check(12, 12, "    return yaml.safe_load(s)  # untrusted\n") == ""
    assert check(12, 12, "    return yaml.safe_load(s)\n") == "drops a comment: line 12"
    assert check(16, 21, '    TEXT = """\nkept\n"""\n\n    def method(self, s):\n        return yaml.safe_load(s)\n') == (
        "changes a string literal outside its target: line 16"
    )
    # a replacement that opens a string the window does not close: the whole files are compared
    assert check(12, 12, "    return yaml.safe_load(s) + '''\n") == "changes code outside its target: line 15"
