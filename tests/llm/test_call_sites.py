"""The call sites a review prompt lists are the facts analyzer's: matched by what the name refers to (imports,
modules), found in the whole repository, each listed once; the prompt builder does not search for them itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewbot.cli import main
from tests.helpers import GitRepo

LIB = "def price(base, customer):\n    return base\n"
LIB_AFTER = "def price(base, customer, coupon=None):\n    return base\n"
SHOP = "from lib import price\n\n\ndef total(x):\n    return price(x, None)\n"  # not changed by the commit
CART = """\
from lib import price


class Rate:
    def price(self):
        return 1


def checkout(rate, n):
    a = rate.price()
    return price(n, a)
"""


def review_prompt(repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    out = tmp_path / "prompts"
    monkeypatch.chdir(repo.path)
    code = main(["review", "--analyzers", "facts", "--dump-prompts", str(out), "-q", "--fail-on", "none",
                 "--no-cache", "-o", str(tmp_path / "report.txt")])
    assert code == 0
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    reviews = [r["file"] for r in index["requests"] if r["label"].startswith("review:")]
    return "\n".join((out / name).read_text(encoding="utf-8") for name in reviews)


def sites(prompt: str) -> list[str]:
    return prompt.split("Call sites of functions whose signature changed:\n", 1)[1].split("<<<END", 1)[0].splitlines()


def test_the_prompt_lists_the_callers_the_facts_analyzer_found(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("lib.py", LIB)
    repo.write("shop.py", SHOP)
    repo.write("cart.py", CART)
    repo.commit("base")
    repo.write("lib.py", LIB_AFTER)
    repo.write("cart.py", CART.replace("return 1", "return 2"))
    assert sites(review_prompt(repo, tmp_path, monkeypatch)) == [
        "- cart.py:11 calls price: return price(n, a)",
        "- shop.py:5 calls price: return price(x, None)",  # outside the change: the prompt could not show it
    ]  # and not cart.py:10 ``rate.price()``: another class's method of the same name


def test_a_stale_caller_is_listed_once(repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("lib.py", LIB)
    repo.write("cart.py", CART)
    repo.commit("base")
    repo.write("lib.py", LIB.replace("customer", "customer, region"))
    repo.write("cart.py", CART.replace("return 1", "return 2"))
    assert sites(review_prompt(repo, tmp_path, monkeypatch)) == [
        "- call of price: cart.py:11 price(n, a) — does not pass required 'region'"
    ]  # as a stale call only, not also as one more call of price
