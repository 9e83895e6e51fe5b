"""[tool.reviewbot.llm]: defaults, presets, secrets refused in the file, environment overrides."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from reviewbot import config
from reviewbot.errors import ConfigError
from reviewbot.llm.factory import api_key, live_provider, open_session
from reviewbot.llm.http import RetryPolicy
from reviewbot.llm.openai import OpenAICompatible
from reviewbot.llm.provider import LLMError
from reviewbot.llm.redact import Redactor
from reviewbot.llm.settings import LLMSettings


def test_defaults_are_static_only() -> None:
    s = LLMSettings()
    assert s.provider == "none" and not s.enabled
    assert (
        LLMSettings(cassette="x.json").enabled and LLMSettings.model_validate({"dump-prompts": "d"}).enabled
    )


@pytest.mark.parametrize("key", ["api-key", "api_key", "token"])
def test_secret_in_config_file_is_refused(key: str) -> None:
    with pytest.raises(ValidationError, match="api-key-env"):
        LLMSettings.model_validate({"provider": "openai", key: "sk-123"})


def test_secret_header_in_config_is_refused() -> None:
    with pytest.raises(ValidationError, match="api-key-env"):
        LLMSettings.model_validate({"headers": {"Authorization": "Bearer x"}})


def test_config_file_and_env(tmp_path: Path) -> None:
    (tmp_path / ".reviewbot.toml").write_text(
        '[llm]\nprovider = "openai"\nmodel = "gpt-4.1-mini"\napi-key-env = "MY_KEY"\nmax-calls = 7\n'
        'headers = { "OpenAI-Organization" = "org-1" }\n'
    )
    settings = config.load(
        start=tmp_path,
        stop=tmp_path,
        environ={"REVIEWBOT_LLM_MODEL": "o4-mini", "REVIEWBOT_LLM_TEMPERATURE": "0.5"},
    )
    llm = settings.file.llm
    assert (llm.provider, llm.model, llm.api_key_env, llm.max_calls) == ("openai", "o4-mini", "MY_KEY", 7)
    assert llm.temperature == 0.5 and llm.headers == {"OpenAI-Organization": "org-1"}


def test_config_file_with_key_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / ".reviewbot.toml").write_text('[llm]\nprovider = "openai"\napi-key = "sk-live-123456"\n')
    with pytest.raises(ConfigError) as info:
        config.load(start=tmp_path, stop=tmp_path, environ={})
    assert "sk-live-123456" not in str(info.value) and "api-key-env" in str(info.value)


def test_presets() -> None:
    gh = LLMSettings(provider="github")
    assert gh.resolved_base_url() == "https://models.github.ai/inference"
    assert gh.resolved_key_env() == "GITHUB_TOKEN" and gh.resolved_model() == "openai/gpt-4.1-mini"
    assert LLMSettings(provider="anthropic").resolved_base_url() == "https://api.anthropic.com"
    assert LLMSettings(provider="azure").resolved_key_env() == "AZURE_OPENAI_API_KEY"


def test_api_key_rules() -> None:
    local = LLMSettings.model_validate({"provider": "openai", "base-url": "http://localhost:11434/v1"})
    assert api_key(local, {}) == ""  # Ollama & co. need none
    with pytest.raises(LLMError, match="OPENAI_API_KEY is not set"):
        api_key(LLMSettings(provider="openai"), {})
    with pytest.raises(LLMError, match="GITHUB_TOKEN"):
        api_key(LLMSettings(provider="github"), {})
    named = LLMSettings.model_validate(
        {"provider": "openai", "base-url": "http://localhost:8000/v1", "api-key-env": "VLLM_KEY"}
    )
    with pytest.raises(LLMError, match="VLLM_KEY"):
        api_key(named, {})
    assert api_key(named, {"VLLM_KEY": "token-abc123"}) == "token-abc123"


def test_github_and_azure_providers_are_configured() -> None:
    with httpx.Client() as client:
        gh = live_provider(
            LLMSettings(provider="github"), client, RetryPolicy(), Redactor(), {"GITHUB_TOKEN": "ghs_x"}
        )
        assert isinstance(gh, OpenAICompatible)
        assert gh.url == "https://models.github.ai/inference/chat/completions"
        assert gh.headers["Authorization"] == "Bearer ghs_x"
        assert gh.headers["X-GitHub-Api-Version"] == "2022-11-28"
        azure = live_provider(
            LLMSettings.model_validate(
                {
                    "provider": "azure",
                    "model": "gpt-4o",
                    "api-version": "2024-10-21",
                    "base-url": "https://r.openai.azure.com/openai/deployments/gpt-4o",
                }
            ),
            client,
            RetryPolicy(),
            Redactor(),
            {"AZURE_OPENAI_API_KEY": "az-key-123"},
        )
        assert isinstance(azure, OpenAICompatible)
        assert azure.headers["api-key"] == "az-key-123" and "Authorization" not in azure.headers
        assert azure.query == {"api-version": "2024-10-21"}
        with pytest.raises(LLMError, match="base-url"):
            live_provider(
                LLMSettings(provider="azure", model="m"),
                client,
                RetryPolicy(),
                Redactor(),
                {"AZURE_OPENAI_API_KEY": "k"},
            )


def test_request_timeout_and_deadline_defaults_file_and_env(tmp_path: Path) -> None:
    assert (LLMSettings().request_timeout, LLMSettings().deadline) == (180.0, 600.0)
    (tmp_path / ".reviewbot.toml").write_text("[llm]\nrequest-timeout = 30\ndeadline = 90.5\n")
    llm = config.load(start=tmp_path, stop=tmp_path, environ={"REVIEWBOT_LLM_DEADLINE": "120"}).file.llm
    assert (llm.request_timeout, llm.deadline) == (30.0, 120.0)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("request-timeout = 0", "greater than 0"),
        ("request-timeout = -5", "greater than 0"),
        ("request-timeout = inf", "finite number"),
        ("deadline = nan", "finite number"),
        ('deadline = "soon"', "valid number"),
    ],
)
def test_bad_limits_are_config_errors(tmp_path: Path, line: str, problem: str) -> None:
    (tmp_path / ".reviewbot.toml").write_text(f"[llm]\n{line}\n")
    with pytest.raises(ConfigError) as info:
        config.load(start=tmp_path, stop=tmp_path, environ={})
    key = line.split(" =")[0]
    assert f".reviewbot.toml: llm.{key}:" in str(info.value) and problem in str(info.value)


def test_session_gets_the_limits(tmp_path: Path) -> None:
    llm = LLMSettings.model_validate(
        {
            "provider": "openai",
            "model": "m",
            "base-url": "http://127.0.0.1:9/v1",
            "max-calls": 3,
            "request-timeout": 7,
            "deadline": 11,
        }
    )
    with open_session(llm, environ={}) as opened:
        run = opened.session.limits
        assert (run.quota.max_calls, run.request_timeout, run.deadline) == (3, 7.0, 11.0)
        assert 0 <= run.clock() - run.started < 5  # the stage clock starts when the session opens
