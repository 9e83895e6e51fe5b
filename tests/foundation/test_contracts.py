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
