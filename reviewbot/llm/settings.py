"""LLM settings (``[tool.reviewbot.llm]``). No provider is the default: the review is static-only.

Every key can also come from the environment as ``REVIEWBOT_LLM_<KEY>`` (``REVIEWBOT_LLM_BASE_URL`` ...). The API key
itself never lives in a config file: ``api-key-env`` names the environment variable that holds it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Provider = Literal["none", "openai", "azure", "github", "anthropic", "replay"]
StructuredOutput = Literal["auto", "json_schema", "json_object", "off"]
AuthHeader = Literal["auto", "bearer", "api-key", "x-api-key", "none"]
Level = Literal["info", "warning", "error"]

# Presets: what an unset key means for each provider.
DEFAULT_BASE_URL = {
    "openai": "https://api.openai.com/v1",
    "github": "https://models.github.ai/inference",
    "anthropic": "https://api.anthropic.com",
}
DEFAULT_KEY_ENV = {
    "openai": "OPENAI_API_KEY",
    "azure": "AZURE_OPENAI_API_KEY",
    "github": "GITHUB_TOKEN",
    "anthropic": "ANTHROPIC_API_KEY",
}
DEFAULT_MODEL = {"github": "openai/gpt-4.1-mini"}
_SECRET_KEYS = {"api-key", "api_key", "apikey", "key", "token", "api-token", "secret"}
_SECRET_HEADERS = {"authorization", "api-key", "x-api-key", "proxy-authorization", "cookie"}


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    provider: Provider = "none"
    model: str = ""
    base_url: str = Field("", alias="base-url")
    api_key_env: str = Field("", alias="api-key-env")  # the *name* of the variable holding the key
    api_version: str = Field("", alias="api-version")  # Azure: sent as the `api-version` query parameter
    auth_header: AuthHeader = Field("auto", alias="auth-header")
    headers: dict[str, str] = Field(default_factory=dict)  # extra request headers (no secrets: see below)

    # Sampling
    temperature: float | None = Field(0.2, ge=0.0, le=2.0)
    samples: int = Field(1, ge=1, le=8)  # `n`: independent replies per review prompt
    max_output_tokens: int = Field(2048, alias="max-output-tokens", ge=64)
    structured_output: StructuredOutput = Field("auto", alias="structured-output")

    # Robustness. Timeouts are seconds; `read-timeout` bounds each wait for data (a non-streamed completion sends
    # nothing until the model is done, so it is also the longest generation waited for), `request-timeout` one
    # whole HTTP request, connect to the last byte of the body, however the server paces it (a retry is a new
    # request), and `deadline` all LLM work of a run: no request starts after it, requests still running are cut
    # at it, and no retry waits across it. The review always finishes with its static findings; the summary
    # names every request a limit skipped or cut.
    connect_timeout: float = Field(10.0, alias="connect-timeout", gt=0)
    read_timeout: float = Field(120.0, alias="read-timeout", gt=0)
    # Default: read-timeout + 60 s for connecting, sending a 12k-token prompt and receiving the reply, so no
    # answer the read timeout allows is cut. Raise both for a slow local model.
    request_timeout: float = Field(180.0, alias="request-timeout", gt=0, allow_inf_nan=False)
    # Default 10 minutes: a review spending the whole default budget (40 calls, 4 at a time, 10-60 s each) fits,
    # and a stalled or hostile server holds a CI job no longer than this (plus one request's cut margin, well
    # under a second). A request-timeout above it is simply cut at it.
    deadline: float = Field(600.0, gt=0, allow_inf_nan=False)
    max_retries: int = Field(4, alias="max-retries", ge=0, le=10)
    backoff_base: float = Field(1.0, alias="backoff-base", ge=0)  # seconds; the window doubles per retry
    backoff_max: float = Field(30.0, alias="backoff-max", ge=0)  # cap of one wait (Retry-After included)
    concurrency: int = Field(4, ge=1, le=32)

    # Budget of one run
    # HTTP requests, retries, parameter fallbacks and one-by-one samples included: each takes a call before it
    # is sent, so concurrent requests cannot overshoot it either.
    max_calls: int = Field(40, alias="max-calls", ge=0)
    max_tokens: int = Field(400_000, alias="max-tokens", ge=0)  # prompt + completion tokens
    max_prompt_tokens: int = Field(
        12_000, alias="max-prompt-tokens", ge=500
    )  # one prompt (files are grouped)
    cache: bool = True  # response cache keyed by (provider, model, prompt, params)

    # Tasks
    review: bool = True
    triage: bool = True
    triage_level: Level = Field("warning", alias="triage-level")  # triage findings at or above this severity
    verify: bool = True  # a second prompt per file checks the model's own review comments (the discriminator weighs it)
    fix: bool = False  # optional step: k fixes for accepted comments that have none
    fix_samples: int = Field(2, alias="fix-samples", ge=1, le=8)
    max_fixes: int = Field(5, alias="max-fixes", ge=0)
    max_comments_per_file: int = Field(5, alias="max-comments-per-file", ge=1)
    evidence: bool = True  # False: the ablation (`--no-evidence`): same prompts without analyzer evidence

    # Offline / inspection
    cassette: str = ""  # replay replies from this cassette (provider "replay", or `--llm-cassette`)
    record: str = ""  # record every request/response pair of the run to this cassette
    dump_prompts: str = Field("", alias="dump-prompts")  # write the prompts to this directory; call no model

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in data:
                if str(key).lower() in _SECRET_KEYS:
                    raise ValueError(
                        f"{key!r}: secrets do not belong in the config file; put the key in an environment "
                        "variable and name that variable in 'api-key-env'"
                    )
            headers = data.get("headers")
            if isinstance(headers, dict):
                for name in headers:
                    if str(name).lower() in _SECRET_HEADERS:
                        raise ValueError(
                            f"headers: {name!r} would put a secret in the config file; use 'api-key-env' "
                            "(and 'auth-header') instead"
                        )
        return data

    @property
    def enabled(self) -> bool:
        """Does this run use the LLM reviewer (a provider, a cassette, or prompt dumping)?"""
        return self.provider != "none" or bool(self.cassette) or bool(self.dump_prompts)

    def resolved_base_url(self) -> str:
        return (self.base_url or DEFAULT_BASE_URL.get(self.provider, "")).rstrip("/")

    def resolved_key_env(self) -> str:
        return self.api_key_env or DEFAULT_KEY_ENV.get(self.provider, "")

    def resolved_model(self) -> str:
        return self.model or DEFAULT_MODEL.get(self.provider, "")
