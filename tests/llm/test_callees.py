"""The compact evidence: definitions of what the changed lines call, and which complexity changes are shown."""

from __future__ import annotations

import textwrap

from reviewbot.llm.callees import callee_lines, callees
from reviewbot.llm.context import file_context
from reviewbot.llm.prompting import FileEvidence, evidence_text
from reviewbot.models import Metric, SourceFile

BEFORE = textwrap.dedent(
    '''\
    def parse(text, strict=False):
        """Parse one record; None when it is empty."""
        if not text:
            return None
        if strict and "," not in text:
            raise ValueError("no comma")
        return text.split(",")


    class Store:
        def get(self, key, default=None):
            return self.data.get(key, default)

        def load(self, text):
            return text
    '''
)
AFTER = BEFORE.replace("        return text\n", "        rows = parse(text)\n        return self.get(rows[0])\n")


def context(before: str, after: str):  # type: ignore[no-untyped-def]
    old, new = before.splitlines(), after.splitlines()
    added = frozenset(i for i, line in enumerate(new, 1) if i > len(old) or line != old[i - 1])
    sf = SourceFile("m.py", after, before, None, added, ((min(added), max(added)),))
    return file_context(sf, None)


def test_the_definitions_of_what_added_lines_call_are_listed() -> None:
    ctx = context(BEFORE, AFTER)
    found = {c.qualname: c for c in callees(ctx)}
    assert set(found) == {"parse", "Store.get"}
    assert found["parse"].line == 1 and found["parse"].doc == "Parse one record; None when it is empty."
    assert found["parse"].returns == ("None", 'text.split(",")') and found["parse"].raises == ("ValueError",)
    lines = callee_lines(callees(ctx))
    assert lines[0].startswith("- parse (line 1): def parse(text, strict=False)")
    assert "returns None, text.split" in lines[0] and "raises ValueError" in lines[0]


def test_callees_already_shown_or_unknown_are_left_out() -> None:
    # Calling a builtin or an import is not a definition in this file; calling the changed function itself is
    # already in the prompt.
    after = BEFORE.replace("        return text\n", "        self.load(len(text))\n        return text\n")
    assert [c.qualname for c in callees(context(BEFORE, after))] == []


def test_only_complexity_that_rose_is_shown() -> None:
    ctx = context(BEFORE, AFTER)
    ev = FileEvidence(metrics=(
        Metric("m.py", "a", 1, "cc", 20, 16, "C", "C"),  # fell: not shown, even though high
        Metric("m.py", "b", 2, "cc", 4, 5, "A", "A"),  # a small rise: not shown
        Metric("m.py", "c", 3, "cc", 4, 9, "A", "B"),  # rose by 5
        Metric("m.py", "d", 4, "cc", 10, 11, "B", "C"),  # crossed into rank C
        Metric("m.py", "e", 5, "mi", 80, 40, "A", "A"),  # the maintainability index is never shown
    ))
    text = evidence_text(ctx, ev)
    assert "- c: cyclomatic complexity 9 (B), was 4 (A)" in text
    assert "- d: cyclomatic complexity 11 (C), was 10 (B)" in text
    assert "- a:" not in text and "- b:" not in text and "- e:" not in text and "maintainability" not in text
