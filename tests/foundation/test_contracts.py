"""The stage contracts (reviewbot/contracts.py): each stage is built with only the settings it reads."""

from __future__ import annotations

from dataclasses import fields, replace

from reviewbot.config import FileSettings, Settings
from reviewbot.contracts import DiscriminatorOptions, ReviewInput
from reviewbot.wiring import discriminator_options


def test_discriminator_options_default_to_the_configs_defaults() -> None:
    built = discriminator_options(Settings())
    assert replace(built, secret_env=()) == DiscriminatorOptions()
    assert built.secret_env == (Settings().file.llm.resolved_key_env(),)  # the LLM key's variable never reaches tests


def test_discriminator_options_carry_the_configured_values() -> None:
    file = FileSettings.model_validate({"min-score": 0.2, "max-comments": 4, "max-comments-per-file": 1,
                                        "verify": False, "test-command": ["pytest", "-x"], "test-timeout": 7,
                                        "llm": {"provider": "openai", "api-key-env": "MY_KEY"}})
    opts = discriminator_options(Settings(file))
    assert opts == DiscriminatorOptions(0.2, 4, 1, False, ("pytest", "-x"), 7.0, ("MY_KEY",))


def test_the_review_input_holds_no_settings() -> None:
    assert {f.name for f in fields(ReviewInput)} == {"patch", "files", "evidence", "workdir", "repo_root", "rev",
                                                     "kinds"}


def test_the_wiring_reads_what_adapters_declare_not_their_names() -> None:
    """An adapter declares the options that only feed prompts and whether fixes are re-analysed with it; the wiring
    knows no adapter by name (it used to hard-code facts/descriptions, radon/maintainability and 'facts')."""
    import ast
    import inspect

    from reviewbot import analysis, wiring
    from reviewbot.analyzers import load
    from reviewbot.analyzers.base import Traits

    for module in (wiring, analysis):
        strings = {n.value for n in ast.walk(ast.parse(inspect.getsource(module))) if isinstance(n, ast.Constant)}
        assert not strings & {"facts", "radon", "pylint", "bandit", "semgrep", "descriptions", "maintainability"}
    facts, radon, semgrep = (Traits.of(load(n)) for n in ("facts", "radon", "semgrep"))
    assert (facts.prompt_only, facts.reanalyzed) == (("descriptions",), False)
    assert (radon.prompt_only, radon.reanalyzed) == (("maintainability",), True)
    assert semgrep.startup_s > Traits("x").startup_s and semgrep.settings_key is not None

