"""Done-when check: the static-only review of the demo patch shows a verified rule autofix, with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewbot.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_patch_shows_a_verified_autofix(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    main(["review", "--patch", "examples/demo.patch", "--format", "json", "--no-cache"])
    doc = json.loads(capsys.readouterr().out)
    fixed = [c for c in doc["comments"] if c["suggestion"] is not None]
    assert fixed, [c["reason"] for c in doc["comments"]]
    (none_cmp,) = [c for c in fixed if c["path"].endswith("pricing.py") and "None" in c["suggestion"]]
    assert none_cmp["suggestion"].strip() == "if coupon is None:"
    assert none_cmp["reason"].startswith("verified: resolves semgrep none-comparison-eq, introduces nothing")
    steps = none_cmp["verdict"]["steps"]
    assert steps["applies"].startswith("yes") and steps["parses"].startswith("yes")
    assert "semgrep" in steps["reanalysis"] and steps["suggestion"] == "shown" and steps["budget"] == "reported"
    # every candidate, posted or not, says why
    for c in doc["comments"] + doc["rejected"]:
        assert c["reason"] and {"score", "budget"} <= set(c["verdict"]["steps"])
    assert doc["summary"]["cut"].get("below-threshold", 0) >= 1  # bandit B404 (info) among them
