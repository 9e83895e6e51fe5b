"""Where a review's time goes: the report's ``stats.stages`` (the Action's job summary shows them as a table)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from tests.helpers import GitRepo

SCHEMA = json.loads(resources.files("reviewbot.schema").joinpath("review.schema.json").read_text())


def test_json_report_carries_the_seconds_of_each_stage_in_order(repo: GitRepo, cli) -> None:  # type: ignore
    repo.write("app.py", "def load(text):\n    return text\n")
    repo.commit("base")
    repo.write("app.py", "def load(text):\n    print(text)\n    return eval(text)\n")
    r = cli(repo.path, "review", "--analyzers", "marker", "--no-cache", "--format", "json")
    assert r.code in (0, 1), r
    doc = json.loads(r.out)
    jsonschema.validate(doc, SCHEMA)
    stages = doc["stats"]["stages"]
    assert [s["name"] for s in stages] == ["diff", "analyzers", "llm", "discriminator"]
    assert all(s["seconds"] >= 0 for s in stages)
    assert sum(s["seconds"] for s in stages) <= doc["stats"]["seconds"] + 0.01  # parts of the review's total
