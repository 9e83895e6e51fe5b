"""``reviewbot rules`` (list the rules) and ``reviewbot explain RULE`` (one rule's documentation).

The rule pack is read through ``reviewbot.rulepack``, the reader the semgrep adapter uses too (``security/*.yaml``,
``correctness/*.yaml``: semgrep rules with our metadata keys ``short`` and ``false-negatives``); bandit's tests come from bandit's own plugin
registry and pylint's messages from pylint's message store, so the text is always that of the installed version.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import json
import os
import re
import sys
import textwrap
import warnings
from collections.abc import Sequence
from dataclasses import asdict

import click

from reviewbot import rulepack
from reviewbot.errors import ReviewbotError
from reviewbot.rulepack import RuleDoc

OTHER_FAMILIES = (
    ("bandit", "security tests B1xx-B7xx (`reviewbot rules --tool bandit`; `reviewbot explain B602`)",
     "https://bandit.readthedocs.io/en/latest/plugins/index.html"),
    ("pylint", "errors and warnings by symbol (`reviewbot explain pylint:unused-import`)",
     "https://pylint.readthedocs.io/en/stable/user_guide/messages/messages_overview.html"),
    ("radon", "complexity-threshold, complexity-jump: complexity of changed functions, before and after",
     "https://radon.readthedocs.io/en/latest/intro.html"),
    ("facts", "syntax-error; otherwise semantic facts (signatures, call sites) for the LLM reviewer, no rules", ""),
)

# The few rules of our own adapters that are not in the rule pack: (tool, id) -> (severity, text).
ADAPTER_RULES = {
    ("radon", "complexity-threshold"): (
        "warning",
        "A changed function's cyclomatic complexity rose above the threshold ([tool.reviewbot.radon] cc-threshold,\n"
        "default 10: 11 and more is radon rank C). Complex functions are hard to test and easy to break;\n"
        "consider splitting it. Measured before and after the change, so an already complex function that does\n"
        "not get worse is not flagged.",
    ),
    ("radon", "complexity-jump"): (
        "info",
        "A changed function's cyclomatic complexity grew by cc-jump (default 5) or more in one change, without\n"
        "crossing the threshold.",
    ),
    ("facts", "syntax-error"): (
        "error",
        "The changed file does not parse (the interpreter's own SyntaxError): nothing else can be checked in it.",
    ),
}


def pack() -> tuple[RuleDoc, ...]:
    """Every rule of the pack that could be read, sorted by family and id."""
    return rulepack.documented()[0]


def _problems() -> tuple[str, ...]:
    """One message per rule file (or rule) of the pack that could not be read."""
    return rulepack.documented()[1]


def _warn_problems() -> bool:
    problems = _problems()
    for p in problems:
        click.echo(f"reviewbot: warning: {p}", err=True)
    return bool(problems)


# --- bandit and pylint, from the installed tools ---------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def bandit_tests() -> dict[str, dict[str, str]]:
    """bandit test id -> {name, doc or message, cwe}; empty when bandit is not importable."""
    try:
        with warnings.catch_warnings():  # stevedore, under bandit, warns about its own deprecated arguments
            warnings.simplefilter("ignore", DeprecationWarning)
            from bandit.core import extension_loader  # type: ignore[import-untyped]
    except ImportError:
        return {}
    manager = extension_loader.MANAGER
    out: dict[str, dict[str, str]] = {}
    for test_id, plugin in manager.plugins_by_id.items():
        doc = inspect.cleandoc(plugin.plugin.__doc__ or "")
        out[test_id] = {"name": plugin.name, "doc": doc, "cwe": ""}
    for test_id, item in manager.blacklist_by_id.items():
        cwe = item.get("cwe")
        calls = ", ".join(item.get("qualnames") or ())
        doc = str(item.get("message", "")).replace("{name}", item.get("name", ""))
        if calls:
            doc += f"\n\nFlags calls or imports of: {calls}"
        out[test_id] = {"name": str(item.get("name", "")), "doc": doc, "cwe": f"CWE-{cwe}" if cwe else ""}
    return dict(sorted(out.items()))


def _bandit_summary(doc: str) -> str:
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    return re.sub(r"^\*\*B\d+:\s*|\*\*$", "", first).strip()


def pylint_message(name: str) -> tuple[str, str, str] | None:
    """(msgid, symbol, help text) of a pylint message id or symbol, or None."""
    try:
        from pylint import checkers
        from pylint.exceptions import UnknownMessageError
        from pylint.lint import PyLinter
    except ImportError:
        return None
    linter = PyLinter()
    checkers.initialize(linter)
    try:
        definition = linter.msgs_store.get_message_definitions(name)[0]
    except UnknownMessageError:
        return None
    text = f"{definition.msg}\n\n{definition.description}".replace("%s", "…").replace("%r", "…")
    return definition.msgid, definition.symbol, text


def _pylint_symbols() -> list[str]:
    try:
        from pylint import checkers
        from pylint.lint import PyLinter
    except ImportError:
        return []
    linter = PyLinter()
    checkers.initialize(linter)
    return [d.symbol for d in linter.msgs_store.messages]


# --- rendering --------------------------------------------------------------------------------------------------


def _tty() -> bool:
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> None:
    if _tty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*header, box=None, pad_edge=False, header_style="bold")
        for row in rows:
            table.add_row(*row)
        Console(highlight=False, markup=False).print(table)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    for row in [header, *rows]:
        cells = [c.ljust(widths[i]) for i, c in enumerate(row[:-1])] + [row[-1]]
        click.echo("  ".join(cells).rstrip())


@click.command("rules")
@click.option(
    "--tool",
    type=click.Choice(["pack", "bandit", "all"]),
    default="pack",
    show_default=True,
    help="Which rules: reviewbot's own semgrep rule pack, bandit's tests, or both.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def rules(tool: str, as_json: bool) -> int:
    """List the rules: id, CWE, severity, and what each catches."""
    items = pack() if tool in ("pack", "all") else ()
    bandit = bandit_tests() if tool in ("bandit", "all") else {}
    if as_json:
        doc = {
            "pack": [asdict(r) for r in items],
            "bandit": [{"id": k, **v} for k, v in bandit.items()],
            "other": [{"tool": t, "what": w, "docs": u} for t, w, u in OTHER_FAMILIES],
            "problems": list(_problems()) if tool in ("pack", "all") else [],
        }
        click.echo(json.dumps(doc, indent=2))
        return 2 if doc["problems"] else 0
    if items:
        _table([(r.id, r.cwe_ids, r.severity, r.short) for r in items], ("ID", "CWE", "SEVERITY", "WHAT IT CATCHES"))
        by_family = {f: sum(1 for r in items if r.family == f) for f in dict.fromkeys(r.family for r in items)}
        counts = ", ".join(f"{f} {n}" for f, n in by_family.items() if n)
        click.echo(f"\n{len(items)} rules in reviewbot's semgrep pack ({counts}). "
                   "`reviewbot explain ID` shows one rule's documentation.")
    elif tool == "pack":
        click.echo("The reviewbot rule pack is empty in this installation.")
    broken = tool in ("pack", "all") and _warn_problems()
    if bandit:
        if items:
            click.echo()
        rows = [(k, v["cwe"] or "-", v["name"], _bandit_summary(v["doc"]) if not v["cwe"] else
                 v["doc"].split("\n")[0]) for k, v in bandit.items()]
        _table(rows, ("ID", "CWE", "NAME", "WHAT IT CATCHES"))
        click.echo(f"\n{len(bandit)} bandit tests. Severity depends on the finding (bandit rates each one).")
    elif tool in ("bandit", "all"):
        click.echo("bandit is not installed.")
    if tool == "pack":
        click.echo("\nOther rule families:")
        for name, what, url in OTHER_FAMILIES:
            click.echo(f"  {name:<7} {what}" + (f"\n          {url}" if url else ""))
    return 2 if broken else 0


def _find(name: str, items: tuple[RuleDoc, ...]) -> RuleDoc | None:
    key = name.lower()
    if key.startswith("semgrep:"):
        key = key.split(":", 1)[1]
    for r in items:
        rid = r.id.lower()
        if key == rid or key.endswith("." + rid):
            return r
    return None


def _explain_pack(r: RuleDoc) -> None:
    click.echo(click.style(r.id, bold=True, fg=None) + f"  (reviewbot rule pack: {r.family}, semgrep)",
               color=_tty())
    click.echo(f"severity: {r.severity}   confidence: {r.confidence or '-'}   category: {r.category}")
    for c in r.cwe:
        click.echo(c)
    click.echo()
    click.echo(r.short)
    click.echo()
    for para in r.message.split("\n\n"):
        click.echo(textwrap.fill(" ".join(para.split()), width=100))
    if r.false_negatives:
        click.echo("\nKnown false negatives (what it misses):")
        click.echo(textwrap.fill(r.false_negatives, width=100, initial_indent="  ", subsequent_indent="  "))
    if r.references:
        click.echo("\nReferences:")
        for u in r.references:
            click.echo(f"  {u}")
    click.echo(f"\nDefinition: {r.source}" + (f"   test cases: {r.tests}" if r.tests else ""))
    click.echo(f"Suppress on one line: # reviewbot: ignore[{r.id}]")


@click.command("explain")
@click.argument("rule")
def explain(rule: str) -> int:
    """Print the documentation of one rule: a pack rule id, a bandit id (B602), or pylint:SYMBOL."""
    items = pack()
    found = _find(rule, items)
    if found is not None:
        _explain_pack(found)
        return 0
    tool, sep, name = rule.partition(":")
    if not sep:
        tool, name = "", rule
    for (owner, rid), (severity, text) in ADAPTER_RULES.items():
        if name == rid and tool in ("", owner):
            click.echo(f"{owner}:{rid}  ({owner}, severity {severity})\n")
            click.echo(text)
            click.echo(f"\nSuppress on one line: # reviewbot: ignore[{owner}:{rid}]")
            return 0
    if tool in ("", "bandit"):
        tests = bandit_tests()
        by_name = {v["name"]: k for k, v in tests.items()}
        test_id = name.upper() if name.upper() in tests else by_name.get(name)
        if test_id is not None:
            t = tests[test_id]
            click.echo(f"{test_id} {t['name']}  (bandit)" + (f"   {t['cwe']}" if t["cwe"] else ""))
            click.echo()
            click.echo(t["doc"])
            click.echo(f"\nMore: https://bandit.readthedocs.io/en/latest/plugins/   "
                       f"suppress: # nosec {test_id}  or  # reviewbot: ignore[{test_id}]")
            return 0
    if tool in ("", "pylint"):
        msg = pylint_message(name)
        if msg is not None:
            msgid, symbol, text = msg
            click.echo(f"{symbol} ({msgid})  (pylint)\n")
            click.echo(text)
            click.echo(f"\nMore: https://pylint.readthedocs.io/en/stable/user_guide/messages/   "
                       f"suppress: # pylint: disable={symbol}  or  # reviewbot: ignore[pylint:{symbol}]")
            return 0
    known = [r.id for r in items] + list(bandit_tests()) + [v["name"] for v in bandit_tests().values()]
    known += [rid for _, rid in ADAPTER_RULES]
    known += _pylint_symbols()
    _warn_problems()
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f" (did you mean: {', '.join(close)}?)" if close else " (`reviewbot rules` lists them)"
    raise ReviewbotError(f"unknown rule {rule!r}{hint}")
