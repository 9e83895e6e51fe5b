"""LLM settings (``[tool.reviewbot.llm]``). No provider is the default: the review is static-only."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    provider: Literal["none", "openai", "anthropic", "replay"] = "none"
    model: str = ""
    base_url: str = Field("", alias="base-url")
    api_key_env: str = Field("", alias="api-key-env")
